"""The translation memory under stress: a rebuild racing approvals, damaged and misplaced files.

Everything is real: the `locwork` CLI and the approver run as separate
processes, and damage is done to a real SQLite file by writing bytes into it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest

from locwork import catalog, review, tm
from locwork.catalog import State
from locwork.errors import LocworkError

from conftest import LOCWORK

pytestmark = pytest.mark.timeout(180)

HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: es\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')


def filler(path: Path, doc: int, entries: int) -> None:
    """An approved catalog, written directly (fast): bulk for the rebuild to read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(
        f'msgctxt "p{i // 10}.s{i % 10}"\nmsgid "Phrase {i} du document {doc}, assez longue pour compter."\n'
        f'msgstr "Frase {i} del documento {doc}, bastante larga para contar."\n\n'
        for i in range(entries))
    path.write_text(HEADER + body, "utf-8")


def drafts(path: Path, doc: str, count: int) -> list[tuple[str, str, str]]:
    """A catalog of machine drafts to approve: (segment, source, draft)."""
    rows = [(f"p9.s{i}", f"Une phrase à relire, numéro {i}.", f"Una frase por revisar, número {i}.")
            for i in range(count)]
    with catalog.edit(path, create=lambda: catalog.new_catalog("es", doc, f"corpus/{doc}.txt")) as po:
        for segment, source, target in rows:
            entry = polib.POEntry(msgctxt=segment, msgid=source, msgstr=target)
            po.append(entry)
            catalog.set_state(entry, State.MACHINE)
    return rows


def env() -> dict:
    return dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), PYTHONIOENCODING="utf-8")


# ------------------------------------------------------------ the rebuild race

_APPROVER = r"""
import json, os, sys, time
from locwork import review
path, rows, go, stop = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.01)
for segment, source, draft in rows:
    if os.path.exists(stop):
        break
    started = time.time()
    saved = review.save(path, segment, draft + " (revisada)", draft, "Ana", approve=True)
    print(json.dumps({"source": source, "target": saved.text, "state": saved.state,
                      "memory": saved.memory, "start": started, "end": time.time()}), flush=True)
    time.sleep(0.02)
"""


