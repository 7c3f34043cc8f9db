"""Finding text the way a reviewer types it, and replacing it across a catalog.

Search ignores case and accents (``etat`` finds ``État``), and treats the
no-break spaces of French typography as spaces, as Weblate's and Pontoon's
searches do: a reviewer types on a keyboard, not in Unicode.

Replace is deliberately literal (or a regular expression when asked):
changing text is not the place for guessing. :func:`plan_replace` is the
preview, the list of segments that would change with their old and new
texts; :func:`apply_replace` writes exactly that plan, under the catalog's
lock, and refuses a segment whose text changed since the preview (another
reviewer saved it), so a replace can never overwrite an edit it did not show.

What a replace does to the review state: machine output that a human
changed becomes ``edited`` (still to approve); edited stays edited; an
approved text stays approved, since the person who ran the replace chose
the new text, and the memory follows it. Each change is recorded with its
reviewer and time, in the entry and in the catalog's history, like a save.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import polib

from locwork import catalog, history
from locwork.catalog import State
from locwork.errors import LocworkError

__all__ = ["fold", "contains", "Change", "plan_replace", "apply_replace"]


def fold(text: str) -> str:
    """``text`` without case, accents or typographic spaces, for matching only."""
    decomposed = unicodedata.normalize("NFKD", text)  # also turns no-break spaces into spaces
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def contains(haystack: str, needle: str) -> bool:
    """Does ``haystack`` contain ``needle``, ignoring case and accents?"""
    folded = fold(needle).strip()
    return not folded or folded in fold(haystack)


@dataclass(frozen=True)
class Change:
    """One segment that a replace changes."""

    segment: str
    source: str
    old: str
    new: str
    occurrences: int
    state: str

    def to_dict(self) -> dict[str, object]:
        return {"segment": self.segment, "source": self.source, "old": self.old,
                "new": self.new, "occurrences": self.occurrences, "state": self.state}


def _pattern(find: str, regex: bool, ignore_case: bool) -> re.Pattern[str]:
    if not find:
        raise LocworkError("give the text to find (it cannot be empty)")
    flags = re.IGNORECASE if ignore_case else 0
    try:
        return re.compile(find if regex else re.escape(find), flags)
    except re.error as error:
        raise LocworkError(f"not a valid regular expression: {find!r} ({error})") from None


def _entries(po: polib.POFile) -> Iterable[polib.POEntry]:
    for entry in po:
        if not entry.obsolete and entry.msgid and not entry.msgid_plural:
            yield entry


def plan_replace(
    po: polib.POFile,
    find: str,
    replace: str,
    *,
    regex: bool = False,
    ignore_case: bool = False,
    states: Sequence[str] = (),
    segments: Sequence[str] | None = None,
) -> list[Change]:
    """The segments whose translation would change, in catalog order (the preview).

    ``states`` limits the replace to entries in those review states;
    ``segments`` to those segment ids (the app passes its filtered list).
    """
    pattern = _pattern(find, regex, ignore_case)
    wanted = set(segments) if segments is not None else None
    changes = []
    for entry in _entries(po):
        state = catalog.entry_state(entry).value
        if states and state not in states:
            continue
        if wanted is not None and entry.msgctxt not in wanted:
            continue
        if not entry.msgstr:
            continue
        try:
            new, count = pattern.subn(replace, entry.msgstr)
        except (re.error, IndexError) as error:
            raise LocworkError(f"cannot use {replace!r} as the replacement: {error}") from None
        if count and new != entry.msgstr:
            changes.append(Change(entry.msgctxt or "", entry.msgid, entry.msgstr, new, count, state))
    return changes


def apply_replace(path: Path | str, changes: Sequence[Change], reviewer: str,
                  when: _dt.datetime | None = None) -> tuple[list[Change], str]:
    """Write a previewed replace; returns what was written, and any memory problem.

    Atomic: every change is written, or none is. A segment whose text is no
    longer the previewed ``old`` (someone saved it since) stops the whole
    replace with a one-line error, so that nothing unseen is overwritten.
    """
    from locwork import review  # review imports this module for its search

    path = Path(path)
    reviewer = review.clean_reviewer(reviewer)
    if not changes:
        return [], ""
    when = (when or _dt.datetime.now().astimezone()).astimezone()
    stamp = when.isoformat(timespec="seconds")
    written: list[tuple[Change, polib.POEntry, bool]] = []
    with catalog.edit(path, touch=False) as po:
        by_id = {e.msgctxt: e for e in _entries(po)}
        for change in changes:
            entry = by_id.get(change.segment)
            if entry is None or entry.msgstr != change.old:
                raise LocworkError(
                    f"{change.segment} changed since the preview; nothing was replaced: "
                    "preview again")
            new = review.clean_text(change.new, entry.msgid)
            if not new.strip():
                raise LocworkError(f"the replace would empty {change.segment}; nothing was replaced")
            approved = catalog.entry_state(entry) is State.APPROVED
            entry.msgstr = new
            catalog.set_state(entry, State.APPROVED if approved else State.EDITED)
            catalog.record_review(entry, reviewer, stamp)
            written.append((change, entry, approved))
        po.metadata["Last-Translator"] = reviewer
        po.metadata["PO-Revision-Date"] = catalog.gettext_date(when)
    memory = ""
    for change, entry, approved in written:
        history.append(path, {"time": stamp, "reviewer": reviewer, "segment": change.segment,
                              "action": "replace", "old": change.old, "new": entry.msgstr,
                              "state": catalog.entry_state(entry).value})
        if approved:
            memory = review.follow_in_memory(path, entry, approved=True, was_approved=True) or memory
    return [change for change, _, _ in written], memory
