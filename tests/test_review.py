"""Review logic (locwork.review and friends): reading, saving, conflicts, history,
segmentation overrides, uploads, preview.

Real engines only: Apertium (the Debian packages) and argos, on a tiny real
``.argosmodel`` fr→es package built by scripts/build_test_argosmodel.py into an
isolated argos home (argos_fixtures.py): its weights are random, so its
Spanish is gibberish, but it is decoded for real and gives real n-best lists
with real scores, which Apertium (one hypothesis) cannot. The article is
translated once per module (``pipeline.translate_document``, through the
router's pick) and each test works on a copy of that project.
"""

from __future__ import annotations

import multiprocessing
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from argos_fixtures import argos_build, argos_home  # noqa: F401  (argos_home is used by name)
from conftest import msgfmt_check  # noqa: E402
from locwork import (catalog, history, html_import, pipeline, preview, review, routing,
                     segment_overrides, workspace)
from locwork.catalog import State
from locwork.engines.registry import Engines
from locwork.errors import LocworkError

ROOT = Path(__file__).resolve().parents[1]
DOC_NAME = "sommet-trump-poutine-annule"
HAS_MSGFMT = shutil.which("msgfmt") is not None

# The routes to Spanish the engines below offer (apertium fr-es, fr-ca and ca-es are
# installed; argos has the test package).
DIRECT_ROUTE = "apertium:fr-es"
PIVOT_ROUTE = "apertium:fr-ca,apertium:ca-es"
ARGOS_ROUTE = "argos:fr-es"
# The random model of this seed ends its sentences early: short outputs, ~0.1 s a document.
ARGOS_SEED = "1"
ARGOS_MODEL = "argos translate-fr_es 1.0"


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="session")
def argos_fr_es(tmp_path_factory) -> Path:
    """A real fr→es .argosmodel (random weights), built once (once more in test_app, which
    imports this fixture: about 0.7 s each)."""
    return argos_build(tmp_path_factory.mktemp("argos_fr_es"), "fr", "es", "--seed", ARGOS_SEED)


@pytest.fixture(scope="module")
def engines(argos_home, argos_fr_es):
    """Apertium and argos, as ``locwork.engines.registry.Engines`` makes them.

    argos finds its packages through $ARGOS_PACKAGES_DIR, set by argos_home to a
    temporary folder before the engine is created: nothing is written to the
    user's argos folder. One intra-op thread: the model is tiny, the machine shared.
    """
    engines = Engines(["apertium", "argos"])
    argos = engines.get("argos")
    assert argos.install_dir == argos_home
    argos.threads = 1
    argos.install_from_path(argos_fr_es)
    yield engines
    engines.close()


def make_project(tmp_path: Path) -> workspace.Project:
    (tmp_path / "corpus").mkdir()
    shutil.copy(ROOT / "corpus" / f"{DOC_NAME}.txt", tmp_path / "corpus")
    return workspace.Project(tmp_path)


def translate(proj: workspace.Project, engines, lang: str = "es", route_spec: str | None = None,
              n_best: int = 2):
    """Machine-translate the article through the router's pick (or the pinned route)."""
    doc = workspace.load_document(proj.corpus / f"{DOC_NAME}.txt")
    route = pipeline.choose_route(engines, "fr", lang, route_spec=route_spec)
    pipeline.translate_document(doc, lang, route, engines, proj.locales, n_best=n_best, root=proj.root)
    return doc, review.catalog_for(proj.locales, lang, doc.name)


@pytest.fixture(scope="module")
def apertium_es(tmp_path_factory, engines) -> Path:
    """A project with the article translated into es once, through the router's pick
    (Apertium; n-best is asked for, Apertium gives one hypothesis). Copy it to use it."""
    root = tmp_path_factory.mktemp("apertium_es")
    translate(make_project(root), engines)
    return root


@pytest.fixture(scope="module")
def argos_es(tmp_path_factory, engines) -> Path:
    """A project with the article translated into es once through argos, 3-best."""
    root = tmp_path_factory.mktemp("argos_es")
    translate(make_project(root), engines, route_spec=ARGOS_ROUTE, n_best=3)
    return root