def test_approvals_made_while_tm_rebuild_runs_are_all_kept(tmp_path):
    """One process approves segment after segment (review.save, the app's Approve) while
    `locwork tm rebuild` runs (four times in a row): afterwards every approval is in the memory,
    and every rebuild exited 0. Before the fix, the rebuild put back what it had read before the approvals."""
    locales = tmp_path / "locales"
    for doc in range(10):  # enough for the rebuild to spend a good second reading
        filler(locales / "es" / f"bulk{doc}.po", doc, 150)
    target = locales / "es" / "actualite.po"  # read first: the whole read phase is a window
    rows = drafts(target, "actualite", 60)
    first = subprocess.run([*LOCWORK, "tm", "rebuild"], cwd=tmp_path, env=env(), capture_output=True)
    assert first.returncode == 0, first.stderr

    go, stop = tmp_path / "go", tmp_path / "stop"
    approver = subprocess.Popen([sys.executable, "-c", _APPROVER, str(target), json.dumps(rows),
                                 str(go), str(stop)],
                                cwd=tmp_path, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    windows = []
    try:
        assert approver.stdout.readline() == b"ready\n"
        go.touch()
        # Several rebuilds in a row, so that enough approvals fall inside one however fast
        # this machine reads the catalogs (one rebuild fitted only 6 on a quick machine).
        for _ in range(4):
            started = time.time()
            run = subprocess.run([*LOCWORK, "tm", "rebuild"], cwd=tmp_path, env=env(),
                                 capture_output=True)
            windows.append((started, time.time()))
            assert run.returncode == 0 and b"Traceback" not in run.stderr, run.stderr.decode()
    finally:
        stop.touch()
        out, err = approver.communicate(timeout=120)
    assert approver.returncode == 0, err.decode()
    approvals = [json.loads(line) for line in out.decode().splitlines()]
    assert all(a["state"] == "approved" and a["memory"] == "" for a in approvals), approvals
    during = [a for a in approvals
              if any(started <= a["start"] and a["end"] <= ended for started, ended in windows)]
    assert len(during) >= 10, (len(during), windows)  # the race really happened

    with tm.open_tm(tmp_path / ".locwork" / "tm.sqlite", create=False) as memory:
        kept = [a for a in approvals
                if (m := memory.exact(a["source"], "es")) is not None and m.target == a["target"]]
    print(f"{len(kept)} of {len(approvals)} approvals kept, {len(during)} made during the rebuild")
    assert len(kept) == len(approvals), f"{len(kept)} of {len(approvals)} approvals in the memory"


def test_rebuild_rereads_a_catalog_changed_during_its_first_read(tmp_path, monkeypatch):
    """In process, with a hook on the first read: the change lands in the memory."""
    locales = tmp_path / "locales"
    filler(locales / "es" / "bulk.po", 0, 20)
    target = locales / "es" / "relu.po"
    rows = drafts(target, "relu", 2)
    path = tmp_path / "tm.sqlite"
    real = tm.catalogs._read_catalogs
    calls = []

    def read_then_approve(locales_dir, src_lang, known):
        found = real(locales_dir, src_lang, known)
        if not calls:  # an approval lands just after the first read, before the transaction
            saved = review.save(target, rows[0][0], "Aprobada.", rows[0][2], "Ana", approve=True)
            assert saved.state == "approved"
        calls.append(len(found))
        return found

    monkeypatch.setattr(tm.catalogs, "_read_catalogs", read_then_approve)
    with tm.TranslationMemory(path) as memory:
        report = memory.rebuild(locales)
        assert memory.exact(rows[0][1], "es").target == "Aprobada."
    assert calls == [2, 2] and report.units == 21


# -------------------------------------------------------------- damaged files


def make_memory(project: Path) -> Path:
    """A project with approved catalogs and its memory (a few hundred units, several pages)."""
    for doc in range(3):
        filler(project / "locales" / "es" / f"doc{doc}.po", doc, 120)
    path = project / ".locwork" / "tm.sqlite"
    report, aside = tm.rebuild(path, project / "locales")
    assert report.units == 360 and aside is None
    assert not Path(str(path) + "-wal").exists()  # closed: everything is in the main file
    return path


def garble(path: Path, page: int, length: int = 64, at: int = 0) -> None:
    """Write random bytes over part of one page of the file, as a bad disk or a bad copy would."""
    size = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * size + at)
        handle.write(os.urandom(length))


