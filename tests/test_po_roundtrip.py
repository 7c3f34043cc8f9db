"""Real-world PO files (../shared/data/po) survive load + save, and their counts match msgfmt.

* Saving an unchanged catalog gives back the very same bytes (every file).
* The gettext layout locwork uses for changed entries (``dumps(canonical=True)``)
  loses nothing: msgcat sees the same entries, polib reads the same values.
* Changing one entry rewrites that entry only.
* ``catalog.stats`` agrees with ``msgfmt --statistics``.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from conftest import msgfmt_statistics  # noqa: E402
from locwork import catalog
from locwork.errors import LocworkError

pytestmark = pytest.mark.timeout(120)

PO_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "po"
FILES = sorted(PO_DIR.glob("*.po")) if PO_DIR.is_dir() else []
C_LOCALE = dict(os.environ, LC_ALL="C", LANGUAGE="")


def po_files():
    if not FILES:
        reason = f"{PO_DIR} is absent: the shared PO samples live beside the repository"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="no-shared-po")]
    return [pytest.param(path, id=path.name) for path in FILES]


needs_gettext = pytest.mark.skipif(
    shutil.which("msgcat") is None or shutil.which("msgfmt") is None, reason="GNU gettext is not installed"
)
each_file = pytest.mark.parametrize("path", po_files())


@functools.lru_cache(maxsize=None)
def msgcat_entries(path: Path) -> tuple[bytes, ...]:
    """The entries of ``path`` as msgcat prints them, unwrapped."""
    result = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True, env=C_LOCALE)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return tuple(result.stdout.split(b"\n\n"))


@functools.lru_cache(maxsize=None)
def canonical_bytes(path: Path) -> bytes:
    """Every entry of ``path`` rewritten in gettext's layout (as if all had changed)."""
    po = catalog.load(path)
    return catalog.dumps(po, canonical=True).encode(po.encoding)


def assert_same_entries(original: Path, copy: Path) -> None:
    before, after = msgcat_entries(original), msgcat_entries(copy)
    for index, (a, b) in enumerate(zip(before, after)):
        assert a == b, f"entry {index} differs:\n{a.decode(errors='replace')}\n---\n{b.decode(errors='replace')}"
    assert len(before) == len(after)


def polib_view(po: polib.POFile) -> tuple:
    entries = tuple(
        (e.obsolete, e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items())),
         tuple(e.flags), e.comment, e.tcomment, tuple(e.occurrences), e.previous_msgctxt, e.previous_msgid,
         e.previous_msgid_plural)
        for e in po
    )
    return (po.encoding, po.header, tuple(po.metadata.items()), bool(po.metadata_is_fuzzy), entries)


@each_file
def test_unchanged_catalog_saves_byte_identical(path, tmp_path):
    po = catalog.load(path)
    copy = tmp_path / path.name
    catalog.save(po, copy)
    assert copy.read_bytes() == path.read_bytes()


FEATURES = {
    "obsolete": (r"^#~ msgid ", lambda e: e.obsolete),
    "obsolete previous msgid (#~|)": (r"^#~\| msgid ", lambda e: e.obsolete and e.previous_msgid is not None),
    "previous msgid (#|)": (r"^#\| msgid ", lambda e: not e.obsolete and e.previous_msgid is not None),
    "msgctxt": (r"^(#~ )?msgctxt ", lambda e: e.msgctxt is not None),
    "plural": (r"^(#~ )?msgid_plural ", lambda e: bool(e.msgid_plural)),
    "flags": (r"^#, ", lambda e: bool(e.flags)),
    "references": (r"^#: ", lambda e: bool(e.occurrences)),
    "translator comments": (r"^# ", lambda e: bool(e.tcomment)),
    "extracted comments": (r"^#\.", lambda e: bool(e.comment)),
}


def feature_count(blocks: list[str], pattern: str) -> int:
    """Entries having a feature = blocks holding at least one such line."""
    regex = re.compile(pattern, re.M)
    return sum(1 for block in blocks if regex.search(block))


def entry_blocks(text: str) -> list[str]:
    blocks = re.split(r"\n[ \t]*\n", text)
    return [b for b in blocks if re.search(r"^(#~ )?msgid ", b, re.M) and not re.search(r'^msgid ""\nmsgstr ""\n"', b, re.M)]


@needs_gettext
@each_file
def test_gettext_layout_keeps_everything(path, tmp_path):
    """Rewrite every entry (as if all had changed): nothing is lost or altered.

    msgcat sees the same entries; polib reads the same values (with what it
    drops itself); plurals, msgctxt, flags, comments, previous msgids,
    obsolete entries with ``#~|``, the header and the charset all survive.
    """
    po = catalog.load(path)
    copy = tmp_path / path.name
    copy.write_bytes(canonical_bytes(path))
    assert_same_entries(path, copy)
    assert polib_view(polib.pofile(str(copy))) == polib_view(polib.pofile(str(path)))
    again = catalog.load(copy)
    assert polib_view(again) == polib_view(po)
    assert again.encoding == po.encoding and again.header == po.header and again.metadata == po.metadata
    blocks = entry_blocks(path.read_bytes().decode(po.encoding))
    assert len(blocks) == len(po)
    for name, (pattern, has) in FEATURES.items():
        expected = feature_count(blocks, pattern)
        assert sum(1 for e in po if has(e)) == expected, name
        assert sum(1 for e in again if has(e)) == expected, name


