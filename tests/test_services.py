"""The service layer the CLI and the app both call: models, routes, translate, memory, QA.

Run on the real engines installed here (Apertium, Bergamot; argos with no
package), and on a really broken argos: argostranslate creates its folders
when it is first imported, so an $ARGOS_PACKAGES_DIR under a file makes it
fail with NotADirectoryError (before the service layer, `locwork models list`
died there with a traceback while the app listed the other engines).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess

import pytest

from conftest import LOCWORK
from locwork import review, services
from locwork.engines.registry import Engines
from locwork.routing import NoRouteError, Route


def locwork(*args: str, cwd, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LOCWORK, *args], capture_output=True, text=True, cwd=cwd,
                          env=dict(os.environ, PYTHONIOENCODING="utf-8", **env), timeout=300)


@pytest.fixture(scope="module")
def apertium():
    with Engines(["apertium"]) as engines:
        yield engines


def test_one_broken_engine_is_one_line_and_the_others_are_listed(tmp_path):
    (tmp_path / "a-file").write_text("not a folder", "utf-8")
    broken = {"ARGOS_PACKAGES_DIR": str(tmp_path / "a-file" / "packages")}
    result = locwork("models", "list", cwd=tmp_path, **broken)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("argos") and "unavailable" in lines[0]
    assert "Not a directory" in lines[0]
    listed = {line.split()[0] for line in result.stdout.splitlines()}
    assert "apertium" in listed and "argos" not in listed
    as_json = json.loads(locwork("models", "list", "--json", cwd=tmp_path, **broken).stdout)
    assert set(as_json["unavailable"]) == {"argos"}
    assert {row["engine"] for row in as_json["models"]} >= {"apertium"}
    # The router leaves the broken engine out too, instead of dying with it.
    routes = locwork("routes", "--to", "es", "--json", cwd=tmp_path, **broken)
    assert routes.returncode == 0, routes.stderr
    assert json.loads(routes.stdout)[0]["languages"][-1] == "es"


def test_cli_and_app_list_the_same_models(tmp_path, apertium):
    listing = services.list_models(apertium)
    assert listing.problems == {}
    fr_es = [r for r in listing.rows if (r.src, r.tgt) == ("fr", "es")]
    assert len(fr_es) == 1 and fr_es[0].version.startswith("apertium-fr-es ")
    assert review.installed_models(apertium) == (listing.rows, listing.problems)
    cli = json.loads(locwork("models", "list", "--json", cwd=tmp_path).stdout)
    apertium_rows = [row for row in cli["models"] if row["engine"] == "apertium"]
    assert apertium_rows == [row.to_dict() for row in listing.rows]


def test_choose_routes_pins_engines_and_locales(apertium):
    chosen = services.choose_routes(apertium, "fr", ["es", "ca_ES"])
    assert chosen["es"].languages[0] == "fr" and chosen["es"].tgt == "es"
    assert chosen["ca_ES"].tgt == "ca"  # a locale goes to the engines' language
    pinned = services.choose_routes(apertium, "fr", ["es"], pins={"es": "fr-ca-es"})
    assert pinned["es"].languages == ["fr", "ca", "es"]
    route = chosen["es"]
    assert services.choose_routes(apertium, "fr", ["es"], pins={"es": route})["es"] is route
    assert isinstance(route, Route)
    with pytest.raises(NoRouteError, match="no route from fr to ja"):
        services.choose_routes(apertium, "fr", ["es", "ja"])


# ------------------------------------------- one job, two faces: the same answer

ARTICLE = ("Le sommet de Genève est annulé.\n\n"
           "Le ministre a parlé le 20 octobre avec trois journalistes.\n")


def _translations(path):
    from locwork import catalog

    return [(e.msgctxt, e.msgstr, catalog.provenance(e).route) for e in catalog.load(path)
            if not e.obsolete]


def test_cli_and_app_translate_a_document_alike(tmp_path, run_cli, apertium):
    from locwork import workspace

    cli_dir, app_dir = tmp_path / "cli", tmp_path / "app"
    for folder in (cli_dir, app_dir):
        folder.mkdir()
        (folder / "doc.txt").write_text(ARTICLE, "utf-8")
    result = run_cli("translate", "doc.txt", "--to", "es", "--engine", "apertium", "--no-tm",
                     cwd=cli_dir)
    assert result.returncode == 0, result.err
    # The app (ui/runs.py): route None is the router's pick, a progress callback per language.
    doc = workspace.load_document(app_dir / "doc.txt")
    done: list[int] = []
    reports = list(services.translate_languages(
        apertium, doc, {"es": None}, app_dir / "locales", root=app_dir, tm=False,
        progress_for=lambda lang: contextlib.nullcontext(done.append)))
    assert [lang for lang, _ in reports] == ["es"] and sum(done) == len(doc.translatable)
    cli_rows = _translations(cli_dir / "locales" / "es" / "doc.po")
    assert cli_rows and all(text for _, text, _ in cli_rows)
    assert _translations(app_dir / "locales" / "es" / "doc.po") == cli_rows


def test_cli_and_app_look_up_the_memory_alike(tmp_path, run_cli):
    from locwork import tm

    (tmp_path / "locales").mkdir()
    assert review.memory_matches(tmp_path / "locales", "Le sommet est annulé.", "es") == []
    with tm.open_memory(tmp_path / ".locwork" / "tm.sqlite", create=True) as memory:
        memory.add(tm.TMUnit("Le sommet est annulé.", "La cumbre está anulada.", "fr", "es",
                             "doc", "p1.s1", "Ana"))
        memory.add(tm.TMUnit("Le sommet de Genève est annulé.", "La cumbre de Ginebra está anulada.",
                             "fr", "es", "doc", "p2.s1", "Ana"))
    query = "Le sommet de Genève est reporté."
    app = review.memory_matches(tmp_path / "locales", query, "es")
    assert app and not app[0].exact
    result = run_cli("tm", "lookup", query, "--to", "es", "--json")
    assert result.returncode == 0, result.err
    assert json.loads(result.out) == [m.to_dict() for m in app]
    # Without a memory the CLI says so in one line; the app shows no match.
    empty = tmp_path / "empty"
    (empty / "locales").mkdir(parents=True)
    assert review.memory_matches(empty / "locales", query, "es") == []
    missing = run_cli("tm", "lookup", query, "--to", "es", cwd=empty)
    assert missing.returncode == 1 and len(missing.err.strip().splitlines()) == 1


def test_cli_and_app_find_the_same_consistency_warnings(tmp_path, run_cli):
    import types

    import polib

    from locwork import catalog

    locales = tmp_path / "locales"
    sources = ["Le sommet a lieu le 20 octobre.", "Le 20 octobre, le sommet est annulé."]
    targets = {"es": ["La cumbre es el 20 de octubre.", "El 21 de octubre, la cumbre se anula."],
               "pt": ["A cimeira é a 20 de outubro.", "A 20 de outubro, a cimeira é anulada."]}
    for lang, texts in targets.items():
        po = catalog.new_catalog(lang, "doc", "corpus/doc.txt")
        for n, (source, text) in enumerate(zip(sources, texts), 1):
            entry = polib.POEntry(msgctxt=f"p{n}.s1", msgid=source, msgstr=text,
                                          occurrences=[("corpus/doc.txt", str(n))])
            po.append(entry)
        path = catalog.catalog_path(locales, lang, "doc")
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog.save(po, path)
    result = run_cli("qa", "doc", "--json", "--consistency-only")
    assert result.returncode == 4, result.err
    cli = json.loads(result.out)["findings"]
    assert cli
    doc = types.SimpleNamespace(name="doc")  # all the app's QA tab reads of its document
    for lang in targets:
        app = [f.to_dict() for f in review.consistency_findings(doc, locales, lang)]
        assert app == [f for f in cli if f["lang"] in (None, lang)]
