"""Gettext PO catalogs: faithful load/save, review states, provenance, statistics.

Catalogs are plain :class:`polib.POFile` objects: every other module reads
and changes them with polib's own API (``entry.msgstr``, ``entry.flags``,
``po.metadata``...).  This module adds what polib lacks.

Faithful round trip
    polib's parser drops ``#~|`` lines (the previous msgid of obsolete
    entries), empty ``#.`` lines, trailing comments and whitespace, and its
    writer re-wraps every string with :mod:`textwrap` (78 columns, breaking
    before spaces, never wrapping multi-line strings), wraps translator
    comments, rewrites ``#:`` lines, re-orders the header and moves comment
    lines around.  Saving a foreign catalog with polib rewrites most of it.
    :func:`load` therefore also records the exact text of every entry, and
    :func:`dumps` writes an entry (or the changed part of it: its comment
    lines, or one of its strings) back verbatim when it did not change.
    What did change is laid out like GNU gettext's ``msgcat`` / ``msgmerge``
    (79 columns, UAX #14 line breaking as libunistring 1.0 does it for
    gettext 0.21, ``msgid ""`` first lines, comment order ``# #. #: #, #|``):
    byte for byte what msgcat 0.21 prints, so a changed entry in a
    gettext-made file gives a one-entry diff.  The ``#~|`` previous msgids,
    empty ``#.`` lines and comment trailing spaces polib loses are put back
    into the polib entries.

Review states
    Four states, as in Pontoon: ``untranslated`` (empty msgstr),
    ``machine`` (MT output nobody reviewed), ``edited`` (a human changed it
    but did not approve it) and ``approved``.  gettext's ``fuzzy`` flag means
    "not approved", so machine and edited entries are fuzzy; the locwork
    state is kept in a ``#. locwork-state: ...`` line.  A foreign translated
    entry without that line is approved unless fuzzy, and edited if fuzzy.

Provenance
    ``#. locwork-<key>: <value>`` lines (one per key, values escaped to a
    single line) beside any foreign ``#.`` lines, which stay as they are.

Transactions
    :func:`edit` locks the file, loads the current version, yields it and
    writes it back atomically on success: use it for every update.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as _dt
import enum
import functools
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import polib

from locwork import __version__, inputs, langs, po_syntax
from locwork.atomic import atomic_write_bytes, locked
from locwork.errors import LocworkError

__all__ = [
    "State",
    "CatalogStats",
    "load",
    "dumps",
    "save",
    "check",
    "new_catalog",
    "catalog_path",
    "entry_state",
    "set_state",
    "get_meta",
    "set_meta",
    "meta",
    "edit",
    "stats",
    "word_count",
    "gettext_date",
]

PAGE_WIDTH = 79  # gettext's default (msgcat -w 79)
META_PREFIX = "locwork-"


class State(enum.StrEnum):
    """Review state of one entry (see the module docstring); a ``str`` enum."""

    UNTRANSLATED = "untranslated"
    MACHINE = "machine"
    EDITED = "edited"
    APPROVED = "approved"


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------

_MO_MAGIC = (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")


def load(path: str | os.PathLike[str]) -> polib.POFile:
    """Read a PO catalog, keeping its charset and the exact text of its entries.

    The charset comes from the header's ``Content-Type`` (polib's
    detection); a file without one is read as UTF-8.  A missing file, a
    folder, a binary or MO file, bytes that are not valid in the declared
    charset, a syntax error, or an empty file raise :class:`LocworkError`
    with a one-line message naming the file.

    Syntax errors are those plain ``msgfmt`` refuses (see
    :mod:`locwork.po_syntax`): an unterminated string, an invalid escape, an
    unknown keyword, a bad plural index, a missing msgstr...; the message is
    ``FILE:LINE: what``, as msgfmt's.  polib would read such a file in part,
    and the next save would lose what it dropped.  What only ``msgfmt
    --check`` refuses (e.g. more plural forms than the header's
    ``nplurals``) still loads.  A valid file that polib reads differently
    from gettext (a rare layout, e.g. two keywords on one line) is refused
    too, with the advice to rewrite it with ``msgcat``.

    An empty (or blank) file is refused rather than read as an empty
    catalog: locwork never writes one (its writes are atomic and every
    catalog it creates has a header), ``msgfmt --check`` rejects it too
    ("PO file header missing"), and an empty file is far more often a
    truncated copy or a stray ``touch`` than a deliberate catalog.  Delete
    it and locwork creates a proper one.
    """
    path = Path(path)
    for _attempt in range(5):
        data, identity = _read(path)
        encoding = _detect_charset(data)
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            origin = "the charset its header declares" if b"charset=" in data else "the default charset"
            raise LocworkError(f"{path}: line {line} is not valid {encoding} ({origin})") from None
        messages = _check_syntax(text, path)
        try:
            po = polib.pofile(str(path), encoding=encoding, wrapwidth=PAGE_WIDTH)
        except (OSError, ValueError, IndexError, KeyError, UnicodeError) as error:
            # gettext's syntax is fine (checked above): polib cannot read this layout.
            raise LocworkError(f"{path}{_parse_error(error)}") from None
        if _identity(path) == identity:
            break  # polib read the same bytes we did
    else:  # pragma: no cover - a file rewritten five times while we read it
        raise LocworkError(f"{path} keeps changing while it is read; try again")
    po.encoding = encoding
    _check_complete(po, messages, path)
    _attach_layout(po, text)
    return po


def _check_syntax(text: str, path: Path) -> list[po_syntax.Message]:
    """Refuse what ``msgfmt`` refuses as PO syntax (polib reads such files in part)."""
    try:
        return po_syntax.parse(text)
    except po_syntax.PoSyntaxError as error:
        raise LocworkError(f"{path}:{error.line}: {error.detail}") from None


def _message_key_of(entry: polib.POEntry) -> tuple:
    plurals = tuple(value for _, value in sorted((int(k), v) for k, v in entry.msgstr_plural.items()))
    return (bool(entry.obsolete), entry.msgctxt, entry.msgid, entry.msgid_plural or "", entry.msgstr, plurals)


def _check_complete(po: polib.POFile, messages: list[po_syntax.Message], path: Path) -> None:
    """Refuse a valid file that polib read differently from gettext (it would lose text on save).

    Every message of the file must be an entry of ``po``, in order, with the
    same strings; the only one allowed to be missing is the ``msgid ""``
    entry polib turned into the header.  polib reads every layout gettext
    writes, so this only refuses unusual ones (two keywords on one line, a
    string continued after a blank line...): ``msgcat`` rewrites them.
    """
    entries = list(po)
    spare = len(messages) - len(entries)
    index = 0
    line = messages[-1].line if messages else 1
    for message in messages:
        if index < len(entries) and _message_key_of(entries[index]) == message.key:
            index += 1
            continue
        if spare == 1 and message.msgid == "" and not message.obsolete:
            spare = 0  # the header
            continue
        line = message.line
        break
    else:
        if index == len(entries):
            return
    raise LocworkError(
        f"{path}:{line}: polib, the PO reader locwork uses, reads this entry differently from "
        f"gettext; rewrite the file with msgcat first"
    )


_DECLARED_CHARSET = re.compile(rb'"?Content-Type:.+? charset=([\w_\-:\.]+)')  # polib's pattern


def _check_declared_charset(data: bytes, path: Path) -> None:
    """Refuse a header charset Python does not know: polib would read the file as UTF-8 silently.

    ``CHARSET``, the placeholder of a fresh template, is left to the default
    (UTF-8), as the gettext tools read it.
    """
    match = _DECLARED_CHARSET.search(data)
    if match is None:
        return
    name = match.group(1).decode("ascii", "replace")
    if name.upper() == "CHARSET":
        return
    try:
        codecs.lookup(name)
    except LookupError:
        raise LocworkError(f"{path}: unknown charset {name!r} in the header's Content-Type "
                           "(write the file's real charset there, e.g. UTF-8)") from None


def _read(path: Path) -> tuple[bytes, tuple]:
    # A regular file only, of bounded size: a FIFO or a device would hang.
    data, st = inputs.read_file(path, inputs.CATALOG_LIMIT, "PO file")
    _check_declared_charset(data, path)
    if not data.strip():
        raise LocworkError(
            f"{path} is empty: a PO catalog has at least a header (delete the file to start a new one)"
        )
    if data[:4] in _MO_MAGIC:
        raise LocworkError(f"{path} is a compiled MO file, not a PO file (use the .po it was built from)")
    if b"\0" in data:
        raise LocworkError(f"{path} is a binary file, not a PO file")
    return data, (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _identity(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _detect_charset(data: bytes) -> str:
    """The header's charset, as polib detects it (UTF-8 when absent or bogus)."""
    encoding = polib.detect_encoding(data)
    if isinstance(encoding, bytes):  # pragma: no cover - defensive, polib returns str
        encoding = encoding.decode("ascii")
    return encoding


