"""Entry: a typed, read-only view of one catalog entry, for the modules that list entries."""

from __future__ import annotations

from dataclasses import dataclass

import polib

from locwork.catalog.provenance import Provenance, provenance
from locwork.catalog.states import State, entry_state


@dataclass(frozen=True)
class Entry:
    """Id, source, target, state, provenance and translator comment of a :class:`polib.POEntry`.

    ``id`` is the ``msgctxt`` (locwork's segment id) or, in a foreign
    catalog without one, the msgid.  ``po`` is the entry itself, for the
    writers (``record_*``), which change it in place.
    """

    po: polib.POEntry
    id: str
    source: str
    target: str
    state: State
    provenance: Provenance
    comment: str

    @classmethod
    def of(cls, entry: polib.POEntry) -> Entry:
        return cls(
            po=entry,
            id=entry.msgctxt or entry.msgid,
            source=entry.msgid,
            target=entry.msgstr,
            state=entry_state(entry),
            provenance=provenance(entry),
            comment=entry.tcomment or "",
        )


def entries(po: polib.POFile) -> list[Entry]:
    """The live (not obsolete) entries of a catalog, header excluded, as :class:`Entry`."""
    return [Entry.of(e) for e in po if not e.obsolete and not (e.msgid == "" and e.msgctxt is None)]
