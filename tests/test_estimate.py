"""Reference-free quality estimate (locwork.estimate): signals, model, catalogs, review order."""

from __future__ import annotations

import math

import polib
import pytest
from sacrebleu.metrics import CHRF

from locwork import catalog, estimate
from locwork.catalog import State
from locwork.errors import LocworkError

SOURCES = [
    "Le président a annoncé une nouvelle loi sur le logement.",
    "Les enfants jouent dans le jardin de l'école.",
    "La ville de Lyon a construit trois nouvelles bibliothèques en 2019.",
]


# ---------------------------------------------------------------- local signals


def test_untranslated_rate_counts_lowercase_words_copied_verbatim():
    source = "Obama veut contrer la réélection dans 12 États"
    # eligible: veut, contrer, réélection, dans (lowercase, >= 4 letters); not Obama, États, 12, la
    assert estimate.untranslated_rate(source, "Obama quiere contrer la reelección en 12 Estados") == 0.25
    assert estimate.untranslated_rate(source, source) == 1.0
    assert estimate.untranslated_rate("Le Monde", "El Mundo") is None


def test_length_ratio_and_source_features():
    assert estimate.length_ratio("abcd", "abcdef") == 1.5
    assert estimate.length_ratio("abcd", "  ") is None
    chars, copyable, word_len = estimate.source_features("Il a vu Paris en 2019 .")
    assert chars == 23
    assert copyable == pytest.approx(2 / 7)  # Paris, 2019 (the first token does not count)
    assert word_len == pytest.approx(17 / 7)


def test_features_are_oriented_higher_is_better():
    good = estimate.Signals(roundtrip=90, agreement=80, length_ratio=1.0, untranslated=0.0)
    bad = estimate.Signals(roundtrip=40, agreement=30, length_ratio=2.0, untranslated=0.5)
    fg, fb = good.features(1.0), bad.features(1.0)
    for name in ("roundtrip", "agreement", "length", "untranslated"):
        assert fg[name] > fb[name], name
    assert fb["length"] == pytest.approx(-math.log(2))
    assert good.to_meta() == "roundtrip=90 agreement=80 length-ratio=1.0 untranslated=0.0"


# ---------------------------------------------------------------- model


def test_shipped_model_predicts_in_range_and_orders_good_before_bad():
    model = estimate.load_model()
    assert model.fitted, "src/locwork/data/qe_model.json is missing: run bench/estimate_correlation.py --fit"
    assert "newstest2013 lines 1001-2000" in model.fitted_on
    src = dict(source_chars=80, copyable=0.05, word_length=5.0)
    good = estimate.Signals(roundtrip=95, agreement=90, length_ratio=1.0, untranslated=0.0, **src)
    bad = estimate.Signals(roundtrip=40, agreement=30, length_ratio=1.8, untranslated=0.6, **src)
    for tgt in ("en", "es", "ca"):  # ca: not in the fit, pooled intercept
        g, b = model.predict(good, tgt), model.predict(bad, tgt)
        assert 0.0 <= b < g <= 1.0
    # a missing signal counts as the training mean, no signal at all gives no estimate
    assert model.predict(estimate.Signals(roundtrip=95, length_ratio=1.0, **src), "es") is not None
    assert model.predict(estimate.Signals(**src), "es") is None


def test_unfitted_fallback_is_the_mean_of_the_signals():
    model = estimate.QEModel()
    sig = estimate.Signals(roundtrip=80, agreement=60, length_ratio=1.0, untranslated=0.0)
    assert model.predict(sig, "es", 1.0) == pytest.approx((0.8 + 0.6 + 1.0 + 1.0) / 4)


def test_fit_model_recovers_a_useful_signal():
    rows = []
    for i in range(200):
        quality = (i % 50) / 50
        sig = estimate.Signals(roundtrip=100 * quality, agreement=50 + (i * 37) % 40,
                               length_ratio=1.0 + ((i * 13) % 7) / 100, untranslated=0.0,
                               source_chars=40 + i % 30, copyable=0.0, word_length=5.0)
        rows.append(("es" if i % 2 else "en", sig, 20 + 60 * quality))
    model = estimate.fit_model(rows, fitted_on="synthetic", typical_ratio={"es": 1.0}, cap=None)
    assert model.weights["roundtrip"] > 0.1
    capped = estimate.fit_model(rows, fitted_on="synthetic")  # chrF above TARGET_CAP counts as the cap
    assert capped.target_cap == estimate.TARGET_CAP and 0 < capped.weights["roundtrip"] < model.weights["roundtrip"]
    assert abs(model.weights["agreement"]) < 0.02
    assert "hyp_score" not in model.weights  # never present: no weight
    assert set(model.intercepts) == {"en", "es"}
    assert model.typical_ratio["es"] == 1.0
    again = estimate.QEModel.from_dict(model.to_dict())
    sig = rows[7][1]
    assert again.predict(sig, "es") == pytest.approx(model.predict(sig, "es"))