def _parse_error(error: BaseException) -> str:
    """polib's error as ``:LINE: detail; advice`` (the file's name goes before it)."""
    message = str(error)
    match = re.search(r"line (\d+)\)?:?\s*(.*)", message)
    advice = "polib, the PO reader locwork uses, cannot read it (gettext can): rewrite the file with msgcat first"
    if match:
        detail = match.group(2).strip()
        return f":{match.group(1)}: {detail + '; ' if detail else ''}{advice}"
    first = message.splitlines()[0] if message else type(error).__name__
    return f": {first}; {advice}"


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
    comment_key: tuple | None  # None: the comment lines cannot be reused
    message_key: tuple | None
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


def _message_key(entry: polib.POEntry) -> tuple:
    plural = tuple(sorted((int(k), v) for k, v in entry.msgstr_plural.items()))
    return (bool(entry.obsolete), entry.msgctxt, entry.msgid, entry.msgid_plural or "", entry.msgstr, plural)


def _block_message_key(block: _Block) -> tuple:
    plural = tuple(sorted(
        (int(k[7:-1]), f.value) for k, f in block.fields.items() if k.startswith("msgstr[")
    ))
    return (
        block.obsolete, block.value("msgctxt"), block.value("msgid") or "",
        block.value("msgid_plural") or "", block.value("msgstr") or "", plural,
    )


