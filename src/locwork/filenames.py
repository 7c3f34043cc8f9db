"""Checks on a file name that comes from outside (an upload), before it is shown or used.

A browser sends whatever name the user's file has, or whatever a script
chooses: folder parts (``../../x``), a NUL that hides the real extension
(``evil.txt\\0.html``), or a right-to-left override (U+202E) that makes
``photo\\u202egpj.html`` read as ``photohtml.jpg``. None of these is a name a
user means to give, so they are refused, with the name shown escaped
(``ascii()``) so that the error line itself cannot be reordered or cut.
"""

from __future__ import annotations

import unicodedata

from locwork.errors import LocworkError

MAX_NAME_BYTES = 200
# Unicode categories refused anywhere in a name: controls (Cc: NUL, newline,
# escape...), format characters (Cf: the bidi overrides and isolates, zero
# width characters), surrogates (Cs), line and paragraph separators (Zl, Zp).
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def shown(name: str) -> str:
    """The name as an error message shows it: quoted, every odd character escaped."""
    return ascii(name)


def check_plain_name(name: str | None) -> str:
    """The name (NFC, trimmed) if it is a plain file name; else a one-line LocworkError.

    Plain: not empty, no folder part (``/``, ``\\``, ``.`` or ``..``), no
    control, format or bidi-override character, at most 200 bytes in UTF-8.
    """
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise LocworkError("the upload has no file name")
    for char in name:
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            what = "a NUL character" if char == "\0" else (
                f"the invisible character U+{ord(char):04X} "
                f"({unicodedata.name(char, 'a control character').lower()})"
            )
            raise LocworkError(f"{shown(name)}: a file name cannot contain {what}")
    if "/" in name or "\\" in name or name in (".", ".."):
        raise LocworkError(f"{shown(name)}: the file name must not contain a folder path")
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        raise LocworkError(f"{shown(name)}: the file name is longer than {MAX_NAME_BYTES} bytes")
    return name
