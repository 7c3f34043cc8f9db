"""Where Chromium's time goes on the review page: a trace and a JS profile of one load and
of a few *Approve & next*.

Usage (from the repository root)::

    .venv/bin/python bench/app_profile.py [--clicks 3] [--trace out.json]

Same project and servers as ``bench/app_speed.py``. For the first load and for the clicks it
prints (1) the renderer main thread's time by trace event (script, style, layout, paint...),
(2) the JS functions with the most self time (CDP ``Profiler``), by script file, and (3) the
CPU seconds of each Chromium process kind (renderer, GPU, browser, utility), so that a
figure names what to fix instead of guessing.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from app_speed import CHROMIUM, CHROMIUM_ARGS, DOC, DONE, make_project, served  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOP = 14


def chromium_cpu() -> dict[str, float]:
    """CPU seconds per Chromium process kind (``--type=``), every process of this run."""
    import psutil

    found: dict[str, float] = collections.defaultdict(float)
    for proc in psutil.Process().children(recursive=True):
        try:
            if "chrom" not in proc.name().lower():
                continue
            kind = next((a.split("=", 1)[1] for a in proc.cmdline() if a.startswith("--type=")),
                        "browser")
            if kind == "utility":
                kind = next((a.split("=", 1)[1] for a in proc.cmdline()
                             if a.startswith("--utility-sub-type=")), kind).split(".")[-1]
            times = proc.cpu_times()
            found[kind] += times.user + times.system
        except psutil.Error:
            pass
    return found


def main_thread_events(trace: dict) -> list[dict]:
    """The complete events of the renderer main threads (CrRendererMain) of the trace."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    mains = {(e["pid"], e["tid"]) for e in events
             if e.get("name") == "thread_name" and e.get("args", {}).get("name") == "CrRendererMain"}
    return [e for e in events if (e.get("pid"), e.get("tid")) in mains and e.get("ph") == "X"]


def event_summary(events: list[dict]) -> list[tuple[str, float, int]]:
    """Self time (ms) by event name: an event's time less its children's, on one thread."""
    by_thread: dict[tuple, list[dict]] = collections.defaultdict(list)
    for e in events:
        if "dur" in e:
            by_thread[(e["pid"], e["tid"])].append(e)
    self_ms: dict[str, float] = collections.defaultdict(float)
    count: dict[str, int] = collections.defaultdict(int)
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack: list[dict] = []
        for e in evs:
            while stack and stack[-1]["ts"] + stack[-1]["dur"] <= e["ts"]:
                stack.pop()
            if stack:
                self_ms[stack[-1]["name"]] -= e["dur"] / 1000
            self_ms[e["name"]] += e["dur"] / 1000
            count[e["name"]] += 1
            stack.append(e)
    top = sorted(self_ms.items(), key=lambda kv: -kv[1])[:TOP]
    return [(name, ms, count[name]) for name, ms in top]


def profile_summary(profile: dict) -> tuple[list, list]:
    """Self time (ms) by JS function and by script file, from a CDP Profiler profile."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    deltas = profile.get("timeDeltas", [])
    self_ms: dict[int, float] = collections.defaultdict(float)
    for sample, delta in zip(profile.get("samples", []), deltas[1:] + [0]):
        self_ms[sample] += delta / 1000
    by_fn: dict[str, float] = collections.defaultdict(float)
    by_file: dict[str, float] = collections.defaultdict(float)
    for node_id, ms in self_ms.items():
        frame = nodes[node_id]["callFrame"]
        url = frame.get("url", "").rsplit("/", 1)[-1][:40] or "-"
        by_fn[f"{frame.get('functionName') or '(anon)'} @ {url}:{frame.get('lineNumber', 0) + 1}"] += ms
        by_file[url] += ms
    return (sorted(by_fn.items(), key=lambda kv: -kv[1])[:TOP],
            sorted(by_file.items(), key=lambda kv: -kv[1])[:TOP])


def report(title: str, seconds: float, trace: dict, profile: dict, cpu: dict[str, float]) -> None:
    print(f"\n=== {title}: {seconds * 1000:.0f} ms wall ===")
    print("Chromium CPU by process: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in
                                                  sorted(cpu.items(), key=lambda kv: -kv[1])))
    print("renderer main thread, self ms by trace event:")
    for name, ms, n in event_summary(main_thread_events(trace)):
        print(f"  {ms:8.0f}  {n:6d}  {name}")
    fns, files = profile_summary(profile)
    print("JS self ms by script file:")
    for name, ms in files:
        print(f"  {ms:8.0f}  {name}")
    print("JS self ms by function:")
    for name, ms in fns:
        print(f"  {ms:8.0f}  {name}")


CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "blink",
              "toplevel"]


def run(clicks: int, root: Path, trace_out: str | None) -> None:
    from playwright.sync_api import sync_playwright

    from locwork import catalog, review

    es = review.catalog_for(root / "locales", "es", DOC.stem)
    ids = [e.msgctxt for e in catalog.load(es) if e.msgctxt and e.msgid]
    with served(ROOT / "app.py", root) as (url, _pid), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # warm-up: the server's imports and first run
        warm = browser.new_context().new_page()
        warm.set_default_timeout(120_000)
        warm.goto(f"{url}/review?lang=es&seg={ids[0]}&reviewer=Bench")
        warm.locator(".st-key-target_editor textarea").wait_for()
        warm.locator(DONE).wait_for(state="attached")
        warm.context.close()

        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        page.set_default_timeout(120_000)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 200})

        def measured(title: str, action) -> None:
            with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
                cpu0 = chromium_cpu()
                browser.start_tracing(page=page, path=tmp.name, categories=CATEGORIES)
                cdp.send("Profiler.start")
                start = time.perf_counter()
                action()
                seconds = time.perf_counter() - start
                profile = cdp.send("Profiler.stop")["profile"]
                browser.stop_tracing()
                cpu1 = chromium_cpu()
                trace = json.loads(Path(tmp.name).read_text())
                if trace_out:
                    Path(f"{trace_out}.{title.split()[0]}.json").write_text(json.dumps(trace))
            report(title, seconds, trace, profile,
                   {k: v - cpu0.get(k, 0.0) for k, v in cpu1.items()})

        def load() -> None:
            page.goto(f"{url}/review?lang=es&seg={ids[2]}&reviewer=Bench")
            page.locator(".st-key-target_editor textarea").wait_for()
            page.locator(".st-key-preview_box .lw-seg.current").wait_for()
            page.locator(DONE).wait_for(state="attached")

        def approve_next() -> None:
            for k in range(clicks):
                page.locator(".st-key-editor_box").get_by_text(ids[2 + k], exact=True).wait_for()
                page.locator(".st-key-approve_next button:visible").click()
                page.locator(".st-key-editor_box").get_by_text(ids[3 + k], exact=True).wait_for()
                page.locator(DONE).wait_for(state="attached")

        measured("load", load)
        page.wait_for_timeout(1000)
        measured(f"approve ({clicks} clicks)", approve_next)
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=3)
    parser.add_argument("--trace", help="also write the raw traces to TRACE.load.json, TRACE.approve.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="locwork-profile-") as tmp:
        make_project(Path(tmp))
        run(args.clicks, Path(tmp), args.trace)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