@needs_gettext
@each_file
def test_gettext_layout_is_msgcat_layout(path):
    version = subprocess.run(["msgcat", "--version"], capture_output=True, text=True).stdout
    if " 0.21" not in version.splitlines()[0]:
        pytest.skip("line breaking mirrors gettext 0.21 (libunistring 1.0); this msgcat is another version")
    expected = subprocess.run(["msgcat", str(path)], capture_output=True, env=C_LOCALE).stdout
    assert canonical_bytes(path) == expected


@each_file
def test_charset_is_kept(path, tmp_path):
    po = catalog.load(path)
    declared = re.search(r"charset=([\w.-]+)", po.metadata["Content-Type"]).group(1)
    assert po.encoding.lower() == declared.lower()
    po[0].msgstr = po[0].msgstr + " é"  # changed entry, still in the file's charset
    copy = tmp_path / path.name
    catalog.save(po, copy)
    copy.read_bytes().decode(declared)  # strict
    assert (" é".encode(declared) in copy.read_bytes())
    assert catalog.load(copy).encoding == po.encoding


def test_vim_catalog_stays_latin9(tmp_path):
    path = PO_DIR / "vim.src-po.fr.po"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    po = catalog.load(path)
    assert po.encoding == "ISO-8859-15"
    entry = next(e for e in po if e.msgid == "E164: Cannot go before first file")
    entry.msgstr = "E164: Impossible d'aller avant le premier fichier (€, œ, é)"
    copy = tmp_path / path.name
    catalog.save(po, copy)
    data = copy.read_bytes()
    assert "(€, œ, é)".encode("iso-8859-15") in data and "é".encode("utf-8") not in data


@needs_gettext
@each_file
def test_one_changed_entry_changes_only_its_lines(path, tmp_path):
    po = catalog.load(path)
    candidates = [e for e in po if not e.obsolete and e.msgstr and not e.msgid_plural]
    entry = candidates[len(candidates) // 2]
    old_msgstr = entry.msgstr
    entry.msgstr = "Traduction remplacée par locwork, assez longue pour que gettext la coupe sur deux lignes."
    catalog.set_state(entry, catalog.State.MACHINE)
    catalog.set_meta(entry, "engine", "apertium")
    copy = tmp_path / path.name
    catalog.save(po, copy)
    before = path.read_bytes().decode(po.encoding).splitlines()
    after = copy.read_bytes().decode(po.encoding).splitlines()
    head = 0
    while before[head] == after[head]:
        head += 1
    tail = 0
    while before[-1 - tail] == after[-1 - tail]:
        tail += 1
    removed, added = before[head:len(before) - tail], after[head:len(after) - tail]
    # the changes lie inside one block: the entry's own (no blank line between them)
    assert "" not in removed and "" not in added
    assert any(line.startswith("msgstr") for line in removed)
    assert "#. locwork-engine: apertium" in added
    assert any("Traduction remplacée par locwork" in line for line in added)
    reloaded = catalog.load(copy)
    assert reloaded[po.index(entry)].msgstr == entry.msgstr != old_msgstr
    entries_before, entries_after = msgcat_entries(path), msgcat_entries(copy)
    differing = [i for i, (a, b) in enumerate(zip(entries_before, entries_after)) if a != b]
    assert len(differing) == 1 and len(entries_before) == len(entries_after)




@needs_gettext
@each_file
def test_stats_agree_with_msgfmt(path):
    result = catalog.stats(catalog.load(path))
    assert {"translated": result.translated, "fuzzy": result.fuzzy,
            "untranslated": result.untranslated} == msgfmt_statistics(path)
    assert result.obsolete == feature_count(entry_blocks(path.read_bytes().decode("latin-1")), r"^#~ msgid ")
    assert result.machine + result.edited == result.fuzzy and result.approved == result.translated


@needs_gettext
def test_django_catalogs_fail_check_but_have_statistics():
    django = [p for p in FILES if p.name.startswith("django-")]
    if not django:
        pytest.skip(f"no Django catalogs in {PO_DIR}")
    for path in django:
        with pytest.raises(LocworkError) as info:
            catalog.check(path)
        message = str(info.value)
        assert "\n" not in message and "nplurals = 2" in message and "3 plural forms" in message
        assert msgfmt_statistics(path)["translated"] == catalog.stats(catalog.load(path)).translated
    for path in FILES:
        if path not in django:
            catalog.check(path)
