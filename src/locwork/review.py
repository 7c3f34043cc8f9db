"""Reviewing a catalog: what the review screen shows, and saving without losing an edit.

Reading
    :func:`load_rows` pairs every translatable segment of a document with
    its catalog entry: the current text, the review state, the provenance
    (raw MT, route, n-best alternatives, quality scores) and the QA warnings
    (:mod:`locwork.qa`). :func:`filter_rows`, :func:`sort_rows` (worst
    first), :func:`progress`, :func:`diff_html` and :func:`other_routes`
    serve the rest of the screen.

Writing: no edit is ever lost
    :func:`save` is the only way the app changes a translation. It works
    under :func:`locwork.catalog.edit`, which locks the file, re-reads it
    from disk and writes it back atomically, so the app never holds a stale
    copy of the catalog that it writes back. It uses optimistic
    concurrency: the caller passes ``base``, the text the reviewer started
    from. If the entry's text on disk is neither ``base`` nor the new text,
    someone else changed it in the meantime: nothing is written and a
    :class:`Conflict` is returned with their text, name and time. The
    reviewer then keeps theirs, or saves again with ``base`` = their text.
    Two reviewers working on different segments never conflict: each save
    changes one entry of the file as it is on disk at that moment.

    Every save records who and when three times: the PO header
    (``Last-Translator``, ``PO-Revision-Date``), the entry
    (``#. locwork-reviewer``/``locwork-reviewed-at``) and the catalog's
    append-only history (:mod:`locwork.history`).
"""

from __future__ import annotations

import copy
import datetime as _dt
import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Iterable, Sequence

import polib

from locwork import atomic, catalog, constants, history, qa, review_store, search
from locwork.catalog import State
from locwork.document import Document
from locwork.errors import LocworkError
from locwork.glossary import Glossary
from locwork.services import ModelRow

SOURCE_LANG = constants.SOURCE_LANG
STATES = tuple(s.value for s in State)
SCORE_KEYS = ("qe", "hter")


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class Row:
    """One segment on the review screen (frozen: the app shares rows between sessions)."""

    id: str
    kind: str
    level: int | None
    source: str
    target: str
    state: str
    mt: str = ""
    alternatives: list[dict] = field(default_factory=list)
    route: str = ""
    engine: str = ""
    model: str = ""
    expected_chrf: float | None = None
    qe: float | None = None
    hter: float | None = None
    reviewer: str = ""
    reviewed_at: str = ""
    previous_source: str = ""
    lost: str = ""
    origin: str = ""  # "mt", or "tm 100%" / "tm 83%" for drafts from the memory
    tm_source: str = ""  # the memory's source a fuzzy draft came from
    comment: str = ""  # the translator comment (PO "# " lines), a note between reviewers
    warnings: list[qa.QAWarning] = field(default_factory=list)

    def score(self, key: str) -> float | None:
        return {"qe": self.qe, "hter": self.hter}.get(key)


def catalog_for(locales_dir: Path, lang: str, doc_name: str) -> Path:
    return catalog.catalog_path(locales_dir, lang, doc_name)


def languages(locales_dir: Path, doc_name: str) -> list[str]:
    """Languages that have a catalog for the document."""
    return catalog.document_languages(locales_dir, doc_name)


def find_entry(po: polib.POFile, segment_id: str) -> polib.POEntry | None:
    """The live (not obsolete) entry of a segment."""
    for entry in po:
        if not entry.obsolete and entry.msgctxt == segment_id:
            return entry
    return None



@lru_cache(maxsize=8192)
def _cached_check(source: str, target: str, lang: str, lost: str) -> tuple[qa.QAWarning, ...]:
    return tuple(qa.check(source, target, lang, None, lost or None))


def check_row(source: str, target: str, lang: str, glossary: Glossary | None = None,
              lost: str = "") -> list[qa.QAWarning]:
    """QA warnings of one segment (cached when there is no glossary)."""
    if glossary is None or not len(glossary):
        return list(_cached_check(source, target, lang, lost))
    return qa.check(source, target, lang, glossary, lost or None)


