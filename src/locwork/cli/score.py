"""``locwork score``: post-editing effort, document scores, references, estimates.

Registered on the main ``locwork`` group by ``locwork.cli.main``; only click
and :mod:`locwork.constants` are imported here at module level, the rest
when the command runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from locwork.constants import SOURCE_LANG


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _table(report: dict) -> list[str]:
    lines = [
        f"{report['catalog']} ({report['lang']}): {report['segments']} segments, "
        f"{report['with_mt']} with raw MT, {report['reviewed']} reviewed"
    ]
    share = report["approved_unchanged_share"]
    lines.append(
        f"  approved unchanged: {report['approved_unchanged']}/{report['approved']}"
        + ("" if share is None else f" ({100 * share:.1f} %)")
    )
    header = f"  {'MT vs current text':<28} {'segs':>5} {'BLEU':>6} {'chrF':>6} {'chrF++':>6} {'TER':>6}"
    lines.append(header)
    for label, key, count in (
        ("all with raw MT", "mt_vs_current", report["with_mt"]),
        ("reviewed only", "mt_vs_current_reviewed", report["reviewed"]),
    ):
        s = report[key]
        lines.append(
            f"  {label:<28} {count:>5} {_fmt(s['bleu']):>6} {_fmt(s['chrf']):>6} "
            f"{_fmt(s['chrf++']):>6} {_fmt(s['ter']):>6}"
        )
    if report["per_segment"]:
        hter = sorted(s["hter"] for s in report["per_segment"])
        mean = sum(hter) / len(hter)
        lines.append(
            f"  HTER per reviewed segment: mean {mean:.1f}, median {hter[len(hter) // 2]:.1f}, max {hter[-1]:.1f}"
        )
    ref = report.get("reference")
    if ref:
        lines.append(f"  against {ref['file']} ({ref['matched']}/{ref['segments']} segments have a reference)")
        alignment = ref.get("alignment")
        by_paragraph = bool(alignment) and alignment["by"] == "paragraph"
        if alignment:
            lines.append(
                f"  {alignment['text']}"
                + ("; scored per paragraph, the 'segs' column counts paragraphs" if by_paragraph else "")
            )
        for name, s in ref["systems"].items():
            label = {"current": "current text", "mt": "raw MT"}.get(name, name)
            count = s.get("pairs", s["segments"])
            lines.append(
                f"  {label:<28} {count:>5} {_fmt(s['bleu']):>6} {_fmt(s['chrf']):>6} "
                f"{_fmt(s['chrf++']):>6} {_fmt(s['ter']):>6}"
            )
    qe = report.get("estimate")
    if qe:
        values = [s["qe"] for s in qe["per_segment"] if s["qe"] is not None]
        expected = [f"{r['expected_chrf']:.1f}" for r in qe.get("routes", []) if r.get("expected_chrf") is not None]
        mean = (
            f", mean estimate chrF {100 * sum(values) / len(values):.1f}"
            + (f" (route expects {', '.join(expected)})" if expected else "")
            if values
            else ""
        )
        lines.append(f"  estimated {qe['estimated']} unreviewed segments (model {qe['model']}){mean}")
    return lines


@click.command()
@click.argument("catalogs", metavar="CATALOG.po...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--ref",
    "ref",
    type=click.Path(path_type=Path),
    help="Reference translation: a text file with one line per segment (catalog order) "
    "or one line per source paragraph (or per non-empty line of the source "
    "document), scored per paragraph; or a PO file (matched by msgctxt and "
    "msgid, then msgid). The alignment used is printed.",
)
@click.option(
    "--estimate",
    "estimate",
    is_flag=True,
    help="Also estimate the quality of unreviewed machine segments (runs the engines: "
    "round trip, second route) and store locwork-qe.",
)
@click.option("--from", "src", default=SOURCE_LANG, show_default=True, help="Source language (for --estimate).")
@click.option("--no-write", is_flag=True, help="Only print; leave the catalogs unchanged.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, with per-segment scores.")
def score(
    catalogs: tuple[Path, ...], ref: Path | None, estimate: bool, src: str, no_write: bool, as_json: bool
) -> None:
    """Score machine translation against the reviewed text, and store the scores.

    Per reviewed segment: HTER (case-sensitive TER of the raw MT against the
    current text), chrF and chrF++, written as '#. locwork-hter/chrf/chrfpp'
    lines with sacrebleu's signatures. Per document: corpus BLEU, chrF, TER
    and the share of approved segments left as the MT wrote them. With
    --ref, the current text and the raw MT are also scored against a
    reference translation.
    """
    from locwork import langs, scoring
    from locwork.errors import LocworkError

    if ref is not None and len(catalogs) > 1:
        raise click.UsageError("--ref goes with one catalog at a time")
    try:
        src = langs.normalize(src)  # FR, fr-FR... as everywhere else
        reports = []
        engines = None
        if estimate and not no_write:
            from locwork.engines.registry import Engines

            engines = Engines()
        try:
            for path in catalogs:
                result = scoring.score_catalog(path, ref=ref, write=not no_write)
                data = result.to_dict(per_segment=True)
                if engines is not None:
                    from locwork import estimate as estimate_mod

                    data["estimate"] = estimate_mod.estimate_catalog(path, engines, src=src).to_dict()
                reports.append(data)
        finally:
            if engines is not None:
                engines.close()
    except LocworkError as error:
        click.echo(f"locwork: error: {error}", err=True)
        sys.exit(1)
    if estimate and no_write:
        click.echo("locwork: --estimate writes the catalog; ignored with --no-write", err=True)
    if as_json:
        click.echo(json.dumps(reports if len(reports) > 1 else reports[0], ensure_ascii=False, indent=2))
        return
    for data in reports:
        for line in _table(data):
            click.echo(line)
