"""End to end in a real headless Chromium: translate, review, reload, conflict.

Starts ``streamlit run app.py`` on a free port with ``LOCWORK_ROOT`` pointing
at a temporary copy of the corpus, and drives it with Playwright's Python
API. Needs the Apertium engine (fr→es), Chromium at /usr/bin/chromium
(Playwright's own browser download is not used) and msgfmt. Screenshots
of every open page are saved to tests/artifacts/ when the test fails.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from locwork import catalog, review

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("LOCWORK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DOC_NAME = "sommet-trump-poutine-annule"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]


def _skip_reasons() -> list[str]:
    reasons = []
    if importlib.util.find_spec("playwright") is None:
        reasons.append("playwright is not installed")
    if not Path(CHROMIUM).exists():
        reasons.append(f"{CHROMIUM} is missing (apt-get install chromium)")
    if shutil.which("msgfmt") is None:
        reasons.append("msgfmt is missing (apt-get install gettext)")
    if importlib.util.find_spec("locwork.engines.apertium") is None:
        reasons.append("the Apertium engine (locwork.engines.apertium) is not there yet")
    else:
        from locwork.engines.registry import Engines

        with Engines(["apertium"]) as engines:
            try:
                pairs = engines.get("apertium").pairs()
            except Exception as error:  # noqa: BLE001 - any failure means "cannot run"
                pairs = []
                reasons.append(f"Apertium does not start: {error}")
            if pairs and ("fr", "es") not in pairs:
                reasons.append("Apertium has no fr→es pair (apt-get install apertium-fr-es)")
            elif not pairs and not reasons:
                reasons.append("Apertium has no language pair installed")
    return reasons


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def streamlit_app(root: Path, *app_args: str):
    """Serve ``app.py`` on a free port for the project ``root``; yields its URL, stops it after.

    ``app_args`` go after ``--`` (``--doc FILE``, as ``make run`` passes it). The one way
    every browser test starts the app.
    """
    port = _free_port()
    log = (root / "streamlit.log").open("wb")
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    if app_args:
        command += ["--", *app_args]
    process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ, LOCWORK_ROOT=str(root)),
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"streamlit did not start: {(root / 'streamlit.log').read_text()[-2000:]}")
        time.sleep(0.3)
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def browser_project(tmp_path_factory, name: str, article: bool = True) -> Path:
    """A project folder with its ``corpus/`` (and the default article), or skip with the reasons."""
    reasons = _skip_reasons()
    if reasons:
        pytest.skip("; ".join(reasons))
    root = tmp_path_factory.mktemp(name)
    (root / "corpus").mkdir()
    if article:
        shutil.copy(ROOT / "corpus" / f"{DOC_NAME}.txt", root / "corpus")
    return root


def screenshots(pages: list, name: str) -> None:
    """Keep a picture of every open page in tests/artifacts/ (when a test failed)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for index, page in enumerate(pages):
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}-{index}.png"), full_page=True)
        except Exception:  # noqa: BLE001 - a screenshot must not hide the real failure
            pass


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = browser_project(tmp_path_factory, "project")
    for url in streamlit_app(root):
        yield url, root


@pytest.fixture
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # a loaded machine can take seconds to draw a page
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser, url: str, pages: list):
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    pages.append(page)
    page.goto(url)
    settle(page)
    return page


def settle(page) -> None:
    """Wait until Streamlit has finished running the script for this page, and the review
    editor has no action on its way (it takes one at a time)."""
    page.wait_for_timeout(200)
    page.locator("[data-test-script-state=notRunning]").wait_for(state="attached")
    page.locator(".lw-wb.lw-busy").wait_for(state="detached")
    page.wait_for_timeout(200)


def click(page, key: str) -> None:
    settle(page)
    page.locator(f".st-key-{key} button:visible").click()


def editor(page):
    return page.locator(".st-key-target_editor textarea")


