"""The Review editor in a real headless Chromium: a typed text never lands on another segment.

For every way of moving (Alt+↓, Alt+↑, Next, Prev, a table row, a filter, a
language switch, a document switch): type a unique text into segment X, move,
then check that the editor shows the new segment's own text, that approving
there (Ctrl+Enter or the button) stores that segment's own text, that the PO
files on disk hold the typed text nowhere, and that coming back to X shows it
as X's unsaved draft and saving puts it on X, and on X only. The catalogs
are parsed with polib (msgctxt → msgstr).

One app server and one browser page for the whole module; the project is two
short documents machine-translated by Apertium into Spanish and Catalan.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest
from test_browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    browser_project,
    settle,
    streamlit_app,
)

from locwork import catalog, history, review

ROOT = Path(__file__).resolve().parents[1]
ALPHA = ("Titre du document\n\nPremière phrase du texte. Deuxième phrase ici.\n\n"
         "Troisième phrase du paragraphe. Quatrième phrase enfin.\n\nCinquième phrase courte.\n")
BETA = "Autre document\n\nUne phrase simple. Une autre phrase.\n"
MARKDOWN = "**gras** [lien](x) <b>b</b> `code`"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = browser_project(tmp_path_factory, "editor", article=False)
    (root / "corpus" / "alpha.txt").write_text(ALPHA, "utf-8")
    (root / "corpus" / "beta.txt").write_text(BETA, "utf-8")
    subprocess.run([sys.executable, "-m", "locwork.cli", "translate", str(root / "corpus"),
                    "--to", "es,ca", "--engine", "apertium", "--locales", str(root / "locales")],
                   cwd=root, check=True, capture_output=True, timeout=300)
    # Document text that looks like Markdown or HTML, in the places the page shows it.
    with catalog.edit(root / "locales" / "es" / "beta.po") as po:
        entry = review.find_entry(po, "p2.s2")
        catalog.update_meta(entry, {
            "alternatives": f'[{{"text": "{MARKDOWN}", "score": -1.5}}]',
            "model": MARKDOWN, "origin": f"tm {MARKDOWN}",
        })
    return root


@pytest.fixture(scope="module")
def app(project):
    yield from streamlit_app(project)


@pytest.fixture(scope="module")
def page(app):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)  # this machine is shared: reruns can take many seconds
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = chromium.new_context(viewport={"width": 1500, "height": 1100})
        page = context.new_page()
        page.set_default_timeout(90_000)  # a first page load under load can take a minute
        page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved drafts?"
        page.lw_console = []  # the page's errors and warnings, written beside a failure's screenshot
        page.on("console", lambda m: page.lw_console.append(f"{m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: page.lw_console.append(f"pageerror: {e}"))
        page.goto(f"{app}/review?doc=alpha.txt&lang=es&seg=p1.s1&reviewer=Ana")
        settle(page)
        yield page
        chromium.close()


@pytest.fixture
def shot(page, request):
    """A screenshot in tests/artifacts/ when the test fails."""
    failed = request.session.testsfailed
    yield
    if request.session.testsfailed > failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        (ARTIFACTS / f"{request.node.name}.console.txt").write_text("\n".join(page.lw_console))


# ------------------------------------------------------------------ helpers


def po_texts(root: Path) -> dict[tuple[str, str, str], polib.POEntry]:
    """(lang, document, msgctxt) → entry, for every catalog of the project."""
    found = {}
    for path in sorted((root / "locales").glob("*/*.po")):
        for entry in polib.pofile(str(path)):
            if entry.msgctxt:
                found[(path.parent.name, path.stem, entry.msgctxt)] = entry
    return found


def eventually(check, timeout: float = 15.0) -> None:
    """Wait for a condition on disk (a toast may be an earlier one with the same words)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def records(root: Path, key: tuple[str, str, str]) -> int:
    """How many saves the catalog's history has for one segment."""
    lang, doc, seg = key
    return len(history.read(root / "locales" / lang / f"{doc}.po", seg))