def test_cross_route_prefers_the_engine_the_alternative_does_not_use():
    from locwork.routing import build_graph, rank_routes

    graph = build_graph({"apertium": [("fr", "es"), ("es", "fr"), ("fr", "ca"), ("ca", "es"),
                                      ("es", "pt"), ("pt", "es")],
                         "bergamot": [("pt", "en"), ("en", "pt")]})
    route, alt = rank_routes(graph, "fr", "es")[:2]
    cross = estimate.cross_route(graph, route, [alt])
    assert cross is not None and cross.spec() not in (route.spec(), alt.spec())
    # every simple path is Apertium-only: the detour through Bergamot wins
    assert "bergamot" in cross.engines and cross.src == "fr" and cross.tgt == "es"
    assert all(h.tgt != "fr" for h in cross.hops)
    only_apertium = build_graph({"apertium": [("fr", "es"), ("es", "fr")]})
    direct = rank_routes(only_apertium, "fr", "es")[0]
    assert estimate.cross_route(only_apertium, direct, []) is None


def test_cross_route_avoids_a_detour_that_contains_the_whole_route():
    """fr→ca→pt→en: the detour fr→ca→es→ca→pt→en gave the same English 3 times in 4."""
    from locwork.routing import Hop, build_graph, score_route

    graph = build_graph({"apertium": [("fr", "ca"), ("ca", "pt"), ("fr", "es"), ("es", "pt"), ("ca", "es"),
                                      ("es", "ca"), ("es", "en")],
                         "bergamot": [("pt", "en")]})
    route = score_route([Hop("apertium", "fr", "ca"), Hop("apertium", "ca", "pt"), Hop("bergamot", "pt", "en")])
    alt = score_route([Hop("apertium", "fr", "es"), Hop("apertium", "es", "pt"), Hop("bergamot", "pt", "en")])
    cross = estimate.cross_route(graph, route, [alt])
    assert cross is not None and not set(route.hops) & set(cross.hops)
    assert cross.spec() == "apertium:fr-es,apertium:es-en"


# ---------------------------------------------------------------- real engines


@pytest.fixture(scope="module")
def engines():
    from locwork.engines.registry import Engines

    engines = Engines(["apertium"])
    try:
        pairs = set(engines.get("apertium").pairs())
    except LocworkError as error:
        pytest.skip(f"Apertium is not available: {error}")
    if not {("fr", "es"), ("es", "fr")} <= pairs:
        pytest.skip("the Apertium fr-es pair (both ways) is not installed")
    yield engines
    engines.close()


def test_signals_through_apertium(engines):
    from locwork.routing import parse_route

    route = parse_route("apertium:fr-es", engines.graph())
    results, routes = estimate.estimate_texts(engines, SOURCES, "fr", "es", route=route)
    assert routes.route == "apertium:fr-es"
    assert routes.reverse == "apertium:es-fr"  # the only way back within Apertium
    assert routes.alternative != routes.route
    for item in results:
        assert item.output and item.signals.roundtrip is not None
        assert 0 <= item.signals.roundtrip <= 100
        assert 0.6 < item.signals.length_ratio < 1.6
        assert item.qe is not None and 0 <= item.qe <= 1
    # the round trip is sacrebleu chrF of the back-translation against the source
    back = engines.get("apertium").translate_batch([results[0].output], "es", "fr")[0][0].text
    assert results[0].signals.roundtrip == pytest.approx(
        CHRF().sentence_score(back, [SOURCES[0]]).score)
    if routes.alternative is not None:  # fr-ca-es when Apertium fr-ca and ca-es are installed
        assert all(item.signals.agreement is not None for item in results)
    if routes.cross is not None:
        assert routes.cross not in (routes.route, routes.alternative)
        assert all(item.signals.cross is not None for item in results)
    # a wrong "translation" (another sentence's) scores lower than the right one
    outputs = [results[0].output, results[1].output]
    signals, _ = estimate.compute_signals(engines, [SOURCES[0], SOURCES[2]], outputs, route)
    model = estimate.load_model()
    assert model.predict(signals[1], "es") < model.predict(signals[0], "es")
    assert signals[1].roundtrip < signals[0].roundtrip


