"""The Streamlit pages, driven by streamlit.testing.v1.AppTest in a temporary project.

``LOCWORK_ROOT`` points the app at a temp copy of the corpus, so nothing is
written to the repository's own ``locales/``. The engines are real: the
app's ``Engines()`` (``ui.common._engines``) is made to hand out this
module's ``Engines(["apertium", "argos"])`` (test_review.engines: Apertium
and the tiny real argos fr→es test package, in an isolated argos home), so
the pages and the tests share one set of started engines. Translated
projects are made once per module and copied per test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from argos_fixtures import argos_home  # noqa: E402,F401  (fixtures are used by name)
from locwork import catalog, history, pipeline, review, routing, segment_overrides, workspace  # noqa: E402
from locwork.catalog import State  # noqa: E402
from workbench_driver import act, data, editor, flash, set_filters, tool  # noqa: E402
from test_review import (  # noqa: E402,F401  (fixtures are used by name)
    ARGOS_MODEL,
    ARGOS_ROUTE,
    DOC_NAME,
    apertium_es,
    argos_es,
    argos_fr_es,
    assert_apertium_version,
    copy_project,
    engines,
    make_project,
)

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app_root(tmp_path, monkeypatch, engines):
    """The app's project root, with the app using the module's real engines."""
    monkeypatch.setenv("LOCWORK_ROOT", str(tmp_path))
    monkeypatch.setattr("locwork.engines.registry.Engines", lambda *a, **k: engines)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield tmp_path
    st.cache_resource.clear()


@pytest.fixture
def project(app_root):
    """The article alone, not translated yet."""
    return make_project(app_root)


@pytest.fixture
def translated(app_root, apertium_es):
    """(project, document, es catalog): translated through the router's pick (Apertium)."""
    return copy_project(apertium_es, app_root)


@pytest.fixture
def translated_nbest(app_root, argos_es):
    """(project, document, es catalog): translated through argos, 3-best."""
    return copy_project(argos_es, app_root)


