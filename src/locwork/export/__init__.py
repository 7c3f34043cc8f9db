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

from dataclasses import dataclass
from pathlib import Path

from locwork import catalog
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
    "MergeReport",
    "XliffDocument",
    "export_all",
    "export_file",
    "from_po",
    "import_xliff",
    "load_catalog",
    "merge_xliff_into_catalog",
    "output_name",
    "read_xliff",
    "render",
    "render_input",
    "validate_xliff",
]


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    mimetype: str
    needs_document: bool = False
    approved_only_default: bool = False
    description: str = ""


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("html", "html", "text/html; charset=utf-8", needs_document=True,
               description="translated article (standalone HTML page)"),
        Format("bilingual", "review.html", "text/html; charset=utf-8",
               description="bilingual review sheet (printable HTML table)"),
        Format("mo", "mo", "application/x-gettext-translation",
               approved_only_default=True, description="compiled gettext catalog"),
        Format("xliff", "xlf", "application/xliff+xml", description="XLIFF 2.0"),
        Format("tmx", "tmx", "application/x-tmx+xml", approved_only_default=True,
               description="TMX 1.4 translation memory"),
    )
}


def _format(fmt: str) -> Format:
    try:
        return FORMATS[fmt]
    except KeyError:
        raise LocworkError(
            f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})"
        ) from None


def output_name(doc_name: str, lang: str, fmt: str) -> str:
    """``<doc>.<lang>.<ext>``, e.g. ``sommet.es.xlf``."""
    return f"{doc_name}.{lang}.{_format(fmt).suffix}"


def render_input(inp: CatalogInput, fmt: str, approved_only: bool | None = None,
                 document=None) -> bytes:
    """Bytes of one format for a loaded catalog.

    ``approved_only`` None means the format's default: everything for html,
    bilingual and xliff; approved only for tmx (mo is approved-only by
    nature: fuzzy entries are never compiled). ``document`` is the source
    :class:`~locwork.document.Document` (or its path); html needs it and
    finds it from the catalog's ``#:`` references when it is not given.
    """
    spec = _format(fmt)
    if approved_only is None:
        approved_only = spec.approved_only_default
    if fmt == "html":
        from locwork.export.html import render_article

        doc = document
        if doc is None or isinstance(doc, (str, Path)):
            doc = load_document(find_source_document(inp, doc))
        return render_article(doc, inp, approved_only).encode("utf-8")
    if fmt == "bilingual":
        from locwork.export.html import render_review

        return render_review(inp, approved_only).encode("utf-8")
    if fmt == "mo":
        from locwork.export.mo import compile_mo

        return compile_mo(inp.po)
    if fmt == "xliff":
        from locwork.export.xliff import check_xliff, to_xliff

        data = to_xliff(inp, approved_only)
        check_xliff(data, "exported XLIFF")  # a bug if this fails; cheap to check
        return data
    from locwork.export.tmx import check_tmx, to_tmx

    data = to_tmx(inp, approved_only)
    check_tmx(data, "exported TMX")
    return data


def render(catalog_path: Path | str, fmt: str, approved_only: bool | None = None,
           document=None) -> tuple[bytes, str, str]:
    """(bytes, file name, MIME type) of a catalog in one format."""
    inp = load_catalog(catalog_path)
    data = render_input(inp, fmt, approved_only, document)
    return data, output_name(inp.doc_name, inp.lang, fmt), _format(fmt).mimetype


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


def export_file(catalog_path: Path | str, fmt: str, out: Path | str | None = None,
                approved_only: bool | None = None, document=None,
                out_dir: Path | str = "exports") -> Path:
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
        raise LocworkError(f"{locales_dir}: no catalogs {what}(expected {locales_dir}/<lang>/"
                           f"{doc_name or '<document>'}.po)")
    return found


def export_all(locales_dir: Path | str = "locales", out_dir: Path | str = "exports",
               document: Path | str | None = None, formats: list[str] | None = None,
               approved_only: bool | None = None) -> list[Path]:
    """Every language of a document (or of every document) in every format."""
    formats = list(formats or FORMATS)
    for fmt in formats:
        _format(fmt)
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
            if fmt == "html" and doc is None:
                doc = load_document(find_source_document(inp))
            data = render_input(inp, fmt, approved_only, doc)
            target = Path(out_dir) / output_name(inp.doc_name, inp.lang, fmt)
            write_file(target, data)
            written.append(target)
    return written
