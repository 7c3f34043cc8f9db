"""Machine translation from source texts to catalogs, for the CLI and the app.

``run_route`` sends sentences through every hop of a route, in chunks (so
memory stays flat and progress can be shown), protecting names, URLs and
glossary terms across hops. ``translate_document`` plans what a catalog
needs, translates only that, and merges the result the way ``msgmerge``
would, under the catalog's lock, without touching a human's work.
"""

from __future__ import annotations

import copy
import hashlib
import re
import threading
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

import polib

from locwork import atomic, catalog, overlap, protect
from locwork.catalog import State
from locwork.document import Document, Segment
from locwork.engines.base import Hypothesis
from locwork.engines.registry import Engines
from locwork.glossary import Glossary
from locwork.errors import LocworkError
from locwork.routing import DEFAULT_MAX_HOPS, Hop, Route, Router, build_graph

if TYPE_CHECKING:
    from locwork.tm import Location, MemoryStore

CHUNK = 512
Progress = Callable[[int], None]
MTRunner = Callable[[Sequence[str], "Progress | None"], "list[MTResult]"]  # texts -> one result each
#: Engine outputs by ((engine, src, tgt, n_best), input text): see :func:`route_chunk`.
HopCache = dict[tuple[tuple[str, str, str, int], str], list[Hypothesis]]


@dataclass
class MTResult:
    """The machine translation of one sentence."""

    text: str
    alternatives: list[Hypothesis] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)


def chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def route_chunk(
    engines: Engines,
    route: Route,
    texts: Sequence[str],
    glossary: Glossary | None = None,
    n_best: int = 1,
    software: bool = False,
    hop_cache: HopCache | None = None,
) -> list[MTResult]:
    """Translate one batch through every hop of the route.

    With ``hop_cache``, the engines' output of every hop is kept and
    reused: routes that share a prefix (fr→ca, fr→ca→es and fr→ca→es→gl)
    translate that prefix once per sentence. Only the engine's raw output
    is shared; masks and their restoration stay per route.
    """
    masks = [protect.mask(text, glossary, route.tgt, software) for text in texts]
    current = [m.text for m in masks]
    results: list[MTResult] = []
    for index, hop in enumerate(route.hops):
        last = index == len(route.hops) - 1
        todo = [i for i, text in enumerate(current) if text.strip()]
        outputs = _translate_hop(engines, hop, [current[i] for i in todo],
                                 n_best if last else 1, hop_cache, [masks[i] for i in todo])
        by_index = dict(zip(todo, outputs))
        if not last:
            current = [by_index[i][0].text if i in by_index else "" for i in range(len(current))]
            continue
        for i in range(len(current)):
            hypotheses = by_index.get(i) or [Hypothesis("")]
            text, lost = protect.unmask(hypotheses[0].text, masks[i])
            alternatives = [
                Hypothesis(protect.unmask(h.text, masks[i])[0], h.score) for h in hypotheses
            ]
            results.append(MTResult(text, alternatives, lost))
    return results


def _translate_hop(engines: Engines, hop: Hop, texts: list[str], n_best: int,
                   cache: HopCache | None, masks: list) -> list[list[Hypothesis]]:
    """One engine call for the texts of one hop, skipping those the cache already holds.

    Placeholders are guarded on every hop (a text that lost one is translated
    again between them). Names are checked after the hop (protection on
    demand, against each text's source), so only the engine's plain output is
    cached; a neural hop, whose retries also depend on the source, is not.
    """
    translate = partial(engines.get(hop.engine).translate_batch, src=hop.src, tgt=hop.tgt,
                        n_best=n_best)
    if hop.engine in protect.NEURAL_ENGINES:
        return protect.neural_hop(translate, texts, masks)
    if cache is None:
        return protect.keep_names(translate, texts, protect.guard(translate, texts), masks)
    step = (hop.engine, hop.src, hop.tgt, n_best)
    with _step_lock(step):  # a prefix shared by targets run at once: translated once
        missing = list(dict.fromkeys(t for t in texts if (step, t) not in cache))
        if missing:
            for text, output in zip(missing, protect.guard(translate, missing)):
                cache[(step, text)] = output
    return protect.keep_names(translate, texts, [cache[(step, t)] for t in texts], masks)


_STEP_LOCKS: dict[tuple[str, str, str, int], threading.Lock] = {}
_STEP_LOCKS_LOCK = threading.Lock()


