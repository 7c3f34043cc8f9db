"""The memory and the catalogs: approvals in, drafts out, rebuilds, translate-run settings.

Everything that reads or writes a PO entry on the memory's behalf is here
(:func:`unit_from_entry` reads provenance, :func:`draft_from_match`
writes it), so the catalog model's provenance API replaces it in one place.
Stores never see a catalog.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import polib

from locwork import catalog, langs
from locwork.catalog import State
from locwork.errors import LocworkError
from locwork.tm.locate import Location, as_location, default_path, is_url, open_memory, present
from locwork.tm.model import (
    DEFAULT_THRESHOLD,
    SOURCE_LANG,
    ConcordanceHit,
    Match,
    MemoryDamaged,
    NoMemoryYet,
    RebuildReport,
    TMUnit,
    base_lang,
    normalize,
)
from locwork.tm.store import MemoryStore, Wanted

# ------------------------------------------------------- from catalogs


def _unit_key(unit: TMUnit, codes: dict[str, tuple[str, str]]) -> tuple:
    """What makes a unit one row: (source language, normalised source, target language,
    document, segment), as the stores key them. ``codes`` caches language codes."""
    if unit.src_lang not in codes or unit.tgt_lang not in codes:
        for code in (unit.src_lang, unit.tgt_lang):
            codes.setdefault(code, (base_lang(code), langs.normalize(code)))
    return (
        codes[unit.src_lang][0],
        normalize(unit.source),
        codes[unit.tgt_lang][1],
        unit.document or "",
        unit.segment or "",
    )


_Read = tuple[bytes, list[tuple[tuple, TMUnit]], int]  # bytes, (key, unit) of approved entries, plurals


def _read_catalogs(locales_dir: Path, src_lang: str, known: dict[Path, _Read]) -> dict[Path, _Read]:
    """The approved units of every ``<locales>/<lang>/<doc>.po``.

    A catalog whose bytes are those of ``known`` (an earlier read) is not
    parsed again. The bytes are read before the catalog is parsed, so the
    parsed catalog is never older than the bytes kept to compare with.
    """
    out: dict[Path, _Read] = {}
    codes: dict[str, tuple[str, str]] = {}
    for path in catalog.all_catalogs(locales_dir):
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # removed since the glob
            continue
        except OSError as error:
            raise LocworkError(f"{path}: cannot read it ({error.strerror or error})") from None
        if path in known and known[path][0] == data:
            out[path] = known[path]
            continue
        units: list[tuple[tuple, TMUnit]] = []
        skipped = 0
        for entry in catalog.load(path):
            unit = unit_from_entry(path, entry, src_lang=src_lang)
            if unit is not None:
                if normalize(unit.source) and unit.target.strip():  # what a store would keep
                    unit.via = "rebuild"
                    units.append((_unit_key(unit, codes), unit))
            elif _approved(entry) and entry.msgid_plural:
                skipped += 1
        out[path] = (data, units, skipped)
    return out


def rebuild_memory(
    memory: MemoryStore, locales_dir: str | os.PathLike[str], src_lang: str = SOURCE_LANG, keep_imports: bool = True
) -> RebuildReport:
    """Recompute every catalog-made unit of ``memory`` from ``<locales>/<lang>/<doc>.po``.

    Units from TMX imports stay unless ``keep_imports`` is False.

    No approval is lost to a rebuild that runs at the same time. An
    approval saves its catalog first and then writes the memory. The
    catalogs are read once (slow: parsing), then the store's write
    transaction is taken (:meth:`MemoryStore.sync`: from there on an
    approval's memory write waits for it), every catalog is read again as
    bytes and the ones that changed since the first read are parsed again,
    and the memory is brought in line with them in that transaction,
    writing only the units that differ (so it stays short: 0.2 s for 7,500
    unchanged units on a loaded 2-core machine). So an approval whose
    catalog was saved before that re-read is in the catalogs the rebuild
    uses, and one saved after it writes the memory after the rebuild
    commits. Readers see the old or the new memory. A damaged memory raises
    :class:`MemoryDamaged`.
    """
    locales = Path(locales_dir)
    if not locales.is_dir():
        raise LocworkError(f"{locales}: no such folder of catalogs")
    memory.check()
    first = _read_catalogs(locales, src_lang, {})

    def wanted_now() -> tuple[Wanted, RebuildReport]:
        read = _read_catalogs(locales, src_lang, first)
        report = RebuildReport(catalogs=len(read))
        wanted: Wanted = {}
        for _data, units, skipped in read.values():
            report.skipped += skipped
            wanted.update(units)
        report.units = len(wanted)
        return wanted, report

    return memory.sync(wanted_now, keep_imports)


def rebuild(
    path: Location | os.PathLike[str],
    locales_dir: str | os.PathLike[str],
    *,
    keep_imports: bool = True,
    force: bool = False,
) -> tuple[RebuildReport, Path | None]:
    """``locwork tm rebuild``: the memory at ``path`` recomputed from the catalogs.

    With ``force``, a damaged or empty memory file is moved aside
    (:func:`locwork.tm.sqlite.set_aside`) and a new one is made; without it,
    that raises :class:`MemoryDamaged`. Returns the report and where the
    damaged file went (None if it was sound).
    """
    from locwork.tm.sqlite import set_aside

    aside = None
    for _attempt in range(2):
        try:
            with open_memory(path, create=True) as memory:
                return rebuild_memory(memory, locales_dir, keep_imports=keep_imports), aside
        except MemoryDamaged:
            if not force or aside is not None or is_url(path):
                raise
            aside = set_aside(Path(path))
    raise AssertionError("unreachable")  # pragma: no cover


def _approved(entry: polib.POEntry) -> bool:
    return not entry.obsolete and entry.msgid != "" and catalog.entry_state(entry) is State.APPROVED


def unit_from_entry(
    catalog_path: str | os.PathLike[str],
    entry: polib.POEntry,
    src_lang: str = SOURCE_LANG,
    lang: str | None = None,
    document: str | None = None,
) -> TMUnit | None:
    """The memory unit of an approved catalog entry, or None (not approved, or plural)."""
    if not _approved(entry) or entry.msgid_plural:
        return None
    ref = catalog.CatalogRef.from_path(catalog_path)
    info = catalog.provenance(entry)
    route = info.route
    return TMUnit(
        source=entry.msgid,
        target=entry.msgstr,
        src_lang=src_lang,
        tgt_lang=lang or ref.lang,
        document=document or ref.document,
        segment=entry.msgctxt or "",
        reviewer=info.reviewer,
        approved_at=info.reviewed_at,
        route=route,
        engine=info.engine,
        origin=info.origin or ("mt" if route else None),
        via="approval",
    )


def _project_of_catalog(catalog_path: Path) -> Path:
    """``<project>/locales/<lang>/<doc>.po`` → ``<project>/locales``."""
    return catalog.CatalogRef.from_path(Path(catalog_path).resolve()).locales


@contextlib.contextmanager
def _opened(
    tm: MemoryStore | Location | os.PathLike[str] | None, catalog_path: Path, create: bool = True
) -> Iterator[MemoryStore]:
    if isinstance(tm, MemoryStore):
        yield tm
        return
    chosen = as_location(tm) if tm is not None else default_path(_project_of_catalog(catalog_path))
    with open_memory(chosen, create=create) as memory:
        yield memory


def record_approval(
    tm: MemoryStore | Location | os.PathLike[str] | None,
    catalog_path: str | os.PathLike[str],
    entry: polib.POEntry | str,
    *,
    src_lang: str = SOURCE_LANG,
) -> TMUnit | None:
    """Put an approved catalog entry in the memory (replacing the segment's old unit).

    ``tm``: an open memory, a location (path or server URL), or None for
    the project's memory (``$LOCWORK_TM``, else
    ``<project>/.locwork/tm.sqlite`` where ``catalog_path`` is
    ``<project>/locales/<lang>/<doc>.po``). ``entry``: the entry as saved,
    or its segment id (msgctxt), in which case it is read from the catalog
    on disk. The target language is the catalog's folder name, the
    document its file stem.

    Returns the unit stored, or None if the entry is not approved (then
    nothing changes: use :func:`forget_segment` to withdraw a segment).
    """
    catalog_path = Path(catalog_path)
    if isinstance(entry, str):
        segment = entry
        po = catalog.load(catalog_path)
        found = [e for e in po if not e.obsolete and e.msgctxt == segment]
        if not found:
            raise LocworkError(f"segment {segment} is not in {catalog_path}")
        entry = found[0]
    unit = unit_from_entry(catalog_path, entry, src_lang=src_lang)
    if unit is None:
        return None
    with _opened(tm, catalog_path) as memory:
        memory.add(unit)
    return unit


def forget_segment(
    tm: MemoryStore | Location | os.PathLike[str] | None,
    catalog_path: str | os.PathLike[str],
    segment: str,
    source: str | None = None,
) -> int:
    """Withdraw a segment's catalog-made unit (e.g. after an approved text was un-approved);
    with ``source``, only that sentence's unit (see :meth:`MemoryStore.forget`)."""
    catalog_path = Path(catalog_path)
    if tm is None and not present(default_path(_project_of_catalog(catalog_path))):
        return 0
    with _opened(tm, catalog_path) as memory:
        ref = catalog.CatalogRef.from_path(catalog_path)
        return memory.forget(ref.document, segment, ref.lang, source)


def concordance(
    query: str, lang: str | None = None, limit: int = 50, path: Location | os.PathLike[str] | None = None
) -> list[ConcordanceHit]:
    """:meth:`MemoryStore.concordance` on the project's memory."""
    with open_memory(path, create=False) as memory:
        return memory.concordance(query, lang, limit)


# ------------------------------------------------ use in translate runs


@dataclass(frozen=True)
class Settings:
    """Whether ``translate``/``pretranslate`` use the memory, and how; handed to them explicitly."""

    use: bool = True
    threshold: float = DEFAULT_THRESHOLD
    path: Location | None = None
    memory: MemoryStore | None = None  # opened once for a whole run (see settings)

    @property
    def tm(self) -> MemoryStore | Location | bool | None:
        """What to pass as ``tm=`` to a translate call: the open memory, False, or where to look."""
        if not self.use:
            return False
        return self.memory if self.memory is not None else self.path


@contextlib.contextmanager
def settings(
    use: bool = True,
    threshold: float = DEFAULT_THRESHOLD,
    path: Location | os.PathLike[str] | None = None,
    locales_dir: str | os.PathLike[str] | None = None,
) -> Iterator[Settings]:
    """The memory settings of a translate run, with the memory opened once for the block.

    With ``use``, the memory (``path``, else :func:`default_path` of
    ``locales_dir``) is opened once, if it exists, and closed at the end:
    a batch over many documents and languages reuses one connection and
    its caches. Pass ``.tm`` and ``.threshold`` to each call.
    """
    if not 0 < threshold <= 100:
        raise LocworkError(f"the memory threshold is a percentage (1-100), not {threshold}")
    chosen = as_location(path) if path else None
    memory = None
    if use:
        where = chosen or default_path(locales_dir)
        if present(where):
            with contextlib.suppress(NoMemoryYet):  # a server database nothing was stored in yet
                memory = open_memory(where, create=False)
    try:
        yield Settings(use, float(threshold), chosen, memory)
    finally:
        if memory is not None:
            memory.close()


@contextlib.contextmanager
def resolve(
    tm: MemoryStore | Location | bool | None, locales_dir: str | os.PathLike[str] | None = None
) -> Iterator[MemoryStore | None]:
    """The memory a translate run should use.

    ``tm``: an open memory (used as is), False (none), a location (that
    memory if it exists), True or None (the project's memory if it
    exists). A translate run never creates a memory.
    """
    if isinstance(tm, MemoryStore):
        yield tm
        return
    if tm is False:
        yield None
        return
    where = as_location(tm) if isinstance(tm, (str, os.PathLike)) else default_path(locales_dir)
    if not present(where):
        yield None
        return
    try:
        memory = open_memory(where, create=False)
    except NoMemoryYet:  # a server database nothing was stored in yet
        yield None
        return
    with memory:
        yield memory


def draft_from_match(entry: polib.POEntry, match: Match) -> None:
    """Make an untranslated entry a draft taken from memory.

    The state is ``machine`` (fuzzy, to be reviewed: an exact match too,
    as Pontoon treats pretranslations), with ``locwork-origin: tm 100%``
    (or ``tm 83%``), ``locwork-tm-ref`` (document/segment of the memory
    unit) and, for a fuzzy match, ``locwork-tm-source`` (the memory's
    source, to diff against the entry's). Machine-translation provenance
    left from an older draft is removed.
    """
    catalog.record_tm_draft(
        entry, match.target, origin=match.label, ref=match.ref or None, source=None if match.exact else match.source
    )


def migrate(source: MemoryStore, destination: MemoryStore) -> dict:
    """Copy every unit of ``source`` into ``destination`` (one transaction); both stores' counts.

    Raises LocworkError when the destination does not end up holding every
    unit and source of the source (it may hold more when it was not empty).
    """
    units = source.units()
    destination.add_many(units)
    before, after = source.stats(), destination.stats()
    report = {
        "from": source.location,
        "to": destination.location,
        "from_units": before["units"],
        "from_sources": before["sources"],
        "to_units": after["units"],
        "to_sources": after["sources"],
    }
    if after["units"] < before["units"] or after["sources"] < before["sources"]:
        raise LocworkError(
            f"the copy in {destination.location} holds {after['units']} unit(s) and "
            f"{after['sources']} source(s), not {before['units']} and {before['sources']}"
        )
    return report
