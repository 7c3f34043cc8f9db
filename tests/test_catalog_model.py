"""The typed catalog model: declared provenance, its writers, CatalogRef, the source language."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from lxml import etree

from conftest import msgfmt_check
from locwork import catalog, export
from locwork.catalog import State
from locwork.catalog.provenance import _write

ROOT = Path(__file__).resolve().parents[1]


def _entry(msgid: str = "Bonjour.", msgstr: str = "") -> polib.POEntry:
    return polib.POEntry(msgctxt="p1.s1", msgid=msgid, msgstr=msgstr)


def test_record_mt_writes_the_lines_it_always_wrote():
    entry = _entry()
    catalog.record_mt(entry, "Hello.", route="apertium:fr-en", engine="apertium", model="apertium-fr-en 1.0",
                      expected_chrf=61.25, lost=["x", "y"], score=-0.123456,
                      alternatives=[("Hi.", -0.5), ("Hullo.", None)])
    assert entry.msgstr == "Hello." and catalog.entry_state(entry) is State.MACHINE
    assert entry.comment.split("\n") == [
        "locwork-state: machine",
        "locwork-origin: mt",
        "locwork-mt: Hello.",
        "locwork-route: apertium:fr-en",
        "locwork-engine: apertium",
        "locwork-model: apertium-fr-en 1.0",
        "locwork-expected-chrf: 61.2",
        "locwork-mt-lost: x; y",
        "locwork-mt-score: -0.1235",
        'locwork-alternatives: [{"text": "Hi.", "score": -0.5}, {"text": "Hullo.", "score": null}]',
    ]
    info = catalog.provenance(entry)
    assert info.mt == "Hello." and info.expected_chrf == pytest.approx(61.2)
    assert info.mt_score == pytest.approx(-0.1235) and info.mt_lost == "x; y"
    assert [a["text"] for a in info.alternatives] == ["Hi.", "Hullo."]


def test_human_work_survives_record_mt_and_a_tm_draft_clears_mt():
    entry = _entry(msgstr="Salut.")
    catalog.record_review(entry, "ana", "2026-01-02T03:04:05+00:00", State.EDITED)
    catalog.record_mt(entry, "Hello.", route="r", engine="e", model="m", expected_chrf=50)
    assert entry.msgstr == "Salut." and catalog.entry_state(entry) is State.EDITED
    assert catalog.provenance(entry).reviewer == "ana"
    fresh = _entry()
    catalog.record_mt(fresh, "Hello.", route="r", engine="e", model="m", expected_chrf=50)
    catalog.record_tm_draft(fresh, "Good day.", origin="tm 83%", ref="doc/p1.s1", source="Bonjour !")
    info = catalog.provenance(fresh)
    assert (info.mt, info.route, info.engine, info.origin, info.tm_source) == \
        (None, None, None, "tm 83%", "Bonjour !")


def test_scores_round_trip_and_clear():
    entry = _entry(msgstr="Salut.")
    catalog.set_state(entry, State.APPROVED)
    catalog.record_scores(entry, 12.345, 70.0, 68.04, {"ter": "s1", "chrf": "s2", "chrfpp": "s3"})
    info = catalog.provenance(entry)
    assert (info.hter, info.chrf, info.chrfpp) == (pytest.approx(12.3), 70.0, 68.0)
    assert info.signatures() == {"ter": "s1", "chrf": "s2", "chrfpp": "s3"}
    catalog.clear_scores(entry)
    assert entry.comment == "locwork-state: approved"


def test_malformed_numbers_read_as_none_and_unknown_fields_are_refused():
    entry = _entry()
    entry.comment = "locwork-qe: n/a\nlocwork-level: two\nlocwork-future-key: kept"
    info = catalog.provenance(entry)
    assert info.qe is None and info.level is None and info.raw["future-key"] == "kept"
    with pytest.raises(TypeError):
        _write(entry, no_such_field="x")


def test_no_module_outside_catalog_spells_a_provenance_key():
    """The done-criterion of issue 13: provenance is read and written through locwork.catalog only."""
    pattern = re.compile(r"catalog\.(get_meta|set_meta|update_meta|meta)\(|[\"']locwork-("
                         + "|".join(map(re.escape, catalog.KEYS)) + r")\b")
    offenders = []
    inside = ROOT / "src" / "locwork" / "catalog"
    for folder in ("src/locwork", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            if inside in path.parents:
                continue
            for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_catalog_ref_maps_paths_in_one_place(tmp_path):
    ref = catalog.CatalogRef(tmp_path / "locales", "pt-BR", "guide")
    assert ref.path == tmp_path / "locales" / "pt_BR" / "guide.po"
    assert catalog.CatalogRef.from_path(ref.path) == catalog.CatalogRef(tmp_path / "locales", "pt_BR", "guide")
    for lang in ("es", "de"):
        catalog.save(catalog.new_catalog(lang, "guide", "guide.txt"), catalog.catalog_path(tmp_path / "locales",
                                                                                             lang, "guide"))
    (tmp_path / "locales" / "it").mkdir()
    assert catalog.document_languages(tmp_path / "locales", "guide") == ["de", "es"]
    assert catalog.document_languages(tmp_path / "nowhere", "guide") == []
    assert catalog.document_name("locales/es/guide.po") == "guide" == catalog.document_name("guide")


def test_english_source_catalog_exports_en(tmp_path):
    """Regression (issue 13): an English-source catalog was exported with srcLang="fr"."""
    po = catalog.new_catalog("fr", "app", "app.txt", source_lang="en")
    entry = polib.POEntry(msgctxt="p1.s1", msgid="Hello.", msgstr="Bonjour.")
    catalog.set_state(entry, State.APPROVED)
    po.append(entry)
    path = catalog.catalog_path(tmp_path / "locales", "fr", "app")
    catalog.save(po, path)
    msgfmt_check(path)
    assert catalog.source_language(catalog.load(path)) == "en"
    xliff, _name, _mime = export.render(path, "xliff")
    assert etree.fromstring(xliff).get("srcLang") == "en"
    tmx, _name, _mime = export.render(path, "tmx")
    root = etree.fromstring(tmx)
    assert root.find("header").get("srclang") == "en"
    assert root.find("body/tu/tuv").get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_pretranslated_english_catalog_exports_en(run_cli, tmp_path):
    """The pretranslate use case end to end: English source, French catalog, XLIFF and TMX say en."""
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr",
                   "Plural-Forms": "nplurals=2; plural=(n > 1);"}
    po.append(polib.POEntry(msgid="The file is open."))
    po.save(str(tmp_path / "app.po"))
    result = run_cli("pretranslate", "app.po", "--from", "en", "--to", "fr")
    assert result.returncode == 0, result.err
    assert catalog.load(tmp_path / "app.po").metadata["X-Source-Language"] == "en"
    xliff, _name, _mime = export.render(tmp_path / "app.po", "xliff")
    assert etree.fromstring(xliff).get("srcLang") == "en"
    tmx, _name, _mime = export.render(tmp_path / "app.po", "tmx")
    assert etree.fromstring(tmx).find("header").get("srclang") == "en"


def test_render_memo_follows_in_place_changes():
    """Each entry's rendered lines are remembered until the entry changes, lists and dicts changed in place too."""
    po = catalog.new_catalog("fr", "app", "app.txt")
    plural = polib.POEntry(msgid="One file", msgid_plural="%d files", msgstr_plural={0: "Un", 1: "Des"})
    single = polib.POEntry(msgctxt="p1.s1", msgid="Hello.", msgstr="Bonjour.")
    po += [plural, single]
    first = catalog.dumps(po)
    assert catalog.dumps(po) == first
    single.flags.append("fuzzy")
    plural.msgstr_plural[1] = "Des fichiers"
    single.occurrences.append(("app.txt", "3"))
    text = catalog.dumps(po)
    assert "#: app.txt:3\n#, fuzzy\nmsgctxt \"p1.s1\"" in text and 'msgstr[1] "Des fichiers"' in text
    assert catalog.dumps(po, canonical=True) == text


