"""The seam every translation-memory store fits: :class:`MemoryStore`.

A new store (SQLite file, PostgreSQL server...) implements this protocol
and registers its URL scheme in :func:`locwork.tm.locate.open_memory`;
callers (translate, pretranslate, review, QA, the CLI) only ever see the
protocol. Matching itself (exact by hash, fuzzy with rapidfuzz) is shared
code in :mod:`locwork.tm.matcher`, so every store returns the same matches.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Protocol, runtime_checkable

from locwork.tm.model import DEFAULT_THRESHOLD, SOURCE_LANG, ConcordanceHit, Match, RebuildReport, TMUnit

# (src_lang, normalised source, tgt_lang, document, segment) -> unit: what a rebuild wants stored.
Wanted = dict[tuple[str, ...], TMUnit]
# Called inside the store's write transaction: the units the catalogs hold now, and the report.
WantedNow = Callable[[], tuple[Wanted, RebuildReport]]


@runtime_checkable
class MemoryStore(Protocol):
    """An open translation memory."""

    @property
    def location(self) -> str:
        """Where it lives: a file path or a server URL (without its password)."""

    def close(self) -> None: ...

    def __enter__(self) -> "MemoryStore": ...

    def __exit__(self, *exc: object) -> None: ...

    # writing: each call is one transaction; a reader sees all of it or none of it
    def add(self, unit: TMUnit) -> bool: ...

    def add_many(self, units: Iterable[TMUnit]) -> int: ...

    def forget(self, document: str, segment: str, tgt_lang: str | None = None, source: str | None = None) -> int: ...

    def sync(self, wanted_now: WantedNow, keep_imports: bool = True) -> RebuildReport:
        """Bring the catalog-made units in line with ``wanted_now()``, called inside one write
        transaction that holds off every other writer (the rebuild of :mod:`locwork.tm.catalogs`)."""

    def check(self) -> None:
        """Raise :class:`locwork.tm.MemoryDamaged` unless the store is sound."""

    # reading
    def stats(self) -> dict[str, Any]: ...

    def units(self, tgt_lang: str | None = None) -> list[TMUnit]: ...

    def __len__(self) -> int: ...

    def exact(self, text: str, tgt_lang: str, src_lang: str = SOURCE_LANG) -> Match | None: ...

    def translations(self, text: str, tgt_lang: str, src_lang: str = SOURCE_LANG) -> list[TMUnit]: ...

    def lookup(
        self,
        text: str,
        tgt_lang: str,
        src_lang: str = SOURCE_LANG,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 5,
    ) -> list[Match]: ...

    def best(
        self, text: str, tgt_lang: str, src_lang: str = SOURCE_LANG, threshold: float = DEFAULT_THRESHOLD
    ) -> Match | None: ...

    def best_many(
        self, texts: Iterable[str], tgt_lang: str, src_lang: str = SOURCE_LANG, threshold: float = DEFAULT_THRESHOLD
    ) -> dict[str, Match]: ...

    def concordance(self, query: str, lang: str | None = None, limit: int = 50) -> list[ConcordanceHit]: ...
