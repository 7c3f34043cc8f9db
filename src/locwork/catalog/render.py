"""The msgcat-exact writer: unchanged parts verbatim, changed parts laid out as gettext 0.21 does."""

from __future__ import annotations

import codecs
import re
import sys
from itertools import accumulate

import polib

from locwork.catalog.linebreak import WIDTHS, _break_opportunities, _cut_at, one_column
from locwork.catalog.scanner import (
    _HEADER,
    _comment_key,
    _EntryLayout,
    _Field,
    _FileLayout,
    _header_flags,
    _message_key,
)

PAGE_WIDTH = 79  # gettext's default (msgcat -w 79)


# ---------------------------------------------------------------------------
# Writing: gettext's layout (write-po.c) for whatever changed
# ---------------------------------------------------------------------------


def dumps(po: polib.POFile, *, canonical: bool = False) -> str:
    """The PO text of ``po``.

    Entries (and headers) that did not change since :func:`load` are written
    exactly as they were read; new or changed parts are laid out like
    gettext's own tools.  ``canonical=True`` ignores the recorded text and
    lays out everything the gettext way (what ``msgcat`` would print).
    """
    recorded: _FileLayout | None = getattr(po, "_locwork_layout", None)
    layout = None if canonical else recorded
    cjk = _is_cjk_encoding(po.encoding)
    nplurals = _nplurals(po)
    out: list[str] = []
    if layout is not None:
        out += layout.lead
    out += _render_header(po, layout, recorded, cjk)
    previous: object = _HEADER
    for entry in po:
        entry_layout = None if canonical else getattr(entry, "_locwork_layout", None)
        sep, lines = _render_entry_once(entry, entry_layout, cjk, nplurals, po.encoding)
        glued = entry_layout is not None and entry_layout.follows is previous and previous is not None
        previous = entry
        if out and not glued:
            if not sep:
                # Glue an entry to comment lines only (the header comment it
                # followed); after a message, gettext always leaves a blank line.
                last = out[-1].strip()
                if not (last.startswith("#") and not last.startswith("#~")):
                    sep = [""]
            out += sep
        out += lines
    if layout is not None:
        out += layout.trailer
    final_newline = layout.final_newline if layout is not None else True
    text = "\n".join(out) + ("\n" if final_newline and out else "")
    if layout is not None:
        if layout.newline != "\n":
            text = text.replace("\n", layout.newline)
        if layout.bom:
            text = "\ufeff" + text
    return text


