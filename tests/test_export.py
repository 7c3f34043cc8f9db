"""Exports: translated article, review sheet, MO, XLIFF 2.0, TMX 1.4, CLI.

Catalogs are built here by hand from the default document (the MT pipeline
is not needed): a quarter of the segments approved, a quarter machine, a
quarter edited, the rest untranslated.
"""

from __future__ import annotations

import gettext
import io
import shutil
import subprocess
from pathlib import Path

import click
import html5lib
import lxml.html
import polib
import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import DEFAULT_DOC, LOCWORK
from locwork import catalog, document, export
from locwork.catalog import State
from locwork.cli import LocworkGroup
from locwork.cli.export import export as export_command
from locwork.cli.export import import_xliff as import_xliff_command
from locwork.errors import LocworkError
from locwork.export import html as html_export
from locwork.export import mo as mo_export
from locwork.export import tmx as tmx_export
from locwork.export import xliff as xliff_export

DOC_REF = f"corpus/{DEFAULT_DOC.name}"
DOC_NAME = DEFAULT_DOC.stem
HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>', "Tom &amp; Jerry"]


# ---------------------------------------------------------------- fixtures


def make_catalog(doc: document.Document, lang: str, reference: str, pattern: str = "amez",
                 prefix: str | None = None) -> polib.POFile:
    """A catalog of ``doc``; segment n gets the state pattern[n % len(pattern)]:
    a=approved, m=machine, e=edited, z=untranslated."""
    prefix = prefix or lang.upper()
    po = catalog.new_catalog(lang, doc.name, reference)
    for n, seg in enumerate(doc.translatable):
        entry = polib.POEntry(msgctxt=seg.id, msgid=seg.text, msgstr="",
                              occurrences=[(reference, str(doc.blocks[seg.paragraph].line))])
        catalog.set_meta(entry, "kind", seg.kind)
        if seg.level:
            catalog.set_meta(entry, "level", str(seg.level))
        code = pattern[n % len(pattern)]
        if code != "z":
            mt = f"[{prefix} mt] {seg.text}"
            entry.msgstr = mt
            catalog.set_state(entry, State.MACHINE)
            catalog.set_meta(entry, "mt", mt)
            catalog.set_meta(entry, "route", f"fr-en-{lang}")
            catalog.set_meta(entry, "engine", "argos+argos")
        if code in "ae":
            entry.msgstr = f"[{prefix}] {seg.text}"
            catalog.set_state(entry, State.EDITED)
            entry.tcomment = f"checked {seg.id}"
        if code == "a":
            catalog.set_state(entry, State.APPROVED)
            catalog.set_meta(entry, "reviewer", "Ana Ruiz")
            catalog.set_meta(entry, "reviewed-at", "2026-11-20T10:00:00+00:00")
            catalog.set_meta(entry, "hter", "0.125")
            catalog.set_meta(entry, "chrf", "61.2")
            catalog.set_meta(entry, "sig-chrf", "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.5.0")
        po.append(entry)
    return po


@pytest.fixture(scope="module")
def source_doc() -> document.Document:
    return document.load(DEFAULT_DOC)


@pytest.fixture
def project(tmp_path, source_doc, monkeypatch) -> Path:
    """A project folder with corpus/<doc>.txt and locales/{es,de}/<doc>.po; cwd is its root."""
    (tmp_path / "corpus").mkdir()
    shutil.copy(DEFAULT_DOC, tmp_path / DOC_REF)
    catalog.save(make_catalog(source_doc, "es", DOC_REF),
                 catalog.catalog_path(tmp_path / "locales", "es", DOC_NAME))
    catalog.save(make_catalog(source_doc, "de", DOC_REF, pattern="a"),
                 catalog.catalog_path(tmp_path / "locales", "de", DOC_NAME))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def es_path(root: Path) -> Path:
    return root / "locales" / "es" / f"{DOC_NAME}.po"


def strict_html5(data: bytes) -> None:
    """html5lib's strict parser raises on any parse error."""
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(io.BytesIO(data))