def test_translate_review_reload_and_conflict(server, browser, request):
    from playwright.sync_api import expect

    url, root = server
    pages: list = []
    try:
        # 1. Translate the default article to Spanish, with the router's pick.
        page = open_page(browser, f"{url}/translate?reviewer=Ana", pages)
        expect(page.get_by_role("combobox", name="Route to es")).to_have_value(
            re.compile(r"^fr→.*es \(apertium.*router's pick$"))
        click(page, "t_run")
        expect(page.locator("[data-testid=stAlertContentSuccess]")).to_contain_text(
            "54 translated", timeout=60_000)
        path = review.catalog_for(root / "locales", "es", DOC_NAME)
        assert path.exists()

        # 2. Edit the title and approve it with the keyboard shortcut (Ctrl+Enter).
        page.goto(f"{url}/review?lang=es&seg=p3.s1&reviewer=Ana")
        machine = review.find_entry(catalog.load(path), "p3.s1").msgstr
        assert machine and "fuzzy" in review.find_entry(catalog.load(path), "p3.s1").flags
        expect(editor(page)).to_have_value(machine)
        expect(page.locator(".st-key-editor_box")).to_contain_text("machine")
        edit = "Segunda cumbre Trump-Putin, anulada"
        settle(page)
        editor(page).fill(edit)
        editor(page).press("Control+Enter")
        expect(page.locator(".st-key-workbench .lw-wb-status")).to_contain_text("Approved p3.s1")
        expect(page.locator(".st-key-editor_box")).to_contain_text("p4.s1")

        # 3. Reload: the edit and its state are there.
        page.goto(f"{url}/review?lang=es&seg=p3.s1&reviewer=Ana")
        expect(editor(page)).to_have_value(edit)
        expect(page.locator(".st-key-editor_box")).to_contain_text("approved")
        expect(page.locator(".st-key-preview_box .lw-seg.current")).to_have_text(edit)

        # 4. On disk: the edit, not fuzzy, and msgfmt --check passes.
        entry = review.find_entry(catalog.load(path), "p3.s1")
        assert entry.msgstr == edit and "fuzzy" not in entry.flags
        assert catalog.get_meta(entry, "reviewer") == "Ana"
        result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr

        # 5. Two reviewers open the same segment from the same base: the second save conflicts.
        page.goto(f"{url}/review?lang=es&seg=p4.s1&reviewer=Ana")
        expect(editor(page)).to_have_value(review.find_entry(catalog.load(path), "p4.s1").msgstr)
        other = open_page(browser, f"{url}/review?lang=es&seg=p4.s1&reviewer=Bea", pages)
        expect(editor(other)).to_have_value(editor(page).input_value())
        settle(other)
        editor(other).fill("Versión de Bea.")
        click(other, "save")
        expect(other.locator(".st-key-workbench .lw-wb-status")).to_contain_text("Saved p4.s1")
        settle(page)
        editor(page).fill("Versión de Ana.")
        click(page, "save")
        expect(page.locator(".st-key-editor_box")).to_contain_text("Conflict")
        expect(page.locator(".st-key-editor_box")).to_contain_text("Bea")
        assert review.find_entry(catalog.load(path), "p4.s1").msgstr == "Versión de Bea."
        click(page, "keep_mine")
        expect(page.locator(".st-key-workbench .lw-wb-status")).to_contain_text("Saved p4.s1")
        assert review.find_entry(catalog.load(path), "p4.s1").msgstr == "Versión de Ana."
    except BaseException:
        screenshots(pages, request.node.name)
        raise


def test_uploads_are_checked_in_the_browser(server, browser, request):
    from playwright.sync_api import expect

    url, root = server
    pages: list = []
    try:
        page = open_page(browser, f"{url}/document", pages)
        upload = page.locator(".st-key-upload input[type=file]")
        upload.set_input_files(files=[{
            "name": "page.html", "mimeType": "text/html",
            "buffer": ("<html><body><h1>Titre</h1><p>Une phrase. Une autre.</p>"
                       "<script>alert(1)</script></body></html>").encode(),
        }])
        expect(page.locator("[data-testid=stAlertContentSuccess]")).to_contain_text("page.html: 3 segments")
        expect(page.locator("[data-testid=stAlertContentWarning]").first).to_contain_text("script")
        assert "<script" not in (root / "corpus" / "page.html").read_text("utf-8")
        settle(page)
        upload.set_input_files(files=[{"name": "../../evil.txt", "mimeType": "text/plain",
                                       "buffer": b"Bonjour."}])
        expect(page.locator("[data-testid=stAlertContentError]")).to_contain_text(
            "must not contain a folder path")
        assert not (root.parent / "evil.txt").exists() and not (root / "evil.txt").exists()
        assert sorted(p.name for p in (root / "corpus").iterdir() if not p.name.startswith(".")) == [
            "page.html", f"{DOC_NAME}.txt"]
    except BaseException:
        screenshots(pages, request.node.name)
        raise