def machine_catalog(path, engines):
    outputs = [h[0].text for h in engines.get("apertium").translate_batch(SOURCES, "fr", "es")]
    po = catalog.new_catalog("es", "doc", "corpus/doc.txt")
    rows = [  # (id, source, raw MT, state)
        ("p1.s1", SOURCES[0], outputs[0], State.MACHINE),
        ("p1.s2", SOURCES[1], outputs[2], State.MACHINE),  # wrong sentence: should come first
        ("p1.s3", SOURCES[2], outputs[2], State.APPROVED),
    ]
    for ctxt, src, mt, state in rows:
        entry = polib.POEntry(msgctxt=ctxt, msgid=src, msgstr=mt)
        catalog.set_meta(entry, "mt", mt)
        catalog.set_meta(entry, "route", "apertium:fr-es")
        catalog.set_state(entry, state)
        po.append(entry)
    catalog.save(po, path)
    return path


def test_estimate_catalog_writes_qe_for_machine_entries(engines, tmp_path):
    path = machine_catalog(tmp_path / "es" / "doc.po", engines)
    report = estimate.estimate_catalog(path, engines)
    assert report.lang == "es" and report.estimated == 2
    assert report.routes[0]["route"] == "apertium:fr-es"
    catalog.check(path)  # msgfmt --check
    po = catalog.load(path)
    by_id = {e.msgctxt: e for e in po}
    for ctxt in ("p1.s1", "p1.s2"):
        qe = catalog.get_meta(by_id[ctxt], "qe")
        assert qe is not None and 0 <= float(qe) <= 1 and len(qe) == 4  # "0.73"
        assert "roundtrip=" in catalog.get_meta(by_id[ctxt], "qe-signals")
        assert catalog.entry_state(by_id[ctxt]) is State.MACHINE
    assert catalog.get_meta(by_id["p1.s3"], "qe") is None  # approved: not estimated
    order = [e.msgctxt for e in estimate.review_order(po)]
    assert order == ["p1.s2", "p1.s1"]


# ---------------------------------------------------------------- review order


def test_review_order_worst_first_unknown_last():
    po = polib.POFile()
    specs = [("a", "0.80", State.MACHINE), ("b", None, State.MACHINE), ("c", "0.20", State.MACHINE),
             ("d", "0.10", State.APPROVED), ("e", "0.50", State.EDITED), ("f", None, State.EDITED)]
    for ctxt, qe, state in specs:
        entry = polib.POEntry(msgctxt=ctxt, msgid=f"source {ctxt}", msgstr=f"text {ctxt}")
        catalog.set_state(entry, state)
        if qe:
            catalog.set_meta(entry, "qe", qe)
        po.append(entry)
    po.append(polib.POEntry(msgctxt="g", msgid="untranslated", msgstr=""))
    assert [e.msgctxt for e in estimate.review_order(po)] == ["c", "e", "a", "b", "f"]


