"""Translation speed and memory, measured side by side in one run.

Run: ``.venv/bin/python bench/translate_speed.py [--lines 3000] [--sizes 3000,10000,30000]
[--only overhead,rerun,...] [--json OUT]``

Every figure is a ratio against a baseline measured in the same run, the
runs interleaved and the best of several kept (the machine is shared): wall
seconds, and CPU seconds (user + system of every process involved), which a
loaded machine disturbs far less.

- ``documents``: ``locwork translate`` of the default article and of
  newstest2013.fr (3000 sentences) into 5 targets: wall time, sentences per
  second, peak memory of the largest process.
- ``overhead``: ``locwork translate newstest --to es --route
  es=apertium:fr-es`` against the raw ``apertium -u fr-es`` command on the
  same text (target ≤ 1.2×), with no translation memory and with a memory
  holding an approved translation of every line (newstest2013.es).
- ``rerun``: the same command again on the unchanged document, against
  ``locwork --help`` (target ≤ 2×); also without the stamp (the full merge).
- ``scaling``: CPU of the locwork process itself (engines excluded) at 3k,
  10k and 30k segments: it should grow linearly (per-1,000 figure flat).
- ``prefix``: the article into 8 targets: sentences each hop receives, with
  the shared-prefix cache and without.
- ``concurrency``: wall and CPU of the article into 8 targets and of newstest
  into es,ca,pt,it,en, one thing at a time (``LOCWORK_CONCURRENT=0``) against
  targets in concurrent lanes and a route's hops overlapping; the catalogs of
  both runs must be the same bytes (date lines aside).
- ``folder``: peak RSS translating a folder of 10 documents and of 1,000.
- ``engines``: batched engine calls against one call per sentence.
- ``memory``: peak memory as the input grows (500 → 3000 lines).
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


#: Runs a command as a child subreaper (Linux), so that the CPU of every process
#: it started is counted, also of those orphaned (an Apertium pipeline stopped with
#: a signal to its process group leaves its stages to be reaped by someone).
_MEASURE = """
import ctypes, json, os, resource, subprocess, sys, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
cmd, cwd, stdin, env = json.loads(sys.argv[1])
t = time.perf_counter()
r = subprocess.run(cmd, stdin=open(stdin) if stdin else None, stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE, cwd=cwd, env=env)
s = time.perf_counter() - t
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": s, "cpu": u.ru_utime + u.ru_stime, "rss_mib": u.ru_maxrss // 1024,
                  "rc": r.returncode, "out": r.stdout.decode()[-4000:],
                  "err": r.stderr.decode()[-4000:]}))
"""
#: Runs the locwork CLI and reports the CPU of its own process (its children excluded).
_SELF_CPU = """
import atexit, resource, runpy, sys
def report():
    r = resource.getrusage(resource.RUSAGE_SELF)
    sys.stderr.write("locwork-self-cpu %f\\n" % (r.ru_utime + r.ru_stime))
atexit.register(report)
sys.argv = ["locwork", *sys.argv[1:]]
runpy.run_module("locwork.cli", run_name="__main__")
"""


def measure(cmd: list[str], cwd: Path, stdin: Path | None = None,
            env: dict[str, str] | None = None) -> dict:
    """Wall and CPU seconds (every process of the command) and peak RSS of the largest one."""
    spec = json.dumps([cmd, str(cwd), str(stdin) if stdin else None, env or dict(os.environ)])
    out = subprocess.run([PYTHON, "-c", _MEASURE, spec], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["rc"] != 0:
        raise SystemExit(f"command failed ({result['rc']}): {' '.join(cmd)}\n{result['err']}")
    return result


def self_cpu(result: dict) -> float:
    """The locwork process's own CPU seconds, from a run of :data:`_SELF_CPU`."""
    line = [x for x in result["err"].splitlines() if x.startswith("locwork-self-cpu ")][-1]
    return float(line.split()[1])


def best(rows: list[dict], key: str) -> float:
    return min(row[key] for row in rows)


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


