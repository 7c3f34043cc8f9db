"""The parts of a segment that a translator copies rather than translates.

Placeholders (``%s``, ``{0}``), tags (``<b>``), entities, URLs, e-mail
addresses, numbers and names: the review screen highlights them in the
source and the target and copies each into the editor with one key, as
Poedit and MateCat do. The patterns are the ones :mod:`locwork.protect`
carries across machine translation, so what the screen offers to copy is
what the engines were told to keep.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from locwork.protect import BRACE, EMAIL, ENTITY, NAME, PRINTF, TAG, URL

KINDS = ("placeholder", "tag", "url", "number", "name")
NUMBER = re.compile(r"(?<![\w.,])\d+(?:[ \u00a0\u202f.,]\d+)*(?:\s?%)?(?![\w])")
_ORDER = [("url", URL), ("url", EMAIL), ("tag", TAG), ("tag", ENTITY), ("placeholder", PRINTF),
          ("placeholder", BRACE), ("number", NUMBER), ("name", NAME)]


@dataclass(frozen=True)
class Token:
    kind: str
    start: int
    end: int
    text: str


def find(text: str, first_word_is_name: bool = False) -> list[Token]:
    """Non-overlapping tokens of ``text``, left to right (earlier kinds win overlaps).

    A capitalised first word is a name only if asked: "Le" opening a
    sentence is not one, "Moscou" opening it is, and only the caller can
    tell (it is not worth guessing).
    """
    taken: list[Token] = []
    for kind, pattern in _ORDER:
        for match in pattern.finditer(text):
            start, end = match.span()
            if start == end or any(start < t.end and t.start < end for t in taken):
                continue
            if kind == "placeholder" and match.group(0) == "%%":
                continue
            if kind == "name" and start == 0 and not first_word_is_name and " " not in match.group(0):
                continue
            taken.append(Token(kind, start, end, match.group(0)))
    return sorted(taken, key=lambda t: t.start)


def distinct(tokens: list[Token]) -> list[Token]:
    """Each token text once, in order of first appearance (what to offer to copy)."""
    seen: set[str] = set()
    out = []
    for token in tokens:
        if token.text not in seen:
            seen.add(token.text)
            out.append(token)
    return out


def highlight_html(text: str, tokens: list[Token] | None = None) -> str:
    """``text`` as escaped HTML with each token in a ``<mark class="lw-tok lw-KIND">``."""
    tokens = find(text) if tokens is None else tokens
    parts, at = [], 0
    for token in tokens:
        parts.append(escape(text[at:token.start]))
        parts.append(f'<mark class="lw-tok lw-{token.kind}">{escape(token.text)}</mark>')
        at = token.end
    parts.append(escape(text[at:]))
    return "".join(parts)


def counts(text: str) -> tuple[int, int]:
    """(characters, words) as a translator counts them: no-break spaces are spaces."""
    return len(text), len(text.split())
