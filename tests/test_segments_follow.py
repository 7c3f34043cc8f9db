"""Human work follows its source sentence when the document changes (issue 12 §2).

Every test runs the real ``locwork translate`` (Apertium fr→es) on a small
document, approves sentences the way the app does (:func:`locwork.review.save`),
changes the document (insertion, deletion, reordering, a merge and its undo
through :mod:`locwork.segment_overrides`, duplicates), translates again and
reads the catalog back with polib.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polib
import pytest

from locwork import catalog, review, segment_overrides, workspace
from locwork.catalog import State

from conftest import msgfmt_check

A = "Le chat dort sur le canapé."
B = "Le chien aboie dans le jardin."
C = "La pluie tombe depuis ce matin."
X = "Un facteur sonne à la porte."
WHEN = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def project(tmp_path, run_cli):
    """write(text) saves corpus/doc.txt; translate() runs the CLI and returns the catalog's path."""
    (tmp_path / "corpus").mkdir()
    doc = tmp_path / "corpus" / "doc.txt"
    po_path = tmp_path / "locales" / "es" / "doc.po"

    class Project:
        root = tmp_path
        path = po_path

        @staticmethod
        def write(*paragraphs: str) -> None:
            doc.write_text("\n\n".join(paragraphs) + "\n", "utf-8")

        @staticmethod
        def translate() -> Path:
            run_cli("translate", "corpus/doc.txt", "--to", "es", check=True)
            msgfmt_check(po_path)
            return po_path

        @staticmethod
        def approve(msgid: str, text: str, reviewer: str = "Ana") -> None:
            entry = next(e for e in live(po_path) if e.msgid == msgid)
            saved = review.save(po_path, entry.msgctxt, text, entry.msgstr, reviewer, approve=True,
                                when=WHEN, source=msgid)
            assert isinstance(saved, review.Saved)

        @staticmethod
        def document():
            return workspace.load_document(doc)

        @staticmethod
        def translate_is_a_no_op() -> None:
            before = po_path.read_bytes()
            run_cli("translate", "corpus/doc.txt", "--to", "es", check=True)
            assert po_path.read_bytes() == before

    return Project


def live(path: Path) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(path)) if not e.obsolete]


def obsolete(path: Path) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(path)) if e.obsolete]


def by_msgid(path: Path, msgid: str) -> list[polib.POEntry]:
    return [e for e in live(path) if e.msgid == msgid]


def assert_approved(path: Path, msgid: str, text: str, reviewer: str = "Ana") -> polib.POEntry:
    [entry] = by_msgid(path, msgid)
    assert entry.msgstr == text
    assert catalog.entry_state(entry) == State.APPROVED and "fuzzy" not in entry.flags
    assert entry.previous_msgid is None
    assert catalog.get_meta(entry, "reviewer") == reviewer
    assert catalog.get_meta(entry, "reviewed-at") == WHEN.isoformat(timespec="seconds")
    return entry


def assert_only_on(path: Path, text: str, msgid: str) -> None:
    """The human text sits on its own sentence and on no other live entry."""
    holders = [e.msgid for e in live(path) if e.msgstr == text]
    assert holders == [msgid], holders


def assert_no_previous(path: Path) -> None:
    assert [(e.msgid, e.previous_msgid) for e in live(path) if e.previous_msgid] == []


def test_inserting_a_sentence_before_an_approved_one(project):
    project.write(f"{A} {B} {C}")
    path = project.translate()
    project.approve(B, "El perro ladra en el jardín.")
    project.write(f"{A} {X} {B} {C}")
    project.translate()
    entry = assert_approved(path, B, "El perro ladra en el jardín.")
    assert entry.msgctxt == "p1.s3"
    assert_only_on(path, "El perro ladra en el jardín.", B)
    [new] = by_msgid(path, X)
    assert new.msgctxt == "p1.s2" and catalog.entry_state(new) == State.MACHINE
    assert_no_previous(path)
    assert [e.msgid for e in live(path)] == [A, X, B, C]
    project.translate_is_a_no_op()


