"""Article: the first screen. The document as segmented, each language's state, one action.

A new user lands here (``make run`` opens it): they see the article cut
into the sentences that will be translated, how far each language has got,
and one button that translates into every chosen language through the
router's pick, with a progress bar per language. Routes can be chosen by
hand on the Translate page.
"""

from __future__ import annotations

from html import escape

import streamlit as st

from locwork import review
from locwork.errors import LocworkError
from ui import common, runs

# Languages offered before any catalog exists: the ones the README's first session uses.
DEFAULT_TARGETS = ("en", "es", "ca", "pt", "it")
ARTICLE_STYLE = """<style>
.lw-article { font-size: .95rem; line-height: 1.65; max-width: 60rem; }
.lw-article h3, .lw-article h4 { margin: .8rem 0 .3rem; }
.lw-article p { margin: 0 0 .7rem; }
.lw-seg { padding: .05rem .15rem; border-radius: .25rem; }
.lw-seg:nth-child(odd) { background: #eef3fb; }
.lw-seg:nth-child(even) { background: #fbf3e6; }
.lw-sid { font-size: .65rem; color: #6b7280; vertical-align: super; margin-right: .1rem; }
.lw-media { color: #6b7280; font-style: italic; }
</style>"""


def article_html(doc) -> str:
    """The document as it was segmented: one tinted span per sentence, its id above it."""
    parts = [ARTICLE_STYLE, '<div class="lw-article">']
    by_paragraph: dict[int, list] = {}
    for seg in doc.segments:
        by_paragraph.setdefault(seg.paragraph, []).append(seg)
    for _, segments in sorted(by_paragraph.items()):
        first = segments[0]
        spans = "".join(
            f'<span class="lw-seg" title="{escape(s.id)}"><span class="lw-sid">{escape(s.id)}</span>'
            f"{escape(s.text)}</span> " for s in segments)
        if first.kind == "heading":
            tag = "h3" if (first.level or 1) <= 1 else "h4"
            parts.append(f"<{tag}>{spans}</{tag}>")
        elif first.kind == "media":
            parts.append(f'<p class="lw-media">{escape(" ".join(s.text for s in segments))}</p>')
        else:
            parts.append(f"<p>{spans}</p>")
    parts.append("</div>")
    return "".join(parts)


def language_rows(doc, langs: list[str]) -> list[dict]:
    proj = common.project()
    rows = []
    for lang in langs:
        path = review.catalog_for(proj.locales, lang, doc.name)
        row = {"Language": common.lang_name(lang), "Untranslated": len(doc.translatable),
               "Machine": 0, "Edited": 0, "Approved": 0, "Reviewed": 0.0}
        if path.is_file():
            try:
                stats = common.catalog_stats(path)
            except LocworkError as error:
                st.warning(f"{common.lang_name(lang)}: {error}")
                continue
            states = stats.states
            row.update(Untranslated=states["untranslated"], Machine=states["machine"],
                       Edited=states["edited"], Approved=states["approved"],
                       Reviewed=states["approved"] / max(stats.total, 1))
        rows.append(row)
    return rows


def page() -> None:
    path, doc = common.current_document()
    if doc is None:
        st.info("Choose a document in the sidebar, or upload one on the Document page.")
        return
    proj = common.project()
    words = sum(len(s.text.split()) for s in doc.translatable)
    st.markdown(f"#### {escape(doc.name)}")
    st.caption(f"{len(doc.translatable)} segments · {words} words · French source · "
               f"`{path}`")
    existing = review.languages(proj.locales, doc.name)
    try:
        with common.engines_session() as engines:
            targets = review.reachable_languages(engines.graph())
    except LocworkError as error:
        st.error(str(error))
        targets = []
    left, right = st.columns([1.35, 1], gap="large")
    with right:
        st.markdown("**Translations**")
        if not targets:
            st.error("No translation engine is installed: see the Models page.")
        else:
            key = f"home_langs:{doc.name}"
            if key not in st.session_state:
                wanted = existing or [lang for lang in DEFAULT_TARGETS if lang in targets]
                st.session_state[key] = [lang for lang in wanted if lang in targets]
            chosen = st.multiselect("Translate into", targets, key=key, format_func=common.lang_name)
            rows = language_rows(doc, sorted(set(existing) | set(chosen)))
            if rows:
                st.dataframe(rows, hide_index=True, width="stretch", column_config={
                    "Language": st.column_config.TextColumn(width=100),
                    "Untranslated": st.column_config.NumberColumn("Untr.", width=45),
                    "Machine": st.column_config.NumberColumn(width=58),
                    "Edited": st.column_config.NumberColumn(width=50),
                    "Approved": st.column_config.NumberColumn(width=66),
                    "Reviewed": st.column_config.ProgressColumn(
                        "Done", format="percent", min_value=0.0, max_value=1.0, width=62)})
            if st.button("Translate", type="primary", key="home_run", disabled=not chosen,
                         help="Each language goes through the router's best route; edited and "
                              "approved segments are never overwritten."):
                st.session_state[f"home_reports:{doc.name}"] = runs.translate_languages(
                    doc, {lang: None for lang in chosen})
                st.rerun()
            runs.show_reports(st.session_state.get(f"home_reports:{doc.name}", []))
            if existing and not st.session_state.get(f"home_reports:{doc.name}"):
                st.page_link("ui/review.py", label="Review", icon=":material/rate_review:")
    with left:
        st.html(article_html(doc))


page()
