"""The review screen's tools (issue 12 §4), driven by AppTest on a real Apertium es catalog.

Each test acts on the screen and then reads the PO file itself: the screen
is only right if the catalog on disk is.
"""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("streamlit")

from locwork import catalog, history, review  # noqa: E402
from workbench_driver import act, data, editor, flash, set_filters, tool  # noqa: E402
from test_app import (  # noqa: E402,F401  (fixtures are used by name)
    app_root,
    apertium_es,
    argos_es,
    argos_fr_es,
    argos_home,
    engines,
    html_texts,
    start,
    state_of,
    translated,
)


def entry(path, seg):
    return review.find_entry(catalog.load(path), seg)


def toasts(at) -> list[str]:
    """The message the page shows after the last action (the editor shows it)."""
    return [flash(at)]


def test_replace_previews_the_count_then_writes_it(translated):
    proj, doc, path = translated
    po = catalog.load(path)
    having = [e.msgctxt for e in po if not e.obsolete and e.msgctxt and "Trump" in e.msgstr]
    assert len(having) >= 2
    at = start("Ana")
    at.text_input(key="rp_find").input("Trump")
    at.text_input(key="rp_replace").input("Donald Trump")
    at.button(key="rp_preview").click().run()
    assert not at.exception, at.exception
    assert f"**{len(having)} segments change** ({len(having)} replacements)" in [
        m.value for m in at.markdown]
    assert at.button(key="rp_apply").label == f"Replace in {len(having)} segments"
    before = path.read_bytes()
    assert path.read_bytes() == before  # a preview writes nothing
    at.button(key="rp_apply").click().run()
    assert not at.exception, at.exception
    assert toasts(at)[-1] == f"Replaced in {len(having)} segments"
    for seg in having:
        assert "Donald Trump" in entry(path, seg).msgstr
        assert state_of(path, seg) == "edited"
    assert {r["action"] for r in history.read(path)} == {"replace"}


def test_replace_refuses_a_segment_saved_since_the_preview(translated):
    proj, doc, path = translated
    at = start("Ana")
    at.text_input(key="rp_find").input("Trump")
    at.text_input(key="rp_replace").input("X")
    at.button(key="rp_preview").click().run()
    seg = next(e.msgctxt for e in catalog.load(path) if e.msgctxt and "Trump" in e.msgstr)
    review.save(path, seg, "Otro texto con Trump.", entry(path, seg).msgstr, "Bea")
    before = path.read_bytes()
    at.button(key="rp_apply").click().run()
    assert "changed since the preview" in toasts(at)[-1]
    assert path.read_bytes() == before


def test_batch_approve_asks_then_approves_only_the_shown(translated):
    proj, doc, path = translated
    at = start("Ana")
    set_filters(at, query="Budapest")
    shown = at.dataframe[0].value["id"].tolist()
    assert 0 < len(shown) < len(doc.translatable)
    tool(at, "batch")
    assert not at.exception, at.exception
    assert all(state_of(path, seg) == "machine" for seg in shown)  # nothing before the confirmation
    at.button(key="batch_confirm").click().run()
    assert not at.exception, at.exception
    approved = [e.msgctxt for e in catalog.load(path)
                if e.msgctxt and catalog.entry_state(e).value == "approved"]
    assert sorted(approved) == sorted(shown)
    assert toasts(at)[-1] == f"{len(shown)} approved"


def test_batch_approve_can_be_cancelled(translated):
    proj, doc, path = translated
    at = start("Ana")
    before = path.read_bytes()
    tool(at, "batch")
    at.button(key="batch_cancel").click().run()
    assert not at.exception, at.exception
    assert path.read_bytes() == before
    assert not at.session_state["batch_pending"] if "batch_pending" in at.session_state else True


def test_comment_is_saved_as_a_translator_comment(translated):
    proj, doc, path = translated
    seg = doc.translatable[0].id
    at = start("Ana", tab="Comment")
    key = f"comment_es_{seg}"
    at.text_area(key=key).input("Vérifier le nom\navec l'auteur")
    at.button(key="save_comment").click().run()
    assert not at.exception, at.exception
    assert entry(path, seg).tcomment == "Vérifier le nom\navec l'auteur"
    assert "# Vérifier le nom\n# avec l'auteur\n" in path.read_text("utf-8")
    assert state_of(path, seg) == "machine"
    at2 = start("Bea", tab="Comment")  # a fresh session shows it
    assert at2.text_area(key=key).value == "Vérifier le nom\navec l'auteur"
    assert data(at2)["comment"] == "Vérifier le nom\navec l'auteur"  # under the editor (💬)