def write_tmx(path: Path, sources: list[str], targets: list[str]) -> None:
    """A TMX file of approved fr→es units, one per line."""
    from xml.sax.saxutils import escape

    units = "".join(
        f'<tu><tuv xml:lang="fr"><seg>{escape(a)}</seg></tuv>'
        f'<tuv xml:lang="es"><seg>{escape(b)}</seg></tuv></tu>\n'
        for a, b in zip(sources, targets) if a.strip() and b.strip())
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header '
                    'creationtool="bench" creationtoolversion="1" segtype="sentence" '
                    'o-tmf="bench" adminlang="en" srclang="fr" datatype="plaintext"/>'
                    f"<body>\n{units}</body></tmx>\n", "utf-8")


def bench_overhead(project: Path, lines: list[str], rounds: int) -> dict:
    """locwork fr→es against the raw apertium command, memory empty and full."""
    raw_input = project / "newstest.raw"
    raw_input.write_text("\n".join(lines) + "\n", "utf-8")
    as_document(lines, project / "newstest.txt")
    spanish = (SHARED / "newstest2013.es").read_text("utf-8").splitlines()[: len(lines)]
    full = project / "full-tm"
    full.mkdir(exist_ok=True)
    write_tmx(full / "units.tmx", lines, spanish)
    env_full = dict(os.environ, LOCWORK_TM=str(full / "tm.sqlite"))
    measure(locwork("tm", "import", str(full / "units.tmx")), project, env=env_full)
    env_empty = dict(os.environ, LOCWORK_TM=str(project / "empty-tm" / "tm.sqlite"))
    command = locwork("translate", "newstest.txt", "--to", "es", "--route", "es=apertium:fr-es")
    raw, empty, full_runs = [], [], []
    for _ in range(rounds):
        raw.append(measure(["apertium", "-u", "fr-es"], project, stdin=raw_input))
        fresh(project)
        empty.append(measure(command, project, env=env_empty))
        fresh(project)
        full_runs.append(measure(command + ["--json"], project, env=env_full))
    report = json.loads(full_runs[-1]["out"])[0]
    row = {"segments": report["segments"], "from_memory": report["tm_exact"] + report["tm_fuzzy"],
           "raw_wall_s": best(raw, "wall"), "raw_cpu_s": best(raw, "cpu")}
    for name, runs in (("empty", empty), ("full", full_runs)):
        row[f"{name}_wall_s"], row[f"{name}_cpu_s"] = best(runs, "wall"), best(runs, "cpu")
        row[f"{name}_wall_ratio"] = row[f"{name}_wall_s"] / row["raw_wall_s"]
        row[f"{name}_cpu_ratio"] = row[f"{name}_cpu_s"] / row["raw_cpu_s"]
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()}


def bench_rerun(project: Path, rounds: int) -> dict:
    """A re-run on the unchanged newstest document against ``locwork --help``."""
    command = locwork("translate", "newstest.txt", "--to", "es", "--route", "es=apertium:fr-es")
    env = dict(os.environ, LOCWORK_TM=str(project / "empty-tm" / "tm.sqlite"))
    fresh(project)
    measure(command, project, env=env)
    stamp = project / "locales" / "es" / ".newstest.txt.stamp"
    helps, reruns, full = [], [], []
    for _ in range(rounds):
        helps.append(measure(locwork("--help"), project))
        reruns.append(measure(command, project, env=env))
        stamp.unlink(missing_ok=True)
        full.append(measure(command, project, env=env))
    row = {"help_s": best(helps, "wall"), "rerun_s": best(reruns, "wall"),
           "rerun_without_stamp_s": best(full, "wall"),
           "help_cpu_s": best(helps, "cpu"), "rerun_cpu_s": best(reruns, "cpu")}
    row["ratio"] = row["rerun_s"] / row["help_s"]
    row["cpu_ratio"] = row["rerun_cpu_s"] / row["help_cpu_s"]
    return {k: round(v, 3) for k, v in row.items()}


