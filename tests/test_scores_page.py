"""The Scores page and its data (locwork.score_report), and the Review page's worst-first order.

Real engines only: the article is translated into Spanish and Catalan by
Apertium (``Engines(["apertium"])``, the router's pick) once per module; a
few segments are then edited and approved by two reviewers through
``review.save``, scored with ``scoring.score_catalog`` and estimated with
``estimate.estimate_catalog``. Each test works on a copy of that project.
The app (streamlit.testing AppTest, ``LOCWORK_ROOT`` at the copy) is handed
the same engines.
"""

from __future__ import annotations

import json
import shutil
import statistics
from pathlib import Path

import pytest

from locwork import catalog, estimate, pipeline, review, score_report, scoring, workspace
from locwork.catalog import State
from locwork.engines.registry import Engines

pytest.importorskip("streamlit")

import streamlit as st  # noqa: E402
from workbench_driver import act, data, set_filters  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402
from test_app import start  # noqa: E402  (one way to open the app in tests)

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
DOC_NAME = "sommet-trump-poutine-annule"
REWRITE = "Texto escrito de nuevo por completo, sin nada de la traducción automática."


@pytest.fixture(scope="module")
def engines():
    engines = Engines(["apertium"])
    yield engines
    engines.close()


def mt_of(path: Path, seg: str) -> str:
    return review.find_entry(catalog.load(path), seg).msgstr


def edit(path: Path, seg: str, text: str | None, reviewer: str, approve: bool) -> None:
    base = mt_of(path, seg)
    saved = review.save(path, seg, base if text is None else text, base, reviewer, approve=approve)
    assert isinstance(saved, review.Saved)


