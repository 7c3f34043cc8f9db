"""Every page has a working URL, and the first screen shows the article: in real Chromium.

The server is started the way ``make run`` starts it (``-- --doc FILE``),
because that is where ``?doc=`` links used to be ignored.
"""

from __future__ import annotations


import pytest

from locwork import review
from test_browser import (  # noqa: F401  (fixtures are used by name)
    DOC_NAME,
    browser,
    browser_project,
    open_page,
    screenshots,
    settle,
    streamlit_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

PAGES = ["review", "scores", "translate", "document", "export", "models"]


@pytest.fixture(scope="module")
def make_run_server(tmp_path_factory):
    root = browser_project(tmp_path_factory, "project")
    (root / "corpus" / "autre.txt").write_text(
        "Un autre article\n\nLa première phrase est courte. La seconde aussi.\n", "utf-8")
    for url in streamlit_app(root, "--doc", str(root / "corpus" / f"{DOC_NAME}.txt")):
        yield url, root


def test_first_screen_urls_and_links(make_run_server, browser, request):
    from playwright.sync_api import expect

    url, root = make_run_server
    pages: list = []
    try:
        # The first screen: the article as segmented, and one action that translates it.
        page = open_page(browser, url, pages)
        article = page.locator(".lw-article")
        expect(article).to_contain_text("Deuxième sommet Trump-Poutine annulé")
        expect(article.locator(".lw-sid").first).to_have_text("p2.s1")
        expect(page.get_by_role("button", name="Translate")).to_be_visible()

        # Every page answers at its own URL, and says which document it is on.
        for name in PAGES:
            page.goto(f"{url}/{name}")
            settle(page)
            assert "Page not found" not in page.content(), name
            assert f"doc={DOC_NAME}.txt" in page.url

        # A ?doc= link wins over the server's --doc, on the first screen and on a page.
        page.goto(f"{url}/?doc=autre.txt")
        settle(page)
        expect(page.locator(".lw-article")).to_contain_text("La seconde aussi.")
        page.goto(f"{url}/translate?doc=autre.txt")
        settle(page)
        expect(page.locator("[data-testid=stMainBlockContainer]")).to_contain_text("Translate · autre")

        # One click translates into the chosen languages, each with its own bar.
        page.goto(f"{url}/?doc=autre.txt")
        settle(page)
        page.get_by_role("button", name="Translate").click()
        expect(page.locator("[data-testid=stAlertContentSuccess]").first).to_contain_text(
            "translated", timeout=120_000)
        langs = review.languages(root / "locales", "autre")
        assert langs and all((root / "locales" / lang / "autre.po").is_file() for lang in langs)
    except BaseException:
        screenshots(pages, request.node.name)
        raise