def start(reviewer: str | None = None, page: str | None = "ui/review.py", tab: str | None = None,
          **params) -> AppTest:
    """The app on ``page`` (None: the default page, the Article); ``tab``: the Review page's
    detail tab to open (only the open one is drawn)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["segment_list"] = True  # the segment table, open
    at.session_state["find_replace"] = True  # and the Find & replace panel (drawn when open)
    if tab:
        at.session_state["detail_tab"] = tab
    for key, value in params.items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    if reviewer:
        at.sidebar.text_input[0].input(reviewer).run()
        assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.info] + [e.value for e in at.error]
    parts += [e.value for e in at.success] + [e.value for e in at.warning] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def html_texts(at: AppTest) -> str:
    """Every HTML element's text, and the editor's (its head, progress, notices)."""
    parts = [h.proto.body for h in at.get("html")]
    if at.get("bidi_component"):
        shown = data(at)
        parts += [shown[k] for k in ("progress_html", "head_html", "notice_html", "source_html")]
    return "\n".join(parts)


def state_of(path: Path, seg: str) -> str:
    return catalog.entry_state(review.find_entry(catalog.load(path), seg)).value


def test_review_without_catalog_says_translate_first(project):
    at = start()
    assert "No translation of this document yet" in texts(at)


def test_review_shows_the_first_segment_and_needs_a_name(translated):
    proj, doc, path = translated
    at = start()
    first = doc.translatable[0]
    assert at.session_state["seg"] == first.id
    mt = review.find_entry(catalog.load(path), first.id).msgstr
    assert mt.strip() and mt != first.text  # Apertium's Spanish
    assert editor(at).value == mt
    assert not data(at)["can_save"]  # (the editor disables Save, Approve and Approve & next)
    assert "0 / 54 approved" in html_texts(at)  # the progress (HTML: no Markdown to render)
    assert "machine" in html_texts(at)


def test_save_then_approve_and_next(translated):
    proj, doc, path = translated
    at = start("Ana")
    first, second = doc.translatable[0].id, doc.translatable[1]
    editor(at).input("Mi versión.")
    act(at, "save")
    assert state_of(path, first) == "edited"
    assert flash(at).startswith("Saved " + first)
    assert editor(at).value == "Mi versión."
    act(at, "approve_next")
    assert state_of(path, first) == "approved"
    assert at.session_state["seg"] == second.id
    mt = review.find_entry(catalog.load(path), second.id).msgstr
    assert mt.strip() and mt != second.text
    assert editor(at).value == mt
    records = history.read(path)
    assert [(r["action"], r["reviewer"]) for r in records] == [("save", "Ana"), ("approve", "Ana")]
    assert catalog.load(path).metadata["Last-Translator"] == "Ana"


def test_an_action_lands_on_the_segment_it_names_or_nowhere(translated):
    """The editor's actions name the segment their text was typed for. One that arrives after
    the editor moved on (the browser sent it before the next segment was drawn) still lands
    on its own segment; one naming a segment this session never drew is refused."""
    proj, doc, path = translated
    first, second = doc.translatable[0].id, doc.translatable[1].id
    at = start("Ana")
    sent_from_first = data(at)["ident"]
    act(at, "move", to=second)
    assert at.session_state["seg"] == second and data(at)["seg"] == second
    before_second = review.find_entry(catalog.load(path), second).msgstr
    editor(at).input("Texto de la primera.")
    act(at, "save", ident=sent_from_first)  # (sent with the first segment's text)
    assert review.find_entry(catalog.load(path), first).msgstr == "Texto de la primera."
    assert review.find_entry(catalog.load(path), second).msgstr == before_second
    assert data(at)["seg"] == second  # the editor stays where it is
    # A segment id this session never drew (a forged or stale page): nothing is written.
    saved = path.read_bytes()
    forged = sent_from_first.replace(first, doc.translatable[5].id)
    editor(at).input("Texto forjado.")
    act(at, "approve", ident=forged)
    assert path.read_bytes() == saved
    assert "nothing was saved" in flash(at)
    # A move to a segment the editor did not offer is ignored.
    act(at, "move", to="p999.s9")
    assert at.session_state["seg"] == second


def test_a_typed_text_becomes_its_segments_draft_and_the_editor_says_so(translated):
    proj, doc, path = translated
    first, second = doc.translatable[0].id, doc.translatable[1].id
    at = start("Ana")
    editor(at).input("Borrador de la primera.")
    act(at, "move", to=second)  # (the text travels with the move)
    shown = data(at)
    assert shown["seg"] == second and not shown["draft"]
    assert [label for _, label in shown["drafts"]] == [f"{first} · es · {DOC_NAME}"]
    assert review.find_entry(catalog.load(path), first).msgstr != "Borrador de la primera."
    act(at, "open_draft", target=shown["drafts"][0][0])
    shown = data(at)
    assert shown["seg"] == first and shown["draft"] and shown["text"] == "Borrador de la primera."
    act(at, "discard")
    assert data(at)["text"] == review.find_entry(catalog.load(path), first).msgstr
    assert data(at)["drafts"] == [] and data(at)["rev"] > shown["rev"]


def test_segment_table_loads_only_once_its_list_is_opened(translated):
    """The data-frame widget is the page's heaviest: a new session does not send it until the
    reviewer opens the segment list, which then stays open through approve & next."""
    proj, doc, path = translated
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["reviewer"] = "Ana"
    at.switch_page("ui/review.py").run()
    assert not at.exception, at.exception
    assert len(at.dataframe) == 0
    assert data(at, "locwork_tools")["list_open"] is False
    tool(at, "list", open=True)  # what a click on the tool bar's "Segment list" sends
    assert at.dataframe[0].value["id"].tolist()[:2] == [s.id for s in doc.translatable[:2]]
    act(at, "approve_next")
    assert state_of(path, doc.translatable[0].id) == "approved"
    assert at.dataframe[0].value["state"].tolist()[0] == "approved"


def conflicted(translated, action: str) -> tuple[AppTest, Path, str]:
    """Ana opens the first segment, Bea saves it meanwhile, then Ana's ``action`` (save or
    approve) with her own text meets Bea's: (app, catalog, segment)."""
    proj, doc, path = translated
    seg = doc.translatable[0].id
    at = start("Ana")
    base = editor(at).value
    assert isinstance(review.save(path, seg, "La de Bea.", base, "Bea"), review.Saved)
    editor(at).input("La de Ana.")
    act(at, action)
    return at, path, seg


def test_a_concurrent_edit_shows_a_conflict(translated):
    at, path, seg = conflicted(translated, "approve")
    assert "Conflict" in html_texts(at) and "Bea" in html_texts(at)
    assert "keep_mine" in html_texts(at) and "take_theirs" in html_texts(at)  # its two buttons
    assert review.find_entry(catalog.load(path), seg).msgstr == "La de Bea."
    act(at, "keep_mine")
    assert review.find_entry(catalog.load(path), seg).msgstr == "La de Ana."
    assert state_of(path, seg) == "approved"
    assert "Conflict" not in html_texts(at)


