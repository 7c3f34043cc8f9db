"""The argos engine, on two real (random-weight) packages built by the test builder.

fr→qaa and qaa→qab are built by scripts/build_test_argosmodel.py into a
temporary folder and installed into an isolated argos home (see
argos_fixtures.py). The models babble, deterministically: these tests prove
the plumbing (install, discovery, batching, n-best, prefixes, pivots,
failure modes, speed), not translation quality.
"""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
import time
import zipfile
from functools import partial
from pathlib import Path

import pytest

from argos_fixtures import (  # noqa: F401  (fixtures are used by name)
    ARGOS_FR_QAA,
    ARGOS_QAA_QAB,
    ARGOS_QAB_PREFIX,
    argos_build,
    argos_home,
    argos_packages,
    argos_sentences,
)
from conftest import assert_same_hypotheses
from locwork.engines.argos import ArgosEngine, InstalledPackage
from locwork.engines.base import Engine, Hypothesis
from locwork.errors import LocworkError

pytestmark = pytest.mark.timeout(120)


def one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert message and "\n" not in message, repr(message)
    return message


@pytest.fixture(scope="module")
def engine(argos_home, argos_packages):
    """An engine over the module's argos home with both packages installed.

    One intra-op thread: the test model is tiny (more threads only add
    synchronisation) and the CI machine is shared.
    """
    engine = ArgosEngine(threads=1)  # finds the home through $ARGOS_PACKAGES_DIR
    assert engine.install_dir == argos_home
    for path in argos_packages.values():
        engine.install_from_path(path)
    yield engine
    engine.close()


@pytest.fixture
def fresh_dir(tmp_path, argos_home) -> Path:
    """An empty packages folder of its own (argos itself stays in argos_home)."""
    return tmp_path / "packages"


# -- the package builder ---------------------------------------------------------


def test_builder_makes_the_layout_argos_expects(argos_packages, tmp_path):
    path = argos_packages[ARGOS_FR_QAA]
    assert path.name == "translate-fr_qaa-1_0.argosmodel"
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        metadata = json.loads(zf.read("translate-fr_qaa-1_0/metadata.json"))
    for member in ("metadata.json", "sentencepiece.model", "model/model.bin",
                   "model/config.json", "model/shared_vocabulary.json"):
        assert f"translate-fr_qaa-1_0/{member}" in names
    assert not any("/stanza/" in n or "/minisbd/" in n for n in names)
    assert metadata["from_code"] == "fr" and metadata["to_code"] == "qaa"
    assert metadata["package_version"] == "1.0" and metadata["type"] == "translate"
    assert metadata["from_name"] == "French" and "argos_version" in metadata

    # Same seed, same bytes; another seed, another model.
    again = argos_build(tmp_path / "a", "fr", "qaa", "--seed", "1")
    other = argos_build(tmp_path / "b", "fr", "qaa", "--seed", "9")
    assert again.read_bytes() == path.read_bytes()
    assert other.read_bytes() != path.read_bytes()


def test_argos_itself_reads_the_installed_packages(engine, argos_home):
    from argostranslate.package import get_installed_packages

    found = {(p.from_code, p.to_code): p for p in get_installed_packages([argos_home])}
    assert set(found) == {ARGOS_FR_QAA, ARGOS_QAA_QAB}
    assert found[ARGOS_QAA_QAB].target_prefix == ARGOS_QAB_PREFIX
    assert found[ARGOS_FR_QAA].tokenizer is not None


# -- install and discovery -----------------------------------------------------------


