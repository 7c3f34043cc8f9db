"""``locwork tm ...`` (translation memory) and ``locwork qa`` (consistency): click commands.

Registered on the main group in ``locwork.cli.main._register_plugins``
(``translate`` and ``pretranslate`` declare their own ``--tm/--no-tm`` and
``--tm-threshold`` options). The work is done in :mod:`locwork.tm` and
:mod:`locwork.consistency`; lookup and qa through :mod:`locwork.services`,
as the app does.
"""

from __future__ import annotations

from pathlib import Path

import click

from locwork.cli.common import emit_json, locales_option, split_langs
from locwork.constants import DEFAULT_TM_THRESHOLD as DEFAULT_THRESHOLD, SOURCE_LANG
from locwork.errors import LocworkError

EXIT_WARNINGS = 4  # `locwork qa` found something (1 stays "could not check")


@click.group("tm")
@click.option(
    "--tm",
    "location",
    metavar="PATH|URL",
    help="The memory to use: a SQLite file, or a PostgreSQL server "
    "(postgresql://user@host/db). Default: $LOCWORK_TM, else .locwork/tm.sqlite.",
)
@click.pass_context
def tm_group(ctx: click.Context, location: str | None) -> None:
    """Translation memory: approved segments reused as exact and fuzzy matches.

    The memory is <project>/.locwork/tm.sqlite (the folder holding
    locales/, i.e. the current directory), or the one named by --tm or
    $LOCWORK_TM: a file, or a postgresql:// URL for a memory shared on a
    PostgreSQL server. Approving a segment adds it; `translate` and
    `pretranslate` use it before machine translation.
    """
    ctx.obj = dict(ctx.obj or {}, tm_location=location)


def _location(locales_dir: Path | None = None):
    """--tm, else $LOCWORK_TM, else the project's file."""
    from locwork import tm

    chosen = (click.get_current_context().obj or {}).get("tm_location")
    return tm.as_location(chosen) if chosen else tm.default_path(locales_dir)


def _memory(create: bool = False, locales_dir: Path | None = None):
    from locwork import tm

    return tm.open_memory(_location(locales_dir), create=create)


@tm_group.command("rebuild")
@locales_option()
@click.option("--drop-imports", is_flag=True, help="Also remove the units imported from TMX files.")
@click.option(
    "--force",
    is_flag=True,
    help="If the memory file is damaged or empty, move it aside (tm.sqlite.damaged-<time>) "
    "and make a new one from the catalogs (units imported from TMX must be imported again).",
)
@click.option("--json", "as_json", is_flag=True)
def tm_rebuild(locales_dir: Path, drop_imports: bool, force: bool, as_json: bool) -> None:
    """Recompute the memory from the approved entries of every catalog.

    Reads locales/<lang>/<doc>.po; units imported from TMX stay unless
    --drop-imports. Plural entries are left out. Approvals made while it
    runs are kept. A damaged memory is refused unless --force.
    """
    from locwork import tm

    path = _location(locales_dir)
    report, aside = tm.rebuild(path, locales_dir, keep_imports=not drop_imports, force=force)
    path = tm.shown(path)
    if as_json:
        emit_json({"memory": path, "damaged_moved_to": str(aside) if aside else None, **report.to_dict()})
        return
    if aside is not None:
        click.echo(
            f"the damaged memory was moved to {aside}; units imported from TMX files were "
            "only in it (import them again)",
            err=True,
        )
    click.echo(
        f"{path}: {report.units} approved segment(s) from {report.catalogs} catalog(s)"
        + (f", {report.skipped} plural entries left out" if report.skipped else "")
    )


@tm_group.command("import")
@click.argument("tmx_file", metavar="FILE.tmx", type=click.Path(path_type=Path))
@click.option(
    "--from", "src", help="Source language when the file's header says *all* (default: the header's srclang, else fr)."
)
@click.option("--json", "as_json", is_flag=True)
def tm_import(tmx_file: Path, src: str | None, as_json: bool) -> None:
    """Add the translation units of a TMX file (from locwork or another CAT tool)."""
    from locwork import inputs
    from locwork.export import tmx_memory

    inputs.check_regular(tmx_file, "TMX file")  # lxml would block on a FIFO, read a device forever
    with _memory(create=True) as memory:
        report = tmx_memory.import_memory(memory, tmx_file, src)
        path = memory.location
    if as_json:
        emit_json({"memory": str(path), **report.to_dict()})
        return
    click.echo(f"{path}: {report.units} unit(s) imported from {tmx_file}, {report.skipped} skipped")
    for problem in report.problems[:10]:
        click.echo(f"skipped: {problem}", err=True)
    if len(report.problems) > 10:
        click.echo(f"... and {len(report.problems) - 10} more", err=True)