@lru_cache(maxsize=16384)
def _provenance(comment: str) -> catalog.Provenance:
    """An entry's provenance by its comment text: after a save only the saved entry's
    comment is new, so a review screen re-reads a catalog without parsing the others again.
    (Shared between rows: read, never changed.)"""
    return catalog.provenance(polib.POEntry(comment=comment))


def rows_from_catalog(doc: Document, po: polib.POFile | None, lang: str,
                      glossary: Glossary | None = None) -> list[Row]:
    """A Row for every translatable segment, in document order."""
    entries = {}
    if po is not None:
        entries = {e.msgctxt: e for e in po if not e.obsolete and e.msgctxt}
    rows = []
    for seg in doc.translatable:
        entry = entries.get(seg.id)
        if entry is None or entry.msgid != seg.text:
            rows.append(Row(seg.id, seg.kind, seg.level, seg.text, "", State.UNTRANSLATED.value,
                            warnings=[qa.QAWarning("empty", "not in the catalog yet: translate the document")]))
            continue
        info = _provenance(entry.comment or "")
        state = catalog.entry_state(entry).value
        target = entry.msgstr
        lost = info.mt_lost or ""
        rows.append(Row(
            id=seg.id, kind=seg.kind, level=seg.level, source=seg.text, target=target, state=state,
            mt=info.mt or "", alternatives=info.alternatives,
            route=info.route or "", engine=info.engine or "", model=info.model or "",
            expected_chrf=info.expected_chrf, qe=info.qe,
            hter=info.hter, reviewer=info.reviewer or "",
            reviewed_at=info.reviewed_at or "", previous_source=entry.previous_msgid or "",
            lost=lost, origin=info.origin or "", tm_source=info.tm_source or "",
            comment=entry.tcomment or "", warnings=check_row(seg.text, target, lang, glossary, lost),
        ))
    return rows


def load_rows(doc: Document, locales_dir: Path, lang: str,
              glossary: Glossary | None = None) -> list[Row]:
    """Rows of the document's catalog in ``lang`` (all untranslated if there is none)."""
    path = catalog_for(locales_dir, lang, doc.name)
    if not path.exists():
        return rows_from_catalog(doc, None, lang, glossary)
    with review_store.reading(path) as po:  # (the app: no new parse after its own save)
        return rows_from_catalog(doc, po, lang, glossary)


def filter_rows(
    rows: Iterable[Row],
    states: Sequence[str] = (),
    warning_codes: Sequence[str] = (),
    with_warnings: bool = False,
    score_key: str | None = None,
    score_range: tuple[float, float] | None = None,
    query: str = "",
) -> list[Row]:
    """Rows matching every given criterion.

    ``states``: any of them; ``warning_codes``: at least one warning of
    these kinds; ``with_warnings``: at least one warning of any kind;
    ``score_key``/``score_range``: rows with that score in the closed range
    (rows without the score are left out); ``query``: ignoring case and
    accents (``etat`` finds ``État``), in the source or the target (or the
    segment id).
    """
    needle = search.fold(query).strip()
    out = []
    for row in rows:
        if states and row.state not in states:
            continue
        codes = qa.codes(row.warnings)
        if with_warnings and not codes:
            continue
        if warning_codes and not codes & set(warning_codes):
            continue
        if score_key and score_range is not None:
            value = row.score(score_key)
            if value is None or not score_range[0] <= value <= score_range[1]:
                continue
        if needle and needle not in search.fold(row.source) and needle not in search.fold(row.target) \
                and needle != row.id.casefold():
            continue
        out.append(row)
    return out


ORDERS = ("document", "worst-first")


def sort_rows(rows: Iterable[Row], order: str = "document") -> list[Row]:
    """Rows in document order, or ``worst-first``.

    Worst first is :func:`locwork.estimate.review_order`'s order: the rows
    still to review (machine or edited, with a text) by estimate (``qe``)
    ascending, those without an estimate after them; then every other row
    (approved, untranslated). Ties keep document order.
    """
    rows = list(rows)
    if order == "document":
        return rows
    if order != "worst-first":
        raise ValueError(f"unknown order {order!r} (expected one of {', '.join(ORDERS)})")
    queue = (State.MACHINE.value, State.EDITED.value)

    def key(item: tuple[int, Row]) -> tuple:
        index, row = item
        if not (row.state in queue and row.target):
            return (True, True, 0.0, index)
        return (False, row.qe is None, row.qe if row.qe is not None else 0.0, index)

    return [row for _, row in sorted(enumerate(rows), key=key)]


