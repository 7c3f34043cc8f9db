"""The review page's filter bar and tool bar, each one browser component.

Why: Streamlit redraws every widget of the page, in React, on each message of every run,
the editor's fragment runs included (about six messages per action). The multiselect,
select boxes, slider, text box, toggle, buttons, popovers and expander these bars replace
took React's share of an approve & next from 37 to 27 ms in a Chromium trace (the click
itself stays within the bench's noise: see the README). Drawn by ``filter_bar.js`` and
``tool_bar.js``, they are two elements whose data changes.

The values stay where the widgets kept them, in the session: ``f_states``, ``f_qa``,
``f_score``, ``f_range_<score>``, ``f_order``, ``f_query`` (the filters: any change reruns
the whole page); ``show_consistency``, ``find_replace`` and ``segment_list`` (the panels
under the tool bar, open or not).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from locwork import qa, review

HERE = Path(__file__).resolve().parent
ORDER_LABELS = {"document": "Document order", "worst-first": "Worst first (QE)"}
ORDER_HELP = ("Worst first: segments still to review by quality estimate, lowest first; "
              "those without an estimate after them (Scores page: Estimate quality)")
SCORE_HELP = "Segments get scores when QE or HTER is computed (locwork-qe, locwork-hter)"
NO_SCORE = "—"
QA_OPTIONS = ("any", "with warnings", *qa.CODES)

_css = (HERE / "bars.css").read_text(encoding="utf-8")
_filters = st.components.v2.component(
    "locwork_filters", js=(HERE / "filter_bar.js").read_text(encoding="utf-8"), css=_css,
    isolate_styles=False)
_tools = st.components.v2.component(
    "locwork_tools", js=(HERE / "tool_bar.js").read_text(encoding="utf-8"), css=_css,
    isolate_styles=False)


# ------------------------------------------------------------ filters


def _score_range(rows: list[review.Row], key: str) -> tuple[float, float] | None:
    values = [r.score(key) for r in rows if r.score(key) is not None]
    return (float(min(values)), float(max(values))) if values else None


def filters(rows: list[review.Row]) -> tuple[dict, str]:
    """Draw the filters; return what ``review.filter_rows`` and ``review.sort_rows`` need."""
    state = st.session_state
    states = [s for s in state.get("f_states") or [] if s in review.STATES]
    qa_choice = state.get("f_qa") if state.get("f_qa") in QA_OPTIONS else "any"
    with_scores = [k for k in review.SCORE_KEYS if any(r.score(k) is not None for r in rows)]
    score_key = state.get("f_score") if state.get("f_score") in with_scores else None
    bounds = _score_range(rows, score_key) if score_key else None
    score_range = None
    if bounds:
        lo, hi = state.get(f"f_range_{score_key}") or bounds
        score_range = (max(bounds[0], min(lo, hi)), min(bounds[1], max(lo, hi)))
        if score_range[0] > score_range[1]:  # a range kept from other rows: all of these
            score_range = bounds
    order = state.get("f_order") if state.get("f_order") in review.ORDERS else review.ORDERS[0]
    query = str(state.get("f_query") or "")
    data = {
        "state_options": list(review.STATES), "states": states,
        "qa_options": [[c, qa.LABELS.get(c, c)] for c in QA_OPTIONS], "qa": qa_choice,
        "score_options": [[NO_SCORE, NO_SCORE if with_scores else "no scores"]]
        + [[k, k] for k in with_scores],
        "score": score_key or NO_SCORE, "score_help": "" if with_scores else SCORE_HELP,
        "range": ({"min": bounds[0], "max": bounds[1], "value": list(score_range)}
                  if bounds and score_range and bounds[1] > bounds[0] else None),
        "order_options": [[o, ORDER_LABELS.get(o, o)] for o in review.ORDERS], "order": order,
        "order_help": ORDER_HELP, "query": query,
    }
    _filters(key="review_filters", data=data, on_change_change=_changed)
    spec = dict(states=states, warning_codes=[qa_choice] if qa_choice in qa.CODES else [],
                with_warnings=qa_choice == "with warnings", score_key=score_key,
                score_range=score_range, query=query)
    return spec, order


def _changed() -> None:
    """A filter changed in the browser: keep it in the session (checked, like a widget's).
    The bar sends every filter as it shows them; a field left out keeps its value."""
    change = (st.session_state.get("review_filters") or {}).get("change")
    if not isinstance(change, dict):
        return
    state = st.session_state
    if isinstance(change.get("states"), list):
        state["f_states"] = [s for s in review.STATES if s in change["states"]]
    if change.get("qa") in QA_OPTIONS:
        state["f_qa"] = change["qa"]
    if change.get("score") in (NO_SCORE, *review.SCORE_KEYS):
        state["f_score"] = change["score"]
    rng = change.get("range")
    key = state.get("f_score")
    numbers = isinstance(rng, list) and len(rng) == 2 and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in rng)
    if numbers and key in review.SCORE_KEYS:
        state[f"f_range_{key}"] = (float(min(rng)), float(max(rng)))
    if change.get("order") in review.ORDERS:
        state["f_order"] = change["order"]
    if isinstance(change.get("query"), str):
        state["f_query"] = change["query"][:500]


# ------------------------------------------------------------ tools


def tools(rows: list[review.Row], shown: list[review.Row], *, pending: int,
          can_save: bool, untranslated: str | None, shortcuts: list[tuple[str, str]],
          on_act: Callable[[str, bool | None], None]) -> None:
    """Draw the tool bar; ``on_act(what, open)`` when one of its buttons is clicked (``open``:
    whether the panel it names is to be open; None for an action)."""
    state = st.session_state
    data = {
        "consistency": bool(state.get("show_consistency")),
        "find_open": bool(state.get("find_replace")), "list_open": bool(state.get("segment_list")),
        "pending": pending, "can_save": can_save, "untranslated": untranslated,
        "shown": len(shown), "total": len(rows), "shortcuts": [list(s) for s in shortcuts],
    }

    def acted() -> None:
        act = (st.session_state.get("review_tools") or {}).get("act")
        if isinstance(act, dict) and isinstance(act.get("what"), str):
            wanted = act.get("open")
            on_act(act["what"], wanted if isinstance(wanted, bool) else None)

    _tools(key="review_tools", data=data, on_act_change=acted)
