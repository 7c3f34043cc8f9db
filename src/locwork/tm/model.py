"""The memory's vocabulary: its records, text normalisation and diffs (no storage here).

Shared by every store (SQLite, PostgreSQL), the matcher and the catalog
glue, so that they agree on what a source "is" (:func:`normalize`), how it
is keyed (:func:`source_hash`) and what a match carries (:class:`Match`).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Sequence

from locwork import langs
from locwork import constants
from locwork.errors import LocworkError

ENV = "LOCWORK_TM"
DEFAULT_THRESHOLD = constants.DEFAULT_TM_THRESHOLD
SOURCE_LANG = constants.SOURCE_LANG
VIA = ("approval", "rebuild", "import")
REBUILD_COMMAND = "locwork tm rebuild --force"

# ----------------------------------------------------------------- helpers

_SPACE = re.compile(r"\s+", re.UNICODE)
TERM = re.compile(r"[^\W_]+", re.UNICODE)
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def normalize(text: str) -> str:
    """What exact matching compares: NFC, white space runs as one space, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def source_hash(norm: str) -> int:
    """A signed 64-bit hash of a normalised source (SQLite INTEGER)."""
    digest = hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def fold(text: str) -> str:
    """Lower case without accents (as FTS5's ``unicode61 remove_diacritics 2`` sees words).

    ``filterfalse`` with the C predicate rather than a generator expression:
    this runs for every source and target a PostgreSQL memory stores, and the
    per-character Python loop was most of a bulk build's client time.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if decomposed.isascii():
        return decomposed
    return "".join(itertools.filterfalse(unicodedata.combining, decomposed))


def terms(text: str, folded: str | None = None) -> list[str]:
    """The distinct index terms of a text, in order (``folded``: ``fold(text)``, when the caller
    has it already)."""
    return list(dict.fromkeys(TERM.findall(fold(text) if folded is None else folded)))


def base_lang(lang: str) -> str:
    """``pt_BR`` → ``pt``, ``es-ES`` → ``es`` (LocworkError if malformed)."""
    return langs.normalize(lang).split("@")[0].split("_")[0]


def diff(old: str, new: str) -> list[dict[str, str]]:
    """Word-level diff from ``old`` (the memory's source) to ``new`` (the current source).

    A list of ``{"op": "equal"|"delete"|"insert", "text": ...}``: deleted
    text is in the memory's source only, inserted text in the current
    source only. Concatenating equal+insert gives ``new``, equal+delete
    gives ``old``.
    """
    if old == new:  # an exact match (most of a re-run): no need for difflib
        return [{"op": "equal", "text": new}] if new else []
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    out: list[dict[str, str]] = []

    def push(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1]["op"] == op:
            out[-1]["text"] += text
        else:
            out.append({"op": op, "text": text})

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            push("equal", "".join(a[i1:i2]))
            continue
        push("delete", "".join(a[i1:i2]))
        push("insert", "".join(b[j1:j2]))
    return out


def diff_text(ops: Sequence[dict[str, str]]) -> str:
    """A diff as plain text, wdiff style: ``[-memory-]{+current+}``."""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[op["op"]].format(op["text"]) for op in ops)


def origin_label(score: int) -> str:
    """The ``locwork-origin`` value of a draft taken from memory: ``tm 100%``, ``tm 83%``."""
    return f"tm {int(score)}%"


def now() -> str:
    """The current local time, ISO 8601 to the second (what `added_at` records)."""
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


# ------------------------------------------------------------------ records


@dataclass
class TMUnit:
    """One approved translation, as stored."""

    source: str
    target: str
    src_lang: str = SOURCE_LANG
    tgt_lang: str = ""
    document: str = ""
    segment: str = ""
    reviewer: str | None = None
    approved_at: str | None = None
    route: str | None = None
    engine: str | None = None
    origin: str | None = None
    via: str = "approval"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class Match:
    """A memory unit that matches a source, with its score and diff."""

    score: int  # 100 for an exact match, at most 99 otherwise
    source: str  # the memory's source
    target: str
    src_lang: str
    tgt_lang: str
    document: str = ""
    segment: str = ""
    reviewer: str | None = None
    approved_at: str | None = None
    route: str | None = None
    origin: str | None = None
    diff: list[dict[str, str]] = field(default_factory=list)  # memory source → current source
    others: int = 0  # other units with the same source and a different target

    @property
    def exact(self) -> bool:
        return self.score >= 100

    @property
    def label(self) -> str:
        """``tm 100%`` / ``tm 83%``: what a draft from this match records as its origin."""
        return origin_label(self.score)

    @property
    def ref(self) -> str:
        """``document/segment`` of the unit ("" when unknown, e.g. an imported unit)."""
        if self.document and self.segment:
            return f"{self.document}/{self.segment}"
        return self.document or self.segment

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["exact"] = self.exact
        data["label"] = self.label
        return data


@dataclass
class ConcordanceHit:
    """A unit whose source or target holds the searched word or phrase."""

    source: str
    target: str
    src_lang: str
    tgt_lang: str
    document: str
    segment: str
    reviewer: str | None
    approved_at: str | None
    where: str  # "source", "target" or "both"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class RebuildReport:
    catalogs: int = 0
    units: int = 0
    skipped: int = 0  # approved entries that cannot go in (plural forms)
    removed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class ImportReport:
    units: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class MemoryDamaged(LocworkError):
    """The memory is damaged or empty: only a rebuild from the catalogs helps."""


class NoMemoryYet(LocworkError):
    """Nothing was ever stored there: a translate run goes on without a memory."""