def test_install_from_path_and_discovery(argos_packages, fresh_dir, monkeypatch):
    engine = ArgosEngine(fresh_dir)
    assert engine.pairs() == [] and engine.installed() == []

    installed = engine.install_from_path(argos_packages[ARGOS_FR_QAA])
    assert installed == InstalledPackage("fr", "qaa", "1.0", "translate-fr_qaa")
    assert str(installed) == "argos translate-fr_qaa 1.0 (fr → qaa)"
    engine.install_from_path(str(argos_packages[ARGOS_QAA_QAB]))
    engine.install_from_path(argos_packages[ARGOS_QAA_QAB])  # again: replaces it

    assert engine.pairs() == [ARGOS_FR_QAA, ARGOS_QAA_QAB]
    assert engine.installed() == [
        ("fr", "qaa", "1.0", "translate-fr_qaa"),
        ("qaa", "qab", "1.0", "translate-qaa_qab"),
    ]
    assert engine.model_version("fr", "qaa") == "argos translate-fr_qaa 1.0"
    # The package folders only: no staging folder, and no lock file (removed on release).
    assert sorted(p.name for p in fresh_dir.iterdir()) == [
        "translate-fr_qaa-1_0", "translate-qaa_qab-1_0"
    ]
    assert not [p for p in fresh_dir.parent.iterdir() if p.name.startswith(".locwork-install")]
    assert isinstance(engine, Engine)

    # A new engine finds them through argos's own variable.
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(fresh_dir))
    assert ArgosEngine().pairs() == [ARGOS_FR_QAA, ARGOS_QAA_QAB]

    # A broken folder is skipped, with the reason kept; the others still work.
    (fresh_dir / "half-copied").mkdir()
    engine = ArgosEngine(fresh_dir)
    assert engine.pairs() == [ARGOS_FR_QAA, ARGOS_QAA_QAB]
    assert "no metadata.json" in engine.problems[str(fresh_dir / "half-copied")]


def test_installing_another_version_replaces_it_and_reloads(argos_packages, fresh_dir, tmp_path):
    engine = ArgosEngine(fresh_dir, threads=1)
    engine.install_from_path(argos_packages[ARGOS_FR_QAA])
    before = engine.translate_batch(["Le sommet est annulé."], "fr", "qaa")
    newer = argos_build(tmp_path / "v11", "fr", "qaa", "--seed", "3", "--version", "1.1")

    assert engine.install_from_path(newer).version == "1.1"
    assert engine.model_version("fr", "qaa") == "argos translate-fr_qaa 1.1"
    assert engine.installed() == [("fr", "qaa", "1.1", "translate-fr_qaa")]
    assert [p.name for p in fresh_dir.iterdir() if p.is_dir()] == ["translate-fr_qaa-1_1"]
    after = engine.translate_batch(["Le sommet est annulé."], "fr", "qaa")
    assert [h.text for h in after[0]] != [h.text for h in before[0]]  # 1.1, not the cached 1.0

    # Going back is explicit, and allowed.
    engine.install_from_path(argos_packages[ARGOS_FR_QAA])
    assert engine.installed() == [("fr", "qaa", "1.0", "translate-fr_qaa")]
    assert_same_hypotheses(engine.translate_batch(["Le sommet est annulé."], "fr", "qaa"), before)
    engine.close()


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def test_install_errors_are_one_clear_line(fresh_dir, tmp_path):
    engine = ArgosEngine(fresh_dir)
    meta = json.dumps({"from_code": "fr", "to_code": "qaa", "package_version": "1.0"})
    garbage = tmp_path / "garbage.argosmodel"
    garbage.write_bytes(b"this is not a zip file\x00" * 10)
    cases = {
        tmp_path / "missing.argosmodel": "no such file",
        tmp_path: "is a folder",
        garbage: "not a zip archive",
        _zip(tmp_path / "nometa.argosmodel", {"p/model/model.bin": "x"}): "no metadata.json",
        _zip(tmp_path / "badjson.argosmodel",
             {"p/metadata.json": "{oops"}): "unreadable metadata.json",
        _zip(tmp_path / "nocode.argosmodel", {"p/metadata.json": "{}"}): "no from_code",
        _zip(tmp_path / "nomodel.argosmodel", {"p/metadata.json": meta}): "no model/model.bin",
        _zip(tmp_path / "nosp.argosmodel",
             {"p/metadata.json": meta, "p/model/model.bin": "x"}): "no sentencepiece.model",
        _zip(tmp_path / "slip.argosmodel",
             {"p/metadata.json": meta, "../evil": "x"}): "unsafe path",
        _zip(tmp_path / "sbd.argosmodel",
             {"p/metadata.json": json.dumps({"type": "sbd"})}): "not a translation package",
    }
    for path, expected in cases.items():
        with pytest.raises(LocworkError) as error:
            engine.install_from_path(path)
        assert expected in one_line(error), (path.name, str(error.value))
    assert not fresh_dir.exists() or not any(fresh_dir.iterdir())
    assert engine.pairs() == []


