"""Review: source and translation side by side, states, QA, alternatives, live preview.

Every change goes through :func:`locwork.review.save` (optimistic
concurrency under the catalog lock); this page only keeps, per session and
per segment (catalog + segment id), the text the reviewer started from
(``base``) and the text typed but not saved yet (a draft, shown as unsaved
until it is saved, approved or discarded). A text never moves to another
segment: each segment has its own editor widget, and each button is bound to
the segment it was drawn for.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict
from functools import partial
from html import escape
from pathlib import Path

import streamlit as st

from locwork import catalog, history, preview, qa, review, tokens
from locwork.errors import LocworkError
from ui import common, review_tools

EDITOR = "target_editor"  # the container of the current segment's text area
SEGMENT_LIST = "segment_list"  # the expander of the segment table (closed at first)
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


@st.cache_data(show_spinner=False, max_entries=64)
def _rows(doc_path: str, doc_version: tuple, catalog_path: str, catalog_version: tuple, lang: str,
          glossary_version: tuple) -> list[review.Row]:
    doc = common.load_document(Path(doc_path))
    return review.load_rows(doc, Path(catalog_path).parents[1], lang, common.glossary())


def load_rows(doc_path: Path, doc, lang: str) -> list[review.Row]:
    proj = common.project()
    path = review.catalog_for(proj.locales, lang, doc.name)
    from locwork import segment_overrides

    version = (common._mtime(doc_path), common._mtime(segment_overrides.overrides_path(doc_path)))
    return _rows(str(doc_path), version, str(path), common._mtime(path), lang,
                 common._mtime(proj.root / "glossary.csv"))


# ------------------------------------------------------------ actions
#
# Each segment has its own editor state, keyed by (catalog, segment): the
# catalog path names the document and the language. The text area's widget
# key is derived from it, so Streamlit can never hand one segment's text to
# another's editor, and every button is bound at render time to the segment it
# was drawn for. ``bases`` holds, per segment, the text the reviewer started
# from (optimistic concurrency); ``drafts`` holds the texts typed and not saved
# yet, so that moving away (any way) keeps them on their own segment.


def editor_keys(catalog_path: Path | str, seg: str, source: str) -> tuple[str, str]:
    """(identity, widget key) of one segment's editor in one catalog (document + language).

    The source is part of the identity: after a re-segmentation the same id
    can name another sentence, and a draft belongs to the sentence it was
    typed for.
    """
    ident = f"{catalog_path}::{seg}::{hashlib.sha1(source.encode('utf-8')).hexdigest()[:12]}"
    digest = hashlib.sha1(ident.encode("utf-8")).hexdigest()[:12]
    return ident, f"ed_{re.sub(r'[^A-Za-z0-9]', '_', seg)}_{digest}"


def _bases() -> dict[str, str]:
    return st.session_state.setdefault("bases", {})


def _drafts() -> dict[str, dict]:
    return st.session_state.setdefault("drafts", {})


def open_segment(seg: str) -> None:
    st.session_state["seg"] = seg
    st.session_state.pop("conflict", None)


def open_draft(doc_option: str, lang: str, seg: str) -> None:
    """Go to an unsaved draft, in whichever document and language it was typed."""
    if doc_option:
        st.session_state["doc_select"] = doc_option
        st.session_state["switch_to"] = (doc_option, seg)  # common.follow_document keeps seg
    st.session_state["review_lang"] = lang
    open_segment(seg)
    st.session_state["full_rerun"] = True  # the language bar and the sidebar change too


def note_draft(ident: str, wkey: str, source: str, where: dict) -> None:
    """The editor's text changed: keep it as this segment's draft until it is saved."""
    text = st.session_state.get(wkey, "")
    base = _bases().get(ident, "")
    if review.clean_text(text, source) == base:
        _drafts().pop(ident, None)
    else:
        _drafts()[ident] = {**where, "text": text, "base": base}


def discard_draft(ident: str, wkey: str, text: str) -> None:
    _drafts().pop(ident, None)
    _bases()[ident] = text
    st.session_state[wkey] = text


def use_text(ident: str, wkey: str, source: str, where: dict, text: str) -> None:
    st.session_state[wkey] = text
    note_draft(ident, wkey, source, where)


def do_save(path: str, seg: str, ident: str, wkey: str, approve: bool, next_id: str | None,
            source: str) -> None:
    """Button callback, bound to the segment it was drawn for: save (or approve) that
    segment's own editor text; on a conflict keep both texts."""
    text = st.session_state.get(wkey)
    if text is None:  # the editor of this segment is not open: never save another's text
        st.session_state["flash"] = ("error", f"{seg}: its editor is not open; nothing was saved")
        return
    _save(path, seg, ident, wkey, text, _bases().get(ident, ""), approve, next_id, source)


