"""``locwork export`` (and ``locwork import-xliff``): click commands.

They are registered on the main group in ``locwork.cli``; all the work is
done in :mod:`locwork.export`, which the app calls too.
"""

from __future__ import annotations

from pathlib import Path

import click

from locwork.cli.common import locales_option
from locwork.constants import EXPORTS_DIR
from locwork.errors import LocworkError


class ExportFormat(click.ParamType):  # type: ignore[type-arg]  # generic in click >= 8.2 only
    """A name from the export registry, checked when the command runs.

    The registry (``locwork.export.FORMATS``) is the only list of formats;
    reading it at parse time keeps it out of ``locwork --help``.
    """

    name = "format"

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from locwork.export import FORMATS

        if value not in FORMATS:
            self.fail(f"{value!r} is not one of {', '.join(map(repr, FORMATS))}", param, ctx)
        return value


@click.command("export")
@click.argument("catalog", required=False, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=ExportFormat(),
    help="html: translated article; bilingual: review sheet; mo: compiled "
    "catalog; xliff: XLIFF 2.0; tmx: TMX 1.4. With --all, every format "
    "unless one is given.",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(path_type=Path),
    help="Output file (default: exports/<doc>.<lang>.<ext>).",
)
@click.option(
    "--approved-only/--include-unapproved",
    "approved_only",
    default=None,
    help="Only approved translations (html: others fall back to the French "
    "text). Default: everything, except tmx (approved only) and mo "
    "(never holds unapproved entries).",
)
@click.option(
    "--all",
    "export_every",
    is_flag=True,
    help="Export every language of a document (all locales/*/<doc>.po) in every format.",
)
@click.option(
    "--doc",
    "doc",
    type=click.Path(path_type=Path),
    help="Source document (default: found from the catalog's #: references; "
    "with --all, only this document's catalogs).",
)
@locales_option("Folder of the catalogs (with --all).")
@click.option(
    "--out-dir",
    default=EXPORTS_DIR,
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder for the exported files.",
)
def export(
    catalog: Path | None,
    fmt: str | None,
    output: Path | None,
    approved_only: bool | None,
    export_every: bool,
    doc: Path | None,
    locales_dir: Path,
    out_dir: Path,
) -> None:
    """Export a catalog as a web page, a review sheet, MO, XLIFF or TMX.

    \b
    locwork export locales/es/doc.po --format html
    locwork export locales/es/doc.po --format xliff -o doc.es.xlf
    locwork export --all --doc corpus/doc.txt
    """
    from locwork import export as exports

    if export_every:
        if catalog is not None:
            raise click.UsageError("give either a CATALOG or --all, not both")
        if output is not None:
            raise click.UsageError("--all writes several files: use --out-dir, not -o")
        written = exports.export_all(locales_dir, out_dir, doc, [fmt] if fmt else None, approved_only)
        for path in written:
            click.echo(str(path))
        return
    if catalog is None:
        raise click.UsageError("give a CATALOG (locales/<lang>/<doc>.po) or --all")
    if fmt is None:
        raise click.UsageError(f"give --format ({', '.join(exports.FORMATS)})")
    path = exports.export_file(catalog, fmt, output, approved_only, doc, out_dir)
    click.echo(str(path))


@click.command("import-xliff")
@click.argument("xliff_file", type=click.Path(path_type=Path))
@click.argument("catalog", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
def import_xliff(xliff_file: Path, catalog: Path, dry_run: bool) -> None:
    """Apply a translated XLIFF 2.0 file back onto its catalog.

    Units are matched by segment id and must have the same source text;
    targets, states and notes are applied. An entry is never downgraded
    (e.g. approved -> edited with another text): such conflicts are listed.
    """
    from locwork import catalog as catalogs
    from locwork.export import import_xliff as read, merge_xliff_into_catalog

    if not catalog.exists():
        raise LocworkError(f"{catalog}: no such catalog")
    document = read(xliff_file)
    if dry_run:
        report = merge_xliff_into_catalog(document, catalogs.load(catalog), doc_name=catalogs.document_name(catalog))
    else:
        with catalogs.edit(catalog) as po:
            report = merge_xliff_into_catalog(document, po, doc_name=catalogs.document_name(catalog))
    click.echo(
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, "
        f"{len(report.skipped)} skipped, {len(report.unknown)} unknown" + (" (dry run)" if dry_run else "")
    )
    for unit_id, reason in report.skipped:
        click.echo(f"skipped {unit_id}: {reason}", err=True)
    for unit_id in report.unknown:
        click.echo(f"unknown {unit_id}: not in the catalog", err=True)