def _comment_key(entry: polib.POEntry) -> tuple:
    return (
        bool(entry.obsolete), entry.tcomment, entry.comment,
        tuple((str(f), str(n)) for f, n in entry.occurrences),
        tuple(entry.flags), entry.previous_msgctxt, entry.previous_msgid, entry.previous_msgid_plural,
    )


def _block_comment_key(block: _Block) -> tuple:
    return (
        block.obsolete, "\n".join(block.tcomments), "\n".join(block.dot),
        tuple(block.occurrences), tuple(block.flags),
        block.value("prev_msgctxt"), block.value("prev_msgid"), block.value("prev_msgid_plural"),
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
        first.tcomments = first.tcomments[sum(1 for line in preamble if line.strip()):]
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
        sep, lines = _render_entry(entry, entry_layout, cjk, nplurals, po.encoding)
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


def _render_header(po: polib.POFile, layout: _FileLayout | None, recorded: _FileLayout | None,
                   cjk: bool) -> list[str]:
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
        return block.sep, _render_comments(entry, fields, cjk, encoding) + _render_message(
            entry, fields, cjk, nplurals
        )
    fields = block.fields if block.obsolete == bool(entry.obsolete) else None
    comments = block.comments if comment_same else _render_comments(entry, fields, cjk, encoding)
    message = block.message if message_same else _render_message(entry, fields, cjk, nplurals)
    return block.sep, comments + message


def _string(prefix: str, name: str, key: str, value: str, fields: dict[str, _Field] | None,
            cjk: bool, wrap: bool) -> list[str]:
    if fields is not None:
        known = fields.get(key)
        if known is not None and known.value == value:
            return known.lines
    return _wrap(prefix, name, value, cjk=cjk, wrap=wrap)


def _render_comments(entry: polib.POEntry, fields: dict[str, _Field] | None, cjk: bool,
                     encoding: str) -> list[str]:
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


def _render_message(entry: polib.POEntry, fields: dict[str, _Field] | None, cjk: bool,
                    nplurals: int) -> list[str]:
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


def _render_occurrences(occurrences: list, encoding: str) -> list[str]:
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
    "\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r",
    "\v": "\\v", "\b": "\\b", "\f": "\\f",
}
_PORTION = re.compile(r"[^\n]*\n|[^\n]+")
_CJK_CODECS = {codecs.lookup(name).name for name in (
    "euc_jp", "gb2312", "gbk", "big5", "euc_kr", "cp949", "johab",
)}


