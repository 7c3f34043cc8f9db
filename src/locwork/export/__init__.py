"""Exports that people can publish and exchange.

One catalog (``locales/<lang>/<doc>.po``) becomes:

- ``html``: the translated article, rebuilt from the source document
  (headings, paragraphs, media placeholders), unreviewed text marked;
- ``bilingual``: a printable review sheet, source and translation side by
  side with id, state, reviewer and scores;
- ``mo``: the compiled catalog, approved translations only (as msgfmt);
- ``xliff``: XLIFF 2.0 for CAT tools, which :func:`merge_xliff_into_catalog`
  applies back onto the catalog;
- ``tmx``: a TMX 1.4 translation memory, approved segments by default.

Everything here returns bytes, so the CLI writes files and the app offers
the same bytes as downloads::

    data, filename, mimetype = render("locales/es/doc.po", "html")
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from locwork import catalog
from locwork.constants import EXPORTS_DIR, LOCALES_DIR
from locwork.errors import LocworkError
from locwork.export.common import CatalogInput, find_source_document, from_po, load_catalog
from locwork.export.xliff import (
    MergeReport,
    XliffDocument,
    import_xliff,
    merge_xliff_into_catalog,
    read_xliff,
    validate_xliff,
)

__all__ = [
    "FORMATS",
    "CatalogInput",
    "Format",
    "MergeReport",
    "XliffDocument",
    "export_all",
    "export_file",
    "from_po",
    "get_format",
    "import_xliff",
    "load_catalog",
    "merge_xliff_into_catalog",
    "output_name",
    "read_xliff",
    "register",
    "render",
    "render_input",
    "validate_xliff",
]


Writer = Callable[[CatalogInput, bool, Any], bytes]


@dataclass(frozen=True)
class Format:
    """One export format: its name, file suffix and MIME type, and its writer.

    ``writer`` is ``"module:function"``, imported only when the format is
    written (lxml, jinja2 and msgfmt stay out of ``locwork --help``). The
    function takes ``(catalog, approved_only, document)`` and returns bytes.
    """

    name: str
    suffix: str
    mimetype: str
    writer: str
    needs_document: bool = False
    approved_only_default: bool = False
    description: str = ""

    def write(self, inp: CatalogInput, approved_only: bool, document: Any = None) -> bytes:
        """The bytes of this format for a loaded catalog."""
        module, _, function = self.writer.partition(":")
        writer: Writer = getattr(importlib.import_module(module), function)
        return writer(inp, approved_only, document)


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add a format; a second format with the same name or file suffix is a bug."""
    if fmt.name in FORMATS:
        raise ValueError(f"export format {fmt.name!r} is registered twice")
    clash = [f.name for f in FORMATS.values() if f.suffix == fmt.suffix]
    if clash:
        raise ValueError(f"export formats {clash[0]!r} and {fmt.name!r} both write .{fmt.suffix}")
    FORMATS[fmt.name] = fmt
    return fmt


# Each format once; the order is the order of the app's buttons and of `export --all`.
register(
    Format(
        "html",
        "html",
        "text/html; charset=utf-8",
        "locwork.export.html:write_article",
        needs_document=True,
        description="translated article (standalone HTML page)",
    )
)
register(
    Format(
        "bilingual",
        "review.html",
        "text/html; charset=utf-8",
        "locwork.export.html:write_review",
        description="bilingual review sheet (printable HTML table)",
    )
)
register(
    Format(
        "mo",
        "mo",
        "application/x-gettext-translation",
        "locwork.export.mo:write_mo",
        approved_only_default=True,
        description="compiled gettext catalog",
    )
)
register(Format("xliff", "xlf", "application/xliff+xml", "locwork.export.xliff:write_xliff", description="XLIFF 2.0"))
register(
    Format(
        "tmx",
        "tmx",
        "application/x-tmx+xml",
        "locwork.export.tmx:write_tmx",
        approved_only_default=True,
        description="TMX 1.4 translation memory",
    )
)


def get_format(fmt: str) -> Format:
    """The registered format, or a one-line error listing the known ones."""
    try:
        return FORMATS[fmt]
    except KeyError:
        raise LocworkError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})") from None