@dataclass(frozen=True)
class Progress:
    total: int
    counts: dict

    @property
    def approved(self) -> int:
        return self.counts.get("approved", 0)

    @property
    def fraction(self) -> float:
        return self.approved / self.total if self.total else 0.0


def progress(rows: Sequence[Row]) -> Progress:
    counts = Counter(r.state for r in rows)
    return Progress(len(rows), {s: counts.get(s, 0) for s in STATES})


def next_segment(rows: Sequence[Row], current: str, skip_approved: bool = True) -> str | None:
    """The segment after ``current`` (wrapping), preferring ones not yet approved."""
    ids = [r.id for r in rows]
    if not ids:
        return None
    start = ids.index(current) + 1 if current in ids else 0
    order = [r for r in list(rows[start:]) + list(rows[:start]) if r.id != current]
    if not order:
        return None
    if skip_approved:
        for row in order:
            if row.state != State.APPROVED.value:
                return row.id
    return order[0].id


# ------------------------------------------------------------------- diffs

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def diff_html(old: str, new: str) -> str:
    """Word-level diff, every piece of text escaped: ``<del>`` old, ``<ins>`` new."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return "".join(out)


# ------------------------------------------------------------------ writing


@dataclass(frozen=True)
class Saved:
    """A save that went through."""

    segment: str
    text: str
    old: str
    state: str
    reviewer: str
    time: str
    action: str
    memory: str = ""  # why the translation memory could not follow, if it could not


@dataclass(frozen=True)
class Conflict:
    """Someone else changed the segment since the reviewer opened it; nothing was written."""

    segment: str
    base: str
    mine: str
    theirs: str
    their_reviewer: str | None
    their_time: str | None
    their_state: str


class _Abort(Exception):
    def __init__(self, conflict: Conflict) -> None:
        self.conflict = conflict


class _Unchanged(Exception):
    """A save of the text already there: leaves the catalog without writing it."""

    def __init__(self, saved: Saved) -> None:
        self.saved = saved


def _now() -> _dt.datetime:
    return _dt.datetime.now().astimezone()


def clean_reviewer(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise LocworkError("enter your name first: every edit records its reviewer")
    if len(name) > 100:
        raise LocworkError("the reviewer name is too long (100 characters at most)")
    return name


def clean_text(text: str, msgid: str) -> str:
    """Normalise line ends; keep leading/trailing newlines only where the msgid has them
    (``msgfmt --check`` requires both to agree)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not msgid.endswith("\n"):
        text = text.rstrip("\n")
    if not msgid.startswith("\n"):
        text = text.lstrip("\n")
    return text