def _is_cjk_encoding(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in _CJK_CODECS
    except LookupError:
        return False


def _wrap(prefix: str, name: str, value: str, *, cjk: bool = False, wrap: bool = True) -> list[str]:
    """``name "value"`` as gettext writes it; see ``_wrap_lines``."""
    return list(_wrap_lines(prefix, name, value, cjk, wrap))


@functools.lru_cache(maxsize=65536)
def _wrap_lines(prefix: str, name: str, value: str, cjk: bool, wrap: bool) -> tuple[str, ...]:
    """``name "value"`` as gettext writes it (write-po.c's wrap()).

    Cached: a catalog is rendered several times per save (change detection,
    then the file itself), and the line breaking is the costly part.

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
        chars: list[str] = []
        prohibit: list[int] = []
        for ch in portion:
            escaped = _ESCAPES.get(ch)
            if escaped is None:
                chars.append(ch)
            else:
                prohibit.append(len(chars) + 1)
                chars += escaped
        if portion.endswith("\n"):
            prohibit.append(len(chars) - 2)  # never break just before the final \n
        widths = [1] * len(chars) if portion.isascii() else [_char_width(c, cjk) for c in chars]
        total = sum(widths)
        breaks: list[int] | None = None

        def cut_points(start: int) -> list[bool] | None:  # called only in this iteration
            nonlocal breaks
            if start + total <= width:  # noqa: B023
                return None  # fits: no break needed
            if breaks is None:
                breaks = _possible_linebreaks(chars, cjk)  # noqa: B023
                for i in prohibit:  # noqa: B023
                    breaks[i] = 0
            return _width_linebreaks(widths, breaks, width, start)  # noqa: B023

        startcol = len(name) + 1 if first_line else 0
        cuts = cut_points(startcol)
        if first_line and chars and (index < last or startcol > width or (cuts and any(cuts))):
            lines.append(f'{prefix}{name} ""')
            first_line = False
            cuts = cut_points(0)
        current = [f'{prefix}{name} "' if first_line else f'{prefix}"']
        first_line = False
        if cuts is None:
            current += chars
        else:
            for ch, cut in zip(chars, cuts):
                if cut:
                    current.append('"')
                    lines.append("".join(current))
                    current = [prefix, '"']
                current.append(ch)
        current.append('"')
        lines.append("".join(current))
    return tuple(lines)


@functools.lru_cache(maxsize=None)
def _char_width(ch: str, cjk: bool) -> int:
    code = ord(ch)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return 0
    if code < 0x7F:
        return 1
    category = unicodedata.category(ch)
    if category in ("Mn", "Me") or (category == "Cf" and code != 0xAD) or 0x1160 <= code <= 0x11FF:
        return 0
    eaw = unicodedata.east_asian_width(ch)
    if eaw in ("W", "F") or (cjk and eaw == "A"):
        return 2
    return 1


def _width_linebreaks(widths: list[int], breaks: list[int], width: int, start: int) -> list[bool]:
    """libunistring's u8_width_linebreaks: greedy fill, breaking only where allowed."""
    cuts = [False] * len(widths)
    last_p = -1
    column = start
    piece = 0
    for i, char_width in enumerate(widths):
        kind = breaks[i]
        if kind:  # possible (1) or mandatory (2)
            if last_p >= 0 and column + piece > width:
                cuts[last_p] = True
                column = 0
        if kind == 2:
            last_p, column, piece = -1, 0, 0
            continue
        if kind == 1:
            last_p = i
            column += piece
            piece = 0
        piece += char_width
    if last_p >= 0 and column + piece > width:
        cuts[last_p] = True
    return cuts


# Line-breaking classes (UAX #14) and the pair table libunistring applies.
_CLASSES = ("OP CL CP QU GL NS EX SY IS PR PO NU AL HL ID IN HY BA BB B2 WJ "
            "H2 H3 JL JV JT RI EB EM ZWJ").split()
(OP, CL, CP, QU, GL, NS, EX, SY, IS, PR, PO, NU, AL, HL, ID, IN, HY, BA, BB, B2, WJ,
 H2, H3, JL, JV, JT, RI, EB, EM, ZWJ) = range(len(_CLASSES))
SP, BK, ZW, CM, AI, OPW = 100, 101, 102, 103, 104, 105  # OPW: a wide OP (UAX #14 LB30)
# Row: class before, column: class after.  D = direct break, I = break only
# across spaces, P = never.  Measured on libunistring 1.0 (what gettext 0.21
# links); the class of a character comes from the table below, else from its
# Unicode category (exact for Latin, Greek, Cyrillic, CJK and common
# punctuation; approximate for rarer scripts and emoji).
_PAIRS_TEXT = """
OP PPPPPPPPPPPPPPPPPPPPPPPPPPPPPP
CL DPPIIPPPPIIDDDDIIIDDPDDDDDDDDI
CP DPPIIIPPPIIIIIDIIIDDPDDDDDDDDI
QU PPPIIIPPPIIIIIIIIIIIPIIIIIIIII
GL IPPIIIPPPIIIIIIIIIIIPIIIIIIIII
NS DPPIIIPPPDDDDDDIIIDDPDDDDDDDDI
EX DPPIIIPPPDDDDDDIIIDDPDDDDDDDDI
SY DPPIIIPPPDDIDIDIIIDDPDDDDDDDDI
IS DPPIIIPPPDDIDDDIIIDDPDDDDDDDDI
PR IPPIIIPPPDDIIIIIIIDDPIIIIIDIII
PO IPPIIIPPPDDIIIDIIIDDPDDDDDDDDI
NU IPPIIIPPPIIIIIDIIIDDPDDDDDDDDI
AL IPPIIIPPPIIIIIDIIIDDPDDDDDDDDI
HL IPPIIIPPPIIIIIDIIIDDPDDDDDDDDI
ID DPPIIIPPPDIDDDDIIIDDPDDDDDDDDI
IN DPPIIIPPPDDDDDDIIIDDPDDDDDDDDI
HY DPPIDIPPPDDIDDDIIIDDPDDDDDDDDI
BA DPPIDIPPPDDDDDDIIIDDPDDDDDDDDI
BB IPPIIIPPPIIIIIIIIIIIPIIIIIIIII
B2 DPPIIIPPPDDDDDDIIIDPPDDDDDDDDI
WJ IPPIIIPPPIIIIIIIIIIIPIIIIIIIII
H2 DPPIIIPPPDIDDDDIIIDDPDDDIIDDDI
H3 DPPIIIPPPDIDDDDIIIDDPDDDDIDDDI
JL DPPIIIPPPDIDDDDIIIDDPIIIIDDDDI
JV DPPIIIPPPDIDDDDIIIDDPDDDIIDDDI
JT DPPIIIPPPDIDDDDIIIDDPDDDDIDDDI
RI DPPIIIPPPDDDDDDIIIDDPDDDDDIDDI
EB DPPIIIPPPDIDDDDIIIDDPDDDDDDDII
EM DPPIIIPPPDIDDDDIIIDDPDDDDDDDDI
ZWJ IPPIIIPPPIIIIIIIIIIIPIIIIIIIII
"""
_PAIRS = [
    [{"P": 0, "I": 1, "D": 2}[c] for c in line.split()[1]]
    for line in _PAIRS_TEXT.strip().splitlines()
]

_ASCII_CLASSES = {
    " ": SP, "!": EX, '"': QU, "$": PR, "%": PO, "'": QU, "(": OP, ")": CP, "+": PR,
    ",": IS, "-": HY, ".": IS, "/": SY, ":": IS, ";": IS, "?": EX, "[": OP, "\\": PR,
    "]": CP, "{": OP, "|": BA, "}": CL, "\t": BA,
}
_EXPLICIT_CLASSES = {
    0xA0: GL, 0xA1: OP, 0xA2: PO, 0xA3: PR, 0xA4: PR, 0xA5: PR, 0xA7: AI, 0xA8: AI,
    0xAA: AI, 0xAB: QU, 0xAD: BA, 0xB0: PO, 0xB1: PR, 0xB2: AI, 0xB3: AI, 0xB4: BB,
    0xB6: AI, 0xB7: AI, 0xB8: AI, 0xB9: AI, 0xBA: AI, 0xBB: QU, 0xBC: AI, 0xBD: AI,
    0xBE: AI, 0xBF: OP, 0xD7: AI, 0xF7: AI, 0x85: BK,
    0x02C8: BB, 0x02CC: BB, 0x02DF: BB, 0x0F0B: BA, 0x058A: BA, 0x05BE: BA,
    0x037E: IS, 0x0589: IS, 0x05C6: EX, 0x060C: IS, 0x060D: IS, 0x061B: EX, 0x061F: EX, 0x066A: PO, 0x06D4: EX,
    0x0964: BA, 0x0965: BA, 0x1361: BA, 0x1680: BA, 0x17D4: BA, 0x17D5: BA,
    0x2007: GL, 0x2011: GL, 0x202F: GL, 0x200B: ZW, 0x200D: ZWJ, 0x2060: WJ, 0xFEFF: WJ,
    0x2010: BA, 0x2012: BA, 0x2013: BA, 0x2014: B2, 0x2015: AI, 0x2016: AI,
    0x2018: QU, 0x2019: QU, 0x201A: OP, 0x201B: QU, 0x201C: QU, 0x201D: QU, 0x201E: OP,
    0x201F: QU, 0x2020: AI, 0x2021: AI, 0x2024: IN, 0x2025: IN, 0x2026: IN, 0x2027: BA,
    0x2028: BK, 0x2029: BK, 0x2030: PO, 0x2031: PO, 0x2032: PO, 0x2033: PO, 0x2034: PO,
    0x2035: PO, 0x2036: PO, 0x2037: PO, 0x2039: QU, 0x203A: QU, 0x203B: AI, 0x203C: NS,
    0x203D: NS, 0x2044: IS, 0x2047: NS, 0x2048: NS, 0x2049: NS, 0x205F: BA, 0x20A7: PO,
    0x20B6: PO, 0x20BB: PO, 0x20BE: PO, 0x2103: PO, 0x2109: PO, 0x2116: PR, 0x2212: PR,
    0x2213: PR, 0x3000: BA, 0x3001: CL, 0x3002: CL, 0x3005: NS, 0x301C: NS, 0x303B: NS,
    0x309B: NS, 0x309C: NS, 0x309D: NS, 0x309E: NS, 0x30A0: NS, 0x30FB: NS, 0x30FC: NS,
    0x30FD: NS, 0x30FE: NS, 0xFE50: CL, 0xFE52: CL, 0xFE54: NS, 0xFE55: NS, 0xFE56: EX,
    0xFE57: EX, 0xFF01: EX, 0xFF04: PR, 0xFF05: PO, 0xFF0C: CL, 0xFF0E: CL, 0xFF1A: NS,
    0xFF1B: NS, 0xFF1F: EX, 0xFF61: CL, 0xFF64: CL, 0xFFE0: PO, 0xFFE1: PR, 0xFFE5: PR,
    0xFFE6: PR, 0xFFFC: ID, 0xFFFD: AI,
}
_class_cache: dict[str, int] = {}


def _lb_class(ch: str) -> int:
    cached = _class_cache.get(ch)
    if cached is not None:
        return cached
    code = ord(ch)
    if code < 0x80:
        if ch in _ASCII_CLASSES:
            result = _ASCII_CLASSES[ch]
        elif ch.isalnum():
            result = NU if ch.isdigit() else AL
        elif code in (0x0A, 0x0B, 0x0C, 0x0D):
            result = BK
        elif code < 0x20 or code == 0x7F:
            result = CM
        else:
            result = AL
    elif code in _EXPLICIT_CLASSES:
        result = _EXPLICIT_CLASSES[code]
    else:
        category = unicodedata.category(ch)
        wide = unicodedata.east_asian_width(ch) in ("W", "F")
        if category in ("Mn", "Me", "Mc"):
            result = CM
        elif category in ("Cn", "Co"):
            result = AL
        elif category == "Ps":
            result = OPW if wide else OP
        elif category == "Pe":
            result = CL
        elif category in ("Pi", "Pf"):
            result = QU
        elif category == "Zs":
            result = BA
        elif category in ("Zl", "Zp"):
            result = BK
        elif category in ("Cc", "Cf"):
            result = CM
        elif 0xAC00 <= code <= 0xD7A3:
            result = H2 if (code - 0xAC00) % 28 == 0 else H3
        elif 0x1100 <= code <= 0x115F or 0xA960 <= code <= 0xA97C:
            result = JL
        elif 0x1160 <= code <= 0x11A7 or 0xD7B0 <= code <= 0xD7C6:
            result = JV
        elif 0x11A8 <= code <= 0x11FF or 0xD7CB <= code <= 0xD7FB:
            result = JT
        elif 0x1F1E6 <= code <= 0x1F1FF:
            result = RI
        elif category == "Sc":
            result = PR
        elif (0x3041 <= code <= 0x31FF and "SMALL" in unicodedata.name(ch, "")) or (
                0xFF67 <= code <= 0xFF70 or code in (0xFF9E, 0xFF9F)):
            result = NS  # small kana (CJ), resolved as NS
        elif code == 0xFF62:
            result = OPW
        elif 0xFF66 <= code <= 0xFF9D:
            result = ID  # half-width katakana
        elif wide:
            result = ID
        elif 0x05D0 <= code <= 0x05F2 or 0xFB1D <= code <= 0xFB4F:
            result = HL
        elif category == "Nd":
            result = NU
        elif category == "Pd":
            result = BA
        else:
            result = AL
    _class_cache[ch] = result
    return result


def _possible_linebreaks(chars: list[str], cjk: bool) -> list[int]:
    """Break opportunities before each character: 0 no, 1 possible, 2 mandatory."""
    out = [0] * len(chars)
    last = BK
    seen_space = False
    for i, ch in enumerate(chars):
        prop = _lb_class(ch)
        if prop == AI:
            prop = ID if cjk else AL
        if prop == BK:
            out[i] = 2
            last, seen_space = BK, False
            continue
        if prop == SP:
            seen_space = True
            continue
        if prop == ZW:
            last, seen_space = ZW, False
            continue
        if prop == CM:
            if last == ZW:
                out[i] = 1
                last = AL
                continue
            if not seen_space:
                continue  # a combining mark sticks to what precedes it
            prop = AL  # ... except after a space, where it stands alone
        if prop == OPW:
            rule = 2 if last in (AL, HL, NU) else (-1 if last in (BK, ZW) else _PAIRS[last][OP])
            prop = OP
        else:
            rule = -1 if last in (BK, ZW) else _PAIRS[last][prop]
        if last == ZW or rule == 2 or (rule == 1 and seen_space):
            out[i] = 1
        last, seen_space = prop, False
    return out


# ---------------------------------------------------------------------------
# Saving and checking
# ---------------------------------------------------------------------------

def _encode(po: polib.POFile, path: Path) -> bytes:
    text = dumps(po)
    encoding = po.encoding or "utf-8"
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as error:
        line = text.count("\n", 0, error.start) + 1
        raise LocworkError(
            f"{path}: {text[error.start]!r} (line {line}) cannot be written in the catalog's charset "
            f"{encoding}; convert the catalog first (msgconv --to-code=UTF-8)"
        ) from None
    except LookupError:
        raise LocworkError(f"{path}: unknown charset {encoding!r}") from None


def save(po: polib.POFile, path: str | os.PathLike[str]) -> None:
    """Write ``po`` to ``path`` atomically (under the catalog's lock), in ``po.encoding``.

    This writes whatever ``po`` holds, even if the file changed on disk since
    it was read: to update an existing catalog, use :func:`edit`.
    """
    path = Path(path)
    data = _encode(po, path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LocworkError(f"cannot create {path.parent}: {error.strerror or error}") from None
    with locked(path):
        atomic_write_bytes(path, data)


def _msgfmt() -> str:
    found = shutil.which("msgfmt")
    if found is None:
        raise LocworkError("msgfmt not found: install GNU gettext (apt-get install gettext)")
    return found


def check(path: str | os.PathLike[str]) -> None:
    """``msgfmt --check`` the file; LocworkError with msgfmt's first error if it fails."""
    path = Path(path)
    if not path.is_file():
        raise LocworkError(f"{path}: no such PO file")
    result = subprocess.run(
        [_msgfmt(), "--check", "--output-file=/dev/null", str(path)],
        capture_output=True, text=True, errors="replace", timeout=120,
        env=dict(os.environ, LC_ALL="C", LANGUAGE=""),
    )
    if result.returncode == 0:
        return
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "warning:" not in line and not line.startswith("msgfmt: found")]
    if not errors:
        errors = lines or [f"msgfmt exited with status {result.returncode}"]
    first = errors[0]
    following = errors[1] if len(errors) > 1 else ""
    if first.endswith("...") and "..." in following:
        first = first + " " + following.split("...", 1)[1].strip()
    prefix = str(path) + ":"
    if first.startswith(prefix):
        first = first[len(prefix):]
    raise LocworkError(f"{path}: msgfmt --check failed: {first.strip()}")


# ---------------------------------------------------------------------------
# New catalogs
# ---------------------------------------------------------------------------

def gettext_date(moment: _dt.datetime | None = None) -> str:
    """``YYYY-MM-DD HH:MM+ZZZZ`` in local time, as gettext writes dates."""
    moment = (moment or _dt.datetime.now()).astimezone()
    return moment.strftime("%Y-%m-%d %H:%M%z")


_DOCUMENT_NAME = re.compile(r"^[^/\\\x00]+$")


def _check_document_name(document_name: str) -> None:
    if (not isinstance(document_name, str) or not _DOCUMENT_NAME.match(document_name)
            or document_name in (".", "..") or document_name.startswith(".")):
        raise LocworkError(
            f"invalid document name {document_name!r}: use a plain file name without '/' or a leading '.'"
        )


def new_catalog(lang: str, document_name: str, source_path: str | os.PathLike[str],
                *, translator: str = "locwork") -> polib.POFile:
    """An empty UTF-8 catalog for ``document_name`` in ``lang``, with a complete header."""
    _check_document_name(document_name)
    language = langs.language(lang)
    now = gettext_date()
    po = polib.POFile(wrapwidth=PAGE_WIDTH, encoding="utf-8")
    po.header = (
        f"{language.name} translation of {document_name}.\n"
        f"Source document: {source_path}\n"
        "Review states and provenance are kept in '#. locwork-...' lines."
    )
    po.metadata = {
        "Project-Id-Version": f"locwork {document_name}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": now,
        "PO-Revision-Date": now,
        "Last-Translator": translator,
        "Language-Team": language.name,
        "Language": language.code,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": language.plural_forms,
        "X-Generator": f"locwork {__version__}",
        "X-Locwork-Source": str(source_path),
    }
    return po


def catalog_path(locales_dir: str | os.PathLike[str], lang: str, document_name: str) -> Path:
    """``<locales_dir>/<lang>/<document_name>.po`` (``lang`` normalised, e.g. ``pt_BR``)."""
    _check_document_name(document_name)
    return Path(locales_dir) / langs.normalize(lang) / f"{document_name}.po"


# ---------------------------------------------------------------------------
# Provenance in '#.' lines
# ---------------------------------------------------------------------------

_META_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_META_UNESCAPE = re.compile(r"\\(\\|n|r|t|u[0-9a-fA-F]{4})")
_UNSAFE = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_meta(value: str) -> str:
    out = []
    for ch in value:
        if ch in _UNSAFE:
            out.append(_UNSAFE[ch])
        elif unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    text = "".join(out)
    # polib strips whitespace at the end of a line: protect a trailing run.
    stripped = text.rstrip()
    if len(stripped) != len(text):
        text = stripped + "".join(f"\\u{ord(ch):04x}" for ch in text[len(stripped):])
    return text


def _unescape_meta(text: str) -> str:
    def replace(match: re.Match) -> str:
        token = match.group(1)
        if token[0] == "u":
            return chr(int(token[1:], 16))
        return {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}[token]

    return _META_UNESCAPE.sub(replace, text)


def _check_key(key: str) -> str:
    if not isinstance(key, str) or not _META_KEY.match(key):
        raise ValueError(f"invalid locwork metadata key {key!r} (lowercase letters, digits, '-', '_', '.')")
    return META_PREFIX + key


def _meta_line(line: str) -> tuple[str, str] | None:
    if not line.startswith(META_PREFIX):
        return None
    name, sep, value = line.partition(":")
    if not sep or not _META_KEY.match(name[len(META_PREFIX):]):
        return None
    return name[len(META_PREFIX):], value[1:] if value.startswith(" ") else value


def get_meta(entry: polib.POEntry, key: str) -> str | None:
    """The value of ``#. locwork-<key>: ...`` (unescaped), or None."""
    _check_key(key)
    for line in (entry.comment or "").split("\n"):
        parsed = _meta_line(line)
        if parsed is not None and parsed[0] == key:
            return _unescape_meta(parsed[1])
    return None


def set_meta(entry: polib.POEntry, key: str, value: str | None) -> None:
    """Set (or, with None, remove) ``#. locwork-<key>: value``; other lines stay in order."""
    update_meta(entry, {key: value})


def update_meta(entry: polib.POEntry, values: dict[str, str | None]) -> None:
    """Set or remove several meta keys in one pass over the comment lines."""
    new_lines = {
        key: None if value is None else f"{_check_key(key)}: {_escape_meta(str(value))}"
        for key, value in values.items()
    }
    lines = entry.comment.split("\n") if entry.comment else []
    kept: list[str] = []
    placed: set[str] = set()
    for line in lines:
        parsed = _meta_line(line)
        if parsed is not None and parsed[0] in new_lines:
            key = parsed[0]
            if new_lines[key] is not None and key not in placed:
                kept.append(new_lines[key])
                placed.add(key)
            continue
        kept.append(line)
    kept += [line for key, line in new_lines.items() if line is not None and key not in placed]
    entry.comment = "\n".join(kept)


def meta(entry: polib.POEntry) -> dict[str, str]:
    """Every ``locwork-*`` value of the entry, in file order."""
    result: dict[str, str] = {}
    for line in (entry.comment or "").split("\n"):
        parsed = _meta_line(line)
        if parsed is not None and parsed[0] not in result:
            result[parsed[0]] = _unescape_meta(parsed[1])
    return result


# ---------------------------------------------------------------------------
# Review states
# ---------------------------------------------------------------------------

def _first_msgstr(entry: polib.POEntry) -> str:
    """msgstr, or msgstr[0] for plural entries: what msgfmt looks at."""
    if entry.msgstr_plural:
        for key, value in entry.msgstr_plural.items():
            if int(key) == 0:
                return value
        return ""
    return entry.msgstr


def entry_state(entry: polib.POEntry) -> State:
    """The review state; the fuzzy flag decides approved vs not, the marker machine vs edited."""
    if not _first_msgstr(entry):
        return State.UNTRANSLATED
    if "fuzzy" not in entry.flags:
        return State.APPROVED
    if get_meta(entry, "state") == State.MACHINE.value:
        return State.MACHINE
    return State.EDITED


def set_state(entry: polib.POEntry, state: State | str) -> None:
    """Put the entry in ``state``, keeping the fuzzy flag consistent.

    ``untranslated`` empties the translation (every plural form);
    ``machine``/``edited`` need a translation and set fuzzy; ``approved``
    needs one, clears fuzzy and the ``#|`` previous msgid (it served the
    review that just happened).  Calling it with a state that needs a
    translation on an empty entry is a bug: ValueError.
    """
    state = State(state)
    if state is State.UNTRANSLATED:
        entry.msgstr = ""
        if entry.msgstr_plural:
            entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        set_meta(entry, "state", None)
        return
    if not _first_msgstr(entry):
        raise ValueError(f"cannot mark an entry without translation as {state.value}: {entry.msgid[:60]!r}")
    if state is State.APPROVED:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    elif "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")
    set_meta(entry, "state", state.value)


