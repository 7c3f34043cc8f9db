"""Per-sentence choice between routes: what an oracle would gain, and what a
reference-free choice gets (issue #14 §5).

Reads the translations that ``bench/measure_quality.py`` cached (its
``--cache`` folder) for every route measured to a target with references,
on newstest2013's first N lines (a rule-based route not cached is run; a
neural one is left out), and reports corpus chrF for:

- the best single route;
- the *oracle*: per sentence, the route whose sentence chrF against the
  reference is highest (an upper bound no product can reach);
- *consensus* (minimum Bayes risk): per sentence, the output closest on
  average (sentence chrF) to the other routes' outputs.

Run: ``.venv/bin/python bench/route_choice.py [--lines 1000] [--cache DIR]``.
Writes bench/results/route_choice.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import sacrebleu

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent / "src"))

from locwork.engines.registry import Engines  # noqa: E402
from locwork.protect import NEURAL_ENGINES  # noqa: E402
from measure_quality import Chains, chrf, hops_of, read_lines  # noqa: E402

CHRF = sacrebleu.CHRF()


def sentence(hyp: str, ref: str) -> float:
    return CHRF.sentence_score(hyp, [ref]).score


def consensus_pick(candidates: list[str]) -> str:
    """The candidate closest on average to the others (sentence chrF)."""
    def agreement(k: int) -> float:
        return sum(sentence(candidates[k], other) for j, other in enumerate(candidates) if j != k)

    return candidates[max(range(len(candidates)), key=agreement)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args()
    results_path = ROOT / "results" / "quality.json"
    if not results_path.exists():
        print("skipped: run bench/measure_quality.py first")
        return 0
    routes = json.loads(results_path.read_text("utf-8"))["routes"]
    cache = args.cache or Path(tempfile.gettempdir()) / f"locwork-measure-quality-{args.lines}"
    source = read_lines("fr", args.lines)
    with Engines() as engines:
        report = compare(Chains(engines, cache), routes, source, args.lines)
    out = ROOT / "results" / "route_choice.json"
    out.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    print("| target | routes | best single route chrF | oracle per sentence | consensus per sentence |")
    print("|---|---:|---:|---:|---:|")
    for target, row in report["targets"].items():
        print(f"| {target} | {row['routes']} | {row['best_route_chrf']:.1f} | {row['oracle_chrf']:.1f} | "
              f"{row['consensus_chrf']:.1f} |")
    return 0


def cached_or_rule_based(chains: Chains, source: list[str], spec: str) -> list[str] | None:
    """The route's output from the cache; routes with a neural hop that are
    not cached are left out (hours on a shared machine), rule-based ones run."""
    hops = hops_of(spec)
    for mode in ("released", "carried"):
        name = chains._name("newstest.fr", hops, mode)
        if name in chains.memory or chains._cached(chains._file(name)) is not None:
            return chains.translate("newstest.fr", source, hops, mode)
    if any(h.engine in NEURAL_ENGINES for h in hops):
        return None
    return chains.translate("newstest.fr", source, hops, "released")


def compare(chains: Chains, routes: dict, source: list[str], lines: int) -> dict:
    report: dict = {"lines": lines, "targets": {}}
    for target in sorted({row["target"] for row in routes.values()}):
        refs = read_lines(target, lines)
        outputs: dict[str, list[str]] = {}
        for spec, row in routes.items():
            if row["target"] == target:
                out = cached_or_rule_based(chains, source, spec)
                if out is not None:
                    outputs[spec] = out
        if len(outputs) < 2:
            continue
        specs = list(outputs)
        scores = {s: [sentence(h, r) for h, r in zip(outputs[s], refs)] for s in specs}
        best = max(specs, key=lambda s: chrf(outputs[s], refs))
        oracle = [outputs[max(specs, key=lambda s: scores[s][i])][i] for i in range(len(refs))]
        consensus = [consensus_pick([outputs[s][i] for s in specs]) for i in range(len(refs))]
        row = {"routes": len(specs), "best_route": best,
               "best_route_chrf": round(chrf(outputs[best], refs), 2),
               "oracle_chrf": round(chrf(oracle, refs), 2),
               "consensus_chrf": round(chrf(consensus, refs), 2)}
        report["targets"][target] = row
        print(f"{target}: {row}", file=sys.stderr)
    return report


if __name__ == "__main__":
    raise SystemExit(main())