def test_glossary_term_added_from_the_screen_is_shown(translated):
    proj, doc, path = translated
    row = review.load_rows(doc, proj.locales, "es")[0]
    word = next(w for w in row.source.split() if len(w) > 4 and w.isalpha())
    at = start("Ana", tab="Glossary")
    at.text_input(key="gl_term").input(word)
    at.text_input(key="gl_translation").input("TÉRMINO")
    at.button(key="FormSubmitter:add_term-Add to the glossary").click().run()
    assert not at.exception, at.exception
    text = (proj.root / "glossary.csv").read_text("utf-8")
    assert f"{word},es,TÉRMINO" in text
    assert any(f"**{word}** → TÉRMINO" in m.value for m in at.markdown)


def test_save_without_a_change_leaves_the_segment_alone(translated):
    proj, doc, path = translated
    seg = doc.translatable[0].id
    before = path.read_bytes()
    at = start("Ana")
    act(at, "save")
    assert path.read_bytes() == before
    assert state_of(path, seg) == "machine" and history.read(path) == []
    assert toasts(at)[-1] == f"No change to save in {seg} (still machine)"
    result = review.save(path, seg, entry(path, seg).msgstr, entry(path, seg).msgstr, "Ana")
    assert result.action == "unchanged" and path.read_bytes() == before


def test_the_selected_tab_stays_after_a_save(translated):
    proj, doc, path = translated
    at = start("Ana")
    at.session_state["detail_tab"] = "History"
    at.run()
    editor(at).input("Mi versión.")
    act(at, "save")
    assert state_of(path, doc.translatable[0].id) == "edited"
    assert at.session_state["detail_tab"] == "History"
    assert at.session_state["seg"] == doc.translatable[0].id  # (a save does not move)


def test_the_editor_gets_the_source_tokens_to_copy(translated):
    """The tokens' keys (Alt+1…9) and the counts are the editor's script's
    (test_review_browser types them); the page gives it the source's tokens, highlighted."""
    proj, doc, path = translated
    rows = review.load_rows(doc, proj.locales, "es")
    row = next(r for r in rows if any(ch.isdigit() for ch in r.source))
    at = start("Ana", seg=row.id)
    assert at.session_state["seg"] == row.id
    shown = data(at)
    assert "lw-tok lw-number" in shown["source_html"]
    assert shown["source"] == row.source
    number = next(t for t in shown["tokens"] if any(ch.isdigit() for ch in t))
    assert number in row.source
    editor(at).input(f"Texto {number}")
    act(at, "save")
    assert entry(path, row.id).msgstr == f"Texto {number}"


def test_po_downloads_are_named_per_language(translated):
    proj, doc, path = translated
    other = review.catalog_for(proj.locales, "ca", doc.name)
    other.parent.mkdir(parents=True)
    shutil.copy(path, other)
    at = start("Ana")
    at.switch_page("ui/export.py").run()
    assert not at.exception, at.exception
    po = [b for b in at.get("download_button") if b.label == "PO"]
    # A download's media id hashes its bytes, type and file name: each must be <doc>.<lang>.po.
    from streamlit.runtime.memory_media_file_storage import _calculate_file_id

    mime = "text/x-gettext-translation"
    expected = {_calculate_file_id(p.read_bytes(), mime, f"{doc.name}.{lang}.po")
                for lang, p in (("es", path), ("ca", other))}
    assert {b.proto.url.rsplit("/", 1)[-1] for b in po} == expected


def _display_values(at) -> list[str]:
    """The texts the segment table shows (the Styler's display values)."""
    import pyarrow as pa

    styler = at.dataframe[0].proto.arrow_data.styler
    table = pa.ipc.open_stream(styler.display_values).read_all()
    return [str(v) for column in table.columns for v in column.to_pylist()]


def test_the_segment_table_shows_no_none(translated):
    proj, doc, path = translated
    at = start("Ana")
    shown = _display_values(at)
    assert shown and "None" not in shown and "nan" not in shown


def test_translate_page_says_which_routes_give_alternatives(translated, engines):
    at = start("Ana", page="ui/translate.py")
    at.number_input(key="t_nbest").set_value(3).run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption]
    assert any("no alternatives — apertium gives one translation" in c for c in captions), captions
    route = at.selectbox(key="t_route_es")
    argos = next(i for i, label in enumerate(route.options) if "argos" in label.split(" · ")[0])
    route.set_value(argos).run()
    captions = [c.value for c in at.caption]
    assert any("argos keeps up to 3 alternatives" in c for c in captions), captions
