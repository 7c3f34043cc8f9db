"""The review screen's save (``review.save``), with and without what it keeps between saves.

Usage (from the repository root)::

    .venv/bin/python bench/review_save.py [--saves 50]

On the app bench's project (the article in Spanish, Apertium), saves one
segment after another, alternating a save and an approval (each approval
updates the memory), interleaved: one save as the app's server does it
(the catalog it wrote last and the memory connection kept,
``locwork.review_store``), one after dropping both (a parse of the catalog
and a new memory connection per save, as before). Prints the median ms per
save of each and their ratio; the fsyncs of the atomic write are in both.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> int:
    import app_speed

    from locwork import catalog, review, review_store

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=50)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"kept": [], "fresh": []}
    with tempfile.TemporaryDirectory(prefix="locwork-save-") as tmp:
        root = Path(tmp)
        app_speed.make_project(root)
        path = review.catalog_for(root / "locales", "es", app_speed.DOC.stem)
        segments = [(e.msgctxt, e.msgid) for e in catalog.load(path) if e.msgctxt and e.msgid]
        review.save(path, segments[0][0], "x", review.current(path, segments[0][0]).target, "Bench",
                    approve=True)  # the memory made, the imports done
        for i in range(2 * args.saves):
            kind = "kept" if i % 2 else "fresh"
            seg, source = segments[1 + (i // 2) % (len(segments) - 1)]
            base = review.current(path, seg).target
            if kind == "fresh":
                review_store.forget_catalogs()
                review_store.close_memories()
            start = time.perf_counter()
            saved = review.save(path, seg, f"{base} {i}", base, "Bench", approve=(i // 2) % 2 == 0,
                                source=source)
            times[kind].append(time.perf_counter() - start)
            assert isinstance(saved, review.Saved), saved
    med = {kind: statistics.median(values) * 1000 for kind, values in times.items()}
    for kind, label in (("fresh", "parsed, new memory connection"), ("kept", "kept (the app's save)")):
        print(f"{label:<32} {len(times[kind]):>3} saves  median {med[kind]:6.1f} ms  "
              f"min {min(times[kind]) * 1000:6.1f}  max {max(times[kind]) * 1000:6.1f}")
    print(f"ratio kept / parsed: {med['kept'] / med['fresh']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