def bench_scaling(project: Path, lines: list[str], sizes: list[int]) -> list[dict]:
    """CPU of the locwork process itself (not Apertium's) as the document grows."""
    rows = []
    env = dict(os.environ, LOCWORK_TM=str(project / "empty-tm" / "tm.sqlite"))
    for size in sizes:
        # Distinct sentences past the end of the file, with no new sentence end
        # (a suffix such as " (2)" after the final period would send every
        # repeated line through pysbd, which the original lines mostly skip).
        text = [("" if i < len(lines) else f"({i // len(lines)}) ") + lines[i % len(lines)]
                for i in range(size)]
        as_document(text, project / "scale.txt")
        fresh(project)
        result = measure([PYTHON, "-c", _SELF_CPU, "translate", "scale.txt", "--to", "es",
                          "--route", "es=apertium:fr-es"], project, env=env)
        cpu = self_cpu(result)
        rows.append({"lines": size, "python_cpu_s": round(cpu, 2),
                     "per_1000_s": round(cpu / size * 1000, 3), "wall_s": round(result["wall"], 2),
                     "peak_rss_mib": result["rss_mib"]})
    return rows


def bench_prefix() -> dict:
    """The article into 8 targets: sentences sent to each hop, with and without the cache."""
    from locwork import pipeline
    from locwork.document import load
    from locwork.engines.registry import Engines

    doc = load(ROOT / "corpus" / "sommet-trump-poutine-annule.txt")
    targets = ["en", "es", "ca", "pt", "it", "gl", "eo", "oc"]
    result: dict = {"segments": len(doc.translatable), "targets": len(targets)}
    with Engines() as engines, tempfile.TemporaryDirectory() as tmp:
        routes = {lang: pipeline.choose_route(engines, "fr", lang) for lang in targets}
        result["routes"] = {lang: route.spec() for lang, route in routes.items()}
        sent: dict[str, int] = {}
        for name in list(engines.names):
            try:
                real = engines.get(name)
            except Exception:  # noqa: BLE001 - an engine that is not installed
                continue

            def counting(texts, src, tgt, n_best=1, _real=real.translate_batch, _name=name):
                key = f"{_name}:{src}-{tgt}"
                sent[key] = sent.get(key, 0) + len(texts)
                return _real(texts, src, tgt, n_best=n_best)

            real.translate_batch = counting  # type: ignore[method-assign]
        for cached in (False, True):
            sent.clear()
            cache: pipeline.HopCache | None = {} if cached else None
            start = time.perf_counter()
            for lang, route in routes.items():
                pipeline.translate_document(doc, lang, route, engines, Path(tmp) / str(cached),
                                            tm=False, hop_cache=cache)
            label = "shared" if cached else "each_route"
            result[f"{label}_s"] = round(time.perf_counter() - start, 2)
            result[f"{label}_sentences_per_hop"] = dict(sorted(sent.items()))
            result[f"{label}_sentences"] = sum(sent.values())
    return result


def catalog_bytes(folder: Path) -> dict[str, bytes]:
    """The catalogs under folder, without the two lines that say when they were written."""
    dates = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')
    return {str(path.relative_to(folder)): b"".join(
        line for line in path.read_bytes().splitlines(keepends=True) if not line.startswith(dates))
        for path in sorted(folder.rglob("*.po"))}


def bench_concurrency(project: Path, lines: list[str], rounds: int) -> list[dict]:
    """Sequential against concurrent targets and overlapping hops, interleaved, best of rounds."""
    shutil.copy(ROOT / "corpus" / "sommet-trump-poutine-annule.txt", project / "article.txt")
    as_document(lines, project / "newstest.txt")
    env = dict(os.environ, LOCWORK_TM=str(project / "empty-tm" / "tm.sqlite"))
    rows = []
    cases = (("article.txt", "en,es,ca,pt,it,gl,eo,oc", rounds), ("newstest.txt", ",".join(TARGETS), 1))
    for name, targets, count in cases:
        runs: dict[str, list[dict]] = {"sequential": [], "concurrent": []}
        outputs: dict[str, dict[str, bytes]] = {}
        for _ in range(count):
            for label, flag in (("sequential", "0"), ("concurrent", "1")):
                locales = f"locales-{label}"
                shutil.rmtree(project / locales, ignore_errors=True)
                runs[label].append(measure(locwork("translate", name, "--to", targets, "--locales", locales),
                                           project, env=dict(env, LOCWORK_CONCURRENT=flag)))
                outputs[label] = catalog_bytes(project / locales)
        row = {"document": name, "targets": targets}
        for label, measured in runs.items():
            row[f"{label}_wall_s"] = round(best(measured, "wall"), 2)
            row[f"{label}_cpu_s"] = round(best(measured, "cpu"), 2)
        row["wall_ratio"] = round(row["concurrent_wall_s"] / row["sequential_wall_s"], 2)
        row["same_catalogs"] = outputs["sequential"] == outputs["concurrent"] and bool(outputs["concurrent"])
        rows.append(row)
    return rows