@pytest.mark.parametrize("comment", ["", "locwork-kind: sentence", "x\nlocwork-origin: tm 100%\nlocwork-mt: old\n"
                                     "locwork-state: edited\nlocwork-tm-ref: a.po\ny"])
def test_drafts_write_their_state_in_the_same_pass_as_two_writes_would(comment):
    """record_mt / record_tm_draft write one pass; the lines are those of set_state then the fields."""
    one, two = polib.POEntry(msgid="Bonjour.", comment=comment), polib.POEntry(msgid="Bonjour.", comment=comment)
    catalog.record_tm_draft(one, "Hola.", origin="tm 100%", ref="b.po", source="Bonjour.")
    two.msgstr = "Hola."
    catalog.set_state(two, State.MACHINE)
    _write(two, mt=None, route=None, engine=None, model=None, expected_chrf=None, mt_lost=None,
           mt_score=None, alternatives=None)
    _write(two, origin="tm 100%", tm_ref="b.po", tm_source="Bonjour.")
    assert (one.comment, one.flags) == (two.comment, two.flags)
    for entry in (one, two):
        entry.msgstr, entry.flags = "", []
    catalog.record_mt(one, "Hola.", route="apertium:fr-es", engine="apertium", model="1", expected_chrf=55.6)
    two.msgstr = "Hola."
    catalog.set_state(two, State.MACHINE)
    _write(two, origin="mt", tm_ref=None, tm_source=None, mt="Hola.", route="apertium:fr-es", engine="apertium",
           model="1", expected_chrf=55.6)
    assert (one.comment, one.flags) == (two.comment, two.flags)