def hostile_project(root: Path) -> tuple[Path, document.Document]:
    """A document and catalog whose source and translations are hostile."""
    (root / "corpus").mkdir(exist_ok=True)
    text = (
        "Titre <b>gras</b> & Cie\n\n"
        f"Premier paragraphe {HOSTILE[0]} avec du texte. Deuxième phrase {HOSTILE[2]} ici.\n\n"
        "Image 1\n\n"
        'Sous-titre "><img src=x onerror=alert(3)>\n\n'
        "Dernier paragraphe sans problème.\n"
    )
    path = root / "corpus" / "hostile.txt"
    path.write_text(text, encoding="utf-8")
    doc = document.load(path)
    po = catalog.new_catalog("es", doc.name, "corpus/hostile.txt")
    for n, seg in enumerate(doc.translatable):
        entry = polib.POEntry(msgctxt=seg.id, msgid=seg.text,
                              msgstr=f"{HOSTILE[n % 3]} {seg.text}",
                              occurrences=[("corpus/hostile.txt", "1")])
        catalog.set_meta(entry, "kind", seg.kind)
        catalog.set_meta(entry, "reviewer", HOSTILE[1])
        catalog.set_state(entry, State.APPROVED if n % 2 else State.MACHINE)
        po.append(entry)
    po_path = catalog.catalog_path(root / "locales", "es", doc.name)
    catalog.save(po, po_path)
    return po_path, doc


# ---------------------------------------------------------------- article


def block_kinds(doc: document.Document) -> list[tuple[str, str]]:
    out = []
    for block in doc.blocks:
        if block.kind == "heading":
            out.append(("h1" if block.level == 1 else "h2", block.text))
        elif block.kind == "media":
            out.append(("figure", block.text))
        else:
            out.append(("p", block.text))
    return out


def test_article_rebuilds_the_document_structure(project, source_doc):
    data, name, mimetype = export.render(es_path(project), "html")
    assert name == f"{DOC_NAME}.es.html" and mimetype.startswith("text/html")
    strict_html5(data)
    page = lxml.html.fromstring(data)
    assert page.get("lang") == "es"
    assert page.xpath("//meta[@charset='utf-8']")
    assert "@media print" in page.xpath("string(//style)")
    article = page.xpath("//article")[0]
    shown = [(el.tag, el) for el in article]
    expected = block_kinds(source_doc)
    assert [tag for tag, _ in shown] == [tag for tag, _ in expected]
    by_id = {u.id: u for u in export.load_catalog(es_path(project)).units}
    for (tag, el), (_, source_text), block_index in zip(shown, expected, range(len(expected))):
        if tag == "figure":
            assert el.get("class") == "media" and el.text_content() == source_text
            continue
        segs = [s for s in source_doc.segments if s.paragraph == block_index]
        spans = el.xpath("./span[@data-seg]")
        assert [s.get("data-seg") for s in spans] == [s.id for s in segs]
        # sentences of a paragraph are joined by one space
        assert el.text_content() == " ".join(s.text_content() for s in spans)
        for seg, span in zip(segs, spans):
            unit = by_id[seg.id]
            if unit.state == State.UNTRANSLATED:
                assert span.text_content() == seg.text
                assert "source" in span.get("class") and span.get("lang") == "fr"
            else:
                assert span.text_content() == unit.target
                assert ("unreviewed" in span.get("class")) == (unit.state != State.APPROVED)
    # the first level-1 heading is the page title
    h1 = article.xpath("./h1")[0].text_content()
    assert page.xpath("string(//title)") == h1
    legend = page.xpath("string(//aside[@class='legend'])")
    assert "Dotted underline" in legend and "Grey italics" in legend


def test_article_approved_only_falls_back_to_source(project, source_doc):
    data, _, _ = export.render(es_path(project), "html", approved_only=True)
    strict_html5(data)
    page = lxml.html.fromstring(data)
    assert not page.xpath("//span[contains(@class, 'unreviewed')]")
    by_id = {u.id: u for u in export.load_catalog(es_path(project)).units}
    for span in page.xpath("//span[@data-seg]"):
        unit = by_id[span.get("data-seg")]
        if unit.state == State.APPROVED:
            assert span.text_content() == unit.target and span.get("lang") is None
        else:
            assert span.text_content() == unit.source
            assert span.get("lang") == "fr" and "source" in span.get("class")
    legend = page.xpath("string(//aside[@class='legend'])")
    assert "no approved translation" in legend and "Dotted underline" not in legend


