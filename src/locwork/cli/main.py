"""The ``locwork`` command line: a thin layer over the library.

Click gives every command ``--help``, argument checking and exit code 2 on
usage errors. Exit codes: 0 success, 1 a problem with the input or the
set-up (one line on stderr, never a traceback), 2 usage error, 3 nothing to
do because something must be installed first (e.g. no route to a language).

Heavy modules are imported inside commands so that ``locwork --help`` and
quick commands start fast.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from collections.abc import Callable, Iterator
from typing import Any

import click

from locwork import __version__
from locwork.cli.common import (
    EXIT_MISSING,
    LocworkGroup,
    document_paths,
    emit_json,
    engine_lang,
    lang_code,
    locales_option,
    normalize_route_spec,
    parse_route_pins,
    progress_bar,
    split_langs,
)
from locwork.constants import DEFAULT_MAX_HOPS, DEFAULT_TM_THRESHOLD, SOURCE_LANG
from locwork.engines.registry import ENGINE_NAMES
from locwork.errors import LocworkError


@click.group(cls=LocworkGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="locwork")
def cli() -> None:
    """locwork: segment French documents, translate them offline, review them
    as gettext PO catalogs."""


@cli.command()
@click.argument("source", type=click.Path(allow_dash=True, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of segments.")
def segment(source: str, as_json: bool) -> None:
    """Print the segments of a document (FILE, or - for standard input).

    Headings, sentences and media lines are shown with their id; with
    --json, each segment has id, kind, text, paragraph and level.
    """
    from locwork import document, inputs, workspace

    if source == "-":
        # Bounded like a file: more than the limit is refused as soon as it is read.
        data = inputs.read_input(inputs.STDIN, document.MAX_DOCUMENT_BYTES, "document")
        doc = document.load_bytes(data, "stdin")
    else:
        doc = workspace.load_document(Path(source))
    if as_json:
        emit_json([s.to_dict() for s in doc.segments])
        return
    for seg in doc.segments:
        click.echo(f"{seg.id}\t{seg.kind}\t{seg.text}")


@cli.command()
@click.argument("catalogs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def stats(catalogs: tuple[Path, ...], as_json: bool) -> None:
    """Count translated, fuzzy, untranslated and obsolete messages in PO files.

    The message counts agree with ``msgfmt --statistics``; words are the
    source (msgid) words of each group.
    """
    from locwork import catalog

    results = []
    for path in catalogs:
        po = catalog.load(path)
        results.append({"file": str(path), **catalog.stats(po).to_dict()})
    if as_json:
        emit_json(results)
        return
    header = f"{'translated':>10} {'fuzzy':>6} {'untransl.':>9} {'obsolete':>8} {'words':>7}  file"
    click.echo(header)
    for row in results:
        words = row["translated_words"] + row["fuzzy_words"] + row["untranslated_words"]
        click.echo(
            f"{row['translated']:>10} {row['fuzzy']:>6} {row['untranslated']:>9} "
            f"{row['obsolete']:>8} {words:>7}  {row['file']}"
        )


def _translate_runs(
    paths: list[Path],
    chosen: dict,
    done: dict,
    engines: Any,
    locales_dir: Path,
    terms: Any,
    n_best: int,
    cluster: str | None,
    memo: Any,
) -> Iterator[tuple[Path, str, Any]]:
    """Each document × language not answered from its stamp, translated here or on a Dask
    cluster; yields (document path, language, report) as each catalog is written.

    A document is read (with the segmentation corrections made in the app)
    only when it has work left, and locally only when its turn comes, so that
    a folder of 1,000 documents needs no more memory than a folder of 10.
    """
    from locwork import catalog, services, workspace

    waiting = [path for path in paths if any(done[(path, lang)] is None for lang in chosen)]
    if cluster:
        from locwork import cluster as cluster_mod

        todo = [(path, workspace.load_document(path)) for path in waiting]
        where = {
            catalog.catalog_path(locales_dir, lang, doc.name).resolve(): (path, lang)
            for path, doc in todo
            for lang in chosen
        }
        client = cluster_mod.connect(cluster)
        try:
            for report in cluster_mod.translate_documents(
                client,
                [doc for _, doc in todo],
                chosen,
                engines,
                locales_dir,
                terms,
                n_best,
                root=Path.cwd(),
                tm=memo.tm,
                tm_threshold=memo.threshold,
            ):
                path, lang = where[Path(report.path).resolve()]
                if done[(path, lang)] is None:  # the others were answered from their stamps
                    yield path, lang, report
        finally:
            client.close()
        return
    for path in waiting:
        doc = workspace.load_document(path)
        todo = {lang: route for lang, route in chosen.items() if done[(path, lang)] is None}
        for lang, report in services.translate_languages(
            engines,
            doc,
            todo,
            locales_dir,
            terms,
            n_best,
            root=Path.cwd(),
            progress_for=_bars(doc),
            tm=memo.tm,
            tm_threshold=memo.threshold,
        ):
            yield path, lang, report


def _bars(doc: Any) -> Callable[[str], Any]:
    """One terminal progress bar per language of ``doc``, as services.translate_languages wants."""

    @contextlib.contextmanager
    def opened(lang: str) -> Iterator[Callable[[int], Any]]:
        with progress_bar(len(doc.translatable), f"{doc.name} → {lang}") as bar:
            yield bar.update

    return opened


def _print_reports(reports: list[dict], as_json: bool) -> None:
    """One line per catalog (nothing with --json: the caller prints them all at the end)."""
    for report in [] if as_json else reports:
        memory = (
            f" ({report['tm_exact']} exact and {report['tm_fuzzy']} fuzzy from memory)"
            if report["tm_exact"] or report["tm_fuzzy"]
            else ""
        )
        route = report["route"]
        click.echo(
            f"{report['catalog']}: {report['translated']} translated{memory}, {report['kept']} kept "
            f"· {'→'.join(route['languages'])} ({', '.join(route['engines'])}) "
            f"· expected chrF {route['expected_chrf']:.1f}"
        )


CLUSTER_HELP = (
    "Translate on this Dask scheduler's workers (tcp://HOST:PORT; start them with "
    "locwork worker tcp://HOST:PORT); catalogs are written here, as on a local run."
)


def memory_and_cluster_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--tm/--no-tm, --tm-threshold and --cluster, the same on translate and pretranslate."""
    options = [
        click.option(
            "--tm/--no-tm",
            "use_tm",
            default=True,
            show_default=True,
            help="Use the project's translation memory (.locwork/tm.sqlite or $LOCWORK_TM) "
            "first: exact and fuzzy matches become drafts to review, MT does the rest.",
        ),
        click.option(
            "--tm-threshold",
            type=click.FloatRange(1, 100),
            default=DEFAULT_TM_THRESHOLD,
            show_default=True,
            help="Lowest fuzzy-match score (percent) taken from the memory.",
        ),
        click.option("--cluster", metavar="tcp://HOST:PORT", help=CLUSTER_HELP),
    ]
    for option in reversed(options):  # applied bottom-up, listed in this order in --help
        command = option(command)
    return command