def test_keep_mine_saves_the_text_merged_after_the_conflict(translated):
    """Between the conflict and "Keep mine" the reviewer merged the two texts in the editor:
    the merged text is what is saved (not the text that conflicted)."""
    at, path, seg = conflicted(translated, "approve")
    assert "Conflict" in html_texts(at)
    editor(at).input("La de Ana y Bea.")
    act(at, "keep_mine")
    assert review.find_entry(catalog.load(path), seg).msgstr == "La de Ana y Bea."
    assert state_of(path, seg) == "approved" and data(at)["text"] == "La de Ana y Bea."


def test_take_theirs_loads_their_text(translated):
    at, path, seg = conflicted(translated, "save")
    act(at, "take_theirs")
    assert editor(at).value == "La de Bea."
    assert review.find_entry(catalog.load(path), seg).msgstr == "La de Bea."
    assert len(history.read(path)) == 1


def test_url_opens_a_segment_and_alternatives_fill_the_editor(translated_nbest, engines):
    proj, doc, path = translated_nbest
    at = start("Ana", tab="Alternatives", lang="es", seg="p4.s1")
    assert at.session_state["seg"] == "p4.s1"
    row = next(r for r in review.load_rows(doc, proj.locales, "es") if r.id == "p4.s1")
    assert editor(at).value == row.target
    # argos's n-best, with their scores: one click puts one in the editor.
    assert len(row.alternatives) == 2
    assert f"score {row.alternatives[0]['score']:.3f}" in html_texts(at)
    at.button(key="use_nbest_0").click().run()
    assert editor(at).value == row.alternatives[0]["text"] != row.target
    # The other routes, on demand: real translations of the segment.
    at.button(key="other_routes").click().run()
    assert not at.exception
    outputs = next(v for k, v in at.session_state["route_outputs"].items() if "::p4.s1::" in k)
    ranked = [r for r in routing.rank_routes(engines.graph(), "fr", "es") if r.spec() != ARGOS_ROUTE]
    assert [o["spec"] for o in outputs] == [r.spec() for r in ranked][:3]
    assert all(o["spec"].startswith("apertium:") and not o["error"] for o in outputs)
    assert outputs[0]["route"] in html_texts(at)
    at.button(key="use_route_0").click().run()
    route = pipeline.choose_route(engines, "fr", "es", route_spec=outputs[0]["spec"])
    expected = pipeline.translate_texts(engines, route, [row.source])[0]
    assert expected.strip() and expected != row.source
    assert editor(at).value == outputs[0]["text"] == expected


def test_filters_narrow_the_list(translated):
    proj, doc, path = translated

    def name_warnings():
        rows = review.load_rows(doc, proj.locales, "es")
        return [r.id for r in review.filter_rows(rows, warning_codes=["name"])]

    assert "p3.s1" not in name_warnings()  # Apertium kept the names of the title
    base = review.find_entry(catalog.load(path), "p3.s1").msgstr
    review.save(path, "p3.s1", "Segunda cumbre anulada", base, "Bea", approve=True)
    flagged = name_warnings()
    assert "p3.s1" in flagged  # "Trump-Poutine" is gone
    at = start("Ana")
    set_filters(at, states=["approved"])
    assert at.dataframe[0].value["id"].tolist() == ["p3.s1"]
    set_filters(at, states=[], query="Budapest")
    sources = at.dataframe[0].value["source"].tolist()
    assert sources and all("Budapest" in s for s in sources)
    set_filters(at, query="")
    set_filters(at, qa="name")
    assert at.dataframe[0].value["id"].tolist() == flagged


def test_translate_page_runs_the_pipeline(project, engines):
    at = start()
    at.switch_page("ui/translate.py").run()
    assert not at.exception, at.exception
    assert at.multiselect(key="t_langs").value == ["es"]
    labels = at.selectbox(key="t_route_es").options
    ranked = routing.rank_routes(engines.graph(), "fr", "es")
    assert [label.split(" · ")[0] for label in labels] == [str(r) for r in ranked]
    assert "router's pick" in labels[0] and "router's pick" not in "".join(labels[1:])
    assert any("(argos)" in label for label in labels)
    at.multiselect(key="t_langs").set_value(["es", "en"]).run()
    at.button(key="t_run").click().run()
    assert not at.exception, at.exception
    assert len(at.success) == 2
    assert review.languages(project.locales, DOC_NAME) == ["en", "es"]
    targets = {}
    for lang in ("es", "en"):
        route = pipeline.choose_route(engines, "fr", lang)  # the router's pick was run
        assert any(str(route) in s.value for s in at.success)
        path = review.catalog_for(project.locales, lang, DOC_NAME)
        assert review.catalog_route(path) == route.spec()
        entries = [e for e in catalog.load(path) if not e.obsolete]
        assert len(entries) == 54
        assert all(e.msgstr.strip() and catalog.entry_state(e) is State.MACHINE for e in entries)
        targets[lang] = review.find_entry(catalog.load(path), "p2.s1").msgstr
    assert targets["es"] != targets["en"]


