"""Models: installed engines, their language pairs and model versions; install an argos package."""

from __future__ import annotations

import streamlit as st

from locwork import review, services
from locwork.errors import LocworkError
from ui import common, uploads


def on_install() -> None:
    try:
        uploaded = uploads.take("argos_upload")
        if uploaded is None:
            return
        with common.engines_session() as engines:
            engine = engines.get("argos")
            info = review.install_argos_upload(uploaded.name, uploaded.getvalue(), engine)
    except LocworkError as error:
        st.session_state["models_msg"] = ("error", str(error))
        return
    st.session_state["models_msg"] = ("success", f"Installed {info}")


def page() -> None:
    st.markdown("#### Models")
    message = st.session_state.pop("models_msg", None)
    if message:
        (st.error if message[0] == "error" else st.success)(message[1])
    try:
        with common.engines_session() as engines:
            listing = services.list_models(engines)  # the code `locwork models list` runs
    except LocworkError as error:
        st.error(str(error))
        return
    rows, problems = listing.rows, listing.problems
    if rows:
        st.dataframe(
            {"engine": [r.engine for r in rows], "from": [r.src for r in rows],
             "to": [r.tgt for r in rows], "model": [r.version for r in rows]},
            hide_index=True, width="stretch",
        )
    else:
        st.info("No engine is installed.")
    for name, problem in problems.items():
        st.caption(f":orange[**{name}**]: {problem}")
    # No type=: Streamlit's own check of it is a traceback (see ui/uploads.py);
    # review.install_argos_upload checks the name and the extension.
    st.file_uploader("Install an argos package (.argosmodel)",
                     key=uploads.key("argos_upload"), on_change=on_install)


page()
