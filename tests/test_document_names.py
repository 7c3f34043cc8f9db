"""Two documents whose names differ only by extension never share (and clobber) one catalog.

Catalogs are named after the document without its extension (``locales/es/a.po``),
so ``corpus/a.txt`` and ``corpus/a.md`` would write the same file: the second run
used to turn the first document's translations, approved ones included, obsolete.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import msgfmt_check
from locwork import workspace

ROUTE = ("--route", "es=apertium:fr-es")


def _project(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Bonjour le monde.\n\nIl fait beau.\n", encoding="utf-8")
    (corpus / "a.md").write_text("# Titre\n\nUne autre phrase.\n", encoding="utf-8")
    return tmp_path


def test_second_document_with_the_same_stem_is_refused(run_cli, tmp_path):
    _project(tmp_path)
    run_cli("translate", "corpus/a.txt", "--to", "es", *ROUTE, check=True)
    catalog = tmp_path / "locales" / "es" / "a.po"
    before = catalog.read_bytes()
    result = run_cli("translate", "corpus/a.md", "--to", "es", *ROUTE)
    assert result.returncode == 1
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert "is the catalog of corpus/a.txt" in result.err and "rename one" in result.err
    assert catalog.read_bytes() == before  # a.txt's work untouched
    msgfmt_check(catalog)


def test_one_run_with_both_documents_is_refused_before_any_work(run_cli, tmp_path):
    _project(tmp_path)
    result = run_cli("translate", "corpus", "--to", "es", *ROUTE)
    assert result.returncode == 1
    assert "would share the catalogs a.po" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "locales" / "es" / "a.po").exists()


def test_a_renamed_document_keeps_its_catalog(run_cli, tmp_path):
    _project(tmp_path)
    (tmp_path / "corpus" / "a.md").unlink()
    run_cli("translate", "corpus/a.txt", "--to", "es", *ROUTE, check=True)
    (tmp_path / "corpus" / "a.txt").rename(tmp_path / "corpus" / "a.text.md")
    (tmp_path / "corpus" / "a.text.md").rename(tmp_path / "corpus" / "a.md")
    result = run_cli("translate", "corpus/a.md", "--to", "es", *ROUTE)
    assert result.returncode == 0, result.err
    catalog = tmp_path / "locales" / "es" / "a.po"
    msgfmt_check(catalog)
    assert "X-Locwork-Source: corpus/a.md" in catalog.read_text(encoding="utf-8")
    # a new a.txt beside it is now the other document
    (tmp_path / "corpus" / "a.txt").write_text("Encore une phrase.\n", encoding="utf-8")
    result = run_cli("translate", "corpus/a.txt", "--to", "es", *ROUTE)
    assert result.returncode == 1 and "is the catalog of corpus/a.md" in result.err


@pytest.mark.parametrize("first", ["a.txt", "a.html"])
def test_an_upload_with_a_taken_stem_gets_a_free_name(tmp_path, first):
    project = workspace.Project(tmp_path)
    workspace.save_upload(project, first, "Bonjour le monde.\n".encode())
    stored = workspace.save_upload(project, "a.md", "Une autre phrase.\n".encode())
    assert stored.path.name == "a-2.md" and stored.document.name == "a-2"
    assert any("another document is named a" in m for m in stored.messages)
    again = workspace.save_upload(project, "a.md", "Une autre phrase.\n".encode())
    assert again.path.name == "a-2.md" and again.reused  # the same upload again is recognised


def test_a_folder_is_read_one_document_at_a_time_and_a_bad_one_stops_only_itself(tmp_path, run_cli):
    """Documents are read as their turn comes (a folder of 1,000 needs the memory of one):
    an empty file is reported in one line when reached, the catalogs before it are written,
    and the re-run after the fix translates only what is left."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Le chat dort.\n", "utf-8")
    (folder / "b.txt").write_text("", "utf-8")
    (folder / "c.txt").write_text("Le chien mange.\n", "utf-8")
    env_tm = ["--no-tm"]
    first = run_cli("translate", "docs", "--to", "es", "--route", "es=apertium:fr-es", *env_tm)
    assert first.returncode == 1
    assert first.err.strip().splitlines()[-1].endswith("b.txt: the file is empty")
    assert "Traceback" not in first.err
    assert (tmp_path / "locales" / "es" / "a.po").is_file()
    assert not (tmp_path / "locales" / "es" / "c.po").exists()
    (folder / "b.txt").write_text("La maison est grande.\n", "utf-8")
    second = run_cli("translate", "docs", "--to", "es", "--route", "es=apertium:fr-es", "--json", *env_tm)
    assert second.returncode == 0, second.err
    reports = {Path(r["catalog"]).name: r for r in json.loads(second.out)}
    assert set(reports) == {"a.po", "b.po", "c.po"}
    assert (reports["a.po"]["kept"], reports["a.po"]["mt"]) == (1, 0)  # answered from its stamp
    assert reports["b.po"]["mt"] == reports["c.po"]["mt"] == 1
    for name in ("a.po", "b.po", "c.po"):
        msgfmt_check(tmp_path / "locales" / "es" / name)