def test_document_page_merges_and_catalogs_follow(translated, engines):
    proj, doc, path = translated
    old = review.find_entry(catalog.load(path), "p10.s1").msgstr
    at = start()
    at.switch_page("ui/document.py").run()
    assert not at.exception, at.exception
    next(box for box in at.selectbox if box.label == "Segment").set_value("p10.s1").run()
    at.button(key="d_merge").click().run()
    assert not at.exception, at.exception
    assert segment_overrides.overrides_path(proj.corpus / f"{DOC_NAME}.txt").exists()
    assert "Segmentation updated" in texts(at)
    po = catalog.load(path)
    assert review.find_entry(po, "p10.s2") is None
    # The merged sentence was machine-translated again, through the catalog's route.
    merged = review.find_entry(po, "p10.s1")
    assert merged.msgid.startswith(doc.segments[[s.id for s in doc.segments].index("p10.s1")].text)
    assert catalog.entry_state(merged) is State.MACHINE
    assert merged.msgstr.strip() and merged.msgstr != old and len(merged.msgstr) > len(old)
    assert catalog.get_meta(merged, "route") == pipeline.choose_route(engines, "fr", "es").spec()


def test_models_page_lists_pairs(project):
    at = start()
    at.switch_page("ui/models.py").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert set(table["engine"]) == {"apertium", "argos"}
    models = {(e, s, t): m for e, s, t, m in zip(table["engine"], table["from"], table["to"],
                                                 table["model"])}
    assert_apertium_version(models[("apertium", "fr", "es")], "apertium-fr-es", "fr-es")
    assert ("apertium", "fr", "ca") in models and ("apertium", "ca", "es") in models
    assert models[("argos", "fr", "es")] == ARGOS_MODEL


def test_memory_tab_shows_the_draft_origin_matches_and_concordance(translated, engines):
    """Approve in the article; a second document with the same sentence is drafted
    from memory, and the Review page's Memory tab says so, with the match and a search."""
    proj, doc, path = translated
    first = doc.translatable[1]
    base = review.find_entry(catalog.load(path), first.id).msgstr
    saved = review.save(path, first.id, "Texto aprobado por Ana.", base, "Ana", approve=True)
    assert saved.state == "approved" and saved.memory == ""
    other = proj.corpus / "autre.txt"
    other.write_text(f"Brève\n\n{first.text}\n", "utf-8")
    from locwork import workspace

    other_doc = workspace.load_document(other)
    route = pipeline.choose_route(engines, "fr", "es", route_spec="apertium:fr-es")
    report = pipeline.translate_document(other_doc, "es", route, engines, proj.locales,
                                         root=proj.root)
    assert report.tm_exact == 1
    at = start("Ana", tab="Memory", doc="autre.txt", seg=other_doc.translatable[1].id)
    assert not at.exception, at.exception
    assert editor(at).value == "Texto aprobado por Ana."
    assert "This draft came from the memory: <b>tm 100%</b>" in html_texts(at)
    at.text_input(key="tm_query").input("Texto aprobado").run()
    assert not at.exception, at.exception
    table = at.dataframe[-1].value
    assert "Texto aprobado por Ana." in set(table["translation"])


def test_consistency_panel_flags_a_planted_date_mismatch(translated):
    """Two reviewers disagree on a date between languages: the Review page says so."""
    proj, doc, path = translated
    seg = next(s for s in doc.translatable if "20 octobre" in s.text)
    entry = review.find_entry(catalog.load(path), seg.id)
    wrong = entry.msgstr.replace("20", "21")
    assert wrong != entry.msgstr
    review.save(path, seg.id, wrong, entry.msgstr, "Ana", approve=True)
    at = start("Ana")
    tool(at, "consistency", open=True)
    assert not at.exception, at.exception
    shown = texts(at)
    findings = review.consistency_findings(doc, proj.locales, "es")
    assert any(seg.id in f.segments and "21" in f.message for f in findings), findings
    assert seg.id in [b.label for b in at.button]  # a button opens the segment
    assert "Consistent" not in shown


