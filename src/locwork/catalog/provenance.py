"""Provenance: every ``#. locwork-<key>`` key declared once, with its type, and its writers.

A key is a field of :class:`Provenance`: its name is the key with ``-``
for ``_`` (``expected-chrf`` -> ``expected_chrf``), its annotation the
type readers get, and ``_FORMATS`` how a number is written, so that the
bytes in the catalog stay what they were.  Modules outside ``catalog/``
read :class:`Provenance` (or :class:`Entry`) fields and write through the
``record_*`` functions: they never spell a key.

A new key touches exactly: one field here (plus its format if it is a
number), the ``record_*`` function that writes it, and the readers that
show it.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import polib

from locwork.catalog.meta import get_meta, meta, update_meta
from locwork.catalog.states import State, entry_state, flag_state, set_state

# How numbers are written: a reader gets a float, a writer passes one.
_FORMATS = {
    "expected_chrf": "{:.1f}",
    "mt_score": "{:.4f}",
    "qe": "{:.2f}",
    "hter": "{:.1f}",
    "chrf": "{:.1f}",
    "chrfpp": "{:.1f}",
}
MT_KEYS = ("mt", "route", "engine", "model", "expected-chrf", "mt-lost", "mt-score", "alternatives")
"""What machine translation wrote: removed when a memory draft replaces it."""
SCORE_KEYS = ("hter", "chrf", "chrfpp", "sig-ter", "sig-chrf", "sig-chrfpp")
"""Post-editing scores: removed when they would be stale."""
SIGNATURE_PREFIX = "sig-"
SCORE_LABELS = {
    "hter": "HTER",
    "ter": "TER",
    "chrf": "chrF",
    "chrfpp": "chrF++",
    "bleu": "BLEU",
    "comet": "COMET",
    "qe": "QE",
    "expected-chrf": "expected chrF",
}
"""Keys shown as scores in a review sheet, in this order, with labels (ter, bleu, comet: foreign)."""
_NOT_PROPS = ("mt", "alternatives", "mt-lost", "qe-signals")


def to_float(value: str | None) -> float | None:
    """A stored number, or None when absent, empty or not a number (a hand-edited catalog)."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _alternatives(value: str | None) -> list[dict[str, Any]]:
    if not value:
        return []
    try:
        data = json.loads(value)
    except ValueError:
        return []
    if not isinstance(data, list):
        return []
    return [a for a in data if isinstance(a, dict) and isinstance(a.get("text"), str)]


@dataclass(frozen=True)
class Provenance:
    """The typed ``locwork-`` lines of one entry (None: the line is absent)."""

    state: str | None = None  # written by set_state only; read entry_state()
    origin: str | None = None  # "mt", "tm 100%", "tm 83%"
    kind: str | None = None  # "heading" or "sentence"
    level: int | None = None  # heading level
    mt: str | None = None  # the raw machine translation
    route: str | None = None
    engine: str | None = None
    model: str | None = None
    expected_chrf: float | None = None
    mt_lost: str | None = None  # what the engine dropped, "; "-separated
    mt_score: float | None = None
    alternatives: list[dict[str, Any]] = field(default_factory=list)  # [{"text", "score"}]
    tm_ref: str | None = None  # document/segment of the memory unit
    tm_source: str | None = None  # the memory's source of a fuzzy match
    reviewer: str | None = None
    reviewed_at: str | None = None
    qe: float | None = None
    qe_signals: str | None = None
    hter: float | None = None
    chrf: float | None = None
    chrfpp: float | None = None
    sig_ter: str | None = None
    sig_chrf: str | None = None
    sig_chrfpp: str | None = None
    raw: dict[str, str] = field(default_factory=dict, compare=False)
    """Every ``locwork-`` value as written, in file order (declared or not): exports copy it."""

    @classmethod
    def from_meta(cls, values: Mapping[str, str]) -> Provenance:
        """Parse raw values; a malformed number reads as None rather than failing."""
        typed: dict[str, Any] = {}
        for name in _FIELDS:
            value = values.get(key_of(name))
            if name in _FORMATS:
                typed[name] = to_float(value)
            elif name == "level":
                typed[name] = _int(value)
            elif name == "alternatives":
                typed[name] = _alternatives(value)
            else:
                typed[name] = value
        return cls(**typed, raw=dict(values))

    def notes(self) -> dict[str, str]:
        """The raw values an export writes as notes (the state is exported as such)."""
        return {k: v for k, v in self.raw.items() if k != "state"}

    def scores(self) -> list[tuple[str, str]]:
        """(label, value as written) of the scores present, in :data:`SCORE_LABELS` order."""
        return [(label, self.raw[key]) for key, label in SCORE_LABELS.items() if self.raw.get(key)]

    def props(self) -> dict[str, str]:
        """Non-empty notes worth a property in a memory exchange (TMX): no raw MT, no signatures."""
        return {
            k: v for k, v in self.notes().items() if v and k not in _NOT_PROPS and not k.startswith(SIGNATURE_PREFIX)
        }

    def signatures(self) -> dict[str, str]:
        """sacrebleu signatures by metric key (``ter``, ``chrf``, ``chrfpp``)."""
        return {k[len(SIGNATURE_PREFIX) :]: v for k, v in self.raw.items() if k.startswith(SIGNATURE_PREFIX) and v}


