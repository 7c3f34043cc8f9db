"""review.save with what it keeps between saves (locwork.review_store): the catalog as this
process last wrote it, and one open memory per project.

What must not change: every save reads what is on disk (another writer's change is seen,
a conflict is still a conflict, no update is lost), writes the same bytes as a save that
parses the file afresh, and a memory replaced or removed between saves is reopened.
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path

import polib
import pytest

from conftest import msgfmt_check
from locwork import catalog, history, review, review_store, tm
from locwork.catalog import State

SENTENCES = [
    ("p1.s0", "Le sommet entre les deux présidents est annulé.", "La cumbre entre los dos presidentes se anula."),
    ("p1.s1", "Les ministres se sont parlé au téléphone.", "Los ministros hablaron por teléfono."),
    ("p2.s0", "La rencontre devait avoir lieu à Budapest, la capitale de la Hongrie, dans deux semaines.",
     "El encuentro debía tener lugar en Budapest, la capital de Hungría, dentro de dos semanas."),
    ("p2.s1", "Rien n'est prévu.", "Nada está previsto."),
]
WHEN = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


def make_catalog(root: Path) -> Path:
    """``<root>/locales/es/doc.po``: four machine-translated sentences, as locwork writes them."""
    po = catalog.new_catalog("es", "doc", "corpus/doc.txt")
    for seg, source, target in SENTENCES:
        entry = polib.POEntry(msgctxt=seg, msgid=source, msgstr=target)
        catalog.set_state(entry, State.MACHINE)
        po.append(entry)
    path = root / "locales" / "es" / "doc.po"
    catalog.save(po, path)
    return path


@pytest.fixture(autouse=True)
def fresh_store():
    review_store.forget_catalogs()
    review_store.close_memories()
    yield
    review_store.forget_catalogs()
    review_store.close_memories()


def memory_units(root: Path) -> list[tuple[str, str]]:
    """(segment, target) of the exact matches of the four sources in the project's memory."""
    with tm.open_memory(root / ".locwork" / "tm.sqlite", create=False) as memory:
        return sorted((m.segment, m.target) for _, source, _ in SENTENCES
                      for m in memory.lookup(source, "es") if m.exact)


STEPS = [  # (segment, new text, approve)
    ("p1.s0", "La cumbre se anula.", False),
    ("p1.s0", "La cumbre se anula.", True),
    ("p2.s0", "El encuentro debía celebrarse en Budapest, la capital de Hungría, en dos semanas, "
              "según la Casa Blanca.", True),
    ("p1.s1", "", False),
    ("p1.s0", SENTENCES[0][2], False),  # back to the machine's text: the approval withdrawn
    ("p2.s1", "Nada previsto.\n", True),
]


def test_kept_catalog_writes_the_bytes_a_fresh_parse_writes(tmp_path):
    kept, fresh = make_catalog(tmp_path / "kept"), make_catalog(tmp_path / "fresh")
    for seg, text, approve in STEPS:
        results = []
        for path in (kept, fresh):
            if path == fresh:
                review_store.forget_catalogs()  # every save of this copy parses the file
            base = review.find_entry(catalog.load(path), seg).msgstr
            results.append(review.save(path, seg, text, base, "Ana", approve=approve, when=WHEN))
        assert results[0] == results[1]
        assert kept.read_bytes() == fresh.read_bytes()
        msgfmt_check(kept)
    assert history.read(kept) == history.read(fresh)
    assert memory_units(tmp_path / "kept") == memory_units(tmp_path / "fresh") == [
        ("p2.s0", STEPS[2][1]), ("p2.s1", "Nada previsto.")]


