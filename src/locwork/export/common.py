"""What every export format reads: a catalog, its language, its units.

A locwork catalog keeps one entry per translatable segment: ``msgctxt`` is
the segment id, ``msgid`` the French source, ``msgstr`` the translation,
the ``#.`` lines hold the provenance (``locwork-<key>: value``) and the
``#:`` line points to the source document. Obsolete entries are never
exported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polib

from locwork import catalog
from locwork.catalog import State
from locwork.errors import LocworkError

SOURCE_LANG = catalog.DEFAULT_SOURCE_LANG

STATE_LABELS = {
    State.UNTRANSLATED: "untranslated",
    State.MACHINE: "machine, not reviewed",
    State.EDITED: "edited, not reviewed",
    State.APPROVED: "approved",
}


def bcp47(code: str) -> str:
    """A gettext language code as a BCP 47 tag: ``pt_BR`` -> ``pt-BR``."""
    code = code.split(".")[0].split("@")[0].strip()
    return code.replace("_", "-")


@dataclass
class Unit:
    """One catalog entry, as the exports see it."""

    id: str
    source: str
    target: str  # "" when there is no translation
    state: State
    meta: dict[str, str]  # every provenance value as written (notes in XLIFF), state excluded
    kind: str  # "heading" or "sentence"
    entry: polib.POEntry
    provenance: catalog.Provenance = field(default_factory=catalog.Provenance)

    @property
    def approved(self) -> bool:
        return self.state == State.APPROVED

    @property
    def translated(self) -> bool:
        return bool(self.target) and self.state != State.UNTRANSLATED

    @property
    def scores(self) -> list[tuple[str, str]]:
        return self.provenance.scores()


@dataclass
class CatalogInput:
    """A loaded catalog with what the exports need to know about it."""

    po: polib.POFile
    doc_name: str
    lang: str  # BCP 47 target language
    path: Path | None = None
    src_lang: str = SOURCE_LANG
    units: list[Unit] = field(default_factory=list)

    @property
    def source_refs(self) -> list[str]:
        """Source document paths named by the ``#:`` references, first seen first."""
        refs: list[str] = []
        for entry in self.po:
            if entry.obsolete:
                continue
            for ref, _line in entry.occurrences:
                if ref and ref not in refs:
                    refs.append(ref)
        return refs

    def unit(self, unit_id: str) -> Unit | None:
        return next((u for u in self.units if u.id == unit_id), None)


def units_of(po: polib.POFile) -> list[Unit]:
    """The non-obsolete entries of a catalog as units, in catalog order."""
    units: list[Unit] = []
    seen: set[str] = set()
    for number, entry in enumerate(po, start=1):
        if entry.obsolete:
            continue
        unit_id = entry.msgctxt or f"u{number}"
        if unit_id in seen:  # not in a locwork catalog; keep ids unique anyway
            unit_id = f"{unit_id}.{number}"
        seen.add(unit_id)
        info = catalog.provenance(entry)
        state = catalog.entry_state(entry)
        units.append(
            Unit(
                id=unit_id,
                source=entry.msgid,
                target=entry.msgstr if state != State.UNTRANSLATED else "",
                state=state,
                meta=info.notes(),
                kind=info.kind or "sentence",
                entry=entry,
                provenance=info,
            )
        )
    return units


def catalog_language(po: polib.POFile, path: Path | None) -> str:
    lang = catalog.target_language(po, path)
    if not lang:
        where = path or "catalog"
        raise LocworkError(f"{where}: no Language in the catalog header")
    return bcp47(lang)


def from_po(po: polib.POFile, doc_name: str, lang: str | None = None,
            path: Path | None = None) -> CatalogInput:
    """Wrap an already loaded catalog (the app has one in memory)."""
    lang = bcp47(lang) if lang else catalog_language(po, path)
    src = bcp47(catalog.source_language(po))
    return CatalogInput(po=po, doc_name=doc_name, lang=lang, path=path, src_lang=src,
                        units=units_of(po))


def load_catalog(path: Path | str) -> CatalogInput:
    """Read ``locales/<lang>/<doc>.po`` for export."""
    path = Path(path)
    if not path.exists():
        raise LocworkError(f"{path}: no such catalog")
    if path.suffix != ".po":
        raise LocworkError(f"{path}: not a PO catalog (expected a .po file)")
    po = catalog.load(path)
    return from_po(po, catalog.CatalogRef.from_path(path).document, path=path)


def find_source_document(inp: CatalogInput, override: Path | str | None = None,
                         roots: list[Path] | None = None) -> Path:
    """The source document of a catalog, from its ``#:`` references.

    References are relative to the repository root; they are tried relative
    to the current directory, then to the folder above ``locales/``.
    """
    if override is not None:
        from locwork import inputs

        return inputs.check_regular(override, "source document")
    refs = inp.source_refs
    header_source = (inp.po.metadata.get("X-Locwork-Source") or "").strip()
    if header_source and header_source not in refs:
        refs.append(header_source)
    if not refs:
        raise LocworkError(
            f"{inp.path or inp.doc_name}: the catalog has no #: reference to its source "
            "document (give it with --doc)"
        )
    candidates: list[Path] = []
    bases = list(roots or []) + [Path.cwd()]
    if inp.path is not None and len(inp.path.resolve().parents) > 2:
        bases.append(inp.path.resolve().parents[2])  # <root>/locales/<lang>/<doc>.po
    for ref in refs:
        ref_path = Path(ref)
        if ref_path.is_absolute():
            candidates.append(ref_path)
        else:
            candidates.extend(base / ref_path for base in bases)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise LocworkError(
        f"{inp.path or inp.doc_name}: source document {refs[0]} not found (run from the "
        "repository root or give it with --doc)"
    )


_XML_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Text with the characters XML 1.0 cannot hold replaced by U+FFFD."""
    return _XML_INVALID.sub("\ufffd", text)


def split_xml_invalid(text: str) -> list[str | int]:
    """Text cut around XML-invalid characters: strings, and code points as ints."""
    parts: list[str | int] = []
    last = 0
    for match in _XML_INVALID.finditer(text):
        if match.start() > last:
            parts.append(text[last:match.start()])
        parts.append(ord(match.group()))
        last = match.end()
    if last < len(text):
        parts.append(text[last:])
    return parts
