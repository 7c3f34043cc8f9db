"""Measure the quality of every hop and route; write the router's figures.

Run: ``.venv/bin/python bench/measure_quality.py [--lines 1000]``

On the first N lines of ``../shared/data/mt-dev/newstest2013.{fr,en,es,de}``:

1. every route from French to a language with references (en, es, de), up
   to 3 hops, through the real pipeline (protection included): chrF and
   BLEU end to end (sacrebleu);
2. every installed hop between two languages with references: chrF against
   the reference (``method: reference``);
3. every hop's round trip a→b→a compared with its input. Its square root
   is the hop's *retention*, the share of quality it keeps when it follows
   another hop; for hops without references on both sides, it also gives
   an estimate on the reference scale, by a factor fitted on the hops that
   have both. A first hop measured inside a longer route (fr→ca inside
   fr→ca→es) takes its figure from that route instead.

Writes ``src/locwork/data/quality.json`` (read by ``locwork.routing``) and
``bench/results/quality.json`` + a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import sacrebleu

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "mt-dev"
REFERENCE_LANGS = ("fr", "en", "es", "de")
sys.path.insert(0, str(ROOT / "src"))

from locwork.engines.registry import Engines  # noqa: E402
from locwork.pipeline import run_route  # noqa: E402
from locwork.routing import Hop, Route, enumerate_routes, score_route  # noqa: E402


def read_lines(lang: str, count: int) -> list[str]:
    path = SHARED / f"newstest2013.{lang}"
    with path.open(encoding="utf-8") as handle:
        return [line.rstrip("\n") for _, line in zip(range(count), handle)]


CHRF = sacrebleu.CHRF()
BLEU = sacrebleu.BLEU()


def chrf(hyps: list[str], refs: list[str]) -> float:
    return CHRF.corpus_score(hyps, [refs]).score


def translate(engines: Engines, hops: list[Hop], texts: list[str]) -> list[str]:
    route = Route(tuple(hops), 0.0, "bench")
    return [r.text for r in run_route(engines, route, texts)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--max-hops", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="Do not update the router's data.")
    args = parser.parse_args()
    if not SHARED.exists():
        print(f"skipped: {SHARED} is absent (the shared MT dev set lives beside the repository)")
        return 0
    data = {lang: read_lines(lang, args.lines) for lang in REFERENCE_LANGS}
    results: dict = {"lines": args.lines, "sacrebleu": sacrebleu.__version__,
                     "hops": {}, "routes": {}}
    with Engines() as engines:
        graph = engines.graph()
        all_hops = [hop for hops in graph.values() for hop in hops]

        # 1. Routes from French to every language with references.
        for target in REFERENCE_LANGS[1:]:
            for hops in enumerate_routes(graph, "fr", target, args.max_hops):
                start = time.perf_counter()
                output = translate(engines, hops, data["fr"])
                seconds = time.perf_counter() - start
                spec = ",".join(h.key() for h in hops)
                results["routes"][spec] = {
                    "chrf": round(chrf(output, data[target]), 2),
                    "bleu": round(BLEU.corpus_score(output, [data[target]]).score, 2),
                    "seconds": round(seconds, 2),
                    "target": target,
                }
                print(f"route {spec}: chrF {results['routes'][spec]['chrf']}", file=sys.stderr)

        # 2. Hops with references on both sides.
        for hop in all_hops:
            if hop.src in REFERENCE_LANGS and hop.tgt in REFERENCE_LANGS:
                output = translate(engines, [hop], data[hop.src])
                results["hops"][hop.key()] = {
                    "chrf": round(chrf(output, data[hop.tgt]), 2), "method": "reference"}

        # 3. Round trips for the rest, and for the reference hops (calibration).
        def source_text(lang: str) -> list[str] | None:
            if lang in data:
                return data[lang]
            for pivot in ("es", "fr", "en"):
                for hop in graph.get(pivot, []):
                    if hop.tgt == lang:
                        return translate(engines, [hop], data[pivot])
            return None

        sources: dict[str, list[str] | None] = {}
        round_trips: dict[str, float] = {}
        for hop in all_hops:
            back = next((h for h in graph.get(hop.tgt, []) if h.tgt == hop.src
                         and h.engine == hop.engine), None) or next(
                (h for h in graph.get(hop.tgt, []) if h.tgt == hop.src), None)
            if back is None:
                continue
            if hop.src not in sources:
                sources[hop.src] = source_text(hop.src)
            texts = sources[hop.src]
            if texts is None:
                continue
            there = translate(engines, [hop], texts)
            again = translate(engines, [back], there)
            round_trips[hop.key()] = chrf(again, texts)
        pairs = [(results["hops"][k]["chrf"], math.sqrt(v / 100) * 100)
                 for k, v in round_trips.items() if k in results["hops"]]
        factor = sum(r for r, _ in pairs) / sum(t for _, t in pairs) if pairs else 0.6
        results["round_trip_factor"] = round(factor, 4)
        for key, value in round_trips.items():
            if key not in results["hops"]:
                results["hops"][key] = {"chrf": round(factor * math.sqrt(value / 100) * 100, 2),
                                        "method": "round-trip"}
            results["hops"][key]["round_trip_chrf"] = round(value, 2)
            # The share of quality a hop keeps when it follows another one.
            results["hops"][key]["retention"] = round(math.sqrt(value / 100), 4)

    # A first hop without references, measured inside a route that has one
    # (fr→ca inside fr→ca→es): its chrF is the route's divided by what the
    # later hops keep. That is direct evidence, better than the calibration.
    for spec, row in sorted(results["routes"].items(), key=lambda kv: len(kv[0])):
        first, *rest = spec.split(",")
        entry = results["hops"].get(first)
        if entry is None or entry["method"] == "reference" or not rest:
            continue
        if entry["method"] == "route" or not all("retention" in results["hops"].get(k, {})
                                                 for k in rest):
            continue
        kept = math.prod(results["hops"][k]["retention"] for k in rest)
        entry.update(chrf=round(row["chrf"] / kept, 2), method="route", route=spec)

    results["chrf_signature"] = str(CHRF.get_signature())
    results["bleu_signature"] = str(BLEU.get_signature())
    out = ROOT / "bench" / "results" / "quality.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    if not args.no_write:
        table = {"source": "bench/measure_quality.py", "lines": args.lines,
                 "chrf_signature": results["chrf_signature"],
                 "hops": results["hops"],
                 "routes": {k: {"chrf": v["chrf"]} for k, v in results["routes"].items()}}
        target = ROOT / "src" / "locwork" / "data" / "quality.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(table, indent=2, ensure_ascii=False) + "\n", "utf-8")

    print(f"| route (fr→…) | chrF | BLEU | s / {args.lines} lines |")
    print("|---|---:|---:|---:|")
    for spec, row in sorted(results["routes"].items(), key=lambda kv: (kv[1]["target"], -kv[1]["chrf"])):
        route = score_route([Hop(*_split(k)) for k in spec.split(",")], {"hops": {}, "routes": {}})
        print(f"| {route} | {row['chrf']:.1f} | {row['bleu']:.1f} | {row['seconds']:.1f} |")
    print()
    print("| hop | chrF | method | round-trip chrF |")
    print("|---|---:|---|---:|")
    for key, row in sorted(results["hops"].items()):
        print(f"| {key} | {row['chrf']:.1f} | {row['method']} | {row.get('round_trip_chrf', '')} |")
    return 0


def _split(key: str) -> tuple[str, str, str]:
    engine, pair = key.split(":", 1)
    src, tgt = pair.split("-", 1)
    return engine, src, tgt


if __name__ == "__main__":
    raise SystemExit(main())