def where(root: Path, text: str) -> set[tuple[str, str, str]]:
    return {key for key, entry in po_texts(root).items() if text in entry.msgstr}


FRESH = "[data-stale='false']"  # not an element left over from the previous run


def editor(page):
    return page.locator(f".st-key-target_editor{FRESH} textarea, .st-key-target_editor {FRESH} textarea")


def table(page):
    return page.locator(f".stElementContainer{FRESH}[class*='st-key-seg_table_']")


def box(page):
    return page.locator(".st-key-editor_box")


def opened(page, seg: str) -> None:
    """Wait until the editor shows ``seg`` and the app is idle."""
    from playwright.sync_api import expect

    expect(box(page).locator(".lw-head")).to_contain_text(seg)
    settle(page)
    expect(editor(page)).to_have_count(1)


def type_text(page, text: str) -> None:
    """Type as a reviewer does, key by key (the shortcut guard listens to keys)."""
    editor(page).click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def click(page, key: str) -> None:
    settle(page)  # (the editor takes one action at a time, and says so while busy)
    page.locator(f".st-key-{key} button:visible").first.click()


def open_segment_list(page) -> None:
    """Open the segment table (closed on a new session: the table loads then)."""
    toggle = page.locator(".st-key-segment_list button")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    table(page).wait_for()


def click_row(page, index: int) -> None:
    """Select a row of the segment table (its checkbox column, drawn on a canvas)."""
    settle(page)
    open_segment_list(page)
    settle(page)
    grid = table(page)
    grid.scroll_into_view_if_needed()
    grid.click(position={"x": 18, "y": 38 + 35 * index + 17})


def approve(page, how: str, seg: str, root: Path, key: tuple[str, str, str]) -> None:
    """Approve the open segment (Ctrl+Enter or the button); it keeps its own text."""
    from playwright.sync_api import expect

    own = po_texts(root)[key].msgstr
    expect(editor(page)).to_have_value(own)
    done = records(root, key)
    if how == "ctrl+enter":
        editor(page).press("Control+Enter")
    else:
        click(page, "approve")
    eventually(lambda: records(root, key) > done)
    entry = po_texts(root)[key]
    assert entry.msgstr == own and "fuzzy" not in entry.flags


def back_to_draft(page, root: Path, seg: str, typed: str, key: tuple[str, str, str]) -> None:
    """The drafts bar opens X again (in its document and language), with the draft; Save puts it on X."""
    from playwright.sync_api import expect

    assert where(root, typed) == set(), "an unsaved text reached the disk"
    expect(page.locator(".st-key-drafts_bar")).to_contain_text(f"{seg} · {key[0]} · {key[1]}")
    click(page, "draft_0")
    opened(page, seg)
    expect(editor(page)).to_have_value(typed)
    expect(page.locator(".st-key-draft_note")).to_contain_text("Unsaved draft")
    click(page, "save")
    eventually(lambda: where(root, typed) == {key})
    settle(page)
    assert page.locator(".st-key-drafts_bar").count() == 0


# -------------------------------------------------------------------- tests

ES_ALPHA = ("es", "alpha")


def test_moving_by_keyboard_buttons_and_table_keeps_each_text_on_its_segment(project, page, shot):
    from playwright.sync_api import expect

    root = project
    x = "p2.s2"  # every case starts on X, where the previous one came back to
    cases = [  # (how to move, where to, how to approve there)
        ("Alt+ArrowDown", "p3.s1", "ctrl+enter"),
        ("Alt+ArrowUp", "p2.s1", "button"),
        ("next", "p3.s1", "button"),
        ("prev", "p2.s1", "ctrl+enter"),
        ("row", "p4.s1", "ctrl+enter"),
    ]
    order = ["p1.s1", "p2.s1", "p2.s2", "p3.s1", "p3.s2", "p4.s1"]
    click_row(page, order.index(x))
    for i, (move, y, how) in enumerate(cases):
        opened(page, x)
        typed = f"TEXTE-{i}-pour-{x}"
        type_text(page, typed)
        if move.startswith("Alt"):
            editor(page).press(move)
        elif move == "row":
            click_row(page, order.index(y))
        else:
            click(page, move)
        opened(page, y)
        if move.startswith("Alt"):  # the caret goes on into the next editor
            expect(editor(page)).to_be_focused()
        # (a) the new segment's own text, (b) approving stores its own text
        approve(page, how, y, root, (*ES_ALPHA, y))
        # (c) the typed text is on disk nowhere; back on X it is X's draft; Save puts it on X
        back_to_draft(page, root, x, typed, (*ES_ALPHA, x))


