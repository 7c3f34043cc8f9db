"""The translation pipeline's overhead: what a run does not do twice, on real Apertium.

A re-run on an unchanged document is answered from the catalog's stamp
without importing the pipeline; the catalog is parsed once and rendered
once per run; a route prefix shared by several targets is translated once.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from locwork import catalog, pipeline
from locwork.catalog import State
from locwork.document import load
from locwork.engines.registry import Engines

from conftest import msgfmt_check

TEXT = "Le chat est noir.\n\nLa maison est grande. Il pleut à Paris.\n"
ROUTE = "es=apertium:fr-es"


def _translate(run_cli, *extra: str):
    result = run_cli("translate", "doc.txt", "--to", "es", "--route", ROUTE, *extra)
    assert result.returncode == 0, result.err
    return result


def test_rerun_of_unchanged_document_skips_the_pipeline(run_cli, tmp_path, monkeypatch):
    (tmp_path / "doc.txt").write_text(TEXT, "utf-8")
    monkeypatch.setenv("PYTHONPROFILEIMPORTTIME", "1")  # lists every module the run imports
    result = _translate(run_cli, "--json")
    assert "argostranslate" not in result.err  # an Apertium pin starts Apertium only
    first = json.loads(result.out)
    assert first[0]["translated"] == 3
    po_path = tmp_path / "locales" / "es" / "doc.po"
    written = po_path.read_bytes()
    again = _translate(run_cli, "--json")
    assert "locwork.pipeline" not in again.err and "polib" not in again.err
    report = json.loads(again.out)[0]
    assert (report["translated"], report["kept"], report["segments"]) == (0, 3, 3)
    assert report["route"] == first[0]["route"] and report["catalog"] == first[0]["catalog"]
    assert po_path.read_bytes() == written
    monkeypatch.delenv("PYTHONPROFILEIMPORTTIME")
    fast_line = _translate(run_cli).out
    (po_path.parent / ".doc.txt.stamp").unlink()
    slow_line = _translate(run_cli).out  # the full merge: same words, same bytes
    assert fast_line == slow_line and "0 translated, 3 kept" in fast_line
    assert po_path.read_bytes() == written


def test_stamp_is_ignored_when_catalog_document_or_options_change(run_cli, tmp_path):
    (tmp_path / "doc.txt").write_text(TEXT, "utf-8")
    _translate(run_cli)
    po_path = tmp_path / "locales" / "es" / "doc.po"
    with catalog.edit(po_path) as po:  # a reviewer empties one translation
        entry = po.find("Le chat est noir.")
        entry.msgstr = ""
        catalog.set_state(entry, State.UNTRANSLATED)
    assert "1 translated" in _translate(run_cli).out
    assert catalog.load(po_path).find("Le chat est noir.").msgstr == "El gato es negro."
    with (tmp_path / "doc.txt").open("a", encoding="utf-8") as handle:
        handle.write("\nUne phrase nouvelle.\n")
    assert "1 translated, 3 kept" in _translate(run_cli).out
    assert "0 translated, 4 kept" in _translate(run_cli).out
    other = run_cli("translate", "doc.txt", "--to", "es", "--locales", "other")
    assert other.returncode == 0 and "4 translated" in other.out, other.err
    msgfmt_check(po_path)


@pytest.fixture
def counted(monkeypatch):
    """How often the catalog is parsed and rendered (the real functions, counted)."""
    calls = {"load": 0, "dumps": 0}
    for name in calls:
        real = getattr(catalog, name)

        def counting(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(catalog, name, counting)
    return calls


def test_a_run_parses_once_and_renders_once(tmp_path, counted):
    doc_path = tmp_path / "doc.txt"
    doc_path.write_text(TEXT, "utf-8")
    locales = tmp_path / "locales"
    with Engines(["apertium"]) as engines:
        route = pipeline.choose_route(engines, "fr", "es", route_spec="apertium:fr-es")

        def run() -> pipeline.TranslateReport:
            return pipeline.translate_document(load(doc_path), "es", route, engines, locales,
                                               tm=False)

        first = run()
        assert (first.translated, counted) == (3, {"load": 0, "dumps": 1})
        written = first.path.read_bytes()
        counted.update(load=0, dumps=0)
        again = run()  # unchanged: read, nothing to write
        assert (again.translated, counted) == (0, {"load": 1, "dumps": 0})
        assert first.path.read_bytes() == written and again.digest == first.digest
        doc_path.write_text(TEXT + "\nUne phrase nouvelle.\n", "utf-8")
        counted.update(load=0, dumps=0)
        assert run().translated == 1 and counted == {"load": 1, "dumps": 1}
    msgfmt_check(first.path)


class _Counting:
    """The real Apertium engine, counting the sentences each hop receives."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.sent: dict[tuple[str, str], int] = {}

    def translate_batch(self, texts, src, tgt, n_best=1):
        self.sent[(src, tgt)] = self.sent.get((src, tgt), 0) + len(texts)
        return self.engine.translate_batch(texts, src, tgt, n_best=n_best)

    def __getattr__(self, name):
        return getattr(self.engine, name)


def test_a_shared_route_prefix_is_translated_once(tmp_path):
    doc_path = tmp_path / "doc.txt"
    doc_path.write_text(TEXT, "utf-8")
    doc = load(doc_path)
    specs = {"es": "apertium:fr-ca,apertium:ca-es", "ca": "apertium:fr-ca",
             "en": "apertium:fr-ca,apertium:ca-en"}
    catalogs: dict[str, dict[str, bytes]] = {}
    with Engines(["apertium"]) as engines:
        counting = _Counting(engines.get("apertium"))
        engines._engines["apertium"] = counting  # type: ignore[assignment]
        routes = {lang: pipeline.choose_route(engines, "fr", lang, route_spec=spec)
                  for lang, spec in specs.items()}
        for cached in (True, False):
            locales = tmp_path / f"locales-{cached}"
            cache: pipeline.HopCache | None = {} if cached else None
            counting.sent.clear()
            for lang, route in routes.items():
                pipeline.translate_document(doc, lang, route, engines, locales, tm=False,
                                            hop_cache=cache)
            expected = 3 if cached else 9
            assert counting.sent == {("fr", "ca"): expected, ("ca", "es"): 3, ("ca", "en"): 3}
            catalogs[str(cached)] = {lang: (locales / lang / "doc.po").read_bytes() for lang in specs}
    assert _without_dates(catalogs["True"]) == _without_dates(catalogs["False"])


def _without_dates(files: dict[str, bytes]) -> dict[str, list[bytes]]:
    return {name: [line for line in data.splitlines() if b"-Date: " not in line]
            for name, data in files.items()}


def test_stamp_lives_beside_the_catalog_only(run_cli, tmp_path):
    (tmp_path / "doc.txt").write_text(TEXT, "utf-8")
    _translate(run_cli)
    names = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert names == ["doc.txt", str(Path("locales/es/.doc.txt.stamp")), str(Path("locales/es/doc.po"))]


def test_no_progress_bar_library_without_a_terminal(run_cli, tmp_path, monkeypatch):
    """stderr is no terminal: the bar would be silent, so tqdm is not even imported."""
    (tmp_path / "doc.txt").write_text(TEXT, "utf-8")
    monkeypatch.setenv("PYTHONPROFILEIMPORTTIME", "1")
    result = _translate(run_cli)
    assert "locwork.pipeline" in result.err and "tqdm" not in result.err
    assert "3 translated" in result.out