def test_another_writers_change_is_seen(tmp_path):
    path = make_catalog(tmp_path)
    first = review.save(path, "p1.s0", "Uno.", SENTENCES[0][2], "Ana")
    assert isinstance(first, review.Saved)
    with catalog.edit(path) as po:  # another writer (the CLI, another process) after that save
        review.find_entry(po, "p1.s0").msgstr = "Versión de Bea."
        review.find_entry(po, "p1.s1").msgstr = "Otra de Bea."
    conflict = review.save(path, "p1.s0", "Dos.", "Uno.", "Ana")
    assert isinstance(conflict, review.Conflict) and conflict.theirs == "Versión de Bea."
    saved = review.save(path, "p2.s1", "Nada.", SENTENCES[3][2], "Ana")
    assert isinstance(saved, review.Saved)
    po = catalog.load(path)  # nothing lost: Bea's two texts and Ana's
    assert [review.find_entry(po, s).msgstr for s in ("p1.s0", "p1.s1", "p2.s1")] == [
        "Versión de Bea.", "Otra de Bea.", "Nada."]
    msgfmt_check(path)


def test_a_failed_save_leaves_no_half_edited_catalog(tmp_path):
    path = make_catalog(tmp_path)
    review.save(path, "p1.s0", "Uno.", SENTENCES[0][2], "Ana")
    before = path.read_bytes()
    with pytest.raises(RuntimeError), review_store.edit(path) as po:
        review.find_entry(po, "p1.s1").msgstr = "Cambiado y abandonado."
        raise RuntimeError("the block fails after changing the catalog")
    assert path.read_bytes() == before
    review.save(path, "p2.s1", "Nada.", SENTENCES[3][2], "Ana")
    assert review.find_entry(catalog.load(path), "p1.s1").msgstr == SENTENCES[1][2]


def test_a_memory_replaced_between_saves_is_reopened(tmp_path):
    path = make_catalog(tmp_path)
    review.save(path, "p1.s0", "Uno.", SENTENCES[0][2], "Ana", approve=True)
    memory = tmp_path / ".locwork" / "tm.sqlite"
    aside = tmp_path / "old.sqlite"
    shutil.move(memory, aside)  # as `locwork tm rebuild --force` sets a damaged one aside
    for suffix in ("-wal", "-shm"):
        memory.with_name(memory.name + suffix).unlink(missing_ok=True)
    review.save(path, "p1.s1", "Dos.", SENTENCES[1][2], "Ana", approve=True)
    assert memory_units(tmp_path) == [("p1.s1", "Dos.")]
    shutil.rmtree(tmp_path / ".locwork")
    review.save(path, "p2.s1", "Tres.", SENTENCES[3][2], "Ana", approve=True)
    assert memory_units(tmp_path) == [("p2.s1", "Tres.")]


def test_threads_saving_at_once_lose_nothing(tmp_path):
    """Streamlit runs each session in a thread of one process: both share what is kept."""
    path = make_catalog(tmp_path)
    errors: list[BaseException] = []

    def reviewer(name: str, seg: str, start: str) -> None:
        try:
            text = start
            for i in range(12):
                new = f"{name} {i}."
                result = review.save(path, seg, new, text, name, approve=i % 3 == 0)
                assert isinstance(result, review.Saved), result
                text = new
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=reviewer, args=(name, seg, target))
               for name, (seg, _, target) in zip(("Ana", "Bea", "Cai"), SENTENCES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    po = catalog.load(path)
    assert [review.find_entry(po, s).msgstr for s, _, _ in SENTENCES[:3]] == ["Ana 11.", "Bea 11.", "Cai 11."]
    assert len(history.read(path)) == 36
    msgfmt_check(path)


def test_reading_sees_every_writer_and_leaves_the_file_alone(tmp_path):
    path = make_catalog(tmp_path)

    def text(seg: str) -> str:
        with review_store.reading(path) as po:
            return review.find_entry(po, seg).msgstr

    assert text("p1.s0") == SENTENCES[0][2]  # parsed, and kept for the save below
    review.save(path, "p1.s0", "Uno.", SENTENCES[0][2], "Ana")
    assert text("p1.s0") == "Uno."  # the save's own catalog
    with catalog.edit(path) as po:  # another writer
        review.find_entry(po, "p1.s0").msgstr = "Versión de Bea."
    assert text("p1.s0") == "Versión de Bea."
    before = path.read_bytes()
    assert text("p1.s1") == SENTENCES[1][2] and path.read_bytes() == before
    assert not [p.name for p in path.parent.iterdir() if p.name.endswith(".lock")]  # none left
