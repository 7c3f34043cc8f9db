"""The app forgets what belonged to a document when another one is chosen (AppTest, no engine needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from locwork import catalog, pipeline, workspace  # noqa: E402
from locwork.catalog import State  # noqa: E402

APP = str(Path(__file__).resolve().parents[1] / "app.py")
DOCS = {
    "a.txt": ("Le chat dort sur le canapé. Le chien aboie dans le jardin.",
              ["El gato duerme en el sofá.", "El perro ladra en el jardín."]),
    "b.txt": ("Le train part à midi. Il arrive le soir à Lyon.",
              ["El tren sale a mediodía.", "Llega por la tarde a Lyon."]),
}


@pytest.fixture
def app_root(tmp_path, monkeypatch):
    """Two documents, each with a Spanish catalog of machine translations."""
    monkeypatch.setenv("LOCWORK_ROOT", str(tmp_path))
    (tmp_path / "corpus").mkdir()
    for name, (text, targets) in DOCS.items():
        (tmp_path / "corpus" / name).write_text(text + "\n", "utf-8")
        doc = workspace.load_document(tmp_path / "corpus" / name)
        po = catalog.new_catalog("es", doc.name, f"corpus/{name}")
        pipeline.plan_entries(po, doc, f"corpus/{name}")
        for entry, target in zip(po, targets):
            entry.msgstr = target
            catalog.set_state(entry, State.MACHINE)
        catalog.save(po, catalog.catalog_path(tmp_path / "locales", "es", doc.name))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield tmp_path
    st.cache_data.clear()


def editor_text(at: AppTest) -> str:
    """The open segment's own editor (its key names the catalog, the segment and the source)."""
    from workbench_driver import data

    return data(at)["text"]


def test_choosing_another_document_resets_the_review_screen(app_root):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in {"doc": "a.txt", "lang": "es", "seg": "p1.s2", "reviewer": "Ana"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    assert editor_text(at) == "El perro ladra en el jardín."
    at.sidebar.selectbox(key="doc_select").set_value("b.txt").run()
    assert not at.exception, at.exception
    assert editor_text(at) not in DOCS["a.txt"][1]  # a.txt's text never sits on b.txt's segment
    # The first segment to review of b.txt, with b.txt's text, not a.txt's p1.s2.
    assert at.session_state["seg"] == "p1.s1"
    assert editor_text(at) == "El tren sale a mediodía."
