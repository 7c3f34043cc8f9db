"""Quality scores (locwork.scoring, `locwork score`) against sacrebleu called directly."""

from __future__ import annotations

import json
import subprocess
import sys

import polib
import pytest
from click.testing import CliRunner
from sacrebleu.metrics import BLEU, CHRF, TER

from locwork import catalog, scoring
from locwork.catalog import State
from locwork.cli.score import score as score_command
from locwork.errors import LocworkError

from conftest import DEFAULT_DOC, LOCWORK

# (msgctxt, source, raw MT or None, current text, state)
ENTRIES = [
    ("p1.s1", "Le sommet est annulé.", "The summit is cancelled.", "The summit is cancelled.",
     State.APPROVED),
    ("p1.s2", "Il pleut sur Paris depuis trois jours.", "It rains on Paris since three days.",
     "It has been raining in Paris for three days.", State.APPROVED),
    ("p2.s1", "Le président a parlé.", "The president has spoken.", "the President spoke.",
     State.EDITED),
    ("p2.s2", "Rien ne va plus.", "Nothing goes more.", "Nothing goes more.", State.MACHINE),
    ("p3.s1", "Une phrase écrite à la main.", None, "A sentence written by hand.", State.APPROVED),
    ("p3.s2", "Pas encore traduit.", None, "", State.UNTRANSLATED),
]


def make_catalog(path, entries=ENTRIES):
    po = catalog.new_catalog("en", "doc", "corpus/doc.txt")
    for ctxt, src, mt, text, state in entries:
        entry = polib.POEntry(msgctxt=ctxt, msgid=src, msgstr=text)
        if mt is not None:
            catalog.set_meta(entry, "mt", mt)
        if state is not State.UNTRANSLATED:
            catalog.set_state(entry, state)
        po.append(entry)
    catalog.save(po, path)
    return path


@pytest.fixture
def po_path(tmp_path):
    path = tmp_path / "locales" / "en" / "doc.po"
    return make_catalog(path)


def sentence(metric, hyp, ref):
    return metric.sentence_score(hyp, [ref]).score


PAIRS = [
    ("The summit is cancelled.", "The summit is cancelled."),
    ("It rains on Paris since three days.", "It has been raining in Paris for three days."),
    ("The president has spoken.", "the President spoke."),
    ("a b c d e f", "f e d c b a"),
    ("Ceci n'est pas une pipe !", "Ceci n’est pas une pipe !"),
    ("x", "a completely different and much longer sentence, with (brackets) and 12,5 %"),
    ("(hi) there", "(hi) there"),
    ("Oui.", "Oui ."),
    ("Un  deux\ttrois", "Un deux trois"),
    ("Ünïcödé wörds and ÉCOLE", "Ünïcödé words and école"),
]


def test_segment_and_corpus_scores_equal_sacrebleu():
    hyps, refs = zip(*PAIRS)
    stats = scoring.pair_stats(hyps, refs)
    ter, chrf, chrfpp = TER(case_sensitive=True), CHRF(), CHRF(word_order=2)
    for i, (h, r) in enumerate(PAIRS):
        assert stats.hter(i) == pytest.approx(sentence(ter, h, r), abs=1e-9)
        assert stats.chrf(i) == pytest.approx(sentence(chrf, h, r), abs=1e-9)
        assert stats.chrfpp_score(i) == pytest.approx(sentence(chrfpp, h, r), abs=1e-9)
    corpus = stats.corpus()
    assert corpus["bleu"] == pytest.approx(BLEU().corpus_score(list(hyps), [list(refs)]).score)
    assert corpus["chrf"] == pytest.approx(CHRF().corpus_score(list(hyps), [list(refs)]).score)
    assert corpus["chrf++"] == pytest.approx(
        CHRF(word_order=2).corpus_score(list(hyps), [list(refs)]).score)
    assert corpus["ter"] == pytest.approx(
        TER(case_sensitive=True).corpus_score(list(hyps), [list(refs)]).score)
    # the public helpers agree with the statistics
    assert scoring.segment_scores(hyps, refs)[1]["hter"] == pytest.approx(stats.hter(1))
    assert scoring.corpus_scores(hyps, refs) == corpus


