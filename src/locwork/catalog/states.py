"""Review states (untranslated, machine, edited, approved) and msgfmt-style statistics."""

from __future__ import annotations

import enum
import re
from dataclasses import asdict, dataclass

import polib

from locwork.catalog.meta import get_meta, set_meta


class State(enum.StrEnum):
    """Review state of one entry (see the module docstring); a ``str`` enum."""

    UNTRANSLATED = "untranslated"
    MACHINE = "machine"
    EDITED = "edited"
    APPROVED = "approved"


# ---------------------------------------------------------------------------
# Review states
# ---------------------------------------------------------------------------


def _first_msgstr(entry: polib.POEntry) -> str:
    """msgstr, or msgstr[0] for plural entries: what msgfmt looks at."""
    if entry.msgstr_plural:
        for key, value in entry.msgstr_plural.items():
            if int(key) == 0:
                return str(value)
        return ""
    return str(entry.msgstr)


def entry_state(entry: polib.POEntry) -> State:
    """The review state; the fuzzy flag decides approved vs not, the marker machine vs edited."""
    if not _first_msgstr(entry):
        return State.UNTRANSLATED
    if "fuzzy" not in entry.flags:
        return State.APPROVED
    if get_meta(entry, "state") == State.MACHINE.value:
        return State.MACHINE
    return State.EDITED


def is_untranslated(entry: polib.POEntry) -> bool:
    """``entry_state(entry) == State.UNTRANSLATED`` without reading the comment lines."""
    return not _first_msgstr(entry)


def set_state(entry: polib.POEntry, state: State | str) -> None:
    """Put the entry in ``state``, keeping the fuzzy flag consistent.

    ``untranslated`` empties the translation (every plural form);
    ``machine``/``edited`` need a translation and set fuzzy; ``approved``
    needs one, clears fuzzy and the ``#|`` previous msgid (it served the
    review that just happened).  Calling it with a state that needs a
    translation on an empty entry is a bug: ValueError.
    """
    state = State(state)
    flag_state(entry, state)
    set_meta(entry, "state", None if state is State.UNTRANSLATED else state.value)


def flag_state(entry: polib.POEntry, state: State) -> None:
    """Everything :func:`set_state` does but the ``state`` line, for a caller that
    writes that line in its own pass over the comment lines (same result)."""
    if state is State.UNTRANSLATED:
        entry.msgstr = ""
        if entry.msgstr_plural:
            entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        return
    if not _first_msgstr(entry):
        raise ValueError(f"cannot mark an entry without translation as {state.value}: {entry.msgid[:60]!r}")
    if state is State.APPROVED:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    elif "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")


# ---------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------

_WORD = re.compile(r"\S+")


def word_count(text: str) -> int:
    """Whitespace-separated tokens that hold a letter or a digit (``wc -w`` minus lone punctuation)."""
    return sum(1 for token in _WORD.findall(text or "") if any(c.isalnum() for c in token))


@dataclass(frozen=True)
class CatalogStats:
    """Message counts as ``msgfmt --statistics`` gives them, plus words and states.

    ``translated``/``fuzzy``/``untranslated`` follow msgfmt exactly: the
    header and obsolete entries do not count; an entry whose msgstr (or
    msgstr[0]) is empty is untranslated even if flagged fuzzy; a plural
    entry is one message.  Word counts are of the source (msgid).  The
    locwork states split ``fuzzy`` into ``machine`` + ``edited``;
    ``approved`` equals ``translated`` and ``untranslated`` is shared.
    """

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0
    machine: int = 0
    edited: int = 0
    approved: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def total_words(self) -> int:
        return self.translated_words + self.fuzzy_words + self.untranslated_words

    @property
    def states(self) -> dict[str, int]:
        return {
            State.UNTRANSLATED.value: self.untranslated,
            State.MACHINE.value: self.machine,
            State.EDITED.value: self.edited,
            State.APPROVED.value: self.approved,
        }

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["total"] = self.total
        data["total_words"] = self.total_words
        data["states"] = self.states
        return data


def stats(po: polib.POFile) -> CatalogStats:
    """Count the catalog's messages the way ``msgfmt --statistics`` does."""
    counts = dict.fromkeys(
        (
            "translated",
            "fuzzy",
            "untranslated",
            "obsolete",
            "translated_words",
            "fuzzy_words",
            "untranslated_words",
            "machine",
            "edited",
            "approved",
        ),
        0,
    )
    for entry in po:
        if entry.obsolete:
            counts["obsolete"] += 1
            continue
        if entry.msgid == "" and entry.msgctxt is None:
            continue  # a (second) header entry: msgfmt never counts it
        words = word_count(entry.msgid)
        state = entry_state(entry)
        if state is State.UNTRANSLATED:
            kind = "untranslated"
        elif state is State.APPROVED:
            kind = "translated"
            counts["approved"] += 1
        else:
            kind = "fuzzy"
            counts[state.value] += 1
        counts[kind] += 1
        counts[kind + "_words"] += words
    return CatalogStats(**counts)
