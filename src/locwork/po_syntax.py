"""GNU gettext's PO syntax, checked strictly: what ``msgfmt`` refuses, locwork refuses.

polib (the parser locwork builds its catalogs with) is lenient: it reads
``msgid "abc`` as ``ab``, drops an entry cut in the middle, keeps ``\\q`` as
two characters and takes ``msgstrr`` or ``msgstr[7]`` at face value.  Saving
what it read then destroys text without a word.  :func:`parse` is a second,
strict reader that follows gettext 0.21 (``po-lex.c`` and ``po-gram-gen.y``):

* the lexer: strings must close on their line, escapes are only ``\\n \\t \\b
  \\r \\f \\v \\a \\\\ \\"``, octal ``\\NNN`` and hex ``\\xH...``; ``\\'``, ``\\?``
  and ``\\u`` are errors, as in msgfmt; keywords are ``msgctxt msgid
  msgid_plural msgstr`` (and ``domain``), with ``#~`` (obsolete) and ``#|``
  (previous) prefixes; a character outside a string or comment that no token
  starts with is a syntax error; a line ending with a backslash continues on
  the next one;
* the grammar: ``[msgctxt] msgid (msgstr | msgid_plural msgstr[0] msgstr[1]...)``,
  each keyword followed by at least one string, plural indexes from 0 without
  a gap, no comment line inside an entry, ``#~`` on all of an entry's lines
  or none.

It refuses *syntax* errors only, as plain ``msgfmt`` does; what only
``msgfmt --check`` refuses (a plural count that disagrees with the header's
``nplurals``, format strings, a missing header) still loads, so that such a
catalog can be opened, fixed and saved.  Two deliberate differences: a
UTF-8 byte order mark is accepted (msgfmt 0.21 refuses it, but editors write
it and locwork keeps it), and ``domain`` lines (several domains in one file),
which polib cannot represent, are refused.

:func:`parse` also returns each message as polib should have read it, so
that the loader can refuse a valid file that polib reads differently (a
layout it does not know, e.g. two keywords on one line) instead of losing
text on the next save.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import polib

__all__ = ["PoSyntaxError", "Message", "parse"]


class PoSyntaxError(ValueError):
    """A syntax error at ``line`` (1-based), with a one-line ``detail``."""

    def __init__(self, line: int, detail: str) -> None:
        super().__init__(f"line {line}: {detail}")
        self.line = line
        self.detail = detail


class Message(NamedTuple):
    """One entry as polib should read it (values unescaped the polib way)."""

    line: int  # the msgid line
    obsolete: bool
    msgctxt: str | None
    msgid: str
    msgid_plural: str
    msgstr: str
    plurals: tuple[str, ...]

    @property
    def key(self) -> tuple[object, ...]:
        return (self.obsolete, self.msgctxt, self.msgid, self.msgid_plural, self.msgstr, self.plurals)


# A token: (kind, line, obsolete, text).  kind: a keyword ("prev_" ones in #| lines),
# "string", "prev_string", "[", "]", "number", "comment" or "error"; text: a
# string's raw body, a number's digits, an error's detail.
_Token = tuple[str, int, bool, str]


_WHITESPACE = " \t\r\f\v"
_LEX = re.compile(
    r"""
      (?P<space>[ \t\r\f\v]+)
    | "(?P<body>[^"\\]*(?:\\.[^"\\]*)*)(?P<close>"?)
    | (?P<word>[A-Za-z_$][A-Za-z0-9_$]*)
    | (?P<number>[0-9]+)
    | (?P<bracket>[\[\]])
    | \#(?P<mark>~\|?|\|)?
    | (?P<junk>.)
    """,
    re.VERBOSE | re.DOTALL,
)
# The usual line: an optional keyword (or "#~ " and a keyword), one string, nothing else.
_PLAIN_LINE = re.compile(
    r'[ \t]*(#~[ \t]*)?(?:(msgctxt|msgid_plural|msgid|msgstr)(?:\[([0-9]+)\])?[ \t]+)?'
    r'"([^"\\]*(?:\\[ntbrfva\\"][^"\\]*)*)"[ \t\r]*\Z'
)  # (other escapes, valid or not, take the general path)
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]+|[0-7]{1,3}|.)", re.DOTALL)
_SIMPLE_ESCAPES = frozenset('ntbrfva\\"')
_KEYWORDS = frozenset(("msgctxt", "msgid", "msgid_plural", "msgstr", "domain"))
_PREVIOUS_KEYWORDS = frozenset(("msgctxt", "msgid", "msgid_plural"))


def _check_string(body: str) -> str | None:
    """The error in a string's body (escapes, the context separator), or None."""
    if "\x04" in body:
        return "context separator <EOT> (\\x04) within string"
    if "\\" not in body:
        return None
    for match in _ESCAPE.finditer(body):
        escape = match.group(1)
        head = escape[0]
        if head == "x" and len(escape) > 1:
            value = int(escape[1:], 16)
        elif head in "01234567":
            value = int(escape, 8)
        elif head in _SIMPLE_ESCAPES:
            continue
        else:
            shown = "\\" + (escape if escape.isprintable() else repr(escape)[1:-1])
            return f"invalid escape sequence {shown} in string"
        if value & 0xFF == 4:
            return "context separator <EOT> (\\x04) within string"
    return None


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each line, joined where gettext joins them (a final backslash)."""
    lines = text.split("\n")
    if "\\\n" not in text:
        return list(enumerate(lines, 1))
    result: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 1
    for number, line in enumerate(lines, 1):
        if not pending:
            start = number
        if line.endswith("\\") and number < len(lines):
            pending.append(line[:-1])
            continue
        result.append((start, "".join(pending) + line))
        pending = []
    return result


def _tokens(text: str) -> list[_Token]:
    """gettext's tokens; a lexical error ends the list with an "error" token."""
    tokens: list[_Token] = []
    add = tokens.append
    has_eot = "\x04" in text
    lines = _logical_lines(text)
    last = len(lines)
    for index, (number, line) in enumerate(lines, 1):
        stripped = line.lstrip(_WHITESPACE)
        if not stripped:
            continue
        if stripped[0] == "#" and stripped[1:2] not in ("~", "|"):
            add(("comment", number, False, ""))
            continue
        plain = _PLAIN_LINE.match(line)
        if plain is not None:
            obsolete_mark, keyword, plural, body = plain.groups()
            obsolete = obsolete_mark is not None
            if keyword is not None:
                add((keyword, number, obsolete, keyword))
                if plural is not None:
                    add(("[", number, obsolete, ""))
                    add(("number", number, obsolete, plural))
                    add(("]", number, obsolete, ""))
            if has_eot and "\x04" in body:
                add(("error", number, obsolete, _check_string(body) or "context separator"))
                return tokens
            add(("string", number, obsolete, body))
            continue
        obsolete = previous = False
        for match in _LEX.finditer(line):
            group = match.lastgroup
            if group == "space":
                continue
            if group == "close":
                if not match.group("close"):
                    where = "the file" if index == last and not text.endswith("\n") else "the line"
                    add(("error", number, obsolete, f"unterminated string (the end of {where} comes first)"))
                    return tokens
                body = match.group("body")
                error = _check_string(body)
                if error:
                    add(("error", number, obsolete, error))
                    return tokens
                add(("prev_string" if previous else "string", number, obsolete, body))
            elif group == "word":
                word = match.group("word")
                if word in (_PREVIOUS_KEYWORDS if previous else _KEYWORDS):
                    add((("prev_" if previous else "") + word, number, obsolete, word))
                else:
                    where = " in a #| line" if previous else ""
                    add(("error", number, obsolete, f'unknown keyword "{word}"{where}'))
                    return tokens
            elif group == "number":
                add(("number", number, obsolete, match.group("number")))
            elif group == "bracket":
                add((match.group("bracket"), number, obsolete, ""))
            elif group == "junk":
                add(("error", number, obsolete, f"syntax error: unexpected {match.group('junk')!r}"))
                return tokens
            else:  # '#'
                mark = match.group("mark")
                if mark is None:
                    add(("comment", number, obsolete, ""))
                    break
                if mark.startswith("~"):
                    obsolete = True
                previous = previous or mark.endswith("|")
    return tokens


_NAMES = {
    "string": "a string", "prev_string": "a string in a #| line", "comment": "a comment line",
    "[": "'['", "]": "']'", "number": "a number",
}


class _Parser:
    """A recursive-descent reading of po-gram-gen.y over the token list."""

    def __init__(self, tokens: list[_Token], last_line: int) -> None:
        self.tokens = tokens
        self.kinds = [token[0] for token in tokens] + ["end"]  # a sentinel: no bounds checks
        self.pos = 0
        self.last_line = last_line

    def fail(self, expected: str) -> PoSyntaxError:
        if self.pos >= len(self.tokens):
            return PoSyntaxError(self.last_line, f"syntax error: the file ends where {expected} was expected")
        kind, line, _, text = self.tokens[self.pos]
        if kind == "error":
            return PoSyntaxError(line, text)
        found = _NAMES.get(kind) or kind.replace("prev_", "#| ")
        return PoSyntaxError(line, f"syntax error: {found} where {expected} was expected")

    def expect(self, kind: str, expected: str) -> _Token:
        if self.kinds[self.pos] != kind:
            raise self.fail(expected)
        self.pos += 1
        return self.tokens[self.pos - 1]

    def strings(self, kind: str, after: str) -> str:
        """One or more strings: their raw bodies joined."""
        kinds, start = self.kinds, self.pos
        if kinds[start] != kind:
            raise self.fail(f"a string after {after}")
        end = start + 1
        while kinds[end] == kind:
            end += 1
        self.pos = end
        if end == start + 1:
            return self.tokens[start][3]
        return "".join(token[3] for token in self.tokens[start:end])

    def messages(self) -> list[Message]:
        result: list[Message] = []
        kinds, count = self.kinds, len(self.tokens)
        while self.pos < count:
            kind = kinds[self.pos]
            if kind == "comment":
                self.pos += 1
            elif kind == "domain":
                raise PoSyntaxError(self.tokens[self.pos][1],
                                    "a 'domain' line (several domains in one file) is not supported")
            else:
                result.append(self.message())
        return result

    def message(self) -> Message:
        kinds, start = self.kinds, self.pos
        if kinds[start] in ("prev_msgctxt", "prev_msgid"):
            if kinds[start] == "prev_msgctxt":
                self.pos += 1
                self.strings("prev_string", "#| msgctxt")
            self.expect("prev_msgid", "#| msgid")
            self.strings("prev_string", "#| msgid")
            if kinds[self.pos] == "prev_msgid_plural":
                self.pos += 1
                self.strings("prev_string", "#| msgid_plural")
        msgctxt = None
        if kinds[self.pos] == "msgctxt":
            self.pos += 1
            msgctxt = self.strings("string", "msgctxt")
        intro = self.expect("msgid", "msgid")
        msgid = self.strings("string", "msgid")
        msgid_plural = msgstr = ""
        plurals: list[str] = []
        kind = kinds[self.pos]
        if kind == "msgid_plural":
            self.pos += 1
            msgid_plural = self.strings("string", "msgid_plural")
            if kinds[self.pos] != "msgstr":
                raise self.missing(intro, "msgstr[0]")
            while kinds[self.pos] == "msgstr":
                plurals.append(self.plural_form(len(plurals)))
        elif kind == "msgstr":
            if kinds[self.pos + 1] == "[":
                raise PoSyntaxError(self.tokens[self.pos][1], "msgstr[N] in an entry without msgid_plural")
            self.pos += 1
            msgstr = self.strings("string", "msgstr")
        else:
            raise self.missing(intro, "msgstr")
        obsolete = intro[2]
        flags = [token[2] for token in self.tokens[start:self.pos]]
        if (not all(flags)) if obsolete else any(flags):
            line = next(token[1] for token in self.tokens[start:self.pos] if token[2] != obsolete)
            raise PoSyntaxError(line, "inconsistent use of #~ (an entry is obsolete on all its lines or none)")
        return Message(
            intro[1], obsolete, None if msgctxt is None else _unescape(msgctxt), _unescape(msgid),
            _unescape(msgid_plural), _unescape(msgstr), tuple(_unescape(form) for form in plurals),
        )

    def missing(self, intro: _Token, what: str) -> PoSyntaxError:
        kind = self.kinds[self.pos]
        if kind == "error" or kind.startswith("prev_"):
            return self.fail(what)
        if kind == "comment":
            return PoSyntaxError(self.tokens[self.pos][1], f"a comment line inside an entry (before its {what})")
        return PoSyntaxError(intro[1], f"missing {what} for the msgid of line {intro[1]}")

    def plural_form(self, index: int) -> str:
        keyword = self.expect("msgstr", "msgstr[N]")
        if self.kinds[self.pos] != "[":
            raise PoSyntaxError(keyword[1], "msgstr without [N] in an entry with msgid_plural")
        self.pos += 1
        number = int(self.expect("number", "a plural index (msgstr[0], msgstr[1]...)")[3])
        self.expect("]", "']' after the plural index")
        if number != index:
            raise PoSyntaxError(keyword[1], f"plural form msgstr[{number}] where msgstr[{index}] was expected")
        return self.strings("string", f"msgstr[{index}]")


def _unescape(body: str) -> str:
    """A string's value as polib reads it."""
    return polib.unescape(body) if "\\" in body else body


def parse(text: str) -> list[Message]:
    """Check ``text`` (a decoded PO file, BOM allowed) and return its messages, header included.

    Raises :class:`PoSyntaxError` at the first error, as msgfmt reports it.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    tokens = _tokens(text)
    last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
    return _Parser(tokens, max(last_line, 1)).messages()