def bench_folder(project: Path, lines: list[str], counts: list[int]) -> list[dict]:
    """Peak RSS of ``locwork translate FOLDER`` as the number of documents grows."""
    rows = []
    env = dict(os.environ, LOCWORK_TM=str(project / "empty-tm" / "tm.sqlite"))
    for count in counts:
        folder = project / f"folder-{count}"
        folder.mkdir(exist_ok=True)
        for n in range(count):
            start = (n * 3) % max(1, len(lines) - 3)
            as_document(lines[start:start + 3], folder / f"doc{n:04d}.txt")
        result = measure(locwork("translate", folder.name, "--to", "es", "--route",
                                 "es=apertium:fr-es", "--locales", f"locales-{count}"), project, env=env)
        rows.append({"documents": count, "wall_s": round(result["wall"], 2),
                     "peak_rss_mib": result["rss_mib"]})
    return rows


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


SECTIONS = ("documents", "overhead", "rerun", "scaling", "prefix", "concurrency", "folder", "engines", "memory")


#: What a translate run imports: compiled once before anything is timed.
_IMPORTS = ("import locwork.cli.main, locwork.pipeline, locwork.services, locwork.workspace, locwork.tm,"
            " locwork.engines.apertium, locwork.engines.tagger_guard, locwork.segment, locwork.uptodate")


