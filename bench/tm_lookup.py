"""Translation-memory lookup latency at scale, on both stores (target: fuzzy p95 < 50 ms at 1M).

Run: ``.venv/bin/python bench/tm_lookup.py [--segments 100000] [--queries 300]
[--store sqlite|postgresql|both] [--url postgresql://...]``

1. Fills a fresh memory with ``--segments`` French→Spanish units: the
   newstest2013 fr/es lines (``../shared/data/mt-dev``; skipped with a
   message when absent) minus 300 held-out lines, plus variations of them
   (sentences spliced from two lines, words dropped, swapped or replaced,
   numbers changed), every source distinct. PostgreSQL: ``--url``, else a
   throw-away server started as the tests start theirs.
2. Times, per segment, with the memory's own API (a warm connection, as in
   a ``translate`` run or the app, warmed by five lookups of each kind):
   - ``exact``: sources from the memory, ``best()`` (exact path);
   - ``exact+fuzzy``: the same through ``lookup(limit=5)`` (exact first,
     then the fuzzy search for the other matches);
   - ``fuzzy``: memory sources with 1 to 3 word edits, ``lookup(limit=5)``;
   - ``short-common``: short queries (4 to 7 words) of the 40 commonest
     words, the slowest kind for an index, ``lookup(limit=5)``;
   - ``miss``: the held-out lines (no close match), ``lookup(limit=5)``;
   - ``best_many``: one call for a 3,000-segment document (memory lines,
     exact hits, and held-out lines), on a fresh connection: seconds.
   With ``--phases``, where each kind's time goes (ms per lookup): each of the
   store's SQL statements by what it is for, rapidfuzz's scoring, and the
   rest (Python around them); and ``fuzzy (cold)``: the first 20 fuzzy
   lookups on a fresh connection, before any warming.
3. Recall of the candidate retrieval: for a sample of fuzzy and held-out
   queries, the best score found against a brute-force
   ``rapidfuzz.process.extractOne`` over every source.

Prints a table and writes ``bench/results/tm_lookup-<store>-<segments>.json``.
"""

from __future__ import annotations

import argparse
import collections
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


CPU: list[float] = []  # this process's CPU time per lookup of the last timed() call


def timed(fn, queries: list[str]) -> tuple[list[float], list]:
    """Wall time per query (and, in CPU, this process's CPU time: on a loaded machine the wall
    time is mostly waiting for a core; for SQLite the CPU time is the whole work)."""
    times, results = [], []
    CPU.clear()
    for query in queries:
        start, cpu = time.perf_counter(), time.process_time()
        results.append(fn(query))
        times.append(time.perf_counter() - start)
        CPU.append(time.process_time() - cpu)
    return times, results


def with_cpu(row: dict) -> dict:
    cpu = percentiles(CPU)
    return {**row, "cpu_p50_ms": cpu["p50_ms"], "cpu_p95_ms": cpu["p95_ms"]}


PHASES = (  # (label, a piece of the SQL statement), first match wins
    ("candidates (one query)", "WITH q AS"), ("word counts", "src_terms"), ("pools", "src_fts MATCH"), ("translations check", "DISTINCT source_id"),
    ("source rows", "s.id IN ("), ("band count", "SELECT count(*) FROM (SELECT 1"), ("band scan", "s.length BETWEEN"),
    ("exact", "hash"), ("units", "u.source_id"),
    ("source texts", "coalesce(text, norm) FROM"),
)


class Phases:
    """Wall time per phase of the lookups (``--phases``): wraps the memory's ``_query`` and the
    matcher's rapidfuzz ``score``."""

    def __init__(self, memory) -> None:
        from locwork.tm import matcher

        self.totals: collections.Counter = collections.Counter()
        query, score = memory._query, matcher.score

        def timed_query(sql, params=()):
            start = time.perf_counter()
            try:
                return query(sql, params)
            finally:
                label = next((name for name, piece in PHASES if piece in sql), "other SQL")
                self.totals[label] += time.perf_counter() - start

        def timed_score(*args, **kwargs):
            start = time.perf_counter()
            try:
                return score(*args, **kwargs)
            finally:
                self.totals["rapidfuzz"] += time.perf_counter() - start

        memory._query, matcher.score = timed_query, timed_score
        self.restore = lambda: setattr(matcher, "score", score)

    def take(self, lookups: int, wall: list[float]) -> dict:
        """ms per lookup of each phase since the last call, and the rest of the wall time."""
        out = {name: round(t * 1000 / lookups, 2) for name, t in self.totals.most_common()}
        out["rest (Python)"] = round(sum(wall) * 1000 / lookups - sum(out.values()), 2)
        self.totals.clear()
        return out


