"""Document: upload a .txt, .md or .html file, see its segmentation, merge or split segments.

Uploads go through :func:`locwork.workspace.save_upload` (checks name, size,
type, content; never writes outside ``corpus/``). Segmentation corrections
are :mod:`locwork.segment_overrides`, and :func:`locwork.review.follow_segmentation`
brings the catalogs in line.
"""

from __future__ import annotations

from html import escape

import streamlit as st

from locwork import document, review, segment_overrides, workspace
from locwork.errors import LocworkError
from ui import common, uploads

STYLE = """<style>
.lw-doc{font-size:.93rem;line-height:1.6}
.lw-doc .blk{margin:.25rem 0 .6rem}
.lw-doc .h{font-weight:700;font-size:1.05rem}
.lw-doc .s{background:#f3f6fb;border:1px solid #dde4ef;border-radius:5px;padding:.05rem .35rem;
  margin:0 .15rem .2rem 0;display:inline}
.lw-doc .id{font-family:monospace;font-size:.72rem;color:#5b6b82;margin-right:.3rem}
.lw-doc .m{color:#777;font-style:italic;background:#f4f4f4;border:1px dashed #bbb;border-radius:4px;
  padding:.1rem .4rem;display:inline-block}
</style>"""


def on_upload() -> None:
    try:
        uploaded = uploads.take("upload")
        if uploaded is None:
            return
        if uploaded.size > document.MAX_DOCUMENT_BYTES:
            raise LocworkError(
                f"{uploaded.name}: the file is too large ({uploaded.size // 1024} KiB; the limit is "
                f"{document.MAX_DOCUMENT_BYTES // 1024 // 1024} MiB)")
        stored = workspace.save_upload(common.project(), uploaded.name, uploaded.getvalue())
    except LocworkError as error:
        st.session_state["doc_msg"] = ("error", str(error), [])
        return
    st.session_state["doc_select"] = stored.path.name
    st.session_state["doc_msg"] = (
        "success", f"{stored.path.name}: {len(stored.document.translatable)} segments", stored.messages)


def show_message() -> None:
    message = st.session_state.pop("doc_msg", None)
    if not message:
        return
    kind, text, notes = message
    (st.error if kind == "error" else st.success)(text)
    for note in notes:
        st.warning(note)


def segmentation_html(doc) -> str:
    parts = [STYLE, "<div class='lw-doc'>"]
    for index, block in enumerate(doc.blocks):
        segs = [s for s in doc.segments if s.paragraph == index]
        if block.kind == "media":
            parts.append(f"<div class='blk'><span class='id'>{segs[0].id}</span>"
                         f"<span class='m'>▣ {escape(block.text)}</span></div>")
        elif block.kind == "heading":
            parts.append(f"<div class='blk h'><span class='id'>{segs[0].id}</span>{escape(block.text)}</div>")
        else:
            spans = "".join(f"<span class='s'><span class='id'>{s.id}</span>{escape(s.text)}</span> "
                            for s in segs)
            parts.append(f"<div class='blk'>{spans}</div>")
    parts.append("</div>")
    return "".join(parts)


def follow(path) -> list[str]:
    """Re-read the document and bring its catalogs along (MT for new segments if possible)."""
    proj = common.project()
    doc = workspace.load_document(path)
    try:
        with common.engines_session() as engines:
            return review.follow_segmentation(doc, proj.locales, engines, proj.root, common.glossary())
    except LocworkError as error:
        notes = review.follow_segmentation(doc, proj.locales, None, proj.root)
        return [f"machine translation unavailable ({error})", *notes]


def correction_panel(path, doc) -> None:
    sentences = [s for s in doc.segments if s.kind == "sentence"]
    if not sentences:
        return
    st.markdown("**Fix the segmentation**")
    by_id = {s.id: s for s in sentences}
    chosen = st.selectbox("Segment", list(by_id), key="d_seg",
                          format_func=lambda i: f"{i} · {by_id[i].text[:90]}")
    seg = by_id[chosen]
    action = None
    if st.button("Merge with the next sentence", key="d_merge", icon=":material/merge:"):
        action = lambda: segment_overrides.merge(doc, seg.id)  # noqa: E731
    points = segment_overrides.split_points(seg.text)
    if points:
        def show(offset: int) -> str:
            left, right = seg.text[:offset].split(), seg.text[offset:].split()
            return f"…{' '.join(left[-4:])}  ‖  {' '.join(right[:4])}…"

        point = st.selectbox("Split before", points, key=f"d_point_{seg.id}", format_func=show)
        if st.button("Split here", key="d_split", icon=":material/call_split:"):
            action = lambda: segment_overrides.split(doc, seg.id, point)  # noqa: E731
    block = doc.blocks[seg.paragraph]
    if block.text in segment_overrides.read(path):
        if st.button("Undo the corrections of this paragraph", key="d_reset"):
            action = lambda: segment_overrides.reset(doc, seg.id)  # noqa: E731
    if action is None:
        return
    try:
        action()
        notes = follow(path)
    except LocworkError as error:
        st.session_state["doc_msg"] = ("error", str(error), [])
    else:
        st.session_state["doc_msg"] = ("success", "Segmentation updated; catalogs follow.", notes)
    st.rerun()


def page() -> None:
    st.markdown("#### Document")
    show_message()
    # No type=: Streamlit's own check of it is a traceback (see ui/uploads.py);
    # workspace.save_upload checks the name and the extension.
    st.file_uploader("Upload a document (.txt, .md or .html, up to 5 MB)",
                     key=uploads.key("upload"), on_change=on_upload,
                     max_upload_size=document.MAX_DOCUMENT_BYTES // (1024 * 1024))
    path, doc = common.current_document()
    if doc is None:
        return
    counts = {k: sum(1 for s in doc.segments if s.kind == k) for k in document.KINDS}
    st.caption(f"**{path.name}** · {len(doc.blocks)} blocks · {counts['heading']} headings · "
               f"{counts['sentence']} sentences · {counts['media']} media · {doc.encoding}")
    stale = segment_overrides.stale(doc)
    if stale:
        st.warning(f"{len(stale)} segmentation correction(s) no longer match the text and are ignored.")
    left, right = st.columns([3, 2], gap="large")
    with left:
        with st.container(height=640, border=True):
            st.html(segmentation_html(doc))
    with right:
        correction_panel(path, doc)


page()
