"""Regenerate the README's screenshots (docs/article.png, docs/review.png) from the app as it is.

Usage (from the repository root)::

    .venv/bin/python scripts/screenshots.py [--languages es,ca,en,pt] [--out docs]

Makes a temporary project (``LOCWORK_ROOT``) with the default article
machine-translated by the installed engines (the router's pick for each
language), approves its title in Spanish so that the screen shows every
state, serves ``app.py`` with ``streamlit run`` and takes the pictures in
headless Chromium (``/usr/bin/chromium``, or ``$LOCWORK_CHROMIUM``) at
1440×950.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
from app_speed import CHROMIUM, CHROMIUM_ARGS, DOC, DONE, served  # noqa: E402

SIZE = {"width": 1440, "height": 950}


def make_project(root: Path, languages: list[str]) -> None:
    """The article translated by the router's pick into each language it can reach."""
    from locwork import catalog, pipeline, review, workspace
    from locwork.engines.registry import Engines
    from locwork.errors import LocworkError

    (root / "corpus").mkdir(parents=True)
    shutil.copy(DOC, root / "corpus")
    proj = workspace.Project(root)
    doc = workspace.load_document(root / "corpus" / DOC.name)
    with Engines() as engines:
        for lang in languages:
            try:
                route = pipeline.choose_route(engines, "fr", lang)
            except LocworkError as error:
                print(f"{lang}: skipped ({error})")
                continue
            pipeline.translate_document(doc, lang, route, engines, proj.locales, root=root)
            print(f"{lang}: {route}")
    es = review.catalog_for(proj.locales, "es", doc.name)
    if es.exists():  # the title approved, as a reviewer would have left it
        text = review.find_entry(catalog.load(es), "p2.s1").msgstr
        review.save(es, "p2.s1", text, text, "Ana", approve=True)


def shoot(url: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=SIZE).new_page()
        page.set_default_timeout(120_000)
        for name, path, ready in (
            ("article.png", "/?reviewer=Ana", [".st-key-home_run button"]),
            ("review.png", "/review?lang=es&seg=p7.s1&reviewer=Ana",
             [".st-key-preview_box .lw-seg.current", ".st-key-target_editor textarea",
              ".st-key-review_lang button", ".st-key-approve_next button:visible",
              ".st-key-tok_1 button:visible", ".st-key-f_states summary"]),
        ):
            page.goto(url + path)
            for selector in ready:  # widgets are drawn after the page's text: wait for each
                page.locator(selector).first.wait_for()
            page.locator(DONE).wait_for(state="attached")
            page.wait_for_timeout(3000)  # the preview's scroll, the last widgets
            page.screenshot(path=str(out / name))
            print(f"wrote {out / name}")
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default="es,ca,en,pt")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="locwork-shots-") as tmp:
        root = Path(tmp)
        make_project(root, [lang.strip() for lang in args.languages.split(",") if lang.strip()])
        os.environ["LOCWORK_ROOT"] = str(root)
        with served(ROOT / "app.py", root) as (url, _pid):
            shoot(url, args.out.resolve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
