"""Provenance in ``#. locwork-<key>: <value>`` lines (one per key, escaped to a single line)."""

from __future__ import annotations

import re
import unicodedata

import polib

META_PREFIX = "locwork-"


# ---------------------------------------------------------------------------
# Provenance in '#.' lines
# ---------------------------------------------------------------------------

_META_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_META_UNESCAPE = re.compile(r"\\(\\|n|r|t|u[0-9a-fA-F]{4})")
_UNSAFE = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


#: What :func:`_escape_meta` changes: the unsafe characters, controls (Cc), line/paragraph separators.
_NEEDS_META_ESCAPE = re.compile("[\\\\\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape_meta(value: str) -> str:
    if _NEEDS_META_ESCAPE.search(value) is None and not value[-1:].isspace():
        return value  # the usual case, at regex speed
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
        text = stripped + "".join(f"\\u{ord(ch):04x}" for ch in text[len(stripped) :])
    return text


def _unescape_meta(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        token = match.group(1)
        if token[0] == "u":
            return chr(int(token[1:], 16))
        return {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}[token]

    return _META_UNESCAPE.sub(replace, text)


#: Keys already checked, with their prefix: a catalog's writes use a dozen keys
#: thousands of times each (one regex match per key per entry before).
_CHECKED: dict[str, str] = {}


def _check_key(key: str) -> str:
    checked = _CHECKED.get(key) if isinstance(key, str) else None
    if checked is not None:
        return checked
    if not isinstance(key, str) or not _META_KEY.match(key):
        raise ValueError(f"invalid locwork metadata key {key!r} (lowercase letters, digits, '-', '_', '.')")
    if len(_CHECKED) < 1024:
        _CHECKED[key] = META_PREFIX + key
    return META_PREFIX + key


def _meta_line(line: str) -> tuple[str, str] | None:
    if not line.startswith(META_PREFIX):
        return None
    name, sep, value = line.partition(":")
    if not sep or not _META_KEY.match(name[len(META_PREFIX) :]):
        return None
    return name[len(META_PREFIX) :], value[1:] if value.startswith(" ") else value


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
            replacement = new_lines[key]
            if replacement is not None and key not in placed:
                kept.append(replacement)
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


def foreign_comments(entry: polib.POEntry) -> list[str]:
    """The entry's other (non-blank) ``#.`` lines: the extracted comments of whoever made the catalog."""
    return [line for line in (entry.comment or "").splitlines() if line.strip() and not line.startswith(META_PREFIX)]