def test_filter_language_and_document_switches_never_carry_text(project, page, shot):
    from playwright.sync_api import expect

    root = project
    # A filter that hides X: the first segment it shows opens, with its own text; X's text
    # stays X's unsaved draft, and saving it from the drafts bar puts it on X only.
    opened(page, "p2.s2")
    typed = "TEXTE-filtre-pour-p2.s2"
    type_text(page, typed)
    page.locator(".st-key-f_query input").fill("Troisième")
    page.locator(".st-key-f_query input").press("Enter")
    expect(page.get_by_text("1 of 6 segments shown")).to_be_visible()  # the filter is applied
    opened(page, "p3.s1")
    expect(editor(page)).to_have_value(po_texts(root)[(*ES_ALPHA, "p3.s1")].msgstr)
    page.locator(".st-key-f_query input").fill("")
    page.locator(".st-key-f_query input").press("Enter")
    settle(page)
    back_to_draft(page, root, "p2.s2", typed, (*ES_ALPHA, "p2.s2"))
    click(page, "next")
    opened(page, "p3.s1")

    # A language switch: Catalan's p3.s1 shows its own text; the Spanish draft stays Spanish.
    typed = "TEXTE-langue-pour-p3.s1"
    type_text(page, typed)
    page.locator(".st-key-review_lang button", has_text="Catalan").click()
    opened(page, "p3.s1")
    expect(editor(page)).to_have_attribute("aria-label", "Translation · Catalan (ca)")
    approve(page, "button", "p3.s1", root, ("ca", "alpha", "p3.s1"))
    back_to_draft(page, root, "p3.s1", typed, (*ES_ALPHA, "p3.s1"))
    expect(editor(page)).to_have_attribute("aria-label", "Translation · Spanish (es)")

    # A document switch: beta's segment shows beta's text; alpha's draft stays on alpha.
    typed = "TEXTE-document-pour-p3.s1"
    type_text(page, typed)
    page.locator(".st-key-doc_select").click()
    page.get_by_role("option", name="beta.txt").click()
    expect(page.locator(".st-key-editor_box")).not_to_contain_text("p3.s1")
    settle(page)
    y = box(page).locator(".lw-head").inner_text().split()[0]
    assert y in {"p1.s1", "p2.s1", "p2.s2"}
    approve(page, "ctrl+enter", y, root, ("es", "beta", y))
    back_to_draft(page, root, "p3.s1", typed, (*ES_ALPHA, "p3.s1"))

    # The whole project: every segment holds the text typed for it, or its machine text.
    for (lang, doc, seg), entry in po_texts(root).items():
        if entry.msgstr.startswith("TEXTE-"):
            assert (lang, doc) == ES_ALPHA and entry.msgstr.endswith(f"pour-{seg}"), (lang, doc, seg)


def test_document_text_is_shown_as_text_not_markdown(project, page, shot):
    from playwright.sync_api import expect

    page.locator(".st-key-doc_select").click()
    page.get_by_role("option", name="beta.txt").click()
    settle(page)
    page.locator(".st-key-review_lang button", has_text="Spanish").click()
    settle(page)
    click_row(page, 2)
    opened(page, "p2.s2")
    for tab in ("Alternatives", "Provenance", "Memory"):
        page.get_by_role("tab", name=tab).click()
        panel = page.locator(".st-key-detail_panel")
        expect(panel).to_contain_text(MARKDOWN)
        assert panel.locator("strong, a[href='x'], b:text-is('b')").count() == 0, tab