def test_a_corrupt_model_is_a_clear_error(fresh_dir, tmp_path):
    meta = json.dumps({"from_code": "fr", "to_code": "qac", "package_version": "1.0"})
    corrupt = _zip(tmp_path / "corrupt.argosmodel", {
        "p/metadata.json": meta, "p/model/model.bin": "garbage",
        "p/sentencepiece.model": "garbage",
    })
    engine = ArgosEngine(fresh_dir)
    engine.install_from_path(corrupt)  # only the layout is checked here
    with pytest.raises(LocworkError) as error:
        engine.translate_batch(["Bonjour."], "fr", "qac")
    assert one_line(error).startswith("cannot load the argos package translate-fr_qac from ")


def test_unknown_pair_says_how_to_install(engine):
    """One line for any engine (test_engine_contract.py); argos's names the command."""
    with pytest.raises(LocworkError) as error:
        engine.translate_batch(["Bonjour."], "fr", "de")
    assert "install one with `locwork models install" in one_line(error)


# -- translation -----------------------------------------------------------------------


def test_batch_translation(engine, argos_home):
    sentences = argos_sentences(30)
    result = engine.translate_batch(sentences, "fr", "qaa")
    assert len(result) == len(sentences)
    for hyps in result:
        assert len(hyps) == 1 and isinstance(hyps[0], Hypothesis)
        assert hyps[0].text.strip() and hyps[0].score <= 0
    assert len({h[0].text for h in result}) > len(sentences) // 2  # not one constant

    # Deterministic from a fresh engine too (a freshly loaded model).
    fresh = ArgosEngine(argos_home, threads=1)
    assert_same_hypotheses(fresh.translate_batch(sentences, "fr", "qaa"), result)
    fresh.close()

    # Blanks and repeats keep their places; empty input, empty output.
    mixed = [sentences[0], "", sentences[1], "   ", sentences[0]]
    out = engine.translate_batch(mixed, "fr", "qaa")
    assert_same_hypotheses([out[0], out[4], out[2]], [result[0], result[0], result[1]])
    assert out[1] == [Hypothesis("", 0.0)] and out[3] == [Hypothesis("   ", 0.0)]


def test_a_translation_does_not_depend_on_the_batch(argos_home):
    """Chunks of 4 (grouped by length) give what one sentence at a time gives."""
    chunked = ArgosEngine(argos_home, threads=1, max_batch_size=4)
    sentences = argos_sentences(14)
    batch = chunked.translate_batch(sentences, "fr", "qaa", n_best=2)
    single = [chunked.translate_batch([s], "fr", "qaa", n_best=2)[0] for s in sentences]
    assert_same_hypotheses(batch, single)
    reversed_batch = chunked.translate_batch(sentences[::-1], "fr", "qaa", n_best=2)
    assert_same_hypotheses(reversed_batch[::-1], batch)
    chunked.close()