@cli.command()
@click.argument("sources", metavar="FOLDER|FILE...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--to", "targets", required=True, help="Target languages, comma-separated (en,es,ca).")
@click.option("--from", "src", default=SOURCE_LANG, show_default=True, help="Source language.")
@click.option("--engine", type=click.Choice(ENGINE_NAMES), help="Use only this engine (every hop).")
@click.option(
    "--route", "routes", multiple=True, help="Pin a route: LANG=fr-es-en or LANG=apertium:fr-es,apertium:es-en."
)
@click.option("--glossary", type=click.Path(path_type=Path), help="Glossary: CSV (term,lang,translation) or TBX.")
@click.option("--max-hops", default=DEFAULT_MAX_HOPS, show_default=True, type=click.IntRange(1, 5))
@click.option(
    "--n-best",
    default=1,
    show_default=True,
    type=click.IntRange(1, 8),
    help="Alternatives to keep per segment (engines that can give them).",
)
@locales_option()
@memory_and_cluster_options
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
def translate(
    sources: tuple[Path, ...],
    targets: str,
    src: str,
    engine: str | None,
    routes: tuple[str, ...],
    glossary: Path | None,
    max_hops: int,
    n_best: int,
    locales_dir: Path,
    use_tm: bool,
    tm_threshold: float,
    cluster: str | None,
    as_json: bool,
) -> None:
    """Machine-translate documents (files, or folders of them) into PO catalogs.

    Writes locales/<lang>/<doc>.po. Machine output is fuzzy and marked as
    machine-made; approved and edited entries are never touched, and only
    new or changed segments are translated on a re-run.
    """
    from locwork import uptodate

    src = lang_code(src)
    target_list = split_langs(targets)
    pins = parse_route_pins(routes, target_list)
    paths = [p for source in sources for p in document_paths(source)]
    # A catalog already complete for this very document and these options is
    # answered from its stamp, before anything heavy is loaded (see uptodate).
    keys = {
        (p, lang): uptodate.key(
            p,
            lang,
            {
                "src": src,
                "engine": engine,
                "route": pins.get(lang),
                "max_hops": max_hops,
                "n_best": n_best,
                "locales": str(locales_dir.resolve()),
                "glossary": glossary,
            },
        )
        for p in paths
        for lang in target_list
    }
    done = {pair: uptodate.replay(locales_dir, pair[1], pair[0], k) for pair, k in keys.items()}
    reports: list[dict] = [uptodate.unchanged_report(r) for r in done.values() if r]
    _print_reports(reports, as_json)
    if all(done.values()):
        if as_json:
            emit_json(reports)
        return
    from locwork import glossary as glossary_mod, pipeline, services, tm
    from locwork.catalog.paths import check_distinct_documents
    from locwork.engines.registry import Engines

    check_distinct_documents(paths)

    terms = glossary_mod.load(glossary) if glossary else None
    for lang in target_list:  # a bad --locales is reported now, not after the MT
        pipeline.check_catalog_folder(locales_dir, lang)
    # One memory for every document and language of the run.
    with (
        tm.settings(use=use_tm, threshold=tm_threshold, locales_dir=locales_dir) as memo,
        Engines([engine] if engine else None) as engines,
    ):
        chosen = services.choose_routes(engines, src, target_list, engine, pins, max_hops)
        for path, lang, report in _translate_runs(
            paths, chosen, done, engines, locales_dir, terms, n_best, cluster, memo
        ):
            line = report.to_dict()
            uptodate.record(locales_dir, lang, path, keys[(path, lang)], line, report.digest)
            _print_reports([line], as_json)
            if as_json:  # kept for the JSON printed at the end; a line each is printed as it comes
                reports.append(line)
    if as_json:
        emit_json(reports)


