"""Targets translated at once and a route's hops overlapping give the same catalogs as one after another."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from conftest import ROOT, SHARED
from locwork import overlap, pipeline, services
from locwork.document import load
from locwork.engines.registry import Engines
from locwork.routing import Hop, Route

pytestmark = pytest.mark.skipif(shutil.which("apertium") is None, reason="Apertium is not installed")
DATES = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')
ARTICLE = ROOT / "corpus" / "sommet-trump-poutine-annule.txt"


def catalogs(folder: Path) -> dict[str, bytes]:
    """Every catalog under folder, its two date lines left out (they say when it was written)."""
    return {
        str(path.relative_to(folder)): b"".join(
            line for line in path.read_bytes().splitlines(keepends=True) if not line.startswith(DATES)
        )
        for path in sorted(folder.rglob("*.po"))
    }


def test_lanes_keep_engines_that_are_not_thread_safe_in_one_lane():
    ap = Route((Hop("apertium", "fr", "ca"), Hop("apertium", "ca", "es")), 50.0, "prior")
    neural = Route((Hop("bergamot", "fr", "en"),), 50.0, "prior")
    routes = {"es": ap, "en": neural, "ca": ap, "de": neural, "pt": ap}
    lanes = overlap.lanes(routes, workers=3)
    assert lanes[0] == ["en", "de"]
    assert sorted(lang for lane in lanes[1:] for lang in lane) == ["ca", "es", "pt"]
    assert len(lanes) == 3


def test_run_lanes_yields_in_order_and_raises_at_its_turn():
    seen: list[str] = []
    lock = threading.Lock()

    def work(lang: str) -> str:
        with lock:
            seen.append(lang)
        if lang == "c":
            raise ValueError("boom")
        return lang.upper()

    results = overlap.run_lanes([["a", "c"], ["b", "d"]], work, ["a", "b", "c", "d"])
    assert next(results) == ("a", "A")
    assert next(results) == ("b", "B")
    with pytest.raises(ValueError, match="boom"):
        next(results)
    assert list(overlap.in_order(str.upper, ["x", "y", "z"], 2)) == ["X", "Y", "Z"]


def test_article_into_many_targets_at_once_equals_one_after_another(tmp_path):
    doc = load(ARTICLE)
    targets = ["es", "ca", "pt", "it"]
    with Engines(["apertium"]) as engines:
        routes = services.choose_routes(engines, "fr", targets)
        for concurrent in (False, True):
            reports = list(
                services.translate_languages(
                    engines, doc, routes, tmp_path / str(concurrent), tm=False, concurrent=concurrent
                )
            )
            assert [lang for lang, _ in reports] == targets
    assert catalogs(tmp_path / "True") == catalogs(tmp_path / "False")
    assert len(catalogs(tmp_path / "True")) == len(targets)


@pytest.mark.skipif(not (SHARED / "data" / "mt-dev").exists(), reason="the shared MT dev set is absent")
def test_two_hop_route_in_overlapping_chunks_equals_the_sequential_run(tmp_path, monkeypatch):
    lines = (SHARED / "data" / "mt-dev" / "newstest2013.fr").read_text("utf-8").splitlines()[:120]
    route = Route((Hop("apertium", "fr", "ca"), Hop("apertium", "ca", "es")), 50.0, "prior")
    with Engines(["apertium"]) as engines:
        overlapped = pipeline.run_route(engines, route, lines, chunk_size=30)
        monkeypatch.setattr(overlap, "CONCURRENT_ENGINES", frozenset())
        sequential = pipeline.run_route(engines, route, lines, chunk_size=30)
    assert [r.text for r in overlapped] == [r.text for r in sequential]
    assert len(overlapped) == len(lines)