def _step_lock(step: tuple[str, str, str, int]) -> threading.Lock:
    """One lock per engine step, so that two threads never translate the same cached step at once."""
    with _STEP_LOCKS_LOCK:
        return _STEP_LOCKS.setdefault(step, threading.Lock())


def run_route(
    engines: Engines,
    route: Route,
    texts: Sequence[str],
    glossary: Glossary | None = None,
    n_best: int = 1,
    progress: Progress | None = None,
    chunk_size: int = CHUNK,
    software: bool = False,
    hop_cache: HopCache | None = None,
) -> list[MTResult]:
    """Translate every text through the route, chunk by chunk.

    The chunks of a route of several Apertium hops overlap: chunk k+1 is in
    hop 1 while chunk k is in hop 2 (see :func:`locwork.overlap.in_order`).
    """
    parts = list(chunks(texts, chunk_size))
    depth = len(route.hops) if overlap.concurrent_route(route) else 1
    work = partial(_chunk_of, engines, route, glossary, n_best, software, hop_cache)
    results: list[MTResult] = []
    for chunk, done in zip(parts, overlap.in_order(work, parts, depth)):
        results.extend(done)
        if progress is not None:
            progress(len(chunk))
    return results


def _chunk_of(engines: Engines, route: Route, glossary: Glossary | None, n_best: int, software: bool,
              hop_cache: HopCache | None, texts: Sequence[str]) -> list[MTResult]:
    return route_chunk(engines, route, texts, glossary, n_best, software, hop_cache)


def choose_route(
    engines: Engines,
    src: str,
    tgt: str,
    engine: str | None = None,
    route_spec: str | None = None,
    max_hops: int = DEFAULT_MAX_HOPS,
) -> Route:
    """The pinned route if any, else the best route (see :meth:`Router.choose`).

    A route that names its engines (``apertium:fr-es,...``) is checked
    against those engines only (see :func:`pinned_graph`).
    """
    graph = pinned_graph(engines, route_spec)
    router = Router(graph) if graph is not None else Router.of(engines)
    return router.choose(src, tgt, engine, route_spec, max_hops)


def pinned_graph(engines: Engines, route_spec: str | None) -> dict[str, list[Hop]] | None:
    """The graph of only the engines a pinned route names (``apertium:fr-es,...``).

    Starting every engine to check one Apertium hop costs more CPU than
    segmenting the document (argostranslate and Bergamot are imported and
    their models listed). None when the route does not name its engines.
    """
    if not route_spec or ":" not in route_spec:
        return None
    names = sorted({part.split(":", 1)[0].strip() for part in route_spec.split(",")})
    if not set(names) <= set(engines.names):
        return None  # an unknown engine: the full graph gives the usual error
    pairs: dict[str, list] = {}
    for name in names:
        try:
            pairs[name] = list(engines.get(name).pairs())
        except LocworkError as error:
            engines.problems[name] = str(error)
    return build_graph(pairs)


def model_versions(engines: Engines, route: Route) -> str:
    return " | ".join(engines.get(h.engine).model_version(h.src, h.tgt) for h in route.hops)


# ---------------------------------------------------------------- catalogs


def source_reference(doc: Document, root: Path | None = None) -> str:
    """The document path as it should appear in ``#:`` references."""
    if doc.path is None:
        return doc.name
    path = doc.path.resolve()
    if root is not None:
        try:
            return str(path.relative_to(root.resolve()))
        except ValueError:
            pass
    return str(doc.path)


def segment_line(doc: Document, seg: Segment) -> int:
    return doc.blocks[seg.paragraph].line


def needs_mt(entry: polib.POEntry) -> bool:
    """Untranslated, or a human translation of a changed source with no fresh MT yet."""
    if catalog.is_untranslated(entry):
        return True
    if not entry.previous_msgid:  # the usual case, decided without reading the comment lines
        return False
    return catalog.entry_state(entry) == State.EDITED and catalog.provenance(entry).mt is None


FUZZY_THRESHOLD = 60.0  # msgmerge's fuzzy threshold (0.6), on a 0-100 scale
FUZZY_PAIRS_LIMIT = 4_000_000  # beyond, changed sentences are sought in their own paragraph only
_SEGMENT_ID = re.compile(r"^p(\d+)\.s\d+$")
_WORD = re.compile(r"\w+|[^\w\s]")


def _paragraph_of(msgctxt: str | None) -> int | None:
    """The paragraph number of a positional id ``p3.s2`` (None for foreign contexts)."""
    found = _SEGMENT_ID.match(msgctxt or "")
    return int(found.group(1)) if found else None


