"""Translation speed and memory, measured side by side in one run.

Run: ``.venv/bin/python bench/translate_speed.py [--lines 3000] [--json OUT]``

1. ``locwork translate`` of the default article and of newstest2013.fr
   (3000 sentences) into 5 targets (es, ca, pt, it, en): wall time,
   sentences per second, peak memory of the largest process.
2. Batched engine calls against the naive way (one engine call per
   sentence) for each engine: Apertium (one ``apertium`` process per
   sentence, extrapolated from 100 sentences), Bergamot (one call per
   sentence), argos (argostranslate's own ``translate()`` per sentence on
   the test package, built on the fly).
3. ``locwork translate newstest2013.fr --to es --engine apertium`` against
   the raw ``apertium fr-es`` command on the same text (target ≤ 1.5×).
4. Peak memory as the input grows (500 → 3000 lines): it should stay flat.
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
SHARED = ROOT.parent / "shared" / "data" / "mt-dev"
PYTHON = sys.executable
sys.path.insert(0, str(ROOT / "src"))
TARGETS = ["es", "ca", "pt", "it", "en"]


def run_measured(cmd: list[str], cwd: Path, stdin: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of the largest process the command ran."""
    code = (
        "import resource, subprocess, sys, time, json;"
        "t = time.perf_counter();"
        f"r = subprocess.run({cmd!r}, stdin=open({str(stdin)!r}) if {stdin is not None!r} else None,"
        " stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd={str(cwd)!r});".replace(
            "{str(cwd)!r}", repr(str(cwd)))
        + "s = time.perf_counter() - t;"
        "sys.stderr.write(r.stderr.decode()[-2000:]) if r.returncode else None;"
        "print(json.dumps([s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode]))"
    )
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
    seconds, rss_kib, rc = json.loads(out.stdout.strip().splitlines()[-1])
    if rc != 0:
        raise SystemExit(f"command failed ({rc}): {' '.join(cmd)}\n{out.stderr}")
    return seconds, rss_kib // 1024


def as_document(lines: list[str], path: Path) -> None:
    """One sentence per paragraph, as a .txt document."""
    path.write_text("\n\n".join(lines) + "\n", "utf-8")


def locwork(*args: str) -> list[str]:
    return [PYTHON, "-m", "locwork.cli", *args]


def fresh(project: Path) -> None:
    shutil.rmtree(project / "locales", ignore_errors=True)


def bench_documents(project: Path, lines: list[str]) -> list[dict]:
    rows = []
    article = ROOT / "corpus" / "sommet-trump-poutine-annule.txt"
    shutil.copy(article, project / "article.txt")
    as_document(lines, project / "newstest.txt")
    from locwork import document

    for name in ("article.txt", "newstest.txt"):
        count = len(document.load(project / name).translatable)
        fresh(project)
        seconds, rss = run_measured(locwork("translate", name, "--to", ",".join(TARGETS)), project)
        rows.append({"document": name, "segments": count, "targets": len(TARGETS),
                     "seconds": round(seconds, 2),
                     "segments_per_s": round(count * len(TARGETS) / seconds, 1),
                     "peak_rss_mib": rss})
    return rows


def bench_against_raw_apertium(project: Path, lines: list[str]) -> dict:
    raw_input = project / "newstest.raw"
    raw_input.write_text("\n".join(lines) + "\n", "utf-8")
    best_raw = best_ours = float("inf")
    for _ in range(3):
        raw, _ = run_measured(["apertium", "-u", "fr-es"], project, stdin=raw_input)
        fresh(project)
        # The same work as the raw command: the fr-es pair alone.
        ours, _ = run_measured(locwork("translate", "newstest.txt", "--to", "es",
                                       "--route", "es=apertium:fr-es"), project)
        best_raw, best_ours = min(best_raw, raw), min(best_ours, ours)
    return {"raw_apertium_s": round(best_raw, 2), "locwork_s": round(best_ours, 2),
            "ratio": round(best_ours / best_raw, 2)}


def bench_engines(lines: list[str]) -> list[dict]:
    from locwork.engines.apertium import ApertiumEngine
    from locwork.engines.bergamot import BergamotEngine

    rows = []
    sample = lines[:100]
    # Apertium: one process per sentence vs one persistent pipeline.
    start = time.perf_counter()
    for text in sample:
        subprocess.run(["apertium", "-u", "fr-es"], input=text, capture_output=True, text=True)
    naive = (time.perf_counter() - start) / len(sample)
    with ApertiumEngine() as engine:
        engine.translate_batch(sample[:5], "fr", "es")
        start = time.perf_counter()
        engine.translate_batch(lines, "fr", "es")
        batched = (time.perf_counter() - start) / len(lines)
    rows.append({"engine": "apertium fr→es", "naive_ms": round(naive * 1000, 2),
                 "batched_ms": round(batched * 1000, 2), "speedup": round(naive / batched, 1)})
    # Bergamot: one call per sentence vs a batch over the shared model.
    english = [line for line in (SHARED / "newstest2013.en").read_text("utf-8").splitlines()[:200]]
    engine = BergamotEngine()
    engine.translate_batch(english[:2], "en", "pt")
    start = time.perf_counter()
    for text in english:
        engine.translate_batch([text], "en", "pt")
    naive = (time.perf_counter() - start) / len(english)
    start = time.perf_counter()
    engine.translate_batch(english, "en", "pt")
    batched = (time.perf_counter() - start) / len(english)
    engine.close()
    rows.append({"engine": "bergamot en→pt", "naive_ms": round(naive * 1000, 2),
                 "batched_ms": round(batched * 1000, 2), "speedup": round(naive / batched, 1)})
    rows.append(bench_argos(lines[:100]))
    return rows


