"""Review-screen speed: page load with the full article in 5 languages, and saves.

Usage (from the repository root)::

    .venv/bin/python bench/app_speed.py [--languages es,ca,en,pt,it] [--runs 5] [--no-browser]

Set-up: a temporary project (``LOCWORK_ROOT``) with the default article and
one catalog per language, machine-translated through the real engines
(router's pick) or, when no route exists, through a stand-in engine that
tags the source (what is measured is the app, not MT).

Measured:

- ``script run``: the review page's Python run in ``AppTest`` (first run,
  imports included, then warm reruns);
- ``browser load``: a real headless Chromium opening the review page in a
  new session until Streamlit reports the run finished, the editor is
  filled and the preview highlights the segment (``streamlit run`` on a
  free port): the very first load (server-side imports), a new browser
  context each time (empty cache: Streamlit's JavaScript is fetched and
  parsed again), and a reload in the same context (what a reviewer does);
- ``save``: ``locwork.review.save`` (lock, load, check, write, fsync,
  history append), alternately saving and approving one segment;
- ``browser save``: a click on Save until the confirmation shows.

Targets: page load under 2 s, save under 200 ms. Prints a table; exit
status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DOC = ROOT / "corpus" / "sommet-trump-poutine-annule.txt"
CHROMIUM = os.environ.get("LOCWORK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOAD_TARGET, SAVE_TARGET = 2.0, 0.2


class TagEngine:
    """Stand-in for a language no installed engine reaches."""

    name = "tag"

    def __init__(self, langs):
        self.langs = langs

    def pairs(self):
        return [("fr", lang) for lang in self.langs]

    def model_version(self, src, tgt):
        return "tag 1"

    def translate_batch(self, texts, src, tgt, n_best=1):
        from locwork.engines.base import Hypothesis

        return [[Hypothesis(f"{t} [{tgt}]")] for t in texts]

    def close(self):
        pass


def make_project(root: Path, languages: list[str]) -> list[str]:
    from locwork import pipeline, routing, workspace
    from locwork.engines.registry import Engines
    from locwork.errors import LocworkError

    (root / "corpus").mkdir(parents=True)
    shutil.copy(DOC, root / "corpus")
    proj = workspace.Project(root)
    doc = workspace.load_document(root / "corpus" / DOC.name)
    notes = []
    with Engines() as engines:
        for lang in languages:
            try:
                route = pipeline.choose_route(engines, "fr", lang)
                pipeline.translate_document(doc, lang, route, engines, proj.locales, root=root)
                notes.append(f"{lang}: {route}")
            except LocworkError:
                tag = TagEngine(languages)

                class One:
                    problems: dict = {}

                    def get(self, name, tag=tag):
                        return tag

                route = routing.score_route([routing.Hop("tag", "fr", lang)])
                pipeline.translate_document(doc, lang, route, One(), proj.locales, root=root)
                notes.append(f"{lang}: stand-in engine (no route installed)")
    return notes


def bench_script(root: Path, runs: int) -> tuple[float, list[float]]:
    os.environ["LOCWORK_ROOT"] = str(root)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = "es"
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"the app failed: {at.exception[0].message}")
    warm = []
    for _ in range(runs):
        fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        fresh.query_params["lang"] = "es"
        start = time.perf_counter()
        fresh.run()
        warm.append(time.perf_counter() - start)
    return first, warm


def bench_save(root: Path, runs: int) -> list[float]:
    from locwork import catalog, review

    path = review.catalog_for(root / "locales", "es", DOC.stem)
    seg = "p4.s1"
    times = []
    for i in range(runs):
        base = review.find_entry(catalog.load(path), seg).msgstr
        start = time.perf_counter()
        result = review.save(path, seg, f"Texto número {i}.", base, "Bench", approve=i % 2 == 1)
        times.append(time.perf_counter() - start)
        assert isinstance(result, review.Saved)
    return times


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_browser(root: Path, runs: int) -> tuple[float, list[float], list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=dict(os.environ, LOCWORK_ROOT=str(root)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("streamlit did not start") from None
                time.sleep(0.3)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

            def load(seg: str = "p6.s1", page=None):
                if page is None:
                    context = browser.new_context(viewport={"width": 1500, "height": 1000})
                    page = context.new_page()
                start = time.perf_counter()
                page.goto(f"{url}/?lang=es&seg={seg}&reviewer=Bench")
                page.locator(".st-key-target_editor textarea").wait_for()
                page.locator("[data-test-script-state=notRunning]").wait_for(state="attached")
                page.locator(".st-key-preview_box .lw-seg.current").wait_for()
                return time.perf_counter() - start, page

            first, page = load()
            page.context.close()
            loads, reloads, saves = [], [], []
            for i in range(runs):
                elapsed, page = load()
                loads.append(elapsed)
                reloads.append(load(page=page)[0])
                page.locator(".st-key-target_editor textarea").fill(f"Versión {i}.")
                start = time.perf_counter()
                page.locator(".st-key-save button:visible").click()
                page.locator("[data-testid=stToast]").filter(has_text="Saved p6.s1").first.wait_for()
                saves.append(time.perf_counter() - start)
                page.context.close()
            browser.close()
        return first, loads, reloads, saves
    finally:
        server.terminate()
        server.wait(timeout=10)


def row(name: str, values: list[float], target: float | None) -> tuple[str, bool]:
    med = statistics.median(values)
    ok = target is None or med < target
    verdict = "" if target is None else ("ok" if ok else "SLOW")
    target_text = f"< {target * 1000:.0f} ms" if target else ""
    return (f"{name:<34} {len(values):>4} {med * 1000:>10.1f} {max(values) * 1000:>10.1f} "
            f"{target_text:>10} {verdict:>5}"), ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default="es,ca,en,pt,it")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    if "es" not in languages:
        languages.insert(0, "es")
    with tempfile.TemporaryDirectory(prefix="locwork-bench-") as tmp:
        root = Path(tmp)
        for note in make_project(root, languages):
            print(f"catalog {note}")
        script_first, script_warm = bench_script(root, args.runs)
        saves = bench_save(root, max(args.runs * 4, 20))
        lines = [row("script run, first (imports)", [script_first], None),
                 row("script run, new session", script_warm, LOAD_TARGET),
                 row("review.save", saves, SAVE_TARGET)]
        browser_ok = not args.no_browser and Path(CHROMIUM).exists()
        if browser_ok:
            first, loads, reloads, clicks = bench_browser(root, args.runs)
            lines += [row("browser load, first (cold server)", [first], None),
                      row("browser load, new browser", loads, LOAD_TARGET),
                      row("browser reload (cached assets)", reloads, LOAD_TARGET),
                      row("browser save (click → toast)", clicks, SAVE_TARGET * 5)]
    print(f"\n{len(languages)} languages, {args.runs} runs; times in ms\n")
    print(f"{'measure':<34} {'n':>4} {'median':>10} {'max':>10} {'target':>10} {'':>5}")
    for text, _ in lines:
        print(text)
    if not browser_ok:
        print("(browser measures skipped)")
    return 0 if all(ok for _, ok in lines) else 1


if __name__ == "__main__":
    raise SystemExit(main())
