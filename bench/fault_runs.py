"""Fault runs: kills during a write, concurrent saves, fuzzed catalogs.

What locwork promises about crashes and concurrent writers, measured:

1. **Kills during a write.** A reviewer process saves segment after segment
   (the app's own ``review.save``) and is killed with SIGKILL at a random
   moment, again and again. After each kill the catalog must load, pass
   ``msgfmt --check``, and hold every save that had returned.
2. **Concurrent saves.** Several processes save different segments of the
   same catalog at once: every save must be there afterwards. Two reviewers
   who started from the same text and save different texts: one save goes
   through, the other gets a conflict; nothing is overwritten silently.
3. **Fuzzed catalogs.** Real catalogs (``../shared/data/po``) and a locwork
   catalog, mutated (a byte or a line deleted, inserted or replaced, a cut at
   a random offset): each must load cleanly or give a one-line error, never
   a traceback or a hang, and when it loads, ``msgfmt`` must accept it too.

Run: ``.venv/bin/python bench/fault_runs.py [--kills 30] [--fuzz 400]``.
Prints a Markdown table; the README quotes it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DOC = ROOT / "corpus" / "sommet-trump-poutine-annule.txt"
PYTHON = sys.executable

SAVER = r"""
import sys
from pathlib import Path
from locwork import review
path, tag, ids = Path(sys.argv[1]), sys.argv[2], sys.argv[3].split(",")
k = 0
while True:
    seg = ids[k % len(ids)]
    row = review.current(path, seg)
    text = f"{tag} save {k}"
    print(f"start {seg} {text}", flush=True)
    result = review.save(path, seg, text, row.target, "fault run", approve=k % 2 == 0)
    print(f"done {seg} {text} {type(result).__name__}", flush=True)
    k += 1
    if len(sys.argv) > 4 and k >= int(sys.argv[4]):
        break
"""


def make_catalog(work: Path) -> Path:
    """The default article translated into Spanish by Apertium, as a user would."""
    shutil.copy(DOC, work / DOC.name)
    subprocess.run([PYTHON, "-m", "locwork.cli", "translate", DOC.name, "--to", "es",
                    "--route", "es=apertium:fr-es", "--no-tm"],
                   cwd=work, check=True, capture_output=True)
    return work / "locales" / "es" / (DOC.stem + ".po")


def msgfmt_ok(path: Path) -> bool:
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)],
                            capture_output=True, env=dict(os.environ, LC_ALL="C"))
    return result.returncode == 0


def texts(path: Path) -> dict[str, str]:
    return {e.msgctxt: e.msgstr for e in polib.pofile(str(path)) if e.msgctxt}


def kills(path: Path, runs: int, rng: random.Random) -> dict:
    ids = [seg for seg in texts(path)][:12]
    saves = lost = broken = 0
    for run in range(runs):
        process = subprocess.Popen([PYTHON, "-c", SAVER, str(path), f"kill {run}", ",".join(ids)],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        time.sleep(rng.uniform(0.8, 2.5))
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate()
        done: dict[str, str] = {}
        in_flight: dict[str, str] = {}
        for line in out.splitlines():
            word, seg, text = line.split(" ", 2)
            if word == "start":
                in_flight[seg] = text
            else:
                done[seg] = text.rsplit(" ", 1)[0]
                saves += 1
        try:
            on_disk = texts(path)
        except Exception:  # noqa: BLE001 - a broken catalog is what we count
            broken += 1
            continue
        if not msgfmt_ok(path):
            broken += 1
        for seg, text in done.items():
            if on_disk.get(seg) not in (text, in_flight.get(seg)):
                lost += 1
    leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    return {"runs": runs, "saves": saves, "lost": lost, "broken": broken,
            "temp files left": len(leftovers)}


def concurrent(path: Path, writers: int, each: int) -> dict:
    ids = list(texts(path))
    groups = [ids[i::writers] for i in range(writers)]
    processes = [
        subprocess.Popen([PYTHON, "-c", SAVER, str(path), f"writer {w}", ",".join(groups[w]),
                          str(each)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for w in range(writers)
    ]
    expected: dict[str, str] = {}
    failures = 0
    for process in processes:
        out, err = process.communicate(timeout=600)
        failures += process.returncode != 0
        for line in out.splitlines():
            word, seg, text = line.split(" ", 2)
            if word == "done":
                expected[seg] = text.rsplit(" ", 1)[0]
    on_disk = texts(path)
    lost = sum(on_disk.get(seg) != text for seg, text in expected.items())

    # Two reviewers from the same base, different texts: one conflict, no overwrite.
    from locwork import review

    seg = ids[0]
    base = review.current(path, seg).target
    first = review.save(path, seg, "reviewer A's text", base, "A")
    second = review.save(path, seg, "reviewer B's text", base, "B")
    conflict_ok = (type(first).__name__ == "Saved" and type(second).__name__ == "Conflict"
                   and texts(path)[seg] == "reviewer A's text")
    return {"writers": writers, "saves": writers * each, "lost": lost,
            "failed processes": failures, "stale save refused": conflict_ok,
            "msgfmt --check": msgfmt_ok(path)}


def mutate(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    kind = rng.randrange(6)
    if kind == 0 and data:  # delete a byte
        i = rng.randrange(len(data))
        return data[:i] + data[i + 1:]
    if kind == 1:  # insert a byte
        i = rng.randrange(len(data) + 1)
        return data[:i] + bytes([rng.choice(b'"\\\n#[]x0 ')]) + data[i:]
    if kind == 2 and data:  # replace a byte
        i = rng.randrange(len(data))
        return data[:i] + bytes([rng.randrange(256)]) + data[i + 1:]
    if kind == 3:  # delete a line
        del lines[rng.randrange(len(lines))]
        return b"\n".join(lines)
    if kind == 4:  # duplicate a line elsewhere
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(lines))
        return b"\n".join(lines)
    return data[: rng.randrange(len(data) + 1)]  # cut short


FUZZ_MANY = r"""
import json, sys
from locwork import catalog
from locwork.errors import LocworkError
for name in sys.argv[1:]:
    try:
        catalog.load(name)
        verdict = {"verdict": "load"}
    except LocworkError as error:
        verdict = {"verdict": "error", "one_line": "\n" not in str(error)}
    except Exception as error:  # noqa: BLE001 - what we are counting
        verdict = {"verdict": "traceback", "error": repr(error)[:200]}
    print(json.dumps(verdict), flush=True)