def _human(entry: polib.POEntry) -> bool:
    return catalog.entry_state(entry) in (State.EDITED, State.APPROVED)


def similarity(old: str, new: str) -> float:
    """How alike two versions of a sentence are, 0-100.

    msgmerge compares characters (fstrcmp, fuzzy at 0.6); short sentences
    share many characters while saying different things ("Autre phrase."
    / "Nouvelle phrase." is 69%), so the word-level ratio must agree too:
    the lower of the two counts.
    """
    from rapidfuzz import fuzz  # only when sentences changed: a first run never compares (9 ms of imports)

    chars = fuzz.ratio(old, new)
    if chars < FUZZY_THRESHOLD:
        return chars
    return min(chars, fuzz.ratio(_WORD.findall(old.casefold()), _WORD.findall(new.casefold())))


@dataclass
class Match:
    """The old entry a new segment takes over, and how it was found."""

    entry: polib.POEntry
    how: str  # "exact", "revived" (an obsolete entry comes back) or "fuzzy"


def match_entries(old: Sequence[polib.POEntry], segments: Sequence[Segment]) -> dict[int, Match]:
    """Pair the segments (by index) with old entries, msgmerge-like, in passes.

    1. the same text in the same paragraph (several: paired in order);
    2. the same text anywhere in the document, then among obsolete entries;
    3. for a segment still without one: the most similar unpaired live
       entry (:func:`similarity` at least :data:`FUZZY_THRESHOLD`), one of
       the same paragraph first, then the closest in position.

    A translation therefore belongs to its source sentence: it follows the
    sentence wherever it moves, and only reaches another sentence when that
    one is the same sentence changed.
    """
    live = [e for e in old if not e.obsolete]
    dead = [e for e in old if e.obsolete]
    found: dict[int, Match] = {}
    used: set[int] = set()

    def exact(candidates: Iterable[polib.POEntry], key, how: str) -> None:
        pools: dict = {}
        for entry in candidates:
            if id(entry) not in used:
                pools.setdefault(key(entry.msgid, _paragraph_of(entry.msgctxt)), []).append(entry)
        for index, seg in enumerate(segments):
            pool = pools.get(key(seg.text, seg.paragraph + 1))
            if index in found or not pool:
                continue
            entry = pool.pop(0)
            used.add(id(entry))
            found[index] = Match(entry, how)

    exact(live, lambda text, paragraph: (text, paragraph), "exact")
    exact(live, lambda text, _paragraph: text, "exact")
    exact(sorted(dead, key=lambda e: not _human(e)), lambda text, _paragraph: text, "revived")
    todo = [i for i in range(len(segments)) if i not in found]
    rest = [(n, e) for n, e in enumerate(live) if id(e) not in used]
    taken: set[int] = set()
    for _apart, _score, _distance, index, col in sorted(_fuzzy_pairs(segments, todo, rest)):
        if index in found or col in taken:
            continue
        taken.add(col)
        found[index] = Match(rest[col][1], "fuzzy")
    return found


def _fuzzy_pairs(segments: Sequence[Segment], todo: list[int],
                 rest: list[tuple[int, polib.POEntry]]) -> list[tuple]:
    """Every (segment, old entry) pair similar enough, as sortable tuples (best first).

    The score is :func:`similarity`'s: characters compared in C (rapidfuzz
    ``cdist``), words only for the pairs that pass. Past :data:`FUZZY_PAIRS_LIMIT` pairs (a long document
    rewritten), only entries of the same paragraph number are compared.
    """
    if not todo or not rest:
        return []
    import numpy  # rapidfuzz's cdist returns an array; numpy comes with streamlit and sacrebleu
    from rapidfuzz import fuzz, process

    paragraphs = [_paragraph_of(e.msgctxt) for _, e in rest]
    groups: list[tuple[list[int], list[int]]] = [(todo, list(range(len(rest))))]
    if len(todo) * len(rest) > FUZZY_PAIRS_LIMIT:
        by_paragraph: dict[int | None, list[int]] = {}
        for col, paragraph in enumerate(paragraphs):
            by_paragraph.setdefault(paragraph, []).append(col)
        wanted: dict[int, list[int]] = {}
        for index in todo:
            wanted.setdefault(segments[index].paragraph + 1, []).append(index)
        groups = [(indexes, by_paragraph[p]) for p, indexes in wanted.items() if p in by_paragraph]
    words = {col: _WORD.findall(rest[col][1].msgid.casefold()) for col in range(len(rest))}
    pairs = []
    for indexes, cols in groups:
        chars = process.cdist([segments[i].text for i in indexes], [rest[c][1].msgid for c in cols],
                              scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, workers=1)
        for row, column in zip(*numpy.nonzero(chars)):
            index, col = indexes[row], cols[column]
            seg = segments[index]
            score = min(float(chars[row, column]),
                        fuzz.ratio(_WORD.findall(seg.text.casefold()), words[col]))
            if score >= FUZZY_THRESHOLD:
                apart = paragraphs[col] != seg.paragraph + 1
                pairs.append((apart, -score, abs(rest[col][0] - index), index, col))
    return pairs