def _save(path: str, seg: str, ident: str, wkey: str, text: str, base: str, approve: bool,
          next_id: str | None, source: str | None = None) -> None:
    try:
        result = review.save(path, seg, text, base, common.reviewer(), approve=approve,
                             source=source)
    except LocworkError as error:
        st.session_state["flash"] = ("error", str(error))
        return
    if isinstance(result, review.Conflict):
        st.session_state["conflict"] = {**asdict(result), "approve": approve, "next": next_id,
                                        "path": path, "source": source, "ident": ident,
                                        "wkey": wkey}
        return
    st.session_state.pop("conflict", None)
    _drafts().pop(ident, None)
    _bases()[ident] = result.text
    verb = "Approved" if result.state == "approved" else "Saved"
    if result.action == "unchanged":  # nothing written (review.save)
        st.session_state["flash"] = ("info", f"No change to save in {seg} (still {result.state})")
    elif result.memory:
        st.session_state["flash"] = ("warning", f"{verb} {seg} ({result.state}); {result.memory}")
    else:
        st.session_state["flash"] = ("success", f"{verb} {seg} ({result.state})")
    if next_id:
        open_segment(next_id)
    else:
        st.session_state[wkey] = result.text


def keep_mine() -> None:
    conflict = st.session_state.get("conflict")
    if conflict:
        _save(conflict["path"], conflict["segment"], conflict["ident"], conflict["wkey"],
              conflict["mine"], conflict["theirs"], conflict["approve"], conflict["next"],
              conflict.get("source"))


def take_theirs() -> None:
    conflict = st.session_state.pop("conflict", None)
    if conflict:
        discard_draft(conflict["ident"], conflict["wkey"], conflict["theirs"])
        st.session_state["flash"] = ("info", f"Loaded the current text of {conflict['segment']}")


def reload_current(ident: str, wkey: str, text: str) -> None:
    discard_draft(ident, wkey, text)


def compute_other_routes(ident: str, lang: str, source: str, exclude: str) -> None:
    try:
        with common.engines_session() as engines:
            found = review.other_routes(engines, lang, source, common.glossary(), exclude=exclude)
    except LocworkError as error:
        st.session_state["flash"] = ("error", str(error))
        return
    st.session_state.setdefault("route_outputs", {})[ident] = [asdict(a) for a in found]


# --------------------------------------------------------------- page


def flash() -> None:
    message = st.session_state.pop("flash", None)
    if message:
        kind, text = message
        icon = {"success": ":material/check_circle:", "error": ":material/error:"}.get(
            kind, ":material/info:")
        st.toast(text, icon=icon)
        if kind == "error":
            st.error(text)


def language_bar(proj, doc, languages: list[str]) -> str:
    wanted = st.session_state.get("review_lang") or st.query_params.get("lang")
    if wanted not in languages:
        wanted = languages[0]
    st.session_state["review_lang"] = wanted

    def label(code: str) -> str:
        stats = common.catalog_stats(review.catalog_for(proj.locales, code, doc.name))
        return f"{common.lang_name(code).split(' (')[0]} {stats.approved}/{stats.total}"

    st.segmented_control("Language", languages, key="review_lang", format_func=label,
                         required=True, label_visibility="collapsed")
    return st.session_state["review_lang"]


ORDER_LABELS = {"document": "Document order", "worst-first": "Worst first (QE)"}


