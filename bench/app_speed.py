"""Review-screen speed, as ratios to a bare Streamlit app measured in the same run.

Usage (from the repository root)::

    .venv/bin/python bench/app_speed.py [--runs 7]

Absolute times mean little on a shared machine; ratios to the cheapest
thing Streamlit can do, measured in the same run, with the same server
settings and the same headless Chromium, do. Two apps are served
(``streamlit run`` on free ports):

- a bare app: one button and a counter;
- locwork's ``app.py`` on a temporary project (``LOCWORK_ROOT``) with the
  default article translated into Spanish by Apertium and its catalog
  copied to eight more languages (nine in the language bar).

A third app, the *component page*, has the same counter button in a fragment,
in the app's frame (the sidebar and its pages), with the count drawn by a
one-line browser component (``st.components.v2``) as the review editor is:
a rerun of it is the least an editor drawn by a component can cost, before
any work of its own (the catalog write, the rows, the editor's data).

Measured, interleaved (bare, review, bare, review...) so that a load spike
hits both sides alike:

- ``page load``: a new browser context (empty cache) opens the page until
  Streamlit reports the run finished and the page's content is drawn (the
  bare app's button; the review page's editor filled and the preview's
  current segment highlighted);
- ``button rerun``: a click on the bare app's button until its counter
  shows the new value and the run is finished;
- ``approve & next``: a click on the review page's *Approve & next* until
  the next segment's editor is open and the run is finished (the catalog
  write, the history line and the memory update included). The editor is a
  fragment of its own; once it is on screen, the details under it and the
  preview beside it rerun as fragments of theirs (ui/workbench.py).
  ``approve & next, whole page`` is the same click until those are drawn for
  the next segment too and the page is idle (no target). Every click waits
  for a page idle for 0.4 s first, so that no measure overlaps another;
- ``next, no save`` (no target): the editor's Next button, the same fragment's
  run as approve & next without the catalog write: what the write costs;
- ``open list`` (no target): the segment table is in an expander, closed in a
  new session (its data-frame widget is the page's heaviest); a click on it
  until the table is drawn. ``approve & next, list open``: the same click as
  above with the table open (it is redrawn too).

Targets (issue 12 §5): approve & next at most 1.5x the bare button rerun,
the review page at most 2x the bare page load. Prints a table; exit status
1 if a target is missed.

With psutil (installed with distributed), each measure also gets the CPU
seconds the Streamlit server and Chromium (every process) spent in it, the
medians printed beside the times: that tells the server's work (the save,
the script run) from the browser's (fetching and running Streamlit's
per-widget scripts, React drawing what a run sent).
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
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DOC = ROOT / "corpus" / "sommet-trump-poutine-annule.txt"
CHROMIUM = os.environ.get("LOCWORK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LANGS = ["es", "ca", "en", "de", "it", "pt", "gl", "oc", "eo"]
APPROVE_TARGET, LOAD_TARGET = 1.5, 2.0
DONE = "[data-test-script-state=notRunning]"
LOCATOR_WAITS = False  # --locator-waits: see shown()

BARE_APP = '''import streamlit as st

st.session_state.setdefault("n", 0)


def bump():
    st.session_state["n"] += 1


st.button("Click", key="bump", on_click=bump)
st.markdown(f"clicked {st.session_state['n']} times")
'''

# The same button in a fragment, in the app's frame (a sidebar, pages), the count drawn by a
# one-line browser component: the least an editor drawn by a component costs a rerun.
FRAME_APP = '''import streamlit as st

pages = [st.Page("main_page.py", title="Review", default=True)] + [
    st.Page(f"page_{i}.py", title=f"Page {i}", url_path=f"page{i}") for i in range(6)]
page = st.navigation(pages)
st.sidebar.markdown("### locwork")
st.sidebar.selectbox("Document", ["a.txt", "b.txt"], key="doc")
st.sidebar.text_input("Your name", key="name")
st.sidebar.caption("Project: /tmp")
page.run()
'''
COMPONENT_PAGE = '''import streamlit as st

st.session_state.setdefault("n", 0)
counter = st.components.v2.component("bench_counter", js="""
export default function ({ parentElement, data }) {
  let el = parentElement.__count;
  if (!el) { el = document.createElement("div"); parentElement.appendChild(el); parentElement.__count = el; }
  el.textContent = data.text;
}""", isolate_styles=False)


def bump():
    st.session_state["n"] += 1


@st.fragment
def editor():
    st.button("Click", key="bump", on_click=bump)
    counter(key="count", data={"text": f"clicked {st.session_state['n']} times"})


st.markdown("##### Review")
editor()
'''


def make_project(root: Path) -> None:
    """The article in Spanish (Apertium), its catalog copied to the eight other languages."""
    from locwork import pipeline, review, workspace
    from locwork.engines.registry import Engines

    (root / "corpus").mkdir(parents=True)
    shutil.copy(DOC, root / "corpus")
    proj = workspace.Project(root)
    doc = workspace.load_document(root / "corpus" / DOC.name)
    with Engines(["apertium"]) as engines:
        route = pipeline.choose_route(engines, "fr", "es")
        pipeline.translate_document(doc, "es", route, engines, proj.locales, root=root)
    es = review.catalog_for(proj.locales, "es", doc.name)
    for lang in LANGS[1:]:
        other = review.catalog_for(proj.locales, lang, doc.name)
        other.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(es, other)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(script: Path, root: Path):
    """``streamlit run script`` on a free port (the test suite's settings); yields its URL and pid."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=dict(os.environ, LOCWORK_ROOT=str(root)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"streamlit did not start for {script}") from None
                time.sleep(0.3)
        yield url, server.pid
    finally:
        server.terminate()
        server.wait(timeout=10)


def idle(page, quiet_ms: int = 400) -> None:
    """Wait until no script has run on the page for ``quiet_ms``."""
    page.wait_for_function(
        """(quiet) => { const s = document.querySelector('[data-test-script-state]');
        const now = performance.now();
        if (!s || s.getAttribute('data-test-script-state') !== 'notRunning') { window.__lwBusy = now; return false; }
        if (window.__lwBusy === undefined) window.__lwBusy = now;
        return now - window.__lwBusy >= quiet; }""", arg=quiet_ms, polling=20)


# True once the page's script run is over and ``text`` is shown under ``scope`` (a visible
# text node whose text is exactly that), or, without a text, once ``scope`` matches.
SHOWN_JS = """([scope, text]) => {
  const s = document.querySelector('[data-test-script-state]');
  if (!s || s.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const root = document.querySelector(scope);
  if (!root) return false;
  if (text === null) return true;
  const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    if (node.nodeValue.trim() === text && node.parentElement.getClientRects().length) return true;
  }
  return false;
}"""


def shown(page, scope: str, text: str | None = None) -> None:
    """Wait until the run is over and ``text`` is on screen under ``scope``.

    Checked in the page on every animation frame: Playwright's own waits (a locator's
    ``wait_for``) retry after 0, 20, 50, 100 ms..., so that a change 30 ms after the
    click is seen at about 75 ms and one 60 ms after it at about 125 ms: both apps' times
    would be those steps, not theirs. ``--locator-waits`` measures that way (the way of
    this bench before session 8), to compare with older figures.
    """
    if LOCATOR_WAITS:
        where = page.locator(scope)
        (where.get_by_text(text, exact=True) if text is not None else where.first).wait_for()
        page.locator(DONE).wait_for(state="attached")
        return
    page.wait_for_function(SHOWN_JS, arg=[scope, text], polling="raf")


def bump(page, clicks: int) -> float:
    """Seconds from a click on a counter page's button until it shows ``clicks`` and its run
    is over (the bare page and the component page)."""
    idle(page)
    start = time.perf_counter()
    page.locator(".st-key-bump button").click()
    shown(page, "body", f"clicked {clicks} times")
    return time.perf_counter() - start


class Bench:
    """Both apps in one Chromium; each measure returns seconds."""

    def __init__(self, browser, bare_url: str, app_url: str, ids: list[str]):
        self.browser, self.bare_url, self.app_url = browser, bare_url, app_url
        self.ids = ids
        self.bare_page = self.review_page = self.component_page = None
        self.component_url = ""
        self.component_clicks = 0
        self.clicks = 0

    def _context(self):
        return self.browser.new_context(viewport={"width": 1440, "height": 900})

    def bare_load(self) -> float:
        if self.bare_page:
            self.bare_page.context.close()
        page = self._context().new_page()
        page.set_default_timeout(120_000)
        start = time.perf_counter()
        page.goto(self.bare_url)
        shown(page, ".st-key-bump button")
        shown(page, "body", "clicked 0 times")
        elapsed = time.perf_counter() - start
        self.bare_page, self.clicks = page, 0
        return elapsed

    def component_rerun(self) -> float:
        """The button of the component page (its own tab, kept open)."""
        if self.component_page is None:
            page = self._context().new_page()
            page.set_default_timeout(120_000)
            page.goto(self.component_url)
            page.locator(".st-key-bump button").wait_for()
            page.locator(DONE).wait_for(state="attached")
            self.component_page, self.component_clicks = page, 0
        self.component_clicks += 1
        return bump(self.component_page, self.component_clicks)

    def bare_rerun(self) -> float:
        self.clicks += 1
        return bump(self.bare_page, self.clicks)

    def review_load(self, seg: str) -> float:
        if self.review_page:
            self.review_page.context.close()
        page = self._context().new_page()
        page.set_default_timeout(120_000)
        start = time.perf_counter()
        page.goto(f"{self.app_url}/review?lang=es&seg={seg}&reviewer=Bench")
        shown(page, ".st-key-target_editor textarea")
        shown(page, ".st-key-preview_box .lw-seg.current")
        elapsed = time.perf_counter() - start
        self.review_page = page
        return elapsed

    def _editor_click(self, button: str, seg: str, after: str) -> float:
        """Click the editor's ``button`` on ``seg`` (once the page is idle) and wait for
        ``after`` in the editor; returns when the click started (``time.perf_counter``)."""
        page = self.review_page
        page.locator(".st-key-editor_box").get_by_text(seg, exact=True).wait_for()
        idle(page)
        start = time.perf_counter()
        page.locator(f".st-key-{button} button:visible").click()
        shown(page, ".st-key-editor_box", after)
        return start

    def approve_next(self, seg: str, after: str) -> tuple[float, float]:
        """(editor ready, whole page drawn) for one click."""
        start = self._editor_click("approve_next", seg, after)
        ready = time.perf_counter() - start
        shown(self.review_page, f".st-key-preview_box .lw-seg.current[data-seg='{after}']")
        idle(self.review_page, quiet_ms=150)
        return ready, time.perf_counter() - start - 0.15

    def next_segment(self, seg: str, after: str) -> float:
        """The editor's Next: the same run as approve & next, without the save."""
        start = self._editor_click("next", seg, after)
        return time.perf_counter() - start

    def open_list(self) -> float:
        page = self.review_page
        idle(page)
        start = time.perf_counter()
        page.locator(".st-key-segment_list button").click()
        shown(page, "[data-stale=false][class*='st-key-seg_table_'] canvas")
        return time.perf_counter() - start


class CpuMeter:
    """CPU seconds of the servers and of Chromium, read before and after each measure."""

    def __init__(self, server_pids: list[int]):
        try:
            import psutil
        except ImportError:  # no split then, the times alone
            self.psutil = None
            return
        self.psutil = psutil
        self.servers = [psutil.Process(pid) for pid in server_pids]

    def _seconds(self, procs) -> dict[int, float]:
        found = {}
        for proc in procs:
            try:
                times = proc.cpu_times()
                found[proc.pid] = times.user + times.system
            except self.psutil.Error:  # a renderer that just ended
                pass
        return found

    def read(self) -> tuple[dict[int, float], dict[int, float]] | None:
        if self.psutil is None:
            return None
        chromium = [p for p in self.psutil.Process().children(recursive=True)
                    if "chrom" in p.name().lower()]
        return self._seconds(self.servers), self._seconds(chromium)

    @staticmethod
    def spent(before, after) -> tuple[float, float] | None:
        if before is None or after is None:
            return None
        return tuple(sum(t - start.get(pid, 0.0) for pid, t in end.items())
                     for start, end in zip(before, after))


def measure(runs: int, root: Path) -> tuple[dict[str, list[float]], dict[str, list[tuple[float, float]]]]:
    from playwright.sync_api import sync_playwright

    from locwork import catalog, review

    es = review.catalog_for(root / "locales", "es", DOC.stem)
    ids = [e.msgctxt for e in catalog.load(es) if e.msgctxt and e.msgid]
    times: dict[str, list[float]] = {"bare load": [], "review load": [], "bare rerun": [],
                                     "component page rerun": [],
                                     "approve & next": [], "approve & next, whole page": [], "next, no save": [],
                                     "open list": [], "approve & next, list open": []}
    cpu: dict[str, list[tuple[float, float]]] = {name: [] for name in times}
    with tempfile.TemporaryDirectory(prefix="locwork-bare-") as tmp:
        bare = Path(tmp) / "bare_app.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        frame = Path(tmp) / "component" / "frame_app.py"
        frame.parent.mkdir()
        frame.write_text(FRAME_APP, encoding="utf-8")
        (frame.parent / "main_page.py").write_text(COMPONENT_PAGE, encoding="utf-8")
        for i in range(6):
            (frame.parent / f"page_{i}.py").write_text("import streamlit as st\n\nst.write('page')\n")
        with served(bare, root) as (bare_url, bare_pid), served(frame, root) as (component_url, component_pid), \
                served(ROOT / "app.py", root) as (app_url, app_pid), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            bench = Bench(browser, bare_url, app_url, ids)
            bench.component_url = component_url
            meter = CpuMeter([bare_pid, app_pid, component_pid])

            def timed(name: str, step, *args) -> None:
                before = meter.read()
                result = step(*args)
                spent = meter.spent(before, meter.read())
                names = [name, f"{name}, whole page"] if isinstance(result, tuple) else [name]
                names = [n for n in names if n in times]
                for each, value in zip(names, result if isinstance(result, tuple) else [result]):
                    times[each].append(value)
                if spent:
                    cpu[names[-1]].append(spent)  # (the CPU of the whole click)

            # Warm-up: server-side imports, each app's first run, the first write and match.
            bench.bare_load()
            bench.bare_rerun()
            bench.review_load(ids[0])
            bench.approve_next(ids[0], ids[1])
            for i in range(runs):
                start = 2 + 5 * i  # three approved, a move, one approved with the list open
                timed("bare load", bench.bare_load)
                timed("review load", bench.review_load, ids[start])
                for k in range(3):
                    timed("bare rerun", bench.bare_rerun)
                    timed("component page rerun", bench.component_rerun)
                    timed("approve & next", bench.approve_next, ids[start + k], ids[start + k + 1])
                timed("next, no save", bench.next_segment, ids[start + 3], ids[start + 4])
                timed("open list", bench.open_list)
                timed("approve & next, list open", bench.approve_next, ids[start + 4], ids[start + 5])
            browser.close()
    return times, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--locator-waits", action="store_true",
                        help="wait with Playwright locators, as before session 8 (see shown())")
    args = parser.parse_args()
    global LOCATOR_WAITS
    LOCATOR_WAITS = args.locator_waits
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="locwork-bench-") as tmp:
        root = Path(tmp)
        make_project(root)
        times, cpu = measure(args.runs, root)
    times = {name: values for name, values in times.items() if values}
    med = {name: statistics.median(values) for name, values in times.items()}
    print(f"\n{len(LANGS)} languages in the bar, {args.runs} loads, "
          f"{len(times['bare rerun'])} reruns of each; times in ms "
          "(CPU: median CPU ms of the server / of Chromium)\n")
    print(f"{'measure':<26} {'n':>3} {'median':>8} {'min':>8} {'max':>8} {'CPU server':>11} {'CPU browser':>12}")
    for name, values in times.items():
        split = [f"{statistics.median(c[i] for c in cpu[name]) * 1000:>{w}.0f}"
                 for i, w in ((0, 11), (1, 12))] if cpu[name] else []
        print(f"{name:<26} {len(values):>3} {med[name] * 1000:>8.0f} {min(values) * 1000:>8.0f} "
              f"{max(values) * 1000:>8.0f} {' '.join(split)}")
    checks = [("approve & next / bare rerun", med["approve & next"] / med["bare rerun"], APPROVE_TARGET),
              ("review load / bare load", med["review load"] / med["bare load"], LOAD_TARGET)]
    print()
    print(f"{'approve & next / component page rerun':<30} "
          f"{med['approve & next'] / med['component page rerun']:5.2f}x  (no target: a counter drawn "
          "by a browser component in a fragment, "
          f"{med['component page rerun'] / med['bare rerun']:.2f}x a bare rerun)")
    for name, ratio, target in checks:
        print(f"{name:<30} {ratio:5.2f}x  (target <= {target}x)  {'ok' if ratio <= target else 'SLOW'}")
    return 0 if all(ratio <= target for _, ratio, target in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
