"""The export format registry: every format registered once, an unknown one refused.

Before the registry, ``render_input`` was an if-chain whose last branch wrote
TMX for any name it did not know: a format added to the list but not to the
chain came out as TMX under its own suffix.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DEFAULT_DOC
from locwork import catalog, document, export
from locwork.cli import LocworkGroup
from locwork.cli.export import export as export_command
from locwork.errors import LocworkError
from test_export import make_catalog

DOC_REF = f"corpus/{DEFAULT_DOC.name}"


def write_plain(inp: export.CatalogInput, approved_only: bool, document: object = None) -> bytes:
    """A plain-text export: one ``msgid = msgstr`` line per translated entry."""
    lines = [f"{e.msgid} = {e.msgstr}" for e in inp.po if e.msgstr and not e.obsolete]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def es_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "corpus").mkdir()
    shutil.copy(DEFAULT_DOC, tmp_path / DOC_REF)
    path = catalog.catalog_path(tmp_path / "locales", "es", DEFAULT_DOC.stem)
    catalog.save(make_catalog(document.load(DEFAULT_DOC), "es", DOC_REF), path)
    monkeypatch.chdir(tmp_path)
    return path


@pytest.fixture
def plain_format():
    fmt = export.register(export.Format("plain", "pairs.txt", "text/plain; charset=utf-8",
                                        "test_export_registry:write_plain"))
    yield fmt
    del export.FORMATS["plain"]


def test_every_format_has_a_writer_that_resolves():
    assert list(export.FORMATS) == ["html", "bilingual", "mo", "xliff", "tmx"]
    suffixes = [f.suffix for f in export.FORMATS.values()]
    assert len(set(suffixes)) == len(suffixes)
    for fmt in export.FORMATS.values():
        module, _, function = fmt.writer.partition(":")
        assert callable(getattr(__import__(module, fromlist=[function]), function)), fmt.name


def test_a_new_format_is_one_registration(es_catalog, plain_format):
    """Registered once, it is rendered by its own writer (not TMX), named by its
    suffix, and offered by `export --all` and the CLI's --format."""
    data, name, mimetype = export.render(es_catalog, "plain")
    assert name == f"{DEFAULT_DOC.stem}.es.pairs.txt" and mimetype.startswith("text/plain")
    assert b"<tmx" not in data and b" = " in data
    written = export.export_all(es_catalog.parents[1], "exports")
    assert Path("exports") / name in written
    group = LocworkGroup(commands={"export": export_command})
    result = CliRunner().invoke(group, ["export", str(es_catalog), "-f", "plain"])
    assert result.exit_code == 0, result.output
    assert (Path("exports") / name).read_bytes() == data


def test_unknown_format_is_a_clear_error(es_catalog):
    inp = export.load_catalog(es_catalog)
    with pytest.raises(LocworkError, match=r"unknown export format 'pdf' \(choose from html, "):
        export.render_input(inp, "pdf")
    with pytest.raises(LocworkError, match="unknown export format"):
        export.export_all(es_catalog.parents[1], "exports", formats=["tmx", "pdf"])
    assert not Path("exports").exists()  # refused before anything is written
    group = LocworkGroup(commands={"export": export_command})
    result = CliRunner().invoke(group, ["export", str(es_catalog), "-f", "pdf"])
    assert result.exit_code == 2 and "'pdf' is not one of 'html'" in result.output


def test_a_format_is_registered_once(plain_format):
    with pytest.raises(ValueError, match="registered twice"):
        export.register(plain_format)
    with pytest.raises(ValueError, match="both write .tmx"):
        export.register(export.Format("tmx2", "tmx", "text/plain", "x:y"))
    assert "tmx2" not in export.FORMATS
