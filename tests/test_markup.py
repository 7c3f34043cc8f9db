"""Inline markup through an upload, the real pipeline and the HTML export
(issue #14 §3): ``<script>`` stays a tag, ``<b>gras</b>`` keeps its tags,
links and bold of an HTML upload come back in the export, and no space
appears before a full stop."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from locwork import html_import, qa
from locwork.export.inline import render_inline

PAGE = ("<html><body><h1>Le <em>sommet</em></h1><p>Voir le <a href='https://example.org/r?a=1&amp;b=2'>résumé"
        "</a>. Le texte en <strong>gras</strong> reste.<br>Ligne <span>deux</span> <code>ls -l</code>.</p>"
        "<p><a href='javascript:alert(1)'>lien</a> <a href='/a'><img src=x alt=Photo></a></p></body></html>")


def test_html_upload_keeps_links_bold_and_code_as_tags():
    doc = html_import.parse_html(PAGE, "page")
    assert [(s.kind, s.text) for s in doc.segments] == [
        ("heading", "Le sommet"),  # headings stay plain text
        ("sentence", 'Voir le <a href="https://example.org/r?a=1&b=2">résumé</a>.'),  # no "résumé ."
        ("sentence", "Le texte en <b>gras</b> reste."),
        ("sentence", "Ligne deux <code>ls -l</code>."),
        ("sentence", "lien"),  # an unsafe link keeps its text only
        ("media", "Image : Photo"),
    ]


@pytest.mark.parametrize("text, markdown, html", [
    ('Voir le <a href="https://example.org/r?a=1&b=2">résumé</a>.', False,
     'Voir le <a href="https://example.org/r?a=1&amp;b=2">résumé</a>.'),
    ("La balise <script>alert(1)</script> <img src=x onerror=y>", False,
     "La balise &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=y&gt;"),
    ("<b>Deux phrases.", False, "<b>Deux phrases.</b>"),  # closed where the segment ends
    ("Fin.</b> Et <a href=\"javascript:x()\">ceci</a>", False,
     'Fin. Et &lt;a href="javascript:x()"&gt;ceci'),
    ("Le **gras**, [lien](https://example.org), `a <b>` et <b>ceci</b> [x](javascript:y)", True,
     'Le <strong>gras</strong>, <a href="https://example.org">lien</a>, <code>a &lt;b&gt;</code> et '
     "<b>ceci</b> [x](javascript:y)"),
])
def test_export_rebuilds_only_safe_inline_markup(text, markdown, html):
    assert str(render_inline(text, markdown)) == html


MD = """# Le <b>sommet</b>

La balise <script> est retirée de la page.

Le texte en <b>gras</b> et le mot **important** restent, voir le [résumé](https://example.org/r).

Lancer `ls -l` dans le dossier.
"""


def test_markdown_document_markup_survives_translation_and_export(run_cli, tmp_path: Path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "note.md").write_text(MD, encoding="utf-8")
    done = run_cli("translate", "corpus/note.md", "--to", "es", "--no-tm")
    assert done.returncode == 0, done.err
    po = polib.pofile(str(next((tmp_path / "locales" / "es").rglob("note.po"))))
    entries = [e for e in po if e.msgid]
    assert entries and all(e.msgstr for e in entries)
    for entry in entries:
        assert qa.markup_codes(entry.msgstr) == qa.markup_codes(entry.msgid), (entry.msgid, entry.msgstr)
        assert "Zx" not in entry.msgstr
    assert any("<script>" in e.msgstr for e in entries)  # not "<guion>"
    exported = run_cli("export", str(po.fpath), "--format", "html")
    assert exported.returncode == 0, exported.err
    page = next((tmp_path / "exports").glob("note*.html")).read_text("utf-8")
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert '<a href="https://example.org/r">' in page and "<strong>" in page and "<code>ls -l</code>" in page
