"""UAX #14 line breaking as libunistring 1.0 does it for gettext 0.21 (for the 79-column wrap)."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Sequence


class _WidthTable(dict[str, int]):
    """Display width by character, filled on first use (looked up with ``map``, at C speed)."""

    def __init__(self, cjk: bool) -> None:
        super().__init__()
        self.cjk = cjk

    def __missing__(self, ch: str) -> int:
        self[ch] = width = _char_width(ch, self.cjk)
        return width


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


#: Widths for text in a CJK encoding and for any other.
WIDTHS = {False: _WidthTable(False), True: _WidthTable(True)}


@functools.lru_cache(maxsize=2)
def _wider_or_narrower(cjk: bool) -> re.Pattern[str]:
    """A character outside the usual one-column ones (Latin to U+02FF, general
    punctuation, currency signs), as :func:`_char_width` says; built on first use."""
    ranges: list[list[int]] = []
    for code in (*range(0x20, 0x300), *range(0x2000, 0x20D0)):
        if _char_width(chr(code), cjk) != 1:
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return re.compile("[^" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]")


def one_column(text: str, cjk: bool) -> bool:
    """Every character of ``text`` is one column wide, decided by one regex search:
    a Latin text needs no list of widths (mapping each character cost 0.02 s a catalog)."""
    return _wider_or_narrower(cjk).search(text) is None


# Line-breaking classes (UAX #14) and the pair table libunistring applies.
_CLASSES = ("OP CL CP QU GL NS EX SY IS PR PO NU AL HL ID IN HY BA BB B2 WJ H2 H3 JL JV JT RI EB EM ZWJ").split()
(
    OP,
    CL,
    CP,
    QU,
    GL,
    NS,
    EX,
    SY,
    IS,
    PR,
    PO,
    NU,
    AL,
    HL,
    ID,
    IN,
    HY,
    BA,
    BB,
    B2,
    WJ,
    H2,
    H3,
    JL,
    JV,
    JT,
    RI,
    EB,
    EM,
    ZWJ,
) = range(len(_CLASSES))
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
_PAIRS = [[{"P": 0, "I": 1, "D": 2}[c] for c in line.split()[1]] for line in _PAIRS_TEXT.strip().splitlines()]

_ASCII_CLASSES = {
    " ": SP,
    "!": EX,
    '"': QU,
    "$": PR,
    "%": PO,
    "'": QU,
    "(": OP,
    ")": CP,
    "+": PR,
    ",": IS,
    "-": HY,
    ".": IS,
    "/": SY,
    ":": IS,
    ";": IS,
    "?": EX,
    "[": OP,
    "\\": PR,
    "]": CP,
    "{": OP,
    "|": BA,
    "}": CL,
    "\t": BA,
}
_EXPLICIT_CLASSES = {
    0xA0: GL,
    0xA1: OP,
    0xA2: PO,
    0xA3: PR,
    0xA4: PR,
    0xA5: PR,
    0xA7: AI,
    0xA8: AI,
    0xAA: AI,
    0xAB: QU,
    0xAD: BA,
    0xB0: PO,
    0xB1: PR,
    0xB2: AI,
    0xB3: AI,
    0xB4: BB,
    0xB6: AI,
    0xB7: AI,
    0xB8: AI,
    0xB9: AI,
    0xBA: AI,
    0xBB: QU,
    0xBC: AI,
    0xBD: AI,
    0xBE: AI,
    0xBF: OP,
    0xD7: AI,
    0xF7: AI,
    0x85: BK,
    0x02C8: BB,
    0x02CC: BB,
    0x02DF: BB,
    0x0F0B: BA,
    0x058A: BA,
    0x05BE: BA,
    0x037E: IS,
    0x0589: IS,
    0x05C6: EX,
    0x060C: IS,
    0x060D: IS,
    0x061B: EX,
    0x061F: EX,
    0x066A: PO,
    0x06D4: EX,
    0x0964: BA,
    0x0965: BA,
    0x1361: BA,
    0x1680: BA,
    0x17D4: BA,
    0x17D5: BA,
    0x2007: GL,
    0x2011: GL,
    0x202F: GL,
    0x200B: ZW,
    0x200D: ZWJ,
    0x2060: WJ,
    0xFEFF: WJ,
    0x2010: BA,
    0x2012: BA,
    0x2013: BA,
    0x2014: B2,
    0x2015: AI,
    0x2016: AI,
    0x2018: QU,
    0x2019: QU,
    0x201A: OP,
    0x201B: QU,
    0x201C: QU,
    0x201D: QU,
    0x201E: OP,
    0x201F: QU,
    0x2020: AI,
    0x2021: AI,
    0x2024: IN,
    0x2025: IN,
    0x2026: IN,
    0x2027: BA,
    0x2028: BK,
    0x2029: BK,
    0x2030: PO,
    0x2031: PO,
    0x2032: PO,
    0x2033: PO,
    0x2034: PO,
    0x2035: PO,
    0x2036: PO,
    0x2037: PO,
    0x2039: QU,
    0x203A: QU,
    0x203B: AI,
    0x203C: NS,
    0x203D: NS,
    0x2044: IS,
    0x2047: NS,
    0x2048: NS,
    0x2049: NS,
    0x205F: BA,
    0x20A7: PO,
    0x20B6: PO,
    0x20BB: PO,
    0x20BE: PO,
    0x2103: PO,
    0x2109: PO,
    0x2116: PR,
    0x2212: PR,
    0x2213: PR,
    0x3000: BA,
    0x3001: CL,
    0x3002: CL,
    0x3005: NS,
    0x301C: NS,
    0x303B: NS,
    0x309B: NS,
    0x309C: NS,
    0x309D: NS,
    0x309E: NS,
    0x30A0: NS,
    0x30FB: NS,
    0x30FC: NS,
    0x30FD: NS,
    0x30FE: NS,
    0xFE50: CL,
    0xFE52: CL,
    0xFE54: NS,
    0xFE55: NS,
    0xFE56: EX,
    0xFE57: EX,
    0xFF01: EX,
    0xFF04: PR,
    0xFF05: PO,
    0xFF0C: CL,
    0xFF0E: CL,
    0xFF1A: NS,
    0xFF1B: NS,
    0xFF1F: EX,
    0xFF61: CL,
    0xFF64: CL,
    0xFFE0: PO,
    0xFFE1: PR,
    0xFFE5: PR,
    0xFFE6: PR,
    0xFFFC: ID,
    0xFFFD: AI,
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
            0xFF67 <= code <= 0xFF70 or code in (0xFF9E, 0xFF9F)
        ):
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


#: Most runs (a word and the spaces after it) kept in :data:`_MARKS_CACHE`.
_RUN_CACHE_SIZE = 1 << 17
_RUNS = re.compile(r"[^ ]+ *| +")


#: Latin letters (all of class AL) → "a", ASCII digits (NU) → "0": the line
#: breaking rules see only classes, so a run and its shape break alike, and
#: a catalog's words come down to a few hundred shapes ("aaa, ", "a'aaaa ").
_LATIN_LETTERS = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_SHAPE = str.maketrans(
    {chr(c): "a" for c in range(0x250) if _LATIN_LETTERS.match(chr(c))} | {str(d): "0" for d in range(10)}
)
#: Break opportunities of a run of a shape, as (offset, kind) pairs, and the
#: state after it, by (shape of the run, class before it, space before it, cjk).
_MARKS_CACHE: dict[tuple[str, int, bool, bool], tuple[tuple[tuple[int, int], ...], int, bool]] = {}


def _run_marks(run: str, cjk: bool, last: int, seen_space: bool) -> tuple[tuple[tuple[int, int], ...], int, bool]:
    """The nonzero marks of :func:`_scan` over one run, and the state after it."""
    marks, last, seen_space = _scan(run, cjk, last, seen_space)
    return tuple((i, m) for i, m in enumerate(marks) if m), last, seen_space


def _break_opportunities(text: str, cjk: bool) -> list[tuple[int, int]]:
    """The nonzero marks of :func:`_scan` over the whole text, as (index, kind) pairs.

    The text is scanned run by run (a word and the spaces after it): the state
    between two runs is only the class before and whether a space came since,
    and only ``" "`` is of class SP.

    Why: wrapping needs only the opportunities, and a sentence has a few
    dozen of them against a few hundred characters; building the list per
    character cost more than the greedy fill itself. Runs are looked up by
    their shape (:data:`_SHAPE`), so a new word seldom needs a scan.
    """
    out: list[tuple[int, int]] = []
    last, seen_space = BK, False
    position = 0
    get = _MARKS_CACHE.get
    for run in _RUNS.findall(text.translate(_SHAPE)):
        key = (run, last, seen_space, cjk)
        known = get(key)
        if known is None:
            if len(_MARKS_CACHE) >= _RUN_CACHE_SIZE:
                _MARKS_CACHE.clear()
            known = _MARKS_CACHE[key] = _run_marks(run, cjk, last, seen_space)
        marks, last, seen_space = known
        for offset, kind in marks:
            out.append((position + offset, kind))
        position += len(run)
    return out


def _cut_at(
    opportunities: Sequence[tuple[int, int]], total: Sequence[int] | None, length: int, width: int, start: int
) -> list[int]:
    """Where libunistring's u8_width_linebreaks cuts (greedy fill, breaking only where
    allowed), from (index, kind) opportunities.

    ``total``: the running display width before each index (``None`` when
    every character is one column wide: the index itself).
    """
    cuts: list[int] = []
    last_p = -1
    column = start
    base = 0
    for i, kind in opportunities:
        piece = (total[i] if total is not None else i) - base
        if last_p >= 0 and column + piece > width:
            cuts.append(last_p)
            column = 0
        if kind == 2:  # mandatory: its own width is not counted
            last_p, column = -1, 0
            base = total[i + 1] if total is not None else i + 1
            continue
        last_p = i
        column += piece
        base = total[i] if total is not None else i
    end = total[-1] if total is not None else length
    if last_p >= 0 and column + end - base > width:
        cuts.append(last_p)
    return cuts


def _scan(chars: Sequence[str], cjk: bool, last: int, seen_space: bool) -> tuple[list[int], int, bool]:
    """libunistring's pass over the characters, from a state; returns the marks and the end state."""
    out = [0] * len(chars)
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
    return out, last, seen_space
