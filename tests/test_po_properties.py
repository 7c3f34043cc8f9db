"""Property-based tests (hypothesis) of the PO reader and writer, against real gettext.

1. Random catalogs (unicode, quotes, backslashes, newlines, tabs, contexts,
   plurals, obsolete entries, comments, flags, previous msgids), laid out by
   ``msgcat``: locwork loads the very strings that were generated, saves the
   file back byte for byte, and an edit keeps it valid for ``msgfmt --check``.
2. Real catalogs from ../shared/data/po, mutated (a byte or a line deleted,
   inserted or replaced, or the file cut anywhere): locwork either loads
   exactly what gettext reads from the same bytes, or refuses the file with a
   one-line LocworkError; never another exception, a hang or a cut string.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

import polib
import pytest

pytest.importorskip("hypothesis", reason="hypothesis is not installed (pip install -e '.[test]')")
from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from locwork import catalog
from locwork.errors import LocworkError

pytestmark = [
    pytest.mark.timeout(180),
    pytest.mark.skipif(shutil.which("msgcat") is None or shutil.which("msgfmt") is None,
                       reason="GNU gettext is not installed"),
]

PO_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "po"
C_LOCALE = dict(os.environ, LC_ALL="C", LANGUAGE="")
# LOCWORK_HYPOTHESIS_SCALE=10 runs ten times more examples (a longer hunt than the suite's).
SCALE = int(os.environ.get("LOCWORK_HYPOTHESIS_SCALE", "1"))
# A deadline per example catches a hang; it is generous because the tests run gettext's tools.
SETTINGS = dict(deadline=timedelta(seconds=10), database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def gettext(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, env=C_LOCALE, timeout=60)


def message_keys(po: polib.POFile) -> list[tuple]:
    return [catalog._message_key_of(entry) for entry in po]


# --- 1. generated catalogs, canonicalized by msgcat ------------------------

# polib reads \a \b \f \v (which msgcat writes as escapes) as two characters,
# and gettext forbids NUL and EOT in strings: every other character is fair game.
_CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs",),
                            exclude_characters="\x00\x04\x07\x08\x0b\x0c")
_TEXT = st.text(st.one_of(st.sampled_from('"\\\n\t\r %<>&\'#~|[]é€日本 '), _CHARACTERS), max_size=90)
_WORDS = st.text(st.sampled_from("abcdefghij éà%-_.:/0123456789"), min_size=1, max_size=30).map(str.strip).filter(bool)
_FLAGS = st.lists(st.sampled_from(["fuzzy", "c-format", "no-c-format", "python-format", "no-wrap"]),
                  unique=True, max_size=3)


@st.composite
def _entries(draw) -> list[dict]:
    count = draw(st.integers(1, 6))
    entries, keys = [], set()
    for _ in range(count):
        entry = {
            "msgctxt": draw(st.none() | _TEXT),
            "msgid": draw(_TEXT.filter(bool)),
            "obsolete": draw(st.booleans()),
            "flags": draw(_FLAGS),
            "tcomment": draw(st.none() | _WORDS),
            "comment": draw(st.none() | _WORDS),
            "occurrences": draw(st.lists(_WORDS.map(lambda w: w.replace(" ", "_") + ":12"), max_size=3)),
        }
        if draw(st.booleans()):
            entry["msgid_plural"] = draw(_TEXT.filter(bool))
            entry["plurals"] = (draw(_TEXT), draw(_TEXT))
        else:
            entry["msgstr"] = draw(_TEXT)
        if entry["obsolete"]:  # msgcat drops untranslated obsolete entries
            if "plurals" in entry:
                entry["plurals"] = (entry["plurals"][0] or "x", entry["plurals"][1])
            else:
                entry["msgstr"] = entry["msgstr"] or "x"
        if "fuzzy" in entry["flags"] and draw(st.booleans()):
            entry["previous_msgid"] = draw(_TEXT.filter(bool))
        key = (entry["msgctxt"], entry["msgid"])
        if key not in keys:
            keys.add(key)
            entries.append(entry)
    return sorted(entries, key=lambda entry: entry["obsolete"])  # msgcat puts obsolete entries last


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped.replace("\t", "\\t").replace("\r", "\\r") + '"'


def _write_po(entries: list[dict]) -> str:
    """A PO file written naively (one line per string); msgcat then lays it out."""
    out = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"',
           '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"', ""]
    for entry in entries:
        mark = "#~ " if entry["obsolete"] else ""
        if entry["tcomment"]:
            out.append("# " + entry["tcomment"])
        if entry["comment"]:
            out.append("#. " + entry["comment"])
        if entry["occurrences"] and not entry["obsolete"]:
            out.append("#: " + " ".join(entry["occurrences"]))
        if entry["flags"]:
            out.append("#, " + ", ".join(entry["flags"]))
        if "previous_msgid" in entry:
            out.append(("#~| " if entry["obsolete"] else "#| ") + "msgid " + _quote(entry["previous_msgid"]))
        if entry["msgctxt"] is not None:
            out.append(mark + "msgctxt " + _quote(entry["msgctxt"]))
        out.append(mark + "msgid " + _quote(entry["msgid"]))
        if "plurals" in entry:
            out.append(mark + "msgid_plural " + _quote(entry["msgid_plural"]))
            out += [f"{mark}msgstr[{i}] {_quote(form)}" for i, form in enumerate(entry["plurals"])]
        else:
            out.append(mark + "msgstr " + _quote(entry["msgstr"]))
        out.append("")
    return "\n".join(out)


def _newline_ends(text: str) -> tuple[bool, bool]:
    return text.startswith("\n"), text.endswith("\n")


def _expected_key(entry: dict) -> tuple:
    return (entry["obsolete"], entry["msgctxt"], entry["msgid"], entry.get("msgid_plural", ""),
            entry.get("msgstr", ""), tuple(entry.get("plurals", ())))


@settings(max_examples=40 * SCALE, **SETTINGS)
@given(entries=_entries())
def test_msgcat_catalogs_load_exactly_and_save_byte_for_byte(entries):
    with tempfile.TemporaryDirectory() as folder:
        naive = Path(folder, "naive.po")
        naive.write_text(_write_po(entries), "utf-8")
        result = gettext("msgcat", str(naive))
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        path = Path(folder, "doc.po")
        path.write_bytes(result.stdout)
        po = catalog.load(path)
        # the strings generated, neither more nor less
        assert message_keys(po) == [_expected_key(entry) for entry in entries]
        # saved unchanged: the same bytes (and the canonical layout is msgcat's)
        assert catalog.dumps(po).encode("utf-8") == result.stdout
        copy = Path(folder, "copy.po")
        catalog.save(po, copy)
        assert copy.read_bytes() == result.stdout
        # an edit (copy the source, as a translator may) keeps msgfmt --check happy
        valid = gettext("msgfmt", "--check", "-o", "/dev/null", str(path)).returncode == 0
        for entry in po:
            if entry.msgid_plural:
                # msgfmt --check wants msgid and msgid_plural to begin and end alike
                if _newline_ends(entry.msgid) == _newline_ends(entry.msgid_plural):
                    entry.msgstr_plural = {0: entry.msgid_plural, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
        catalog.save(po, copy)
        if valid:
            check = gettext("msgfmt", "--check", "-o", "/dev/null", str(copy))
            assert check.returncode == 0, check.stderr.decode(errors="replace")
        assert message_keys(catalog.load(copy)) == message_keys(po)


# --- 2. mutated real catalogs ------------------------------------------------

def _real_catalogs() -> list[bytes]:
    files = sorted(PO_DIR.glob("*.po")) if PO_DIR.is_dir() else []
    return [path.read_bytes() for path in files]


_CATALOGS = _real_catalogs()
_INTERESTING = b'"\\[]#~|\n x0123n_msgidtr.:,\t\r%\xc3\xa9'


@st.composite
def _mutated(draw) -> bytes:
    """An excerpt of a real catalog (its header and a run of entries), mutated once."""
    data = draw(st.sampled_from(_CATALOGS))
    blocks = data.split(b"\n\n")
    start = draw(st.integers(1, max(1, len(blocks) - 8)))
    excerpt = b"\n\n".join(blocks[:1] + blocks[start:start + 8]) + b"\n"
    lines = excerpt.split(b"\n")
    where = draw(st.integers(0, len(excerpt) - 1))
    line = draw(st.integers(0, len(lines) - 1))
    byte = bytes([draw(st.sampled_from(_INTERESTING))])
    kind = draw(st.sampled_from(["delete byte", "insert byte", "replace byte", "truncate",
                                 "delete line", "duplicate line", "replace line"]))
    if kind == "delete byte":
        return excerpt[:where] + excerpt[where + 1:]
    if kind == "insert byte":
        return excerpt[:where] + byte + excerpt[where:]
    if kind == "replace byte":
        return excerpt[:where] + byte + excerpt[where + 1:]
    if kind == "truncate":
        return excerpt[:where]
    if kind == "delete line":
        del lines[line]
    elif kind == "duplicate line":
        lines.insert(line, lines[draw(st.integers(0, len(lines) - 1))])
    else:
        lines[line] = lines[draw(st.integers(0, len(lines) - 1))]
    return b"\n".join(lines)


@pytest.mark.skipif(not _CATALOGS, reason=f"{PO_DIR} is absent: the shared PO samples live beside the repository")
@settings(max_examples=80 * SCALE, **SETTINGS)
@given(data=_mutated())
def test_mutated_catalogs_load_as_gettext_reads_them_or_fail_cleanly(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "doc.po")
        path.write_bytes(data)
        try:
            po = catalog.load(path)
        except LocworkError as error:
            message = str(error)
            assert "\n" not in message and message.startswith(str(path)), message
            return
        # A clean load: gettext reads the same bytes the same way.
        result = gettext("msgcat", "--no-wrap", str(path))
        stderr = result.stderr.decode(errors="replace")
        if result.returncode != 0:
            # not a syntax error: msgcat also refuses duplicates and a missing charset
            assert "duplicate message definition" in stderr or "charset" in stderr, stderr
            assume(False)
        canonical = Path(folder, "canonical.po")
        canonical.write_bytes(result.stdout)
        assert message_keys(po) == message_keys(polib.pofile(str(canonical)))
        # and what locwork writes reads back the same
        copy = Path(folder, "copy.po")
        catalog.save(po, copy)
        assert message_keys(catalog.load(copy)) == message_keys(po)