@pytest.fixture(scope="module")
def template(tmp_path_factory, engines) -> Path:
    """The article in es and ca (Apertium), reviewed in part, scored and estimated."""
    root = tmp_path_factory.mktemp("scores")
    (root / "corpus").mkdir()
    shutil.copy(ROOT / "corpus" / f"{DOC_NAME}.txt", root / "corpus")
    proj = workspace.Project(root)
    doc = workspace.load_document(proj.corpus / f"{DOC_NAME}.txt")
    for lang in ("es", "ca"):
        route = pipeline.choose_route(engines, "fr", lang)
        pipeline.translate_document(doc, lang, route, engines, proj.locales, root=root)
    es = review.catalog_for(proj.locales, "es", doc.name)
    ca = review.catalog_for(proj.locales, "ca", doc.name)
    edit(es, "p3.s1", None, "Ana", approve=True)  # approved as the MT wrote it
    edit(es, "p4.s1", mt_of(es, "p4.s1") + " Además.", "Ana", approve=True)  # a small addition
    edit(es, "p6.s1", REWRITE, "Bea", approve=True)  # rewritten: the largest effort
    edit(es, "p7.s1", mt_of(es, "p7.s1")[: len(mt_of(es, "p7.s1")) // 2], "Bea", approve=False)
    edit(ca, "p2.s1", mt_of(ca, "p2.s1") + " (revisat)", "Ana", approve=True)
    score_report.score_document(proj.locales, DOC_NAME)
    score_report.estimate_document(proj.locales, DOC_NAME, engines)
    return root


@pytest.fixture
def project(template, tmp_path):
    shutil.copytree(template, tmp_path, dirs_exist_ok=True)
    return workspace.Project(tmp_path)


def es_path(proj) -> Path:
    return review.catalog_for(proj.locales, "es", DOC_NAME)


# ------------------------------------------------------------ score_report


def test_language_summaries(project):
    report = score_report.document_report(project.locales, DOC_NAME)
    assert [s.lang for s in report.languages] == ["ca", "es"]
    es = report.language("es")
    assert es.segments == 54 and es.with_mt == 54
    assert es.counts == {"untranslated": 0, "machine": 50, "edited": 1, "approved": 3}
    assert es.reviewed == 4 and es.scored == 4 and es.stale == 0
    assert es.approved_with_mt == 3 and es.approved_unchanged == 1
    assert es.approved_pct == pytest.approx(100 * 3 / 54)
    assert es.approved_unchanged_pct == pytest.approx(100 / 3)
    # Corpus scores of the raw MT against the post-edited text: sacrebleu's, on the reviewed ones.
    live = scoring.document_scores(catalog.load(es_path(project)))
    assert es.corpus_chrf == pytest.approx(live.corpus_reviewed["chrf"])
    assert es.corpus_ter == pytest.approx(live.corpus_reviewed["ter"])
    assert 0 < es.corpus_chrf < 100 and es.corpus_ter > 0
    # Means of the stored per-segment values.
    po = catalog.load(es_path(project))
    stored_hter = [float(catalog.get_meta(e, "hter")) for e in po if catalog.get_meta(e, "hter")]
    assert es.mean_hter == pytest.approx(statistics.fmean(stored_hter))
    qes = [float(catalog.get_meta(e, "qe")) for e in po
           if catalog.entry_state(e) is State.MACHINE and catalog.get_meta(e, "qe")]
    assert es.estimated == len(qes) == 50
    assert es.mean_qe == pytest.approx(statistics.fmean(qes)) and 0 < es.mean_qe < 1
    ca = report.language("ca")
    assert ca.approved == 1 and ca.approved_unchanged == 0 and ca.estimated == 53


def test_stale_scores_are_counted_until_scored_again(project):
    path = es_path(project)
    edit(path, "p8.s1", "Otra cosa.", "Ana", approve=False)
    edit(path, "p6.s1", REWRITE + " Y más.", "Bea", approve=True)  # stored HTER out of date
    assert score_report.summarize(path).stale == 2
    done = score_report.score_document(project.locales, DOC_NAME)
    assert {d.lang: d.reviewed for d in done} == {"ca": 1, "es": 5}
    summary = score_report.summarize(path)
    assert summary.stale == 0 and summary.scored == 5


def test_histograms(project):
    report = score_report.document_report(project.locales, DOC_NAME)
    es = report.language("es")
    chrf = score_report.chrf_values(es)
    assert len(chrf) == 4 and 100.0 in chrf  # the one approved unchanged
    bins = score_report.chrf_histogram(es)
    assert [(b.lo, b.hi) for b in bins] == [(10.0 * i, 10.0 * (i + 1)) for i in range(10)]
    assert sum(b.count for b in bins) == 4 and bins[-1].count >= 1  # 100 is in the last bin
    qe_bins = score_report.qe_histogram(es)
    assert sum(b.count for b in qe_bins) == 50 and qe_bins[-1].hi == 1.0
    # Edges: values outside the range go to the end bins.
    edges = score_report.histogram([-5, 0, 9.99, 10, 55, 100, 120], 0, 100, 10)
    assert [b.count for b in edges] == [3, 1, 0, 0, 0, 1, 0, 0, 0, 2]


def test_comparison_rows(project):
    report = score_report.document_report(project.locales, DOC_NAME)
    rows = score_report.comparison(report.languages)
    es = {r["metric"]: r["value"] for r in rows if r["lang"] == "es"}
    assert list(es) == list(score_report.COMPARISON)
    summary = report.language("es")
    assert es["approved %"] == round(100 * 3 / 54, 2)
    assert es["chrF (MT vs post-edit)"] == round(summary.corpus_chrf, 2)
    assert es["mean QE ×100"] == round(100 * summary.mean_qe, 2)
    ca = {r["metric"]: r["value"] for r in rows if r["lang"] == "ca"}
    assert ca["approved unchanged %"] == 0.0


def test_top_effort_and_reviewers(project):
    report = score_report.document_report(project.locales, DOC_NAME)
    top = score_report.top_effort(report.segments, 3)
    hters = [s.hter for s in top]
    assert hters == sorted(hters, reverse=True) and len(top) == 3
    first = top[0]
    assert (first.lang, first.id, first.target, first.reviewer) == ("es", "p6.s1", REWRITE, "Bea")
    assert first.source.startswith("Le deuxième sommet") and first.mt and first.mt != REWRITE
    every = score_report.top_effort(report.segments, 100)
    assert len(every) == 5 and (every[-1].id, every[-1].hter) == ("p3.s1", 0.0)  # unchanged
    totals = {t.reviewer: t for t in score_report.reviewer_totals(report.segments)}
    assert list(totals) == ["Ana", "Bea"]  # most approved first
    ana, bea = totals["Ana"], totals["Bea"]
    assert (ana.approved, ana.edited, ana.languages) == (3, 0, ("ca", "es"))
    assert (bea.approved, bea.edited, bea.languages) == (1, 1, ("es",))
    ana_hter = [s.hter for s in report.segments if s.reviewer == "Ana"]
    assert ana.scored == 3 and ana.mean_hter == pytest.approx(statistics.fmean(ana_hter))
    assert bea.mean_hter > ana.mean_hter


def test_worst_first_is_review_order(project):
    doc = workspace.load_document(project.corpus / f"{DOC_NAME}.txt")
    rows = review.load_rows(doc, project.locales, "es")
    ordered = review.sort_rows(rows, "worst-first")
    queue = [e.msgctxt for e in estimate.review_order(catalog.load(es_path(project)))]
    assert [r.id for r in ordered[: len(queue)]] == queue
    assert [r.state for r in ordered[len(queue):]] == ["approved"] * 3
    qes = [r.qe for r in ordered if r.qe is not None and r.state == "machine"]
    assert qes == sorted(qes)
    assert review.sort_rows(rows) == rows
    with pytest.raises(ValueError):
        review.sort_rows(rows, "best")


# ------------------------------------------------------------------- app


@pytest.fixture
def app_root(project, monkeypatch, engines):
    monkeypatch.setenv("LOCWORK_ROOT", str(project.root))
    monkeypatch.setattr("locwork.engines.registry.Engines", lambda *a, **k: engines)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield project
    st.cache_resource.clear()


def charts(at: AppTest) -> dict:
    """Title -> the Vega-Lite spec of every chart on the page."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    return {spec["title"]: spec for spec in specs}


def table(at: AppTest, column: str):
    """The first table on the page with that column (tables without selection have no key)."""
    frames = [df.value for df in at.dataframe if column in df.value.columns]
    assert frames, f"no table with a {column!r} column"
    return frames[0]


def test_scores_page_shows_charts_and_tables(app_root):
    proj = app_root
    at = start()
    at.switch_page("ui/scores.py").run()
    assert not at.exception, at.exception
    specs = charts(at)
    assert set(specs) == {
        "MT vs post-edit, approval and estimate",
        "ca: chrF of post-edit · 1 segment", "es: chrF of post-edit · 4 segments",
        "ca: estimate of unreviewed · 53 segments", "es: estimate of unreviewed · 50 segments",
    }
    assert all(spec["mark"]["type"] == "bar" for spec in specs.values())
    compare = specs["MT vs post-edit, approval and estimate"]
    assert compare["encoding"]["xOffset"]["field"] == "lang"
    report = score_report.document_report(proj.locales, DOC_NAME)
    top = table(at, "final")
    expected = score_report.top_effort(report.segments, 10)
    assert top["id"].tolist() == [s.id for s in expected]
    assert top["id"].tolist()[0] == "p6.s1" and top["final"].tolist()[0] == REWRITE
    assert {"source", "MT", "final", "HTER"} <= set(top.columns)
    reviewers = table(at, "edited")
    assert reviewers["reviewer"].tolist() == ["Ana", "Bea"]
    assert reviewers["approved"].tolist() == [3, 1]
    languages = table(at, "language")
    assert languages["language"].tolist() == ["ca", "es"]
    assert not at.warning  # every reviewed segment is scored


def test_score_now_and_estimate_buttons(app_root):
    proj = app_root
    path = es_path(proj)
    edit(path, "p8.s1", "Otra cosa.", "Ana", approve=True)
    with catalog.edit(path) as po:  # forget the estimates
        for entry in po:
            catalog.set_meta(entry, "qe", None)
    at = start()
    at.switch_page("ui/scores.py").run()
    assert not at.exception, at.exception
    assert "es 1" in at.warning[0].value  # p8.s1 has no score yet
    assert not any(title.startswith("es: estimate") for title in charts(at))
    at.button(key="sc_score").click().run()
    assert not at.exception, at.exception
    assert not at.warning
    assert catalog.get_meta(review.find_entry(catalog.load(path), "p8.s1"), "hter") is not None
    assert "Scored ca (1 segment reviewed), es (5 segments reviewed)" in at.success[0].value
    at.button(key="sc_estimate").click().run()
    assert not at.exception, at.exception
    assert "es: estimate of unreviewed · 49 segments" in charts(at)
    assert score_report.summarize(path).estimated == 49
    # One progress bar per language, each ending on what it did; a Cancel button meanwhile.
    bars = [bar.proto.text for bar in at.get("progress")]
    assert "Catalan (ca): 53 segments estimated" in bars and "Spanish (es): 49 segments estimated" in bars
    assert "Estimated ca (53), es (49)" in at.success[-1].value
    at.button(key="sc_cancel").click().run()  # what a click during a run leaves on screen
    assert not at.exception, at.exception
    assert "Estimate stopped" in at.info[0].value


def test_review_page_sorts_worst_first(app_root):
    proj = app_root
    path = es_path(proj)
    known = {"p9.s1": 0.62, "p11.s1": 0.11, "p4.s1": 0.01, "p2.s1": 0.35, "p10.s2": 0.48}
    with catalog.edit(path) as po:
        for entry in po:
            catalog.set_meta(entry, "qe", None)
            if entry.msgctxt in known:
                catalog.set_meta(entry, "qe", f"{known[entry.msgctxt]:.2f}")
    # p4.s1 is approved: not in the review queue, whatever its (stale) estimate.
    rows = review.load_rows(workspace.load_document(proj.corpus / f"{DOC_NAME}.txt"),
                            proj.locales, "es")
    to_review = [r.id for r in rows if r.state in ("machine", "edited")]
    done = [r.id for r in rows if r.state not in ("machine", "edited")]
    worst = ["p11.s1", "p2.s1", "p10.s2", "p9.s1"]
    expected = worst + [i for i in to_review if i not in worst] + done
    assert expected[: len(to_review)] == [
        e.msgctxt for e in estimate.review_order(catalog.load(path))]

    at = start("Ana", lang="es", seg="p11.s1")
    table = at.dataframe[0].value
    assert table["id"].tolist() == [r.id for r in rows]  # document order by default
    set_filters(at, order="worst-first")
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert table["id"].tolist() == expected
    # Each segment's score is in the list: the estimate, and HTER for the scored ones.
    qe = dict(zip(table["id"], table["QE"]))
    assert [qe[i] for i in worst] == [0.11, 0.35, 0.48, 0.62]
    hter = dict(zip(table["id"], table["HTER"]))
    assert hter["p6.s1"] == float(catalog.get_meta(review.find_entry(catalog.load(path), "p6.s1"),
                                                   "hter"))
    # Next follows the list: from the worst to the second worst.
    act(at, "move", to=data(at)["next"])
    assert at.session_state["seg"] == "p2.s1"

    # The score filter: a range of the estimate shows the segments in it; a score the bar
    # does not offer is ignored; a range kept from other rows that none of these are in
    # shows them all rather than none.
    set_filters(at, score="qe", range=[0.3, 0.5])
    assert sorted(at.dataframe[0].value["id"].tolist()) == ["p10.s2", "p2.s1"]
    set_filters(at, score="no such score")
    assert at.session_state["f_score"] == "qe"
    at.session_state["f_range_qe"] = (0.9, 0.95)
    at.run()
    assert len(at.dataframe[0].value) == len(known)
    set_filters(at, score="—")
    assert len(at.dataframe[0].value) == len(rows)