def copy_project(template: Path, dest: Path):
    """A copy of a translated project: (project, document, es catalog)."""
    shutil.copytree(template, dest, dirs_exist_ok=True)
    proj = workspace.Project(dest)
    doc = workspace.load_document(proj.corpus / f"{DOC_NAME}.txt")
    return proj, doc, review.catalog_for(proj.locales, "es", doc.name)


def debian_version(package: str) -> str | None:
    """The installed version of a Debian package, as dpkg knows it."""
    if shutil.which("dpkg-query") is None:
        return None
    result = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True,
                            text=True)
    return result.stdout.strip() or None


def assert_apertium_version(version: str, package: str, mode: str) -> None:
    """``apertium-fr-es 0.9.4-1 (fr-es)``: the Debian package, its version, the mode."""
    installed = debian_version(package)
    if installed:
        assert version == f"{package} {installed} ({mode})"
    else:
        assert re.fullmatch(rf"{re.escape(package)} \S+ \({re.escape(mode)}\)", version), version


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path)


@pytest.fixture
def translated(apertium_es, tmp_path):
    return copy_project(apertium_es, tmp_path)


def entry(path: Path, seg: str) -> polib.POEntry:
    found = review.find_entry(catalog.load(path), seg)
    assert found is not None
    return found




# ------------------------------------------------------------------- reading


def test_rows_follow_the_document_with_provenance(translated, engines):
    proj, doc, path = translated
    rows = review.load_rows(doc, proj.locales, "es")
    assert [r.id for r in rows] == [s.id for s in doc.translatable]
    route = pipeline.choose_route(engines, "fr", "es")  # the router's pick (quality.json)
    assert route.spec() in (PIVOT_ROUTE, DIRECT_ROUTE)
    models = pipeline.model_versions(engines, route)
    for row in rows:
        assert row.state == "machine"
        assert row.target == row.mt and row.target.strip()
        if row.kind == "sentence":  # headings such as "Budapest" or "OTAN" may stay as they are
            assert row.target != row.source
        assert row.alternatives == []  # Apertium gives one hypothesis, even when asked for 2
        assert row.route == route.spec() and row.engine == "+".join(route.engines)
        assert row.model == models and row.expected_chrf == round(route.expected_chrf, 1)
    # One "package version (mode)" per hop, e.g. "apertium-fra-cat 1.10.0-1 (fra-cat)".
    assert len(models.split(" | ")) == len(route.hops)
    assert all(re.fullmatch(r"apertium-\S+ \S+ \(\S+\)", m) for m in models.split(" | ")), models
    title = next(r for r in rows if r.id == "p3.s1")  # "Deuxième sommet Trump-Poutine annulé"
    assert "cumbre" in title.target.lower() and "sommet" not in title.target.lower()
    assert review.languages(proj.locales, doc.name) == ["es"]


def test_argos_n_best_alternatives_come_with_scores(argos_es, engines):
    doc = workspace.load_document(argos_es / "corpus" / f"{DOC_NAME}.txt")
    locales = workspace.Project(argos_es).locales
    po = catalog.load(review.catalog_for(locales, "es", doc.name))
    rows = review.load_rows(doc, locales, "es")
    assert engines.get("argos").model_version("fr", "es") == ARGOS_MODEL
    assert len(rows) == len(doc.translatable)
    for row in rows:
        assert row.state == "machine" and row.target == row.mt and row.target.strip()
        assert row.route == ARGOS_ROUTE and row.engine == "argos" and row.model == ARGOS_MODEL
        # 3-best: the best one is the translation, the two others are the alternatives.
        assert len(row.alternatives) == 2
        texts = [row.target] + [a["text"] for a in row.alternatives]
        assert len(set(texts)) == 3 and all(t.strip() for t in texts)
        best = float(catalog.get_meta(review.find_entry(po, row.id), "mt-score"))
        scores = [best] + [a["score"] for a in row.alternatives]
        assert all(isinstance(x, float) and x <= 0 for x in scores)  # log-probabilities
        assert scores == sorted(scores, reverse=True)


def test_rows_without_a_catalog_are_untranslated(project):
    doc = workspace.load_document(project.corpus / f"{DOC_NAME}.txt")
    rows = review.load_rows(doc, project.locales, "es")
    assert {r.state for r in rows} == {"untranslated"}
    assert all(r.warnings for r in rows)