def test_worker_processes_give_identical_statistics(monkeypatch):
    hyps = [h for h, _ in PAIRS] * 30
    refs = [r for _, r in PAIRS] * 30
    monkeypatch.setattr(scoring, "PARALLEL_MIN", 10)
    parallel = scoring.pair_stats(hyps, refs, workers=2)
    serial = scoring.pair_stats(hyps, refs, workers=1)
    assert parallel.ter == serial.ter and parallel.chrfpp == serial.chrfpp
    assert parallel.bleu == serial.bleu


def test_signatures_are_sacrebleu_signatures():
    sigs = scoring.metrics().signatures()
    ter = TER(case_sensitive=True)
    ter.corpus_score(["a"], [["a"]])
    assert sigs["ter"] == ter.get_signature().format()
    assert sigs["ter"].startswith("nrefs:1|case:mixed|tok:tercom|")
    assert "nw:2" in sigs["chrf++"] and "nw:0" in sigs["chrf"]
    assert sigs["bleu"].startswith("nrefs:1|case:mixed|eff:no|tok:13a|")


def test_score_catalog_writes_scores_and_passes_msgfmt(po_path):
    report = scoring.score_catalog(po_path)
    assert report.segments == 6 and report.with_mt == 4 and report.reviewed == 3
    assert report.approved == 2 and report.approved_unchanged == 1
    assert report.approved_unchanged_share == 0.5
    hyps = [e[2] for e in ENTRIES if e[2] is not None]
    refs = [e[3] for e in ENTRIES if e[2] is not None]
    assert report.corpus["bleu"] == pytest.approx(BLEU().corpus_score(hyps, [refs]).score)
    assert report.corpus["ter"] == pytest.approx(TER(case_sensitive=True).corpus_score(hyps, [refs]).score)
    reviewed = [(e[2], e[3]) for e in ENTRIES if e[2] is not None and e[4] is not State.MACHINE]
    assert report.corpus_reviewed["chrf"] == pytest.approx(
        CHRF().corpus_score([h for h, _ in reviewed], [[r for _, r in reviewed]]).score)

    catalog.check(po_path)  # msgfmt --check
    po = catalog.load(po_path)
    by_id = {e.msgctxt: e for e in po}
    edited = by_id["p2.s1"]
    mt, text = ENTRIES[2][2], ENTRIES[2][3]
    assert catalog.get_meta(edited, "hter") == f"{sentence(TER(case_sensitive=True), mt, text):.1f}"
    assert catalog.get_meta(edited, "chrf") == f"{sentence(CHRF(), mt, text):.1f}"
    assert catalog.get_meta(edited, "chrfpp") == f"{sentence(CHRF(word_order=2), mt, text):.1f}"
    assert catalog.get_meta(edited, "sig-ter") == scoring.metrics().signature("ter")
    assert catalog.get_meta(edited, "sig-chrf").startswith("nrefs:1|case:mixed|eff:yes|nc:6|nw:0|")
    assert catalog.get_meta(edited, "sig-chrfpp").startswith("nrefs:1|case:mixed|eff:yes|nc:6|nw:2|")
    assert catalog.get_meta(by_id["p1.s1"], "hter") == "0.0"
    assert catalog.get_meta(by_id["p1.s1"], "chrf") == "100.0"
    # unreviewed machine text, human text without MT, untranslated: no scores
    for ctxt in ("p2.s2", "p3.s1", "p3.s2"):
        assert catalog.get_meta(by_id[ctxt], "hter") is None
    # states untouched
    assert catalog.entry_state(edited) is State.EDITED
    assert "#. locwork-hter: " in po_path.read_text("utf-8")


def test_rescoring_removes_stale_scores_and_keeps_other_changes(po_path):
    scoring.score_catalog(po_path)
    with catalog.edit(po_path) as po:  # a re-translation made p2.s1 machine text again
        entry = next(e for e in po if e.msgctxt == "p2.s1")
        entry.msgstr = catalog.get_meta(entry, "mt")
        catalog.set_state(entry, State.MACHINE)
    scoring.score_catalog(po_path)
    po = catalog.load(po_path)
    entry = next(e for e in po if e.msgctxt == "p2.s1")
    assert catalog.get_meta(entry, "hter") is None and catalog.get_meta(entry, "sig-ter") is None
    assert catalog.get_meta(next(e for e in po if e.msgctxt == "p1.s2"), "hter") is not None
    catalog.check(po_path)