def filters(rows: list[review.Row]) -> tuple[dict, str]:
    """The filter widgets; returns what :func:`apply_filters` needs (the editor's fragment
    applies them to the rows as they are after each of its own reruns)."""
    c1, c2, c3, c4, c5 = st.columns([2.2, 1.6, 1.6, 1.5, 2])
    states = c1.multiselect("State", review.STATES, key="f_states", placeholder="all states")
    qa_options = ["any", "with warnings", *qa.CODES]
    qa_choice = c2.selectbox("QA", qa_options, key="f_qa",
                             format_func=lambda c: qa.LABELS.get(c, c))
    score_key, score_range = None, None
    with_scores = [k for k in review.SCORE_KEYS if any(r.score(k) is not None for r in rows)]
    if with_scores:
        score_key = c3.selectbox("Score", ["—", *with_scores], key="f_score")
        if score_key != "—":
            values = [r.score(score_key) for r in rows if r.score(score_key) is not None]
            lo, hi = float(min(values)), float(max(values))
            if hi > lo:
                score_range = c3.slider("range", lo, hi, (lo, hi), key=f"f_range_{score_key}",
                                        label_visibility="collapsed")
            else:
                score_range = (lo, hi)
        else:
            score_key = None
    else:
        c3.selectbox("Score", ["no scores"], key="f_score_none", disabled=True,
                     help="Segments get scores when QE or HTER is computed (locwork-qe, locwork-hter)")
    order = c4.selectbox(
        "Order", review.ORDERS, key="f_order", format_func=ORDER_LABELS.get,
        help="Worst first: segments still to review by quality estimate, lowest first; "
             "those without an estimate after them (Scores page: Estimate quality)")
    query = c5.text_input("Search", key="f_query", placeholder="in source and translation")
    return dict(states=states, warning_codes=[qa_choice] if qa_choice in qa.CODES else [],
                with_warnings=qa_choice == "with warnings", score_key=score_key,
                score_range=score_range, query=query), order


def apply_filters(rows: list[review.Row], spec: dict, order: str) -> list[review.Row]:
    return review.sort_rows(review.filter_rows(rows, **spec), order)


