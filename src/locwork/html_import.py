"""Read an HTML article into a :class:`~locwork.document.Document`.

The page is parsed by lxml's HTML parser (libxml2: it copes with the tag
soup real pages are made of), never by regular expressions. Scripts,
styles and other non-content elements are dropped before anything else;
headings (``h1``–``h6``) become headings, block elements (``p``, ``li``,
``blockquote``, ``figcaption``, table cells...) become paragraphs, and
images, videos, audio and embedded frames become media lines ("Image: the
alt text"), kept untranslated like "Image 1" in a plain-text article.

Inline markup that carries meaning (links, bold, italics, code) stays in the
text as plain tags (``<a href="https://…">résumé</a>``, ``<b>``, ``<i>``,
``<code>``): the pipeline carries tags through every hop as placeholders and
the HTML export renders them again. Text pieces are joined as the browser
shows them, so ``<a>résumé</a>.`` stays "résumé." (no space before the stop).

:func:`sanitize` produces the copy that is stored in ``corpus/``: the same
page without any script, style, event handler or ``javascript:`` link, so
that nothing active is ever kept, whatever opens the file later.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from locwork import document
from locwork.document import Block, Document
from locwork.errors import LocworkError

HTML_SUFFIXES = (".html", ".htm")
# Never content. "head" holds the title, which articles repeat in an h1.
DROPPED = {"script", "style", "noscript", "template", "head", "button", "select", "textarea",
           "input", "form", "nav", "svg", "math", "canvas", "object", "embed", "applet", "frameset"}
ACTIVE = {"script", "style", "noscript", "template", "object", "embed", "applet", "iframe",
          "frame", "frameset", "base", "meta", "link"}
#: Inline elements kept as markup in the text (canonical tag names).
INLINE = {"a": "a", "b": "b", "strong": "b", "i": "i", "em": "i", "code": "code"}
SAFE_LINK = ("http://", "https://", "mailto:", "/", "#", "./", "../")
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
MEDIA = {"img": "Image", "video": "Vidéo", "audio": "Audio", "iframe": "Vidéo", "picture": "Image"}
BLOCKS = {"p", "div", "section", "article", "main", "header", "footer", "aside", "li", "ul", "ol",
          "dl", "dt", "dd", "blockquote", "figure", "figcaption", "table", "thead", "tbody",
          "tfoot", "tr", "td", "th", "caption", "pre", "address", "details", "summary", "body",
          "html", "center", "hr"}


@dataclass
class HtmlReport:
    """What parsing left out, for the upload message."""

    removed_scripts: int = 0
    removed_other: int = 0


def _parse_tree(text: str):
    import lxml.html
    from lxml import etree

    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as error:
        raise LocworkError(f"cannot read this HTML: {error}") from None


def _normalise(text: str) -> str:
    return " ".join(text.split())


def html_blocks(text: str, report: HtmlReport | None = None) -> list[Block]:
    """The blocks of an HTML page, in reading order."""
    report = report if report is not None else HtmlReport()
    root = _parse_tree(text)
    for element in list(root.iter()):
        tag = element.tag if isinstance(element.tag, str) else None
        if tag is None:  # comments and processing instructions
            if element.getparent() is not None:
                element.drop_tree()
            continue
        if tag.lower() in DROPPED and element.getparent() is not None:
            if tag.lower() == "script":
                report.removed_scripts += 1
            else:
                report.removed_other += 1
            element.drop_tree()

    blocks: list[Block] = []
    buffer: list[str] = []
    buffer_line = [1]

    def flush() -> None:
        body = _normalise("".join(buffer))
        buffer.clear()
        if not body:
            return
        kind = "media" if document.MEDIA_LINE.match(body) else "paragraph"
        blocks.append(Block(kind, body, line=buffer_line[0]))

    def add_text(value: str | None, line: int | None) -> None:
        if value and value.strip() and not any(part.strip() for part in buffer):
            buffer_line[0] = line or buffer_line[0]
        if value:
            buffer.append(value)  # white space too: "<b>a</b> <i>b</i>"

    def walk(element) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        line = element.sourceline
        if tag in HEADINGS:
            flush()
            body = _normalise(element.text_content())
            if body:
                blocks.append(Block("heading", body, level=HEADINGS[tag], line=line or 1))
        elif tag in MEDIA:
            flush()
            alt = _normalise(element.get("alt") or element.get("title") or "")
            label = MEDIA[tag]
            blocks.append(Block("media", f"{label} : {alt}" if alt else label, line=line or 1))
        elif tag in BLOCKS:
            flush()
            add_text(element.text, line)
            for child in element:
                walk(child)
            flush()
        elif tag == "br":
            buffer.append(" ")
        else:
            opening, closing = _inline_tags(element, tag)
            add_text(opening, line)
            add_text(element.text, line)
            for child in element:
                walk(child)
            add_text(closing, line)
        add_text(element.tail, line)

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return blocks


def _inline_tags(element, tag: str) -> tuple[str, str]:
    """The plain tags that keep an inline element's meaning, or none.

    A link keeps only a safe ``href``; an element holding a block, a heading
    or a media element, or no text, keeps nothing (its tags would straddle
    the blocks).
    """
    name = INLINE.get(tag)
    if name is None or not element.text_content().strip():
        return "", ""
    if any(isinstance(e.tag, str) and e.tag.lower() in BLOCKS | set(HEADINGS) | set(MEDIA)
           for e in element.iterdescendants()):
        return "", ""
    if name == "a":
        href = (element.get("href") or "").strip()
        if not href.lower().startswith(SAFE_LINK):
            return "", ""
        return f'<a href="{href.replace(chr(34), "%22")}">', "</a>"
    return f"<{name}>", f"</{name}>"


def parse_html(text: str, name: str, path: Path | None = None, encoding: str = "utf-8",
               report: HtmlReport | None = None) -> Document:
    """A Document from HTML text."""
    blocks = html_blocks(text, report)
    if not any(b.kind != "media" for b in blocks):
        raise LocworkError(f"{path or name}: the page has no text")
    return Document(name=name, path=path, encoding=encoding, blocks=blocks,
                    segments=document.segment_blocks(blocks))


def load_html(path: Path | str) -> Document:
    """Read and segment an ``.html`` file."""
    path = Path(path)
    data = document.read_bytes(path)
    text, encoding = document.decode(data, str(path))
    return parse_html(text, document.document_name(path), path, encoding)


def load_html_bytes(data: bytes, name: str, report: HtmlReport | None = None) -> Document:
    text, encoding = document.decode(data, name)
    return parse_html(text, name, None, encoding, report)


def sanitize(text: str) -> tuple[str, HtmlReport]:
    """The page without scripts, styles, frames, event handlers or javascript: links."""
    import lxml.html

    report = HtmlReport()
    root = _parse_tree(text)
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            if element.getparent() is not None:
                element.drop_tree()
            continue
        tag = element.tag.lower()
        if tag in ACTIVE:
            if tag == "script":
                report.removed_scripts += 1
            else:
                report.removed_other += 1
            if element.getparent() is not None:
                element.drop_tree()
            continue
        for attribute in list(element.attrib):
            value = element.attrib[attribute].strip().lower()
            if attribute.lower().startswith("on") or attribute.lower() in ("srcdoc", "formaction"):
                del element.attrib[attribute]
                report.removed_other += 1
            elif value.startswith(("javascript:", "vbscript:", "data:text/html")):
                del element.attrib[attribute]
                report.removed_other += 1
    html = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    return html, report
