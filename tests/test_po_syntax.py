"""A PO file with a syntax error is refused, never cut short (issue 11 §3).

Each broken file gets a one-line LocworkError naming the file and the line,
where msgfmt refuses it too; what only ``msgfmt --check`` refuses still loads.
The CLI commands that read a catalog exit 1 over a broken one and leave it
byte for byte as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from locwork import catalog
from locwork.errors import LocworkError

pytestmark = pytest.mark.timeout(120)

needs_gettext = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
C_LOCALE = dict(os.environ, LC_ALL="C", LANGUAGE="")

HEADER = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n'
    "\n"
)  # 5 lines: the first entry starts on line 6


def msgfmt_refuses(path: Path) -> bool:
    result = subprocess.run(["msgfmt", "-o", "/dev/null", str(path)], capture_output=True, env=C_LOCALE)
    return result.returncode != 0


def refused(path: Path) -> str:
    """The one-line error catalog.load gives for ``path``."""
    with pytest.raises(LocworkError) as info:
        catalog.load(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{path}:"), message
    return message


# (id, body after the header, line of the error, what the message says)
BROKEN = [
    ("unterminated msgid", 'msgid "abc\nmsgstr "x"\n', 6, "unterminated string"),
    ("file cut inside msgstr", 'msgid "a"\nmsgstr "de', 7, "unterminated string (the end of the file"),
    ("cut inside a continuation line", 'msgid "a"\nmsgstr ""\n"first line "\n"sec', 9, "unterminated string"),
    ("invalid escape \\q", 'msgid "un\\q"\nmsgstr "x"\n', 6, "invalid escape sequence \\q"),
    ("invalid escape \\'", "msgid \"l\\'eau\"\nmsgstr \"x\"\n", 6, "invalid escape sequence \\'"),
    ("invalid escape \\?", 'msgid "a"\nmsgstr "quoi\\?"\n', 7, "invalid escape sequence \\?"),
    ("invalid escape \\u", 'msgid "caf\\u00e9"\nmsgstr "x"\n', 6, "invalid escape sequence \\u"),
    ("hex escape without digits", 'msgid "a\\xg"\nmsgstr "x"\n', 6, "invalid escape sequence \\x"),
    ("context separator", 'msgid "a\\004b"\nmsgstr "x"\n', 6, "context separator"),
    ("unknown keyword", 'msgid "a"\nmsgstrr "x"\n', 7, 'unknown keyword "msgstrr"'),
    ("unknown keyword in #|", '#| msgstr "old"\nmsgid "a"\nmsgstr "x"\n', 6, 'unknown keyword "msgstr" in a #| line'),
    ("msgstr[x]", 'msgid "a"\nmsgid_plural "b"\nmsgstr[x] "x"\n', 8, 'unknown keyword "x"'),
    ("msgstr[-1]", 'msgid "a"\nmsgid_plural "b"\nmsgstr[-1] "x"\n', 8, "unexpected '-'"),
    ("plural index gap", 'msgid "a"\nmsgid_plural "b"\nmsgstr[0] "x"\nmsgstr[2] "y"\n', 9,
     "msgstr[2] where msgstr[1] was expected"),
    ("first plural index not 0", 'msgid "a"\nmsgid_plural "b"\nmsgstr[1] "x"\n', 8,
     "msgstr[1] where msgstr[0] was expected"),
    ("msgstr[0] without msgid_plural", 'msgid "a"\nmsgstr[0] "x"\n', 7, "msgstr[N] in an entry without msgid_plural"),
    ("plain msgstr after msgid_plural", 'msgid "a"\nmsgid_plural "b"\nmsgstr "x"\n', 8, "msgstr without [N]"),
    ("missing msgstr", 'msgid "a"\n\nmsgid "b"\nmsgstr "x"\n', 6, "missing msgstr"),
    ("missing msgstr at the end", 'msgid "a"\nmsgstr "x"\n\nmsgid "b"\n', 9, "missing msgstr"),
    ("keyword without a string", 'msgid "a"\nmsgstr\n', 7, "a string after msgstr"),
    ("comment inside an entry", 'msgid "a"\n# note\nmsgstr "x"\n', 7, "a comment line inside an entry"),
    ("inconsistent #~", '#~ msgid "a"\nmsgstr "x"\n', 7, "inconsistent use of #~"),
    ("junk after a string", 'msgid "a"\nmsgstr "x" y\n', 7, 'unknown keyword "y"'),
    ("junk character", 'msgid "a"\nmsgstr "x"\n%\n', 8, "unexpected '%'"),
    ("string after a comment", 'msgid "a"\nmsgstr "x"\n\n#, fuzzy\n"orphan"\n', 10, "a string where msgid was expected"),
]


@needs_gettext
@pytest.mark.parametrize("body, line, detail", [pytest.param(*case[1:], id=case[0]) for case in BROKEN])
def test_syntax_errors_are_refused_like_msgfmt(tmp_path, body, line, detail):
    path = tmp_path / "doc.po"
    path.write_text(HEADER + body, "utf-8")
    assert msgfmt_refuses(path), "msgfmt accepts this file: the case is wrong"
    message = refused(path)
    assert message.startswith(f"{path}:{line}: "), message
    assert detail in message


def test_issue_examples(tmp_path):
    """The two files of the issue: polib read ``ab`` and ``d``; locwork now refuses them."""
    path = tmp_path / "doc.po"
    path.write_text(HEADER + 'msgid "abc\nmsgstr ""\n', "utf-8")
    assert refused(path) == f"{path}:6: unterminated string (the end of the line comes first)"
    path.write_text(HEADER + 'msgid "source"\nmsgstr "de', "utf-8")
    assert refused(path) == f"{path}:7: unterminated string (the end of the file comes first)"


VALID = [
    ("C escapes gettext knows", 'msgid "bell\\a back\\b ff\\f vt\\v oct\\101 hex\\x41 \\\\ \\" \\t \\r"\nmsgstr ""\n'),
    ("plural forms", 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] "y"\n'),
    ("more forms than nplurals (a --check matter)",
     'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] "y"\nmsgstr[2] "z"\n'),
    ("obsolete with previous", '#~| msgid "old"\n#~ msgid "a"\n#~ msgstr "b"\n#~ "c"\n'),
    ("previous msgid", '#, fuzzy\n#| msgctxt "c"\n#| msgid "old"\n#| msgid_plural "olds"\nmsgid "a"\nmsgstr "b"\n'),
    ("CRLF and trailing spaces", 'msgid "a" \r\nmsgstr "b"\t\r\n'),
    ("no final newline", 'msgid "a"\nmsgstr "b"'),
    ("comment only after the last entry", 'msgid "a"\nmsgstr "b"\n# the end\n'),
]


@needs_gettext
@pytest.mark.parametrize("body", [pytest.param(case[1], id=case[0]) for case in VALID])
def test_valid_files_load_and_round_trip(tmp_path, body):
    path = tmp_path / "doc.po"
    data = (HEADER + body).encode("utf-8")
    path.write_bytes(data)
    assert not msgfmt_refuses(path)
    po = catalog.load(path)
    assert catalog.dumps(po).encode("utf-8") == data


def test_polib_blind_spots_are_refused_with_advice(tmp_path):
    """Valid for gettext, but polib would read them wrong: refused, not misread."""
    path = tmp_path / "doc.po"
    for body in ('msgid "a" msgstr "b"\n', 'msgid"a"\nmsgstr"b"\n',
                 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[ 1 ] "y"\n', 'msgid "a"\nmsgstr "b"\n#~\n', '#r: odd comment\nmsgid "a"\nmsgstr "b"\n', 'msgid "a\\\nb"\nmsgstr "c"\n'):
        path.write_text(HEADER + body, "utf-8")
        message = refused(path)
        assert "rewrite the file with msgcat" in message, message
    path.write_text(HEADER + 'domain "other"\nmsgid "a"\nmsgstr "b"\n', "utf-8")
    assert "'domain' line" in refused(path)


@needs_gettext
def test_every_truncation_is_refused_or_read_whole(tmp_path):
    """Cut a small catalog at every byte: msgfmt and locwork agree, and nothing loads cut short."""
    text = HEADER + (
        '#. note\n#, c-format\nmsgctxt "ctx"\nmsgid "un %d"\nmsgstr ""\n"premier morceau "\n"second"\n\n'
        'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] "ys"\n\n'
        '#~ msgid "vieux"\n#~ msgstr "old"\n'
    )
    data = text.encode("utf-8")
    original = {(e.msgctxt, e.msgid): e for e in catalog.load(_write(tmp_path / "full.po", data))}
    path = tmp_path / "cut.po"
    for size in range(len(HEADER), len(data)):
        _write(path, data[:size])
        try:
            po = catalog.load(path)
        except LocworkError as error:
            assert "\n" not in str(error) and re.match(rf"{re.escape(str(path))}:\d+: ", str(error)), error
            if "rewrite the file with msgcat" not in str(error):  # a layout polib cannot read (a final '#~')
                assert msgfmt_refuses(path), f"cut at {size}: msgfmt accepts what locwork refuses: {error}"
            continue
        assert not msgfmt_refuses(path), f"cut at {size}: locwork loads what msgfmt refuses"
        for entry in po:
            whole = original[(entry.msgctxt, entry.msgid)]
            if entry.msgstr != whole.msgstr:  # only whole lines may be missing
                assert data[:size].rstrip(b"\n").endswith(b'"') and whole.msgstr.startswith(entry.msgstr)
            assert entry.msgid_plural in ("", whole.msgid_plural)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- the CLI over a broken catalog ------------------------------------------

TRUNCATED = HEADER + '#. locwork-state: machine\n#, fuzzy\nmsgctxt "p1.s1"\nmsgid "Bonjour."\nmsgstr "Hol'


def _broken_project(tmp_path: Path) -> Path:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "doc.txt").write_text("Bonjour.\n\nAu revoir.\n", "utf-8")
    po = tmp_path / "locales" / "es" / "doc.po"
    po.parent.mkdir(parents=True)
    po.write_text(TRUNCATED, "utf-8")
    return po


@pytest.mark.parametrize("args", [
    pytest.param(("translate", "corpus/doc.txt", "--to", "es", "--engine", "apertium", "--no-tm"), id="translate"),
    pytest.param(("pretranslate", "locales/es/doc.po", "--from", "fr", "--to", "es", "--engine", "apertium",
                  "--no-tm"), id="pretranslate"),
    pytest.param(("stats", "locales/es/doc.po"), id="stats"),
    pytest.param(("export", "locales/es/doc.po", "--format", "xliff", "-o", "out.xlf"), id="export"),
    pytest.param(("score", "locales/es/doc.po"), id="score"),
])
def test_cli_over_a_truncated_catalog_exits_1_and_leaves_it(run_cli, tmp_path, args):
    po = _broken_project(tmp_path)
    before = po.read_bytes()
    result = run_cli(*args)
    assert result.returncode == 1, (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    assert "doc.po:10: unterminated string" in lines[0]
    assert po.read_bytes() == before
    assert sorted(p.name for p in po.parent.iterdir()) == ["doc.po"]  # no temp or lock file left behind
    assert not (tmp_path / "out.xlf").exists()


# --- odd but valid layouts found by mutating real catalogs ------------------

def test_entries_without_blank_lines_between_them_stay_so(tmp_path):
    path = tmp_path / "doc.po"
    data = (HEADER.rstrip("\n") + '\nmsgid "a"\nmsgstr "x"\n#, fuzzy\nmsgid "b"\nmsgstr "y"\nmsgid "c"\nmsgstr "z"\n')
    path.write_text(data, "utf-8")
    po = catalog.load(path)
    assert catalog.dumps(po) == data
    po[1].msgstr = "changed"
    assert catalog.dumps(po) == data.replace('msgstr "y"', 'msgstr "changed"')
    po.append(polib.POEntry(msgid="new", msgstr="nouveau"))
    assert catalog.dumps(po).endswith('msgstr "z"\n\nmsgid "new"\nmsgstr "nouveau"\n')  # a new entry: gettext's blank line


def test_header_line_before_the_first_field_is_kept(tmp_path):
    """polib's metadata drops it; saving (even with a new revision date) must not."""
    path = tmp_path / "doc.po"
    data = ('msgid ""\nmsgstr ""\n"Project-Id-Versi\\n: Vim\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
            '"PO-Revision-Date: old\\n"\n\nmsgid "a"\nmsgstr "x"\n')
    path.write_text(data, "utf-8")
    po = catalog.load(path)
    assert catalog.dumps(po) == data
    po.metadata["PO-Revision-Date"] = "new"
    assert '"Project-Id-Versi\\n"\n": Vim\\n"\n' in catalog.dumps(po)