@tm_group.command("export")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, allow_dash=True),
    help="The TMX file to write (- for standard output).",
)
@click.option("--lang", help="Only this target language (es also takes es_ES).")
def tm_export(output: Path, lang: str | None) -> None:
    """Write the memory as a TMX 1.4 file (validated against the DTD)."""
    from locwork.atomic import atomic_write_bytes
    from locwork.export import tmx_memory

    with _memory() as memory:
        data = tmx_memory.export_memory(memory, lang)
    if str(output) == "-":
        click.get_binary_stream("stdout").write(data)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LocworkError(f"cannot create {output.parent}: {error.strerror or error}") from None
    atomic_write_bytes(output, data)
    click.echo(str(output))


def _highlight(text: str, query: str) -> str:
    """``text`` with the words of ``query`` in bold (on a terminal)."""
    import re

    from locwork.tm import fold

    words = re.findall(r"[^\W_]+", fold(query.rstrip("*")))
    folded = fold(text)
    if not words or len(folded) != len(text):  # letters that fold to several: no highlight
        return text
    pattern = r"\W+".join(re.escape(w) for w in words)
    out, last = [], 0
    for match in re.finditer(pattern, folded):
        out += [text[last : match.start()], click.style(text[match.start() : match.end()], bold=True)]
        last = match.end()
    return "".join(out) + text[last:]


@tm_group.command("search")
@click.argument("query")
@click.option("--lang", help="Only units in this target language.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
@click.option("--json", "as_json", is_flag=True)
def tm_search(query: str, lang: str | None, limit: int, as_json: bool) -> None:
    """Concordance: find a word or phrase in the memory's sources and translations.

    Case- and accent-insensitive whole words ("lavrov", "sommet annulé",
    "sergue*" for a prefix); a query no word matches is searched as a
    substring. Newest approvals first.
    """
    with _memory() as memory:
        hits = memory.concordance(query, lang, limit)
    if as_json:
        emit_json([h.to_dict() for h in hits])
        return
    if not hits:
        click.echo(f"no unit holds {query!r}", err=True)
        return
    for hit in hits:
        where = f"{hit.document}/{hit.segment}" if hit.document else hit.segment
        who = f" · {hit.reviewer}" if hit.reviewer else ""
        click.echo(f"{hit.src_lang}→{hit.tgt_lang}  {where}{who}")
        click.echo(f"  {_highlight(hit.source, query)}")
        click.echo(f"  {_highlight(hit.target, query)}")


@tm_group.command("lookup")
@click.argument("text")
@click.option("--to", "tgt", required=True, help="Target language.")
@click.option("--from", "src", default=SOURCE_LANG, show_default=True)
@click.option(
    "--threshold",
    default=DEFAULT_THRESHOLD,
    show_default=True,
    type=click.FloatRange(1, 100),
    help="Lowest fuzzy score (percent).",
)
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True)
def tm_lookup(text: str, tgt: str, src: str, threshold: float, limit: int, as_json: bool) -> None:
    """Show the memory's matches for a sentence: score, translation and diff.

    The diff goes from the memory's source to TEXT: [-only in the memory-]
    {+only in TEXT+}.
    """
    from locwork import services
    from locwork.tm import diff_text

    matches = services.memory_matches(_location(), text, tgt, src=src, threshold=threshold, limit=limit)
    if as_json:
        emit_json([m.to_dict() for m in matches])
        return
    if not matches:
        click.echo(f"no match at or above {threshold:g}%", err=True)
        return
    for match in matches:
        ref = f" · {match.ref}" if match.ref else ""
        click.echo(f"{match.score:>3}%{ref}")
        click.echo(f"  source: {diff_text(match.diff) if not match.exact else match.source}")
        click.echo(f"  target: {match.target}")