def output_name(doc_name: str, lang: str, fmt: str) -> str:
    """``<doc>.<lang>.<ext>``, e.g. ``sommet.es.xlf``."""
    return f"{doc_name}.{lang}.{get_format(fmt).suffix}"


def render_input(inp: CatalogInput, fmt: str, approved_only: bool | None = None, document: Any = None) -> bytes:
    """Bytes of one format for a loaded catalog.

    ``approved_only`` None means the format's default: everything for html,
    bilingual and xliff; approved only for tmx (mo is approved-only by
    nature: fuzzy entries are never compiled). ``document`` is the source
    :class:`~locwork.document.Document` (or its path); html needs it and
    finds it from the catalog's ``#:`` references when it is not given.
    """
    spec = get_format(fmt)
    if approved_only is None:
        approved_only = spec.approved_only_default
    if spec.needs_document and (document is None or isinstance(document, (str, Path))):
        document = load_document(find_source_document(inp, document))
    return spec.write(inp, approved_only, document)


def render(
    catalog_path: Path | str, fmt: str, approved_only: bool | None = None, document=None
) -> tuple[bytes, str, str]:
    """(bytes, file name, MIME type) of a catalog in one format."""
    inp = load_catalog(catalog_path)
    data = render_input(inp, fmt, approved_only, document)
    return data, output_name(inp.doc_name, inp.lang, fmt), get_format(fmt).mimetype


def write_file(path: Path, data: bytes) -> None:
    """Write an export atomically (a reader never sees half a file)."""
    from locwork.atomic import atomic_write_bytes

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LocworkError(f"cannot create {path.parent}: {error.strerror or error}") from None
    atomic_write_bytes(path, data)


def load_document(path: Path | str):
    """The source document as the catalogs see it (.txt/.md/.html, with the
    reviewer's segmentation overrides)."""
    from locwork import workspace

    return workspace.load_document(path)


def export_file(
    catalog_path: Path | str,
    fmt: str,
    out: Path | str | None = None,
    approved_only: bool | None = None,
    document=None,
    out_dir: Path | str = EXPORTS_DIR,
) -> Path:
    """Render one format and write it (default ``exports/<doc>.<lang>.<ext>``)."""
    data, name, _mimetype = render(catalog_path, fmt, approved_only, document)
    target = Path(out) if out is not None else Path(out_dir) / name
    if target.is_dir():
        target = target / name
    write_file(target, data)
    return target


def catalogs_of(locales_dir: Path | str, doc_name: str | None = None) -> list[Path]:
    """``locales/*/<doc>.po`` (every document's catalogs when doc_name is None)."""
    locales_dir = Path(locales_dir)
    if not locales_dir.is_dir():
        raise LocworkError(f"{locales_dir}: no such folder of catalogs")
    found = catalog.all_catalogs(locales_dir, doc_name)
    if not found:
        what = f"for {doc_name} " if doc_name else ""
        raise LocworkError(
            f"{locales_dir}: no catalogs {what}(expected {locales_dir}/<lang>/{doc_name or '<document>'}.po)"
        )
    return found


def export_all(
    locales_dir: Path | str = LOCALES_DIR,
    out_dir: Path | str = EXPORTS_DIR,
    document: Path | str | None = None,
    formats: list[str] | None = None,
    approved_only: bool | None = None,
) -> list[Path]:
    """Every language of a document (or of every document) in every format."""
    formats = list(formats or FORMATS)
    for fmt in formats:
        get_format(fmt)
    doc_name = None
    loaded_doc = None
    if document is not None:
        loaded_doc = load_document(document)
        doc_name = loaded_doc.name
    written: list[Path] = []
    for path in catalogs_of(locales_dir, doc_name):
        inp = load_catalog(path)
        doc = loaded_doc
        for fmt in formats:
            if get_format(fmt).needs_document and doc is None:
                doc = load_document(find_source_document(inp))
            data = render_input(inp, fmt, approved_only, doc)
            target = Path(out_dir) / output_name(inp.doc_name, inp.lang, fmt)
            write_file(target, data)
            written.append(target)
    return written
