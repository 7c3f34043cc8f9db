"""The faithful PO reader's second half: the exact text of every entry, checked against polib.

polib drops ``#~|`` lines, empty ``#.`` lines, trailing whitespace and
re-wraps strings; :func:`attach_layout` records what the file really holds so
that :mod:`locwork.catalog.render` can write unchanged parts back verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polib

# ---------------------------------------------------------------------------
# Layout recording: the exact text of each entry, checked against polib
# ---------------------------------------------------------------------------

_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*)$")
_PREVIOUS = re.compile(r"(msgctxt|msgid_plural|msgid)\s+(\".*)$")


@dataclass
class _Field:
    value: str
    lines: list[str]


@dataclass
class _Block:
    """One entry as it was written in the file."""

    sep: list[str] = field(default_factory=list)  # blank lines before it
    comments: list[str] = field(default_factory=list)
    message: list[str] = field(default_factory=list)
    fields: dict[str, _Field] = field(default_factory=dict)
    obsolete: bool = False
    has_msgstr: bool = False
    irregular: bool = False  # comment lines among the message lines
    tcomments: list[str] = field(default_factory=list)
    dot: list[str] = field(default_factory=list)
    occurrences: list[tuple[str, str]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def value(self, key: str) -> str | None:
        found = self.fields.get(key)
        return None if found is None else found.value


@dataclass
class _EntryLayout:
    block: _Block
    comment_key: tuple[object, ...] | None  # None: the comment lines cannot be reused
    message_key: tuple[object, ...] | None
    follows: object = None  # the entry (or _HEADER) it came right after, without a blank line


_HEADER = object()


@dataclass
class _FileLayout:
    bom: bool
    newline: str
    final_newline: bool
    lead: list[str]  # blank lines before anything
    preamble: list[str]  # the header's "# ..." lines (polib's po.header)
    header_comment: str  # po.header as loaded
    header: _Block | None  # the msgid "" entry
    header_flags: tuple[str, ...]
    header_lines: dict[str, tuple[str, list[str]]]  # key -> (polib value, original lines)
    header_text: str | None
    header_orphans: list[str]  # header lines before the first "Key: value" (polib drops them)
    trailer: list[str]


def _unquote(token: str) -> str:
    body = token.strip()[1:-1]
    return polib.unescape(body) if "\\" in body else body  # most strings have no escape: skip the regex


def _scan(lines: list[str]) -> tuple[list[_Block], list[str]] | None:
    """Split PO lines into blocks (one per entry) and trailing lines; None if confused."""
    blocks: list[_Block] = []
    blank: list[str] = []
    cur: _Block | None = None
    state: str | None = None  # field a '"...' continuation line extends

    def start() -> _Block:
        nonlocal blank
        block = _Block(sep=blank)
        blank = []
        return block

    for raw in lines:
        s = raw.strip()
        if not s:
            if cur is not None and cur.has_msgstr:
                blocks.append(cur)
                cur = None
            if cur is None:
                blank.append(raw)
            elif cur.message:
                cur.message.append(raw)
            else:
                cur.comments.append(raw)
            continue
        obsolete = False
        body = s
        if s.startswith("#~") and not s.startswith("#~|"):
            rest = s[2:].strip()
            if not rest:
                return None
            obsolete = True
            body = rest
        if body.startswith("#"):
            if cur is not None and cur.has_msgstr:
                blocks.append(cur)
                cur = None
            if cur is None:
                cur = start()
            if cur.message:
                cur.irregular = True
                cur.message.append(raw)
            else:
                cur.comments.append(raw)
            if body.startswith("#~|") or body.startswith("#|"):
                rest = body[3:] if body.startswith("#~|") else body[2:]
                rest = rest.strip()
                if rest.startswith('"'):
                    if state is None or not state.startswith("prev_"):
                        return None
                    cur.fields[state].value += _unquote(rest)
                    cur.fields[state].lines.append(raw)
                    continue
                match = _PREVIOUS.match(rest)
                if not match:
                    return None
                state = "prev_" + match.group(1)
                cur.fields[state] = _Field(_unquote(match.group(2)), [raw])
                continue
            state = None
            tokens = body.split(None, 1)
            head = tokens[0]
            # Comment text keeps its trailing spaces (polib strips them, gettext does not).
            whole = body if obsolete else raw.lstrip()
            if head.startswith("#."):
                text = whole[2:]
                cur.dot.append(text[1:] if text.startswith(" ") else text)
            elif head == "#:":
                if len(tokens) > 1:
                    for occurrence in body[3:].split():
                        try:
                            name, line = occurrence.rsplit(":", 1)
                            if not line.isdigit():
                                name, line = occurrence, ""
                        except ValueError:
                            name, line = occurrence, ""
                        cur.occurrences.append((name, line))
            elif head == "#,":
                if len(tokens) > 1:
                    cur.flags += [flag.strip() for flag in body[3:].split(",")]
            elif head == "#" or head.startswith("##"):
                text = whole.lstrip("#")
                cur.tcomments.append(text[1:] if text.startswith(" ") else text)
            else:
                return None
            continue
        match = _KEYWORD.match(body)
        if match:
            key = match.group(1)
            if key in ("msgctxt", "msgid") and cur is not None and cur.has_msgstr:
                blocks.append(cur)
                cur = None
            if cur is None:
                cur = start()
            if key == "msgid":
                cur.obsolete = obsolete
            cur.message.append(raw)
            cur.fields[key] = _Field(_unquote(match.group(2)), [raw])
            if key.startswith("msgstr"):
                cur.has_msgstr = True
            state = key
            continue
        if body.startswith('"'):
            if cur is None or state is None:
                return None
            cur.fields[state].value += _unquote(body)
            cur.fields[state].lines.append(raw)
            if state.startswith("prev_"):
                cur.comments.append(raw)
            else:
                cur.message.append(raw)
            continue
        return None
    trailer = blank
    if cur is not None:
        if cur.has_msgstr:
            blocks.append(cur)
        else:
            trailer = cur.sep + cur.comments + cur.message + blank
    return blocks, trailer


def _is_tc(line: str) -> bool:
    s = line.strip()
    if not s:
        return True
    head = s.split(None, 1)[0]
    return head == "#" or head.startswith("##")


def _message_key(entry: polib.POEntry) -> tuple[object, ...]:
    plural = tuple(sorted((int(k), v) for k, v in entry.msgstr_plural.items()))
    return (bool(entry.obsolete), entry.msgctxt, entry.msgid, entry.msgid_plural or "", entry.msgstr, plural)


def _block_message_key(block: _Block) -> tuple[object, ...]:
    plural = tuple(sorted((int(k[7:-1]), f.value) for k, f in block.fields.items() if k.startswith("msgstr[")))
    return (
        block.obsolete,
        block.value("msgctxt"),
        block.value("msgid") or "",
        block.value("msgid_plural") or "",
        block.value("msgstr") or "",
        plural,
    )


def _comment_key(entry: polib.POEntry) -> tuple[object, ...]:
    return (
        bool(entry.obsolete),
        entry.tcomment,
        entry.comment,
        tuple((str(f), str(n)) for f, n in entry.occurrences),
        tuple(entry.flags),
        entry.previous_msgctxt,
        entry.previous_msgid,
        entry.previous_msgid_plural,
    )


def _block_comment_key(block: _Block) -> tuple[object, ...]:
    return (
        block.obsolete,
        "\n".join(block.tcomments),
        "\n".join(block.dot),
        tuple(block.occurrences),
        tuple(block.flags),
        block.value("prev_msgctxt"),
        block.value("prev_msgid"),
        block.value("prev_msgid_plural"),
    )


def _header_flags(po: polib.POFile) -> tuple[str, ...]:
    fuzzy = po.metadata_is_fuzzy
    if isinstance(fuzzy, (list, tuple)):
        return tuple(f for f in fuzzy if f)
    return ("fuzzy",) if fuzzy else ()


def _parse_header_text(text: str) -> dict[str, tuple[str, list[str]]]:
    """polib's reading of the header msgstr, remembering each field's own lines."""
    result: dict[str, tuple[str, list[str]]] = {}
    key = None
    for line in text.splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            result[key] = (value.strip(), [line])
        elif key is not None:
            value, own = result[key]
            result[key] = (value + "\n" + line.strip(), own + [line])
    return result


def _header_orphans(text: str) -> list[str]:
    """The header's lines before its first field: polib's metadata loses them, the file keeps them."""
    orphans: list[str] = []
    for line in text.splitlines():
        if ":" in line:
            break
        orphans.append(line)
    return orphans


def _attach_layout(po: polib.POFile, text: str) -> None:
    """Record the text of every entry on ``po`` (verified against polib's reading)."""
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    newline = "\r\n" if "\r\n" in text and text.count("\r\n") == text.count("\n") else "\n"
    if newline == "\r\n":
        text = text.replace("\r\n", "\n")
    final_newline = text.endswith("\n")
    lines = (text[:-1] if final_newline else text).split("\n")
    scanned = _scan(lines)
    po._locwork_layout = None
    if scanned is None:
        return
    blocks, trailer = scanned
    lead: list[str] = []
    preamble: list[str] = []
    if blocks:
        first = blocks[0]
        lead, first.sep = first.sep, []
        count = 0
        while count < len(first.comments) and _is_tc(first.comments[count]):
            count += 1
        # polib gives these lines to po.header, not to the entry
        preamble = first.comments[:count]
        first.comments = first.comments[count:]
        first.tcomments = first.tcomments[sum(1 for line in preamble if line.strip()) :]
    header: _Block | None = None
    if blocks and not blocks[0].obsolete and blocks[0].value("msgid") == "":
        header = blocks[0]
        blocks = blocks[1:]
    elif any(not b.obsolete and b.value("msgid") == "" for b in blocks):
        return  # polib took a header from the middle of the file: write canonically
    if header is None and (po.metadata or _header_flags(po)):
        return
    entries = list(po)
    if len(entries) != len(blocks):
        return
    for entry, block in zip(entries, blocks):
        if _message_key(entry) != _block_message_key(block):
            return  # misaligned: keep no layout at all
    before: object = _HEADER if header is not None else None
    for entry, block in zip(entries, blocks):
        glued_to, before = (before if not block.sep else None), entry
        # polib drops '#~|' lines: give obsolete entries their previous msgids back.
        if entry.obsolete:
            for name in ("msgctxt", "msgid", "msgid_plural"):
                if getattr(entry, "previous_" + name) is None and block.value("prev_" + name) is not None:
                    setattr(entry, "previous_" + name, block.value("prev_" + name))
        # polib drops empty '#.' lines, mangles '#.text' and strips trailing
        # spaces: use the comment lines as written.
        if block.dot:
            entry.comment = "\n".join(block.dot)
        if block.tcomments:
            entry.tcomment = "\n".join(block.tcomments)
        comment_ok = _comment_key(entry) == _block_comment_key(block)
        entry._locwork_layout = _EntryLayout(
            block,
            _comment_key(entry) if comment_ok else None,
            _message_key(entry),
            glued_to,
        )
    header_text = header.value("msgstr") if header is not None else None
    po._locwork_layout = _FileLayout(
        bom=bom,
        newline=newline,
        final_newline=final_newline,
        lead=lead,
        preamble=preamble,
        header_comment=po.header,
        header=header,
        header_flags=_header_flags(po),
        header_lines=_parse_header_text(header_text) if header_text is not None else {},
        header_text=header_text,
        header_orphans=_header_orphans(header_text) if header_text is not None else [],
        trailer=trailer,
    )
