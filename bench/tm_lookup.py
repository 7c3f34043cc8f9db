"""Translation-memory lookup latency at scale (target: < 50 ms per segment).

Run: ``.venv/bin/python bench/tm_lookup.py [--segments 100000] [--queries 300]``

1. Fills a fresh memory with ``--segments`` French→Spanish units: the
   newstest2013 fr/es lines (``../shared/data/mt-dev``; skipped with a
   message when absent) minus 300 held-out lines, plus variations of them
   (sentences spliced from two lines, words dropped, swapped or replaced,
   numbers changed), every source distinct.
2. Times, per segment, with the memory's own API (a warm connection, as in
   a ``translate`` run or the app):
   - ``exact``: sources from the memory, ``best()`` (exact path);
   - ``exact+fuzzy``: the same through ``lookup(limit=5)`` (exact first,
     then the fuzzy search for the other matches);
   - ``fuzzy``: memory sources with 1 to 3 word edits, ``lookup(limit=5)``;
   - ``miss``: the held-out lines (no close match), ``lookup(limit=5)``.
3. Recall of the candidate retrieval: for a sample of fuzzy and held-out
   queries, the best score found against a brute-force
   ``rapidfuzz.process.extractOne`` over every source.

Prints a table and writes ``bench/results/tm_lookup.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "mt-dev"
sys.path.insert(0, str(ROOT / "src"))

from locwork import tm  # noqa: E402

HELD_OUT = 300


def read_lines(name: str) -> list[str]:
    return (SHARED / name).read_text("utf-8").splitlines()


def edit(words: list[str], rng: random.Random, vocab: list[str], edits: int) -> list[str]:
    words = list(words)
    for _ in range(edits):
        if len(words) < 3:
            break
        kind = rng.random()
        i = rng.randrange(len(words))
        if kind < 0.3:
            del words[i]
        elif kind < 0.5 and i + 1 < len(words):
            words[i], words[i + 1] = words[i + 1], words[i]
        elif kind < 0.7 and re.search(r"\d", words[i]):
            words[i] = re.sub(r"\d+", lambda m: str(rng.randrange(1, 3000)), words[i])
        else:
            words[i] = rng.choice(vocab)
    return words


def build_units(fr: list[str], es: list[str], total: int, seed: int = 13) -> list[tm.TMUnit]:
    rng = random.Random(seed)
    vocab = sorted({w for line in fr for w in line.split() if w.isalpha()})
    pairs = [(f, e) for f, e in zip(fr, es) if f.strip() and e.strip()]
    seen: set[str] = set()
    units: list[tm.TMUnit] = []

    def add(source: str, target: str, kind: str) -> None:
        norm = tm.normalize(source)
        if norm and norm not in seen and len(units) < total:
            seen.add(norm)
            units.append(tm.TMUnit(source, target, "fr", "es", "bench", f"{kind}{len(units)}",
                                   "bench", None, None, None, "mt", "import"))

    for f, e in pairs:
        add(f, e, "line")
    attempts = 0
    while len(units) < total and attempts < total * 5:
        attempts += 1
        f1, e1 = rng.choice(pairs)
        if rng.random() < 0.6:
            f2, e2 = rng.choice(pairs)
            a, b, c, d = f1.split(), f2.split(), e1.split(), e2.split()
            cut_f, cut_e = max(1, len(a) // 2), max(1, len(c) // 2)
            add(" ".join(a[:cut_f] + b[len(b) // 2:]), " ".join(c[:cut_e] + d[len(d) // 2:]), "splice")
        else:
            add(" ".join(edit(f1.split(), rng, vocab, rng.randint(1, 4))), e1, "edit")
    return units


def percentiles(values: list[float]) -> dict:
    ordered = sorted(values)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"n": len(ordered), "p50_ms": round(pick(0.5) * 1000, 2), "p95_ms": round(pick(0.95) * 1000, 2),
            "max_ms": round(ordered[-1] * 1000, 2), "mean_ms": round(statistics.fmean(ordered) * 1000, 2)}


def timed(fn, queries: list[str]) -> tuple[list[float], list]:
    times, results = [], []
    for query in queries:
        start = time.perf_counter()
        results.append(fn(query))
        times.append(time.perf_counter() - start)
    return times, results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--recall", type=int, default=60, help="queries checked by brute force")
    parser.add_argument("--threshold", type=float, default=tm.DEFAULT_THRESHOLD)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "tm_lookup.json")
    parser.add_argument("--keep", type=Path, help="build the memory here and keep it")
    args = parser.parse_args()

    if not (SHARED / "newstest2013.fr").exists() or not (SHARED / "newstest2013.es").exists():
        print(f"skipped: {SHARED}/newstest2013.fr|es are absent (the shared data sets live beside the "
              "repository)")
        return 0
    from rapidfuzz import fuzz, process

    fr, es = read_lines("newstest2013.fr"), read_lines("newstest2013.es")
    held_out = [line for line in fr[-HELD_OUT:] if line.strip()]
    units = build_units(fr[:-HELD_OUT], es[:-HELD_OUT], args.segments)

    with tempfile.TemporaryDirectory(prefix="locwork-tm-bench-") as tmp:
        path = args.keep or Path(tmp) / "tm.sqlite"
        if path.exists():
            path.unlink()
        start = time.perf_counter()
        with tm.TranslationMemory(path) as memory:
            for i in range(0, len(units), 5000):
                memory.add_many(units[i:i + 5000])
        build_s = time.perf_counter() - start
        size_mib = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20

        rng = random.Random(7)
        vocab = sorted({w for u in units[:3000] for w in u.source.split() if w.isalpha()})
        sample = rng.sample(units, min(args.queries, len(units)))
        exact_queries = [u.source for u in sample]
        fuzzy_queries = []
        for u in rng.sample(units, min(args.queries, len(units))):
            words = u.source.split()
            changed = " ".join(edit(words, rng, vocab, rng.randint(1, 3)))
            fuzzy_queries.append(changed if changed != u.source else u.source + " ?")
        miss_queries = held_out[:args.queries]

        memory = tm.TranslationMemory(path, create=False)
        memory.lookup(exact_queries[0], "es")  # warm the page cache
        rows = {}
        t, res = timed(lambda q: memory.best(q, "es", threshold=args.threshold), exact_queries)
        rows["exact"] = {**percentiles(t), "found": sum(r is not None and r.exact for r in res)}
        t, res = timed(lambda q: memory.lookup(q, "es", threshold=args.threshold), exact_queries)
        rows["exact+fuzzy"] = {**percentiles(t), "found": sum(bool(r) for r in res)}
        t, fuzzy_res = timed(lambda q: memory.lookup(q, "es", threshold=args.threshold), fuzzy_queries)
        rows["fuzzy"] = {**percentiles(t), "found": sum(bool(r) for r in fuzzy_res)}
        t, miss_res = timed(lambda q: memory.lookup(q, "es", threshold=args.threshold), miss_queries)
        rows["miss"] = {**percentiles(t), "found": sum(bool(r) for r in miss_res)}

        # Recall against brute force over every source.
        norms = [tm.normalize(u.source) for u in units]
        checked = agreed = 0
        picks = list(zip(fuzzy_queries, fuzzy_res))[: args.recall // 2] + \
            list(zip(miss_queries, miss_res))[: args.recall // 2]
        brute_times = []
        for query, found in picks:
            q = tm.normalize(query)
            start = time.perf_counter()
            best = process.extractOne(q, [n for n in norms if n != q], scorer=fuzz.ratio,
                                      score_cutoff=args.threshold)
            brute_times.append(time.perf_counter() - start)
            brute_score = min(99, int(best[1])) if best else None
            ours = next((m.score for m in found if not m.exact), None)
            checked += 1
            agreed += brute_score == ours
        memory.close()

    result = {
        "segments": len(units),
        "distinct_sources": len(units),
        "threshold": args.threshold,
        "build_seconds": round(build_s, 1),
        "database_mib": round(size_mib, 1),
        "lookups": rows,
        "recall": {"checked": checked, "same_best_score_as_brute_force": agreed,
                   "brute_force_ms_p50": percentiles(brute_times)["p50_ms"] if brute_times else None},
        "machine": f"{os.cpu_count()} CPUs",
    }
    print(f"memory: {len(units):,} fr→es segments, built in {build_s:.1f} s, {size_mib:.1f} MiB")
    print(f"{'lookup':<12} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'found':>6}")
    for name, row in rows.items():
        print(f"{name:<12} {row['n']:>5} {row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} "
              f"{row['max_ms']:>8.2f} {row['found']:>6}")
    print(f"recall: {agreed}/{checked} queries get the same best fuzzy score as a brute-force scan "
          f"(which takes {result['recall']['brute_force_ms_p50']} ms per query)")
    worst = max(row["p95_ms"] for row in rows.values())
    print(f"target p95 < 50 ms: {'met' if worst < 50 else 'NOT met'} (worst p95 {worst} ms)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