def test_n_best(engine):
    sentences = argos_sentences(5)
    result = engine.translate_batch(sentences, "fr", "qaa", n_best=4)
    assert len(result) == len(sentences)
    for hyps in result:
        assert len(hyps) == 4
        scores = [h.score for h in hyps]
        assert scores == sorted(scores, reverse=True) and all(s <= 0 for s in scores)
        assert len({h.text for h in hyps}) == 4 and all(h.text for h in hyps)
    with pytest.raises(ValueError):
        engine.translate_batch(sentences, "fr", "qaa", n_best=0)


def test_target_prefix_is_applied_and_stripped(engine):
    out = engine.translate_batch(["Bonjour le monde.", "Le sommet est annulé."], "qaa", "qab")
    for hyps in out:
        assert hyps[0].text and ARGOS_QAB_PREFIX not in hyps[0].text
        assert "qab" not in hyps[0].text


def test_pivot_through_two_packages(engine):
    """The engine offers direct pairs only; chaining two hops works."""
    assert ("fr", "qab") not in engine.pairs()
    with pytest.raises(LocworkError):
        engine.translate_batch(["Bonjour."], "fr", "qab")
    sentences = argos_sentences(12)
    first = engine.translate_batch(sentences, "fr", "qaa", n_best=2)
    second = engine.translate_batch([h[0].text for h in first], "qaa", "qab", n_best=2)
    assert len(second) == len(sentences)
    assert all(hyps and hyps[0].text for hyps in second)
    assert_same_hypotheses(engine.translate_batch([h[0].text for h in first], "qaa", "qab", n_best=2), second)


def test_close_then_translate_again(argos_home):
    engine = ArgosEngine(argos_home, threads=1)
    first = engine.translate_batch(["Bonjour."], "fr", "qaa")
    engine.close()
    assert_same_hypotheses(engine.translate_batch(["Bonjour."], "fr", "qaa"), first)
    engine.close()


# -- the package index ---------------------------------------------------------------------


def test_offline_index_install_fails_fast(fresh_dir):
    """Whatever the network does, one line in seconds (here: the network is down)."""
    engine = ArgosEngine(fresh_dir)
    start = time.monotonic()
    with pytest.raises(LocworkError) as error:
        engine.install_from_index("fr", "qaa")  # no such package even online
    assert time.monotonic() - start < 15
    message = one_line(error)
    if message.startswith("cannot reach"):
        assert message.startswith("cannot reach the argos package index: ")
        assert message.endswith(
            "download the .argosmodel elsewhere and run `locwork models install FILE`"
        )
    else:  # pragma: no cover - a machine with network
        assert "no package for fr→qaa" in message


def test_silent_index_server_times_out(fresh_dir):
    """A server that accepts and never answers: given up after the timeout."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/"
        engine = ArgosEngine(fresh_dir, index_url=url, network_timeout=1.0)
        start = time.monotonic()
        with pytest.raises(LocworkError) as error:
            engine.install_from_index("fr", "qaa")
        assert time.monotonic() - start < 5
    assert one_line(error).startswith("cannot reach the argos package index: timed out")

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = ArgosEngine(fresh_dir, index_url=f"http://127.0.0.1:{port}/")
    with pytest.raises(LocworkError) as error:
        engine.install_from_index("fr", "qaa")
    assert "refused" in one_line(error)


@pytest.fixture
def index_server(tmp_path, argos_packages):
    """A local argos index (index.json + the fr→qaa package) over HTTP."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "fr_qaa.argosmodel").write_bytes(argos_packages[ARGOS_FR_QAA].read_bytes())
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    entry = {"type": "translate", "from_code": "fr", "to_code": "qaa", "from_name": "French",
             "to_name": "Test language A", "argos_version": "1.11.0"}
    (root / "index.json").write_text(json.dumps([
        dict(entry, package_version="0.9", links=[base + "missing.argosmodel"]),
        dict(entry, package_version="1.0", links=[base + "fr_qaa.argosmodel"]),
        dict(entry, to_code="qac", package_version="1.0", links=[base + "gone.argosmodel"]),
    ]))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


