"""Machine-translation runs with one progress bar per language.

The Article page (one click for every chosen language) and the Translate
page (routes picked by hand) both start runs here, so the two cannot drift:
each language goes through :func:`locwork.services.translate_languages`, the
code ``locwork translate`` uses, which never touches edited or approved work.
"""

from __future__ import annotations

import contextlib

import streamlit as st

from locwork import review, routing, services
from locwork.document import Document
from locwork.errors import LocworkError
from ui import common


def translate_languages(doc: Document, routes: dict[str, routing.Route | None],
                        n_best: int = 1) -> list[str]:
    """Translate ``doc`` into each language (``None``: the router's pick); one line per result.

    Each language has its own progress bar; a failure in one language is
    shown in its place and the others go on.
    """
    proj = common.project()
    glossary = common.glossary()
    reports: list[str] = []
    total = max(len(doc.translatable), 1)
    for lang, route in routes.items():
        name = common.lang_name(lang)
        bar = st.progress(0.0, text=f"{name}: starting")
        done = [0]

        def advance(n: int, bar=bar, name=name, done=done) -> None:
            done[0] += n
            bar.progress(min(done[0] / total, 1.0), text=f"{name}: {done[0]} / {total} segments")

        try:
            with common.engines_session() as engines:
                # route None: the router's pick, chosen as `locwork translate` does
                [(_, report)] = services.translate_languages(
                    engines, doc, {lang: route}, proj.locales, glossary, int(n_best),
                    src=review.SOURCE_LANG, root=proj.root,
                    progress_for=lambda _, advance=advance: contextlib.nullcontext(advance),
                )
        except LocworkError as error:
            bar.empty()
            st.error(f"{name}: {error}")
            continue
        bar.progress(1.0, text=f"{name}: done")
        reports.append(f"{name}: {report.translated} translated, {report.kept} kept "
                       f"· {report.route} · expected chrF {report.route.expected_chrf:.1f}")
    return reports


def show_reports(reports: list[str]) -> None:
    for report in reports:
        st.success(report)
    if reports:
        st.page_link("ui/review.py", label="Review the translations", icon=":material/rate_review:")