def _retarget(entry: polib.POEntry, text: str) -> polib.POEntry | None:
    """Move a fuzzy-matched entry to its changed source; return a snapshot of human work.

    A human translation stays, fuzzy (edited), with the source it was
    written for as previous msgid, and an obsolete copy of the entry as it
    was keeps its approval should the sentence come back. A machine one is
    redone.
    """
    snapshot = None
    if _human(entry):
        snapshot = copy.deepcopy(entry)
        snapshot.obsolete = True
        entry.previous_msgid = entry.previous_msgid or entry.msgid
        catalog.set_state(entry, State.EDITED)
        catalog.forget_mt(entry)  # it was for the old source
    else:
        entry.previous_msgid = entry.msgid
        entry.msgstr = ""
        catalog.set_state(entry, State.UNTRANSLATED)
    entry.msgid = text
    return snapshot


def _keep_obsolete(entries: Sequence[polib.POEntry], live: Sequence[polib.POEntry]) -> list[polib.POEntry]:
    """Obsolete entries worth keeping, each (msgctxt, msgid) once (msgfmt refuses duplicates).

    Entries come newest first and keep that order. On a clash the context
    goes (it was only a position); if that clashes too, human work wins
    over machine output, then the newer entry over the older.
    """
    seen = {(e.msgctxt, e.msgid) for e in live}
    dropped: set[int] = set()
    for entry in sorted(entries, key=lambda e: not _human(e)):
        if (entry.msgctxt, entry.msgid) in seen:
            if (None, entry.msgid) in seen:
                dropped.add(id(entry))
                continue
            entry.msgctxt = None
        seen.add((entry.msgctxt, entry.msgid))
    return [e for e in entries if id(e) not in dropped]


def plan_entries(po: polib.POFile, doc: Document, reference: str) -> list[polib.POEntry]:
    """Merge the document into the catalog like msgmerge; return entries needing MT.

    Each segment takes over the old entry :func:`match_entries` pairs it
    with: the same sentence keeps its translation, state, reviewer and time
    (under its new positional ``msgctxt``); a changed sentence keeps a human
    translation as fuzzy with the old text as previous msgid, and has a
    machine one redone; a new sentence starts untranslated. Entries left
    over become obsolete (``#~``) when they hold a translation, so no human
    work is lost. The same document merged twice changes nothing.
    """
    segments = doc.translatable
    matches = match_entries(list(po), segments)
    used = {id(m.entry) for m in matches.values()}
    retired: list[polib.POEntry] = []
    new_entries: list[polib.POEntry] = []
    todo: list[polib.POEntry] = []
    for index, seg in enumerate(segments):
        match = matches.get(index)
        if match is None:
            entry = polib.POEntry(msgctxt=seg.id, msgid=seg.text, msgstr="")
        else:
            entry = match.entry
            entry.obsolete = False
            if match.how == "fuzzy":
                snapshot = _retarget(entry, seg.text)
                if snapshot is not None:
                    retired.append(snapshot)
        entry.msgctxt = seg.id
        entry.occurrences = [(reference, str(segment_line(doc, seg)))]
        catalog.record_segment(entry, seg.kind, seg.level)
        new_entries.append(entry)
        if needs_mt(entry):
            todo.append(entry)
    older = [e for e in po if e.obsolete and id(e) not in used]
    retired += [e for e in po if not e.obsolete and id(e) not in used and e.msgstr]
    for entry in retired:
        entry.obsolete = True
    po[:] = new_entries + _keep_obsolete(retired + older, new_entries)
    return todo


def record_mt(entry: polib.POEntry, result: MTResult, route: Route, models: str) -> None:
    """Store machine output and its provenance (:func:`locwork.catalog.record_mt`)."""
    catalog.record_mt(
        entry, result.text, route=route.spec(), engine="+".join(route.engines), model=models,
        expected_chrf=route.expected_chrf, lost=result.lost,
        score=result.alternatives[0].score if result.alternatives else None,
        alternatives=[(h.text, h.score) for h in result.alternatives[1:]],
    )


