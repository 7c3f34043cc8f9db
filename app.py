"""locwork's review workbench: a thin Streamlit layer over the ``locwork`` package.

Run with ``make run`` (or ``streamlit run app.py -- --doc FILE``). Documents
and catalogs live under ``$LOCWORK_ROOT`` (default: this folder):
``corpus/`` and ``locales/<lang>/<doc>.po``.

Pages (``ui/``): Article (the first screen: the document as segmented,
each language's state, one Translate button), Document (choose, upload,
fix the segmentation), Translate (routes picked by hand), Review (the editor),
Scores (post-editing effort, quality estimates, reviewers), Export
(download buttons for every format) and Models (installed engines, argos
packages).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # the ui package sits beside this file
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from ui import common  # noqa: E402


STYLE = """<style>
[data-testid="stAppDeployButton"] { display: none; }
.block-container { padding-top: 3.6rem; }
</style>"""


def main() -> None:
    st.set_page_config(page_title="locwork", page_icon=":material/translate:", layout="wide")
    pages = [
        # The default page is served at "/" only (Streamlit ignores its url_path), so the
        # Article page is the default and every other page keeps a working URL (/review...).
        st.Page("ui/home.py", title="Article", icon=":material/article:", url_path="article", default=True),
        st.Page("ui/review.py", title="Review", icon=":material/rate_review:", url_path="review"),
        st.Page("ui/scores.py", title="Scores", icon=":material/analytics:", url_path="scores"),
        st.Page("ui/translate.py", title="Translate", icon=":material/translate:", url_path="translate"),
        st.Page("ui/document.py", title="Document", icon=":material/description:", url_path="document"),
        st.Page("ui/export.py", title="Export", icon=":material/download:", url_path="export"),
        st.Page("ui/models.py", title="Models", icon=":material/extension:", url_path="models"),
    ]
    page = st.navigation(pages)
    if page is pages[0] and "seg" in st.query_params:
        # A segment link from before the Article page existed (/?lang=es&seg=p3.s1).
        st.switch_page(pages[1], query_params=st.query_params.to_dict())
    st.html(STYLE)
    st.sidebar.markdown("### locwork")
    path = common.document_choice()
    st.session_state["doc_path"] = str(path) if path else ""
    common.reviewer_box()
    st.sidebar.caption(f"Project: `{common.project().root}`")
    page.run()


main()