def editor(row: review.Row, rows: list[review.Row], shown: list[review.Row], lang: str,
           path: Path) -> None:
    ident, wkey = editor_keys(path, row.id, row.source)
    drafts = _drafts()
    if wkey not in st.session_state:  # this segment's editor opens: its draft, or the saved text
        draft = drafts.get(ident)
        _bases()[ident] = draft["base"] if draft else row.target
        st.session_state[wkey] = draft["text"] if draft else row.target
    base = _bases().setdefault(ident, row.target)
    where = {"seg": row.id, "lang": lang, "doc": st.session_state.get("doc_select", ""),
             "doc_name": catalog.document_name(path)}
    next_id = review.next_segment(shown or rows, row.id)
    ids = [r.id for r in (shown or rows)]
    position = ids.index(row.id) if row.id in ids else -1

    with st.container(border=True, key="editor_box"):
        head, nav = st.columns([1, 1.25], vertical_alignment="center")
        kind = f"heading {row.level}" if row.kind == "heading" else row.kind
        reviewed = (f"<div class='lw-meta'>last reviewed by <b>{escape(row.reviewer)}</b> · "
                    f"{escape(row.reviewed_at.replace('T', ' ')[:16])}</div>" if row.reviewer else "")
        head.html(f"<div class='lw-head'><b>{escape(row.id)}</b> · {escape(kind)} &nbsp; {state_badge_html(row.state)}"
                  f"</div>{reviewed}")
        prev_id = ids[position - 1] if position > 0 else None
        after_id = ids[position + 1] if 0 <= position < len(ids) - 1 else None
        with nav.container(horizontal=True, horizontal_alignment="right", gap="small"):
            st.button("Prev", key="prev", icon=":material/arrow_upward:", disabled=prev_id is None,
                      on_click=open_segment, args=(prev_id,), shortcut="Alt+Up")
            st.button("Next", key="next", icon=":material/arrow_downward:", disabled=after_id is None,
                      on_click=open_segment, args=(after_id,), shortcut="Alt+Down")

        if row.previous_source:
            st.warning("The source changed since this was translated:", icon=":material/edit_note:")
            st.html(DIFF_STYLE + f"<div class='lw-diff'>{review.diff_html(row.previous_source, row.source)}</div>")

        conflict = st.session_state.get("conflict")
        if conflict and conflict.get("ident") == ident:
            conflict_panel(conflict)
        elif row.target != base:
            st.info(f"{row.reviewer or 'Someone'} changed this segment since you opened it.",
                    icon=":material/sync_problem:")
            st.button("Load the current text", key="reload_current", on_click=reload_current,
                      args=(ident, wkey, row.target))

        height = max(120, min(360, 24 * (len(row.source) // 36 + 2)))
        left, right = st.columns(2, gap="small")
        with left:
            st.html(f"<div class='lw-label'>Source · French</div><div class='lw-src' lang='fr' "
                    f"style='height:{height}px'>{tokens.highlight_html(row.source)}</div>")
        with right, st.container(key=EDITOR, gap=None):
            # No st.form: a form keeps typed text in the browser until it is submitted, and
            # drops it when the reviewer moves on. Here the text reaches the server as soon
            # as the area loses focus (or a shortcut fires), and stays as this segment's draft.
            st.text_area(f"Translation · {common.lang_name(lang)}", key=wkey, height=height,
                         on_change=note_draft, args=(ident, wkey, row.source, where))
            # (after a shortcut the caret goes on into this area: COMMIT_BEFORE_SHORTCUT)
        note = st.container()  # always there, so that the tabs below keep their place
        if ident in drafts:
            with note, st.container(horizontal=True, vertical_alignment="center", key="draft_note"):
                st.html("<div class='lw-meta'><b>✎ Unsaved draft</b>: kept for this segment "
                        "until you save, approve or discard it</div>")
                st.button("Discard draft", key="discard_draft", icon=":material/undo:",
                          on_click=discard_draft, args=(ident, wkey, base))
        can_save = bool(common.reviewer())
        with st.container(horizontal=True, horizontal_alignment="right", gap="small"):
            if not can_save:
                st.caption("Enter your name in the sidebar to save.")
            st.button("Save", key="save", icon=":material/save:", disabled=not can_save,
                      shortcut="Alt+S", on_click=do_save, args=(str(path), row.id, ident, wkey, False, None, row.source))
            st.button("Approve", key="approve", icon=":material/check:", disabled=not can_save,
                      shortcut="Alt+A", on_click=do_save, args=(str(path), row.id, ident, wkey, True, None, row.source))
            st.button("Approve & next", key="approve_next", type="primary",
                      icon=":material/done_all:", disabled=not can_save, shortcut="Ctrl+Enter",
                      on_click=do_save, args=(str(path), row.id, ident, wkey, True, next_id, row.source))

        details(row, lang, path, ident, wkey, where)


def state_badge_html(state: str) -> str:
    colour = common.STATE_HEX.get(state, "#6b7280")
    return (f"<span class='lw-badge' style='color:{colour};background:{colour}1a;padding:.05rem .4rem;"
            f"border-radius:.3rem;font-size:.875rem'>{escape(common.STATE_LABELS.get(state, state))}</span>")


def conflict_panel(conflict: dict) -> None:
    who = conflict.get("their_reviewer") or "Someone"
    when = (conflict.get("their_time") or "meanwhile").replace("T", " ")[:16]
    st.error(f"**Conflict** — {who} changed this segment ({when}) after you opened it. "
             "Nothing was saved. Choose which text to keep.", icon=":material/warning:")
    c1, c2 = st.columns(2)
    c1.markdown(f"**Theirs** ({conflict.get('their_state')})")
    c1.html(DIFF_STYLE + f"<div class='lw-src'>{escape(conflict['theirs'])}</div>")
    c2.markdown("**Yours**")
    c2.html(DIFF_STYLE + f"<div class='lw-src'>{escape(conflict['mine'])}</div>")
    st.html(DIFF_STYLE + "<div class='lw-meta'>theirs → yours</div><div class='lw-diff'>"
            f"{review.diff_html(conflict['theirs'], conflict['mine'])}</div>")
    b1, b2, _ = st.columns([1, 1, 2])
    b1.button("Keep mine", key="keep_mine", type="primary", on_click=keep_mine, width="stretch")
    b2.button("Take theirs", key="take_theirs", on_click=take_theirs, width="stretch")


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


def details(row: review.Row, lang: str, path: Path, ident: str, wkey: str, where: dict) -> None:
    use = (ident, wkey, row.source, where)
    insert = partial(use_text, *use)  # text -> this segment's editor (and its draft)
    review_tools.segment_tools(row, lang, insert, wkey)
    # Stable labels and a key: the selected tab survives a save (a label that changes resets it),
    # and only the open tab's content is drawn (a switch of tab reruns the editor's fragment).
    tabs = st.tabs(["QA", "Alternatives", "Diff with MT", "History", "Provenance", "Memory",
                    "Comment", "Glossary"], key="detail_tab", on_change="rerun")
    if tabs[6].open is not False:  # only the open tab is drawn
        with tabs[6]:
            review_tools.comment_tab(row, lang, path)
    if tabs[7].open is not False:
        with tabs[7]:
            review_tools.glossary_tab(row, lang, insert, wkey)
    if tabs[0].open is not False:
        with tabs[0]:
            st.html(qa_html(row.warnings))
    if tabs[1].open is not False:
        with tabs[1]:
            if row.alternatives:
                st.caption("N-best from the engine")
                for i, alt in enumerate(row.alternatives):
                    c1, c2 = st.columns([6, 1], vertical_alignment="center")
                    score = f" · score {alt['score']:.3f}" if isinstance(alt.get("score"), (int, float)) else ""
                    c1.html(text_html(alt["text"], escape(score)))
                    c2.button("Use", key=f"use_nbest_{i}", on_click=use_text, args=(*use, alt["text"]))
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
                c2.button("Use", key=f"use_route_{i}", on_click=use_text, args=(*use, alt["text"]))
            if row.mt and row.mt != st.session_state.get(wkey):
                st.button("Back to the raw machine translation", key="use_mt", on_click=use_text,
                          args=(*use, row.mt))
    if tabs[2].open is not False:
        with tabs[2]:
            if row.mt:
                st.html(DIFF_STYLE + "<div class='lw-meta'>raw MT → saved text</div>"
                        f"<div class='lw-diff'>{review.diff_html(row.mt, row.target)}</div>")
            else:
                st.caption("No machine translation recorded for this segment.")
    if tabs[3].open is not False:
        with tabs[3]:
            records = history.read(path, row.id)
            if not records:
                st.caption("No edit yet.")
            for record in reversed(records[-20:]):
                st.html(DIFF_STYLE + f"<div class='lw-meta'><b>{escape(str(record.get('reviewer')))}</b> · "
                        f"{escape(str(record.get('action')))} · {escape(str(record.get('time')))}</div>"
                        f"<div class='lw-diff'>{review.diff_html(record.get('old', ''), record.get('new', ''))}</div>")
    if tabs[4].open is not False:
        with tabs[4]:
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
    if tabs[5].open is not False:
        with tabs[5]:
            memory_tab(row, lang, use)


def memory_tab(row: review.Row, lang: str, use: tuple) -> None:
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
        c2.button("Use", key=f"use_tm_{i}", on_click=use_text, args=(*use, match.target))
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
    drafts = _drafts()
    unsaved = [editor_keys(path, r.id, r.source)[0] in drafts for r in shown]
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


def segment_list(shown: list[review.Row], rows: list[review.Row], current: str, path: Path) -> None:
    """The segment table, in an expander that is closed until the reviewer opens it.

    The data-frame widget is the heaviest single element of the page (1.3 MB of script to
    fetch and compile, a canvas grid to draw): drawn on first load it cost about a quarter of
    Chromium's CPU (12.7 s against 9.7 s closed, interleaved loads on a loaded machine), and
    each editor action redrew it. Closed, it is not sent at all; open, it stays open for the
    session (its state is keyed) and follows every action.
    """
    st.html(f"<div class='lw-meta'>{len(shown)} of {len(rows)} segments shown · open the list "
            "and click a row to open that segment</div>")
    box = st.expander("Segment list", key=SEGMENT_LIST, on_change="rerun",
                      icon=":material/table_rows:")
    if box.open is False:  # (None: no browser, e.g. AppTest: drawn)
        return
    with box:
        if shown:
            segment_table(shown, current, path)
        else:
            st.info("No segment matches the filters.")


def pick_row(table_key: str, ids: list[str]) -> None:
    """A row was clicked: open its segment. ``ids`` are the rows as they were drawn, and only
    a change of selection calls this, so a selection left over from before never reopens one."""
    event = st.session_state.get(table_key)
    rows = event.selection.rows if event and event.selection else []
    if rows and 0 <= rows[0] < len(ids) and ids[rows[0]] != st.session_state.get("seg"):
        open_segment(ids[rows[0]])


def consistency_panel(doc, locales: Path, lang: str) -> None:
    """Consistency across the document and its languages (locwork qa), on demand."""
    if not st.toggle("Check consistency across the document and its languages",
                     key="show_consistency"):
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
            c2.button(finding.segments[0], key=f"consistency_{i}", on_click=open_segment,
                      args=(finding.segments[0],))


def drafts_banner() -> None:
    """Every unsaved draft of this session, wherever it was typed, one click away."""
    drafts = _drafts()
    # A slot that is always there: the bar coming and going must not shift the widgets below
    # (Streamlit would redraw them, and drop what the reviewer is typing into one).
    slot = st.container()
    if not drafts:
        return
    with slot, st.container(horizontal=True, vertical_alignment="center", gap="small",
                            key="drafts_bar"):
        st.html(f"<div class='lw-meta'><b>✎ {len(drafts)} unsaved draft{'s' * (len(drafts) > 1)}"
                "</b> (kept in this browser tab until saved):</div>")
        for i, draft in enumerate(list(drafts.values())[:12]):
            st.button(f"{draft['seg']} · {draft['lang']} · {draft['doc_name']}", key=f"draft_{i}",
                      type="tertiary", on_click=open_draft,
                      args=(draft["doc"], draft["lang"], draft["seg"]))


# The shortcuts (Ctrl+Enter, and every Alt+ one: move, save, approve, copy, insert) fire
# while the caret is still in the text area, whose text Streamlit
# sends only when the area loses focus: leave the area first, so that the text travels
# with the shortcut's click and lands as its own segment's draft (or save).
#
# Then the caret goes on into the editor of the segment now open: once the run the shortcut
# started is over, the fresh editor's area is focused, and again for 1.5 s if a late redraw
# replaces it (on a loaded machine the area can be drawn anew after a script in the run has
# focused it), unless the reviewer has gone to another field or clicked anywhere; a newer
# shortcut takes over.
COMMIT_BEFORE_SHORTCUT = (
    "if(!window.__lwCommit){window.__lwCommit=true;"
    "var lwEditor=\".st-key-target_editor[data-stale='false'] textarea, "
    ".st-key-target_editor [data-stale='false'] textarea\";"
    "var lwRefocus=function(b){var w=window.__lwRefocus=Date.now(),seen=false,done=0;"
    "(function f(){if(window.__lwRefocus!==w)return;var now=Date.now();if(now-w>15000)return;"
    "var a=document.activeElement;"
    "if(a&&a!==b&&(a.tagName==='INPUT'||a.tagName==='TEXTAREA')&&!a.closest('.st-key-target_editor'))return;"
    "var s=document.querySelector('[data-test-script-state]');"
    "var running=s&&s.getAttribute('data-test-script-state')!=='notRunning';if(running)seen=true;"
    "if(!running&&(seen||now-w>1500)){var t=document.querySelector(lwEditor);"
    "if(t&&a!==t){t.focus();t.setSelectionRange(t.value.length,t.value.length);}"
    "if(!done)done=now;if(now-done>1500)return;}setTimeout(f,50);})();};"
    "window.addEventListener('mousedown',function(){window.__lwRefocus=0;},true);"
    "window.addEventListener('keydown',function(e){"
    "var t=document.activeElement;if(!t||t.tagName!=='TEXTAREA')return;"
    "if((e.altKey&&e.key!=='Alt')||((e.ctrlKey||e.metaKey)&&e.key==='Enter'))"
    "{t.blur();lwRefocus(t);}},true);}"
)


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


def progress_html(prog: review.Progress) -> str:
    """The progress bar and the counts by state, as HTML (no Markdown to render)."""
    counts = " · ".join(f"<span style='color:{common.STATE_HEX[s]}'>{prog.counts[s]} {s}</span>"
                        for s in review.STATES if s != "approved")
    return (f"<div class='lw-progress' data-testid='lw-progress'><b>{prog.approved} / {prog.total} "
            f"approved</b> · {counts}<div class='lw-bar'><span style='width:{100 * prog.fraction:.1f}%'>"
            "</span></div></div>")


def status(prog: review.Progress, drafts: bool, wkey: str | None) -> None:
    """The progress, and the scripts of this run: while drafts live in this tab, a question
    before leaving it; the preview's scroll. One element."""
    handler = "function(e){e.preventDefault();e.returnValue='';return '';}" if drafts else "null"
    scripts = f"window.onbeforeunload={handler};"
    if wkey:
        scripts += SCROLL_PREVIEW_JS
    st.html(f"{progress_html(prog)}<script>{scripts}</script>", unsafe_allow_javascript=True)


def preview_texts(rows: list[review.Row], current: str, path: Path) -> dict[str, tuple[str, str]]:
    """Each segment's text for the preview: what is in its editor (typed, not saved yet)
    when there is something, else the saved text, so that the preview follows typing."""
    drafts = _drafts()
    texts = {}
    for r in rows:
        ident, wkey = editor_keys(path, r.id, r.source)
        typed = st.session_state.get(wkey) if r.id == current else drafts.get(ident, {}).get("text")
        texts[r.id] = (typed if typed and typed.strip() else r.target, r.state)
    return texts


def page() -> None:
    """What changes with the document, the language or the filters: a full run. The rest,
    everything an editor action changes, is :func:`workbench`, a fragment."""
    # Every style and page-wide key handler, in one element outside the fragment: an editor
    # action does not redraw it (each element a run sends costs React work in the browser).
    st.html(DIFF_STYLE + review_tools.TOKEN_STYLE + PROGRESS_STYLE
            + f"<script>{COMMIT_BEFORE_SHORTCUT}</script>" + review_tools.FOCUS_SEARCH_JS,
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
    spec, order = filters(load_rows(path, doc, lang))
    st.session_state["wb_inputs"] = outside_inputs()
    workbench(path, doc, lang, spec, order)


def outside_inputs() -> str:
    """The widgets outside the fragment that it depends on (document, language, filters)."""
    keys = sorted(k for k in st.session_state.keys()
                  if k in ("doc_select", "review_lang") or str(k).startswith("f_"))
    return repr([(k, st.session_state[k]) for k in keys])


@st.fragment
def workbench(path: Path, doc, lang: str, spec: dict, order: str) -> None:
    """The editor, the table and the preview: an editor action (save, approve and next, a
    move) reruns this function only, not the sidebar, the language bar and the filters."""
    # A jump to another document or language (the drafts bar), or a click on the language bar
    # that reached the server during a fragment run: run the whole page for it.
    if st.session_state.pop("full_rerun", False) or \
            outside_inputs() != st.session_state.get("wb_inputs"):
        st.rerun()
    proj = common.project()
    catalog_path = review.catalog_for(proj.locales, lang, doc.name)
    rows = load_rows(path, doc, lang)
    shown = apply_filters(rows, spec, order)
    flash()
    drafts_banner()  # (a fragment draws its widgets in its own body only)
    slot = st.container()  # the progress and this run's scripts (status), once the segment is known

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
        with slot:
            status(review.progress(rows), bool(_drafts()), None)
        st.info("This document has no translatable segment.")
        return
    st.session_state["seg"] = seg
    if st.query_params.get("seg") != seg or st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
        st.query_params["seg"] = seg
    row = next(r for r in rows if r.id == seg)
    with slot:
        status(review.progress(rows), bool(_drafts()), editor_keys(catalog_path, row.id, row.source)[1])

    main, side = st.columns([3, 2], gap="medium")
    with main:
        editor(row, rows, shown, lang, catalog_path)
        consistency_panel(doc, proj.locales, lang)
        review_tools.toolbar(catalog_path, rows, shown, seg, open_segment)
        segment_list(shown, rows, seg, catalog_path)
    with side:
        legend = " ".join(
            f"<span style='border-bottom:2px solid {colour};margin-left:.6rem"
            f"{';font-style:italic;color:#9e9e9e' if s == 'untranslated' else ''}'>{s}</span>"
            for s, colour in (("untranslated", "transparent"), ("machine", "#f3d19c"),
                              ("edited", "#9cc3f3"), ("approved", "transparent")))
        st.html(f"<div class='lw-label'><b>Preview</b>&nbsp;· {escape(common.lang_name(lang))}"
                f"<span class='lw-meta' style='margin-left:auto'>{legend}</span></div>")
        with st.container(height=760, border=True, key="preview_box"):
            translations = preview_texts(rows, seg, catalog_path)
            st.html(preview.render(doc, translations, highlight=seg, lang=lang))


page()