@cli.command()
@click.argument("catalog_paths", metavar="FILE.po...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--from", "src", required=True, help="Language of the msgids (e.g. en).")
@click.option("--to", "tgt", required=True, help="Language of the translations (e.g. fr).")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write here instead of in place (one catalog only)."
)
@click.option("--engine", type=click.Choice(ENGINE_NAMES))
@click.option("--route", "route_spec", help="Pin a route, e.g. en-es-fr.")
@click.option("--glossary", type=click.Path(path_type=Path))
@click.option("--max-hops", default=DEFAULT_MAX_HOPS, show_default=True, type=click.IntRange(1, 5))
@memory_and_cluster_options
@click.option("--json", "as_json", is_flag=True)
def pretranslate(
    catalog_paths: tuple[Path, ...],
    src: str,
    tgt: str,
    output: Path | None,
    engine: str | None,
    route_spec: str | None,
    glossary: Path | None,
    max_hops: int,
    use_tm: bool,
    tm_threshold: float,
    cluster: str | None,
    as_json: bool,
) -> None:
    """Fill only the untranslated entries of PO catalogs with MT (fuzzy).

    Every other entry, obsolete entries, comments, flags and the header are
    kept exactly; placeholders like %s, %(name)s, {0}, <b> and &amp; survive.
    """
    from locwork import glossary as glossary_mod, services, tm
    from locwork.engines.registry import Engines

    if output is not None and len(catalog_paths) > 1:
        raise click.UsageError("-o/--output takes one catalog; several are filled in place")
    src, tgt = lang_code(src), lang_code(tgt)
    route_spec = normalize_route_spec(route_spec) if route_spec else None
    terms = glossary_mod.load(glossary) if glossary else None
    reports = []
    with tm.settings(use=use_tm, threshold=tm_threshold) as memo, Engines([engine] if engine else None) as engines:
        route = services.choose_routes(engines, src, [tgt], engine, {tgt: route_spec}, max_hops)[tgt]
        for report in _pretranslate_runs(catalog_paths, src, tgt, route, engines, output, terms, cluster, memo):
            reports.append(report)
            if not as_json:
                click.echo(
                    f"{report.output}: {report.filled} filled, {report.skipped} left "
                    f"(placeholders lost), {report.untouched} untouched · {report.route}"
                )
    if as_json:
        emit_json(reports[0].to_dict() if len(catalog_paths) == 1 else [r.to_dict() for r in reports])


