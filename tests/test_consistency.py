"""Consistency checks: same source translated one way, numbers/dates/names across languages."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from locwork import catalog, consistency, tm
from locwork.catalog import State
from locwork.errors import LocworkError

DOC = "sommet"
S1 = "Le 20 octobre, Sergueï Lavrov a parlé à Marco Rubio."
S2 = "Plus de 3 000 soldats sont arrivés à Anchorage."
S3 = "Sergueï Lavrov a quitté Moscou le 21 octobre."
S4 = "Le sommet est annulé."
S5 = "Le sommet est annulé."  # the same sentence again, later in the article

CLEAN = {
    "en": ["On October 20, Sergei Lavrov spoke to Marco Rubio.",
           "More than 3,000 soldiers arrived in Anchorage.",
           "Sergei Lavrov left Moscow on October 21.",
           "The summit is cancelled.", "The summit is cancelled."],
    "es": ["El 20 de octubre, Serguéi Lavrov habló con Marco Rubio.",
           "Más de 3.000 soldados llegaron a Anchorage.",
           "Serguéi Lavrov dejó Moscú el 21 de octubre.",
           "La cumbre se cancela.", "La cumbre se cancela."],
    "pt": ["Em 20 de outubro, Serguei Lavrov falou com Marco Rubio.",
           "Mais de 3 000 soldados chegaram a Anchorage.",
           "Serguei Lavrov deixou Moscovo a 21 de outubro.",
           "A cimeira é cancelada.", "A cimeira é cancelada."],
}


def write_catalogs(locales: Path, targets: dict[str, list[str]], state: State = State.APPROVED) -> None:
    sources = [S1, S2, S3, S4, S5]
    for lang, texts in targets.items():
        po = catalog.new_catalog(lang, DOC, f"corpus/{DOC}.txt")
        for n, (source, target) in enumerate(zip(sources, texts), start=1):
            entry = polib.POEntry(msgctxt=f"p{n + 1}.s1", msgid=source, msgstr=target)
            catalog.set_state(entry, state)
            po.append(entry)
        catalog.save(po, catalog.catalog_path(locales, lang, DOC))


def planted() -> dict[str, list[str]]:
    targets = {lang: list(texts) for lang, texts in CLEAN.items()}
    targets["pt"][0] = "Em 21 de outubro, Serguei Lavrov falou com Marco Rubio."  # wrong day
    targets["es"][2] = "Sergei Lavrov dejó Moscú el 21 de octubre."  # second spelling in es
    targets["en"][1] = "More than 300 soldiers arrived in Anchorage."  # wrong number
    targets["es"][4] = "La cumbre queda anulada."  # same source, another translation
    return targets


def test_clean_document_has_no_findings(tmp_path):
    write_catalogs(tmp_path / "locales", CLEAN)
    report = consistency.check_document(f"corpus/{DOC}.txt", tmp_path / "locales", tm=False)
    assert report.languages == ["en", "es", "pt"] and report.segments == 5
    assert report.findings == [], [f.message for f in report.findings]
    assert report.ok and report.to_dict()["ok"] is True


def test_planted_mismatches_are_flagged(tmp_path):
    write_catalogs(tmp_path / "locales", planted())
    report = consistency.check_document(DOC, tmp_path / "locales", tm=False, segment_checks=False)
    by_code = {}
    for finding in report.findings:
        by_code.setdefault(finding.code, []).append(finding)
    assert sorted(by_code) == ["date", "name", "number", "same-source"]

    (date,) = by_code["date"]
    assert date.segments == ("p2.s1",) and date.lang is None
    assert sorted(date.details["agree"]) == ["en", "es"] and date.details["differ"] == {"pt": [21]}
    assert "the 20th in en, es" in date.message and "the 21st in pt" in date.message

    (number,) = by_code["number"]
    assert number.segments == ("p3.s1",)
    assert number.details["differ"] == ["en"] and number.details["instead"] == {"en": ["300"]}

    (name,) = by_code["name"]
    assert name.lang == "es" and name.details["name"] == "Sergueï"
    assert name.details["spellings"] == {"Serguéi": ["p2.s1"], "Sergei": ["p4.s1"]}
    assert set(name.segments) == {"p2.s1", "p4.s1"}

    (same,) = by_code["same-source"]
    assert same.lang == "es" and set(same.segments) == {"p5.s1", "p6.s1"}
    assert "translated 2 ways in es" in same.message


def test_segment_warnings_are_included_without_duplicates(tmp_path):
    write_catalogs(tmp_path / "locales", planted())
    report = consistency.check_document(DOC, tmp_path / "locales", tm=False)
    segment = [f for f in report.findings if f.check == "segment"]
    # The per-segment number/date warnings of locwork.qa for the same problems are not repeated.
    assert not any(f.code in ("number", "date") for f in segment), [f.message for f in segment]
    assert {f.code for f in report.findings if f.check == "consistency"} == \
        {"date", "name", "number", "same-source"}


def test_declension_endings_are_one_spelling():
    entries = [consistency._Entry("p1.s1", "Il a vu Vladimir Poutine.", "Er sah Wladimir Putin.",
                                  State.APPROVED, ""),
               consistency._Entry("p2.s1", "La visite de Poutine est annulée.",
                                  "Putins Besuch ist abgesagt.", State.APPROVED, "")]
    assert consistency.check_names("de", entries) == []


def test_memory_mismatch_is_reported(tmp_path):
    write_catalogs(tmp_path / "locales", CLEAN)
    with tm.TranslationMemory(tmp_path / ".locwork" / "tm.sqlite") as memory:
        memory.add(tm.TMUnit(S4, "La cumbre ha sido anulada.", "fr", "es", "other", "p9.s1", "Ana"))
        memory.add(tm.TMUnit(S2, CLEAN["es"][1], "fr", "es", "other", "p1.s1"))
    report = consistency.check_document(DOC, tmp_path / "locales", segment_checks=False)
    found = [f for f in report.findings if f.code == "memory"]
    assert {f.segments for f in found} == {("p5.s1",), ("p6.s1",)}
    assert all("other/p9.s1, Ana" in f.message for f in found)
    assert consistency.check_document(DOC, tmp_path / "locales", tm=False).ok


def test_missing_catalogs_are_an_input_error(tmp_path):
    with pytest.raises(LocworkError, match="no catalog"):
        consistency.check_document("nothing", tmp_path)


def test_qa_command_exit_codes(run_cli, tmp_path):
    write_catalogs(tmp_path / "locales", CLEAN)
    clean = run_cli("qa", f"corpus/{DOC}.txt")
    assert clean.returncode == 0, clean.out + clean.err
    assert "0 warning(s)" in clean.out

    write_catalogs(tmp_path / "locales", planted())
    found = run_cli("qa", DOC, "--json", "--consistency-only")
    assert found.returncode == 4, found.err
    data = json.loads(found.out)
    assert data["ok"] is False and data["counts"] == {"date": 1, "number": 1, "name": 1,
                                                      "same-source": 1}
    text = run_cli("qa", DOC)
    assert text.returncode == 4 and "the 21st in pt" in text.out
    assert run_cli("qa", DOC, "--exit-zero").returncode == 0
    only_pt = run_cli("qa", DOC, "--lang", "pt", "--consistency-only", "--json")
    assert only_pt.returncode == 4  # one language is still checked against the source
    assert [f["message"] for f in json.loads(only_pt.out)["findings"]] == \
        ["“20 octobre”: the 21st in pt"]

    missing = run_cli("qa", "nothing")
    assert missing.returncode == 1 and "no catalog" in missing.err