def test_filters_progress_and_next(translated):
    proj, doc, path = translated
    rows = review.load_rows(doc, proj.locales, "es")
    review.save(path, rows[1].id, "Segunda cumbre anulada", rows[1].target, "Ana", approve=True)
    rows = review.load_rows(doc, proj.locales, "es")
    assert [r.id for r in review.filter_rows(rows, states=["approved"])] == [rows[1].id]
    assert review.filter_rows(rows, query="SEGUNDA CUMBRE")[0].id == rows[1].id
    assert review.filter_rows(rows, query="budapest")  # source side
    flagged = review.filter_rows(rows, with_warnings=True)
    assert rows[1] in flagged  # "Trump-Poutine" is gone from the target
    assert all("name" in {w.code for w in r.warnings} for r in review.filter_rows(rows, warning_codes=["name"]))
    prog = review.progress(rows)
    assert prog.approved == 1 and prog.total == len(rows) and prog.counts["machine"] == len(rows) - 1
    assert review.next_segment(rows, rows[0].id) == rows[2].id  # skips the approved one
    assert review.next_segment(rows, rows[-1].id) == rows[0].id  # wraps


def test_score_filter_uses_qe_meta(translated):
    proj, doc, path = translated
    with catalog.edit(path) as po:
        for i, e in enumerate(e for e in po if not e.obsolete):
            catalog.set_meta(e, "qe", f"{i / 100:.2f}")
    rows = review.load_rows(doc, proj.locales, "es")
    picked = review.filter_rows(rows, score_key="qe", score_range=(0.0, 0.02))
    assert [r.qe for r in picked] == [0.0, 0.01, 0.02]
    assert review.filter_rows(rows, score_key="hter", score_range=(0, 1)) == []


def test_diff_html_escapes_everything():
    html = review.diff_html("a <b> c", "a <i> c & d")
    assert "<b>" not in html and "<i>" not in html
    assert html == "a &lt;<del>b</del><ins>i</ins>&gt; c<ins> &amp; d</ins>"


# ------------------------------------------------------------------- saving


def test_save_keeps_fuzzy_and_records_the_reviewer(translated):
    proj, doc, path = translated
    seg = doc.translatable[0]
    base = entry(path, seg.id).msgstr
    result = review.save(path, seg.id, "Texto revisado.", base, "Ana García")
    assert isinstance(result, review.Saved) and result.state == "edited"
    saved = entry(path, seg.id)
    assert saved.msgstr == "Texto revisado." and "fuzzy" in saved.flags
    assert catalog.entry_state(saved) is State.EDITED
    assert catalog.get_meta(saved, "reviewer") == "Ana García"
    assert catalog.get_meta(saved, "reviewed-at") == result.time
    assert catalog.get_meta(saved, "mt") == base  # the raw MT stays for the diff
    po = catalog.load(path)
    assert po.metadata["Last-Translator"] == "Ana García"
    assert po.metadata["PO-Revision-Date"][:10] == result.time[:10]
    [record] = history.read(path)
    assert record["reviewer"] == "Ana García" and record["segment"] == seg.id
    assert record["action"] == "save" and record["old"] == base and record["new"] == "Texto revisado."
    msgfmt_check(path)


def test_approve_clears_fuzzy(translated):
    proj, doc, path = translated
    seg = doc.translatable[2]
    base = entry(path, seg.id).msgstr
    result = review.save(path, seg.id, "Aprobado.", base, "Ana", approve=True)
    assert result.state == "approved"
    approved = entry(path, seg.id)
    assert "fuzzy" not in approved.flags and approved.msgstr == "Aprobado."
    assert catalog.stats(catalog.load(path)).approved == 1
    assert history.read(path, seg.id)[-1]["action"] == "approve"
    msgfmt_check(path)
    out = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(path)],
                         capture_output=True, text=True)
    assert out.stderr.startswith("1 translated message")