def root_page(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
    finally:
        conn.close()


def one_line_error(result) -> str:
    err = result.stderr.decode()
    assert result.returncode == 1, (result.returncode, err)
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


def cli(project: Path, *args: str):
    return subprocess.run([*LOCWORK, *args], cwd=project, env=env(), capture_output=True, timeout=120)


@pytest.mark.parametrize("damage", ["units page", "header"])
def test_damaged_memory_says_so_approval_still_saves_and_rebuild_force_recovers(tmp_path, damage):
    project = tmp_path
    path = make_memory(project)
    target = project / "locales" / "es" / "relu.po"
    rows = drafts(target, "relu", 1)
    if damage == "header":
        garble(path, 1, length=16)  # the "SQLite format 3" magic: not a database any more
        why = "file is not a database"
    else:
        garble(path, root_page(path, "units"), at=0)  # the b-tree page header of the units table
        why = "malformed"

    for args in (("tm", "rebuild"), ("tm", "stats"), ("tm", "search", "Phrase")):
        err = one_line_error(cli(project, *args))
        assert "translation memory .locwork/tm.sqlite is damaged (" in err, err
        assert why in err or args == ("tm", "rebuild"), err  # rebuild runs SQLite's integrity check
        assert "`locwork tm rebuild --force`" in err

    # The app's Approve: the catalog is saved, the memory problem is a warning, not a traceback.
    saved = review.save(target, rows[0][0], "Revisada.", rows[0][2], "Ana", approve=True)
    assert saved.state == "approved"
    assert saved.memory.startswith("translation memory not updated: the translation memory ")
    assert "damaged" in saved.memory and "locwork tm rebuild --force" in saved.memory
    assert catalog.entry_state(catalog.load(target)[0]) is State.APPROVED
    with pytest.raises(tm.MemoryDamaged):  # the project's matches for the Review page
        review.memory_matches(project / "locales", "Phrase 3 du document 1, assez longue pour compter.",
                              "es")

    fixed = cli(project, "tm", "rebuild", "--force", "--json")
    assert fixed.returncode == 0, fixed.stderr.decode()
    report = json.loads(fixed.stdout)
    aside = Path(report["damaged_moved_to"])
    assert aside.parent == path.parent and aside.name.startswith("tm.sqlite.damaged-") and aside.is_file()
    assert report["units"] == 361
    with tm.open_tm(path, create=False) as memory:
        assert memory.exact(rows[0][1], "es").target == "Revisada."
        assert len(memory) == 361
    assert cli(project, "tm", "stats").returncode == 0
    again = cli(project, "tm", "rebuild", "--force", "--json")  # a sound memory: nothing moved
    assert json.loads(again.stdout)["damaged_moved_to"] is None


def test_empty_memory_file_is_refused_not_reset(tmp_path):
    """A 0-byte tm.sqlite is a crash or copy artefact (locwork never leaves one: a new memory is
    linked in whole); SQLite would silently take it for a new database. Refused, named, repairable."""
    project = tmp_path
    path = make_memory(project)
    path.write_bytes(b"")
    target = project / "locales" / "es" / "relu.po"
    rows = drafts(target, "relu", 1)
    err = one_line_error(cli(project, "tm", "stats"))
    assert "is damaged (the file is empty, 0 bytes)" in err and "tm rebuild --force" in err
    one_line_error(cli(project, "tm", "rebuild"))
    assert path.stat().st_size == 0  # not silently reset
    saved = review.save(target, rows[0][0], "Revisada.", rows[0][2], "Ana", approve=True)
    assert saved.state == "approved" and "0 bytes" in saved.memory
    with pytest.raises(LocworkError, match="0 bytes"):
        with tm.settings(locales_dir=project / "locales"):  # a translate run would use it
            pass
    fixed = cli(project, "tm", "rebuild", "--force")
    assert fixed.returncode == 0, fixed.stderr.decode()
    assert "the damaged memory was moved to" in fixed.stderr.decode()
    with tm.open_tm(path, create=False) as memory:
        assert len(memory) == 361


def test_locwork_folder_being_a_file_is_an_error_never_skipped(tmp_path):
    project = tmp_path
    filler(project / "locales" / "es" / "doc.po", 0, 5)
    target = project / "locales" / "es" / "relu.po"
    rows = drafts(target, "relu", 1)
    (project / ".locwork").write_text("not a folder")
    for args in (("tm", "rebuild"), ("tm", "stats"), ("tm", "rebuild", "--force")):
        err = one_line_error(cli(project, *args))
        assert ".locwork is a file, not a folder" in err, err
    saved = review.save(target, rows[0][0], "Revisada.", rows[0][2], "Ana", approve=True)
    assert saved.state == "approved" and ".locwork is a file, not a folder" in saved.memory
    # Withdrawing an approval must not silently skip the memory either.
    saved = review.save(target, rows[0][0], "Revisada otra vez.", "Revisada.", "Ana", approve=False)
    assert saved.state == "edited" and ".locwork is a file, not a folder" in saved.memory
    with pytest.raises(LocworkError, match=r"\.locwork is a file"):
        review.memory_matches(project / "locales", rows[0][1], "es")
    with pytest.raises(LocworkError, match=r"\.locwork is a file"):
        with tm.settings(locales_dir=project / "locales"):
            pass
    assert (project / ".locwork").read_text() == "not a folder"


def test_new_memory_appears_whole(tmp_path):
    """Created under a temporary name and linked in: never an empty file at the real name."""
    path = tmp_path / ".locwork" / "tm.sqlite"
    with tm.TranslationMemory(path) as memory:
        assert len(memory) == 0
    assert path.stat().st_size > 0
    assert sorted(p.name for p in path.parent.iterdir()) == ["tm.sqlite"]


def test_rebuild_writes_only_what_differs(tmp_path):
    """Approvals wait while a rebuild writes, so it writes only the changes: unchanged rows
    keep their id and time; changed ones are updated; gone ones are removed."""
    locales = tmp_path / "locales"
    filler(locales / "es" / "a.po", 0, 30)
    path = tmp_path / "tm.sqlite"
    with tm.TranslationMemory(path) as memory:
        assert memory.rebuild(locales).units == 30
        before = dict(((r[0], r[1]), r[2:]) for r in memory.conn.execute(
            "SELECT document, segment, id, added_at, target FROM units"))
    po = catalog.load(locales / "es" / "a.po")
    po[0].msgstr = "Cambiada."
    catalog.set_state(po[1], State.MACHINE)  # no longer approved
    catalog.save(po, locales / "es" / "a.po")
    with tm.TranslationMemory(path) as memory:
        report = memory.rebuild(locales)
        after = dict(((r[0], r[1]), r[2:]) for r in memory.conn.execute(
            "SELECT document, segment, id, added_at, target FROM units"))
    assert (report.units, report.removed) == (29, 1)
    assert after[("a", po[0].msgctxt)][2] == "Cambiada."
    assert ("a", po[1].msgctxt) not in after
    unchanged = set(before) - {("a", po[0].msgctxt), ("a", po[1].msgctxt)}
    assert len(unchanged) == 28 and all(after[k] == before[k] for k in unchanged)


def test_a_schema_1_memory_is_upgraded_in_place_and_counts_words_as_the_word_index(tmp_path, monkeypatch):
    """A memory file made before ``src_terms`` (schema 1) opens, gets its words counted in place,
    and answers as a new memory does; the counts then follow writes and prunes, and agree with
    what FTS5's own vocabulary (the word index that serves the pools) counts."""
    from locwork.tm import sqlite

    monkeypatch.setattr(sqlite, "scan_band", lambda band, postings=None: False)  # always the word index
    units = [tm.TMUnit(f"Le sommet de Budapest numéro {i} a réuni les ministres à l'Élysée.", f"Cumbre {i}.",
                       "fr", "es", "d", f"s{i}") for i in range(40)]
    old, new = tmp_path / "old.sqlite", tmp_path / "new.sqlite"
    for path in (old, new):
        with tm.open_memory(path) as memory:
            memory.add_many(units)
    with sqlite3.connect(old) as conn:  # back to what schema 1 had
        conn.execute("DROP TABLE src_terms")
        conn.execute("PRAGMA user_version = 1")
    query = "Le sommet de Budapest numéro 7 a réuni des ministres à l'Élysée."
    vocab = "SELECT term, doc FROM src_vocab ORDER BY term"
    counted = "SELECT term, doc FROM src_terms ORDER BY term"
    with tm.open_memory(old, create=False) as upgraded, tm.open_memory(new, create=False) as fresh:
        assert upgraded._query("PRAGMA user_version") == [(sqlite.SCHEMA_VERSION,)]
        assert upgraded._query(counted) == fresh._query(counted) == upgraded._query(vocab)
        assert len(upgraded) == len(fresh) == 40
        found = [(m.score, m.source, m.target) for m in upgraded.lookup(query, "es")]
        assert found == [(m.score, m.source, m.target) for m in fresh.lookup(query, "es")]
        assert found[0][2] == "Cumbre 7." and len(found) == 5
        upgraded.add_many([tm.TMUnit("Un tout autre sommet, à Vienne.", "Otra cumbre.", "fr", "es", "e", "x"),
                           tm.TMUnit(units[3].source, "Gipfel 3.", "fr", "de", "d", "s3")])
        upgraded.forget("d", "s7")
        assert "Cumbre 7." not in [m.target for m in upgraded.lookup(query, "es")]
        assert upgraded._query(counted) == upgraded._query(vocab)