def test_fully_approved_article_has_no_legend(project):
    data, _, _ = export.render(project / "locales" / "de" / f"{DOC_NAME}.po", "html")
    page = lxml.html.fromstring(data)
    assert page.get("lang") == "de"
    assert not page.xpath("//aside") and not page.xpath("//span[contains(@class, 'source')]")


def test_hostile_text_is_escaped_everywhere(tmp_path):
    po_path, doc = hostile_project(tmp_path)
    for fmt in ("html", "bilingual"):
        data, _, _ = export.render(po_path, fmt, document=tmp_path / "corpus" / "hostile.txt")
        strict_html5(data)
        page = lxml.html.fromstring(data)
        assert not page.xpath("//script") and not page.xpath("//img") and not page.xpath("//b")
        assert not page.xpath("//@onerror")
        text = page.text_content()
        for hostile in HOSTILE:
            assert hostile in text, (fmt, hostile)
        assert b"<script>" not in data and b"<img" not in data
        assert b"Tom &amp;amp; Jerry" in data  # "&amp;" is text, escaped once more
    # the hostile document's structure is still intact
    data, _, _ = export.render(po_path, "html", document=tmp_path / "corpus" / "hostile.txt")
    article = lxml.html.fromstring(data).xpath("//article")[0]
    assert [el.tag for el in article] == [tag for tag, _ in block_kinds(doc)]


def test_article_needs_its_source_document(project):
    (project / DOC_REF).unlink()
    with pytest.raises(LocworkError, match="source document corpus/.* not found"):
        export.render(es_path(project), "html")
    # the catalog-only formats do not need it
    assert export.render(es_path(project), "bilingual")[0]


def test_stale_catalog_entries_fall_back_to_source(project, source_doc):
    po = catalog.load(es_path(project))
    first = next(e for e in po if catalog.entry_state(e) == State.APPROVED)
    first.msgid = "Un texte qui n'est plus dans le document."
    inp = export.from_po(po, DOC_NAME, path=es_path(project))
    page = lxml.html.fromstring(html_export.render_article(source_doc, inp))
    span = page.xpath(f"//span[@data-seg='{first.msgctxt}']")[0]
    seg = next(s for s in source_doc.segments if s.id == first.msgctxt)
    assert span.text_content() == seg.text and span.get("lang") == "fr"


# ---------------------------------------------------------------- review sheet


def test_bilingual_review_sheet(project):
    data, name, _ = export.render(es_path(project), "bilingual")
    assert name == f"{DOC_NAME}.es.review.html"
    strict_html5(data)
    page = lxml.html.fromstring(data)
    units = export.load_catalog(es_path(project)).units
    rows = page.xpath("//tbody/tr")
    assert len(rows) == len(units)
    headers = [th.text_content() for th in page.xpath("//thead//th")]
    assert headers == ["Segment", "Source (fr)", "Translation (es)", "State", "Reviewer", "Scores"]
    for row, unit in zip(rows, units):
        cells = row.xpath("./td")
        assert row.get("data-seg") == unit.id and cells[0].text_content().startswith(unit.id)
        assert cells[1].text_content() == unit.source
        assert cells[3].text_content().startswith(html_export.STATE_LABELS[unit.state])
        if unit.state == State.APPROVED:
            assert "Ana Ruiz" in cells[4].text_content()
            assert "2026-11-20 10:00" in cells[4].text_content()
            assert "HTER 0.125" in cells[5].text_content()
            assert "chrF 61.2" in cells[5].text_content()
        if unit.state == State.UNTRANSLATED:
            assert cells[2].text_content() == "(no translation)"
        else:
            assert cells[2].text_content().startswith(unit.target)
        # where a person changed the machine output, the editor sees both
        has_mt = "Machine output: [ES mt]" in cells[2].text_content()
        assert has_mt == (unit.state in (State.EDITED, State.APPROVED))
    assert "chrf: nrefs:1|case:mixed" in page.xpath("string(//footer)")
    css = page.xpath("string(//style)")
    assert "@media print" in css and "table-header-group" in css
    approved_rows = lxml.html.fromstring(
        export.render(es_path(project), "bilingual", approved_only=True)[0]).xpath("//tbody/tr")
    assert len(approved_rows) == sum(u.approved for u in units)


# ---------------------------------------------------------------- MO


