"""The review screen in a real headless Chromium: keyboard shortcuts and the layout at 1280×720 / 1440 px.

A project with the article translated into Spanish by Apertium, its
catalog copied to eight more languages (nine in the language bar), served
by ``streamlit run app.py``. Screenshots go to tests/artifacts/ on failure.
"""

from __future__ import annotations

import shutil

import pytest

from locwork import catalog, review
from test_browser import (ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, DOC_NAME, browser_project, settle,
                          streamlit_app)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(180)]
LANGS = ["es", "ca", "en", "de", "it", "pt", "gl", "oc", "eo"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from locwork import pipeline, workspace
    from locwork.engines.registry import Engines

    root = browser_project(tmp_path_factory, "review_ui")
    proj = workspace.Project(root)
    doc = workspace.load_document(proj.corpus / f"{DOC_NAME}.txt")
    with Engines(["apertium"]) as engines:
        route = pipeline.choose_route(engines, "fr", "es")
        pipeline.translate_document(doc, "es", route, engines, proj.locales, root=root)
    es = review.catalog_for(proj.locales, "es", doc.name)
    for lang in LANGS[1:]:
        other = review.catalog_for(proj.locales, lang, doc.name)
        other.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(es, other)
    for url in streamlit_app(root):
        yield url, es


def _inside(box: dict, width: int, height: int | None = None) -> bool:
    right_ok = box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
    return right_ok and (height is None or box["y"] + box["height"] <= height + 0.5)


def test_keyboard_and_layout(served, request):
    from playwright.sync_api import expect, sync_playwright

    url, es = served
    expect.set_options(timeout=30_000)  # a loaded machine: Streamlit reruns take seconds
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = chromium.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            page.goto(f"{url}/review?lang=es&seg=p4.s1&reviewer=Ana")
            settle(page)
            editor = page.locator(".st-key-target_editor textarea")
            expect(editor).to_have_value(review.find_entry(catalog.load(es), "p4.s1").msgstr)

            # 1440 px: every language of the bar is on screen.
            bar = page.locator(".st-key-review_lang button")
            expect(bar).to_have_count(len(LANGS))
            for i in range(len(LANGS)):
                assert _inside(bar.nth(i).bounding_box(), 1440), f"language {i} off screen"

            # Keyboard: copy the source (Alt+O), next untranslated (Alt+U), focus search (/).
            source = review.find_entry(catalog.load(es), "p4.s1").msgid
            page.evaluate("document.activeElement && document.activeElement.blur()")
            page.keyboard.press("Alt+o")
            expect(editor).to_have_value(source)
            settle(page)
            editor.click()  # the keys work from inside the editor too
            page.keyboard.press("Alt+u")
            expect(page.locator(".st-key-editor_box")).to_contain_text("p6.s1")  # p5 is an image
            # Alt+S saves what is typed in the editor.
            settle(page)
            editor.fill("Texto de Ana.")
            page.keyboard.press("Alt+s")
            expect(page.locator("[data-testid=stToast]").first).to_contain_text("Saved p6.s1")
            assert review.find_entry(catalog.load(es), "p6.s1").msgstr == "Texto de Ana."
            settle(page)
            page.evaluate("document.activeElement && document.activeElement.blur()")
            page.keyboard.press("/")
            expect(page.locator(".st-key-f_query input")).to_be_focused()
            expect(page.locator(".st-key-review_toolbar")).to_contain_text("Keyboard")

            # 1280×720: the translation box is whole on the screen, not clipped.
            page.set_viewport_size({"width": 1280, "height": 720})
            page.goto(f"{url}/review?lang=es&seg=p4.s1&reviewer=Ana")
            settle(page)
            box = editor.bounding_box()
            assert box and box["height"] >= 100, box
            assert _inside(box, 1280, 720), box
        except BaseException:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
            raise
        finally:
            chromium.close()
