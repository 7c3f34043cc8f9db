"""Where a catalog lives: ``<locales>/<lang>/<document>.po``, built and taken apart here only."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from locwork import langs
from locwork.errors import LocworkError

_DOCUMENT_NAME = re.compile(r"^[^/\\\x00]+$")


def _check_document_name(document_name: str) -> None:
    if (
        not isinstance(document_name, str)
        or not _DOCUMENT_NAME.match(document_name)
        or document_name in (".", "..")
        or document_name.startswith(".")
    ):
        raise LocworkError(
            f"invalid document name {document_name!r}: use a plain file name without '/' or a leading '.'"
        )


def catalog_path(locales_dir: str | os.PathLike[str], lang: str, document_name: str) -> Path:
    """``<locales_dir>/<lang>/<document_name>.po`` (``lang`` normalised, e.g. ``pt_BR``)."""
    _check_document_name(document_name)
    return Path(locales_dir) / langs.normalize(lang) / f"{document_name}.po"


@dataclass(frozen=True)
class CatalogRef:
    """A catalog's identity: its locales folder, target language and document.

    The one place that maps it to and from ``<locales>/<lang>/<document>.po``;
    the source language lives in the catalog's header
    (:func:`locwork.catalog.source_language`), not in its path.
    """

    locales: Path
    lang: str
    document: str

    @property
    def path(self) -> Path:
        return catalog_path(self.locales, self.lang, self.document)

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> CatalogRef:
        """Take ``<locales>/<lang>/<document>.po`` apart (any ``.po`` path: its folder is the language)."""
        path = Path(path)
        return cls(locales=path.parent.parent, lang=path.parent.name, document=path.stem)


def document_name(path: str | os.PathLike[str]) -> str:
    """``corpus/doc.txt``, ``locales/es/doc.po`` or ``doc`` -> ``doc``."""
    path = Path(path)
    return path.stem if path.suffix else path.name


def document_catalogs(locales_dir: str | os.PathLike[str], document: str) -> dict[str, Path]:
    """``{lang: path}`` of every catalog of ``document`` (the languages of a document), sorted by language."""
    locales_dir = Path(locales_dir)
    if not locales_dir.is_dir():
        return {}
    found = {
        d.name: d / f"{document}.po"
        for d in locales_dir.iterdir()
        if not d.name.startswith(".") and (d / f"{document}.po").is_file()
    }
    return dict(sorted(found.items()))


def document_languages(locales_dir: str | os.PathLike[str], document: str) -> list[str]:
    """The languages that have a catalog of ``document``, sorted."""
    return list(document_catalogs(locales_dir, document))


def all_catalogs(locales_dir: str | os.PathLike[str], document: str | None = None) -> list[Path]:
    """Every ``<locales>/<lang>/<document>.po`` (every document's when ``document`` is None), sorted."""
    pattern = f"*/{document}.po" if document else "*/*.po"
    return sorted(p for p in Path(locales_dir).glob(pattern) if p.is_file())


#: The header line that names the document a catalog translates (see :mod:`.header`).
SOURCE_HEADER = "X-Locwork-Source"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def check_owner(
    metadata: dict[str, str], path: str | os.PathLike[str], document_path: Path | None, root: Path | None = None
) -> bool:
    """Refuse to write one document's translations into another document's catalog.

    Catalogs are named after the document without its extension, so
    ``corpus/a.txt`` and ``corpus/a.md`` would share ``locales/es/a.po`` and the
    second would turn the first one's work obsolete. The catalog's header names
    its document; when that is another file that still exists, this is a
    one-line error. A document that was renamed or moved (its old file gone)
    keeps its catalog: then this returns True, and the caller names the
    document anew in the header (:func:`claim`).
    """
    owner = (metadata.get(SOURCE_HEADER) or "").strip()
    if not owner or document_path is None:
        return False
    owner_path = Path(owner)
    if not owner_path.is_absolute():
        owner_path = (root or Path.cwd()) / owner_path
    if not owner_path.is_file():
        return True
    if _same_file(owner_path, document_path):
        return False
    raise LocworkError(
        f"{path} is the catalog of {owner}, not of {document_path}: catalogs are named after the "
        "document without its extension; rename one of the two documents"
    )


def claim(metadata: dict[str, str], reference: str) -> None:
    """Name ``reference`` as the catalog's document (after :func:`check_owner` found its old file gone)."""
    if SOURCE_HEADER in metadata:
        metadata[SOURCE_HEADER] = reference


def check_distinct_documents(paths: list[Path]) -> None:
    """One line naming two documents of one run that would share their catalogs (``a.txt``, ``a.md``)."""
    seen: dict[str, Path] = {}
    for path in paths:
        name = document_name(path)
        other = seen.setdefault(name, path)
        if other is not path and not _same_file(other, path):
            raise LocworkError(
                f"{other} and {path} would share the catalogs {name}.po (catalogs are named after the "
                "document without its extension): rename one of them"
            )
