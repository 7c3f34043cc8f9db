"""The review screen in a real headless Chromium: keyboard shortcuts, the layout at 1280×720 / 1440 px,
and each review basic of issue 12 §4, by mouse and by keyboard.

A project with the article translated into Spanish by Apertium, its
catalog copied to eight more languages (nine in the language bar), served
by ``streamlit run app.py``, one server and one browser for the module.
Screenshots go to tests/artifacts/ on failure.
"""

from __future__ import annotations

import shutil

import pytest

from locwork import catalog, review, tokens
from test_browser import (ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, DOC_NAME, browser_project, screenshots,
                          settle, streamlit_app)

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


def status(page):
    """Where the editor says what the last action did (saved, approved, an error)."""
    return page.locator(".st-key-workbench .lw-wb-status")


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
            expect(status(page)).to_contain_text("Saved p6.s1")
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


def _fresh(page, selector: str):
    """An element of the last run (Streamlit keeps the previous run's ones, stale, for a while)."""
    return page.locator(f"{selector}:not([data-stale='true'])")


@pytest.mark.timeout(420)  # ~1 min on an idle machine; minutes on a loaded one
def test_review_basics(served, request):
    """Search, filters and Prev/Next, the detail tabs, counts, tokens, comment, glossary,
    the preview, an unchanged save, the table, downloads, n-best and a bad upload."""
    from playwright.sync_api import expect, sync_playwright

    url, es = served
    expect.set_options(timeout=60_000)  # a shared machine: a rerun can take 30 s
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = chromium.new_context(viewport={"width": 1440, "height": 900},
                                    accept_downloads=True).new_page()
        page.set_default_timeout(90_000)
        editor = page.locator(".st-key-target_editor textarea")
        head = page.locator(".st-key-editor_box .lw-head")  # the segment id, kind and state
        try:
            page.goto(f"{url}/review?lang=es&seg=p7.s1&reviewer=Ana")
            settle(page)
            expect(head).to_contain_text("p7.s1")
            saved = review.find_entry(catalog.load(es), "p7.s1")

            # Counts, and the source's number and names highlighted; Alt+1 inserts the first.
            expect(page.get_by_test_id("lw-counts")).to_contain_text("characters")
            expect(page.locator(".st-key-editor_box .lw-src mark.lw-number").first).to_be_visible()
            token = tokens.distinct(tokens.find(saved.msgid))[0].text
            expect(page.locator(".st-key-tok_1 button:visible")).to_contain_text(token)
            page.evaluate("document.activeElement && document.activeElement.blur()")
            page.keyboard.press("Alt+1")
            expect(editor).to_have_value(f"{saved.msgstr} {token}")

            # The preview follows what is typed (before any save).
            settle(page)
            editor.fill("Texto que sigue la vista previa.")
            page.locator(".st-key-editor_box .lw-label").first.click()  # leave the area
            expect(page.locator(".st-key-preview_box .lw-seg.current")).to_have_text(
                "Texto que sigue la vista previa.")
            settle(page)
            page.get_by_role("button", name="Discard draft").click()
            expect(editor).to_have_value(saved.msgstr)

            # Saving without a change leaves the segment as it was (machine, fuzzy).
            settle(page)
            page.get_by_role("tab", name="History").click()
            page.locator(".st-key-save button:visible").click()
            expect(status(page)).to_contain_text("No change to save")
            assert "fuzzy" in review.find_entry(catalog.load(es), "p7.s1").flags
            expect(page.locator(".st-key-editor_box")).to_contain_text("machine")
            # ... and the detail tab chosen stays open after the save.
            expect(page.get_by_role("tab", name="History")).to_have_attribute("aria-selected", "true")

            # A comment, kept in the catalog as a translator comment.
            settle(page)
            page.get_by_role("tab", name="Comment").click()
            _fresh(page, "[class*=st-key-comment_es_]").locator("textarea").fill("Vérifier le nom.")
            page.locator(".st-key-save_comment button:visible").click()
            expect(status(page)).to_contain_text("Comment on p7.s1 saved")
            assert review.find_entry(catalog.load(es), "p7.s1").tcomment == "Vérifier le nom."

            # The glossary panel: add a term of this segment, it is listed with its rendering.
            settle(page)
            page.get_by_role("tab", name="Glossary").click()
            page.locator(".st-key-gl_term input").fill("Maison Blanche")
            page.locator(".st-key-gl_translation input").fill("Casa Blanca")
            page.get_by_role("button", name="Add to the glossary").click()
            expect(status(page)).to_contain_text("Added 'Maison Blanche'")
            settle(page)
            page.get_by_role("tab", name="Glossary").click()
            expect(page.locator(".st-key-detail_panel")).to_contain_text("Maison Blanche → Casa Blanca")

            # Alternatives: the engine gives no n-best list, and the tab says so.
            page.get_by_role("tab", name="Alternatives").click()
            expect(page.locator(".st-key-detail_panel")).to_contain_text("No n-best list")

            # Search ignores accents and case; the editor leaves a segment the filter hides
            # for the first one shown, and Prev/Next move within the filtered list.
            rows = review.load_rows(review_doc(es), es.parents[1], "es", None)
            expected = [r.id for r in review.filter_rows(rows, query="etat")]
            after = [r.id for r in rows][[r.id for r in rows].index("p7.s1") + 1]
            assert expected and after not in expected
            page.evaluate("document.activeElement && document.activeElement.blur()")
            page.keyboard.press("Alt+ArrowDown")
            expect(head).to_contain_text(after)
            settle(page)
            page.keyboard.press("/")
            query = page.locator(".st-key-f_query input")
            expect(query).to_be_focused()
            page.keyboard.type("etat")
            page.keyboard.press("Enter")
            settle(page)
            expect(page.get_by_text(f"{len(expected)} of ")).to_be_visible()
            expect(head).to_contain_text(expected[0])
            if len(expected) > 1:
                page.keyboard.press("Alt+ArrowDown")
                expect(head).to_contain_text(expected[1])
                page.locator(".st-key-prev button:visible").click()
                expect(head).to_contain_text(expected[0])
            expect(page.locator(".st-key-prev button:visible")).to_be_disabled()
            settle(page)
            query.fill("")
            query.press("Enter")
            settle(page)

            # The table shows blanks, never "None" (its accessible copy holds the cell texts).
            page.locator(".st-key-segment_list button").click()  # closed until opened
            grid = page.locator(".stElementContainer[data-stale='false'][class*='st-key-seg_table_']")
            expect(grid).to_contain_text("p7.s1")
            assert "None" not in grid.inner_text()

            # Each language's PO download has its own name.
            page.goto(f"{url}/export?reviewer=Ana")
            settle(page)
            names = set()
            for lang in ("es", "ca"):
                with page.expect_download() as download:
                    page.locator(f".st-key-dl_{lang}_po button:visible").click()
                names.add(download.value.suggested_filename)
            assert len(names) == 2 and all(n.endswith(".po") for n in names), names

            # A bad model upload is named by its own file name, not a temporary path.
            page.goto(f"{url}/models?reviewer=Ana")
            settle(page)
            page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
                files=[{"name": "broken.argosmodel", "mimeType": "application/zip",
                        "buffer": b"not a zip"}])
            alert = page.locator("[data-testid=stAlertContentError]")
            expect(alert).to_contain_text("broken.argosmodel")
            assert "/tmp" not in alert.inner_text()
        except BaseException:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
            raise
        finally:
            chromium.close()


