"""Translation memory: every approved segment, reused as exact and fuzzy matches.

The package's layout (each new piece touches one place):

- :mod:`.model`: units, matches, normalisation and diffs, shared by all;
- :mod:`.store`: the :class:`MemoryStore` protocol every store implements;
- :mod:`.matcher`: exact and fuzzy matching (rapidfuzz) over any store;
- :mod:`.sqlite`: the embedded default, one file per project;
- :mod:`.postgres`: a shared memory on a PostgreSQL server (``pg_trgm``);
- :mod:`.locate`: which store a location (path or ``postgresql://`` URL) opens;
- :mod:`.catalogs`: approvals in, drafts out, rebuilds, translate-run settings.

TMX import and export live with the other exchange formats, in
:mod:`locwork.export.tmx_memory`. The memory is passed explicitly to
every function that uses it (a store, a location, or None for the
project's memory).
"""

from __future__ import annotations

from locwork.tm.catalogs import (
    Settings,
    concordance,
    draft_from_match,
    forget_segment,
    migrate,
    rebuild,
    rebuild_memory,
    record_approval,
    resolve,
    settings,
    unit_from_entry,
)
from locwork.tm.locate import (
    DATA_DIR,
    FILE_NAME,
    Location,
    as_location,
    default_path,
    is_url,
    open_memory,
    open_tm,
    present,
    shown,
)
from locwork.tm.model import (
    DEFAULT_THRESHOLD,
    ENV,
    REBUILD_COMMAND,
    SOURCE_LANG,
    VIA,
    ConcordanceHit,
    ImportReport,
    Match,
    MemoryDamaged,
    NoMemoryYet,
    RebuildReport,
    TMUnit,
    base_lang,
    diff,
    diff_text,
    fold,
    normalize,
    origin_label,
    source_hash,
    terms,
)
from locwork.tm.sqlite import SQLiteMemory, TranslationMemory, set_aside
from locwork.tm.store import MemoryStore

__all__ = [
    "DATA_DIR",
    "DEFAULT_THRESHOLD",
    "ENV",
    "FILE_NAME",
    "REBUILD_COMMAND",
    "SOURCE_LANG",
    "VIA",
    "ConcordanceHit",
    "ImportReport",
    "Location",
    "Match",
    "MemoryDamaged",
    "MemoryStore",
    "NoMemoryYet",
    "RebuildReport",
    "SQLiteMemory",
    "Settings",
    "TMUnit",
    "TranslationMemory",
    "as_location",
    "base_lang",
    "concordance",
    "default_path",
    "diff",
    "diff_text",
    "draft_from_match",
    "fold",
    "forget_segment",
    "is_url",
    "migrate",
    "normalize",
    "open_memory",
    "open_tm",
    "origin_label",
    "present",
    "rebuild",
    "rebuild_memory",
    "record_approval",
    "resolve",
    "set_aside",
    "settings",
    "shown",
    "source_hash",
    "terms",
    "unit_from_entry",
]