def mo_messages(data: bytes) -> dict:
    translations = gettext.GNUTranslations(io.BytesIO(data))
    return {k: v for k, v in translations._catalog.items() if k != ""}


def test_mo_holds_approved_translations_only(project):
    data, name, _ = export.render(es_path(project), "mo")
    assert name == f"{DOC_NAME}.es.mo"
    translations = gettext.GNUTranslations(io.BytesIO(data))
    assert translations.info()["language"] == "es"
    for unit in export.load_catalog(es_path(project)).units:
        got = translations.pgettext(unit.id, unit.source)
        assert got == (unit.target if unit.state == State.APPROVED else unit.source), unit.id
    assert len(mo_messages(data)) == sum(
        u.approved for u in export.load_catalog(es_path(project)).units)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_mo_polib_fallback_matches_msgfmt(project):
    po = catalog.load(es_path(project))
    obsolete = polib.POEntry(msgid="Ancienne phrase.", msgstr="Frase antigua.", obsolete=True)
    po.append(obsolete)
    by_msgfmt = mo_export.compile_mo(po, use_msgfmt=True)
    by_polib = mo_export.compile_mo(po, use_msgfmt=False)
    assert mo_messages(by_msgfmt) == mo_messages(by_polib)
    assert mo_messages(by_polib) and "Ancienne phrase." not in mo_messages(by_polib)
    assert any("\x04" in key for key in mo_messages(by_polib))  # msgctxt kept


# ---------------------------------------------------------------- XLIFF


def xliff_of(root: Path, approved_only: bool = False) -> bytes:
    return export.render_input(export.load_catalog(es_path(root)), "xliff", approved_only)


def test_xliff_structure_and_states(project):
    data, name, mimetype = export.render(es_path(project), "xliff")
    assert name == f"{DOC_NAME}.es.xlf" and mimetype == "application/xliff+xml"
    assert xliff_export.validate_xliff(data) == []
    root = etree.fromstring(data)
    ns = {"x": xliff_export.NS}
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "fr", "es")
    files = root.findall("x:file", ns)
    assert len(files) == 1 and files[0].get("original") == DOC_REF
    units = export.load_catalog(es_path(project)).units
    xml_units = files[0].findall("x:unit", ns)
    assert [u.get("id") for u in xml_units] == [u.id for u in units]
    expected = {State.UNTRANSLATED: "initial", State.MACHINE: "initial",
                State.EDITED: "translated", State.APPROVED: "final"}
    for xml_unit, unit in zip(xml_units, units):
        segment = xml_unit.find("x:segment", ns)
        assert segment.get("state") == expected[unit.state]
        assert segment.get("subState") == f"locwork:{unit.state.value}"
        assert segment.findtext("x:source", namespaces=ns) == unit.source
        target = segment.find("x:target", ns)
        assert (target is None) == (unit.state == State.UNTRANSLATED)
        notes = {n.get("category"): n.text for n in xml_unit.findall("x:notes/x:note", ns)}
        if unit.state != State.UNTRANSLATED:
            assert notes["locwork:route"] == "fr-en-es" and notes["locwork:mt"].startswith("[ES mt]")
        if unit.state == State.APPROVED:
            assert notes["locwork:reviewer"] == "Ana Ruiz" and notes["comment"].startswith("checked")
    assert xliff_export.validate_xliff(xliff_of(project, approved_only=True)) == []


def strip(po: polib.POFile) -> polib.POFile:
    """The catalog as it was before anyone translated: ids and sources only."""
    for entry in po:
        catalog.set_state(entry, State.UNTRANSLATED)
        entry.tcomment = ""
        for key in list(catalog.meta(entry)):
            catalog.set_meta(entry, key, None)
    return po


def entry_view(po: polib.POFile) -> dict:
    return {e.msgctxt: (e.msgid, e.msgstr, catalog.entry_state(e), catalog.meta(e), e.tcomment,
                        e.fuzzy) for e in po}