def check_catalog_folder(locales_dir: Path | str, lang: str) -> Path:
    """Check that ``<locales_dir>/<lang>/`` can hold catalogs, creating nothing; one-line errors.

    The CLI calls it before any MT runs, so that a ``--locales`` naming a
    file, a read-only folder or a file in place of ``<lang>/`` is reported
    at once rather than as a traceback after the work is done. Writability
    is tried for real (a nameless temporary file in the nearest existing
    folder): permission bits say nothing to root, nor about a read-only or
    immutable file system.
    """
    import tempfile

    from locwork.errors import LocworkError

    folder = catalog.catalog_path(locales_dir, lang, "x").parent
    for part in (Path(locales_dir), folder):
        if part.exists() and not part.is_dir():
            raise LocworkError(f"{part} is a file, not a folder: the catalogs go in "
                               f"{Path(locales_dir)}/<lang>/ (choose another folder with --locales)")
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    try:
        if not existing.is_dir():
            raise NotADirectoryError(20, "a part of the path is a file, not a folder")
        with tempfile.TemporaryFile(dir=existing, prefix=".locwork-check-"):
            pass
    except OSError as error:
        raise LocworkError(f"cannot write catalogs in {folder}: {error.strerror or error}") from None
    return folder


def catalog_folder(locales_dir: Path | str, lang: str) -> Path:
    """``<locales_dir>/<lang>/``, checked (:func:`check_catalog_folder`) and created."""
    from locwork.errors import LocworkError

    folder = check_catalog_folder(locales_dir, lang)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LocworkError(f"cannot write catalogs in {folder}: {error.strerror or error}") from None
    return folder


@dataclass
class TranslateReport:
    """What one document × language run did."""

    lang: str
    path: Path
    route: Route
    translated: int
    kept: int
    segments: int
    tm_exact: int = 0  # drafts taken from the translation memory (exact matches)
    tm_fuzzy: int = 0  # ... and fuzzy matches; the rest of ``translated`` is MT
    digest: str | None = None  # SHA-256 of the catalog as left, if no entry needs MT any more

    def to_dict(self) -> dict:
        return {
            "lang": self.lang,
            "catalog": str(self.path),
            "route": self.route.to_dict(),
            "translated": self.translated,
            "kept": self.kept,
            "segments": self.segments,
            "tm_exact": self.tm_exact,
            "tm_fuzzy": self.tm_fuzzy,
            "mt": self.translated - self.tm_exact - self.tm_fuzzy,
        }


