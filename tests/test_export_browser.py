"""The exported pages in a real browser: headless Chromium through Playwright.

Debian's Chromium is driven directly (``executable_path``); Playwright's own
browser download is never used.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from conftest import DEFAULT_DOC
from locwork import catalog, document, export

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DOC_REF = f"corpus/{DEFAULT_DOC.name}"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="/usr/bin/chromium is missing (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict:
    """The Spanish article and review sheet of the default document."""
    from test_export import make_catalog

    root = tmp_path_factory.mktemp("project")
    (root / "corpus").mkdir()
    shutil.copy(DEFAULT_DOC, root / DOC_REF)
    doc = document.load(DEFAULT_DOC)
    po_path = catalog.catalog_path(root / "locales", "es", doc.name)
    catalog.save(make_catalog(doc, "es", DOC_REF), po_path)
    files = {}
    for fmt in ("html", "bilingual"):
        data, name, _ = export.render(po_path, fmt, document=root / DOC_REF)
        files[fmt] = root / "exports" / name
        files[fmt].parent.mkdir(exist_ok=True)
        files[fmt].write_bytes(data)
    files["doc"] = doc
    files["catalog"] = po_path
    return files


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS,
                                             timeout=60_000)
        yield browser
        browser.close()


def non_blank_fraction(png: bytes) -> float:
    """Share of pixels that are not (near) white."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()
    return 1 - sum(histogram[245:]) / (image.width * image.height)


def test_article_in_chromium(exported, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    page.goto(exported["html"].as_uri())
    units = {u.id: u for u in export.load_catalog(exported["catalog"]).units}
    doc = exported["doc"]
    title = next(s for s in doc.segments if s.kind == "heading" and s.level == 1)
    assert page.inner_text("h1") == units[title.id].target
    h2 = [s for s in doc.segments if s.kind == "heading" and s.level != 1]
    assert page.locator("h2").count() == len(h2)
    assert page.locator("figure.media").all_inner_texts() == [
        b.text for b in doc.blocks if b.kind == "media"]
    assert page.evaluate("document.documentElement.lang") == "es"
    # unreviewed text really is underlined with dots, the French fallback in italics
    style = page.eval_on_selector(
        ".seg.unreviewed", "e => getComputedStyle(e).textDecorationStyle")
    assert style == "dotted"
    assert page.eval_on_selector(".seg.source", "e => getComputedStyle(e).fontStyle") == "italic"
    shot = tmp_path / "article.png"
    png = page.screenshot(path=str(shot), full_page=True)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    assert non_blank_fraction(png) > 0.02  # text and placeholders, not a white page
    # print layout: the page uses the full width, no screen margins
    page.emulate_media(media="print")
    assert page.eval_on_selector("body", "e => getComputedStyle(e).maxWidth") == "none"
    page.close()


def test_review_sheet_in_chromium(exported, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(exported["bilingual"].as_uri())
    units = export.load_catalog(exported["catalog"]).units
    assert page.locator("tbody tr").count() == len(units)
    assert page.inner_text("h1").startswith("Review sheet:")
    png = page.screenshot(path=str(tmp_path / "review.png"))
    assert non_blank_fraction(png) > 0.02
    page.emulate_media(media="print")
    assert page.eval_on_selector("thead", "e => getComputedStyle(e).display") == "table-header-group"
    page.close()