_FIELDS = tuple(f.name for f in dataclasses.fields(Provenance) if f.name != "raw")


def key_of(name: str) -> str:
    """The ``locwork-`` key of a :class:`Provenance` field (``expected_chrf`` -> ``expected-chrf``)."""
    return name.replace("_", "-")


KEYS = tuple(key_of(name) for name in _FIELDS)
"""Every declared key."""


def provenance(entry: polib.POEntry) -> Provenance:
    """The entry's provenance, typed."""
    return Provenance.from_meta(meta(entry))


def _write(entry: polib.POEntry, **values: object) -> None:
    """Set (None: remove) declared fields in one pass, formatting numbers as they are always written."""
    lines: dict[str, str | None] = {}
    for name, value in values.items():
        if name not in _FIELDS:
            raise TypeError(f"undeclared provenance field {name!r}: declare it in Provenance")
        if value is None:
            lines[key_of(name)] = None
        elif name in _FORMATS:
            lines[key_of(name)] = _FORMATS[name].format(value)
        else:
            lines[key_of(name)] = str(value)
    update_meta(entry, lines)


# --------------------------------------------------------------- writers


def record_segment(entry: polib.POEntry, kind: str, level: int | None) -> None:
    """What the document says the segment is (a heading and its level, or a sentence)."""
    _write(entry, kind=kind, level=level or None)  # one pass over the comment lines


def record_mt(
    entry: polib.POEntry,
    text: str,
    *,
    route: str,
    engine: str,
    model: str,
    expected_chrf: float,
    lost: Sequence[str] = (),
    score: float | None = None,
    alternatives: Sequence[tuple[str, float | None]] = (),
) -> None:
    """Store machine output and its provenance; the translation too unless a human wrote one."""
    # The draft's own fields (when it is not human work) come first, as two
    # writes in a row would put them; one pass over the comment lines.
    draft: dict[str, object] = {}
    if entry_state(entry) not in (State.EDITED, State.APPROVED):
        entry.msgstr = text
        flag_state(entry, State.MACHINE)  # its state line goes with the others, first
        draft = {"state": State.MACHINE.value, "origin": "mt", "tm_ref": None, "tm_source": None}
    alts = [{"text": t, "score": None if s is None else round(s, 4)} for t, s in alternatives]
    _write(
        entry,
        **draft,
        mt=text,
        route=route,
        engine=engine,
        model=model,
        expected_chrf=expected_chrf,
        mt_lost="; ".join(lost) or None,
        mt_score=score,
        alternatives=json.dumps(alts, ensure_ascii=False) if alts else None,
    )


def record_pretranslation(entry: polib.POEntry, *, route: str, model: str) -> None:
    """A machine draft of a foreign catalog (its msgstr already set): state and route, no raw MT."""
    flag_state(entry, State.MACHINE)
    _write(entry, state=State.MACHINE.value, origin="mt", route=route, model=model)


def forget_mt(entry: polib.POEntry) -> None:
    """Drop the raw MT of an entry whose source changed (it was for the old source)."""
    _write(entry, mt=None)


def record_tm_draft(entry: polib.POEntry, target: str, *, origin: str, ref: str | None, source: str | None) -> None:
    """Make the entry a draft taken from memory; MT provenance of an older draft goes."""
    entry.msgstr = target
    flag_state(entry, State.MACHINE)
    # One pass over the comment lines, in the order two writes would leave them.
    _write(
        entry,
        state=State.MACHINE.value,
        **{name.replace("-", "_"): None for name in MT_KEYS},
        origin=origin,
        tm_ref=ref or None,
        tm_source=source,
    )


def record_review(entry: polib.POEntry, reviewer: str, at: str, state: State | None = None) -> None:
    """Who changed or approved the entry, and when (ISO time); with ``state``, set it first."""
    if state is not None:
        set_state(entry, state)
    _write(entry, reviewer=reviewer, reviewed_at=at)


def record_scores(entry: polib.POEntry, hter: float, chrf: float, chrfpp: float, signatures: Mapping[str, str]) -> None:
    """Post-editing scores of a reviewed entry; ``signatures`` by metric key (ter, chrf, chrfpp)."""
    _write(entry, hter=hter, chrf=chrf, chrfpp=chrfpp)
    _write(entry, **{f"sig_{metric}": sig for metric, sig in signatures.items()})


def clear_scores(entry: polib.POEntry) -> None:
    """Remove stale post-editing scores (an entry no longer reviewed)."""
    present = [key for key in SCORE_KEYS if get_meta(entry, key) is not None]
    if present:
        _write(entry, **{key.replace("-", "_"): None for key in present})


def record_qe(entry: polib.POEntry, qe: float | None, signals: str) -> None:
    """The reference-free quality estimate and the signals it came from."""
    _write(entry, qe=qe, qe_signals=signals)


def merge_notes(entry: polib.POEntry, values: Mapping[str, str], overwrite: bool) -> list[str]:
    """Provenance notes read back from an exchange file (XLIFF); returns keys that are not valid keys.

    Undeclared but well-formed keys are kept too (a newer locwork may have
    written them); ``overwrite=False`` fills only the lines the entry lacks.
    """
    rejected: list[str] = []
    for key, value in values.items():
        try:
            if not overwrite and get_meta(entry, key) is not None:
                continue
            update_meta(entry, {key: value})
        except ValueError:
            rejected.append(key)
    return rejected
