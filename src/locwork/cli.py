"""The ``locwork`` command line: a thin layer over the library.

Click gives every command ``--help``, argument checking and exit code 2 on
usage errors. Exit codes: 0 success, 1 a problem with the input or the
set-up (one line on stderr, never a traceback), 2 usage error, 3 nothing to
do because something must be installed first (e.g. no route to a language).

Heavy modules are imported inside commands so that ``locwork --help`` and
quick commands start fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from locwork import __version__
from locwork.errors import LocworkError
from locwork.routing import DEFAULT_MAX_HOPS

EXIT_INPUT = 1
EXIT_MISSING = 3


class LocworkGroup(click.Group):
    """Turns LocworkError into one line on stderr and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LocworkError as error:
            click.echo(f"locwork: error: {error}", err=True)
            ctx.exit(getattr(error, "exit_code", EXIT_INPUT))
        except KeyboardInterrupt:
            click.echo("locwork: interrupted", err=True)
            ctx.exit(130)


def emit_json(data: Any) -> None:
    """Print data as JSON on stdout (UTF-8, not ASCII-escaped)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


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


def progress_bar(total: int, label: str):
    """A tqdm bar on stderr; silent when stderr is not a terminal."""
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="seg", file=sys.stderr, disable=None,
                leave=False, dynamic_ncols=True)


def lang_code(value: str) -> str:
    """A language code as typed (``ES``, ``es-ES``, ``pt_br``) in locwork's gettext spelling."""
    from locwork import langs

    return langs.normalize(value)


def split_langs(value: str) -> list[str]:
    """Comma-separated language codes, normalised (``ES`` → ``es``), without repeats."""
    langs = [lang_code(part) for part in value.split(",") if part.strip()]
    if not langs:
        raise click.BadParameter("give at least one language code, e.g. en,es")
    return list(dict.fromkeys(langs))


def normalize_route_spec(spec: str) -> str:
    """A pinned route with its language codes normalised (``FR-ES`` → ``fr-es``).

    A token that is not a language code is left for the route parser to report.
    """
    import re

    def fix(match: re.Match[str]) -> str:
        try:
            return lang_code(match.group(0))
        except LocworkError:
            return match.group(0)

    if ":" in spec:  # apertium:fr-es,bergamot:es-en: the engine names stay as typed
        return ",".join(
            part.split(":", 1)[0] + ":" + re.sub(r"[^\s\-:,>→]+", fix, part.split(":", 1)[1])
            if ":" in part else part for part in spec.split(",")
        )
    return re.sub(r"[^\s\-:,>→]+", fix, spec)


def engine_lang(engines: Any, code: str, graph: Any = None) -> str:
    """The language the installed engines (or those of ``graph``) know for a locale (``es_ES`` → ``es``)."""
    from locwork import langs

    graph = graph or engines.graph()
    known = set(graph) | {hop.tgt for hops in graph.values() for hop in hops}
    return langs.engine_language(code, known)


def parse_route_pins(values: tuple[str, ...], targets: list[str]) -> dict[str, str]:
    """--route LANG=SPEC or, with a single target, --route SPEC."""
    pins: dict[str, str] = {}
    for value in values:
        if "=" in value:
            lang, spec = value.split("=", 1)
            pins[lang_code(lang)] = normalize_route_spec(spec.strip())
        elif len(targets) == 1:
            pins[targets[0]] = normalize_route_spec(value.strip())
        else:
            raise click.BadParameter(
                f"{value!r}: with several targets, write --route LANG=ROUTE", param_hint="--route"
            )
    return pins


def document_paths(source: Path) -> list[Path]:
    """A document, or every .txt/.md/.html document of a folder."""
    from locwork import document
    from locwork.html_import import HTML_SUFFIXES

    suffixes = (*document.SUPPORTED_SUFFIXES, *HTML_SUFFIXES)
    if source.is_dir():
        paths = sorted(p for p in source.iterdir()
                       if p.suffix.lower() in suffixes and not p.name.startswith("."))
        if not paths:
            raise LocworkError(f"{source}: no .txt, .md or .html documents in this folder")
        return paths
    return [source]


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--to", "targets", required=True, help="Target languages, comma-separated (en,es,ca).")
@click.option("--from", "src", default="fr", show_default=True, help="Source language.")
@click.option("--engine", type=click.Choice(["argos", "bergamot", "apertium"]),
              help="Use only this engine (every hop).")
@click.option("--route", "routes", multiple=True,
              help="Pin a route: LANG=fr-es-en or LANG=apertium:fr-es,apertium:es-en.")
@click.option("--glossary", type=click.Path(path_type=Path),
              help="Glossary: CSV (term,lang,translation) or TBX.")