def _nplurals(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def _header_text(po: polib.POFile, layout: _FileLayout | None) -> str:
    """The header msgstr from ``po.metadata``, reusing the original lines of unchanged fields."""
    original = layout.header_lines if layout is not None else {}
    lines: list[str] = list(layout.header_orphans) if layout is not None else []
    for key, value in po.metadata.items():
        known = original.get(key)
        if known is not None and known[0] == value:
            lines += known[1]
        else:
            lines.append(f"{key}: {value}")
    if not lines:
        return ""
    text = "\n".join(lines) + "\n"
    if layout is not None and layout.header_text is not None and layout.header_text == text.rstrip("\n"):
        return layout.header_text  # the original had no final newline
    return text


def _render_header(po: polib.POFile, layout: _FileLayout | None, recorded: _FileLayout | None, cjk: bool) -> list[str]:
    out: list[str] = []
    if layout is not None and po.header == layout.header_comment:
        out += layout.preamble
    elif po.header:
        for line in po.header.split("\n"):
            if not line:
                out.append("#")
            elif line[:1] in (",", ":"):
                out.append("#" + line)
            else:
                out.append("# " + line)
    flags = _header_flags(po)
    if not po.metadata and not flags and (layout is None or layout.header is None):
        return out
    header = layout.header if layout is not None else None
    if header is not None and flags == layout.header_flags:  # type: ignore[union-attr]
        out += header.comments
    elif flags:
        out.append("#, " + ", ".join(flags))
    text = _header_text(po, recorded)
    if header is not None and text == layout.header_text:  # type: ignore[union-attr]
        out += header.message
    else:
        out.append('msgid ""')
        out += _wrap("", "msgstr", text, cjk=cjk)
    return out


def _render_entry_once(
    entry: polib.POEntry, layout: _EntryLayout | None, cjk: bool, nplurals: int, encoding: str
) -> tuple[list[str], list[str]]:
    """:func:`_render_entry`, remembered on the entry until it changes.

    A catalog is rendered twice or three times per save (change detection,
    the revision date, the file itself).  The memo lives on the entry, so
    the cost of a save stays linear in the catalog and the memory goes with
    the catalog (a process-wide cache of strings thrashed beyond 65,536
    strings: at 30,000 entries every second render missed).
    """
    key = (_comment_key(entry), _message_key(entry), cjk, nplurals, encoding)
    memo = getattr(entry, "_locwork_render", None)
    if memo is not None and memo[0] is layout and memo[1] == key:
        return memo[2], memo[3]
    sep, lines = _render_entry(entry, layout, cjk, nplurals, encoding)
    entry._locwork_render = (layout, key, sep, lines)
    return sep, lines


def _render_entry(
    entry: polib.POEntry, layout: _EntryLayout | None, cjk: bool, nplurals: int, encoding: str
) -> tuple[list[str], list[str]]:
    if layout is None:
        return [], _render_comments(entry, None, cjk, encoding) + _render_message(entry, None, cjk, nplurals)
    block = layout.block
    comment_same = layout.comment_key is not None and _comment_key(entry) == layout.comment_key
    message_same = _message_key(entry) == layout.message_key
    if block.irregular:
        if comment_same and message_same:
            return block.sep, block.comments + block.message
        fields = block.fields if block.obsolete == bool(entry.obsolete) else None
        return block.sep, _render_comments(entry, fields, cjk, encoding) + _render_message(entry, fields, cjk, nplurals)
    fields = block.fields if block.obsolete == bool(entry.obsolete) else None
    comments = block.comments if comment_same else _render_comments(entry, fields, cjk, encoding)
    message = block.message if message_same else _render_message(entry, fields, cjk, nplurals)
    return block.sep, comments + message


def _string(
    prefix: str, name: str, key: str, value: str, fields: dict[str, _Field] | None, cjk: bool, wrap: bool
) -> list[str]:
    if fields is not None:
        known = fields.get(key)
        if known is not None and known.value == value:
            return known.lines
    return _wrap(prefix, name, value, cjk=cjk, wrap=wrap)


def _render_comments(entry: polib.POEntry, fields: dict[str, _Field] | None, cjk: bool, encoding: str) -> list[str]:
    out: list[str] = []
    if entry.tcomment:
        out += ["# " + line if line else "#" for line in entry.tcomment.split("\n")]
    if entry.comment:
        out += ["#. " + line if line else "#." for line in entry.comment.split("\n")]
    if entry.occurrences:
        out += _render_occurrences(entry.occurrences, encoding)
    flags = [flag for flag in entry.flags if flag]
    if flags:
        out.append("#, " + ", ".join(flags))
    prefix = "#~| " if entry.obsolete else "#| "
    wrap = "no-wrap" not in entry.flags
    for name in ("msgctxt", "msgid", "msgid_plural"):
        value = getattr(entry, "previous_" + name)
        if value is not None:
            out += _string(prefix, name, "prev_" + name, value, fields, cjk, wrap)
    return out


def _render_message(entry: polib.POEntry, fields: dict[str, _Field] | None, cjk: bool, nplurals: int) -> list[str]:
    prefix = "#~ " if entry.obsolete else ""
    wrap = "no-wrap" not in entry.flags
    out: list[str] = []
    if entry.msgctxt is not None:
        out += _string(prefix, "msgctxt", "msgctxt", entry.msgctxt, fields, cjk, wrap)
    out += _string(prefix, "msgid", "msgid", entry.msgid, fields, cjk, wrap)
    if entry.msgid_plural:
        out += _string(prefix, "msgid_plural", "msgid_plural", entry.msgid_plural, fields, cjk, wrap)
    if entry.msgstr_plural:
        for index in sorted(entry.msgstr_plural, key=int):
            name = f"msgstr[{int(index)}]"
            out += _string(prefix, name, name, entry.msgstr_plural[index], fields, cjk, wrap)
    elif entry.msgid_plural:
        for index in range(nplurals):
            out += _wrap(prefix, f"msgstr[{index}]", "", cjk=cjk, wrap=wrap)
    else:
        out += _string(prefix, "msgstr", "msgstr", entry.msgstr, fields, cjk, wrap)
    return out


def _render_occurrences(occurrences: list[tuple[str, str]], encoding: str) -> list[str]:
    """``#:`` lines as gettext fills them (items never split, 79 columns)."""
    lines: list[str] = []
    current = "#:"
    column = 2
    for name, line in occurrences:
        item = f"{name}:{line}" if line not in ("", None) else str(name)
        length = len(item.encode(encoding, "replace")) + 1
        if column > 2 and column + length > PAGE_WIDTH:
            lines.append(current)
            current, column = "#:", 2
        current += " " + item
        column += length
    lines.append(current)
    return lines


# --- string wrapping (gettext's wrap() + libunistring's line breaking) -----

_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\v": "\\v",
    "\b": "\\b",
    "\f": "\\f",
}
_PORTION = re.compile(r"[^\n]*\n|[^\n]+")
_NEEDS_ESCAPE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")