def save(
    path: Path | str,
    segment_id: str,
    text: str,
    base: str,
    reviewer: str,
    approve: bool = False,
    when: _dt.datetime | None = None,
    source: str | None = None,
) -> Saved | Conflict:
    """Save one segment's translation (and approve it if asked).

    ``base`` is the text the reviewer started from. If the text on disk is
    neither ``base`` nor ``text``, nothing is written and a
    :class:`Conflict` comes back. Saving keeps the entry fuzzy (state
    ``edited``; an empty text makes it ``untranslated``); approving clears
    fuzzy (state ``approved``). A save (not an approval) of the text already
    there writes nothing and comes back with ``action == "unchanged"``: a
    reviewer who clicks Save without editing has not edited the machine output.
    ``source``, if given, is the source text the reviewer saw: if the
    catalog's msgid differs (the document changed and the catalog was not
    re-translated yet), nothing is written and LocworkError says so.
    """
    path = Path(path)
    reviewer = clean_reviewer(reviewer)
    when = (when or _now()).astimezone()
    stamp = when.isoformat(timespec="seconds")
    action = "approve" if approve else "save"
    if not path.exists():
        raise LocworkError(f"{path}: no catalog yet; translate the document first")
    try:
        with atomic.locked(path):  # re-entrant: review_store.edit takes it again inside
            with review_store.edit(path) as po:  # (no new parse when this process wrote it last)
                entry = find_entry(po, segment_id)
                if entry is None:
                    raise LocworkError(f"segment {segment_id} is not in {path.name} (re-translate the document)")
                if source is not None and entry.msgid != source:
                    raise LocworkError(
                        f"the source of {segment_id} changed since the catalog was made; "
                        "translate the document again (Translate page) before editing it")
                new = clean_text(text, entry.msgid)
                current = entry.msgstr
                was_approved = catalog.entry_state(entry) == State.APPROVED
                if current != clean_text(base, entry.msgid) and current != new:
                    raise _Abort(Conflict(
                        segment=segment_id, base=base, mine=new, theirs=current,
                        their_reviewer=catalog.provenance(entry).reviewer,
                        their_time=catalog.provenance(entry).reviewed_at,
                        their_state=catalog.entry_state(entry).value,
                    ))
                if not approve and new == current:
                    raise _Unchanged(Saved(segment_id, new, current, catalog.entry_state(entry).value,
                                           reviewer, stamp, "unchanged"))
                if approve and not new.strip():
                    raise LocworkError("an empty translation cannot be approved")
                if not new.strip():
                    catalog.set_state(entry, State.UNTRANSLATED)
                else:
                    entry.msgstr = new
                    catalog.set_state(entry, State.APPROVED if approve else State.EDITED)
                state = catalog.entry_state(entry).value
                catalog.record_review(entry, reviewer, stamp)
                po.metadata["Last-Translator"] = reviewer
                po.metadata["PO-Revision-Date"] = catalog.gettext_date(when)
                entry = copy.deepcopy(entry)  # the kept catalog's entry is edited by the next save
            history.append(path, {
                "time": stamp, "reviewer": reviewer, "segment": segment_id, "action": action,
                "old": current, "new": new, "state": state,
            })
    except _Abort as abort:
        return abort.conflict
    except _Unchanged as unchanged:  # nothing written: the catalog and its history stay as they were
        return unchanged.saved
    return Saved(segment_id, new, current, state, reviewer, stamp, action,
                 follow_in_memory(path, entry, approved=state == State.APPROVED.value,
                                  was_approved=was_approved))


@dataclass(frozen=True)
class BatchApproval:
    """What :func:`approve_many` did: approved ids, and those it left, with why."""

    approved: list[str]
    already: list[str]
    changed: list[str]  # someone saved them since the list was shown: left alone
    empty: list[str]
    memory: str = ""

    def summary(self) -> str:
        parts = [f"{len(self.approved)} approved"]
        if self.already:
            parts.append(f"{len(self.already)} already approved")
        if self.changed:
            parts.append(f"{len(self.changed)} changed since you saw them, left alone: "
                         + ", ".join(self.changed[:5]) + ("…" if len(self.changed) > 5 else ""))
        if self.empty:
            parts.append(f"{len(self.empty)} without a translation")
        return "; ".join(parts)


def approve_many(path: Path | str, seen: Sequence[tuple[str, str]], reviewer: str,
                 when: _dt.datetime | None = None) -> BatchApproval:
    """Approve a reviewed list in one write: ``seen`` is (segment id, text shown) pairs.

    Only a segment whose text on disk is still the one the reviewer saw is
    approved, so a batch never approves a text nobody looked at (another
    reviewer's newer save is left for them to see). One lock, one atomic
    write, one history record per approved segment.
    """
    path = Path(path)
    reviewer = clean_reviewer(reviewer)
    when = (when or _now()).astimezone()
    stamp = when.isoformat(timespec="seconds")
    if not path.exists():
        raise LocworkError(f"{path}: no catalog yet; translate the document first")
    approved, already, changed, empty = [], [], [], []
    done: list[polib.POEntry] = []
    with catalog.edit(path, touch=False) as po:
        entries = {e.msgctxt: e for e in po if not e.obsolete and e.msgctxt}
        for segment_id, text in seen:
            entry = entries.get(segment_id)
            if entry is None or entry.msgstr != text:
                changed.append(segment_id)
            elif not entry.msgstr.strip():
                empty.append(segment_id)
            elif catalog.entry_state(entry) is State.APPROVED:
                already.append(segment_id)
            else:
                catalog.record_review(entry, reviewer, stamp, State.APPROVED)
                approved.append(segment_id)
                done.append(entry)
        if approved:
            po.metadata["Last-Translator"] = reviewer
            po.metadata["PO-Revision-Date"] = catalog.gettext_date(when)
    memory = ""
    for entry in done:
        history.append(path, {"time": stamp, "reviewer": reviewer, "segment": entry.msgctxt,
                              "action": "approve", "old": entry.msgstr, "new": entry.msgstr,
                              "state": State.APPROVED.value})
        memory = follow_in_memory(path, entry, approved=True, was_approved=False) or memory
    return BatchApproval(approved, already, changed, empty, memory)