def test_xliff_round_trip_loses_nothing(project, tmp_path):
    original = catalog.load(es_path(project))
    xlf = tmp_path / "es.xlf"
    xlf.write_bytes(xliff_of(project))
    imported = export.import_xliff(xlf)
    assert (imported.src_lang, imported.trg_lang) == ("fr", "es")
    by_id = {u.id: u for u in imported.units}
    for unit in export.load_catalog(es_path(project)).units:
        got = by_id[unit.id]
        assert (got.source, got.target or "", got.state) == (unit.source, unit.target, unit.state)
        assert got.meta == unit.meta
    # into a catalog with the same segments and nothing else
    blank = strip(catalog.load(es_path(project)))
    report = export.merge_xliff_into_catalog(xlf, blank)
    assert not report.skipped and not report.unknown
    assert len(report.updated) == len(original)
    assert entry_view(blank) == entry_view(original)
    # saved and reloaded, the catalog text is the same as the original's
    catalog.save(blank, tmp_path / "back.po")
    assert entry_view(catalog.load(tmp_path / "back.po")) == entry_view(original)
    # applied onto the original itself: nothing changes
    again = catalog.load(es_path(project))
    report = export.merge_xliff_into_catalog(xlf, again)
    assert report.updated == [] and catalog.dumps(again) == catalog.dumps(original)


def test_xliff_keeps_invalid_xml_characters(project, tmp_path):
    po = catalog.load(es_path(project))
    entry = next(e for e in po if catalog.entry_state(e) == State.APPROVED)
    entry.msgstr = "tab\there, vertical tab\x0bhere, bell\x07"
    inp = export.from_po(po, DOC_NAME, path=es_path(project))
    data = xliff_export.to_xliff(inp)
    assert xliff_export.validate_xliff(data) == []
    assert b'<cp hex="000B"/>' in data
    unit = {u.id: u for u in xliff_export.read_xliff(data).units}[entry.msgctxt]
    assert unit.target == entry.msgstr


def test_xliff_merge_from_a_cat_tool(project, tmp_path):
    """A translator edits targets and states in a CAT tool; the catalog follows,
    except where that would undo later work."""
    data = xliff_of(project)
    root = etree.fromstring(data)
    ns = {"x": xliff_export.NS}
    units = {u.get("id"): u for u in root.iter(f"{{{xliff_export.NS}}}unit")}
    po = catalog.load(es_path(project))
    states = {e.msgctxt: catalog.entry_state(e) for e in po}
    machine = [i for i, s in states.items() if s == State.MACHINE]
    approved = [i for i, s in states.items() if s == State.APPROVED]
    untranslated = [i for i, s in states.items() if s == State.UNTRANSLATED]
    # 1. a machine segment corrected, state left "initial", subState stale
    units[machine[0]].find("x:segment/x:target", ns).text = "Corrección humana."
    # 2. a machine segment marked reviewed (no subState change)
    seg = units[machine[1]].find("x:segment", ns)
    seg.set("state", "reviewed")
    del seg.attrib["subState"]
    # 3. an untranslated one translated and marked translated, with a translator note
    seg = units[untranslated[0]].find("x:segment", ns)
    seg.set("state", "translated")
    seg.set("subState", "locwork:untranslated")
    etree.SubElement(seg, f"{{{xliff_export.NS}}}target").text = "Traducción nueva."
    etree.SubElement(units[untranslated[0]].find("x:notes", ns),
                     f"{{{xliff_export.NS}}}note", category="translator").text = "dudoso"
    # 4. an approved one downgraded to "translated" with another text: a conflict
    seg = units[approved[0]].find("x:segment", ns)
    seg.set("state", "translated")
    seg.set("subState", "locwork:edited")
    seg.find("x:target", ns).text = "Otra cosa."
    # 5. a source changed since the export, 6. a unit the catalog does not know
    units[machine[2]].find("x:segment/x:source", ns).text = "Texte modifié."
    units[machine[3]].set("id", "p999.s1")
    edited = etree.tostring(root)
    assert xliff_export.validate_xliff(edited) == []
    report = export.merge_xliff_into_catalog(edited, po)
    after = {e.msgctxt: e for e in po}
    assert catalog.entry_state(after[machine[0]]) == State.EDITED
    assert after[machine[0]].msgstr == "Corrección humana."
    assert catalog.entry_state(after[machine[1]]) == State.APPROVED
    assert catalog.entry_state(after[untranslated[0]]) == State.EDITED
    assert after[untranslated[0]].msgstr == "Traducción nueva."
    assert "[translator] dudoso" in after[untranslated[0]].tcomment
    assert catalog.entry_state(after[approved[0]]) == State.APPROVED
    assert after[approved[0]].msgstr != "Otra cosa."
    skipped = dict(report.skipped)
    assert "approved in the catalog" in skipped[approved[0]]
    assert "source text differs" in skipped[machine[2]]
    assert report.unknown == ["p999.s1"]
    assert set(report.updated) == {machine[0], machine[1], untranslated[0]}


