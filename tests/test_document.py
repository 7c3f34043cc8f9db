"""Reading documents: structure, encodings, and errors a user can act on."""

from __future__ import annotations

import pytest

from locwork import document
from locwork.errors import LocworkError

from conftest import DEFAULT_DOC


def test_default_article_structure():
    doc = document.load(DEFAULT_DOC)
    kinds = [b.kind for b in doc.blocks]
    assert doc.blocks[0] == document.Block("media", "Logo", line=1)
    assert doc.blocks[1].kind == "paragraph"
    assert doc.blocks[2].text == "Deuxième sommet Trump-Poutine annulé"
    assert doc.blocks[2].kind == "heading" and doc.blocks[2].level == 1
    assert [b.text for b in doc.blocks if b.kind == "media"] == ["Logo", "Image 1"]
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert headings == [
        "Deuxième sommet Trump-Poutine annulé",
        "La Russie rejette les «\u00a0signaux de paix\u00a0» de Washington",
        "Base militaire conjointe Elmendorf-Richardson",
        "Anchorage, Alaska", "Budapest", "Moscou", "Ukraine", "OTAN", "Gaza", "UE",
    ]
    assert all(b.level == 2 for b in doc.blocks if b.kind == "heading" and b is not doc.blocks[2])
    assert kinds.count("paragraph") == 27
    assert len(doc.blocks) == 39


def test_segments_have_ids_kinds_and_paragraphs():
    doc = document.load(DEFAULT_DOC)
    ids = [s.id for s in doc.segments]
    assert len(ids) == len(set(ids))
    assert doc.segments[0].to_dict() == {
        "id": "p1.s1", "kind": "media", "text": "Logo", "paragraph": 0, "level": None,
    }
    first = doc.segments[1]
    assert first.kind == "sentence" and first.paragraph == 1
    assert first.text.startswith("Le ministre russe des Affaires étrangères, Sergueï Lavrov")
    # Segments are exact substrings of their paragraph.
    for seg in doc.segments:
        assert seg.text in doc.blocks[seg.paragraph].text
    assert all(s.kind != "media" for s in doc.translatable)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "iso8859-15", "utf-8-sig"])
def test_legacy_encodings_come_out_right(tmp_path, encoding):
    text = "Élection à l’Assemblée\n\nLe président a déclaré : « Ça suffit ! » Deux côtés s’opposent."
    if encoding in ("latin-1", "iso8859-15"):
        text = text.replace("’", "'")
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(encoding))
    doc = document.load(path)
    assert doc.blocks[0].text == text.split("\n\n")[0]
    assert doc.segments[-1].text.endswith("s’opposent." if "’" in text else "s'opposent.")
    assert "Ça suffit" in doc.blocks[1].text


def test_cp1252_curly_quotes_detected(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("L’OTAN a dit « non » – c’est clair…".encode("cp1252"))
    doc = document.load(path)
    assert doc.encoding == "cp1252"
    assert doc.blocks[0].text == "L’OTAN a dit « non » – c’est clair…"


def test_markdown_headings_and_images(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(
        "# Titre principal\n\nPremière phrase. Deuxième phrase.\n\n![Carte](carte.png)\n\n"
        "## Sous-titre\n\nUn paragraphe\nsur deux lignes.\n", "utf-8")
    doc = document.load(path)
    assert [(b.kind, b.level) for b in doc.blocks] == [
        ("heading", 1), ("paragraph", None), ("media", None), ("heading", 2), ("paragraph", None)]
    assert doc.blocks[4].text == "Un paragraphe sur deux lignes."
    assert [s.text for s in doc.segments if s.paragraph == 1] == ["Première phrase.", "Deuxième phrase."]


def test_no_break_spaces_are_kept(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Il a dit\u00a0: «\u00a0oui\u00a0». Vraiment\u202f?", "utf-8")
    doc = document.load(path)
    assert "\u00a0" in doc.segments[0].text
    assert "".join(s.text for s in doc.segments).count("\u202f") == 1


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p, "no such file"),
        (lambda p: (p.mkdir(), p)[1], "is a folder"),
        (lambda p: (p.write_bytes(b"\x00\x01\x02binary\x00"), p)[1], "binary"),
        (lambda p: (p.write_bytes(b""), p)[1], "empty"),
        (lambda p: (p.write_bytes(b"  \n\n "), p)[1], "empty"),
    ],
)
def test_bad_inputs_get_one_line_errors(tmp_path, make, message):
    path = make(tmp_path / "doc.txt")
    with pytest.raises(LocworkError) as error:
        document.load(path)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_unsupported_suffix(tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(b"%PDF-1.4 hello")
    with pytest.raises(LocworkError, match="unsupported document type"):
        document.load(path)
