"""Precision and recall of the segment QA checks (locwork.qa) on labelled segments.

Run: ``.venv/bin/python bench/qa_precision.py [--before REF]``

The labelled set, ``tests/data/qa_labelled.jsonl``, holds one translated
segment a line: the project's own machine translations (Apertium fr→es via
Catalan, fr→ca, and fr→es→pt→en with Bergamot's last hop, made with
``locwork translate``) of every segment of the default article
(``corpus/sommet-trump-poutine-annule.txt``, source stored) and of
newstest2013 lines 1-40 (only the line number is stored: the French text is
read from ``../shared/data/mt-dev/newstest2013.fr`` at run time, and those
rows are skipped with a message when it is absent). ``labels`` lists the
checks a careful reviewer wants to fire on that segment, judged by reading
source and target, whatever the checks say. ``split``: ``dev`` rows (the
article in es/ca/en, newstest lines 1-40 in es/en) were looked at while the
checks were written; ``heldout`` rows (newstest lines 41-80 in pt/en) were
labelled afterwards, before running the checks on them, and nothing was
changed after.

A warning counts once per segment and code: a code that fires on a labelled
segment is a true positive, on an unlabelled one a false positive; a label
with no warning is a miss. ``--before`` scores the ``qa.py`` of a git
revision (default: the one before the untranslated-word check) the same way.

Prints a Markdown table and writes ``bench/results/qa_precision.json``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

LABELLED = ROOT / "tests" / "data" / "qa_labelled.jsonl"
NEWSTEST = ROOT.parent / "shared" / "data" / "mt-dev" / "newstest2013.fr"
RESULTS = ROOT / "bench" / "results" / "qa_precision.json"
BEFORE_REF = "1553b3f"  # qa.py before the untranslated-word check


def load_rows(path: Path = LABELLED, newstest: Path = NEWSTEST) -> tuple[list[dict], int]:
    """The labelled rows with their source text, and how many were skipped
    because the shared newstest file is absent."""
    lines = newstest.read_text(encoding="utf-8").split("\n") if newstest.exists() else None
    rows, skipped = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "newstest_line" in row:
            if lines is None:
                skipped += 1
                continue
            row["source"] = lines[row["newstest_line"] - 1]
        rows.append(row)
    return rows, skipped


def score(check: Callable[[str, str, str], Iterable], rows: list[dict]) -> dict:
    """Per-code and overall true positives, false positives, misses,
    precision and recall of ``check(source, target, lang)``."""
    counts: dict[str, Counter] = {}
    for row in rows:
        fired = {w.code for w in check(row["source"], row["target"], row["lang"])}
        wanted = set(row["labels"])
        for code in fired | wanted:
            c = counts.setdefault(code, Counter())
            c["tp" if code in fired and code in wanted else "fp" if code in fired else "fn"] += 1
    total = sum(counts.values(), Counter())
    out = {code: _rates(c) for code, c in sorted(counts.items())}
    out["overall"] = _rates(total)
    return out


def _rates(c: Counter) -> dict:
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    return {"tp": tp, "fp": fp, "fn": fn,
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None}


def qa_at(ref: str) -> ModuleType:
    """``locwork.qa`` as it was at a git revision."""
    text = subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:src/locwork/qa.py"],
                          check=True, capture_output=True, text=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(text)
    spec = importlib.util.spec_from_file_location(f"qa_{ref}", f.name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    Path(f.name).unlink()
    return module


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def table(before: dict, after: dict) -> str:
    codes = [c for c in sorted(set(before) | set(after)) if c != "overall"] + ["overall"]
    lines = ["| check | labelled | before: P | before: R | after: P | after: R | after: TP/FP/FN |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    empty = {"precision": None, "recall": None, "tp": 0, "fp": 0, "fn": 0}
    for code in codes:
        b, a = before.get(code, empty), after.get(code, empty)
        labelled = a["tp"] + a["fn"]
        lines.append(f"| {code} | {labelled} | {_fmt(b['precision'])} | {_fmt(b['recall'])} | "
                     f"{_fmt(a['precision'])} | {_fmt(a['recall'])} | {a['tp']}/{a['fp']}/{a['fn']} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE_REF, help="git revision of the baseline qa.py")
    args = parser.parse_args()
    from locwork import qa

    rows, skipped = load_rows()
    if skipped:
        print(f"{skipped} newstest rows skipped: {NEWSTEST} is absent", file=sys.stderr)
    old = qa_at(args.before).check
    results: dict = {"segments": len(rows), "skipped": skipped, "before_ref": args.before}
    for split in ("all", "dev", "heldout"):
        part = [r for r in rows if split == "all" or r["split"] == split]
        if not part:
            continue
        before, after = score(old, part), score(qa.check, part)
        results[split] = {"segments": len(part), "before": before, "after": after}
        print(f"### {split}: {len(part)} segments, {sum(bool(r['labels']) for r in part)} with a label "
              f"({sum(len(r['labels']) for r in part)} labels)\n")
        print(table(before, after) + "\n")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