def test_conflict_writes_nothing_and_keep_mine_resolves_it(translated):
    proj, doc, path = translated
    seg = doc.translatable[1].id
    base = entry(path, seg).msgstr
    assert isinstance(review.save(path, seg, "Versión de Bea.", base, "Bea"), review.Saved)
    before = path.read_bytes()
    conflict = review.save(path, seg, "Versión de Ana.", base, "Ana", approve=True)
    assert isinstance(conflict, review.Conflict)
    assert conflict.theirs == "Versión de Bea." and conflict.their_reviewer == "Bea"
    assert conflict.mine == "Versión de Ana." and conflict.their_time
    assert path.read_bytes() == before
    assert len(history.read(path)) == 1
    # Keep mine: save again from their text.
    kept = review.save(path, seg, conflict.mine, conflict.theirs, "Ana", approve=True)
    assert isinstance(kept, review.Saved) and kept.old == "Versión de Bea."
    assert entry(path, seg).msgstr == "Versión de Ana."
    msgfmt_check(path)


def test_saving_what_is_already_there_is_no_conflict(translated):
    proj, doc, path = translated
    seg = doc.translatable[1].id
    base = entry(path, seg).msgstr
    review.save(path, seg, "Igual.", base, "Bea")
    assert isinstance(review.save(path, seg, "Igual.", base, "Ana", approve=True), review.Saved)
    assert catalog.entry_state(entry(path, seg)) is State.APPROVED


def test_different_segments_never_conflict(translated):
    proj, doc, path = translated
    a, b = doc.translatable[3].id, doc.translatable[4].id
    base_a, base_b = entry(path, a).msgstr, entry(path, b).msgstr
    assert isinstance(review.save(path, a, "Uno.", base_a, "Ana"), review.Saved)
    assert isinstance(review.save(path, b, "Dos.", base_b, "Bea"), review.Saved)
    assert entry(path, a).msgstr == "Uno." and entry(path, b).msgstr == "Dos."


def test_empty_text_and_bad_input(translated):
    proj, doc, path = translated
    seg = doc.translatable[0].id
    base = entry(path, seg).msgstr
    with pytest.raises(LocworkError, match="empty translation cannot be approved"):
        review.save(path, seg, "  ", base, "Ana", approve=True)
    with pytest.raises(LocworkError, match="enter your name"):
        review.save(path, seg, "x", base, "   ")
    with pytest.raises(LocworkError, match="not in"):
        review.save(path, "p999.s1", "x", "", "Ana")
    result = review.save(path, seg, "", base, "Ana")
    assert result.state == "untranslated" and catalog.entry_state(entry(path, seg)) is State.UNTRANSLATED
    msgfmt_check(path)


def test_a_changed_source_refuses_the_save(translated):
    proj, doc, path = translated
    seg = doc.translatable[0]
    base = entry(path, seg.id).msgstr
    before = path.read_bytes()
    with pytest.raises(LocworkError, match="translate the document again"):
        review.save(path, seg.id, "x", base, "Ana", source=seg.text + " (changed)")
    assert path.read_bytes() == before
    assert isinstance(review.save(path, seg.id, "x", base, "Ana", source=seg.text), review.Saved)


def test_newlines_are_normalised_for_msgfmt(translated):
    proj, doc, path = translated
    seg = doc.translatable[0].id
    base = entry(path, seg).msgstr
    review.save(path, seg, "\nUna línea\r\notra.\n", base, "Ana", approve=True)
    assert entry(path, seg).msgstr == "Una línea\notra."
    msgfmt_check(path)


def _worker(path: str, segments: list[str], bases: list[str], name: str, barrier) -> list[str]:
    barrier.wait()
    out = []
    for seg, base in zip(segments, bases):
        result = review.save(path, seg, f"{name}: {seg}", base, name, approve=seg.endswith("1"))
        out.append(type(result).__name__)
    return out


def _run_pair(jobs):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Manager().Barrier(len(jobs))
    with ctx.Pool(len(jobs)) as pool:
        pending = [pool.apply_async(_worker, (*job, barrier)) for job in jobs]
        return [p.get(timeout=120) for p in pending]