def test_xliff_merge_refuses_another_language(project, tmp_path):
    de = catalog.load(project / "locales" / "de" / f"{DOC_NAME}.po")
    with pytest.raises(LocworkError, match="for es, the catalog for de"):
        export.merge_xliff_into_catalog(xliff_of(project), de)


BROKEN_XLIFF = {
    "no unit id": ('<unit id="p2.s1"', "<unit"),
    "bad state": ('state="final"', 'state="done"'),
    "notes after segment": None,  # built below
    "wrong version": ('version="2.0"', 'version="1.2"'),
    "subState without prefix": ('subState="locwork:approved"', 'subState="approved"'),
    "target before source": None,
}


@pytest.mark.parametrize("case", list(BROKEN_XLIFF))
def test_xliff_validation_catches_errors(project, case):
    data = xliff_of(project).decode("utf-8")
    if BROKEN_XLIFF[case]:
        old, new = BROKEN_XLIFF[case]
        assert old in data
        data = data.replace(old, new, 1)
        broken = data.encode()
    else:
        root = etree.fromstring(data.encode())
        unit = next(root.iter(f"{{{xliff_export.NS}}}unit"))
        if case == "notes after segment":
            unit.append(unit.find(f"{{{xliff_export.NS}}}notes"))
        else:
            segment = unit.find(f"{{{xliff_export.NS}}}segment")
            segment.append(segment.find(f"{{{xliff_export.NS}}}source"))
        broken = etree.tostring(root)
    assert xliff_export.validate_xliff(broken), case
    with pytest.raises(LocworkError, match="not valid XLIFF 2.0"):
        xliff_export.read_xliff(broken)


def test_xliff_is_read_by_translate_toolkit(project, tmp_path):
    """Interoperability: the Translate Toolkit's XLIFF 2.0 reader sees our units."""
    xliff2 = pytest.importorskip("translate.storage.xliff2", reason="translate-toolkit not installed")
    store = xliff2.Xliff2File.parsestring(xliff_of(project))
    units = {u.getid(): u for u in store.units}
    for unit in export.load_catalog(es_path(project)).units:
        assert units[unit.id].source == unit.source
        assert (units[unit.id].target or "") == unit.target


# ---------------------------------------------------------------- TMX


def test_tmx_validates_and_holds_approved_segments(project):
    data, name, _ = export.render(es_path(project), "tmx")
    assert name == f"{DOC_NAME}.es.tmx"
    assert tmx_export.validate_tmx(data) == []
    root = etree.fromstring(data)
    header = root.find("header")
    assert root.get("version") == "1.4"
    assert {k: header.get(k) for k in ("srclang", "datatype", "segtype", "o-tmf", "adminlang",
                                       "creationtool")} == {
        "srclang": "fr", "datatype": "plaintext", "segtype": "sentence", "o-tmf": "locwork",
        "adminlang": "en", "creationtool": "locwork"}
    units = export.load_catalog(es_path(project)).units
    approved = [u for u in units if u.approved]
    tus = root.findall("body/tu")
    assert [tu.get("tuid") for tu in tus] == [f"{DOC_NAME}/{u.id}" for u in approved]
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for tu, unit in zip(tus, approved):
        variants = {tuv.get(lang): tuv.findtext("seg") for tuv in tu.findall("tuv")}
        assert variants == {"fr": unit.source, "es": unit.target}
        props = {p.get("type"): p.text for p in tu.findall("prop")}
        assert props["x-state"] == "approved" and props["x-reviewer"] == "Ana Ruiz"
        assert tu.get("changeid") == "Ana Ruiz" and tu.get("changedate") == "20261120T100000Z"
        assert "x-mt" not in props