def test_install_from_a_reachable_index(index_server, fresh_dir, argos_home):
    engine = ArgosEngine(fresh_dir, index_url=index_server, network_timeout=5)
    assert engine.index_url() == index_server + "index.json"
    installed = engine.install_from_index("fr", "qaa")  # the newest: 1.0
    assert installed == ("fr", "qaa", "1.0", "translate-fr_qaa")
    assert engine.pairs() == [ARGOS_FR_QAA]
    assert (argos_home.parent / "index.json").exists()  # argos's local copy, updated

    with pytest.raises(LocworkError) as error:
        engine.install_from_index("fr", "de")
    assert one_line(error) == "the argos package index has no package for fr→de (from fr: qaa, qac)"
    with pytest.raises(LocworkError) as error:
        engine.install_from_index("fr", "qac")
    message = one_line(error)
    assert message.startswith("cannot download the argos package for fr→qac")
    assert "HTTP 404" in message and message.endswith("`locwork models install FILE`")


# -- import cost and speed ----------------------------------------------------------------


def test_import_is_light():
    code = (
        "import sys, time; t = time.perf_counter(); import locwork.engines.argos; "
        "t = time.perf_counter() - t; "
        "heavy = [m for m in ('torch', 'stanza', 'spacy', 'minisbd', 'argostranslate', "
        "'ctranslate2', 'sentencepiece', 'numpy') if m in sys.modules]; print(t, heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    seconds, heavy = out.split(" ", 1)
    assert heavy.strip() == "[]"
    # What keeps it light is the list above; the time is a loose guard that
    # holds on a loaded 2-core machine (it is ~0.1 s on an idle one).
    assert float(seconds) < 2.0


class _OneSentence:
    """argos's sentence-splitter interface, for text that is one sentence already."""

    def split_sentences(self, text: str) -> list[str]:
        return [text]


@pytest.mark.slow
def test_batch_is_much_faster_than_argos_translate(engine, argos_home, monkeypatch, capsys):
    """100 sentences: our batch path against argostranslate.translate.translate().

    argos 1.11's translate() splits every text again into sentences with
    MiniSBD, which downloads an ONNX model on first use (offline: URLError).
    It is given a do-nothing splitter, which only makes argos faster. Both
    sides run one intra-op thread; argos keeps its other defaults (beam 4,
    batches of 32 tokens, no decoding-length cap below 256).
    """
    import argostranslate.translate as argos
    from argostranslate import settings

    sentences = argos_sentences(100)
    assert len(sentences) == 100
    monkeypatch.setattr(settings, "intra_threads", 1)
    argos.get_installed_languages.cache_clear()
    translation = argos.get_translation_from_codes("fr", "qaa")
    assert isinstance(translation, argos.CachedTranslation)
    monkeypatch.setattr(translation.underlying, "sentencizer", _OneSentence())
    try:
        argos.translate(sentences[0], "fr", "qaa")  # load the model
        engine.translate_batch(sentences[:2], "fr", "qaa")

        def best_of(runs, fn):
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                fn()
                times.append(time.perf_counter() - start)
            return min(times)

        ours = best_of(3, lambda: engine.translate_batch(sentences, "fr", "qaa"))
        theirs = best_of(2, lambda: [argos.translate(s, "fr", "qaa") for s in sentences])
        loop = best_of(2, lambda: [engine.translate_batch([s], "fr", "qaa") for s in sentences])
    finally:
        argos.installed_translates[:] = [
            t for t in argos.installed_translates if t.cached_translation is not translation
        ]
        argos.get_installed_languages.cache_clear()
    with capsys.disabled():
        print(f"\nargos speed, 100 sentences: batch {ours:.3f}s, argos translate() "
              f"{theirs:.3f}s ({theirs / ours:.1f}x), our engine one sentence per call "
              f"{loop:.3f}s ({loop / ours:.1f}x)")
    assert theirs / ours >= 3