def test_two_processes_on_different_segments_both_survive(translated):
    proj, doc, path = translated
    ids = [s.id for s in doc.translatable]
    bases = {i: entry(path, i).msgstr for i in ids}
    first, second = ids[0::2], ids[1::2]
    results = _run_pair([
        (str(path), first, [bases[i] for i in first], "Ana"),
        (str(path), second, [bases[i] for i in second], "Bea"),
    ])
    assert results == [["Saved"] * len(first), ["Saved"] * len(second)]
    po = catalog.load(path)
    for seg in ids:
        name = "Ana" if seg in first else "Bea"
        assert review.find_entry(po, seg).msgstr == f"{name}: {seg}"
    records = history.read(path)
    assert len(records) == len(ids)
    assert {r["segment"] for r in records} == set(ids)
    msgfmt_check(path)


def test_two_processes_on_the_same_segment_one_conflicts(translated):
    proj, doc, path = translated
    seg = doc.translatable[0].id
    base = entry(path, seg).msgstr
    results = _run_pair([(str(path), [seg], [base], "Ana"), (str(path), [seg], [base], "Bea")])
    assert sorted(r[0] for r in results) == ["Conflict", "Saved"]
    winner = "Ana" if results[0] == ["Saved"] else "Bea"
    assert entry(path, seg).msgstr == f"{winner}: {seg}"
    assert len(history.read(path)) == 1


def test_history_skips_broken_lines(tmp_path):
    po = tmp_path / "x.po"
    history.append(po, {"segment": "p1.s1", "action": "save"})
    with history.history_path(po).open("a") as handle:
        handle.write('{"broken\n')
    history.append(po, {"segment": "p2.s1", "action": "approve"})
    assert history.history_path(po).name == "x.history.jsonl"
    assert [r["segment"] for r in history.read(po)] == ["p1.s1", "p2.s1"]
    assert history.read(po, "p2.s1")[0]["action"] == "approve"


# ------------------------------------------------------- engines and routes


def test_other_routes_translate_one_segment(engines):
    alternatives = review.other_routes(engines, "es", "Bonjour.", exclude=DIRECT_ROUTE)
    ranked = [r for r in routing.rank_routes(engines.graph(), "fr", "es") if r.spec() != DIRECT_ROUTE]
    assert [a.spec for a in alternatives] == [r.spec() for r in ranked][:3]
    assert {PIVOT_ROUTE, ARGOS_ROUTE} <= {a.spec for a in alternatives}  # + fr→ca→pt→es (por-cat)
    assert [a.expected_chrf for a in alternatives] == sorted((a.expected_chrf for a in alternatives),
                                                             reverse=True)
    for alternative in alternatives:
        assert not alternative.error
        assert alternative.text.strip() and alternative.text != "Bonjour."
        route = pipeline.choose_route(engines, "fr", "es", route_spec=alternative.spec)
        assert alternative.route == str(route)
        assert alternative.text == pipeline.translate_texts(engines, route, ["Bonjour."])[0]
    reachable = review.reachable_languages(engines.graph())
    assert {"ca", "en", "es", "pt"} <= set(reachable) and "fr" not in reachable
    assert reachable == sorted(reachable)


def test_installed_models_lists_pairs_and_versions(engines):
    rows, problems = review.installed_models(engines)
    versions = {(r.engine, r.src, r.tgt): r.version for r in rows}
    assert {r.engine for r in rows} == {"apertium", "argos"}
    assert_apertium_version(versions[("apertium", "fr", "es")], "apertium-fr-es", "fr-es")
    assert ("apertium", "fr", "ca") in versions and ("apertium", "ca", "es") in versions
    assert versions[("argos", "fr", "es")] == ARGOS_MODEL
    assert problems == {}


def test_install_argos_upload(engines, argos_fr_es):
    argos = engines.get("argos")
    with pytest.raises(LocworkError, match="argosmodel"):
        review.install_argos_upload("x.zip", b"PK", engine=argos)
    info = review.install_argos_upload(argos_fr_es.name, argos_fr_es.read_bytes(), engine=argos)
    assert (info.src, info.tgt, info.version) == ("fr", "es", "1.0")
    assert argos.pairs() == [("fr", "es")]


# ------------------------------------------------------ segmentation overrides