def test_tmx_can_include_unapproved(project):
    data, _, _ = export.render(es_path(project), "tmx", approved_only=False)
    assert tmx_export.validate_tmx(data) == []
    root = etree.fromstring(data)
    states = [tu.find("prop[@type='x-state']").text for tu in root.iter("tu")]
    units = export.load_catalog(es_path(project)).units
    assert len(states) == sum(1 for u in units if u.target)
    assert {"approved", "machine", "edited"} == set(states)


def test_tmx_dtd_catches_errors(project):
    data = export.render(es_path(project), "tmx")[0]
    root = etree.fromstring(data)
    del root.find("header").attrib["srclang"]
    tu = root.find("body/tu")
    for tuv in tu.findall("tuv"):
        tu.remove(tuv)
    errors = tmx_export.validate_tmx(etree.tostring(root))
    assert any("srclang" in e for e in errors) and any("tu" in e for e in errors)


def test_tmx_is_read_by_translate_toolkit(project):
    tmx = pytest.importorskip("translate.storage.tmx", reason="translate-toolkit not installed")
    data = export.render(es_path(project), "tmx")[0]
    store = tmx.tmxfile.parsestring(data)
    approved = [u for u in export.load_catalog(es_path(project)).units if u.approved]
    assert [(u.source, u.target) for u in store.units] == [(u.source, u.target) for u in approved]


# ---------------------------------------------------------------- CLI (in process)


def locwork_group() -> click.Group:
    """The two commands on a group like ``locwork``'s (one-line errors, exit 1)."""
    group = LocworkGroup("locwork")
    group.add_command(export_command)
    group.add_command(import_xliff_command)
    return group


def invoke(*args: str):
    return CliRunner().invoke(locwork_group(), list(args), catch_exceptions=False)


@pytest.mark.parametrize("fmt,suffix", [("html", "html"), ("bilingual", "review.html"),
                                        ("mo", "mo"), ("xliff", "xlf"), ("tmx", "tmx")])
def test_cli_export_default_output(project, fmt, suffix):
    result = invoke("export", f"locales/es/{DOC_NAME}.po", "--format", fmt)
    assert result.exit_code == 0, result.output
    out = Path("exports") / f"{DOC_NAME}.es.{suffix}"
    assert result.output.strip() == str(out) and out.stat().st_size > 0


def test_cli_export_output_and_approved_only(project, tmp_path):
    target = project / "out" / "page.html"
    result = invoke("export", f"locales/es/{DOC_NAME}.po", "-f", "html", "-o", str(target),
                    "--approved-only")
    assert result.exit_code == 0, result.output
    page = lxml.html.fromstring(target.read_bytes())
    assert not page.xpath("//span[contains(@class, 'unreviewed')]")


def test_cli_export_all(project):
    result = invoke("export", "--all", "--doc", DOC_REF)
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (project / "exports").iterdir())
    expected = sorted(f"{DOC_NAME}.{lang}.{suffix}" for lang in ("de", "es")
                      for suffix in ("html", "review.html", "mo", "xlf", "tmx"))
    assert written == expected
    assert sorted(Path(line).name for line in result.output.split()) == expected
    # without --doc: every catalog, each finding its source from #: references
    shutil.rmtree(project / "exports")
    result = invoke("export", "--all", "--format", "xliff")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "exports").iterdir()) == [
        f"{DOC_NAME}.de.xlf", f"{DOC_NAME}.es.xlf"]


@pytest.mark.parametrize("args,message", [
    (["export", "locales/xx/none.po", "-f", "html"], "locales/xx/none.po: no such catalog"),
    (["export", "--all", "--doc", "corpus/missing.txt"], "corpus/missing.txt: no such file"),
    (["export", "--all", "--locales", "nowhere"], "nowhere: no such folder of catalogs"),
])
def test_cli_export_errors_are_one_line(project, args, message):
    result = CliRunner().invoke(locwork_group(), args)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("locwork: error:") and message in lines[0]


def test_cli_export_usage_errors(project):
    assert invoke("export", f"locales/es/{DOC_NAME}.po").exit_code == 2  # no --format
    assert invoke("export").exit_code == 2
    assert invoke("export", "--all", "-o", "x.html").exit_code == 2
    assert invoke("export", f"locales/es/{DOC_NAME}.po", "-f", "pdf").exit_code == 2


def test_cli_missing_source_document(project):
    (project / DOC_REF).unlink()
    result = CliRunner().invoke(locwork_group(), ["export", f"locales/es/{DOC_NAME}.po", "-f", "html"])
    assert result.exit_code == 1 and "not found" in result.stderr and "--doc" in result.stderr