def _pretranslate_runs(
    paths: tuple[Path, ...],
    src: str,
    tgt: str,
    route: Any,
    engines: Any,
    output: Path | None,
    terms: Any,
    cluster: str | None,
    memo: Any,
):
    """Each catalog, pre-translated here or on a Dask cluster; reports as catalogs are written."""
    from locwork.pretranslate import pretranslate as run

    if cluster:
        from locwork import cluster as cluster_mod

        client = cluster_mod.connect(cluster)
        try:
            yield from cluster_mod.pretranslate_catalogs(
                client, paths, src, tgt, route, engines, terms, output, tm=memo.tm, tm_threshold=memo.threshold
            )
        finally:
            client.close()
        return
    for path in paths:
        with progress_bar(0, path.name) as bar:

            def set_total(total: int) -> None:
                bar.total = total
                bar.refresh()

            yield run(
                path,
                src,
                tgt,
                route,
                engines,
                output,
                terms,
                bar.update,
                tm=memo.tm,
                tm_threshold=memo.threshold,
                on_total=set_total,
            )


@cli.command()
@click.option("--from", "src", default=SOURCE_LANG, show_default=True)
@click.option("--to", "targets", help="Only these targets (comma-separated).")
@click.option("--engine", type=click.Choice(ENGINE_NAMES))
@click.option("--max-hops", default=DEFAULT_MAX_HOPS, show_default=True, type=click.IntRange(1, 5))
@click.option("--all", "show_all", is_flag=True, help="Show every route, not just the best.")
@click.option("--json", "as_json", is_flag=True)
def routes(src: str, targets: str | None, engine: str | None, max_hops: int, show_all: bool, as_json: bool) -> None:
    """List every reachable target language with its route and expected chrF."""
    from locwork.engines.registry import Engines
    from locwork.routing import Router

    src = lang_code(src)
    with Engines([engine] if engine else None) as engines:
        router = Router.of(engines)
        route_src = engine_lang(engines, src)
        wanted = split_langs(targets) if targets else []
        to_engine = {lang: engine_lang(engines, lang) for lang in wanted}
    wanted = wanted or router.reachable(route_src, max_hops)
    rows = []
    for lang in wanted:
        ranked = router.ranked(route_src, to_engine.get(lang, lang), max_hops, engine)
        for rank, route in enumerate(ranked if show_all else ranked[:1]):
            rows.append({"target": lang, "rank": rank + 1, **route.to_dict()})
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        route_text = "→".join(row["languages"]) + f" ({', '.join(row['engines'])})"
        click.echo(f"{row['target']:>4}  chrF {row['expected_chrf']:5.1f} {row['basis']:<9}  {route_text}")
    missing = [lang for lang in wanted if not any(r["target"] == lang for r in rows)]
    if missing:
        click.echo(f"no route to: {', '.join(missing)}", err=True)
        raise SystemExit(EXIT_MISSING)


