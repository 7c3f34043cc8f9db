"""Run every benchmark in turn and keep each one's Markdown output.

Run: ``make bench`` (or ``.venv/bin/python bench/run_all.py [NAME...]``).
Each script prints its tables on stdout; they are also written to
``bench/results/<name>.md`` so the README's figures can be checked against
a fresh run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SCRIPTS = [
    "segmentation.py",
    "measure_quality.py",
    "translate_speed.py",
    "score_speed.py",
    "estimate_correlation.py",
    "estimate_signals.py",
    "tm_lookup.py",
    "fault_runs.py",
    "qa_precision.py",
    "app_speed.py",
]


def main(names: list[str]) -> int:
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    failed = []
    for script in SCRIPTS:
        if names and Path(script).stem not in names:
            continue
        path = BENCH / script
        if not path.exists():
            continue
        print(f"## {script}", flush=True)
        start = time.perf_counter()
        run = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
        print(run.stdout)
        (results / f"{path.stem}.md").write_text(run.stdout, "utf-8")
        print(f"({time.perf_counter() - start:.0f} s)\n", flush=True)
        if run.returncode != 0:
            failed.append(script)
            print(run.stderr[-2000:], file=sys.stderr)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