def test_cli_score_estimate(engines, tmp_path):
    import json

    from click.testing import CliRunner

    from locwork.cli.score import score

    path = machine_catalog(tmp_path / "es" / "doc.po", engines)
    result = CliRunner().invoke(score, [str(path), "--estimate", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["estimate"]["estimated"] == 2
    assert data["estimate"]["model"] == estimate.load_model().version
    assert {row["id"] for row in data["estimate"]["per_segment"]} == {"p1.s1", "p1.s2"}
    assert data["approved"] == 1 and data["approved_unchanged"] == 1
    result = CliRunner().invoke(score, [str(path), "--estimate"])
    assert result.exit_code == 0 and "estimated 2 unreviewed segments" in result.output
    catalog.check(path)


def test_one_word_headings_that_come_back_intact_do_not_rank_worst():
    """"UE" scored 0.28 and ranked below a clearly bad sentence (0.54)."""
    model = estimate.load_model()
    bad = estimate.Signals(roundtrip=40, agreement=30, length_ratio=1.8, untranslated=0.6,
                           source_chars=80, copyable=0.05, word_length=5.0)
    for heading in ("UE", "Gaza", "OTAN"):
        chars, copyable, word_length = estimate.source_features(heading)
        signals = estimate.Signals(roundtrip=100, agreement=100, length_ratio=1.0, untranslated=0.0,
                                   source_chars=chars, copyable=copyable, word_length=word_length)
        assert model.predict(signals, "en") > 0.9 > model.predict(bad, "en")
    wrong = estimate.Signals(roundtrip=30, length_ratio=1.0, source_chars=9, copyable=0.0, word_length=9)
    assert model.predict(wrong, "en") < 0.5  # a short heading that does not come back stays low


# ---------------------------------------------------------------- calibration (expected chrF scale)


def _synthetic_rows() -> list[tuple[str, estimate.Signals, float]]:
    """en drafts much worse than es ones; within each language, the round trip tells good from bad."""
    rows = []
    for i in range(300):
        tgt = "en" if i % 2 else "es"
        quality = (i % 37) / 37
        base = 30 if tgt == "en" else 55
        sig = estimate.Signals(roundtrip=40 + 50 * quality - (15 if tgt == "en" else 0),
                               agreement=50 + (i * 37) % 40, length_ratio=1.0 + ((i * 13) % 7) / 100,
                               untranslated=0.0, source_chars=40 + i % 30, copyable=0.0, word_length=5.0)
        rows.append((tgt, sig, base + 30 * quality))
    return rows


def test_calibration_maps_a_languages_mean_to_its_routes_expected_chrf():
    rows = _synthetic_rows()
    model = estimate.fit_model(rows, fitted_on="synthetic", cap=None)
    assert set(model.centres) == {"en", "es"}
    for tgt, expected in (("en", 41.0), ("es", 63.5), ("en", 70.0)):
        values = [model.predict(sig, tgt, expected_chrf=expected) for t, sig, _ in rows if t == tgt]
        assert 100 * sum(values) / len(values) == pytest.approx(expected, abs=0.5)
    # without the route's figure the language keeps its fitted level (the mean chrF of its fit lines)
    for tgt in ("en", "es"):
        values = [model.predict(sig, tgt) for t, sig, _ in rows if t == tgt]
        chrf = [c for t, _, c in rows if t == tgt]
        assert 100 * sum(values) / len(values) == pytest.approx(sum(chrf) / len(chrf), abs=1.0)
    again = estimate.QEModel.from_dict(model.to_dict())
    assert again.centres == model.centres


def test_calibration_is_monotone_in_the_raw_score():
    model = estimate.load_model()
    assert model.centres, "qe_model.json has no centres: refit with bench/estimate_correlation.py --fit"
    raws = [i / 100 for i in range(-50, 151)]
    for tgt, expected in (("en", 55.4), ("es", 57.2), ("ca", 80.0)):
        values = [model.calibrate(r, tgt, expected) for r in raws]
        assert all(0.0 <= v <= 1.0 for v in values)
        assert values == sorted(values)
        assert model.calibrate(model.centre(tgt), tgt, expected) == pytest.approx(expected / 100)
    # the order of segments is the raw model's order, on any route
    src = dict(source_chars=80, copyable=0.05, word_length=5.0)
    sigs = [estimate.Signals(roundtrip=rt, agreement=ag, cross=cr, length_ratio=lr, untranslated=un, **src)
            for rt, ag, cr, lr, un in ((95, 90, 85, 1.0, 0.0), (70, 60, 65, 1.2, 0.1),
                                       (50, 40, 45, 1.5, 0.3), (30, 20, 25, 2.0, 0.6))]
    raw = [model.raw_score(s, "en") for s in sigs]
    calibrated = [model.predict(s, "en", expected_chrf=55.4) for s in sigs]
    assert sorted(range(4), key=raw.__getitem__) == sorted(range(4), key=calibrated.__getitem__) == [3, 2, 1, 0]
    # a worse route gives lower estimates for the same signals
    assert model.predict(sigs[1], "en", expected_chrf=30.0) < model.predict(sigs[1], "en", expected_chrf=60.0)


def test_calibrated_one_word_heading_does_not_rank_worst():
    model = estimate.load_model()
    src = dict(source_chars=80, copyable=0.05, word_length=5.0)
    sentences = [estimate.Signals(roundtrip=rt, agreement=rt - 5, cross=rt - 10, length_ratio=1.0,
                                  untranslated=0.0, **src) for rt in (40, 60, 80)]
    chars, copyable, word_length = estimate.source_features("Économie")
    heading = estimate.Signals(roundtrip=100, agreement=100, cross=100, length_ratio=1.0, untranslated=0.0,
                               source_chars=chars, copyable=copyable, word_length=word_length)
    for expected in (35.0, 55.4, 80.0):
        values = [model.predict(s, "en", expected_chrf=expected) for s in sentences]
        assert model.predict(heading, "en", expected_chrf=expected) > min(values)