def test_deleting_an_approved_sentence_keeps_its_work_obsolete(project):
    project.write(f"{A} {B} {C}")
    path = project.translate()
    project.approve(B, "El perro ladra en el jardín.")
    project.approve(C, "Llueve desde esta mañana.", reviewer="Bea")
    project.write(f"{A} {C}")
    project.translate()
    assert [e.msgid for e in live(path)] == [A, C]
    assert_approved(path, C, "Llueve desde esta mañana.", reviewer="Bea")
    assert "El perro ladra en el jardín." not in [e.msgstr for e in live(path)]
    assert [(e.msgid, e.msgstr) for e in obsolete(path)] == [(B, "El perro ladra en el jardín.")]
    assert_no_previous(path)
    project.translate_is_a_no_op()
    # The sentence comes back: so does its approved translation.
    project.write(f"{A} {B} {C}")
    project.translate()
    assert_approved(path, B, "El perro ladra en el jardín.")
    assert obsolete(path) == []


def test_reordering_sentences_and_paragraphs(project):
    project.write(f"{A} {B}", C)
    path = project.translate()
    project.approve(A, "El gato duerme en el sofá.")
    project.approve(C, "Llueve desde esta mañana.", reviewer="Bea")
    project.write(C, f"{B} {A}")
    project.translate()
    assert [(e.msgctxt, e.msgid) for e in live(path)] == [("p1.s1", C), ("p2.s1", B), ("p2.s2", A)]
    assert_approved(path, A, "El gato duerme en el sofá.")
    assert_approved(path, C, "Llueve desde esta mañana.", reviewer="Bea")
    assert catalog.entry_state(by_msgid(path, B)[0]) == State.MACHINE
    assert_no_previous(path)
    assert obsolete(path) == []
    project.translate_is_a_no_op()


def test_a_different_sentence_never_inherits_an_approved_text(project):
    project.write(f"{A} {B} {C}")
    path = project.translate()
    project.approve(B, "El perro ladra en el jardín.")
    project.write(f"{A} {X} {C}")  # B replaced by an unrelated sentence at the same place
    project.translate()
    [new] = by_msgid(path, X)
    assert catalog.entry_state(new) == State.MACHINE and new.previous_msgid is None
    assert "El perro ladra en el jardín." not in [e.msgstr for e in live(path)]
    assert [(e.msgid, e.msgstr) for e in obsolete(path)] == [(B, "El perro ladra en el jardín.")]


def test_a_changed_sentence_keeps_its_human_text_as_fuzzy(project):
    project.write(f"{A} {B} {C}")
    path = project.translate()
    project.approve(B, "El perro ladra en el jardín.")
    changed = "Le chien aboie dans le grand jardin."
    project.write(f"{A} {X} {changed} {C}")
    project.translate()
    [entry] = by_msgid(path, changed)
    assert entry.msgstr == "El perro ladra en el jardín." and entry.previous_msgid == B
    assert catalog.entry_state(entry) == State.EDITED and catalog.get_meta(entry, "mt")
    assert catalog.get_meta(entry, "reviewer") == "Ana"
    assert [(e.msgid, e.previous_msgid) for e in live(path) if e.previous_msgid] == [(changed, B)]
    project.translate_is_a_no_op()


