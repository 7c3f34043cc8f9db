"""Review: source and translation side by side, states, QA, alternatives, live preview.

Every change goes through :func:`locwork.review.save` (optimistic
concurrency under the catalog lock). The editor is one browser component
(ui/workbench.py, which keeps per segment the text the reviewer started from
and the text typed but not saved yet); every action it sends names the
segment whose text it carries, so a text never moves to another segment.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from functools import partial
from html import escape
from pathlib import Path

import streamlit as st

from locwork import history, preview, qa, review
from locwork.errors import LocworkError
from ui import bars, common, review_tools, workbench

SEGMENT_LIST = "segment_list"  # the segment table, open or not (closed at first: ui/bars.py)
DIFF_STYLE = """<style>
.lw-diff { font-size: .9rem; line-height: 1.6; padding: .5rem .7rem; border-radius: .5rem;
  background: #fafafa; border: 1px solid #e6e6e6; }
.lw-diff del { background: #fde2e1; color: #9b1c1c; text-decoration: line-through; }
.lw-diff ins { background: #dcf5e3; color: #14662f; text-decoration: none; }
.lw-src { font-size: .875rem; line-height: 1.5; padding: .5rem .75rem; border-radius: .5rem;
  background: #f6f7f9; border: 1px solid #e3e6ea; color: #1f2430; overflow: auto;
  box-sizing: border-box; }
.lw-label { font-size: 14px; min-height: 1.5rem; display: flex; align-items: center;
  margin-bottom: .25rem; color: rgb(49, 51, 63); }
.lw-meta { font-size: .78rem; color: #6b7280; }
</style>"""


# --------------------------------------------------------------- data


# A resource, not data: st.cache_data pickles the rows when they are stored and unpickles
# them on every read (2-7 ms per editor action, and again in each fragment that reads them).
# Nothing changes a Row once made; each caller gets a list of its own.
@st.cache_resource(show_spinner=False, max_entries=64)
def _rows(doc_path: str, doc_version: tuple, catalog_path: str, catalog_version: tuple, lang: str,
          glossary_version: tuple) -> list[review.Row]:
    doc = common.load_document(Path(doc_path))
    return review.load_rows(doc, Path(catalog_path).parents[1], lang, common.glossary())


def load_rows(doc_path: Path, doc, lang: str) -> list[review.Row]:
    proj = common.project()
    path = review.catalog_for(proj.locales, lang, doc.name)
    from locwork import segment_overrides

    version = (common._mtime(doc_path), common._mtime(segment_overrides.overrides_path(doc_path)))
    return list(_rows(str(doc_path), version, str(path), common._mtime(path), lang,
                      common._mtime(proj.root / "glossary.csv")))


# ------------------------------------------------------------ actions
#
# The editor and each segment's state (bases, drafts) are ui/workbench.py's. What the
# details and the segment list do to the editor (a Use button, a row click) goes through
# these two, which also ask for a full run: the editor is another fragment.


def go_to(seg: str | None) -> None:
    """Open ``seg`` from outside the editor (a table row, a QA finding, next untranslated)."""
    workbench.open_segment(seg)
    st.session_state["wb_full"] = True


def use(ident: str, text: str) -> None:
    """Put ``text`` in the open segment's editor (a Use button of the details)."""
    workbench.use_text(ident, text)
    st.session_state["wb_full"] = True


def append(ident: str, saved: str, piece: str) -> None:
    """Add ``piece`` at the end of the segment's editor text as it is when clicked (its draft,
    sent when the text area lost focus, else its text)."""
    current = workbench.text_of(ident, saved)
    sep = "" if not current or current.endswith((" ", "\n")) else " "
    use(ident, current + sep + piece)


def compute_other_routes(ident: str, lang: str, source: str, exclude: str) -> None:
    try:
        with common.engines_session() as engines:
            found = review.other_routes(engines, lang, source, common.glossary(), exclude=exclude)
    except LocworkError as error:
        review_tools._flash("error", str(error))  # (shown by the editor: a full run)
        return
    st.session_state.setdefault("route_outputs", {})[ident] = [asdict(a) for a in found]


# --------------------------------------------------------------- page


def flash() -> None:
    """A message left by an action, where the editor is not drawn (no language yet)."""
    message = st.session_state.pop("flash", None)
    if message:
        st.toast(message[1])


def language_bar(proj, doc, languages: list[str]) -> str:
    wanted = st.session_state.get("review_lang") or st.query_params.get("lang")
    if wanted not in languages:
        wanted = languages[0]
    st.session_state["review_lang"] = wanted

    def label(code: str) -> str:
        stats = common.catalog_stats(review.catalog_for(proj.locales, code, doc.name))
        return f"{common.lang_name(code).split(' (')[0]} {stats.approved}/{stats.total}"

    workbench.choice_bar("review_lang_bar", [(code, label(code)) for code in languages], wanted,
                         _pick_language, label="Language")
    return st.session_state["review_lang"]


def _pick_language(code: str) -> None:
    st.session_state["review_lang"] = code


DETAIL_TABS = ["QA", "Alternatives", "Diff with MT", "History", "Provenance", "Memory", "Comment",
               "Glossary"]
def apply_filters(rows: list[review.Row], spec: dict, order: str) -> list[review.Row]:
    return review.sort_rows(review.filter_rows(rows, **spec), order)


def qa_html(warnings) -> str:
    """The QA tab: its warnings, one HTML element."""
    if not warnings:
        return "<div class='lw-meta'>No QA warning.</div>"
    return (f"<div style='color:#b45309'><b>{len(warnings)} QA warnings</b></div>" + "".join(
        f"<div>• <b>{escape(qa.LABELS.get(w.code, w.code))}</b> — {escape(w.message)}</div>"
        for w in warnings))


def text_html(text: str, meta: str = "") -> str:
    """Document or engine text shown as text: HTML-escaped, and st.html parses no Markdown."""
    tail = f"<span class='lw-meta'>{meta}</span>" if meta else ""
    return f"<div class='lw-text' style='white-space:pre-wrap'>{escape(text)}{tail}</div>"


def details(row: review.Row, lang: str, path: Path, ident: str) -> None:
    typed = workbench.text_of(ident, row.target)  # what the segment's editor holds
    insert = partial(use, ident)  # text -> this segment's editor (and its draft)
    # The chosen tab is kept in the session: it survives a save and a move; only its content
    # is drawn.
    tab = st.session_state.get("detail_tab")
    if tab not in DETAIL_TABS:
        tab = st.session_state["detail_tab"] = DETAIL_TABS[0]
    workbench.choice_bar("detail_tabs_bar", [(t, t) for t in DETAIL_TABS], tab, _pick_tab,
                         role="tab", label="Details of the segment")
    with st.container(key="detail_panel"):
        _tab_content(tab, row, lang, path, ident, typed, insert)


def _pick_tab(tab: str) -> None:
    st.session_state["detail_tab"] = tab


def _tab_content(tab: str, row: review.Row, lang: str, path: Path, ident: str, typed: str,
                 insert) -> None:
    if tab == "Comment":
        review_tools.comment_tab(row, lang, path)
    elif tab == "Glossary":
        review_tools.glossary_tab(row, lang, partial(append, ident, row.target))
    elif tab == "QA":
        st.html(qa_html(row.warnings))
    elif tab == "Alternatives":
        if row.alternatives:
            st.caption("N-best from the engine")
            for i, alt in enumerate(row.alternatives):
                c1, c2 = st.columns([6, 1], vertical_alignment="center")
                score = f" · score {alt['score']:.3f}" if isinstance(alt.get("score"), (int, float)) else ""
                c1.html(text_html(alt["text"], escape(score)))
                c2.button("Use", key=f"use_nbest_{i}", on_click=insert, args=(alt["text"],))
        else:
            st.caption(f"No n-best list: {row.engine or 'the engine'} gave one translation for this "
                       "segment (only argos routes keep alternatives; Translate page, n-best).")
        others = st.session_state.get("route_outputs", {}).get(ident)
        if others is None:
            st.button("Translate this segment with the other routes", key="other_routes",
                      on_click=compute_other_routes, args=(ident, lang, row.source, row.route))
        elif not others:
            st.caption("No other route to this language.")
        for i, alt in enumerate(others or []):
            c1, c2 = st.columns([6, 1], vertical_alignment="center")
            if alt["error"]:
                c1.html(f"<div class='lw-meta'>{escape(alt['route'])}: {escape(alt['error'])}</div>")
                continue
            c1.html(text_html(alt["text"]) + f"<div class='lw-meta'>{escape(alt['route'])} · "
                    f"expected chrF {alt['expected_chrf']:.1f}</div>")
            c2.button("Use", key=f"use_route_{i}", on_click=insert, args=(alt["text"],))
        if row.mt and row.mt != typed:
            st.button("Back to the raw machine translation", key="use_mt", on_click=insert,
                      args=(row.mt,))
    elif tab == "Diff with MT":
        if row.mt:
            st.html(DIFF_STYLE + "<div class='lw-meta'>raw MT → saved text</div>"
                    f"<div class='lw-diff'>{review.diff_html(row.mt, row.target)}</div>")
        else:
            st.caption("No machine translation recorded for this segment.")
    elif tab == "History":
        records = history.read(path, row.id)
        if not records:
            st.caption("No edit yet.")
        for record in reversed(records[-20:]):
            st.html(DIFF_STYLE + f"<div class='lw-meta'><b>{escape(str(record.get('reviewer')))}</b> · "
                    f"{escape(str(record.get('action')))} · {escape(str(record.get('time')))}</div>"
                    f"<div class='lw-diff'>{review.diff_html(record.get('old', ''), record.get('new', ''))}</div>")
    elif tab == "Provenance":
        def dash(value) -> str:
            return escape("—" if value in (None, "") else str(value))

        st.html(
            f"<ul class='lw-prov'><li>route: <code>{dash(row.route)}</code></li>"
            f"<li>engine: <code>{dash(row.engine)}</code></li>"
            f"<li>model: <code>{dash(row.model)}</code></li>"
            f"<li>expected chrF: {dash(row.expected_chrf)}</li>"
            f"<li>QE: {dash(row.qe)}"
            + ("" if row.qe is None else f" (expected chrF {100 * row.qe:.0f})")
            + f" · HTER: {dash(row.hter)}</li></ul>"
        )
    elif tab == "Memory":
        memory_tab(row, lang, insert)


def memory_tab(row: review.Row, lang: str, insert) -> None:
    """Matches from the translation memory, with their diff, and a concordance search."""
    locales = common.project().locales
    if row.origin.startswith("tm"):
        st.html(f"<div>This draft came from the memory: <b>{escape(row.origin)}</b></div>")
        if row.tm_source and row.tm_source != row.source:
            st.html(DIFF_STYLE + "<div class='lw-meta'>memory source → this source</div>"
                    f"<div class='lw-diff'>{review.diff_html(row.tm_source, row.source)}</div>")
    try:
        matches = common.memory_matches(row.source, lang)
    except LocworkError as error:
        st.error(str(error))
        matches = []
    if not matches:
        st.caption("No match in the translation memory (approved segments fill it).")
    for i, match in enumerate(matches):
        c1, c2 = st.columns([6, 1], vertical_alignment="center")
        who = f" · {escape(match.reviewer)}" if match.reviewer else ""
        c1.html(DIFF_STYLE + f"<div><b>{match.score}%</b> {escape(match.target)}</div>"
                f"<div class='lw-meta'>{escape(match.document)}/{escape(match.segment)}{who}</div>"
                f"<div class='lw-diff'>{review.diff_html(match.source, row.source)}</div>")
        c2.button("Use", key=f"use_tm_{i}", on_click=insert, args=(match.target,))
    query = st.text_input("Search the memory (concordance)", key="tm_query",
                          placeholder="a word or a phrase, in French or in the translation")
    if query.strip():
        try:
            hits = review.memory_search(locales, query, lang)
        except LocworkError as error:
            st.html(f"<div class='lw-meta'>{escape(str(error))}</div>")
            return
        if not hits:
            st.caption("Nothing found.")
        else:
            st.dataframe({"source": [h.source for h in hits], "translation": [h.target for h in hits],
                          "where": [f"{h.document}/{h.segment}" for h in hits]},
                         hide_index=True, width="stretch")


def segment_table(shown: list[review.Row], current: str, path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({
        "state": [r.state for r in shown],
        "id": [r.id for r in shown],
        "source": [r.source for r in shown],
        "translation": [r.target for r in shown],
        "QA": [len(r.warnings) or None for r in shown],
    })
    # Each segment's score: the estimate (expected chrF / 100, higher is better) and the post-editing effort
    # (HTER, lower is less effort), when the catalog has them.
    scores = {}
    if any(r.qe is not None for r in shown):
        frame["QE"] = [r.qe for r in shown]
        scores["QE"] = st.column_config.NumberColumn(
            "QE", width=55, format="%.2f",
            help="Quality estimate of the machine translation: expected sentence chrF / 100, "
                 "on one scale for every language (its route's expected chrF on average)")
    if any(r.hter is not None for r in shown):
        frame["HTER"] = [r.hter for r in shown]
        scores["HTER"] = st.column_config.NumberColumn(
            "HTER", width=60, format="%.1f", help="Post-editing effort: TER of the MT vs the text")
    drafts = workbench.drafts()
    unsaved = [workbench.ident_of(path, r.id, r.source) in drafts for r in shown]
    draft_col = ["draft"] if any(unsaved) else []
    if draft_col:
        frame["draft"] = ["✎ unsaved" if u else "" for u in unsaved]
        scores["draft"] = st.column_config.TextColumn(
            "draft", width=80, help="Typed here and not saved yet: open the segment to save it")
    frame = frame[["state", "id", *draft_col, *[k for k in scores if k != "draft"], "source",
                   "translation", "QA"]]
    styled = frame.style.map(
        lambda state: f"color: {common.STATE_HEX[state]}; font-weight: 600", subset=["state"]
    ).map(lambda n: "color: #b45309" if n else "", subset=["QA"]).apply(
        lambda r: ["background-color: #fff7cc" if r["id"] == current else "" for _ in r], axis=1
    ).format(review_tools.blank_or("{:.0f}"), subset=["QA"]).format(
        review_tools.blank_or("{:.2f}"), subset=[k for k in scores if k == "QE"]).format(
        review_tools.blank_or("{:.1f}"), subset=[k for k in scores if k == "HTER"])
    # (the Styler's display text is what the table shows: a missing value is blank, not "None")
    ids = [r.id for r in shown]
    table_key = "seg_table_" + hashlib.sha1(f"{path}\n{ids}".encode()).hexdigest()[:12]
    st.dataframe(
        styled, key=table_key, on_select=partial(pick_row, table_key, ids),  # no args= here
        selection_mode="single-row", hide_index=True,
        height=min(38 + 35 * len(shown), 420),
        column_config={
            "state": st.column_config.TextColumn(width=85),
            "id": st.column_config.TextColumn(width=55),
            "source": st.column_config.TextColumn(width="medium"),
            "translation": st.column_config.TextColumn(width="medium"),
            "QA": st.column_config.NumberColumn("QA ⚠", width=50, format="%d"),
            **scores,
        },
    )


def segment_list(shown: list[review.Row], current: str, path: Path) -> None:
    """The segment table, drawn while the tool bar's "Segment list" is open.

    The data-frame widget is the heaviest single element of the page (1.3 MB of script to
    fetch and compile, a canvas grid to draw): drawn on first load it cost about a quarter of
    Chromium's CPU (12.7 s against 9.7 s closed, interleaved loads on a loaded machine), and
    each editor action redrew it. Closed, it is not sent at all; open, it stays open for the
    session and follows every action.
    """
    if not st.session_state.get(SEGMENT_LIST):
        return
    if shown:
        segment_table(shown, current, path)
    else:
        st.info("No segment matches the filters.")


def pick_row(table_key: str, ids: list[str]) -> None:
    """A row was clicked: open its segment. ``ids`` are the rows as they were drawn.

    Only a change of selection calls this, but a table that was hidden (a filter, a closed
    list) and is drawn again under the same key gets the browser's old selection as a new
    one: a selection already acted on is remembered per table, and never reopens its row.
    """
    event = st.session_state.get(table_key)
    rows = event.selection.rows if event and event.selection else []
    picked = st.session_state.setdefault("table_picked", {})
    if not rows:
        picked.pop(table_key, None)
        return
    if picked.get(table_key) == rows[0]:
        return
    picked[table_key] = rows[0]
    if 0 <= rows[0] < len(ids) and ids[rows[0]] != st.session_state.get("seg"):
        go_to(ids[rows[0]])


def consistency_panel(doc, locales: Path, lang: str) -> None:
    """Consistency across the document and its languages (locwork qa), while the tool bar's
    switch is on."""
    if not st.session_state.get("show_consistency"):
        return
    report = review.consistency_findings(doc, locales, lang)
    if not report:
        st.success("Consistent: same sources, numbers, dates and names agree.",
                   icon=":material/check_circle:")
        return
    for i, finding in enumerate(report):
        c1, c2 = st.columns([6, 1], vertical_alignment="center")
        where = f" ({finding.lang})" if finding.lang else " (across languages)"
        c1.html(f"<div>• <b>{escape(finding.code)}</b>{escape(where)}: {escape(finding.message)}</div>")
        if finding.segments:
            c2.button(finding.segments[0], key=f"consistency_{i}", on_click=go_to,
                      args=(finding.segments[0],))


PROGRESS_STYLE = """<style>
.lw-progress { font-size: 14px; color: rgb(49, 51, 63); }
.lw-progress .lw-bar { height: .5rem; border-radius: .25rem; background: #f0f2f6; margin-top: .3rem; }
.lw-progress .lw-bar > span { display: block; height: 100%; border-radius: .25rem; background: #ff4b4b; }
</style>"""

# The preview scrolls its current segment into view.
SCROLL_PREVIEW_JS = (
    "setTimeout(function(){const root=document.querySelector('.st-key-preview_box');"
    "const el=root&&root.querySelector('.lw-seg.current');if(!el)return;let box=el.parentElement;"
    "while(box&&box!==root.parentElement){const o=getComputedStyle(box).overflowY;"
    "if((o==='auto'||o==='scroll')&&box.scrollHeight>box.clientHeight+2)break;box=box.parentElement;}"
    "if(!box||box===root.parentElement)return;box.scrollTop+=el.getBoundingClientRect().top-"
    "box.getBoundingClientRect().top-box.clientHeight/3;},150);")


def preview_texts(rows: list[review.Row], path: Path) -> dict[str, tuple[str, str]]:
    """Each segment's text for the preview: its unsaved draft when there is one, else the
    saved text (and the editor's JavaScript shows the open segment's text as it is typed)."""
    drafts = workbench.drafts()
    texts = {}
    for r in rows:
        typed = drafts.get(workbench.ident_of(path, r.id, r.source), {}).get("text")
        texts[r.id] = (typed if typed and typed.strip() else r.target, r.state)
    return texts


def page() -> None:
    """What changes with the document, the language or the filters: a full run. The rest is
    three fragments: the editor (:func:`editor_pane`), then, once the editor's run is over,
    the details under it and the preview beside it (each reruns on its own)."""
    # Every style and page-wide script, in one element outside the fragments.
    st.html(DIFF_STYLE + review_tools.TOKEN_STYLE + PROGRESS_STYLE + review_tools.FOCUS_SEARCH_JS,
            unsafe_allow_javascript=True)
    path, doc = common.current_document()
    if doc is None:
        st.info("Choose or upload a document first.")
        st.page_link("ui/document.py", label="Go to Document", icon=":material/description:")
        return
    proj = common.project()
    languages = review.languages(proj.locales, doc.name)
    title, lang_col = st.columns([1, 5], vertical_alignment="center")
    title.markdown("##### Review")
    if not languages:
        flash()
        st.info("No translation of this document yet: translate it first.")
        st.page_link("ui/translate.py", label="Translate", icon=":material/translate:")
        return
    with lang_col:
        lang = language_bar(proj, doc, languages)
    spec, order = bars.filters(load_rows(path, doc, lang))
    st.session_state["wb_inputs"] = outside_inputs()
    main, side = st.columns([3, 2], gap="medium")
    with main:
        editor_pane(path, doc, lang, spec, order)
        details_pane(path, doc, lang, spec, order)
    with side:
        preview_pane(path, doc, lang)


def outside_inputs() -> str:
    """The widgets outside the fragments that they depend on (document, language, filters)."""
    keys = sorted(k for k in st.session_state.keys()
                  if k in ("doc_select", "review_lang") or str(k).startswith("f_"))
    return repr([(k, st.session_state[k]) for k in keys])


def _full_run_needed(editor: bool = False) -> None:
    """In a fragment's rerun: a jump to another document or language, a click outside the
    fragments that reached the server during the run, or a change the other fragments must
    show (an action of the details): run the whole page instead.

    The browser sends the widget changes of one moment in one batch, run as one fragment's
    rerun: an editor action that went out with the details' or the preview's request reruns
    that fragment, not the editor's. The editor must draw every action's result (and free
    its text area), so such a run becomes the whole page's.
    """
    asked = st.session_state.pop("full_rerun", False) | st.session_state.pop("wb_full", False)
    acted = st.session_state.pop("wb_acted", False) if editor else st.session_state.get("wb_acted")
    if _fragment_run() and (asked or (acted and not editor)
                            or outside_inputs() != st.session_state.get("wb_inputs")):
        st.rerun()


@st.fragment
def editor_pane(path: Path, doc, lang: str, spec: dict, order: str) -> None:
    """The editor: an action in it (save, approve and next, a move, a draft) reruns this
    function only, and draws one element."""
    _full_run_needed(editor=True)
    proj = common.project()
    catalog_path = review.catalog_for(proj.locales, lang, doc.name)
    rows = load_rows(path, doc, lang)
    shown = apply_filters(rows, spec, order)
    ids = [r.id for r in rows]
    seg = st.session_state.get("seg") or st.query_params.get("seg")
    # A new filter that hides the open segment opens the first one it shows (a draft of the
    # one left stays its draft); a save that takes the open one out of the list does not.
    filtered = repr((spec, order)) != st.session_state.get("shown_for")
    st.session_state["shown_for"] = repr((spec, order))
    if seg not in ids or (filtered and shown and seg not in {r.id for r in shown}):
        pick = next((r.id for r in shown if r.state != "approved"), None) or \
            (shown[0].id if shown else ids[0] if ids else None)
        seg = pick
    if seg is None:
        st.html(workbench.progress_html(review.progress(rows)))
        st.info("This document has no translatable segment.")
        return
    st.session_state["seg"] = seg
    if not _fragment_run() and (st.query_params.get("seg") != seg or st.query_params.get("lang") != lang):
        # (in the editor's own reruns its script puts them in the address bar: a change of
        # query parameters from here costs the browser a navigation's work on every move)
        st.query_params["lang"] = lang
        st.query_params["seg"] = seg
    row = next(r for r in rows if r.id == seg)
    workbench.draw(row, rows, shown, lang, catalog_path)


def _fragment_run() -> bool:
    """Whether this run is a fragment's own rerun (not the page's)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


def _current(path: Path, doc, lang: str) -> tuple[Path, list[review.Row], review.Row | None]:
    catalog_path = review.catalog_for(common.project().locales, lang, doc.name)
    rows = load_rows(path, doc, lang)
    seg = st.session_state.get("seg")
    return catalog_path, rows, next((r for r in rows if r.id == seg), None)


@st.fragment
def details_pane(path: Path, doc, lang: str, spec: dict, order: str) -> None:
    """Under the editor: the segment's details, the consistency check, the tools and the
    segment list. Reruns after the editor's run when the segment or its texts changed."""
    _full_run_needed()
    catalog_path, rows, row = _current(path, doc, lang)
    if row is None:
        return
    workbench.sync("details", catalog_path, row.id)
    ident = workbench.ident_of(catalog_path, row.id, row.source)
    details(row, lang, catalog_path, ident)
    shown = apply_filters(rows, spec, order)
    review_tools.toolbar(catalog_path, rows, shown, row.id, go_to)
    consistency_panel(doc, common.project().locales, lang)
    segment_list(shown, row.id, catalog_path)


@st.fragment
def preview_pane(path: Path, doc, lang: str) -> None:
    """Beside the editor: the document as translated, the open segment highlighted."""
    _full_run_needed()
    catalog_path, rows, row = _current(path, doc, lang)
    if row is None:
        return
    workbench.sync("preview", catalog_path, row.id, delay_ms=60)
    legend = " ".join(
        f"<span style='border-bottom:2px solid {colour};margin-left:.6rem"
        f"{';font-style:italic;color:#9e9e9e' if s == 'untranslated' else ''}'>{s}</span>"
        for s, colour in (("untranslated", "transparent"), ("machine", "#f3d19c"),
                          ("edited", "#9cc3f3"), ("approved", "transparent")))
    st.html(f"<div class='lw-label'><b>Preview</b>&nbsp;· {escape(common.lang_name(lang))}"
            f"<span class='lw-meta' style='margin-left:auto'>{legend}</span></div>")
    with st.container(height=760, border=True, key="preview_box"):
        st.html(preview.render(doc, preview_texts(rows, catalog_path), highlight=row.id, lang=lang)
                + f"<script>{SCROLL_PREVIEW_JS}</script>", unsafe_allow_javascript=True)


page()