@cli.group()
def models() -> None:
    """List and install translation models."""


@models.command("list")
@click.option("--json", "as_json", is_flag=True)
def models_list(as_json: bool) -> None:
    """Show installed engines, their language pairs and model versions."""
    from locwork import services
    from locwork.engines.registry import Engines

    with Engines() as engines:
        listing = services.list_models(engines)
    if as_json:
        emit_json(listing.to_dict())
        return
    for row in listing.rows:
        click.echo(f"{row.engine:<9} {row.src:>3} → {row.tgt:<4} {row.version}")
    for name, problem in listing.problems.items():
        click.echo(f"{name:<9} unavailable: {problem}", err=True)


@models.command("register")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--from", "src", required=True, help="Source language of the model.")
@click.option("--to", "tgt", required=True, help="Target language of the model.")
def models_register(folder: Path, src: str, tgt: str) -> None:
    """Register a Firefox Translations (Bergamot) model folder for a pair.

    The folder holds model.*.intgemm.alphas.bin, vocab.*.spm and lex.*.s2t.bin,
    as Firefox ships them; the registry lives in $LOCWORK_HOME.
    """
    from locwork.engines.bergamot import register_model_dir

    src, tgt = lang_code(src), lang_code(tgt)
    entry = register_model_dir(folder, src, tgt)
    if entry.problem:
        raise LocworkError(f"registered {src}→{tgt}, but it cannot run here: {entry.problem}")
    click.echo(f"registered bergamot {src} → {tgt}: {entry.model_file} ({entry.source_dir})")


@models.command("install")
@click.argument("what", nargs=-1, required=True)
def models_install(what: tuple[str, ...]) -> None:
    """Install an argos model: FILE.argosmodel, or SRC TGT from the argos index."""
    from locwork.engines.argos import ArgosEngine

    engine = ArgosEngine()
    if len(what) == 1:
        installed = engine.install_from_path(Path(what[0]))
    elif len(what) == 2:
        installed = engine.install_from_index(lang_code(what[0]), lang_code(what[1]))
    else:
        raise click.UsageError("give FILE.argosmodel, or SRC TGT (e.g. fr en)")
    click.echo(f"installed {installed}")


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("scheduler", metavar="tcp://HOST:PORT")
@click.argument("dask_args", nargs=-1, type=click.UNPROCESSED)
def worker(scheduler: str, dask_args: tuple[str, ...]) -> None:
    """Start a Dask worker for --cluster runs: `dask worker` with one thread per process.

    Extra options go to `dask worker` (e.g. --nworkers 4); the machine
    needs locwork and its engines installed.
    """
    from locwork.cluster import worker_main

    worker_main(scheduler, dask_args)


def _register_plugins() -> None:
    """Commands that live in their own modules (each imports lazily)."""
    from locwork.cli.export import export, import_xliff
    from locwork.cli.replace import replace
    from locwork.cli.score import score
    from locwork.cli.tm import qa_command, tm_group

    cli.add_command(export)
    cli.add_command(import_xliff)
    cli.add_command(score)
    cli.add_command(replace)
    cli.add_command(tm_group)
    cli.add_command(qa_command)


_register_plugins()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="locwork")