def test_merge_and_split_are_saved_beside_the_document(project):
    path = project.corpus / f"{DOC_NAME}.txt"
    doc = workspace.load_document(path)
    para = next(s for s in doc.segments if s.id == "p10.s1")
    second = next(s for s in doc.segments if s.id == "p10.s2")
    segment_overrides.merge(doc, "p10.s1")
    assert segment_overrides.overrides_path(path).name == f".{DOC_NAME}.txt.segments.json"
    merged = workspace.load_document(path)
    p10 = [s for s in merged.segments if s.paragraph == para.paragraph]
    assert [s.id for s in p10] == ["p10.s1"]
    assert p10[0].text == f"{para.text} {second.text}"
    assert len(merged.segments) == len(doc.segments) - 1
    # Split it back at the same place.
    offset = len(para.text) + 1
    assert offset in segment_overrides.split_points(p10[0].text)
    segment_overrides.split(merged, "p10.s1", offset)
    again = workspace.load_document(path)
    assert [s.text for s in again.segments] == [s.text for s in doc.segments]
    segment_overrides.reset(again)
    assert not segment_overrides.overrides_path(path).exists()


def test_overrides_refuse_structure_changes(project):
    doc = workspace.load_document(project.corpus / f"{DOC_NAME}.txt")
    with pytest.raises(LocworkError, match="only sentences"):
        segment_overrides.merge(doc, "p3.s1")  # a heading
    with pytest.raises(LocworkError, match="last sentence"):
        segment_overrides.merge(doc, "p2.s1")
    with pytest.raises(LocworkError, match="both parts"):
        segment_overrides.split(doc, "p2.s1", 0)


def test_a_stale_override_is_ignored(project):
    path = project.corpus / f"{DOC_NAME}.txt"
    doc = workspace.load_document(path)
    segment_overrides.merge(doc, "p10.s1")
    path.write_text(path.read_text("utf-8").replace("Je pense que", "Je crois que"), "utf-8")
    fresh = workspace.load_document(path)
    assert [s.id for s in fresh.segments if s.paragraph == 9] == ["p10.s1", "p10.s2"]
    assert len(segment_overrides.stale(fresh)) == 1


def test_catalogs_follow_a_merge(translated, engines):
    proj, doc, path = translated
    base = entry(path, "p10.s1").msgstr
    review.save(path, "p10.s1", "Mi traducción revisada.", base, "Ana", approve=True)
    segment_overrides.merge(doc, "p10.s1")
    merged = workspace.load_document(doc.path)
    notes = review.follow_segmentation(merged, proj.locales, engines, proj.root)
    # Through the route the catalog was made with.
    route = pipeline.choose_route(engines, "fr", "es", route_spec=review.catalog_route(path))
    assert notes == [f"es: 1 segment(s) translated through {route}"]
    po = catalog.load(path)
    e = review.find_entry(po, "p10.s1")
    assert e.msgid == merged.segments[[s.id for s in merged.segments].index("p10.s1")].text
    # The human translation is kept, back to fuzzy, with the old source as previous msgid.
    assert e.msgstr == "Mi traducción revisada." and catalog.entry_state(e) is State.EDITED
    assert e.previous_msgid
    # ... and the merged sentence got a fresh machine translation beside it, for the diff.
    mt = catalog.get_meta(e, "mt")
    assert mt and mt not in (base, e.msgstr) and len(mt) > len(base)
    assert catalog.get_meta(e, "route") == route.spec()
    assert review.find_entry(po, "p10.s2") is None
    assert [r.id for r in review.load_rows(merged, proj.locales, "es")] == \
        [s.id for s in merged.translatable]
    msgfmt_check(path)


def test_catalogs_follow_a_split_without_engines(translated):
    proj, doc, path = translated
    seg = next(s for s in doc.segments if s.id == "p2.s1")
    offset = segment_overrides.split_points(seg.text)[5]
    segment_overrides.split(doc, "p2.s1", offset)
    fresh = workspace.load_document(doc.path)
    notes = review.follow_segmentation(fresh, proj.locales, None, proj.root)
    assert notes == ["es: 2 segment(s) to translate"]
    rows = {r.id: r for r in review.load_rows(fresh, proj.locales, "es")}
    assert rows["p2.s1"].state == rows["p2.s2"].state == "untranslated"
    msgfmt_check(path)