def set_comment(path: Path | str, segment_id: str, comment: str, reviewer: str) -> str:
    """Set a segment's translator comment (the PO ``# `` lines); returns the comment saved.

    A comment is a note between reviewers ("check this name with the
    author"); it never changes the translation or its state.
    """
    path = Path(path)
    reviewer = clean_reviewer(reviewer)
    text = "\n".join(line.rstrip() for line in (comment or "").replace("\r\n", "\n")
                     .replace("\r", "\n").strip().split("\n"))
    if len(text) > 2000:
        raise LocworkError("a comment is 2000 characters at most")
    if not path.exists():
        raise LocworkError(f"{path}: no catalog yet; translate the document first")
    with catalog.edit(path, touch=False) as po:
        entry = find_entry(po, segment_id)
        if entry is None:
            raise LocworkError(f"segment {segment_id} is not in {path.name} (re-translate the document)")
        old = entry.tcomment or ""
        entry.tcomment = text
    if old != text:
        history.append(path, {"time": _now().isoformat(timespec="seconds"), "reviewer": reviewer,
                              "segment": segment_id, "action": "comment", "old": old, "new": text,
                              "state": catalog.entry_state(entry).value})
    return text


def follow_in_memory(path: Path, entry: polib.POEntry, approved: bool, was_approved: bool) -> str:
    """Keep the project's translation memory in step with an approval.

    The catalog is already saved: a memory problem must not undo the save,
    so it comes back as a message for the reviewer instead.
    """
    from locwork import tm

    try:
        with review_store.memory(path, create=approved) as memory:  # kept open between saves
            if approved:
                tm.record_approval(memory, path, entry)
            elif was_approved and memory is not None:
                tm.forget_segment(memory, path, entry.msgctxt, entry.msgid)
    except LocworkError as error:
        return f"translation memory not updated: {error}"
    return ""


def current(path: Path | str, segment_id: str) -> Row | None:
    """The segment as it is on disk now (text, state, reviewer), or None."""
    po = catalog.load(path)
    entry = find_entry(po, segment_id)
    if entry is None:
        return None
    info = catalog.provenance(entry)
    return Row(segment_id, info.kind or "sentence", None, entry.msgid, entry.msgstr,
               catalog.entry_state(entry).value, mt=info.mt or "",
               reviewer=info.reviewer or "", reviewed_at=info.reviewed_at or "")


# ------------------------------------------------------- engines and routes


def reachable_languages(graph: dict, src: str = SOURCE_LANG,
                        max_hops: int = constants.SIGNAL_MAX_HOPS) -> list[str]:
    """Every language some route of at most ``max_hops`` reaches (the router's answer)."""
    from locwork.routing import Router

    return Router(graph).reachable(src, max_hops)


@dataclass
class Alternative:
    """Another route's translation of one segment."""

    route: str
    spec: str
    expected_chrf: float
    text: str = ""
    error: str = ""


def other_routes(engines, lang: str, source: str, glossary: Glossary | None = None,
                 exclude: str | None = None, limit: int = 3) -> list[Alternative]:
    """Translate one segment through the best ``limit`` routes other than ``exclude``."""
    from locwork import pipeline
    from locwork.routing import Router

    found = []
    for route in Router.of(engines).alternatives(SOURCE_LANG, lang, exclude, limit):
        alternative = Alternative(str(route), route.spec(), route.expected_chrf)
        try:
            alternative.text = pipeline.run_route(engines, route, [source], glossary)[0].text
        except LocworkError as error:
            alternative.error = str(error)
        found.append(alternative)
    return found