def test_export_page_offers_every_format(translated):
    proj, doc, path = translated
    at = start("Ana")
    at.switch_page("ui/export.py").run()
    assert not at.exception, at.exception
    labels = [b.label for b in at.get("download_button")]
    assert labels[:6] == ["PO", "HTML", "BILINGUAL", "MO", "XLIFF", "TMX"], labels


# -- the first screen ---------------------------------------------------------------------


def test_first_screen_shows_the_article_and_translates_with_one_click(project):
    at = start(page=None)
    assert not at.exception, at.exception
    article = "\n".join(str(h.proto.body) for h in at.get("html"))
    doc = workspace.load_document(project.corpus / f"{DOC_NAME}.txt")
    for seg in doc.translatable[:5] + doc.translatable[-2:]:
        assert f">{seg.id}</span>" in article  # each sentence, with its id, as segmented
    key = f"home_langs:{DOC_NAME}"
    assert at.multiselect(key=key).value  # languages offered before any catalog exists
    at.multiselect(key=key).set_value(["es", "ca"]).run()
    table = at.dataframe[0].value
    assert table["Untranslated"].tolist() == [len(doc.translatable)] * 2
    at.button(key="home_run").click().run()
    assert not at.exception, at.exception
    assert review.languages(project.locales, DOC_NAME) == ["ca", "es"]
    assert len(at.success) == 2 and all("54 translated" in s.value for s in at.success)
    table = at.dataframe[0].value
    assert table["Machine"].tolist() == [54, 54] and table["Untranslated"].tolist() == [0, 0]


def test_links_name_their_document_and_old_segment_links_open_the_review(app_root, monkeypatch):
    proj = make_project(app_root)
    (proj.corpus / "autre.txt").write_text("Autre article\n\nUne phrase. Une autre.\n", "utf-8")
    # As `make run` starts it: the server's --doc is the default article...
    monkeypatch.setattr("sys.argv", ["app.py", "--doc", str(proj.corpus / f"{DOC_NAME}.txt")])
    at = start(page=None, doc="autre.txt")  # ...but a link names another document.
    assert not at.exception, at.exception
    assert at.sidebar.selectbox(key="doc_select").value == "autre.txt"
    assert at.query_params["doc"] == "autre.txt"
    at = start(page=None)
    assert at.sidebar.selectbox(key="doc_select").value == f"{DOC_NAME}.txt"
    assert at.query_params["doc"] == f"{DOC_NAME}.txt"
    # A segment link from before the Article page: /?lang=es&seg=p3.s1 opens the Review.
    at = start(page=None, lang="es", seg="p3.s1")
    assert not at.exception, at.exception
    assert "No translation of this document yet" in texts(at)


# -- upload names -----------------------------------------------------------------------


@pytest.mark.parametrize("name, expected", [
    ("evil.txt\0.html", "cannot contain a NUL character"),
    ("a\u202elmth.txt", "U+202E (right-to-left override)"),
    ("notes\n.txt", "U+000A"),
])
def test_a_bad_document_name_is_one_line(project, name, expected):
    at = start()
    at.switch_page("ui/document.py").run()
    before = sorted(p.name for p in project.corpus.iterdir())
    at.file_uploader[0].set_value((name, b"Bonjour. Au revoir.", "text/plain")).run()
    assert not at.exception, at.exception
    assert len(at.error) == 1 and expected in at.error[0].value and "\n" not in at.error[0].value
    assert "\u202e" not in at.error[0].value
    assert sorted(p.name for p in project.corpus.iterdir()) == before
    # The refused file is dropped; the next upload works.
    at.file_uploader[0].set_value(("fine.txt", b"Bonjour. Au revoir.", "text/plain")).run()
    assert not at.exception and "fine.txt: 2 segments" in texts(at)


@pytest.mark.parametrize("name, expected", [
    ("evil.txt\0.argosmodel", "cannot contain a NUL character"),
    ("ledom\u202eargosmodel.txt", "U+202E (right-to-left override)"),
    ("broken.argosmodel", "broken.argosmodel is not an argos package (.argosmodel): not a zip"),
])
def test_a_bad_model_upload_is_one_line_naming_the_upload(project, argos_home, name, expected):
    at = start()
    at.switch_page("ui/models.py").run()
    before = sorted(p.name for p in argos_home.iterdir())
    at.file_uploader[0].set_value((name, b"not a zip", "application/octet-stream")).run()
    assert not at.exception, at.exception
    assert len(at.error) == 1, [e.value for e in at.error]
    message = at.error[0].value
    assert expected in message and "\n" not in message and "\u202e" not in message
    assert "locwork-upload-" not in message and "/tmp" not in message
    assert sorted(p.name for p in argos_home.iterdir()) == before
