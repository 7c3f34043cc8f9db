"""Translate: pick target languages and routes, run the pipeline with a progress bar.

The route list comes from :meth:`locwork.routing.Router.ranked` (best
expected chrF first: the router's pick); the run is
:func:`locwork.pipeline.translate_document`, the code ``locwork translate``
uses, which never touches an edited or approved segment.
"""

from __future__ import annotations

import streamlit as st

from locwork import review, routing
from locwork.engines import registry
from locwork.errors import LocworkError
from ui import common, runs


def route_label(route: routing.Route, best: bool) -> str:
    pick = " — router's pick" if best else ""
    return f"{route} · expected chrF {route.expected_chrf:.1f} ({route.basis}){pick}"


# Engines whose decoder can return several hypotheses (declared with each engine in
# locwork.engines.registry); only a route's last hop gives the alternatives.
NBEST_ENGINES = registry.NBEST_ENGINES


def nbest_notes(routes: dict[str, routing.Route], n_best: int) -> list[str]:
    """Per chosen route, whether its engine can give the n-best asked for, and why not."""
    notes = []
    for lang, route in routes.items():
        engine = route.hops[-1].engine
        if engine in NBEST_ENGINES:
            notes.append(f"{common.lang_name(lang)}: {engine} keeps up to {n_best} alternatives "
                         "per segment.")
        else:
            notes.append(f":orange[{common.lang_name(lang)}: no alternatives — {engine} gives one "
                         "translation per segment (only argos gives n-best); choose an argos route "
                         "to get them.]")
    return notes


def page() -> None:
    path, doc = common.current_document()
    if doc is None:
        st.info("Choose or upload a document first.")
        return
    proj = common.project()
    st.markdown(f"#### Translate · {doc.name}")
    st.caption(f"{len(doc.translatable)} segments to translate from French. Machine output is "
               "stored as fuzzy; edited and approved segments are never overwritten.")
    try:
        with common.engines_session() as engines:
            graph = engines.graph()
            problems = dict(engines.problems)
    except LocworkError as error:
        st.error(str(error))
        return
    router = routing.Router(graph)  # the routes `locwork routes` lists
    targets = review.reachable_languages(graph)
    if not targets:
        st.error("No translation engine is installed: see the Models page.")
        return
    existing = review.languages(proj.locales, doc.name)
    if "t_langs" not in st.session_state:
        wanted = [lang for lang in (existing or ["es"]) if lang in targets]
        st.session_state["t_langs"] = wanted or targets[:1]
    chosen = st.multiselect("Target languages", targets, key="t_langs", format_func=common.lang_name)
    routes: dict[str, routing.Route] = {}
    for lang in chosen:
        ranked = router.ranked(review.SOURCE_LANG, lang)
        if not ranked:
            st.warning(f"{common.lang_name(lang)}: no route")
            continue
        c1, c2 = st.columns([1, 4], vertical_alignment="center")
        c1.markdown(f"**{common.lang_name(lang)}**")
        if st.session_state.get(f"t_route_{lang}", 0) >= len(ranked):
            st.session_state[f"t_route_{lang}"] = 0
        choice = c2.selectbox(
            f"Route to {lang}", list(range(len(ranked))), key=f"t_route_{lang}", format_func=lambda i, r=ranked: route_label(r[i], i == 0),
            label_visibility="collapsed",
        )
        routes[lang] = ranked[choice]
    n_best = st.number_input("Alternatives to keep per segment (n-best)", 1, 8, 1, key="t_nbest",
                             help="Engines that can give several hypotheses (neural ones) keep them "
                                  "for the review screen.")
    if n_best > 1:
        for line in nbest_notes(routes, int(n_best)):
            st.caption(line)
    glossary = common.glossary()
    if glossary is not None:
        st.caption(f"Glossary: {glossary.source} ({len(glossary)} terms)")
    if problems:
        with st.expander("Engines that did not start"):
            for name, problem in problems.items():
                st.caption(f"**{name}**: {problem}")
    if st.button("Translate", type="primary", key="t_run", disabled=not routes):
        st.session_state["t_reports"] = runs.translate_languages(doc, dict(routes), int(n_best))
    runs.show_reports(st.session_state.get("t_reports", []))


page()
