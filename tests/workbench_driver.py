"""Drive the review editor (ui/workbench.py, a browser component) from Streamlit's AppTest.

AppTest runs no JavaScript, so it cannot click inside the component. It can send what the
component's script sends: the ``action`` trigger of the component's element, with the
segment it names and the text of its editor. This is what ``workbench.js`` ``send`` does;
the browser tests (test_editor_browser, test_review_browser) drive the real script.
"""

from __future__ import annotations

import json
from typing import Any

from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.testing.v1 import AppTest

NAME = "locwork_editor"


def element(at: AppTest, name: str = NAME):
    found = [e for e in at.get("bidi_component") if e.proto.component_name == name]
    assert len(found) == 1, f"{len(found)} {name} elements on the page"
    return found[0]


def data(at: AppTest, name: str = NAME) -> dict[str, Any]:
    """What the editor (or the component ``name``) was given to show (ui/workbench.py ``draw``)."""
    proto = element(at, name).proto
    field = proto.WhichOneof("data")
    if field == "json":
        return json.loads(proto.json)
    if field == "mixed":
        return json.loads(proto.mixed.json)
    raise AssertionError(f"unexpected component data: {field}")


class Editor:
    """The open segment's editor: ``value`` is its text; ``input`` types (sent with the next action)."""

    def __init__(self, at: AppTest):
        self.at = at

    @property
    def value(self) -> str:
        typed = getattr(self.at, "_lw_typed", None)
        return typed if typed is not None else data(self.at)["text"]

    def input(self, text: str) -> Editor:
        self.at._lw_typed = text  # type: ignore[attr-defined]
        return self


def editor(at: AppTest) -> Editor:
    return Editor(at)


def act(at: AppTest, kind: str, **extra: Any) -> AppTest:
    """Send one editor action (save, approve, approve_next, move, draft, discard, reload,
    keep_mine, take_theirs, use_best, open_draft) carrying the editor's text, and run."""
    shown = data(at)
    text = getattr(at, "_lw_typed", None)
    at._lw_typed = None  # type: ignore[attr-defined]
    seq = getattr(at, "_lw_seq", 0) + 1
    at._lw_seq = seq  # type: ignore[attr-defined]
    value = {"type": kind, "seq": seq, "ident": extra.pop("ident", shown["ident"]),
             "text": shown["text"] if text is None else text, **extra}
    return trigger(at, NAME, "action", value)


def trigger(at: AppTest, name: str, event: str, value: Any) -> AppTest:
    """Send what the component ``name``'s script sends with ``setTriggerValue(event, value)``,
    and run."""
    trigger_id = _make_trigger_id(element(at, name).proto.id, "events")
    tree = at._tree
    collect = tree.get_widget_states

    def with_trigger():
        states = collect()
        widget = states.widgets.add()
        widget.id = trigger_id
        widget.json_trigger_value = json.dumps([{"event": event, "value": value}])
        return states

    tree.get_widget_states = with_trigger  # type: ignore[method-assign]
    at.run()
    assert not at.exception, at.exception
    return at


def set_filters(at: AppTest, **change: Any) -> AppTest:
    """Change the review page's filters as the filter bar does (ui/bars.py: states, qa,
    score, range, order, query)."""
    return trigger(at, "locwork_filters", "change", change)


def tool(at: AppTest, what: str, open: bool | None = None) -> AppTest:
    """Click a button of the review page's tool bar (consistency, find, batch, untranslated,
    list); ``open``: whether the panel it names is to be open."""
    return trigger(at, "locwork_tools", "act", {"what": what} if open is None else {"what": what, "open": open})


def flash(at: AppTest) -> str:
    """The message the editor shows after the last action ("" if none)."""
    shown = data(at).get("flash")
    return shown["text"] if shown else ""
