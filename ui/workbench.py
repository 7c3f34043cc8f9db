"""The review editor as one browser component, and the state that keeps each text on its segment.

Why a component: every Streamlit widget a run sends costs React work in the browser.
The editor (head, moves, source, text, save buttons, tokens, drafts bar, progress) was
about twenty widgets, redrawn on every approve & next; drawn by ``workbench.js`` it is
one element whose data changes. The details below it and the preview beside it are
fragments of their own (ui/review.py) that rerun once the editor's run is over
(:func:`sync`), so that the next segment can be typed into at once.

Per session and per segment (catalog + segment id + source: the *ident*) this module
keeps the text the reviewer started from (``bases``) and the text typed but not saved
(``drafts``). Every action the browser sends names the ident whose text it carries, and
is applied to that segment only (:func:`on_action`); an ident this session has not drawn
is refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict
from html import escape
from pathlib import Path

import streamlit as st

from locwork import catalog, review, tokens
from locwork.errors import LocworkError
from ui import common
from ui.review_tools import next_untranslated

HERE = Path(__file__).resolve().parent
KEY = "workbench"  # the component's key: its element has the class st-key-workbench



def _compact(text: str) -> str:
    """The script or style without its comments and indents: every run of the editor sends
    them (the component's code travels with its element), about 40 % fewer bytes."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)  # (CSS comments; the script has none)
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


_editor = st.components.v2.component(
    "locwork_editor",
    js=_compact((HERE / "workbench.js").read_text(encoding="utf-8")),
    css=_compact((HERE / "workbench.css").read_text(encoding="utf-8")),
    isolate_styles=False,  # in the page's DOM: the page's scripts and the tests reach it
)

# Tells a fragment to rerun once the editor has drawn a version it has not (workbench.js
# announces each new version when the editor's run is over).
_sync = st.components.v2.component(
    "locwork_sync",
    js="""
export default function ({ parentElement, data, setTriggerValue }) {
  // Called again with each new data, and never cleaned up in between (only when the element
  // goes): one listener per element, reading the version this element was last drawn for.
  let sync = parentElement.__lwSync;
  if (!sync) {
    const asked = (window.__lwAsked = window.__lwAsked || {});
    sync = parentElement.__lwSync = { data };
    const check = (version) => {
      const d = sync.data;
      if (!parentElement.isConnected || !version || version === d.version) return;
      const key = d.name + version;
      if (asked[key] && Date.now() - asked[key] < 3000) return;
      asked[key] = Date.now();
      // Each fragment's request in a task of its own: Streamlit sends a batch of widget
      // updates for one fragment only, and queues the requests it receives one by one.
      setTimeout(() => sync.trigger("sync", version), d.delay);
      // A request that went out in another fragment's batch reran that one only: ask again.
      setTimeout(() => check(window.__lwVersion), 3100);
    };
    sync.check = check;
    window.addEventListener("lw-sync", (e) => check(e.detail));
  }
  sync.data = data;
  sync.trigger = setTriggerValue;
  sync.check(window.__lwVersion);
}""",
    isolate_styles=False,
)


# ------------------------------------------------------------ per-segment state


def ident_of(catalog_path: Path | str, seg: str, source: str) -> str:
    """The identity of one segment's editor in one catalog (document + language).

    The source is part of it: after a re-segmentation the same id can name another
    sentence, and a draft belongs to the sentence it was typed for.
    """
    return f"{catalog_path}::{seg}::{hashlib.sha1(source.encode('utf-8')).hexdigest()[:12]}"


def bases() -> dict[str, str]:
    return st.session_state.setdefault("bases", {})


def drafts() -> dict[str, dict]:
    return st.session_state.setdefault("drafts", {})


def _drawn() -> dict[str, dict]:
    """Every ident this session's editor has shown: where its text belongs."""
    return st.session_state.setdefault("wb_idents", {})


def _bump(ident: str) -> None:
    """The server changed this segment's text: the browser's editor takes it."""
    revs = st.session_state.setdefault("wb_rev", {})
    revs[ident] = revs.get(ident, 0) + 1


def text_of(ident: str, saved: str) -> str:
    """What the segment's editor holds: its draft, else the text the reviewer started from."""
    draft = drafts().get(ident)
    return draft["text"] if draft else bases().setdefault(ident, saved)


def open_segment(seg: str | None) -> None:
    if seg:
        st.session_state["seg"] = seg
        st.session_state.pop("conflict", None)


def note_draft(ident: str, text: str) -> None:
    """Keep ``text`` as the segment's draft until saved (none if it is the text it started from)."""
    info = _drawn().get(ident)
    if info is None:
        return
    base = bases().get(ident, info["target"])
    if review.clean_text(text, info["source"]) == base:
        drafts().pop(ident, None)
    else:
        drafts()[ident] = {**info["where"], "text": text, "base": base}


def use_text(ident: str, text: str) -> None:
    """Put ``text`` in a segment's editor (a Use or Insert button, the best match)."""
    note_draft(ident, text)
    if ident not in drafts():
        bases()[ident] = review.clean_text(text, _drawn().get(ident, {}).get("source", text))
    _bump(ident)


def discard_draft(ident: str, text: str) -> None:
    drafts().pop(ident, None)
    bases()[ident] = text
    _bump(ident)


def open_draft(doc_option: str, lang: str, seg: str) -> None:
    """Go to an unsaved draft, in whichever document and language it was typed."""
    if doc_option:
        st.session_state["doc_select"] = doc_option
        st.session_state["switch_to"] = (doc_option, seg)  # common.follow_document keeps seg
    st.session_state["review_lang"] = lang
    open_segment(seg)
    st.session_state["full_rerun"] = True  # the language bar and the sidebar change too


def flash(kind: str, text: str) -> None:
    st.session_state["flash"] = (kind, text)


def save(ident: str, text: str, base: str, approve: bool, next_id: str | None) -> None:
    """Save (or approve) ``text`` on the segment ``ident`` names; on a conflict keep both."""
    info = _drawn()[ident]
    path, seg, source = info["path"], info["seg"], info["source"]
    try:
        result = review.save(path, seg, text, base, common.reviewer(), approve=approve,
                             source=source)
    except LocworkError as error:
        flash("error", str(error))
        return
    if isinstance(result, review.Conflict):
        st.session_state["conflict"] = {**asdict(result), "approve": approve, "next": next_id,
                                        "ident": ident}
        return
    st.session_state.pop("conflict", None)
    drafts().pop(ident, None)
    bases()[ident] = result.text
    if result.text != text:
        _bump(ident)
    verb = "Approved" if result.state == "approved" else "Saved"
    if result.action == "unchanged":  # nothing written (review.save)
        flash("info", f"No change to save in {seg} (still {result.state})")
    elif result.memory:
        flash("warning", f"{verb} {seg} ({result.state}); {result.memory}")
    else:
        flash("success", f"{verb} {seg} ({result.state})")
    if next_id:
        open_segment(next_id)


def _best_match(info: dict) -> str | None:
    try:
        matches = common.memory_matches(info["source"], info["where"]["lang"])
    except LocworkError:
        matches = []
    if matches:
        return matches[0].target
    return info["alternatives"][0] if info["alternatives"] else None


def on_action() -> None:
    """What the reviewer did in the editor (workbench.js ``send``), applied to the segment
    the action names. Every action carries that segment's text as it was in the editor."""
    event = (st.session_state.get(KEY) or {}).get("action")
    if not isinstance(event, dict):
        return
    seq = event.get("seq")
    st.session_state["wb_ack"] = max(seq if isinstance(seq, int) else 0, st.session_state.get("wb_ack", 0))
    st.session_state["wb_acted"] = True  # the editor must draw the result (ui/review.py)
    ident, kind = str(event.get("ident") or ""), str(event.get("type") or "")
    info = _drawn().get(ident)
    if info is None:  # never save a text on a segment this session did not draw
        flash("error", "That segment's editor is not open here: nothing was saved")
        return
    text = event.get("text")
    if isinstance(text, str) and kind not in ("discard", "reload", "take_theirs"):
        note_draft(ident, text)
    if kind in ("save", "approve", "approve_next") and isinstance(text, str):
        save(ident, text, bases().get(ident, info["target"]), kind != "save",
             info["next"] if kind == "approve_next" else None)
    elif kind == "move":
        to = str(event.get("to") or "")
        if to in info["moves"]:
            open_segment(to)
    elif kind == "discard":
        discard_draft(ident, bases().get(ident, info["target"]))
    elif kind == "reload":
        discard_draft(ident, info["target"])
    elif kind == "keep_mine":
        conflict = st.session_state.get("conflict")
        if conflict and conflict.get("ident") == ident:
            # The text in the editor now: the reviewer may have merged the two meanwhile.
            mine = text if isinstance(text, str) else conflict["mine"]
            save(ident, mine, conflict["theirs"], conflict["approve"], conflict["next"])
    elif kind == "take_theirs":
        conflict = st.session_state.pop("conflict", None)
        if conflict and conflict.get("ident") == ident:
            discard_draft(ident, conflict["theirs"])
            flash("info", f"Loaded the current text of {conflict['segment']}")
    elif kind == "use_best":
        best = _best_match(info)
        if best is None:
            flash("info", "No memory match and no engine alternative for this segment")
        else:
            use_text(ident, best)
    elif kind == "open_draft":
        draft = drafts().get(str(event.get("target") or ""))
        if draft:  # (a draft saved or discarded meanwhile is no longer there to open)
            open_draft(draft["doc"], draft["lang"], draft["seg"])


# ------------------------------------------------------------ drawing


def version(catalog_path: Path, seg: str) -> str:
    """What the details and the preview show depends on: they rerun when it changes."""
    parts = (str(catalog_path), seg, repr(common._mtime(catalog_path)), repr(sorted(drafts())),
             repr(st.session_state.get("wb_rev", {}).get(st.session_state.get("wb_open", ""))))
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def sync(name: str, catalog_path: Path, seg: str, delay_ms: int = 0) -> None:
    """In a fragment: rerun it when the editor announces a version it was not drawn for."""
    _sync(key=f"sync_{name}", data={"name": name, "version": version(catalog_path, seg),
                                    "delay": delay_ms},
          on_sync_change=lambda: None, height=0)


def _badge(state: str) -> str:
    colour = common.STATE_HEX.get(state, "#6b7280")
    return (f"<span class='lw-badge' style='color:{colour};background:{colour}1a;padding:.05rem .4rem;"
            f"border-radius:.3rem;font-size:.875rem'>{escape(common.STATE_LABELS.get(state, state))}</span>")


def progress_html(prog: review.Progress) -> str:
    """The progress bar and the counts by state, as HTML."""
    counts = " · ".join(f"<span style='color:{common.STATE_HEX[s]}'>{prog.counts[s]} {s}</span>"
                        for s in review.STATES if s != "approved")
    return (f"<div class='lw-progress' data-testid='lw-progress'><b>{prog.approved} / {prog.total} "
            f"approved</b> · {counts}<div class='lw-bar'><span style='width:{100 * prog.fraction:.1f}%'>"
            "</span></div></div>")


def _notice_html(row: review.Row, ident: str, base: str) -> str:
    """Above the texts: a changed source, a conflict, or a newer text saved by someone else."""
    parts = []
    if row.previous_source:
        parts.append("<div class='lw-wb-banner lw-warning'>The source changed since this was "
                     f"translated:</div><div class='lw-diff'>{review.diff_html(row.previous_source, row.source)}</div>")
    conflict = st.session_state.get("conflict")
    if conflict and conflict.get("ident") == ident:
        who = escape(conflict.get("their_reviewer") or "Someone")
        when = escape((conflict.get("their_time") or "meanwhile").replace("T", " ")[:16])
        parts.append(
            f"<div class='lw-wb-banner lw-error'><b>Conflict</b> — {who} changed this segment ({when}) "
            "after you opened it. Nothing was saved. Choose which text to keep.</div>"
            f"<div class='lw-wb-conflict'><div><b>Theirs</b> ({escape(str(conflict.get('their_state')))})"
            f"<div class='lw-src'>{escape(conflict['theirs'])}</div></div><div><b>Yours</b>"
            f"<div class='lw-src'>{escape(conflict['mine'])}</div></div></div>"
            "<div class='lw-meta'>theirs → yours</div><div class='lw-diff'>"
            f"{review.diff_html(conflict['theirs'], conflict['mine'])}</div>"
            "<div class='lw-wb-note' style='margin:.4rem 0'><span class='st-key-keep_mine'><button type='button' "
            "class='lw-primary' data-act='keep_mine'>Keep mine</button></span><span class='st-key-take_theirs'>"
            "<button type='button' data-act='take_theirs'>Take theirs</button></span></div>")
    elif row.target != base:
        parts.append(f"<div class='lw-wb-banner lw-info'>{escape(row.reviewer or 'Someone')} changed this "
                     "segment since you opened it. <span class='st-key-reload_current'><button type='button' "
                     "data-act='reload'>Load the current text</button></span></div>")
    return "".join(parts)


def draw(row: review.Row, rows: list[review.Row], shown: list[review.Row], lang: str,
         catalog_path: Path) -> None:
    """The editor of ``row``: one component element, bound to this segment's ident."""
    ident = ident_of(catalog_path, row.id, row.source)
    draft = drafts().get(ident)
    if st.session_state.get("wb_open") != ident or ident not in bases():
        # The editor opens on this segment: from its draft, or from the text saved now.
        bases()[ident] = draft["base"] if draft else row.target
    base = bases()[ident]
    listing = shown or rows
    ids = [r.id for r in listing]
    position = ids.index(row.id) if row.id in ids else -1
    prev_id = ids[position - 1] if position > 0 else None
    after_id = ids[position + 1] if 0 <= position < len(ids) - 1 else None
    untranslated = next_untranslated(listing, row.id)
    where = {"seg": row.id, "lang": lang, "doc": st.session_state.get("doc_select", ""),
             "doc_name": catalog.document_name(catalog_path)}
    _drawn()[ident] = {
        "path": str(catalog_path), "seg": row.id, "source": row.source, "target": row.target,
        "where": where, "next": review.next_segment(listing, row.id),
        "moves": {m for m in (prev_id, after_id, untranslated) if m},
        "alternatives": [a["text"] for a in row.alternatives if a.get("text")],
    }
    st.session_state["wb_open"] = ident
    listed = list(drafts())[:12]
    message = st.session_state.pop("flash", None)
    kind_label = f"heading {row.level}" if row.kind == "heading" else row.kind
    reviewed = (f"<div class='lw-meta'>last reviewed by <b>{escape(row.reviewer)}</b> · "
                f"{escape(row.reviewed_at.replace('T', ' ')[:16])}</div>" if row.reviewer else "")
    height = max(120, min(360, 24 * (len(row.source) // 36 + 2)))
    progress = review.progress(rows)
    found = tokens.find(row.source)
    data = {
        "ident": ident, "seg": row.id, "lang": lang, "rev": st.session_state.get("wb_rev", {}).get(ident, 0),
        "ack": st.session_state.get("wb_ack", 0),
        "text": text_of(ident, row.target), "base": base, "target": row.target,
        "draft": ident in drafts(), "source": row.source,
        "source_html": tokens.highlight_html(row.source, found),
        "head_html": (f"<div class='lw-head'><b>{escape(row.id)}</b> · {escape(kind_label)} &nbsp; "
                      f"{_badge(row.state)}</div>{reviewed}"),
        "notice_html": _notice_html(row, ident, base),
        "label": f"Translation · {common.lang_name(lang)}", "height": height,
        "prev": prev_id, "next": after_id, "untranslated": untranslated,
        "can_save": bool(common.reviewer()),
        "tokens": [t.text for t in tokens.distinct(found)[:9]],
        "warnings": len(row.warnings), "comment": row.comment,
        "progress_html": progress_html(progress),
        "lang_count": f"{progress.approved}/{progress.total}",
        "drafts": [[key, f"{d['seg']} · {d['lang']} · {d['doc_name']}"]
                   for key, d in zip(listed, map(drafts().get, listed))],
        "flash": {"kind": message[0], "text": message[1]} if message else None,
        "version": version(catalog_path, row.id),
    }
    _editor(key=KEY, data=data, on_action_change=on_action)


# ------------------------------------------------------------ bars of choices

# A row of buttons, one of them chosen: the language bar and the detail tabs. Drawn in the
# browser: Streamlit's segmented control and tabs are redrawn on every run of any fragment,
# about 5 ms of the browser's work per option on each action of the editor.
_choices = st.components.v2.component(
    "locwork_choices",
    js="""
export default function ({ parentElement, data, setTriggerValue }) {
  let bar = parentElement.__lwBar;
  if (!bar) {
    bar = document.createElement("div");
    parentElement.appendChild(bar);
    parentElement.__lwBar = bar;
    bar.addEventListener("click", (e) => {
      const button = e.target.closest("button[data-value]");
      if (button && button.getAttribute("aria-selected") !== "true") {
        bar.__trigger("pick", button.getAttribute("data-value"));
      }
    });
  }
  bar.__trigger = setTriggerValue;
  const tabs = data.role === "tab";
  bar.className = `lw-choices ${tabs ? "lw-tabs" : "lw-buttons"} ${data.css_key}`;
  bar.setAttribute("role", tabs ? "tablist" : "group");
  if (data.label) bar.setAttribute("aria-label", data.label);
  const esc = (t) => String(t).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = data.options.map(([value, label]) => `<button type="button" data-value="${esc(value)}" role="${tabs ? "tab" : "button"}" aria-selected="${value === data.selected}"${tabs ? "" : ` aria-pressed="${value === data.selected}"`}>${esc(label)}</button>`).join("");
  if (bar.__html !== html) { bar.innerHTML = html; bar.__html = html; }
}""",
    css="""
.lw-choices { display: flex; flex-wrap: wrap; gap: 0; row-gap: 4px; font-family: "Source Sans", "Source Sans Pro", sans-serif; }
.lw-choices button { font: inherit; font-size: .9rem; cursor: pointer; color: rgb(49, 51, 63); background: #fff; }
.lw-buttons button { border: 1px solid rgba(49, 51, 63, .2); padding: .3rem .75rem; min-height: 2.25rem; margin-left: -1px; }
.lw-buttons button:first-child { border-radius: .5rem 0 0 .5rem; margin-left: 0; }
.lw-buttons button:last-child { border-radius: 0 .5rem .5rem 0; }
.lw-buttons button[aria-selected=true] { color: #ff4b4b; border-color: #ff4b4b; background: #fff0f0; position: relative; z-index: 1; }
.lw-tabs { gap: 1rem; border-bottom: 1px solid rgba(49, 51, 63, .15); }
.lw-tabs button { border: none; border-bottom: 2px solid transparent; padding: .5rem 0 .4rem; background: none; }
.lw-tabs button[aria-selected=true] { color: #ff4b4b; border-bottom-color: #ff4b4b; }
.lw-choices button:hover { color: #ff4b4b; }
.lw-choices button:focus-visible { outline: 2px solid #ff4b4b; outline-offset: 1px; }
""",
    isolate_styles=False,
)


def choice_bar(key: str, options: list[tuple[str, str]], selected: str, on_pick, *,
               role: str = "button", label: str = "") -> None:
    """Draw a bar of ``(value, label)`` buttons; ``on_pick(value)`` when another is clicked.

    The bar's element has the class ``st-key-<key>``; its buttons are in an element of the
    class ``<key>`` too, without the ``_bar`` suffix (``review_lang_bar`` → ``st-key-review_lang``).
    """
    def picked() -> None:
        value = (st.session_state.get(key) or {}).get("pick")
        if isinstance(value, str) and value in dict(options):
            on_pick(value)

    css_key = "st-key-" + key.removesuffix("_bar")
    _choices(key=key, data={"options": options, "selected": selected, "role": role,
                            "label": label, "css_key": css_key},
             on_pick_change=picked)
