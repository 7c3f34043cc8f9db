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

Layout of the package (one job per module)
    :mod:`.files` load/save/edit/check, :mod:`.scanner` the exact text of
    each entry, :mod:`.render` the msgcat-exact writer, :mod:`.linebreak`
    UAX #14, :mod:`.paths` where a catalog lives (``CatalogRef``), :mod:`.header` new
    catalogs, :mod:`.meta` ``#. locwork-`` lines, :mod:`.provenance` the declared
    keys and their writers, :mod:`.entry` the typed entry view,
    :mod:`.states` review states and statistics.
"""

from __future__ import annotations

from locwork.catalog.files import _message_key_of, check, edit, encode, load, save
from locwork.catalog.header import (
    DEFAULT_SOURCE_LANG,
    gettext_date,
    new_catalog,
    set_source_language,
    source_language,
    target_language,
)
from locwork.catalog.entry import Entry, entries
from locwork.catalog.meta import META_PREFIX, foreign_comments, get_meta, meta, set_meta, update_meta
from locwork.catalog.provenance import (
    KEYS,
    SIGNATURE_PREFIX,
    Provenance,
    clear_scores,
    forget_mt,
    merge_notes,
    provenance,
    record_mt,
    record_pretranslation,
    record_qe,
    record_review,
    record_scores,
    record_segment,
    record_tm_draft,
    to_float,
)
from locwork.catalog.paths import (
    CatalogRef,
    check_distinct_documents,
    check_owner,
    claim,
    all_catalogs,
    catalog_path,
    document_catalogs,
    document_languages,
    document_name,
)
from locwork.catalog.render import PAGE_WIDTH, dumps
from locwork.catalog.states import CatalogStats, State, entry_state, is_untranslated, set_state, stats, word_count

__all__ = [
    "State",
    "CatalogStats",
    "load",
    "dumps",
    "save",
    "check",
    "new_catalog",
    "catalog_path",
    "check_owner",
    "claim",
    "check_distinct_documents",
    "entry_state",
    "is_untranslated",
    "set_state",
    "get_meta",
    "set_meta",
    "update_meta",
    "meta",
    "edit",
    "stats",
    "word_count",
    "gettext_date",
    "PAGE_WIDTH",
    "META_PREFIX",
    "_message_key_of",
    "Entry",
    "entries",
    "Provenance",
    "provenance",
    "KEYS",
    "SIGNATURE_PREFIX",
    "to_float",
    "foreign_comments",
    "merge_notes",
    "record_segment",
    "record_mt",
    "record_pretranslation",
    "forget_mt",
    "record_tm_draft",
    "record_review",
    "record_scores",
    "clear_scores",
    "record_qe",
    "CatalogRef",
    "encode",
    "all_catalogs",
    "document_catalogs",
    "document_languages",
    "document_name",
    "DEFAULT_SOURCE_LANG",
    "source_language",
    "set_source_language",
    "target_language",
]
