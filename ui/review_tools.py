"""Review screen tools: find and replace, batch approve, comments, glossary, tokens, keys.

What professionals expect around the editor (issue 12 §4), kept apart from
the editor itself (ui/review.py): this module never touches the editor's
state directly. Whatever it puts into the editor goes through the page's
``use_text`` callback, and whatever opens a segment through its
``open_segment``, both passed in, so the editor keeps one way in.
Every write is a function of :mod:`locwork.search`, :mod:`locwork.review`
or :mod:`locwork.glossary` (locks, atomic writes, history).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape
from pathlib import Path

import streamlit as st

from locwork import catalog, glossary, review, search
from locwork.errors import LocworkError
from ui import bars, common

TextCallback = Callable[[str], None]

TOKEN_STYLE = """<style>
mark.lw-tok { padding: 0 .15em; border-radius: .2em; color: inherit; }
mark.lw-placeholder { background: #e9d5ff; } mark.lw-tag { background: #c7d2fe; }
mark.lw-url { background: #bae6fd; } mark.lw-number { background: #fde68a; }
mark.lw-name { background: #bbf7d0; }
.lw-counts { font-size: .78rem; color: #6b7280; }
</style>"""

# (keys, what they do): the single list the screen shows and the buttons use.
# What the editor's buttons do (they have no tooltip: each costs a Markdown render per run).
SHORTCUTS = [
    ("Ctrl+Enter", "Approve & next: approve, then open the next segment to review"),
    ("Alt+S", "Save: keep the edit (state edited, still fuzzy)"),
    ("Alt+A", "Approve (clears fuzzy)"),
    ("Alt+↑ / Alt+↓", "Prev / Next segment in the list (an unsaved text stays as its draft)"),
    ("Alt+U", "Next untranslated: the next segment nobody has edited or approved yet"),
    ("Alt+O", "Copy source: put the source (original) text in the editor"),
    ("Alt+M", "Use best match: the best memory match, else the engine's best alternative"),
    ("Alt+1 … Alt+9", "insert the n-th placeholder, tag, number or name"),
    ("/", "focus the search box"),
]

# "/" focuses the search box (outside text fields); installed once per browser tab.
FOCUS_SEARCH_JS = """<script>
if (!window.__lwFocusSearch) { window.__lwFocusSearch = true;
  document.addEventListener('keydown', function (e) {
    const t = e.target; const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
    if (e.key === '/' && !typing && !e.ctrlKey && !e.altKey && !e.metaKey) {
      const box = document.querySelector('.st-key-f_query input');
      if (box) { e.preventDefault(); box.focus(); box.select(); }
    }
  });
}
</script>"""


def blank_or(pattern: str) -> Callable[[object], str]:
    """A table cell formatter: the value in ``pattern``, or nothing when it is missing."""

    def format_cell(value: object) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        return pattern.format(value)

    return format_cell


def _flash(kind: str, text: str) -> None:
    """A message for the editor to show; it is another fragment, so the whole page reruns."""
    st.session_state["flash"] = (kind, text)
    st.session_state["wb_full"] = True


# ------------------------------------------------------------ toolbar


def toolbar(path: Path, rows: list[review.Row], shown: list[review.Row], current: str,
            open_segment: TextCallback) -> None:
    """Under the details: the tool bar (ui/bars.py), then the find-and-replace panel while
    it is open, and the confirmation of a batch approval while one is asked."""
    pending = [r for r in shown if r.state != "approved" and r.target.strip()]
    target = next_untranslated(shown or rows, current)

    def act(what: str, wanted: bool | None) -> None:
        state = st.session_state
        if what in ("consistency", "find", "list"):
            key = {"consistency": "show_consistency", "find": "find_replace", "list": "segment_list"}[what]
            state[key] = (not state.get(key)) if wanted is None else wanted
        elif what == "batch" and pending and common.reviewer():
            _ask_batch(str(path), [(r.id, r.target) for r in pending])
        elif what == "untranslated" and target:
            open_segment(target)

    bars.tools(rows, shown, pending=len(pending), can_save=bool(common.reviewer()),
               untranslated=target, shortcuts=SHORTCUTS, on_act=act)
    if st.session_state.get("find_replace"):
        with st.container(border=True, key="find_replace_panel"):
            replace_panel(path, shown, len(rows))
    if st.session_state.get("batch_pending"):
        confirm_batch()


def next_untranslated(rows: list[review.Row], current: str) -> str | None:
    """The next row after ``current`` (wrapping) still in the machine's or nobody's hands."""
    ids = [r.id for r in rows]
    start = ids.index(current) + 1 if current in ids else 0
    for row in rows[start:] + rows[:start]:
        if row.state in ("untranslated", "machine") and row.id != current:
            return row.id
    return None


# ------------------------------------------------------ find and replace


def replace_panel(path: Path, shown: list[review.Row], total: int) -> None:
    find = st.text_input("Find", key="rp_find", placeholder="text in the translations")
    replacement = st.text_input("Replace with", key="rp_replace")
    c1, c2, c3 = st.columns(3)
    regex = c1.checkbox("Regex", key="rp_regex")
    ignore_case = c2.checkbox("Ignore case", key="rp_case")
    only_shown = c3.checkbox(f"Only the {len(shown)} shown", key="rp_shown", value=True,
                             disabled=len(shown) == total)
    del find, replacement, regex, ignore_case, only_shown  # read at click time, from the state
    st.button("Preview", key="rp_preview", icon=":material/preview:", on_click=_preview,
              args=(str(path), [r.id for r in shown] if len(shown) != total else None))
    plan = st.session_state.get("rp_plan")
    if not plan or plan["path"] != str(path):
        return
    changes: list[search.Change] = plan["changes"]
    if not changes:
        st.caption(f"No translation contains {plan['find']!r}.")
        return
    occurrences = sum(c.occurrences for c in changes)
    st.markdown(f"**{len(changes)} segments change** ({occurrences} replacements)")
    st.html("".join(f"<div class='lw-meta'><b>{escape(c.segment)}</b> · {escape(c.state)}</div>"
                    f"<div class='lw-diff'>{review.diff_html(c.old, c.new)}</div>"
                    for c in changes[:50]))
    if len(changes) > 50:
        st.caption(f"… and {len(changes) - 50} more")
    st.button(f"Replace in {len(changes)} segments", key="rp_apply", type="primary",
              disabled=not common.reviewer(), on_click=_apply, args=(str(path),),
              help="Writes exactly this preview, or nothing if a segment changed since")


def _preview(path: str, shown: list[str] | None) -> None:
    """Plan the replace with what the panel holds at the click (``shown``: the filtered ids)."""
    state = st.session_state
    find, replacement = state.get("rp_find", ""), state.get("rp_replace", "")
    regex, ignore_case = bool(state.get("rp_regex")), bool(state.get("rp_case"))
    segments = shown if shown is not None and state.get("rp_shown", True) else None
    try:
        changes = search.plan_replace(catalog.load(path), find, replacement, regex=regex,
                                      ignore_case=ignore_case, segments=segments)
    except LocworkError as error:
        st.session_state.pop("rp_plan", None)
        _flash("error", str(error))
        return
    st.session_state["rp_plan"] = {"path": path, "find": find, "changes": changes}


def _apply(path: str) -> None:
    plan = st.session_state.pop("rp_plan", None)
    if not plan:
        return
    try:
        written, memory = search.apply_replace(path, plan["changes"], common.reviewer())
    except LocworkError as error:
        _flash("error", str(error))
        return
    message = f"Replaced in {len(written)} segments"
    _flash("warning", f"{message}; {memory}") if memory else _flash("success", message)


# -------------------------------------------------------- batch approve


def _ask_batch(path: str, seen: list[tuple[str, str]]) -> None:
    st.session_state["batch_pending"] = {"path": path, "seen": seen}


def _cancel_batch() -> None:
    st.session_state.pop("batch_pending", None)


@st.dialog("Approve the shown segments?", on_dismiss=_cancel_batch)  # closing it cancels
def confirm_batch() -> None:
    pending = st.session_state.get("batch_pending") or {}
    seen = pending.get("seen", [])
    st.markdown(f"**{len(seen)} segments** of the filtered list will be approved with the "
                "text shown in the table. A segment someone saved since is left alone.")
    st.caption(", ".join(seg for seg, _ in seen[:20]) + (" …" if len(seen) > 20 else ""))
    c1, c2 = st.columns(2)
    if c1.button(f"Approve {len(seen)}", key="batch_confirm", type="primary", width="stretch"):
        st.session_state.pop("batch_pending", None)
        try:
            result = review.approve_many(pending["path"], seen, common.reviewer())
        except LocworkError as error:
            _flash("error", str(error))
        else:
            kind = "warning" if result.changed or result.memory else "success"
            _flash(kind, result.summary() + (f"; {result.memory}" if result.memory else ""))
        st.rerun()
    if c2.button("Cancel", key="batch_cancel", width="stretch"):
        st.session_state.pop("batch_pending", None)
        st.rerun()


# ------------------------------------------------------------- detail tabs


def comment_tab(row: review.Row, lang: str, path: Path) -> None:
    """The segment's translator comment (PO ``# `` lines), shown and editable."""
    key = f"comment_{lang}_{row.id}"
    if key not in st.session_state:
        st.session_state[key] = row.comment
    st.text_area("Comment (kept in the catalog as a translator comment)", key=key, height=90,
                 placeholder="a note for the next reviewer, e.g. check this name with the author")
    st.button("Save comment", key="save_comment", icon=":material/comment:",
              disabled=not common.reviewer(), on_click=_save_comment,
              args=(str(path), row.id, key))


def _save_comment(path: str, seg: str, key: str) -> None:
    try:
        saved = review.set_comment(path, seg, st.session_state.get(key, ""), common.reviewer())
    except LocworkError as error:
        _flash("error", str(error))
        return
    st.session_state[key] = saved
    _flash("success", f"Comment on {seg} saved" if saved else f"Comment on {seg} removed")


def glossary_tab(row: review.Row, lang: str, append: TextCallback) -> None:
    """The glossary terms of this segment's source, and a form to add one."""
    terms = common.glossary()
    found = terms.find(row.source, lang) if terms is not None else []
    seen: set[str] = set()
    for i, (_, _, term) in enumerate(found):
        if term.term in seen:
            continue
        seen.add(term.term)
        c1, c2 = st.columns([6, 1], vertical_alignment="center")
        note = f" — {escape(term.note)}" if term.note else ""
        c1.markdown(f"**{escape(term.term)}** → {escape(term.rendering())}{note}")
        if term.translation:
            c2.button("Insert", key=f"gloss_use_{i}", on_click=append, args=(term.translation,))
    if not found:
        st.caption("No glossary term in this segment.")
    with st.form("add_term", border=False, clear_on_submit=True):
        c1, c2 = st.columns(2)
        c1.text_input("French term", key="gl_term")
        c2.text_input(f"Translation ({lang}); empty: do not translate", key="gl_translation")
        st.form_submit_button("Add to the glossary", icon=":material/add:",
                              on_click=_add_term, args=(lang,))


def _add_term(lang: str) -> None:
    term = (st.session_state.get("gl_term") or "").strip()
    translation = (st.session_state.get("gl_translation") or "").strip()
    if not term:
        _flash("error", "give the French term to add")
        return
    try:
        glossary.append_term(common.project().root / "glossary.csv",
                             glossary.Term(term, lang, translation))
    except LocworkError as error:
        _flash("error", str(error))
        return
    _flash("success", f"Added {term!r} → {translation or '(do not translate)'} to the glossary")