"""


def fuzz(sources: list[Path], cases: int, rng: random.Random, work: Path) -> dict:
    folder = work / "fuzz"
    folder.mkdir()
    names = []
    for i in range(cases):
        source = rng.choice(sources)
        name = folder / f"case{i}.po"
        name.write_bytes(mutate(source.read_bytes(), rng))
        names.append(name)
    counts = {"cases": cases, "clean load": 0, "one-line error": 0, "traceback or other": 0,
              "hang (>60 s)": 0, "loaded but msgfmt rejects": 0}
    try:
        result = subprocess.run([PYTHON, "-c", FUZZ_MANY, *map(str, names)], capture_output=True,
                                text=True, timeout=60 + cases)
        verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    except subprocess.TimeoutExpired:
        counts["hang (>60 s)"] += 1
        verdicts = []
    for name, verdict in zip(names, verdicts):
        if verdict["verdict"] == "load":
            counts["clean load"] += 1
            why = msgfmt_problem(name)
            if why:
                counts["loaded but msgfmt rejects"] += 1
                counts.setdefault("msgfmt's reasons", []).append(why)
        elif verdict["verdict"] == "error" and verdict["one_line"]:
            counts["one-line error"] += 1
        else:
            counts["traceback or other"] += 1
    counts["traceback or other"] += cases - len(verdicts) - counts["hang (>60 s)"]
    return counts


def msgfmt_problem(path: Path) -> str:
    """gettext's own parser, without --check (the Django files fail --check upstream):
    its first complaint, or "" when it accepts the file."""
    result = subprocess.run(["msgfmt", "-o", os.devnull, str(path)], capture_output=True,
                            text=True, env=dict(os.environ, LC_ALL="C"))
    if result.returncode == 0:
        return ""
    first = result.stderr.strip().splitlines()[0] if result.stderr.strip() else "rejected"
    return first.replace(str(path), path.name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--saves", type=int, default=25, help="saves per concurrent writer")
    parser.add_argument("--fuzz", type=int, default=400)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="locwork-faults-") as tmp:
        work = Path(tmp)
        path = make_catalog(work)
        sources = [path]
        if (SHARED / "data" / "po").is_dir():
            sources += sorted((SHARED / "data" / "po").glob("*.po"))
        else:
            print(f"{SHARED / 'data' / 'po'} is absent: fuzzing the locwork catalog only",
                  file=sys.stderr)
        seed_copy = work / "seed.po"
        shutil.copy(path, seed_copy)
        sources[0] = seed_copy
        results = {
            "kills during a write": kills(path, args.kills, rng),
            "concurrent saves": concurrent(path, args.writers, args.saves),
            "fuzzed catalogs": fuzz(sources, args.fuzz, rng, work),
        }
    print("| run | figures |\n|---|---|")
    for name, figures in results.items():
        print(f"| {name} | " + ", ".join(f"{k}: {v}" for k, v in figures.items()) + " |")
    out = ROOT / "bench" / "results" / "fault_runs.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    bad = (results["kills during a write"]["lost"] + results["kills during a write"]["broken"]
           + results["concurrent saves"]["lost"] + results["fuzzed catalogs"]["traceback or other"]
           + results["fuzzed catalogs"]["hang (>60 s)"])
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