def bench_argos(sample: list[str]) -> dict:
    """Our batched CTranslate2 path against argostranslate's translate()."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        subprocess.run([PYTHON, str(ROOT / "scripts" / "build_test_argosmodel.py"), "--from", "fr",
                        "--to", "qaa", "--out", str(tmp_path)], check=True, capture_output=True)
        package = next(tmp_path.glob("*.argosmodel"))
        code = f"""
import os, sys, time, json
os.environ["ARGOS_PACKAGES_DIR"] = {str(tmp_path / 'packages')!r}
sys.path.insert(0, {str(ROOT / 'src')!r})
from locwork.engines.argos import ArgosEngine
engine = ArgosEngine(threads=1)
engine.install_from_path({str(package)!r})
sample = {sample!r}
engine.translate_batch(sample[:2], "fr", "qaa")
t = time.perf_counter(); engine.translate_batch(sample, "fr", "qaa"); ours = time.perf_counter() - t
import argostranslate.translate as argos
from argostranslate import settings
settings.intra_threads = 1
class OneSentence:
    # argos re-splits every text with MiniSBD, which downloads a model: give it a
    # do-nothing splitter (this only makes argos faster).
    def split_sentences(self, text): return [text]
translation = argos.get_translation_from_codes("fr", "qaa")
translation.underlying.sentencizer = OneSentence()
argos.translate(sample[0], "fr", "qaa")
t = time.perf_counter()
for text in sample: argos.translate(text, "fr", "qaa")
naive = time.perf_counter() - t
print(json.dumps([ours, naive]))
"""
        out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True)
        try:
            ours, naive = json.loads(out.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            return {"engine": "argos fr→qaa (test package)", "error": out.stderr[-300:]}
    row = {"engine": "argos fr→qaa (test package)", "batched_ms": round(ours / len(sample) * 1000, 2)}
    row.update(naive_ms=round(naive / len(sample) * 1000, 2), speedup=round(naive / ours, 1))
    return row


def bench_memory(project: Path, lines: list[str]) -> list[dict]:
    rows = []
    for count in (500, 1000, 2000, 3000):
        as_document(lines[:count], project / "grow.txt")
        fresh(project)
        seconds, rss = run_measured(locwork("translate", "grow.txt", "--to", "es",
                                            "--route", "es=apertium:fr-es"), project)
        rows.append({"lines": count, "seconds": round(seconds, 2), "peak_rss_mib": rss})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=3000)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "translate_speed.json")
    args = parser.parse_args()
    if not SHARED.exists():
        print(f"skipped: {SHARED} is absent (the shared MT dev set lives beside the repository)")
        return 0
    lines = (SHARED / "newstest2013.fr").read_text("utf-8").splitlines()[: args.lines]
    env_home = tempfile.mkdtemp()
    os.environ.setdefault("LOCWORK_HOME", env_home)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        results = {
            "cores": os.cpu_count(),
            "documents": bench_documents(project, lines),
            "against_raw_apertium": bench_against_raw_apertium(project, lines),
            "engines": bench_engines(lines),
            "memory": bench_memory(project, lines),
        }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print("| document | segments | targets | seconds | segments/s | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in results["documents"]:
        print(f"| {row['document']} | {row['segments']} | {row['targets']} | {row['seconds']} | "
              f"{row['segments_per_s']} | {row['peak_rss_mib']} |")
    raw = results["against_raw_apertium"]
    print(f"\nlocwork translate newstest (fr→es, apertium): {raw['locwork_s']} s; raw "
          f"`apertium fr-es`: {raw['raw_apertium_s']} s; ratio {raw['ratio']}×\n")
    print("| engine | one call per sentence (ms/sent) | batched (ms/sent) | speed-up |")
    print("|---|---:|---:|---:|")
    for row in results["engines"]:
        print(f"| {row['engine']} | {row.get('naive_ms', '')} | {row.get('batched_ms', '')} | "
              f"{row.get('speedup', '')} |")
    print("\n| lines | seconds | peak RSS MiB |")
    print("|---:|---:|---:|")
    for row in results["memory"]:
        print(f"| {row['lines']} | {row['seconds']} | {row['peak_rss_mib']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