def test_merge_approve_and_undo_the_merge(project, run_cli):
    first, second, third = "Il a souri.", "« Nous verrons. »", "Puis il est parti."
    project.write(f"{first} {second} {third}")
    path = project.translate()
    project.approve(first, "Sonrió.")
    segment_overrides.merge(project.document(), "p1.s1")
    merged = f"{first} {second}"
    assert [s.text for s in project.document().translatable] == [merged, third]
    project.translate()
    project.approve(third, "Luego se fue.", reviewer="Bea")
    segment_overrides.reset(project.document(), "p1.s1")
    assert [s.text for s in project.document().translatable] == [first, second, third]
    project.translate()
    assert_approved(path, third, "Luego se fue.", reviewer="Bea")
    assert_only_on(path, "Luego se fue.", third)
    assert_approved(path, first, "Sonrió.")
    assert catalog.entry_state(by_msgid(path, second)[0]) == State.MACHINE
    # Only the sentence that really changed (it was part of the merged one) shows a previous msgid.
    assert [(e.msgid, e.previous_msgid) for e in live(path) if e.previous_msgid] == [
        (second, merged)]
    project.translate_is_a_no_op()
    # The exported page shows every sentence once, in the document's order.
    out = project.root / "doc.html"
    run_cli("export", str(path), "--format", "html", "-o", str(out), check=True)
    html = out.read_text("utf-8")
    spans = re.findall(r'<span class="[^"]*" data-seg="([^"]+)"[^>]*>([^<]*)</span>', html)
    assert [seg for seg, _ in spans] == ["p1.s1", "p1.s2", "p1.s3"]
    texts = [text for _, text in spans]
    assert texts[0] == "Sonrió." and texts[2] == "Luego se fue." and texts[1] not in texts[::2]


def test_identical_sentences_keep_their_own_approved_texts(project):
    hello, other = "Bonjour le monde.", "Autre phrase."
    project.write(f"{hello} {other} {hello}")
    path = project.translate()
    po = polib.pofile(str(path))
    for entry, text in ((po[0], "Hola, mundo."), (po[2], "¡Hola, mundo!")):
        saved = review.save(path, entry.msgctxt, text, entry.msgstr, "Ana", approve=True, when=WHEN)
        assert isinstance(saved, review.Saved)
    project.translate_is_a_no_op()
    project.translate_is_a_no_op()
    entries = live(path)
    assert [(e.msgctxt, e.msgstr) for e in entries if e.msgid == hello] == [
        ("p1.s1", "Hola, mundo."), ("p1.s3", "¡Hola, mundo!")]
    assert all(catalog.entry_state(e) == State.APPROVED for e in entries if e.msgid == hello)
    assert_no_previous(path)
    # A sentence inserted before them: each keeps its own text, in order.
    project.write(f"{X} {hello} {other} {hello}")
    project.translate()
    assert [(e.msgctxt, e.msgstr) for e in live(path) if e.msgid == hello] == [
        ("p1.s2", "Hola, mundo."), ("p1.s4", "¡Hola, mundo!")]
    assert_no_previous(path)
    project.translate_is_a_no_op()


def test_merging_and_undoing_again_and_again_stays_valid_and_bounded(tmp_path):
    """The merge the app does, undone and redone: human work stays, obsolete entries do not pile up.

    No MT here (the catalog is merged as the app does without engines), so
    this runs in a fraction of a second.
    """
    from locwork import pipeline

    doc_path = tmp_path / "doc.txt"
    doc_path.write_text(f"{A} {B} {C}\n", "utf-8")
    po_path = tmp_path / "es.po"
    po = catalog.new_catalog("es", "doc", "doc.txt")
    pipeline.plan_entries(po, workspace.load_document(doc_path), "doc.txt")
    for entry, text in zip(po, ("El gato duerme.", "El perro ladra.", "Llueve.")):
        entry.msgstr = text
        catalog.set_state(entry, State.APPROVED)
    catalog.save(po, po_path)
    sizes = []
    for _round in range(3):
        for change in ("merge", "reset"):
            doc = workspace.load_document(doc_path)
            if change == "merge":
                segment_overrides.merge(doc, "p1.s1")
            else:
                segment_overrides.reset(doc, "p1.s1")
            with catalog.edit(po_path) as po:
                pipeline.plan_entries(po, workspace.load_document(doc_path), "doc.txt")
            msgfmt_check(po_path)
            sizes.append(len(polib.pofile(str(po_path))))
        entries = live(po_path)
        assert [(e.msgid, e.msgstr, catalog.entry_state(e)) for e in entries] == [
            (A, "El gato duerme.", State.APPROVED), (B, "El perro ladra.", State.APPROVED),
            (C, "Llueve.", State.APPROVED)]
    assert len(set(sizes[2:])) <= 2, sizes  # the same two files, round after round
