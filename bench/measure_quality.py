"""Measure the quality of every hop and of the candidate routes; write the router's figures.

Run: ``.venv/bin/python bench/measure_quality.py [--lines 1000] [--candidates 6]``

On the first N lines of ``../shared/data/mt-dev/newstest2013.{fr,en,es,de}``:

1. every installed hop's round trip a→b→a compared with its input (sources
   without a reference are translated from one that has one). Its square
   root is the hop's *retention*; hops between two languages with references
   are also scored against the reference (``method: reference``), and the
   others get an estimate on the reference scale, by a factor fitted on the
   reference hops (``method: round-trip``). Hops already in the router's
   table keep their figures unless ``--all-hops``;
2. routes from French to each language with references (en, es, de), up to
   ``--max-hops`` (4): the ``--candidates`` best by the router's estimate,
   then, until the router's pick is a measured route, its pick. chrF and BLEU
   end to end (sacrebleu), through the pipeline's protection (mask, names
   protected on demand after each hop, unmask). Prefixes are translated once and cached in
   ``--cache`` (a temporary folder by default), so a route costs only its
   hops not yet run;
3. the *extension scales*: for a hop h into a reference language that
   continues measured routes (pt→en with Bergamot), the mean of
   model(C) / measured(C + h). A chain C to a language without references
   (fr→ca→pt) that has a measured extension C + h is then estimated as
   measured(C + h) × scale(h): chains to Portuguese are ranked by how they
   score once carried into English by the same last hop.

Every route is also translated without protection, with chrF and, for
both, the number of sentences that lose a name: a capitalised word of the French
source that the reference keeps verbatim and the translation lacks.

Then, for every route measured, the router's prediction without that
route's own figure (leave one out) next to the measurement, and per target
the route the router picks.

Writes ``src/locwork/data/quality.json`` (read by ``locwork.routing``) and
``bench/results/quality.json`` + Markdown tables on stdout.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import sacrebleu

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "mt-dev"
REFERENCE_LANGS = ("fr", "en", "es", "de")
sys.path.insert(0, str(ROOT / "src"))

from locwork import protect  # noqa: E402
from locwork.engines.registry import Engines  # noqa: E402
from locwork.routing import (  # noqa: E402
    DEFAULT_MAX_HOPS, Hop, enumerate_routes, extension_scales, model_estimate, rank_routes,
    score_route,
)

#: Routes always measured: today's picks and the chains the issue studied.
SEEDS = (
    "apertium:fr-es,apertium:es-pt,bergamot:pt-en",
    "apertium:fr-ca,apertium:ca-pt,bergamot:pt-en",
    "apertium:fr-ca,apertium:ca-es,apertium:es-pt,bergamot:pt-en",
    "apertium:fr-ca,apertium:ca-en",
    "apertium:fr-ca,apertium:ca-es,apertium:es-en",
    "apertium:fr-es,apertium:es-en",
    "apertium:fr-es",
    "apertium:fr-ca,apertium:ca-es",
    "apertium:fr-ca,apertium:ca-pt,apertium:pt-es",
)

PROTECT_CODE = hashlib.sha1(Path(protect.__file__).read_bytes()).hexdigest()[:12]
CHRF = sacrebleu.CHRF()
BLEU = sacrebleu.BLEU()


def read_lines(lang: str, count: int) -> list[str]:
    path = SHARED / f"newstest2013.{lang}"
    with path.open(encoding="utf-8") as handle:
        return [line.rstrip("\n") for _, line in zip(range(count), handle)]


def chrf(hyps: list[str], refs: list[str]) -> float:
    return CHRF.corpus_score(hyps, [refs]).score


def spec_of(hops: list[Hop]) -> str:
    return ",".join(h.key() for h in hops)


def hops_of(spec: str) -> list[Hop]:
    hops = []
    for key in spec.split(","):
        engine, pair = key.split(":", 1)
        src, tgt = pair.split("-", 1)
        hops.append(Hop(engine, src, tgt))
    return hops


#: How the chains are protected: ``protected`` is the pipeline's way (mask,
#: guard every hop's placeholders, names protected on demand after each
#: hop); ``none`` no protection.
MODES = ("protected", "none")


class Chains:
    """Translate texts through chains of hops, each prefix once (memory + disk).

    Same steps as ``pipeline.route_chunk`` in mode ``protected``.
    """

    def __init__(self, engines: Engines, cache: Path) -> None:
        self.engines = engines
        self.cache = cache
        cache.mkdir(parents=True, exist_ok=True)
        self.seconds: dict[str, float] = {}
        self.memory: dict[str, dict] = {}

    def _file(self, name: str) -> Path:
        return self.cache / (hashlib.sha1(name.encode()).hexdigest() + ".json")

    @staticmethod
    def _cached(path: Path) -> dict | None:
        """A cached step, or None (absent, or an older format: run again)."""
        cached = json.loads(path.read_text("utf-8")) if path.exists() else None
        return cached if isinstance(cached, dict) and "raw" in cached else None

    @staticmethod
    def _name(source: str, hops: list[Hop], mode: str) -> str:
        # A protected step depends on protect.py: a changed protection never
        # reuses a stale cache entry.
        return f"{source}|{spec_of(hops)}|{mode}" + (f"|{PROTECT_CODE}" if mode != "none" else "")

    def step(self, source: str, texts: list[str], hops: list[Hop], mode: str = "protected") -> dict:
        """After the hops: ``raw`` (last hop's output, the next hop's input)
        and ``masks`` (slots; per text)."""
        if not hops:
            masks = [protect.mask(t) if mode != "none" else protect.Masked(t) for t in texts]
            return {"raw": [m.text for m in masks], "masks": [_dump(m) for m in masks]}
        name = self._name(source, hops, mode)
        if name in self.memory:
            return self.memory[name]
        path = self._file(name)
        cached = self._cached(path)
        if cached is not None:
            self.memory[name] = cached
            return self.memory[name]
        before = self.step(source, texts, hops[:-1], mode)
        hop = hops[-1]
        masks = [_load(m) for m in before["masks"]]
        for masked, text in zip(masks, texts):
            masked.text = text  # the source, for the names protected on demand
        inputs = list(before["raw"])
        start = time.perf_counter()
        todo = [i for i, t in enumerate(inputs) if t.strip()]

        memo = self._memo(source, texts, hops, mode)

        def translate(batch: list[str]) -> list:
            # A line another mode already sent to this hop is not sent again
            # (engines translate each line on its own: same input, same output).
            todo_lines = list(dict.fromkeys(t for t in batch if t not in memo))
            if todo_lines:
                out = self.engines.get(hop.engine).translate_batch(todo_lines, hop.src, hop.tgt)
                memo.update({t: o[0].text for t, o in zip(todo_lines, out)})
            return [[protect.Hypothesis(memo[t])] for t in batch]

        batch = [inputs[i] for i in todo]
        if mode == "protected" and hop.engine in protect.NEURAL_ENGINES:
            out = protect.neural_hop(translate, batch, [masks[i] for i in todo])
        elif mode == "protected":
            out = protect.keep_names(translate, batch, protect.guard(translate, batch),
                                     [masks[i] for i in todo])
        else:
            out = translate(batch)
        self.seconds[name] = time.perf_counter() - start
        by_index = {i: o[0].text for i, o in zip(todo, out)}
        raw = [by_index.get(i, "") for i in range(len(inputs))]
        result = {"raw": raw, "masks": before["masks"],
                  "seconds": round(self.seconds[name], 2)}
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(result, ensure_ascii=False), "utf-8")
        tmp.replace(path)  # atomic: two runs may share the cache
        self.memory[name] = result
        print(f"  ran {name} in {self.seconds[name]:.1f} s", file=sys.stderr)
        return result

    def _memo(self, source: str, texts: list[str], hops: list[Hop], mode: str) -> dict[str, str]:
        """Input line → output of the last hop, from the unprotected cached run
        (the protected one's outputs went through retries)."""
        name = self._name(source, hops, "none")
        if mode == "none" or not (name in self.memory or self._cached(self._file(name))):
            return {}
        done = self.step(source, texts, hops, "none")
        before = self.step(source, texts, hops[:-1], "none")
        return {i: o for i, o in zip(before["raw"], done["raw"]) if i.strip()}

    def translate(self, source: str, texts: list[str], hops: list[Hop],
                  mode: str = "protected") -> list[str]:
        result = self.step(source, texts, hops, mode)
        return [protect.unmask(raw, _load(m))[0] for raw, m in zip(result["raw"], result["masks"])]

    def route_seconds(self, source: str, hops: list[Hop], mode: str = "protected") -> float | None:
        """Seconds its hops took when first run (None if the cache does not say)."""
        times = [self.memory.get(self._name(source, hops[:k], mode), {}).get("seconds")
                 for k in range(1, len(hops) + 1)]
        return None if None in times else round(sum(times), 2)


def _dump(masked: protect.Masked) -> dict:
    return {"slots": masked.slots, "glued": masked.glued}


def _load(data: dict) -> protect.Masked:
    return protect.Masked("", dict(data["slots"]), dict(data.get("glued", {})))


def names_lost(sources: list[str], refs: list[str], hyps: list[str]) -> int:
    """Sentences where a name of the source that the reference keeps verbatim
    ("Marco Rubio", "Kirchner") is missing from the translation."""
    count = 0
    for source, ref, hyp in zip(sources, refs, hyps):
        for match in protect.NAME.finditer(source):
            for name in re.split(r"[ \u00a0]", match.group(0)):
                if len(name) < 3 or name.isupper():
                    continue
                word = rf"(?<![\w-]){re.escape(name)}(?![\w-])"
                if re.search(word, ref) and not re.search(word, hyp):
                    count += 1
                    break
            else:
                continue
            break
    return count


def measure_hops(chains: Chains, graph: dict, data: dict, hops_table: dict,
                 all_hops: bool) -> dict:
    """Round trips (and reference scores) of the hops not yet in the table."""
    hops = sorted({h for hs in graph.values() for h in hs}, key=lambda h: h.key())

    def source_of(lang: str) -> tuple[str, list[str]] | None:
        if lang in data:
            return f"newstest.{lang}", data[lang]
        for pivot in ("fr", "es", "en"):
            for hop in graph.get(pivot, []):
                if hop.tgt == lang:
                    return (f"newstest.{pivot}>{hop.key()}",
                            chains.translate(f"newstest.{pivot}", data[pivot], [hop]))
        return None

    result = {k: dict(v) for k, v in hops_table.items()}
    round_trips: dict[str, float] = {}
    for hop in hops:
        if hop.key() in result and not all_hops:
            continue
        if hop.src in data and hop.tgt in data:
            out = chains.translate(f"newstest.{hop.src}", data[hop.src], [hop])
            result[hop.key()] = {"chrf": round(chrf(out, data[hop.tgt]), 2), "method": "reference"}
        back = next((h for h in graph.get(hop.tgt, []) if h.tgt == hop.src and h.engine == hop.engine),
                    None) or next((h for h in graph.get(hop.tgt, []) if h.tgt == hop.src), None)
        source = source_of(hop.src)
        if back is None or source is None:
            print(f"  {hop.key()}: no way back or no source text; the router uses a prior",
                  file=sys.stderr)
            continue
        name, texts = source
        again = chains.translate(name, texts, [hop, back])
        round_trips[hop.key()] = chrf(again, texts)
        print(f"hop {hop.key()}: round trip {round_trips[hop.key()]:.1f}", file=sys.stderr)
    pairs = [(v["chrf"], math.sqrt(v["round_trip_chrf"] / 100) * 100)
             for v in result.values() if v.get("method") == "reference" and "round_trip_chrf" in v]
    factor = sum(r for r, _ in pairs) / sum(t for _, t in pairs) if pairs else 0.6
    for key, value in round_trips.items():
        if key not in result:
            result[key] = {"chrf": round(factor * math.sqrt(value / 100) * 100, 2),
                           "method": "round-trip"}
        result[key]["round_trip_chrf"] = round(value, 2)
        result[key]["retention"] = round(math.sqrt(value / 100), 4)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--max-hops", type=int, default=DEFAULT_MAX_HOPS)
    parser.add_argument("--candidates", type=int, default=6,
                        help="Routes measured per target, best estimates first.")
    parser.add_argument("--all-hops", action="store_true", help="Measure hops already in the table.")
    parser.add_argument("--remeasure", action="store_true", help="Measure stored routes again.")
    parser.add_argument("--cache", type=Path, help="Folder for translated prefixes.")
    parser.add_argument("--no-write", action="store_true", help="Do not update the router's data.")
    parser.add_argument("--only", choices=["hops", "routes"],
                        help="Run one step only, to fill the cache (two runs can share it); "
                             "writes nothing.")
    args = parser.parse_args()
    if not SHARED.exists():
        print(f"skipped: {SHARED} is absent (the shared MT dev set lives beside the repository)")
        return 0
    data = {lang: read_lines(lang, args.lines) for lang in REFERENCE_LANGS}
    table_path = ROOT / "src" / "locwork" / "data" / "quality.json"
    stored = json.loads(table_path.read_text("utf-8")) if table_path.exists() else {}
    if stored.get("lines") != args.lines:
        stored = {}
    cache = args.cache or Path(tempfile.gettempdir()) / f"locwork-measure-quality-{args.lines}"
    results: dict = {"lines": args.lines, "sacrebleu": sacrebleu.__version__, "hops": {},
                     "routes": {}}
    old_results = ROOT / "bench" / "results" / "quality.json"
    old_routes = json.loads(old_results.read_text("utf-8")).get("routes", {}) \
        if old_results.exists() and not args.remeasure else {}
    with Engines() as engines:
        graph = engines.graph()
        chains = Chains(engines, cache)

        # 1. Hops.
        if args.only == "routes":
            results["hops"] = stored.get("hops", {})
        else:
            results["hops"] = measure_hops(chains, graph, data, stored.get("hops", {}), args.all_hops)
        if args.only == "hops":
            return 0

        # 2. Candidate routes to each language with references.
        routes: dict = {} if args.remeasure else {
            k: dict(v) for k, v in old_routes.items() if v.get("lines", args.lines) == args.lines}

        def table() -> dict:
            return {"hops": results["hops"], "routes": {k: {"chrf": v["chrf"]} for k, v in routes.items()},
                    "extension_scales": extension_scales(
                        results["hops"], {k: {"chrf": v["chrf"]} for k, v in routes.items()})}

        def measure(hops: list[Hop], target: str) -> None:
            spec = spec_of(hops)
            if spec in routes and "chrf_none" in routes[spec]:
                return
            # Unprotected first: the protected run then sends the engines only
            # the lines that differ (retries, placeholders).
            outs = {mode: chains.translate("newstest.fr", data["fr"], hops, mode)
                    for mode in reversed(MODES)}
            out = outs["protected"]
            routes[spec] = {
                "chrf": round(chrf(out, data[target]), 2),
                "bleu": round(BLEU.corpus_score(out, [data[target]]).score, 2),
                "seconds": chains.route_seconds("newstest.fr", hops),
                "target": target,
            }
            for mode in MODES:
                routes[spec][f"chrf_{mode}"] = round(chrf(outs[mode], data[target]), 2)
                routes[spec][f"names_lost_{mode}"] = names_lost(data["fr"], data[target], outs[mode])
            print(f"route {spec}: {routes[spec]}", file=sys.stderr)

        for spec in SEEDS:
            if all(h in graph.get(h.src, []) for h in hops_of(spec)):
                measure(hops_of(spec), hops_of(spec)[-1].tgt)
        for target in REFERENCE_LANGS[1:]:
            model_only = {"hops": results["hops"], "routes": {}}
            ranked = sorted(enumerate_routes(graph, "fr", target, args.max_hops),
                            key=lambda hs: -model_estimate(hs, model_only))
            for hops in ranked[:args.candidates]:
                measure(hops, target)
            for hops in rank_routes(graph, "fr", target, args.max_hops, table=table())[:args.candidates]:
                measure([*hops.hops], target)
            for _ in range(10):  # until the router's pick is a measured route
                ranked_routes = rank_routes(graph, "fr", target, args.max_hops, table=table())
                if not ranked_routes or ranked_routes[0].spec() in routes:
                    break
                measure(list(ranked_routes[0].hops), target)
        results["routes"] = routes
        final = table()

        # 3. Predicted (leave one out) against measured, per route.
        for spec, row in routes.items():
            others = dict(final, routes={k: v for k, v in final["routes"].items() if k != spec})
            others["extension_scales"] = extension_scales(results["hops"], others["routes"])
            row["predicted"] = round(score_route(hops_of(spec), others).expected_chrf, 2)
            row["picked"] = False
        picks = {}
        targets = sorted({h.tgt for hs in graph.values() for h in hs} - {"fr"})
        for target in targets:
            ranked_routes = rank_routes(graph, "fr", target, args.max_hops, table=final)
            if ranked_routes:
                picks[target] = ranked_routes[0].to_dict()
                if ranked_routes[0].spec() in routes:
                    routes[ranked_routes[0].spec()]["picked"] = True
        results["picks"] = picks
        results["extension_scales"] = final["extension_scales"]

    if args.only:
        return 0
    results["chrf_signature"] = str(CHRF.get_signature())
    results["bleu_signature"] = str(BLEU.get_signature())
    out = ROOT / "bench" / "results" / "quality.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    if not args.no_write:
        shipped = {"source": "bench/measure_quality.py", "lines": args.lines,
                   "chrf_signature": results["chrf_signature"],
                   "hops": results["hops"],
                   "routes": {k: {"chrf": v["chrf"]} for k, v in routes.items()},
                   "extension_scales": final["extension_scales"]}
        table_path.write_text(json.dumps(shipped, indent=2, ensure_ascii=False) + "\n", "utf-8")
        from locwork.routing import quality_table
        quality_table.cache_clear()

    print(f"| target | route (fr→…) | predicted chrF | measured chrF (protected) | unprotected | "
          f"sentences losing a name (protected / unprotected) | BLEU | picked | s / {args.lines} lines |")
    print("|---|---|---:|---:|---:|---|---:|---|---:|")
    for spec, row in sorted(routes.items(), key=lambda kv: (kv[1]["target"], -kv[1]["chrf"])):
        route = score_route(hops_of(spec), {"hops": {}, "routes": {}})
        print(f"| {row['target']} | {route} | {row['predicted']:.1f} | {row['chrf']:.2f} | "
              f"{row.get('chrf_none', float('nan')):.2f} | {row.get('names_lost_protected', '')} / "
              f"{row.get('names_lost_none', '')} | {row['bleu']:.1f} | {'**yes**' if row['picked'] else ''} | "
              f"{'' if row.get('seconds') is None else format(row['seconds'], '.1f')} |")
    print()
    print("| target | picked route | expected chrF | basis |")
    print("|---|---|---:|---|")
    for target, pick in picks.items():
        langs = "→".join(pick["languages"])
        print(f"| {target} | {langs} ({', '.join(pick['engines'])}) | {pick['expected_chrf']:.1f} | "
              f"{pick['basis']} |")
    print()
    print("| hop | chrF | method | round-trip chrF |")
    print("|---|---:|---|---:|")
    for key, row in sorted(results["hops"].items()):
        print(f"| {key} | {row['chrf']:.1f} | {row['method']} | {row.get('round_trip_chrf', '')} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