@tm_group.command("stats")
@click.option("--json", "as_json", is_flag=True)
def tm_stats(as_json: bool) -> None:
    """How many units the memory holds, per language pair and origin."""
    with _memory() as memory:
        data = memory.stats()
    if as_json:
        emit_json(data)
        return
    click.echo(f"{data['path']}: {data['units']} unit(s), {data['sources']} distinct source(s)")
    for row in data["pairs"]:
        click.echo(f"  {row['from']}→{row['to']:<6} {row['via']:<9} {row['units']:>7}")


@tm_group.command("migrate")
@click.argument("source", metavar="SRC")
@click.argument("destination", metavar="DST")
@click.option("--merge", is_flag=True, help="Add to a destination that already holds units.")
@click.option("--json", "as_json", is_flag=True)
def tm_migrate(source: str, destination: str, merge: bool, as_json: bool) -> None:
    """Copy a memory into another store: SQLite file ⇄ PostgreSQL server.

    SRC and DST are each a .sqlite path or a postgresql:// URL. Every unit
    is copied in one transaction, with its reviewer, dates, route and
    origin; the counts of both are printed, and they must agree.
    """
    from locwork import tm

    with (
        tm.open_memory(tm.as_location(source), create=False) as src,
        tm.open_memory(tm.as_location(destination), create=True) as dst,
    ):
        before = len(dst)
        if before and not merge:
            raise LocworkError(f"{dst.location} already holds {before} unit(s): pass --merge to add to them")
        report = tm.migrate(src, dst)
    if as_json:
        emit_json(report)
        return
    click.echo(
        f"{report['from']}: {report['from_units']} unit(s), {report['from_sources']} source(s) → "
        f"{report['to']}: {report['to_units']} unit(s), {report['to_sources']} source(s)"
    )


@click.command("qa")
@click.argument("doc", metavar="DOC")
@locales_option()
@click.option("--lang", "languages", help="Only these languages (comma-separated).")
@click.option("--approved-only", is_flag=True, help="Check approved translations only.")
@click.option(
    "--consistency-only", is_flag=True, help="Leave out the per-segment QA warnings (numbers, quotes, length...)."
)
@click.option("--glossary", type=click.Path(path_type=Path), help="Glossary CSV for the segment checks.")
@click.option("--no-tm", "no_tm", is_flag=True, help="Do not compare with the translation memory.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are warnings.")
@click.option("--json", "as_json", is_flag=True)
def qa_command(
    doc: str,
    locales_dir: Path,
    languages: str | None,
    approved_only: bool,
    consistency_only: bool,
    glossary: Path | None,
    no_tm: bool,
    exit_zero: bool,
    as_json: bool,
) -> None:
    """Check a document's translations: consistency within and across languages.

    DOC is the source document (corpus/doc.txt) or its name; every
    locales/<lang>/<doc>.po is read. Warnings: the same source translated
    in different ways; a number or date that differs between languages
    ("20 octobre" must be the 20th everywhere); a name written in several
    ways in one language; a translation that differs from the memory's;
    plus every per-segment QA warning (unless --consistency-only).

    Exit status: 0 no warning, 4 warnings (0 with --exit-zero), 1 the
    check could not run (no catalog...), 2 usage error.
    """
    from locwork import glossary as glossary_mod, services

    terms = glossary_mod.load(glossary) if glossary else None
    report = services.qa_report(
        doc,
        locales_dir,
        languages=split_langs(languages) if languages else None,
        approved_only=approved_only,
        glossary=terms,
        segment_checks=not consistency_only,
        tm=False if no_tm else None,
    )
    if as_json:
        emit_json(report.to_dict())
    else:
        for finding in report.findings:
            lang = finding.lang or "*"
            segments = ",".join(finding.segments[:3]) + ("…" if len(finding.segments) > 3 else "")
            click.echo(f"{lang:<5} {segments:<12} {finding.code:<12} {finding.message}")
        consistency_count = sum(f.check == "consistency" for f in report.findings)
        summary = (
            f"{report.document}: {len(report.findings)} warning(s) "
            f"({consistency_count} consistency, {len(report.findings) - consistency_count} segment) "
            f"in {', '.join(report.languages)}, {report.segments} segment(s)"
        )
        click.echo(summary)
    if report.findings and not exit_zero:
        raise SystemExit(EXIT_WARNINGS)