# ---------------------------------------------------------------------------
# Transactions
# ---------------------------------------------------------------------------

@contextlib.contextmanager
def edit(
    path: str | os.PathLike[str],
    *,
    create: Callable[[], polib.POFile] | None = None,
    timeout: float = 30.0,
    touch: bool = True,
) -> Iterator[polib.POFile]:
    """Lock ``path``, load it, yield the catalog, write it back atomically.

    Nothing is written if the block raises, or if the catalog did not
    change.  ``create`` makes the catalog when the file does not exist yet
    (under the lock, so two processes cannot both create it).  With
    ``touch``, a changed catalog gets a new ``PO-Revision-Date``.
    """
    path = Path(path)
    if create is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LocworkError(f"cannot create {path.parent}: {error.strerror or error}") from None
    with locked(path, timeout=timeout):
        if create is not None and not path.exists():
            po = create()
            before = None
        else:
            po = load(path)
            before = dumps(po)
        yield po
        after = dumps(po)
        if after == before:
            return
        if touch and before is not None and "PO-Revision-Date" in po.metadata:
            po.metadata["PO-Revision-Date"] = gettext_date()
        atomic_write_bytes(path, _encode(po, path))


# ---------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------

_WORD = re.compile(r"\S+")


def word_count(text: str) -> int:
    """Whitespace-separated tokens that hold a letter or a digit (``wc -w`` minus lone punctuation)."""
    return sum(1 for token in _WORD.findall(text or "") if any(c.isalnum() for c in token))


