"""Throughput of ``locwork translate --cluster`` against the number of Dask workers.

Run: ``nice .venv/bin/python bench/cluster_throughput.py [--docs 300] [--workers 1,2,4]
[--json OUT]``

The corpus: ``--docs`` documents of ``--sentences`` sentences each (300 × 10
by default), one sentence per paragraph, cut from newstest2013.fr in
../shared/data/mt-dev (the run stops with the reason if it is absent).
Each run translates the whole folder fr→es (Apertium) into fresh catalogs,
once locally (no cluster) and once per worker count, on a local
``dask scheduler`` and ``locwork worker`` processes (one thread each).
Before a cluster run every worker has started its engines (a warm-up task
on each), so the figure is steady throughput, client start-up included:
segments per second = segments / wall seconds of the whole command.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWSTEST = ROOT.parent / "shared" / "data" / "mt-dev" / "newstest2013.fr"
sys.path.insert(0, str(ROOT / "src"))
LOCWORK = [sys.executable, "-m", "locwork.cli"]
ROUTE = ["--to", "es", "--route", "apertium:fr-es", "--no-tm"]


def build_corpus(folder: Path, docs: int, sentences: int) -> int:
    """Write the documents; return the number of segments."""
    if not NEWSTEST.exists():
        raise SystemExit(f"{NEWSTEST} is absent: the shared data sets live beside the repository")
    lines = [x.strip() for x in NEWSTEST.read_text("utf-8").splitlines() if x.strip()]
    if len(lines) < docs * sentences:
        raise SystemExit(f"{NEWSTEST} has {len(lines)} sentences; {docs} × {sentences} are needed")
    folder.mkdir(parents=True)
    for n in range(docs):
        part = lines[n * sentences:(n + 1) * sentences]
        (folder / f"doc{n:04d}.txt").write_text("\n\n".join(part) + "\n", "utf-8")
    from locwork import workspace

    return sum(len(workspace.load_document(p).translatable) for p in folder.iterdir())


def timed_translate(corpus: Path, cwd: Path, *extra: str) -> float:
    cwd.mkdir(parents=True)
    start = time.perf_counter()
    subprocess.run([*LOCWORK, "translate", str(corpus), *ROUTE, *extra], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def start_workers(scheduler_file: Path, count: int, logs: Path) -> list[subprocess.Popen]:
    return [subprocess.Popen([*LOCWORK, "worker", "--scheduler-file", str(scheduler_file),
                              "--no-nanny", "--no-dashboard"],
                             stdout=(logs / f"worker{n}.log").open("wb"), stderr=subprocess.STDOUT)
            for n in range(count)]


def warm_up(client, count: int) -> None:
    """Every worker starts Apertium fr-es once, so that runs measure steady throughput."""
    from locwork import cluster
    from locwork.engines.registry import Engines
    from locwork.pipeline import choose_route

    client.wait_for_workers(count, timeout=300)
    with Engines(["apertium"]) as engines:
        route = choose_route(engines, "fr", "es", route_spec="apertium:fr-es")
    client.run(cluster.translate_chunk, route, ["Bonjour."])


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--sentences", type=int, default=10)
    cpus = os.cpu_count() or 1
    parser.add_argument("--workers", default=",".join(map(str, sorted({1, 2, 4, cpus}))),
                        help="worker counts (default 1,2,4 and the number of CPUs)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "cluster_throughput.json")
    args = parser.parse_args()
    from distributed import Client

    work = Path(tempfile.mkdtemp(prefix="locwork-cluster-bench-"))
    try:
        segments = build_corpus(work / "corpus", args.docs, args.sentences)
        rows = []
        seconds = timed_translate(work / "corpus", work / "local")
        rows.append({"workers": 0, "mode": "local", "seconds": round(seconds, 2),
                     "segments_per_s": round(segments / seconds, 1)})
        print(f"local          {seconds:7.1f} s  {segments / seconds:7.1f} seg/s", flush=True)
        scheduler_file = work / "scheduler.json"
        scheduler = subprocess.Popen(
            [str(Path(sys.executable).parent / "dask"), "scheduler", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(scheduler_file)],
            stdout=(work / "scheduler.log").open("wb"), stderr=subprocess.STDOUT)
        try:
            while not scheduler_file.exists():
                time.sleep(0.1)
            client = Client(scheduler_file=str(scheduler_file), timeout=60)
            address = json.loads(scheduler_file.read_text())["address"]
            for count in sorted({int(x) for x in args.workers.split(",")}):
                workers = start_workers(scheduler_file, count, work)
                try:
                    warm_up(client, count)
                    seconds = timed_translate(work / "corpus", work / f"cluster{count}",
                                              "--cluster", address)
                finally:
                    stop(workers)
                    while len(client.scheduler_info(n_workers=-1)["workers"]):
                        time.sleep(0.2)
                rows.append({"workers": count, "mode": "cluster", "seconds": round(seconds, 2),
                             "segments_per_s": round(segments / seconds, 1)})
                print(f"{count:2d} worker(s)   {seconds:7.1f} s  {segments / seconds:7.1f} seg/s", flush=True)
            client.close()
        finally:
            stop([scheduler])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {"docs": args.docs, "sentences_per_doc": args.sentences, "segments": segments,
              "route": "apertium:fr-es", "cpus": cpus, "load_average_at_end": os.getloadavg(),
              "runs": rows}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written {args.json}")


if __name__ == "__main__":
    main()