def queries_for(units: list, held_out: list[str], count: int) -> dict[str, list[str]]:
    rng = random.Random(7)
    vocab = sorted({w for u in units[:3000] for w in u.source.split() if w.isalpha()})
    sample = rng.sample(units, min(count, len(units)))
    fuzzy = []
    for u in rng.sample(units, min(count, len(units))):
        changed = " ".join(edit(u.source.split(), rng, vocab, rng.randint(1, 3)))
        fuzzy.append(changed if changed != u.source else u.source + " ?")
    common = [w for w, _ in collections.Counter(
        w for u in units[:20000] for w in u.source.split() if w.isalpha()).most_common(40)]
    short = [" ".join(rng.choice(common) for _ in range(rng.randint(4, 7))).capitalize() + "."
             for _ in range(count)]
    return {"exact": [u.source for u in sample], "fuzzy": fuzzy, "short-common": short,
            "miss": held_out[:count]}


def measure(open_memory, units: list, held_out: list[str], document: list[str], args) -> dict:
    from rapidfuzz import fuzz, process

    queries = queries_for(units, held_out, args.queries)
    load_before = round(os.getloadavg()[0], 1)
    memory = open_memory()
    phases = Phases(memory) if args.phases else None
    rows, found_by = {}, {}
    if phases is not None:  # a fresh connection, nothing looked up yet
        t, _ = timed(lambda q: memory.lookup(q, "es", threshold=args.threshold), queries["fuzzy"][-20:])
        rows["fuzzy (cold)"] = with_cpu({**percentiles(t), "found": None, "phases_ms": phases.take(len(t), t)})
    for kind in queries:  # warm the caches, as the first lookups of a translate run or the app do
        for query in queries[kind][:5]:
            memory.lookup(query, "es", threshold=args.threshold)
    if phases is not None:
        phases.take(1, [0.0])
    t, res = timed(lambda q: memory.best(q, "es", threshold=args.threshold), queries["exact"])
    rows["exact"] = with_cpu({**percentiles(t), "found": sum(r is not None and r.exact for r in res)})
    if phases is not None:
        rows["exact"]["phases_ms"] = phases.take(len(t), t)
    t, res = timed(lambda q: memory.lookup(q, "es", threshold=args.threshold), queries["exact"])
    rows["exact+fuzzy"] = with_cpu({**percentiles(t), "found": sum(bool(r) for r in res)})
    if phases is not None:
        rows["exact+fuzzy"]["phases_ms"] = phases.take(len(t), t)
    for kind in ("fuzzy", "short-common", "miss"):
        t, found_by[kind] = timed(lambda q: memory.lookup(q, "es", threshold=args.threshold), queries[kind])
        rows[kind] = with_cpu({**percentiles(t), "found": sum(bool(r) for r in found_by[kind])})
        if phases is not None:
            rows[kind]["phases_ms"] = phases.take(len(t), t)
    if phases is not None:
        phases.restore()
    memory.close()
    memory = open_memory()  # a fresh connection: no cached answers
    start = time.perf_counter()
    found = memory.best_many(document, "es", threshold=args.threshold)
    rows["best_many"] = {"n": len(document), "seconds": round(time.perf_counter() - start, 2),
                         "found": len(found)}
    memory.close()

    norms = [tm.normalize(u.source) for u in units]
    checked = agreed = 0
    picks = list(zip(queries["fuzzy"], found_by["fuzzy"]))[: args.recall // 2] + \
        list(zip(queries["miss"], found_by["miss"]))[: args.recall // 2]
    brute_times = []
    for query, found_matches in picks:
        q = tm.normalize(query)
        start = time.perf_counter()
        best = process.extractOne(q, [n for n in norms if n != q], scorer=fuzz.ratio,
                                  score_cutoff=args.threshold)
        brute_times.append(time.perf_counter() - start)
        brute_score = min(99, int(best[1])) if best else None
        ours = next((m.score for m in found_matches if not m.exact), None)
        checked += 1
        agreed += brute_score == ours
    return {"load_before": load_before, "lookups": rows,
            "recall": {"checked": checked, "same_best_score_as_brute_force": agreed,
                       "brute_force_ms_p50": percentiles(brute_times)["p50_ms"] if brute_times else None}}


def build(open_memory, units: list, keep: Path | None = None) -> float:
    """Fill the memory; its build time. With ``keep`` (a JSON file beside a memory kept from an
    earlier run), a memory that already holds these units is used as it is, with the build time
    that run measured."""
    if keep is not None and keep.exists():
        saved = json.loads(keep.read_text("utf-8"))
        with open_memory() as memory:
            if len(memory) == len(units) == saved["units"]:
                print(f"reusing the memory built in {saved['build_seconds']:.1f} s ({keep})")
                return float(saved["build_seconds"])
    start = time.perf_counter()
    with open_memory() as memory:
        for i in range(0, len(units), 20000):
            memory.add_many(units[i:i + 20000])
    seconds = time.perf_counter() - start
    if keep is not None:
        keep.write_text(json.dumps({"units": len(units), "build_seconds": round(seconds, 1),
                                    "load": round(os.getloadavg()[0], 1)}) + "\n", "utf-8")
    return seconds


def report(store: str, units: list, build_s: float, size_mib: float | None, measured: dict, args) -> dict:
    rows = measured["lookups"]
    result = {"store": store, "segments": len(units), "threshold": args.threshold,
              "build_seconds": round(build_s, 1), "database_mib": size_mib, **measured,
              "machine": f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} at the end"}
    print(f"{store}: {len(units):,} fr→es segments, built in {build_s:.1f} s"
          + (f", {size_mib:.1f} MiB" if size_mib is not None else ""))
    print(f"{'lookup':<13} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'found':>6} {'cpu p50/p95 ms':>15}")
    for name, row in rows.items():
        if name == "best_many":
            print(f"{name:<13} {row['n']:>5} {row['seconds']:>8.2f} s for the document, {row['found']} found")
            continue
        print(f"{name:<13} {row['n']:>5} {row['p50_ms']:>8.2f} {row['p95_ms']:>8.2f} "
              f"{row['max_ms']:>8.2f} {row['found'] if row['found'] is not None else '-':>6} "
              f"{row['cpu_p50_ms']:>7.2f}/{row['cpu_p95_ms']:.2f}")
        if "phases_ms" in row:
            print("    " + ", ".join(f"{name} {ms}" for name, ms in row["phases_ms"].items()))
    recall = measured["recall"]
    print(f"recall: {recall['same_best_score_as_brute_force']}/{recall['checked']} queries get the same best "
          f"fuzzy score as a brute-force scan ({recall['brute_force_ms_p50']} ms per query)")
    worst = max(row["p95_ms"] for name, row in rows.items() if name not in ("best_many", "fuzzy (cold)"))
    print(f"target p95 < 50 ms: {'met' if worst < 50 else 'NOT met'} (worst p95 {worst} ms, load average "
          f"{measured['load_before']} before the lookups, {os.getloadavg()[0]:.1f} after)")
    out = args.json or ROOT / "bench" / "results" / f"tm_lookup-{store}-{len(units)}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(f"wrote {out}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--recall", type=int, default=60, help="queries checked by brute force")
    parser.add_argument("--threshold", type=float, default=tm.DEFAULT_THRESHOLD)
    parser.add_argument("--store", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--url", help="a PostgreSQL database to use (default: start a throw-away server)")
    parser.add_argument("--json", type=Path, help="where to write the results")
    parser.add_argument("--phases", action="store_true", help="time each phase of the lookups (SQL statements "
                        "by purpose, rapidfuzz, the rest) and the first fuzzy lookups on a fresh connection")
    parser.add_argument("--keep", type=Path, help="a folder where the SQLite memory is kept (and, with --url, "
                        "the PostgreSQL build time) and reused by the next run of the same size")
    args = parser.parse_args()

    if not (SHARED / "newstest2013.fr").exists() or not (SHARED / "newstest2013.es").exists():
        print(f"skipped: {SHARED}/newstest2013.fr|es are absent (the shared data sets live beside the "
              "repository)")
        return 0
    fr, es = read_lines("newstest2013.fr"), read_lines("newstest2013.es")
    held_out = [line for line in fr[-HELD_OUT:] if line.strip()]
    units = build_units(fr[:-HELD_OUT], es[:-HELD_OUT], args.segments)
    document = [line for line in fr[:2700] if line.strip()] + held_out

    if args.store in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="locwork-tm-bench-") as tmp:
            folder = Path(tmp) if args.keep is None else args.keep
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"tm-{len(units)}.sqlite"
            build_s = build(lambda: tm.open_memory(path), units,
                            None if args.keep is None else folder / f"tm-{len(units)}.sqlite.json")
            size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20
            measured = measure(lambda: tm.open_memory(path, create=False), units, held_out, document, args)
            report("sqlite", units, build_s, round(size, 1), measured, args)
    if args.store in ("postgresql", "both"):
        stop = None
        url = args.url
        if not url:
            sys.path.insert(0, str(ROOT / "tests"))
            from tm_stores import start_server

            try:
                server, stop = start_server(Path(tempfile.mkdtemp(prefix="locwork-pg-bench-")))
            except RuntimeError as error:
                print(f"skipped postgresql: {error}")
                return 0
            url = server.new_database()
        try:
            kept = None
            if args.keep is not None and args.url:
                args.keep.mkdir(parents=True, exist_ok=True)
                kept = args.keep / f"postgresql-{len(units)}.json"
            build_s = build(lambda: tm.open_memory(url), units, kept)
            with tm.open_memory(url) as memory:
                size = memory._query("SELECT pg_database_size(current_database())")[0][0] / 2**20
                memory.conn.execute("VACUUM ANALYZE")  # as autovacuum would: index-only scans
            measured = measure(lambda: tm.open_memory(url, create=False), units, held_out, document, args)
            report("postgresql", units, build_s, round(size, 1), measured, args)
        finally:
            if stop is not None:
                stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
