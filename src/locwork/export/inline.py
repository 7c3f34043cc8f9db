"""Inline markup of a segment, rebuilt for the HTML export.

A segment keeps its inline markup as text: plain tags from an HTML upload
(``<a href="…">``, ``<b>``, ``<i>``, ``<code>``) or Markdown from a ``.md``
document (``**gras**``, ``[lien](url)``, `` `code` ``). The pipeline carries
it through every hop as placeholders (:mod:`locwork.protect`); here it
becomes markup again. Everything else stays text: the segment is escaped
first and only a short list of tags with safe links is let through, then
lxml's HTML parser closes what a sentence boundary left open. Markdown is
rendered by markdown-it-py with raw HTML off (it refuses ``javascript:``
links itself).
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

#: Escaped tags let through again: the ones the HTML import keeps, plus
#: strong/em (Markdown and hand-written HTML).
_ALLOWED = re.compile(
    r"&lt;(/?)(b|i|strong|em|code)&gt;"
    r"|&lt;a href=(?:&#34;|&quot;)((?:https?://|mailto:|/|#|\./|\.\./)[^\"<>\s]*?)(?:&#34;|&quot;)&gt;"
    r"|&lt;/a&gt;"
)


def _unescape_allowed(html: str) -> str:
    def back(match: re.Match[str]) -> str:
        if match.group(2):
            return f"<{match.group(1)}{match.group(2)}>"
        if match.group(3) is not None:
            return f'<a href="{match.group(3)}">'
        return "</a>"

    # Not inside code that Markdown rendered: "`<b>`" shows the tag.
    parts = re.split(r"(<code>.*?</code>)", html)
    return "".join(p if k % 2 else _ALLOWED.sub(back, p) for k, p in enumerate(parts))


def _balanced(html: str) -> str:
    """The fragment with every tag closed and stray closing tags dropped."""
    if "<" not in html:
        return html
    import lxml.html

    wrapper = lxml.html.fragment_fromstring(html, create_parent="span")
    inner = lxml.html.tostring(wrapper, encoding="unicode")
    return inner[len("<span>"):-len("</span>")]


def render_inline(text: str, markdown: bool = False) -> Markup:
    """Safe HTML for one segment's text, its inline markup rebuilt."""
    if markdown:
        from markdown_it import MarkdownIt

        html = MarkdownIt("commonmark", {"html": False}).renderInline(text)
    else:
        html = str(escape(text))
    return Markup(_balanced(_unescape_allowed(html)))

