"""Inputs that are not plain files, or too big; --locales problems; language codes; glossaries.

Every case runs the real `locwork` command in a subprocess with a short
timeout: a command that blocks on a FIFO or reads /dev/zero forever fails
the test by timing out instead of hanging the suite.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from locwork import catalog, glossary, inputs
from locwork.errors import LocworkError

from conftest import LOCWORK

QUICK = 60  # seconds: every refusal below takes well under one
PO = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: es\\n"\n\n'
      'msgctxt "p1.s1"\nmsgid "Le chat dort."\nmsgstr "El gato duerme."\n')


def locwork(*args: str, cwd: Path, stdin=None, input: bytes | None = None,
            timeout: float = QUICK) -> subprocess.CompletedProcess:
    """The real CLI; fails the test (instead of hanging) past ``timeout``."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    try:
        result = subprocess.run([*LOCWORK, *args], cwd=cwd, stdin=stdin, input=input,
                                capture_output=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"locwork {' '.join(args)} still running after {timeout} s")
    result.err = result.stderr.decode("utf-8", "replace")  # type: ignore[attr-defined]
    return result


def assert_one_line_error(result, *needles: str) -> None:
    assert result.returncode == 1, (result.returncode, result.err)
    assert result.err.startswith("locwork: error: ") and "Traceback" not in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    for needle in needles:
        assert needle in result.err, result.err


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A folder with a document, a catalog and a FIFO of every kind of name."""
    (tmp_path / "doc.txt").write_text("Le chat dort.\n", "utf-8")
    (tmp_path / "locales" / "es").mkdir(parents=True)
    (tmp_path / "locales" / "es" / "doc.po").write_text(PO, "utf-8")
    for name in ("fifo.txt", "fifo.po", "fifo.csv", "fifo.xlf", "fifo.tmx"):
        os.mkfifo(tmp_path / name)
    return tmp_path


CAT = "locales/es/doc.po"
FIFO_COMMANDS = {
    "segment": ["segment", "fifo.txt"],
    "stats": ["stats", "fifo.po"],
    "translate": ["translate", "fifo.txt", "--to", "es", "--no-tm"],
    "translate-glossary": ["translate", "doc.txt", "--to", "es", "--glossary", "fifo.csv"],
    "pretranslate": ["pretranslate", "fifo.po", "--from", "fr", "--to", "es", "--no-tm"],
    "score": ["score", "fifo.po"],
    "score-ref-text": ["score", CAT, "--ref", "fifo.txt"],
    "score-ref-po": ["score", CAT, "--ref", "fifo.po"],
    "export": ["export", "fifo.po", "-f", "html"],
    "export-doc": ["export", CAT, "-f", "html", "--doc", "fifo.txt"],
    "import-xliff": ["import-xliff", "fifo.xlf", CAT],
    "tm-import": ["tm", "import", "fifo.tmx"],
}


@pytest.mark.parametrize("name", FIFO_COMMANDS)
def test_a_fifo_is_refused_at_once(work, name):
    args = FIFO_COMMANDS[name]
    fifo = next(a for a in args if a.startswith("fifo."))
    started = time.monotonic()
    result = locwork(*args, cwd=work, timeout=30)
    assert_one_line_error(result, fifo, "named pipe")
    assert time.monotonic() - started < 30
    assert (work / CAT).read_text("utf-8") == PO  # nothing touched


@pytest.mark.parametrize("args", [
    ["segment", "/dev/zero"],
    ["stats", "/dev/zero"],
    ["translate", "/dev/zero", "--to", "es", "--no-tm"],
    ["score", CAT, "--ref", "/dev/zero"],
])
def test_dev_zero_is_refused_not_read(work, args):
    assert_one_line_error(locwork(*args, cwd=work, timeout=30), "/dev/zero", "character device")


def test_standard_input_over_the_limit_is_refused_quickly(tmp_path):
    text = ("Le chat dort sur le canapé. " * 40 + "\n\n").encode("utf-8")
    data = text * (6 * 1024 * 1024 // len(text) + 1)  # 6 MiB of real text
    started = time.monotonic()
    result = locwork("segment", "-", cwd=tmp_path, input=data, timeout=30)
    assert_one_line_error(result, "standard input", "too large", "5 MiB")
    assert time.monotonic() - started < 30


def test_endless_standard_input_is_cut_at_the_limit(tmp_path):
    with open("/dev/zero", "rb") as endless:
        result = locwork("segment", "-", cwd=tmp_path, stdin=endless, timeout=30)
    assert_one_line_error(result, "standard input", "too large")


def test_a_file_over_the_limit_is_refused(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"Le chat dort.\n" * (6 * 1024 * 1024 // 14))
    assert_one_line_error(locwork("segment", "big.txt", cwd=tmp_path), "big.txt", "too large")


def test_standard_input_under_the_limit_still_works(tmp_path):
    result = locwork("segment", "-", "--json", cwd=tmp_path, input="Il dort. Elle lit.".encode())
    assert result.returncode == 0, result.err
    assert [s["text"] for s in json.loads(result.stdout)] == ["Il dort.", "Elle lit."]


def test_nul_after_the_first_8_kib_is_refused(tmp_path):
    """It used to reach the catalog, which every command then refused as binary."""
    text = "Le chat dort sur le canapé du salon.\n\n" * 300  # > 8 KiB
    assert len(text.encode("utf-8")) > 8192
    (tmp_path / "doc.txt").write_bytes(text.encode("utf-8") + b"Fin\x00 du texte.\n")
    assert_one_line_error(locwork("segment", "doc.txt", cwd=tmp_path), "doc.txt", "binary")
    result = locwork("translate", "doc.txt", "--to", "es", "--no-tm", cwd=tmp_path)
    assert_one_line_error(result, "doc.txt", "binary")
    assert not (tmp_path / "locales").exists()


def test_read_input_refuses_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    for path, kind in ((tmp_path / "pipe", "named pipe"), (Path("/dev/zero"), "character device"),
                       (tmp_path, "folder")):
        with pytest.raises(LocworkError, match=kind):
            inputs.read_input(path, 100, "document")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "sock"))
        with pytest.raises(LocworkError, match="socket"):
            inputs.read_input(tmp_path / "sock", 100, "document")
    finally:
        server.close()
    with pytest.raises(LocworkError, match="too large"):
        inputs.read_stream(io.BytesIO(b"x" * 101), 100)
    assert inputs.read_stream(io.BytesIO(b"x" * 100), 100) == b"x" * 100


# ------------------------------------------------------------ --locales


def _translate(tmp_path: Path, *extra: str):
    (tmp_path / "doc.txt").write_text("Le chat dort.\n", "utf-8")
    return locwork("translate", "doc.txt", "--to", "es", "--no-tm", *extra, cwd=tmp_path)


def test_locales_pointing_at_a_file(tmp_path):
    (tmp_path / "catalogs").write_text("not a folder\n", "utf-8")
    assert_one_line_error(_translate(tmp_path, "--locales", "catalogs"), "catalogs", "not a folder")
    assert (tmp_path / "catalogs").read_text("utf-8") == "not a folder\n"


def test_a_file_in_place_of_the_language_folder(tmp_path):
    (tmp_path / "locales").mkdir()
    (tmp_path / "locales" / "es").write_text("x", "utf-8")
    assert_one_line_error(_translate(tmp_path), "locales/es", "not a folder")


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder nobody, not even root, can write in (root ignores chmod: chattr +i it)."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("running as root on a file system without chattr +i: cannot make a read-only folder")
    try:
        yield folder
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_locales_under_a_file(tmp_path):
    (tmp_path / "catalogs").write_text("x", "utf-8")
    result = _translate(tmp_path, "--locales", "catalogs/sub")
    assert_one_line_error(result, "cannot write catalogs in catalogs/sub/es")


def test_no_route_leaves_no_empty_folder(tmp_path):
    (tmp_path / "doc.txt").write_text("Le chat dort.\n", "utf-8")
    result = locwork("translate", "doc.txt", "--to", "ja", "--no-tm", cwd=tmp_path)
    assert result.returncode == 3, result.err
    assert not (tmp_path / "locales").exists()


def test_locales_in_a_read_only_folder(tmp_path, read_only_folder):
    result = _translate(tmp_path, "--locales", "readonly")
    assert_one_line_error(result, "cannot write catalogs in readonly/es")
    assert list(read_only_folder.iterdir()) == []


# ------------------------------------------------------------ language codes


def test_language_codes_are_normalised(tmp_path):
    (tmp_path / "doc.txt").write_text("Le chat dort.\n", "utf-8")
    result = locwork("translate", "doc.txt", "--to", "ES", "--from", "FR", "--no-tm", "--json",
                     cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.err
    report = json.loads(result.stdout)[0]
    assert report["lang"] == "es" and report["route"]["languages"][-1] == "es"
    assert catalog.load(tmp_path / "locales" / "es" / "doc.po").metadata["Language"] == "es"
    # A regional locale keeps its gettext name and is translated into its language.
    result = locwork("translate", "doc.txt", "--to", "es_ES", "--no-tm", "--json", cwd=tmp_path,
                     timeout=300)
    assert result.returncode == 0, result.err
    report = json.loads(result.stdout)[0]
    assert report["lang"] == "es_ES" and report["route"]["languages"][-1] == "es"
    po = catalog.load(tmp_path / "locales" / "es_ES" / "doc.po")
    assert po.metadata["Language"] == "es_ES" and po[0].msgstr


def test_routes_accept_any_spelling(tmp_path):
    result = locwork("routes", "--to", "ES,es-ES,es_es", "--from", "Fr", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.err
    rows = json.loads(result.stdout)
    assert [r["target"] for r in rows] == ["es", "es_ES"]
    assert all(r["languages"][-1] == "es" for r in rows)


def test_pinned_route_in_capitals(tmp_path):
    (tmp_path / "doc.txt").write_text("Le chat dort.\n", "utf-8")
    result = locwork("translate", "doc.txt", "--to", "ES", "--route", "ES=FR-CA-ES", "--no-tm",
                     "--json", cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.err
    assert json.loads(result.stdout)[0]["route"]["languages"] == ["fr", "ca", "es"]


# ------------------------------------------------------------ glossaries


@pytest.mark.parametrize("content, message", [
    (b'term,lang,translation\nOTAN,en,"NATO"x\n', "terms.csv:2: bad CSV quoting"),
    (b'term,lang,translation\nOTAN,en,"NATO\nUE,en,EU\n', "terms.csv:2: bad CSV quoting"),
    (b"term,lang,translation\nOTAN,en,NATO\nMaison Blanche,en,White House,DC\n",
     "terms.csv:3: 4 cells but the header has 3"),
    (b"term,lang,translation\nOTAN,en\n", "terms.csv:2: 2 cell(s) but 3 are needed"),
    (b"term,lang,translation\nOTAN,english!,NATO\n", "terms.csv:2: invalid language code"),
    (b"term,lang,translation\nOTAN,en,NATO\n\nOTAN,EN,OTAN\n", "terms.csv:4: 'OTAN' for en is already"),
    (b"term,lang,translation\nOTAN,es,\xd4TAN\n", "terms.csv:2: not UTF-8"),
    (b"term,lang,translation\nOTAN,en,NATO\x00\n", "binary"),
    (b"term;lang;translation\nOTAN;en;NATO\n", "terms.csv:1: the first row"),
])
def test_glossary_problems_are_reported_with_their_line(tmp_path, content, message):
    (tmp_path / "doc.txt").write_text("Le chat dort.\n", "utf-8")
    (tmp_path / "terms.csv").write_bytes(content)
    result = locwork("translate", "doc.txt", "--to", "es", "--glossary", "terms.csv", "--no-tm",
                     cwd=tmp_path)
    assert_one_line_error(result, message)
    assert not (tmp_path / "locales").exists()


def test_good_glossary_variants_still_read():
    terms = glossary.parse_csv(
        '\ufeffTerm,Lang,Translation,Note\n"Maison Blanche",EN,"White House","a ""note"", quoted"\n'
        "Marco Rubio,*,,\nOTAN,,\n\n\"Ligne\nsur deux\",es,Línea\n"
    )
    assert [(t.term, t.lang, t.translation) for t in terms.terms] == [
        ("Maison Blanche", "en", "White House"), ("Marco Rubio", "*", ""), ("OTAN", "*", ""),
        ("Ligne\nsur deux", "es", "Línea")]
    assert terms.terms[0].note == 'a "note", quoted'
    # a regional target takes its language's lines
    assert terms.for_language("en_GB")["Maison Blanche"].translation == "White House"


def test_a_glossary_error_names_the_line_of_a_multiline_record():
    with pytest.raises(LocworkError, match=r"g.csv:4: invalid language"):
        glossary.parse_csv('term,lang,translation\n"a\nb",en,x\nc,zz9,y\n', "g.csv")


# ------------------------------------------------------------ charsets


def test_unknown_po_charset_is_an_error_not_utf8(tmp_path):
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={}\\n"\n\nmsgid "a"\nmsgstr "b"\n'
    (tmp_path / "odd.po").write_text(header.format("latin-42"), "utf-8")
    assert_one_line_error(locwork("stats", "odd.po", cwd=tmp_path), "odd.po",
                          "unknown charset 'latin-42'")
    (tmp_path / "template.po").write_text(header.format("CHARSET"), "utf-8")
    assert locwork("stats", "template.po", cwd=tmp_path).returncode == 0


def test_document_in_an_unknown_charset_is_refused(tmp_path):
    text = "Президент заявил, что встреча отменена. Это было неожиданно для всех.\n"
    (tmp_path / "ru.txt").write_bytes(text.encode("koi8_r"))
    assert_one_line_error(locwork("segment", "ru.txt", cwd=tmp_path), "ru.txt", "encoding")


def test_upload_beside_a_fifo_of_the_same_name(tmp_path):
    """The app compared an upload with corpus/<name> by reading it: a FIFO there hung it."""
    (tmp_path / "corpus").mkdir()
    os.mkfifo(tmp_path / "corpus" / "doc.txt")
    code = ("import sys; from pathlib import Path; from locwork import workspace; "
            "up = workspace.save_upload(workspace.Project(Path(sys.argv[1])), 'doc.txt', "
            "'Le chat dort.\\n'.encode()); print(up.path.name)")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "doc-2.txt"