def test_cli_import_xliff(project):
    assert invoke("export", f"locales/es/{DOC_NAME}.po", "-f", "xliff").exit_code == 0
    xlf = project / "exports" / f"{DOC_NAME}.es.xlf"
    root = etree.fromstring(xlf.read_bytes())
    ns = {"x": xliff_export.NS}
    seg = next(s for s in root.iterfind(".//x:segment", ns) if s.get("subState") == "locwork:machine")
    seg.find("x:target", ns).text = "Revisado en otra herramienta."
    seg.set("state", "final")
    seg.set("subState", "locwork:approved")
    xlf.write_bytes(etree.tostring(root))
    before = es_path(project).read_bytes()
    result = invoke("import-xliff", str(xlf), f"locales/es/{DOC_NAME}.po", "--dry-run")
    assert result.exit_code == 0 and "1 updated" in result.output
    assert es_path(project).read_bytes() == before
    result = invoke("import-xliff", str(xlf), f"locales/es/{DOC_NAME}.po")
    assert result.exit_code == 0 and "1 updated" in result.output
    po = catalog.load(es_path(project))
    entry = next(e for e in po if e.msgstr == "Revisado en otra herramienta.")
    assert catalog.entry_state(entry) == State.APPROVED


# ---------------------------------------------------------------- CLI (subprocess)


def _export_registered() -> bool:
    try:
        result = subprocess.run([*LOCWORK, "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and any(
        line.split()[:1] == ["export"] for line in result.stdout.splitlines())


needs_registered = pytest.mark.skipif(
    not _export_registered(), reason="`locwork export` is not registered on the locwork CLI yet")


@needs_registered
def test_real_cli_export_all_formats(project, run_cli):
    result = run_cli("export", "--all", "--doc", DOC_REF, cwd=project)
    assert result.returncode == 0, result.err
    assert len(result.out.split()) == 10
    page = (project / "exports" / f"{DOC_NAME}.es.html").read_bytes()
    strict_html5(page)
    assert xliff_export.validate_xliff((project / "exports" / f"{DOC_NAME}.es.xlf").read_bytes()) == []


@needs_registered
def test_real_cli_export_error(project, run_cli):
    result = run_cli("export", "locales/es/nothing.po", "--format", "mo", cwd=project)
    assert result.returncode == 1
    assert result.err.strip().count("\n") == 0 and "no such catalog" in result.err
    assert "Traceback" not in result.err


def test_xliff_resegmented_unit_is_rebuilt(project):
    """A CAT tool that split a unit into two segments: text and state are rebuilt;
    half a translation is no translation."""
    root = etree.fromstring(xliff_of(project))
    ns = {"x": xliff_export.NS}
    po = catalog.load(es_path(project))
    entry = next(e for e in po if catalog.entry_state(e) == State.APPROVED and " " in e.msgid)
    unit = root.find(f".//x:unit[@id='{entry.msgctxt}']", ns)
    segment = unit.find("x:segment", ns)
    head, tail = entry.msgid.split(" ", 1)
    segment.find("x:source", ns).text = head
    segment.find("x:target", ns).text = "Uno"
    ignorable = etree.SubElement(unit, f"{{{xliff_export.NS}}}ignorable")
    etree.SubElement(ignorable, f"{{{xliff_export.NS}}}source").text = " "
    second = etree.SubElement(unit, f"{{{xliff_export.NS}}}segment", state="translated")
    etree.SubElement(second, f"{{{xliff_export.NS}}}source").text = tail
    etree.SubElement(second, f"{{{xliff_export.NS}}}target").text = "dos."
    data = etree.tostring(root)
    assert xliff_export.validate_xliff(data) == []
    got = {u.id: u for u in xliff_export.read_xliff(data).units}[entry.msgctxt]
    assert (got.source, got.target, got.state) == (entry.msgid, "Uno dos.", State.EDITED)
    second.remove(second.find(f"{{{xliff_export.NS}}}target"))
    got = {u.id: u for u in xliff_export.read_xliff(etree.tostring(root)).units}[entry.msgctxt]
    assert (got.target, got.state) == (None, State.UNTRANSLATED)
