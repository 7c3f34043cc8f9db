"""How long scoring 10,000 segments takes (target: under 10 s).

Synthetic post-editing pairs: newstest2013 lines (fr and en, cycled to
10,000) as the "reviewed" text and a slightly edited copy as the "raw MT"
(about one word in eight deleted, replaced, re-cased or moved; one pair in
five left unchanged, as approved-unchanged segments are in real catalogs).
Timed: HTER + chrF + chrF++ per segment and corpus BLEU/chrF/TER, through
``locwork.scoring``, in one process and with worker processes; then the
same through a real 10,000-entry catalog (load, score, write, save), when
``locwork.catalog`` is available.

    python bench/score_speed.py [--n 10000] [--json bench/results/score_speed.json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))

from locwork import scoring  # noqa: E402


def edited(text: str, rng: random.Random) -> str:
    words = text.split()
    for _ in range(max(1, len(words) // 8)):
        if not words:
            break
        i = rng.randrange(len(words))
        op = rng.random()
        if op < 0.35:
            words[i] = words[i].upper() if rng.random() < 0.3 else words[i][::-1]
        elif op < 0.65:
            del words[i]
        else:
            words.insert(rng.randrange(len(words)), words.pop(i))
    return " ".join(words) or "x"


def synthetic_pairs(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    lines: list[str] = []
    for lang in ("fr", "en"):
        path = SHARED / "data" / "mt-dev" / f"newstest2013.{lang}"
        if not path.exists():
            sys.exit(f"{path} is absent: the shared data sets live beside the repository")
        lines += [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    refs = [lines[i % len(lines)] for i in range(n)]
    hyps = [r if rng.random() < 0.2 else edited(r, rng) for r in refs]
    return hyps, refs


def timed(label: str, fn, results: dict) -> object:
    start = time.perf_counter()
    value = fn()
    results[label] = round(time.perf_counter() - start, 2)
    print(f"{label:<40} {results[label]:6.2f} s", flush=True)
    return value


def score_all(hyps: list[str], refs: list[str], workers: int) -> tuple[list, dict]:
    stats = scoring.pair_stats(hyps, refs, workers=workers)
    return [stats.segment(i) for i in range(len(stats))], stats.corpus()


def catalog_run(hyps: list[str], refs: list[str], results: dict) -> None:
    try:
        import polib

        from locwork import catalog
        from locwork.catalog import State
    except ImportError as error:
        print(f"catalog round trip skipped: {error}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "en" / "bench.po"
        path.parent.mkdir()
        po = polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en"}
        for i, (h, r) in enumerate(zip(hyps, refs)):
            entry = polib.POEntry(msgctxt=f"p{i}.s1", msgid=f"source {i}", msgstr=r)
            catalog.set_meta(entry, "mt", h)
            po.append(entry)
            catalog.set_state(entry, State.APPROVED)
        catalog.save(po, path)
        timed("catalog: load + score + write + save", lambda: scoring.score_catalog(path), results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--json", type=Path, help="Also write the timings here.")
    args = parser.parse_args()
    hyps, refs = synthetic_pairs(args.n)
    results: dict = {"segments": args.n, "workers": scoring._workers()}
    print(f"{args.n} pairs, {sum(h == r for h, r in zip(hyps, refs))} unchanged; "
          f"workers available: {results['workers']}")
    scoring.metrics()  # build the metric objects outside the timings
    _, corpus = timed("scores, one process", lambda: score_all(hyps, refs, 1), results)
    timed("scores, worker processes", lambda: score_all(hyps, refs, scoring._workers()), results)
    print("corpus:", scoring.rounded(corpus, 2))
    catalog_run(hyps, refs, results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