@click.option("--max-hops", default=DEFAULT_MAX_HOPS, show_default=True, type=click.IntRange(1, 5))
@click.option("--n-best", default=1, show_default=True, type=click.IntRange(1, 8),
              help="Alternatives to keep per segment (engines that can give them).")
@click.option("--locales", "locales_dir", default="locales", show_default=True,
              type=click.Path(path_type=Path), help="Folder of the catalogs.")
@click.option("--tm/--no-tm", "use_tm", default=True, show_default=True,
              help="Use the project's translation memory (.locwork/tm.sqlite or $LOCWORK_TM) "
                   "first: exact and fuzzy matches become drafts to review, MT does the rest.")
@click.option("--tm-threshold", type=click.FloatRange(1, 100), default=75.0, show_default=True,
              help="Lowest fuzzy-match score (percent) taken from the memory.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
def translate(source: Path, targets: str, src: str, engine: str | None, routes: tuple[str, ...],
              glossary: Path | None, max_hops: int, n_best: int, locales_dir: Path,
              use_tm: bool, tm_threshold: float, as_json: bool) -> None:
    """Machine-translate a document (or a folder of them) into PO catalogs.

    Writes locales/<lang>/<doc>.po. Machine output is fuzzy and marked as
    machine-made; approved and edited entries are never touched, and only
    new or changed segments are translated on a re-run.
    """
    from locwork import uptodate

    src = lang_code(src)
    target_list = split_langs(targets)
    pins = parse_route_pins(routes, target_list)
    paths = document_paths(source)
    # A catalog already complete for this very document and these options is
    # answered from its stamp, before anything heavy is loaded (see uptodate).
    keys = {(p, lang): uptodate.key(p, lang, {
        "src": src, "engine": engine, "route": pins.get(lang), "max_hops": max_hops, "n_best": n_best,
        "locales": str(locales_dir.resolve()), "glossary": glossary}) for p in paths for lang in target_list}
    done = {pair: uptodate.replay(locales_dir, pair[1], pair[0], k) for pair, k in keys.items()}
    if all(done.values()):
        replayed = [uptodate.unchanged_report(r) for r in done.values() if r]
        _print_reports(replayed, as_json)
        if as_json:
            emit_json(replayed)
        return
    from locwork import glossary as glossary_mod, pipeline, tm, workspace
    from locwork.engines.registry import Engines

    terms = glossary_mod.load(glossary) if glossary else None
    # Segmentation corrections made in the app apply here too.
    docs = [workspace.load_document(p) for p in paths]
    for lang in target_list:  # a bad --locales is reported now, not after the MT
        pipeline.check_catalog_folder(locales_dir, lang)
    reports: list[dict] = []
    # One memory for every document and language of the run.
    with tm.settings(use=use_tm, threshold=tm_threshold, locales_dir=locales_dir), \
            Engines([engine] if engine else None) as engines:
        chosen = {
            lang: pipeline.choose_route(engines, engine_lang(engines, src, pinned),
                                        engine_lang(engines, lang, pinned), engine, pins.get(lang), max_hops)
            for lang in target_list
            # A route naming its engines starts only those engines.
            for pinned in [pipeline.pinned_graph(engines, pins.get(lang))]
        }
        for path, doc in zip(paths, docs):
            # A route prefix shared by several targets is translated once.
            hop_cache: pipeline.HopCache | None = {} if len(target_list) > 1 else None
            for lang in target_list:
                previous = done[(path, lang)]
                if previous is not None:
                    reports.append(uptodate.unchanged_report(previous))
                    _print_reports(reports[-1:], as_json)
                    continue
                total = len(doc.translatable)
                with progress_bar(total, f"{doc.name} → {lang}") as bar:
                    report = pipeline.translate_document(
                        doc, lang, chosen[lang], engines, locales_dir, terms, n_best,
                        root=Path.cwd(), progress=bar.update, hop_cache=hop_cache,
                    )
                reports.append(report.to_dict())
                uptodate.record(locales_dir, lang, path, keys[(path, lang)], reports[-1], report.digest)
                _print_reports(reports[-1:], as_json)
    if as_json:
        emit_json(reports)


def _print_reports(reports: list[dict], as_json: bool) -> None:
    """One line per catalog (nothing with --json: the caller prints them all at the end)."""
    for report in [] if as_json else reports:
        memory = (f" ({report['tm_exact']} exact and {report['tm_fuzzy']} fuzzy from memory)"
                  if report["tm_exact"] or report["tm_fuzzy"] else "")
        route = report["route"]
        click.echo(
            f"{report['catalog']}: {report['translated']} translated{memory}, {report['kept']} kept "
            f"· {'→'.join(route['languages'])} ({', '.join(route['engines'])}) "
            f"· expected chrF {route['expected_chrf']:.1f}"
        )


@cli.command()
@click.argument("catalog_path", metavar="FILE.po", type=click.Path(path_type=Path))
@click.option("--from", "src", required=True, help="Language of the msgids (e.g. en).")
@click.option("--to", "tgt", required=True, help="Language of the translations (e.g. fr).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write here instead of in place.")
@click.option("--engine", type=click.Choice(["argos", "bergamot", "apertium"]))
@click.option("--route", "route_spec", help="Pin a route, e.g. en-es-fr.")
@click.option("--glossary", type=click.Path(path_type=Path))
@click.option("--max-hops", default=DEFAULT_MAX_HOPS, show_default=True, type=click.IntRange(1, 5))
@click.option("--tm/--no-tm", "use_tm", default=True, show_default=True,
              help="Use the project's translation memory (.locwork/tm.sqlite or $LOCWORK_TM) "
                   "first: exact and fuzzy matches become drafts to review, MT does the rest.")
@click.option("--tm-threshold", type=click.FloatRange(1, 100), default=75.0, show_default=True,
              help="Lowest fuzzy-match score (percent) taken from the memory.")
@click.option("--json", "as_json", is_flag=True)
def pretranslate(catalog_path: Path, src: str, tgt: str, output: Path | None, engine: str | None,
                 route_spec: str | None, glossary: Path | None, max_hops: int, use_tm: bool,
                 tm_threshold: float, as_json: bool) -> None:
    """Fill only the untranslated entries of a PO catalog with MT (fuzzy).

    Every other entry, obsolete entries, comments, flags and the header are
    kept exactly; placeholders like %s, %(name)s, {0}, <b> and &amp; survive.
    """
    from locwork import glossary as glossary_mod, pipeline, tm
    from locwork.engines.registry import Engines
    from locwork.pretranslate import pretranslate as run

    src, tgt = lang_code(src), lang_code(tgt)
    route_spec = normalize_route_spec(route_spec) if route_spec else None
    terms = glossary_mod.load(glossary) if glossary else None
    with tm.settings(use=use_tm, threshold=tm_threshold), \
            Engines([engine] if engine else None) as engines:
        route = pipeline.choose_route(engines, engine_lang(engines, src), engine_lang(engines, tgt),
                                      engine, route_spec, max_hops)
        with progress_bar(0, catalog_path.name) as bar:

            def set_total(total: int) -> None:
                bar.total = total
                bar.refresh()

            report = run(catalog_path, src, tgt, route, engines, output, terms, bar.update,
                         on_total=set_total)
    if as_json:
        emit_json(report.to_dict())
    else:
        click.echo(f"{report.output}: {report.filled} filled, {report.skipped} left "
                   f"(placeholders lost), {report.untouched} untouched · {report.route}")


@cli.command()
@click.option("--from", "src", default="fr", show_default=True)
@click.option("--to", "targets", help="Only these targets (comma-separated).")
@click.option("--engine", type=click.Choice(["argos", "bergamot", "apertium"]))
@click.option("--max-hops", default=DEFAULT_MAX_HOPS, show_default=True, type=click.IntRange(1, 5))
@click.option("--all", "show_all", is_flag=True, help="Show every route, not just the best.")
@click.option("--json", "as_json", is_flag=True)
def routes(src: str, targets: str | None, engine: str | None, max_hops: int, show_all: bool,
           as_json: bool) -> None:
    """List every reachable target language with its route and expected chrF."""
    from locwork.engines.registry import Engines
    from locwork.routing import rank_routes

    src = lang_code(src)
    with Engines([engine] if engine else None) as engines:
        graph = engines.graph()
        route_src = engine_lang(engines, src)
        wanted = split_langs(targets) if targets else []
        to_engine = {lang: engine_lang(engines, lang) for lang in wanted}
    reachable = sorted({h.tgt for hops in graph.values() for h in hops} - {route_src})
    wanted = wanted or reachable
    rows = []
    for lang in wanted:
        ranked = rank_routes(graph, route_src, to_engine.get(lang, lang), max_hops, engine)
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
    from locwork.engines.registry import Engines

    rows = []
    with Engines() as engines:
        for name, engine in engines.available():
            for src, tgt in sorted(engine.pairs()):
                rows.append({"engine": name, "from": src, "to": tgt,
                             "model": engine.model_version(src, tgt)})
        problems = dict(engines.problems)
    if as_json:
        emit_json({"models": rows, "unavailable": problems})
        return
    for row in rows:
        click.echo(f"{row['engine']:<9} {row['from']:>3} → {row['to']:<4} {row['model']}")
    for name, problem in problems.items():
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


def _register_plugins() -> None:
    """Commands that live in their own modules (each imports lazily)."""
    from locwork.cli_export import export, import_xliff
    from locwork.cli_replace import replace
    from locwork.cli_score import score
    from locwork.cli_tm import qa_command, tm_group

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


if __name__ == "__main__":
    main()
