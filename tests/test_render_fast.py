"""The fast paths of the catalog writer give gettext's layout, on real text."""

from __future__ import annotations

import importlib
import shutil
import subprocess

import polib
import pytest

from conftest import SHARED
from locwork import catalog
from locwork.catalog import linebreak

MT_DEV = SHARED / "data" / "mt-dev"
needs_data = pytest.mark.skipif(not MT_DEV.exists(), reason=f"{MT_DEV} is absent (shared MT dev set)")
EDGES = [
    "日本語のテキスト、全角。" * 9,
    "\u2028a b\u2029 c " * 12,
    "x\u200by " * 30,
    "tab\there " * 12,
    'a\\b"c\n' * 8,
    "é" * 120,
    "\u0301 a\u0301  " * 20,
    " " * 90,
    "ＡＢＣ（）「」 " * 12,
    "a  -b (c) [d] 12,5 % ! " * 6,
]


def sample_lines(per_file: int = 150) -> list[str]:
    lines: list[str] = []
    for path in sorted(MT_DEV.glob("newstest2013.*")):
        lines += path.read_text("utf-8").splitlines()[:per_file]
    return lines + EDGES


@needs_data
@pytest.mark.parametrize("cjk", [False, True])
def test_sparse_break_opportunities_equal_the_character_scan(cjk):
    for text in sample_lines():
        marks = linebreak._scan(text, cjk, linebreak.BK, False)[0]
        assert linebreak._break_opportunities(text, cjk) == [(i, m) for i, m in enumerate(marks) if m], text


def test_shapes_keep_the_line_breaking_class():
    """Runs are looked up by shape: every letter and digit mapped keeps its class."""
    for code, shape in linebreak._SHAPE.items():
        assert linebreak._lb_class(chr(code)) == linebreak._lb_class(shape), hex(code)
    assert "Été 2012, l'État".translate(linebreak._SHAPE) == "aaa 0000, a'aaaa"

@needs_data
@pytest.mark.skipif(shutil.which("msgcat") is None, reason="gettext's msgcat is not installed")
def test_newstest_catalog_is_laid_out_as_msgcat_does(tmp_path):
    version = subprocess.run(["msgcat", "--version"], capture_output=True, text=True).stdout
    if " 0.21" not in version.splitlines()[0]:
        pytest.skip("line breaking mirrors gettext 0.21 (libunistring 1.0); this msgcat is another version")
    meta = importlib.import_module("locwork.catalog.meta")
    po = catalog.new_catalog("es", "news", "news.txt")
    lines = sample_lines()
    for i, text in enumerate(lines):
        entry = polib.POEntry(msgctxt=f"p{i}.s1", msgid=text, msgstr=lines[-1 - i], occurrences=[("news.txt", str(i))])
        meta.update_meta(entry, {"mt": lines[i - 1], "note": text + " \t"})
        po.append(entry)
    path = tmp_path / "news.po"
    catalog.save(po, path)
    expected = subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout.decode("utf-8")
    assert path.read_text("utf-8") == expected
    again = polib.pofile(str(path))
    assert [meta.get_meta(e, "note") for e in again] == [text + " \t" for text in lines]


@pytest.mark.parametrize("cjk", [False, True])
def test_one_column_never_says_so_of_a_wider_or_narrower_character(cjk):
    """The regex shortcut for Latin text agrees with the width of every character it lets through."""
    wrong = [code for code in range(0x30000)
             if linebreak.one_column(chr(code), cjk) and linebreak._char_width(chr(code), cjk) != 1]
    assert wrong == []
    assert linebreak.one_column("Le café « coûte » 3 € — déjà…", cjk) is not cjk  # ambiguous width under CJK