def review_doc(es):
    from locwork import workspace

    return workspace.load_document(es.parents[2] / "corpus" / f"{DOC_NAME}.txt")


def test_filter_and_tool_bars(served, request):
    """The filter bar and the tool bar (ui/bars.py, drawn by the browser): each control by
    mouse or by keyboard, and the count of segments shown follows the filters."""
    from playwright.sync_api import expect, sync_playwright

    url, es = served
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = chromium.new_context(viewport={"width": 1440, "height": 900}).new_page()
        page.set_default_timeout(30_000)
        try:
            page.goto(f"{url}/review?lang=es&seg=p4.s1&reviewer=Ana")
            settle(page)
            rows = review.load_rows(review_doc(es), es.parents[1], "es", None)
            meta = page.locator(".st-key-segment_list .lw-meta")
            expect(meta).to_contain_text(f"{len(rows)} of {len(rows)} segments shown")

            # State, by keyboard: the menu opens with Enter, a box is checked with Space.
            menu = page.locator(".st-key-f_states summary")
            menu.focus()
            page.keyboard.press("Enter")
            machine = page.locator(".st-key-f_states input[value=machine]")
            expect(machine).to_be_visible()
            machine.focus()
            page.keyboard.press("Space")
            settle(page)
            shown = review.filter_rows(rows, states=["machine"])
            expect(meta).to_contain_text(f"{len(shown)} of {len(rows)} segments shown")
            expect(menu).to_have_text("machine")
            page.keyboard.press("Escape")  # closes the menu, back on its summary
            expect(machine).to_be_hidden()
            menu.click()
            page.locator(".st-key-f_states input[value=machine]").uncheck()  # by mouse
            settle(page)
            expect(meta).to_contain_text(f"{len(rows)} of {len(rows)} segments shown")
            expect(menu).to_have_text("all states")
            page.locator("h5").first.click()  # a click outside closes the menu
            expect(machine).to_be_hidden()

            # QA: a native select.
            page.locator(".st-key-f_qa select").select_option("with warnings")
            settle(page)
            warned = review.filter_rows(rows, with_warnings=True)
            expect(meta).to_contain_text(f"{len(warned)} of {len(rows)} segments shown")
            page.locator(".st-key-f_qa select").select_option("any")
            settle(page)

            # Two changes made one after the other, the second while the page still runs
            # for the first: both hold (the bar sends every filter with each change).
            menu.click()
            page.locator(".st-key-f_states input[value=machine]").check()
            page.locator(".st-key-f_qa select").select_option("with warnings")
            settle(page)
            both = review.filter_rows(rows, states=["machine"], with_warnings=True)
            expect(meta).to_contain_text(f"{len(both)} of {len(rows)} segments shown")
            expect(menu).to_have_text("machine")
            page.locator(".st-key-f_states input[value=approved]").focus()  # its last box
            page.keyboard.press("Tab")  # leaving the menu by keyboard closes it
            expect(machine).to_be_hidden()
            menu.click()
            page.locator(".st-key-f_states input[value=machine]").uncheck()
            page.locator(".st-key-f_qa select").select_option("any")
            settle(page)
            expect(meta).to_contain_text(f"{len(rows)} of {len(rows)} segments shown")

            # The tool bar: the keys' list (by keyboard), find and replace, consistency, list.
            keys = page.locator(".st-key-keyboard_help button")
            keys.focus()
            page.keyboard.press("Enter")
            expect(page.locator(".st-key-review_toolbar .lw-keys")).to_contain_text("Ctrl+Enter")
            expect(keys).to_have_attribute("aria-expanded", "true")
            page.keyboard.press("Enter")
            expect(page.locator(".st-key-review_toolbar .lw-keys")).to_be_hidden()

            page.locator(".st-key-find_replace button").click()
            panel = page.locator(".st-key-find_replace_panel")
            expect(panel).to_contain_text("Replace with")
            settle(page)
            page.locator(".st-key-find_replace button").click()
            expect(panel).to_have_count(0)
            settle(page)

            page.locator(".st-key-show_consistency input").check()
            expect(page.get_by_text("Consistent:").or_(page.get_by_text(" (across languages)")).first).to_be_visible()
            settle(page)
            page.locator(".st-key-show_consistency input").uncheck()
            settle(page)

            toggle = page.locator(".st-key-segment_list button")
            toggle.click()
            grid = page.locator(".stElementContainer[data-stale='false'][class*='st-key-seg_table_']")
            expect(grid).to_contain_text("p4.s1")
            expect(toggle).to_have_attribute("aria-expanded", "true")
            toggle.click()
            expect(grid).to_have_count(0)
        except BaseException:
            screenshots([page], request.node.name)
            raise
        finally:
            chromium.close()