def test_a_review_saved_while_scoring_is_kept_and_scored(po_path, monkeypatch):
    real_load = catalog.load
    calls = []

    def load(path):
        po = real_load(path)
        if not calls:  # right after the snapshot is read, a reviewer saves a change
            calls.append(path)
            with catalog.edit(path) as fresh:
                entry = next(e for e in fresh if e.msgctxt == "p2.s1")
                entry.msgstr = "The President has spoken."
        return po

    monkeypatch.setattr(catalog, "load", load)
    report = scoring.score_catalog(po_path)
    monkeypatch.undo()
    po = catalog.load(po_path)
    entry = next(e for e in po if e.msgctxt == "p2.s1")
    assert entry.msgstr == "The President has spoken."
    expected = sentence(TER(case_sensitive=True), "The president has spoken.", "The President has spoken.")
    assert catalog.get_meta(entry, "hter") == f"{expected:.1f}"
    assert next(s for s in report.per_segment if s.id == "p2.s1").hter == pytest.approx(expected)


def test_no_write_leaves_the_file_alone(po_path):
    before = po_path.read_bytes()
    report = scoring.score_catalog(po_path, write=False)
    assert report.reviewed == 3
    assert po_path.read_bytes() == before


def test_reference_text_file(po_path, tmp_path):
    refs = ["The summit has been called off.", "It has rained on Paris for three days.",
            "The president spoke.", "Nothing works any more.", "A handwritten sentence.",
            "Not translated yet."]
    ref = tmp_path / "ref.en"
    ref.write_text("\n".join(refs) + "\n", "utf-8")
    report = scoring.score_catalog(po_path, ref=ref).reference
    assert report["matched"] == 6
    current = [e[3] for e in ENTRIES]
    idx = [i for i, t in enumerate(current) if t]
    expected = BLEU().corpus_score([current[i] for i in idx], [[refs[i] for i in idx]]).score
    assert report["systems"]["current"]["segments"] == 5
    assert report["systems"]["current"]["bleu"] == round(expected, 2)
    mt_idx = [i for i, e in enumerate(ENTRIES) if e[2]]
    expected = CHRF().corpus_score([ENTRIES[i][2] for i in mt_idx], [[refs[i] for i in mt_idx]]).score
    assert report["systems"]["mt"]["chrf"] == round(expected, 2)
    assert report["systems"]["mt"]["segments"] == 4
    assert {row["id"] for row in report["per_segment"]} == {e[0] for e in ENTRIES[:5]}


def test_reference_line_count_mismatch_is_a_clear_error(po_path, tmp_path):
    ref = tmp_path / "ref.en"
    ref.write_text("one\ntwo\n", "utf-8")
    with pytest.raises(LocworkError, match=r"has 2 lines but the catalog has 6 translatable segments "
                                           r"in 3 paragraphs; give one reference line per segment"):
        scoring.score_catalog(po_path, ref=ref)
    with pytest.raises(LocworkError, match="no such reference file"):
        scoring.score_catalog(po_path, ref=tmp_path / "missing.txt")
    ref.write_bytes(b"\xff\xfe bad\n")
    with pytest.raises(LocworkError, match="not UTF-8"):
        scoring.score_catalog(po_path, ref=ref)


def test_reference_aligned_by_paragraph(po_path, tmp_path):
    """One line per source paragraph (p1, p2, p3): the joined segments are scored against it."""
    refs = ["The summit is off. It has rained on Paris for three days.",
            "The president spoke. Nothing works any more.",
            "A handwritten sentence. Not translated yet."]
    ref = tmp_path / "ref.en"
    ref.write_text("\n".join(refs) + "\n", "utf-8")
    report = scoring.score_catalog(po_path, ref=ref, write=False).reference
    assert report["alignment"]["by"] == "paragraph"
    assert report["alignment"]["text"] == "aligned by paragraph: 3 lines = 3 paragraphs"
    # current text: p3 has an untranslated segment, so only p1 and p2 are scored
    current = [f"{ENTRIES[0][3]} {ENTRIES[1][3]}", f"{ENTRIES[2][3]} {ENTRIES[3][3]}"]
    got = report["systems"]["current"]
    assert (got["pairs"], got["segments"]) == (2, 4)
    assert got["bleu"] == round(BLEU().corpus_score(current, [refs[:2]]).score, 2)
    assert got["ter"] == round(TER(case_sensitive=True).corpus_score(current, [refs[:2]]).score, 2)
    mt = [f"{ENTRIES[0][2]} {ENTRIES[1][2]}", f"{ENTRIES[2][2]} {ENTRIES[3][2]}"]
    assert report["systems"]["mt"]["chrf"] == round(CHRF().corpus_score(mt, [refs[:2]]).score, 2)
    assert report["per_segment"] == []
    rows = {row["id"]: row for row in report["per_paragraph"]}
    assert set(rows) == {"p1", "p2"} and rows["p1"]["segments"] == ["p1.s1", "p1.s2"]
    assert rows["p2"]["current_chrf"] == round(sentence(CHRF(), current[1], refs[1]), 2)