_ESCAPE_TABLE = str.maketrans(_ESCAPES)
_ESCAPE_PAIR = re.compile(r"\\.", re.DOTALL)


def _escaped_chars(portion: str) -> tuple[str, list[int]]:
    """The portion escaped, and where a break is forbidden (inside an escape, before a final ``\\n``)."""
    if _NEEDS_ESCAPE.search(portion) is None:
        return portion, []
    text = portion.translate(_ESCAPE_TABLE)
    # Every backslash of the escaped text starts a two-character escape.
    prohibit = [match.start() + 1 for match in _ESCAPE_PAIR.finditer(text)]
    if portion.endswith("\n"):
        prohibit.append(len(text) - 2)  # never break just before the final \n
    return text, prohibit


_CJK_CODECS = {
    codecs.lookup(name).name
    for name in (
        "euc_jp",
        "gb2312",
        "gbk",
        "big5",
        "euc_kr",
        "cp949",
        "johab",
    )
}


def _is_cjk_encoding(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in _CJK_CODECS
    except LookupError:
        return False


def _wrap(prefix: str, name: str, value: str, *, cjk: bool = False, wrap: bool = True) -> list[str]:
    """``name "value"`` as gettext writes it; see ``_wrap_lines``."""
    return list(_wrap_lines(prefix, name, value, cjk, wrap))


def _wrap_lines(prefix: str, name: str, value: str, cjk: bool, wrap: bool) -> tuple[str, ...]:
    """``name "value"`` as gettext writes it (write-po.c's wrap()).

    Not cached here: :func:`_render_entry_once` remembers whole entries.

    The value is split after each ``\\n``; each piece is escaped and broken
    at Unicode line-break opportunities so that no line exceeds 79 columns
    (display width, closing quote included), never inside an escape or just
    before a final ``\\n``.  ``name ""`` comes first when the value has
    several pieces or does not fit on the first line.
    """
    portions = _PORTION.findall(value) or [""]
    after_break = len(prefix) + 1
    width = (PAGE_WIDTH - 1 if wrap else sys.maxsize // 4) - after_break
    lines: list[str] = []
    first_line = True
    last = len(portions) - 1
    for index, portion in enumerate(portions):
        chars, prohibit = _escaped_chars(portion)
        # Running widths only where some character is not one column wide.
        widths = None if chars.isascii() or one_column(chars, cjk) else list(map(WIDTHS[cjk].__getitem__, chars))
        if widths is not None and widths.count(1) == len(widths):
            widths = None
        total = len(chars) if widths is None else sum(widths)
        breaks: list[tuple[int, int]] | None = None

        def cut_points(start: int) -> list[int] | None:  # called only in this iteration
            nonlocal breaks
            if start + total <= width:  # noqa: B023
                return None  # fits: no break needed
            if breaks is None:
                breaks = _break_opportunities(chars, cjk)  # noqa: B023
                if prohibit:  # noqa: B023
                    banned = set(prohibit)  # noqa: B023
                    breaks = [b for b in breaks if b[0] not in banned]
            running = None if widths is None else list(accumulate(widths, initial=0))  # noqa: B023
            return _cut_at(breaks, running, len(chars), width, start)  # noqa: B023

        startcol = len(name) + 1 if first_line else 0
        cuts = cut_points(startcol)
        if first_line and chars and (index < last or startcol > width or cuts):
            lines.append(f'{prefix}{name} ""')
            first_line = False
            cuts = cut_points(0)
        head = f'{prefix}{name} "' if first_line else f'{prefix}"'
        first_line = False
        bounds = [0, *(cuts or ()), len(chars)]
        lines.append(f'{head}{chars[: bounds[1]]}"')
        lines += [f'{prefix}"{chars[a:b]}"' for a, b in zip(bounds[1:], bounds[2:])]
    return tuple(lines)