def use_bytecode(cache: Path) -> bool:
    """Run locwork from compiled bytecode, as an installed copy runs, not from sources compiled anew.

    With ``PYTHONDONTWRITEBYTECODE`` set (this workplace sets it) and no
    ``__pycache__`` beside the sources, every run compiled locwork's ~100
    modules: 0.1 s of CPU that an installed locwork (pip writes the .pyc
    files) never spends. The bytecode goes to a temporary
    ``PYTHONPYCACHEPREFIX``, nothing is written beside the sources.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(cache)
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "src" / "locwork")], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([PYTHON, "-c", _IMPORTS], check=True)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=3000)
    parser.add_argument("--sizes", default="3000,10000,30000", help="Lines for the scaling section.")
    parser.add_argument("--folders", default="10,1000", help="Documents for the folder section.")
    parser.add_argument("--rounds", type=int, default=3, help="Runs of each side (the best is kept).")
    parser.add_argument("--only", default=",".join(SECTIONS), help="Sections to run, comma-separated.")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "translate_speed.json")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="Let every locwork run compile its sources (PYTHONDONTWRITEBYTECODE as set here).")
    args = parser.parse_args()
    if not SHARED.exists():
        print(f"skipped: {SHARED} is absent (the shared MT dev set lives beside the repository)")
        return 0
    only = [s for s in args.only.split(",") if s]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}")
    lines = (SHARED / "newstest2013.fr").read_text("utf-8").splitlines()[: args.lines]
    env_home = tempfile.mkdtemp()
    os.environ.setdefault("LOCWORK_HOME", env_home)
    results: dict = {"cores": os.cpu_count(), "load_average": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as cache:
        project = Path(tmp)
        results["bytecode"] = not args.no_bytecode and use_bytecode(Path(cache))
        sections = {
            "documents": lambda: bench_documents(project, lines),
            "overhead": lambda: bench_overhead(project, lines, args.rounds),
            "rerun": lambda: bench_rerun(project, args.rounds + 2),
            "scaling": lambda: bench_scaling(project, lines, [int(x) for x in args.sizes.split(",")]),
            "prefix": bench_prefix,
            "concurrency": lambda: bench_concurrency(project, lines, args.rounds),
            "folder": lambda: bench_folder(project, lines, [int(x) for x in args.folders.split(",")]),
            "engines": lambda: bench_engines(lines),
            "memory": lambda: bench_memory(project, lines),
        }
        if "rerun" in only and "overhead" not in only:
            as_document(lines, project / "newstest.txt")
        for name in SECTIONS:
            if name in only:
                results[name] = sections[name]()
                print(f"{name}: {json.dumps(results[name], ensure_ascii=False)}", flush=True)
    results["load_average_after"] = os.getloadavg()[0]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print_tables(results)
    return 0


def print_tables(results: dict) -> None:
    """The README's tables."""
    if "documents" in results:
        print("| document | segments | targets | seconds | segments/s | peak RSS MiB |")
        print("|---|---:|---:|---:|---:|---:|")
        for row in results["documents"]:
            print(f"| {row['document']} | {row['segments']} | {row['targets']} | {row['seconds']} | "
                  f"{row['segments_per_s']} | {row['peak_rss_mib']} |")
    if "overhead" in results:
        o = results["overhead"]
        print("\n| newstest fr→es, 3,027 segments | wall s | × raw | CPU s | × raw |")
        print("|---|---:|---:|---:|---:|")
        print(f"| raw `apertium -u fr-es` | {o['raw_wall_s']} | 1 | {o['raw_cpu_s']} | 1 |")
        for name, label in (("empty", "locwork, memory empty"),
                            ("full", f"locwork, memory full ({o['from_memory']} from memory)")):
            print(f"| {label} | {o[name + '_wall_s']} | {o[name + '_wall_ratio']} | "
                  f"{o[name + '_cpu_s']} | {o[name + '_cpu_ratio']} |")
        print("\nlocwork ran from compiled bytecode (as installed)" if results.get("bytecode")
              else "\nlocwork compiled its sources at every run (--no-bytecode)")
    if "rerun" in results:
        r = results["rerun"]
        print(f"\nre-run on an unchanged document: {r['rerun_s']} s; `locwork --help`: {r['help_s']} s; "
              f"ratio {r['ratio']}× (CPU {r['cpu_ratio']}×); without the stamp: "
              f"{r['rerun_without_stamp_s']} s")
    if "scaling" in results:
        print("\n| lines | Python CPU s | per 1,000 lines | wall s | peak RSS MiB |")
        print("|---:|---:|---:|---:|---:|")
        for row in results["scaling"]:
            print(f"| {row['lines']} | {row['python_cpu_s']} | {row['per_1000_s']} | {row['wall_s']} | "
                  f"{row['peak_rss_mib']} |")
    if "prefix" in results:
        p = results["prefix"]
        print(f"\narticle into {p['targets']} targets: {p['each_route_sentences']} sentences through "
              f"the engines route by route ({p['each_route_s']} s), {p['shared_sentences']} with "
              f"shared prefixes ({p['shared_s']} s)")
    if "concurrency" in results:
        print("\n| document → targets | one at a time: wall s / CPU s | concurrent: wall s / CPU s | wall × | same catalogs |")
        print("|---|---:|---:|---:|---|")
        for row in results["concurrency"]:
            print(f"| {row['document']} → {row['targets']} | {row['sequential_wall_s']} / {row['sequential_cpu_s']} | "
                  f"{row['concurrent_wall_s']} / {row['concurrent_cpu_s']} | {row['wall_ratio']} | "
                  f"{row['same_catalogs']} |")
    if "folder" in results:
        print("\n| documents in the folder | wall s | peak RSS MiB |")
        print("|---:|---:|---:|")
        for row in results["folder"]:
            print(f"| {row['documents']} | {row['wall_s']} | {row['peak_rss_mib']} |")
    if "engines" in results:
        print("\n| engine | one call per sentence (ms/sent) | batched (ms/sent) | speed-up |")
        print("|---|---:|---:|---:|")
        for row in results["engines"]:
            print(f"| {row['engine']} | {row.get('naive_ms', '')} | {row.get('batched_ms', '')} | "
                  f"{row.get('speedup', '')} |")
    if "memory" in results:
        print("\n| lines | seconds | peak RSS MiB |")
        print("|---:|---:|---:|")
        for row in results["memory"]:
            print(f"| {row['lines']} | {row['seconds']} | {row['peak_rss_mib']} |")


if __name__ == "__main__":
    raise SystemExit(main())
