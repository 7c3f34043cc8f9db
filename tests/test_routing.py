"""The router: routes over the engine graph, ranked by expected quality."""

from __future__ import annotations

import pytest

from locwork.errors import LocworkError
from locwork.routing import (
    PRIOR_RETENTION, Hop, NoRouteError, best_route, build_graph, parse_route, rank_routes, score_route,
)

GRAPH = build_graph({
    "apertium": [("fr", "es"), ("es", "fr"), ("es", "en"), ("es", "pt"), ("pt", "es"),
                 ("fr", "ca"), ("es", "ca")],
    "bergamot": [("pt", "en"), ("en", "pt")],
})
TABLE = {
    "hops": {
        "apertium:fr-es": {"chrf": 55.0, "method": "reference"},
        "apertium:es-en": {"chrf": 50.0, "method": "reference"},
        "apertium:es-pt": {"chrf": 80.0, "method": "round-trip"},
        "bergamot:pt-en": {"chrf": 60.0, "method": "round-trip"},
        "apertium:fr-ca": {"chrf": 60.0, "method": "round-trip"},
        "apertium:es-ca": {"chrf": 85.0, "method": "round-trip"},
    },
    "routes": {
        "apertium:fr-es,apertium:es-en": {"chrf": 45.0},
        "apertium:fr-es,apertium:es-pt,bergamot:pt-en": {"chrf": 52.0},
    },
}


def test_measured_routes_win_over_fewer_hops():
    route = best_route(GRAPH, "fr", "en", table=TABLE)
    assert route.spec() == "apertium:fr-es,apertium:es-pt,bergamot:pt-en"
    assert route.basis == "measured" and route.expected_chrf == 52.0
    assert str(route) == "fr→es→pt→en (apertium, apertium, bergamot)"


def test_hop_limit_and_engine_pin():
    assert best_route(GRAPH, "fr", "en", max_hops=2, table=TABLE).spec() == \
        "apertium:fr-es,apertium:es-en"
    with pytest.raises(NoRouteError, match="install"):
        best_route(GRAPH, "fr", "en", engine="bergamot", table=TABLE)
    assert best_route(GRAPH, "fr", "en", engine="apertium", table=TABLE).engines == \
        ["apertium", "apertium"]


def test_estimates_multiply_from_longest_measured_prefix():
    route = score_route([Hop("apertium", "fr", "es"), Hop("apertium", "es", "ca")], TABLE)
    assert route.expected_chrf == pytest.approx(55.0 * 0.85)
    assert route.basis == "estimated"
    extended = score_route([Hop("apertium", "fr", "es"), Hop("apertium", "es", "pt"),
                            Hop("bergamot", "pt", "en"), Hop("bergamot", "en", "pt")], TABLE)
    assert extended.expected_chrf == pytest.approx(52.0 * PRIOR_RETENTION)  # en-pt: a prior
    assert extended.basis == "prior"


def test_ranking_and_no_revisits():
    ranked = rank_routes(GRAPH, "fr", "ca", table=TABLE)
    assert [r.spec() for r in ranked[:2]] == ["apertium:fr-ca", "apertium:fr-es,apertium:es-ca"]
    assert ranked[1].expected_chrf == pytest.approx(55.0 * 0.85)
    for route in ranked:
        assert len(set(route.languages)) == len(route.languages)
        assert len(route.hops) <= 3


def test_unmeasured_hops_use_priors():
    route = score_route([Hop("argos", "fr", "en")], {"hops": {}, "routes": {}})
    assert route.basis == "prior"


def test_parse_route_forms():
    pinned = parse_route("apertium:fr-es,apertium:es-en", GRAPH, TABLE)
    assert pinned.engines == ["apertium", "apertium"]
    by_langs = parse_route("fr-es-pt-en", GRAPH, TABLE)
    assert by_langs.engines == ["apertium", "apertium", "bergamot"]
    with pytest.raises(LocworkError):
        parse_route("fr", GRAPH, TABLE)
    with pytest.raises(NoRouteError):
        parse_route("fr-de", GRAPH, TABLE)
    with pytest.raises(NoRouteError):
        parse_route("bergamot:fr-es", GRAPH, TABLE)
    with pytest.raises(LocworkError, match="not a chain"):
        parse_route("apertium:fr-es,bergamot:pt-en", GRAPH, TABLE)


def test_retention_scales_later_hops():
    table = {"hops": {"apertium:fr-es": {"chrf": 55.6, "method": "reference"},
                      "apertium:es-en": {"chrf": 50.0, "method": "reference", "retention": 0.882}},
             "routes": {}}
    route = score_route([Hop("apertium", "fr", "es"), Hop("apertium", "es", "en")], table)
    assert route.expected_chrf == pytest.approx(55.6 * 0.882)
    assert route.basis == "estimated"
