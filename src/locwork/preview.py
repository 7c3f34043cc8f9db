"""The translated article, reassembled for the review screen's live preview.

Structure comes from the Document (headings, paragraphs, media lines), text
from the catalog: each sentence is its translation, or the French source
(greyed) while it has none. Every piece of text is HTML-escaped here; the
only markup is ours. The segment being edited is highlighted and carries
``id="current"`` so the page can scroll to it.
"""

from __future__ import annotations

from html import escape
from typing import Mapping

from locwork.document import Document

STATE_COLOURS = {
    "untranslated": "#9e9e9e",
    "machine": "#e8a33d",
    "edited": "#3d8fe8",
    "approved": "#2e9d5b",
}

STYLE = """
<style>
.lw-article { font-family: Georgia, 'DejaVu Serif', serif; line-height: 1.55; color: #222;
  font-size: 15px; padding: 0 .25rem; }
.lw-article h1 { font-size: 1.45rem; margin: .4rem 0 .6rem; line-height: 1.25; }
.lw-article h2, .lw-article h3 { font-size: 1.15rem; margin: 1rem 0 .4rem; }
.lw-article p { margin: 0 0 .75rem; }
.lw-media { font-family: sans-serif; font-size: .8rem; color: #666; background: #f3f3f3;
  border: 1px dashed #bbb; border-radius: 4px; padding: .35rem .6rem; margin: .4rem 0 .8rem; }
.lw-seg { border-bottom: 2px solid transparent; }
.lw-seg.untranslated { color: #9e9e9e; font-style: italic; }
.lw-seg.machine { border-bottom-color: #f3d19c; }
.lw-seg.edited { border-bottom-color: #9cc3f3; }
.lw-seg.current { background: #fff3a8; border-radius: 2px; box-shadow: 0 0 0 2px #fff3a8;
  border-bottom-color: #e0b800; }
</style>
"""


def render(
    doc: Document,
    translations: Mapping[str, tuple[str, str]],
    highlight: str | None = None,
    lang: str | None = None,
    style: bool = True,
) -> str:
    """HTML of the article; ``translations``: segment id → (text, state)."""
    parts: list[str] = [STYLE] if style else []
    lang_attr = f' lang="{escape(lang)}"' if lang else ""
    parts.append(f'<article class="lw-article"{lang_attr}>')
    for index, block in enumerate(doc.blocks):
        segments = [s for s in doc.segments if s.paragraph == index]
        if block.kind == "media":
            parts.append(f'<div class="lw-media">▣ {escape(block.text)}</div>')
            continue
        spans = []
        for seg in segments:
            text, state = translations.get(seg.id, ("", "untranslated"))
            if not text:
                text, state = seg.text, "untranslated"
            classes = f"lw-seg {state}" + (" current" if seg.id == highlight else "")
            anchor = ' id="current"' if seg.id == highlight else ""
            spans.append(
                f'<span class="{classes}" data-seg="{escape(seg.id)}"{anchor} '
                f'title="{escape(seg.id)} · {state}">{escape(text)}</span>'
            )
        body = " ".join(spans)
        if block.kind == "heading":
            level = min(max(block.level or 2, 1), 3)
            parts.append(f"<h{level}>{body}</h{level}>")
        else:
            parts.append(f"<p>{body}</p>")
    parts.append("</article>")
    return "\n".join(parts)


def plain_text(doc: Document, translations: Mapping[str, tuple[str, str]]) -> str:
    """The translated article as plain text (untranslated sentences in French)."""
    out = []
    for index in range(len(doc.blocks)):
        texts = []
        for seg in (s for s in doc.segments if s.paragraph == index):
            text = translations.get(seg.id, ("", ""))[0]
            texts.append(text or seg.text)
        out.append(" ".join(texts))
    return "\n\n".join(out) + "\n"
