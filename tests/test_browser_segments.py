"""The Document page in a real Chromium: segmentation fixes keep human work on its sentence.

Reuses the Streamlit server and Chromium fixtures of ``test_browser.py``
(same skips: Playwright, /usr/bin/chromium, msgfmt, Apertium fr→es).
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from locwork import catalog, review
from locwork.catalog import State
from locwork.export import render

from conftest import msgfmt_check
from test_browser import browser, open_page, screenshots, server, settle  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

FIRST, SECOND, THIRD = "Il a souri.", "« Nous verrons. »", "Puis il est parti."


def updated(page) -> None:
    """Wait for the "Segmentation updated" message (the catalogs follow, MT included)."""
    from playwright.sync_api import expect

    expect(page.locator("[data-testid=stAlertContentSuccess]")).to_contain_text(
        "Segmentation updated", timeout=90_000)


def upload(page, name: str, text: str) -> None:
    settle(page)
    page.locator(".st-key-upload input[type=file]").set_input_files(files=[{
        "name": name, "mimeType": "text/plain", "buffer": text.encode("utf-8")}])


def segment_box(page):
    return page.locator("[class*=st-key-d_seg] input")


def choose(page, box, option: str) -> None:
    settle(page)
    box.click()
    page.get_by_role("option", name=option).click()
    settle(page)


def test_merge_approve_undo_keeps_the_approval_on_its_sentence(server, browser, request):
    from playwright.sync_api import expect

    expect.set_options(timeout=45_000)  # a loaded machine renders slowly
    url, root = server
    pages: list = []
    (root / "corpus" / "parti.txt").write_text(f"{FIRST} {SECOND} {THIRD}\n", "utf-8")
    subprocess.run([sys.executable, "-m", "locwork.cli", "translate", "corpus/parti.txt", "--to", "es"],
                   cwd=root, check=True, capture_output=True, timeout=300)
    path = root / "locales" / "es" / "parti.po"
    try:
        page = open_page(browser, f"{url}/document?doc=parti.txt&reviewer=Ana", pages)
        expect(segment_box(page)).to_have_value(re.compile(r"^p1\.s1 · Il a souri\.$"))
        settle(page)
        page.locator(".st-key-d_merge button").click()
        updated(page)
        assert [e.msgid for e in catalog.load(path) if not e.obsolete] == [f"{FIRST} {SECOND}", THIRD]

        page.goto(f"{url}/review?doc=parti.txt&lang=es&seg=p1.s2&reviewer=Ana")
        editor = page.locator(".st-key-target_editor textarea")
        expect(editor).not_to_have_value("")
        settle(page)
        editor.fill("Luego se fue.")
        editor.press("Control+Enter")
        expect(page.locator(".st-key-workbench .lw-wb-status")).to_contain_text("Approved p1.s2")

        page.goto(f"{url}/document?doc=parti.txt&reviewer=Ana")
        settle(page)
        page.locator(".st-key-d_reset button").click()
        updated(page)

        po = catalog.load(path)
        live = [e for e in po if not e.obsolete]
        assert [(e.msgctxt, e.msgid) for e in live] == [("p1.s1", FIRST), ("p1.s2", SECOND), ("p1.s3", THIRD)]
        third = live[2]
        assert third.msgstr == "Luego se fue." and catalog.entry_state(third) == State.APPROVED
        assert catalog.get_meta(third, "reviewer") == "Ana"
        assert [e.msgid for e in live if e.msgstr == "Luego se fue."] == [THIRD]
        msgfmt_check(path)
        html = render(path, "html", document=root / "corpus" / "parti.txt")[0].decode("utf-8")
        spans = re.findall(r'data-seg="(p1\.s\d)"[^>]*>([^<]*)</span>', html)
        assert [seg for seg, _ in spans] == ["p1.s1", "p1.s2", "p1.s3"]
        assert spans[2][1] == "Luego se fue." and "Luego se fue." not in (spans[0][1], spans[1][1])
        assert review.find_entry(po, "p1.s2").msgstr != "Luego se fue."
    except BaseException:
        screenshots(pages, request.node.name)
        raise


def test_upload_resets_the_segmentation_panel(server, browser, request):
    from playwright.sync_api import expect

    expect.set_options(timeout=45_000)  # a loaded machine renders slowly
    url, root = server
    pages: list = []
    (root / "corpus" / "avant.txt").write_text(
        "Le conseil municipal a voté hier soir. La séance a duré trois heures.\n", "utf-8")
    try:
        page = open_page(browser, f"{url}/document?doc=avant.txt", pages)
        choose(page, segment_box(page), "p1.s2 · La séance a duré trois heures.")
        point = page.locator("[class*=st-key-d_point] input")
        choose(page, point, "…La séance a duré  ‖  trois heures.…")
        expect(point).to_have_value("…La séance a duré  ‖  trois heures.…")

        upload(page, "apres.txt", "M. Dupont est arrivé en retard. Il a salué tout le monde.\n")
        expect(page.locator("[data-testid=stAlertContentSuccess]")).to_contain_text("apres.txt: 2 segments")
        expect(page.get_by_text("apres.txt", exact=False).first).to_be_visible()
        expect(segment_box(page)).to_have_value("p1.s1 · M. Dupont est arrivé en retard.")
        expect(point).to_have_value("…M.  ‖  Dupont est arrivé en…")
        settle(page)
        # Split at what the panel shows for the new document, nothing else.
        choose(page, point, "…M. Dupont est arrivé  ‖  en retard.…")
        page.locator(".st-key-d_split button").click()
        updated(page)
        overrides = (root / "corpus" / ".apres.txt.segments.json").read_text("utf-8")
        assert "M. Dupont est arrivé\"" in overrides and "\"en retard.\"" in overrides
        assert not (root / "corpus" / ".avant.txt.segments.json").exists()
    except BaseException:
        screenshots(pages, request.node.name)
        raise