def catalog_route(path: Path) -> str | None:
    """The route most entries of a catalog were translated with."""
    if not path.exists():
        return None
    routes = Counter(catalog.provenance(e).route for e in catalog.load(path) if not e.obsolete)
    routes.pop(None, None)
    return routes.most_common(1)[0][0] if routes else None


def follow_segmentation(doc: Document, locales_dir: Path, engines=None, root: Path | None = None,
                        glossary: Glossary | None = None) -> list[str]:
    """Bring every catalog of the document in line with its (re-cut) segments.

    With engines, new and changed segments are machine-translated through
    the route the catalog was made with (``pipeline.translate_document``,
    as ``locwork translate`` does); without, they are only merged in, as
    untranslated entries. Human translations are never lost: an edited
    segment whose text changed keeps its translation, fuzzy, with the old
    source as previous msgid; segments that disappeared become obsolete.
    Returns one line per catalog.
    """
    from locwork import pipeline

    done = []
    for lang in languages(locales_dir, doc.name):
        path = catalog_for(locales_dir, lang, doc.name)
        if engines is not None:
            spec = catalog_route(path)
            try:
                route = pipeline.choose_route(engines, SOURCE_LANG, lang, route_spec=spec)
            except LocworkError:
                route = pipeline.choose_route(engines, SOURCE_LANG, lang)
            report = pipeline.translate_document(doc, lang, route, engines, locales_dir, glossary,
                                                 root=root)
            done.append(f"{lang}: {report.translated} segment(s) translated through {route}")
        else:
            reference = pipeline.source_reference(doc, root)
            with catalog.edit(path) as po:
                todo = pipeline.plan_entries(po, doc, reference)
            done.append(f"{lang}: {len(todo)} segment(s) to translate")
    return done


# ------------------------------------------------------------------ models


def installed_models(engines) -> tuple[list[ModelRow], dict[str, str]]:
    """Every (engine, pair, model version) that works, and the engines that do not."""
    from locwork.services import list_models

    listing = list_models(engines)
    return listing.rows, listing.problems


def install_argos_upload(name: str, data: bytes, engine=None):
    """Install an uploaded ``.argosmodel``; return what was installed.

    Messages name the upload by its own (checked) name, never the temporary
    file it is saved to.
    """
    import tempfile

    from locwork.filenames import check_plain_name

    name = check_plain_name(name)
    if not name.lower().endswith(".argosmodel"):
        raise LocworkError(f"{name}: expected an .argosmodel file")
    if engine is None:
        from locwork.engines.argos import ArgosEngine

        engine = ArgosEngine()
    with tempfile.TemporaryDirectory(prefix="locwork-upload-") as tmp:
        path = Path(tmp) / "upload.argosmodel"
        path.write_bytes(data)
        return engine.install_from_path(path, name=name)


# ------------------------------------------------------- translation memory


def memory_matches(locales_dir: Path, source: str, lang: str,
                   threshold: float = constants.DEFAULT_TM_THRESHOLD,
                   limit: int = 5) -> list:
    """The memory's matches for a source (exact first), or [] when there is no memory yet."""
    from locwork import services, tm

    return services.memory_matches(tm.default_path(locales_dir), source, lang,
                                   threshold=threshold, limit=limit, missing_ok=True)


def memory_search(locales_dir: Path, query: str, lang: str | None = None, limit: int = 50) -> list:
    """Concordance: units of the memory whose source or target holds ``query``."""
    from locwork import tm

    path = tm.default_path(locales_dir)
    if not tm.present(path):
        raise LocworkError("the translation memory is empty: approve segments to fill it")
    with tm.open_tm(path, create=False) as memory:
        return memory.concordance(query, lang, limit)


def consistency_findings(doc: Document, locales_dir: Path, lang: str) -> list:
    """The consistency findings (not the per-segment QA) that concern one language."""
    from locwork import services

    report = services.qa_report(doc.name, locales_dir, segment_checks=False)
    return [f for f in report.findings if f.lang in (None, lang)]