@dataclass(frozen=True)
class CatalogStats:
    """Message counts as ``msgfmt --statistics`` gives them, plus words and states.

    ``translated``/``fuzzy``/``untranslated`` follow msgfmt exactly: the
    header and obsolete entries do not count; an entry whose msgstr (or
    msgstr[0]) is empty is untranslated even if flagged fuzzy; a plural
    entry is one message.  Word counts are of the source (msgid).  The
    locwork states split ``fuzzy`` into ``machine`` + ``edited``;
    ``approved`` equals ``translated`` and ``untranslated`` is shared.
    """

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0
    machine: int = 0
    edited: int = 0
    approved: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def total_words(self) -> int:
        return self.translated_words + self.fuzzy_words + self.untranslated_words

    @property
    def states(self) -> dict[str, int]:
        return {
            State.UNTRANSLATED.value: self.untranslated,
            State.MACHINE.value: self.machine,
            State.EDITED.value: self.edited,
            State.APPROVED.value: self.approved,
        }

    def to_dict(self) -> dict:
        data = asdict(self)
        data["total"] = self.total
        data["total_words"] = self.total_words
        data["states"] = self.states
        return data


def stats(po: polib.POFile) -> CatalogStats:
    """Count the catalog's messages the way ``msgfmt --statistics`` does."""
    counts = dict.fromkeys(
        ("translated", "fuzzy", "untranslated", "obsolete", "translated_words", "fuzzy_words",
         "untranslated_words", "machine", "edited", "approved"), 0,
    )
    for entry in po:
        if entry.obsolete:
            counts["obsolete"] += 1
            continue
        if entry.msgid == "" and entry.msgctxt is None:
            continue  # a (second) header entry: msgfmt never counts it
        words = word_count(entry.msgid)
        state = entry_state(entry)
        if state is State.UNTRANSLATED:
            kind = "untranslated"
        elif state is State.APPROVED:
            kind = "translated"
            counts["approved"] += 1
        else:
            kind = "fuzzy"
            counts[state.value] += 1
        counts[kind] += 1
        counts[kind + "_words"] += words
    return CatalogStats(**counts)