# ------------------------------------------------------------------ uploads


@pytest.mark.parametrize("name", ["../../x.txt", "/etc/x.txt", "a/b.txt", "..\\x.txt", ".hidden.txt",
                                  "x.exe", "noext", ""])
def test_malicious_names_are_refused(project, name, tmp_path):
    with pytest.raises(LocworkError) as error:
        workspace.save_upload(project, name, "Bonjour le monde.\n".encode())
    assert "\n" not in str(error.value)
    assert project.documents() == [project.corpus / f"{DOC_NAME}.txt"]
    assert not (tmp_path.parent / "x.txt").exists()


def test_large_binary_and_empty_uploads_are_refused(project):
    with pytest.raises(LocworkError, match="too large"):
        workspace.save_upload(project, "big.txt", b"a" * (5 * 1024 * 1024 + 1))
    with pytest.raises(LocworkError, match="binary"):
        workspace.save_upload(project, "bin.txt", b"\x00\x01\x02PNG" * 100)
    with pytest.raises(LocworkError, match="empty"):
        workspace.save_upload(project, "empty.md", b"   \n")
    assert len(project.documents()) == 1


def test_html_upload_is_sanitised_and_parsed(project):
    page = ("<html><head><title>T</title><script>alert(1)</script><style>p{}</style></head>"
            "<body onload='evil()'><h1>Sommet annulé</h1><p>Le président <b>Trump</b> a parlé. "
            "Il a dit « non ».<script>steal()</script></p><img src=x.jpg alt='Trump et Poutine'>"
            "<ul><li>Un point.</li></ul><a href='javascript:alert(1)'>lien</a></body></html>")
    stored = workspace.save_upload(project, "page.html", page.encode())
    assert stored.path == project.corpus / "page.html"
    assert any("2 script" in m for m in stored.messages)
    text = stored.path.read_text("utf-8")
    assert "<script" not in text and "onload" not in text and "javascript:" not in text
    doc = stored.document
    assert [(s.kind, s.text) for s in doc.segments] == [
        ("heading", "Sommet annulé"),
        ("sentence", "Le président <b>Trump</b> a parlé."),  # inline markup kept as tags
        ("sentence", "Il a dit « non »."),
        ("media", "Image : Trump et Poutine"),
        ("sentence", "Un point."),
        ("sentence", "lien"),
    ]
    assert project.corpus / "page.html" in project.documents()


def test_same_upload_is_reused_and_a_different_one_renamed(project):
    first = workspace.save_upload(project, "note.md", "# Titre\n\nUne phrase.\n".encode())
    again = workspace.save_upload(project, "note.md", "# Titre\n\nUne phrase.\n".encode())
    assert again.reused and again.path == first.path
    other = workspace.save_upload(project, "note.md", "# Autre\n\nUne autre phrase.\n".encode())
    assert other.path.name == "note-2.md" and any("note-2.md" in m for m in other.messages)


def test_legacy_encoding_is_stored_as_utf8(project):
    stored = workspace.save_upload(project, "vieux.txt", "Élysée : « déjà vu ».\n".encode("cp1252"))
    assert stored.path.read_text("utf-8") == "Élysée : « déjà vu ».\n"
    assert any("cp1252" in m for m in stored.messages)


def test_html_without_text_is_refused():
    with pytest.raises(LocworkError, match="no text"):
        html_import.parse_html("<html><body><script>x()</script><img src=a></body></html>", "x")


# ------------------------------------------------------------------ preview


def test_preview_escapes_and_highlights(translated):
    proj, doc, path = translated
    rows = review.load_rows(doc, proj.locales, "es")
    translations = {r.id: (r.target, r.state) for r in rows}
    translations["p3.s1"] = ("<script>alert(1)</script>", "edited")
    html = preview.render(doc, translations, highlight="p4.s1", lang="es")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert html.count('id="current"') == 1 and 'data-seg="p4.s1" id="current"' in html
    assert "<h1>" in html and "lw-media" in html and 'lang="es"' in html
    text = preview.plain_text(doc, {})
    assert text.startswith("Logo\n\nLe ministre russe")