def translate_document(
    doc: Document,
    lang: str,
    route: Route,
    engines: Engines,
    locales_dir: Path,
    glossary: Glossary | None = None,
    n_best: int = 1,
    root: Path | None = None,
    progress: Progress | None = None,
    tm: "MemoryStore | Location | bool | None" = None,
    tm_threshold: float | None = None,
    mt: "MTRunner | None" = None,
    hop_cache: HopCache | None = None,
) -> TranslateReport:
    """Bring ``locales/<lang>/<doc>.po`` up to date: translation memory first, then MT.

    An untranslated segment with an exact match in the translation memory
    gets the approved translation, one with a fuzzy match at or above
    ``tm_threshold`` (default 75%) the best match's; both are drafts to
    review (state machine, ``#. locwork-origin: tm 100%`` / ``tm 83%``).
    The rest is machine-translated (``locwork-origin: mt``). ``tm``: an
    open memory, False for none, None for the project's memory when it
    exists (see :func:`locwork.tm.resolve`). ``mt``: where the machine
    translation comes from (default: :func:`run_route` here; the cluster
    passes the results its workers sent back).

    MT runs outside the catalog lock (it can take a while); the result is
    then merged into the catalog as it is on disk at that moment, entry by
    entry, skipping any entry a reviewer touched in the meantime.
    """
    from locwork import tm as tm_mod

    path = catalog.catalog_path(locales_dir, lang, doc.name)
    reference = source_reference(doc, root)
    seen = _identity(path)
    snapshot = catalog.load(path) if seen else catalog.new_catalog(lang, doc.name, reference, source_lang=route.src)
    moved = catalog.check_owner(snapshot.metadata, path, doc.path, root)
    if _identity(path) != seen:
        seen = _CHANGED  # rewritten while we read it: read it again under the lock
    before = _fingerprint(snapshot) if seen else None
    todo = plan_entries(snapshot, doc, reference)
    from_memory: dict[str, tm_mod.Match] = {}
    with tm_mod.resolve(tm, locales_dir) as memory:
        if memory is not None:
            threshold = tm_threshold if tm_threshold is not None else tm_mod.DEFAULT_THRESHOLD
            untranslated = [e.msgid for e in todo if catalog.entry_state(e) == State.UNTRANSLATED]
            from_memory = memory.best_many(untranslated, lang, threshold=threshold)
    for_mt = [e for e in todo if e.msgid not in from_memory
              or catalog.entry_state(e) != State.UNTRANSLATED]
    if progress is not None and len(for_mt) < len(todo):
        progress(len(todo) - len(for_mt))
    texts = [e.msgid for e in for_mt]
    results = mt(texts, progress) if mt is not None else \
        run_route(engines, route, texts, glossary, n_best, progress, hop_cache=hop_cache)
    by_key = {(e.msgctxt, e.msgid): r for e, r in zip(for_mt, results)}
    models = model_versions(engines, route) if for_mt else ""
    catalog_folder(locales_dir, lang)
    exact = fuzzy = 0
    with atomic.locked(path):
        # Parse once: the catalog read before the MT is still the one on disk
        # (the usual case) unless someone wrote it meanwhile.
        now = _identity(path)
        if now == seen and now is not _CHANGED:
            po = snapshot
        else:
            po = catalog.load(path) if path.exists() else \
                catalog.new_catalog(lang, doc.name, reference, source_lang=route.src)
            before = _fingerprint(po) if path.exists() else None
            plan_entries(po, doc, reference)
        for entry in po:
            if entry.obsolete:
                continue
            match = from_memory.get(entry.msgid)
            if match is not None and catalog.entry_state(entry) == State.UNTRANSLATED:
                tm_mod.draft_from_match(entry, match)
                exact += match.exact
                fuzzy += not match.exact
                continue
            result = by_key.get((entry.msgctxt, entry.msgid))
            if result is not None and needs_mt(entry):
                record_mt(entry, result, route, models)
        if glossary is not None and len(glossary):
            po.metadata["X-Locwork-Glossary"] = glossary.source
        if moved:  # the document was renamed or moved: its catalog follows it
            catalog.claim(po.metadata, reference)
        digest = _write_if_changed(po, path, before)
        complete = not any(needs_mt(e) for e in po if not e.obsolete)
    return TranslateReport(lang, path, route, len(todo), len(doc.translatable) - len(todo),
                           len(doc.translatable), exact, fuzzy,
                           digest=digest if complete else None)


_CHANGED = ("changed",)  # an identity no file has


def _identity(path: Path) -> tuple | None:
    """Who the file is now (None: absent); an atomic rewrite changes the inode."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    except OSError:
        return _CHANGED
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _fingerprint(po: polib.POFile) -> tuple:
    """Everything of a catalog that its rendering depends on and a merge can change.

    Comparing two fingerprints tells whether a catalog changed without
    rendering it (rendering a catalog of 3,000 entries takes about 0.4 s).
    """
    return (po.header, tuple(po.metadata.items()), po.metadata_is_fuzzy, po.encoding, [
        (e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items())),
         e.obsolete, e.comment, e.tcomment, tuple(map(tuple, e.occurrences)), tuple(e.flags),
         e.previous_msgctxt, e.previous_msgid, e.previous_msgid_plural)
        for e in po
    ])


def _write_if_changed(po: polib.POFile, path: Path, before: tuple | None) -> str:
    """Write ``po`` (rendered once) unless it is unchanged; the SHA-256 of the file as left.

    Like :func:`catalog.edit`, a changed catalog gets a new
    ``PO-Revision-Date``. Call under the catalog's lock.
    """
    if before is not None and _fingerprint(po) == before:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    if before is not None and "PO-Revision-Date" in po.metadata:
        po.metadata["PO-Revision-Date"] = catalog.gettext_date()
    try:
        data = catalog.dumps(po).encode(po.encoding or "utf-8")
    except (UnicodeError, LookupError):
        data = catalog.encode(po, path)  # raises its one-line error naming the character
    atomic.atomic_write_bytes(path, data)
    return hashlib.sha256(data).hexdigest()


def translate_texts(
    engines: Engines, route: Route, texts: Iterable[str], glossary: Glossary | None = None
) -> list[str]:
    """Plain strings in, plain strings out (for the app and tests)."""
    return [r.text for r in run_route(engines, route, list(texts), glossary)]