def test_reference_segment_count_wins_over_paragraphs(tmp_path):
    """A catalog with one segment per paragraph: both alignments agree; segment is reported."""
    path = make_catalog(tmp_path / "en" / "one.po", [e for e in ENTRIES if e[0].endswith(".s1")])
    ref = tmp_path / "ref.en"
    ref.write_text("a\nb\nc\n", "utf-8")
    report = scoring.score_catalog(path, ref=ref, write=False).reference
    assert report["alignment"]["text"] == "aligned by segment: 3 lines = 3 segments"
    assert len(report["per_segment"]) == 3


def test_reference_per_source_line_joins_a_wrapped_paragraph(tmp_path, monkeypatch):
    """One reference line per non-empty source line: media lines are skipped, the lines of
    a hard-wrapped paragraph are joined, and a catalog out of order is read in document order."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "doc.txt").write_text(
        "Logo\n\nLe sommet est annulé. Il pleut\nsur Paris.\n\nImage 1\n\nRien ne va plus.\n",
        "utf-8")
    po = catalog.new_catalog("en", "doc", "corpus/doc.txt")
    for ctxt, line, src, text in [
            ("p5.s1", "8", "Rien ne va plus.", "Nothing works."),
            ("p2.s1", "3", "Le sommet est annulé.", "The summit is off."),
            ("p2.s2", "3", "Il pleut sur Paris.", "It rains on Paris.")]:
        po.append(polib.POEntry(msgctxt=ctxt, msgid=src, msgstr=text,
                                occurrences=[("corpus/doc.txt", line)]))
    path = tmp_path / "locales" / "en" / "doc.po"
    catalog.save(po, path)
    ref = tmp_path / "ref.en"
    ref.write_text("Logo\nThe summit is off. It rains\non Paris.\nImage 1\nNothing works.\n",
                   "utf-8")
    monkeypatch.chdir(tmp_path / "locales")  # the source is found from the catalog's place
    report = scoring.score_catalog(path, ref=ref, write=False).reference
    assert report["alignment"]["text"] == "aligned by paragraph: 5 lines = 5 non-empty source lines"
    rows = {row["id"]: row for row in report["per_paragraph"]}
    assert rows["p2"]["segments"] == ["p2.s1", "p2.s2"]
    assert rows["p2"]["current_chrf"] == pytest.approx(100.0)  # "It rains" + "on Paris." joined
    assert rows["p5"]["current_ter"] == pytest.approx(0.0)
    ref.write_text("The summit is off. It rains on Paris.\nNothing works.\n", "utf-8")
    report = scoring.score_catalog(path, ref=ref, write=False).reference
    assert report["alignment"]["text"] == "aligned by paragraph: 2 lines = 2 paragraphs"
    assert report["systems"]["current"]["chrf"] == pytest.approx(100.0)


def test_reference_po_matched_by_context_then_msgid(po_path, tmp_path):
    ref_po = polib.POFile()
    ref_po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en"}
    # different order; p1.s2's context changed (matched by msgid); p2.s1 fuzzy (ignored)
    ref_po.append(polib.POEntry(msgctxt="p2.s2", msgid="Rien ne va plus.", msgstr="Nothing works."))
    ref_po.append(polib.POEntry(msgctxt="p9.s9", msgid="Il pleut sur Paris depuis trois jours.",
                                msgstr="It has rained in Paris for three days."))
    ref_po.append(polib.POEntry(msgctxt="p2.s1", msgid="Le président a parlé.", msgstr="He spoke.",
                                flags=["fuzzy"]))
    ref_po.append(polib.POEntry(msgctxt="p1.s1", msgid="Le sommet est annulé.",
                                msgstr="The summit is off."))
    ref_po.append(polib.POEntry(msgctxt="p3.s1", msgid="Autre chose.", msgstr="Something else."))
    path = tmp_path / "ref.po"
    ref_po.save(str(path))
    po = catalog.load(po_path)
    texts = scoring.reference_texts(po, path)
    assert texts == ["The summit is off.", "It has rained in Paris for three days.", None,
                     "Nothing works.", None, None]
    report = scoring.reference_report(po, path)
    assert report["matched"] == 3 and report["systems"]["mt"]["segments"] == 3
    hyps = [ENTRIES[i][2] for i in (0, 1, 3)]
    refs = [texts[i] for i in (0, 1, 3)]
    assert report["systems"]["mt"]["ter"] == round(
        TER(case_sensitive=True).corpus_score(hyps, [refs]).score, 2)
    unrelated = tmp_path / "unrelated.po"
    polib.POFile().save(str(unrelated))
    unrelated.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                         'msgid "x"\nmsgstr "y"\n', "utf-8")
    with pytest.raises(LocworkError, match="no translated entry matches"):
        scoring.reference_texts(po, unrelated)


def test_compare_systems_side_by_side():
    refs = ["The summit is off.", "It rained.", None, "Nothing works."]
    systems = {
        "apertium:fr-es,apertium:es-en": ["The summit is cancelled.", "It rained.", "x", "Nothing goes."],
        "other": ["Summit off.", "It has rained.", "y", ""],
    }
    result = scoring.compare_systems(systems, refs)
    assert result["segments"] == 2  # a reference and an output from every system
    for name, hyps in systems.items():
        h, r = [hyps[0], hyps[1]], [refs[0], refs[1]]
        assert result["systems"][name]["chrf"] == round(CHRF().corpus_score(h, [r]).score, 2)
        assert result["systems"][name]["ter"] == round(
            TER(case_sensitive=True).corpus_score(h, [r]).score, 2)
    table = scoring.comparison_table(result)
    assert table.splitlines()[0].startswith("| system | BLEU")
    assert len(table.splitlines()) == 4
    with pytest.raises(LocworkError, match="outputs for 4 references"):
        scoring.compare_systems({"short": ["a"]}, refs)


# ---------------------------------------------------------------- CLI


def test_cli_table_json_and_errors(po_path, tmp_path):
    runner = CliRunner()
    result = runner.invoke(score_command, [str(po_path)])
    assert result.exit_code == 0, result.output
    assert "approved unchanged: 1/2 (50.0 %)" in result.output
    assert "reviewed only" in result.output
    result = runner.invoke(score_command, [str(po_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["reviewed"] == 3 and len(data["per_segment"]) == 3
    assert set(data["per_segment"][0]) >= {"id", "hter", "chrf", "chrf++", "state"}
    assert data["signatures"]["ter"].startswith("nrefs:1|case:mixed|tok:tercom")

    ref = tmp_path / "ref.txt"
    ref.write_text("only one line\n", "utf-8")
    result = runner.invoke(score_command, [str(po_path), "--ref", str(ref)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "has 1 lines but the catalog has 6" in result.output
    result = runner.invoke(score_command, [str(tmp_path / "nope.po")])
    assert result.exit_code == 1 and "no such catalog" in result.output
    broken = tmp_path / "broken.po"
    broken.write_text("this is not a catalog\n", "utf-8")
    result = runner.invoke(score_command, [str(broken)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def _score_registered() -> bool:
    out = subprocess.run([*LOCWORK, "--help"], capture_output=True, text=True, timeout=120)
    return out.returncode == 0 and "\n  score " in out.stdout


def test_cli_subprocess(po_path, tmp_path, run_cli):
    if not _score_registered():
        pytest.skip("`locwork --help` does not list `score` yet (the lead registers it)")
    result = run_cli("score", str(po_path), "--json")
    assert result.returncode == 0, result.err
    assert json.loads(result.out)["approved_unchanged"] == 1
    bad = tmp_path / "ref.txt"
    bad.write_text("x\n", "utf-8")
    result = run_cli("score", str(po_path), "--ref", str(bad))
    assert result.returncode == 1
    assert result.err.strip().startswith("locwork: error:") and len(result.err.strip().splitlines()) == 1


def _reference_lines(po_path, by_line: bool) -> list[str]:
    """A reference built from a translated catalog: one line per paragraph, or per
    non-empty source line (untranslatable lines such as "Logo" kept as they are)."""
    po = catalog.load(po_path)
    paragraphs: dict[str, list[str]] = {}
    for entry in scoring.segments(po):
        paragraphs.setdefault(entry.occurrences[0][1], []).append(entry.msgstr)
    if not by_line:
        return [" ".join(texts) for texts in paragraphs.values()]
    source = DEFAULT_DOC.read_text("utf-8").splitlines()
    return [" ".join(paragraphs.get(str(n), [line])) for n, line in enumerate(source, 1)
            if line.strip()]


def test_cli_reference_aligned_by_paragraph_on_the_article(tmp_path, run_cli):
    """Issue 14 §5: a parallel document (one line per paragraph) is accepted by the real CLI."""
    doc = tmp_path / DEFAULT_DOC.name
    doc.write_bytes(DEFAULT_DOC.read_bytes())
    result = run_cli("translate", doc.name, "--to", "es", "--route", "es=apertium:fr-es",
                     "--no-tm")
    assert result.returncode == 0, result.err
    po_path = tmp_path / "locales" / "es" / f"{doc.stem}.po"
    entries = scoring.segments(catalog.load(po_path))
    by_paragraph = _reference_lines(po_path, by_line=False)
    n_para = len(by_paragraph)
    assert len(entries) > n_para > 1  # the article has multi-sentence paragraphs

    ref = tmp_path / "ref.es"
    ref.write_text("\n".join(by_paragraph) + "\n", "utf-8")
    result = run_cli("score", str(po_path), "--no-write", "--ref", str(ref))
    assert result.returncode == 0, result.err
    assert f"aligned by paragraph: {n_para} lines = {n_para} paragraphs" in result.out
    result = run_cli("score", str(po_path), "--no-write", "--json", "--ref", str(ref))
    data = json.loads(result.out)["reference"]
    assert data["alignment"]["by"] == "paragraph" and data["matched"] == len(entries)
    for system in ("current", "mt"):  # the reference is the catalog itself
        assert data["systems"][system]["pairs"] == n_para
        assert data["systems"][system]["chrf"] == pytest.approx(100.0)
        assert data["systems"][system]["ter"] == pytest.approx(0.0)
    assert len(data["per_paragraph"]) == n_para

    # One paragraph edited in the reference: only that paragraph's score drops.
    edited = list(by_paragraph)
    edited[3] = "Una traducción completamente distinta de este párrafo."
    ref.write_text("\n".join(edited) + "\n", "utf-8")
    data = json.loads(run_cli("score", str(po_path), "--no-write", "--json", "--ref",
                              str(ref)).out)["reference"]
    low = [row["id"] for row in data["per_paragraph"] if row["current_chrf"] < 100]
    assert low == [data["per_paragraph"][3]["id"]]
    assert data["systems"]["current"]["chrf"] < 100

    # One line per non-empty line of the source document (media lines included).
    lines = _reference_lines(po_path, by_line=True)
    ref.write_text("\n".join(lines) + "\n", "utf-8")
    result = run_cli("score", str(po_path), "--no-write", "--ref", str(ref))
    assert result.returncode == 0, result.err
    assert f"aligned by paragraph: {len(lines)} lines = {len(lines)} non-empty source lines" \
        in result.out
    data = json.loads(run_cli("score", str(po_path), "--no-write", "--json", "--ref",
                              str(ref)).out)["reference"]
    assert data["systems"]["current"]["chrf"] == pytest.approx(100.0)

    # Segment alignment still works, and says so.
    ref.write_text("\n".join(e.msgstr for e in entries) + "\n", "utf-8")
    result = run_cli("score", str(po_path), "--no-write", "--ref", str(ref))
    assert f"aligned by segment: {len(entries)} lines = {len(entries)} segments" in result.out

    # Neither count: one line naming them all, exit 1.
    ref.write_text("\n".join(by_paragraph[:-1]) + "\n", "utf-8")
    result = run_cli("score", str(po_path), "--no-write", "--ref", str(ref))
    assert result.returncode == 1
    assert result.err.strip() == (
        f"locwork: error: {ref} has {n_para - 1} lines but the catalog has {len(entries)} "
        f"translatable segments in {n_para} paragraphs, and its source document {len(lines)} "
        "non-empty lines; give one reference line per segment or per source paragraph, "
        "in document order")
