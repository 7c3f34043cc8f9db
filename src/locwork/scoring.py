"""Quality scores with sacrebleu: post-editing effort, document scores, references.

Three questions, one set of metrics (sacrebleu's own classes, each score kept
with its signature so a figure can be reproduced):

- **How much did the reviewer change the machine output?** Per segment, the
  raw MT (``locwork-mt``) is the hypothesis and the current ``msgstr`` the
  reference: HTER (case-sensitive TER), chrF and chrF++. Sentence-level BLEU
  is deliberately not offered (sacrebleu's maintainers advise against it).
  Only *reviewed* segments (edited or approved) get per-segment scores: an
  untouched machine entry trivially scores HTER 0.
- **How good is a document's MT?** Corpus BLEU, chrF and TER of the MT
  against the current text, over the segments that have both, and the share
  of approved segments whose text is the MT unchanged.
- **How close to a reference translation?** A reference PO, or a text file
  aligned to the segments or to the source paragraphs (as parallel documents
  come; see :func:`align_reference`): the same metrics for the current text
  and for the raw MT, and :func:`compare_systems` for several routes side by
  side.

Speed: every metric is computed from sacrebleu's *segment statistics*,
extracted once per segment pair; the sentence score of a segment and the
corpus score of any subset of segments are both computed from them
(``_compute_score_from_stats`` / ``_aggregate_and_compute``), so nothing is
tokenised twice. chrF's statistics are the character part of chrF++'s, so
chrF++ is extracted once and chrF read off it. Pairs whose two sides are
identical (approved unchanged) get their statistics in closed form. Large
batches are split over worker processes (see :data:`PARALLEL_MIN`). The
sacrebleu internals used here are checked against the public
``sentence_score``/``corpus_score`` in ``tests/test_scoring.py``.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import polib
from sacrebleu.metrics import BLEU, CHRF, TER

from locwork.errors import LocworkError

# sacrebleu signatures stored per segment: metric -> signature key (catalog.record_scores).
SIGNATURE_KEYS = {"hter": "ter", "chrf": "chrf", "chrf++": "chrfpp"}
# Corpus metrics of the document and reference reports.
CORPUS_METRICS = ("bleu", "chrf", "chrf++", "ter")

# Below this many pairs one process is faster than starting workers.
PARALLEL_MIN = 3000


# ---------------------------------------------------------------- metrics


class Metrics:
    """One instance of each sacrebleu metric, reused for every segment."""

    def __init__(self) -> None:
        self.ter = TER(case_sensitive=True)
        self.chrf = CHRF()
        self.chrfpp = CHRF(word_order=2)
        self.bleu = BLEU()
        for metric in (self.ter, self.chrf, self.chrfpp, self.bleu):
            metric._force = True  # no "tokenized period" warnings on French text
            metric.num_refs = 1

    def by_name(self, name: str):
        return {"ter": self.ter, "hter": self.ter, "chrf": self.chrf, "chrf++": self.chrfpp,
                "bleu": self.bleu}[name]

    def signature(self, name: str) -> str:
        """sacrebleu's full signature, e.g. ``nrefs:1|case:mixed|tok:tercom|...``."""
        return self.by_name(name).get_signature().format()

    def signatures(self, names: Iterable[str] = ("bleu", "chrf", "chrf++", "ter")) -> dict[str, str]:
        return {name: self.signature(name) for name in names}


@lru_cache(maxsize=1)
def metrics() -> Metrics:
    return Metrics()


@dataclass
class PairStats:
    """sacrebleu segment statistics of hypothesis/reference pairs, in order."""

    ter: list[list[float]] = field(default_factory=list)
    chrfpp: list[list[int]] = field(default_factory=list)
    bleu: list[list[int]] | None = None

    def __len__(self) -> int:
        return len(self.ter)

    def extend(self, other: "PairStats") -> None:
        self.ter.extend(other.ter)
        self.chrfpp.extend(other.chrfpp)
        if other.bleu is not None:
            self.bleu = (self.bleu or []) + other.bleu

    # -- sentence scores
    def hter(self, i: int) -> float:
        return metrics().ter._compute_score_from_stats(self.ter[i]).score

    def chrf(self, i: int) -> float:
        return metrics().chrf._compute_score_from_stats(self.chrfpp[i][:CHAR_STATS]).score

    def chrfpp_score(self, i: int) -> float:
        return metrics().chrfpp._compute_score_from_stats(self.chrfpp[i]).score

    def segment(self, i: int) -> dict[str, float]:
        return {"hter": self.hter(i), "chrf": self.chrf(i), "chrf++": self.chrfpp_score(i)}

    # -- corpus scores over a subset (all by default)
    def corpus(self, indices: Sequence[int] | None = None) -> dict[str, float | None]:
        idx = range(len(self)) if indices is None else indices
        m = metrics()
        if not len(idx):
            return {name: None for name in CORPUS_METRICS}
        result: dict[str, float | None] = {}
        if self.bleu is not None:
            result["bleu"] = m.bleu._aggregate_and_compute([self.bleu[i] for i in idx]).score
        result["chrf"] = m.chrf._aggregate_and_compute([self.chrfpp[i][:CHAR_STATS] for i in idx]).score
        result["chrf++"] = m.chrfpp._aggregate_and_compute([self.chrfpp[i] for i in idx]).score
        result["ter"] = m.ter._aggregate_and_compute([self.ter[i] for i in idx]).score
        return result


CHAR_STATS = 3 * CHRF.CHAR_ORDER  # chrF's statistics = the first 18 of chrF++'s


def _identical_ter(metric: TER, text: str) -> list[float]:
    return [0, len(metric._preprocess_segment(text).split())]


def _identical_chrf(metric: CHRF, text: str) -> list[int]:
    """chrF++ statistics of a text against itself: every n-gram matches."""
    stats: list[int] = []
    chars = len("".join(text.split()))
    for n in range(1, metric.char_order + 1):
        count = max(0, chars - n + 1)
        stats += [count, count, count]
    words = len(metric._remove_punctuation(text))
    for n in range(1, metric.word_order + 1):
        count = max(0, words - n + 1)
        stats += [count, count, count]
    return stats


def _stats_serial(hyps: Sequence[str], refs: Sequence[str], bleu: bool) -> PairStats:
    m = metrics()
    out = PairStats(bleu=[] if bleu else None)
    same = [h == r and bool(r.strip()) for h, r in zip(hyps, refs)]
    todo = [i for i, s in enumerate(same) if not s]
    th, tr = [hyps[i] for i in todo], [refs[i] for i in todo]
    ter = iter(m.ter._extract_corpus_statistics(th, [tr]) if todo else [])
    chrf = iter(m.chrfpp._extract_corpus_statistics(th, [tr]) if todo else [])
    for i, s in enumerate(same):
        if s:
            out.ter.append(_identical_ter(m.ter, refs[i]))
            out.chrfpp.append(_identical_chrf(m.chrfpp, refs[i]))
        else:
            out.ter.append(next(ter))
            out.chrfpp.append(next(chrf))
    if bleu:
        out.bleu = m.bleu._extract_corpus_statistics(list(hyps), [list(refs)])
    return out


def _stats_chunk(args: tuple[list[str], list[str], bool]) -> PairStats:
    return _stats_serial(*args)


def _workers() -> int:
    value = os.environ.get("LOCWORK_SCORE_WORKERS")
    if value:
        return max(1, int(value))
    return min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


StatsCache = dict  # (hyp, ref) -> (ter stats, chrF++ stats, BLEU stats or None)


def pair_stats(hyps: Sequence[str], refs: Sequence[str], bleu: bool = True,
               workers: int | None = None, cache: StatsCache | None = None) -> PairStats:
    """Segment statistics of every (hypothesis, reference) pair.

    With more than :data:`PARALLEL_MIN` pairs to compute and more than one
    CPU, the pairs are split over worker processes (``forkserver`` start:
    safe in a threaded app); the result is identical to the serial one.
    ``cache`` (a dict) supplies statistics computed earlier and receives the
    new ones.
    """
    if len(hyps) != len(refs):
        raise ValueError(f"{len(hyps)} hypotheses but {len(refs)} references")
    hyps = ["" if h is None else h for h in hyps]
    refs = ["" if r is None else r for r in refs]
    if cache is None:
        return _compute(hyps, refs, bleu, workers)
    missing = list(dict.fromkeys(
        (h, r) for h, r in zip(hyps, refs)
        if (h, r) not in cache or (bleu and cache[(h, r)][2] is None)
    ))
    if missing:
        fresh = _compute([h for h, _ in missing], [r for _, r in missing], bleu, workers)
        for i, key in enumerate(missing):
            cache[key] = (fresh.ter[i], fresh.chrfpp[i], fresh.bleu[i] if fresh.bleu is not None else None)
    out = PairStats(bleu=[] if bleu else None)
    for key in zip(hyps, refs):
        ter, chrfpp, bleu_stats = cache[key]
        out.ter.append(ter)
        out.chrfpp.append(chrfpp)
        if bleu:
            out.bleu.append(bleu_stats)
    return out


def _compute(hyps: list[str], refs: list[str], bleu: bool, workers: int | None) -> PairStats:
    workers = _workers() if workers is None else workers
    if workers <= 1 or len(hyps) < PARALLEL_MIN:
        return _stats_serial(hyps, refs, bleu)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    size = math.ceil(len(hyps) / workers)
    parts = [(hyps[s:s + size], refs[s:s + size], bleu) for s in range(0, len(hyps), size)]
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    out = PairStats(bleu=[] if bleu else None)
    try:
        with ProcessPoolExecutor(len(parts), mp_context=multiprocessing.get_context(method)) as pool:
            for part in pool.map(_stats_chunk, parts):
                out.extend(part)
    except (OSError, BrokenProcessPool):  # no processes to be had: do it here
        return _stats_serial(hyps, refs, bleu)
    return out


def corpus_scores(hyps: Sequence[str], refs: Sequence[str]) -> dict[str, float | None]:
    """Corpus BLEU, chrF, chrF++ and TER of hypotheses against one reference each."""
    return pair_stats(hyps, refs).corpus()


def segment_scores(hyps: Sequence[str], refs: Sequence[str]) -> list[dict[str, float]]:
    """Per pair: HTER (TER, case-sensitive), chrF and chrF++ of hyp against ref."""
    stats = pair_stats(hyps, refs, bleu=False)
    return [stats.segment(i) for i in range(len(stats))]


def rounded(scores: Mapping[str, float | None], digits: int = 1) -> dict[str, float | None]:
    return {k: (None if v is None else round(v, digits)) for k, v in scores.items()}


# ---------------------------------------------------------------- catalogs


def segments(po: polib.POFile) -> list[polib.POEntry]:
    """The translatable segments of a catalog, in catalog order."""
    return [e for e in po if not e.obsolete and e.msgid and not e.msgid_plural]


def _state_name(entry: polib.POEntry) -> str:
    from locwork import catalog

    return catalog.entry_state(entry).value


def _is_reviewed(entry: polib.POEntry) -> bool:
    from locwork.catalog import State, entry_state

    return entry_state(entry) in (State.EDITED, State.APPROVED)


def _is_approved(entry: polib.POEntry) -> bool:
    from locwork.catalog import State, entry_state

    return entry_state(entry) == State.APPROVED


@dataclass
class SegmentScore:
    """Post-editing effort of one reviewed segment (MT vs current text)."""

    id: str
    state: str
    hter: float
    chrf: float
    chrfpp: float
    unchanged: bool

    def to_dict(self) -> dict:
        return {"id": self.id, "state": self.state, "hter": round(self.hter, 2),
                "chrf": round(self.chrf, 2), "chrf++": round(self.chrfpp, 2),
                "unchanged": self.unchanged}


@dataclass
class DocumentScores:
    """What :func:`score_catalog` found for one catalog."""

    path: str
    lang: str
    segments: int
    with_mt: int  # segments with both a raw MT and a current text
    reviewed: int  # of those, edited or approved by a human
    approved: int  # approved segments that have a raw MT
    approved_unchanged: int
    corpus: dict[str, float | None]  # MT vs current text, all segments with both
    corpus_reviewed: dict[str, float | None]  # same, reviewed segments only
    signatures: dict[str, str]
    per_segment: list[SegmentScore] = field(default_factory=list)
    reference: dict | None = None

    @property
    def approved_unchanged_share(self) -> float | None:
        return self.approved_unchanged / self.approved if self.approved else None

    def to_dict(self, per_segment: bool = True) -> dict:
        data = {
            "catalog": self.path,
            "lang": self.lang,
            "segments": self.segments,
            "with_mt": self.with_mt,
            "reviewed": self.reviewed,
            "approved": self.approved,
            "approved_unchanged": self.approved_unchanged,
            "approved_unchanged_share": (None if self.approved_unchanged_share is None
                                         else round(self.approved_unchanged_share, 4)),
            "mt_vs_current": rounded(self.corpus, 2),
            "mt_vs_current_reviewed": rounded(self.corpus_reviewed, 2),
            "signatures": self.signatures,
        }
        if self.reference is not None:
            data["reference"] = self.reference
        if per_segment:
            data["per_segment"] = [s.to_dict() for s in self.per_segment]
        return data


def catalog_lang(po: polib.POFile, path: Path | None = None) -> str:
    from locwork import catalog

    return catalog.target_language(po, path) or "?"


def _score_entries(po: polib.POFile, path: Path | str = "",
                   cache: StatsCache | None = None) -> tuple[DocumentScores, list]:
    from locwork import catalog

    entries = segments(po)
    both = [e for e in entries if e.msgstr and catalog.provenance(e).mt]
    hyps = [catalog.provenance(e).mt or "" for e in both]
    refs = [e.msgstr for e in both]
    stats = pair_stats(hyps, refs, cache=cache)
    reviewed = [i for i, e in enumerate(both) if _is_reviewed(e)]
    approved = [i for i, e in enumerate(both) if _is_approved(e)]
    unchanged = [i for i in approved if hyps[i] == refs[i]]
    scored = [
        (both[i], SegmentScore(segment_id(both[i]), _state_name(both[i]), stats.hter(i),
                               stats.chrf(i), stats.chrfpp_score(i), hyps[i] == refs[i]))
        for i in reviewed
    ]
    report = DocumentScores(
        path=str(path), lang=catalog_lang(po, Path(path) if path else None), segments=len(entries),
        with_mt=len(both), reviewed=len(reviewed), approved=len(approved),
        approved_unchanged=len(unchanged), corpus=stats.corpus(),
        corpus_reviewed=stats.corpus(reviewed), signatures=metrics().signatures(),
        per_segment=[s for _, s in scored],
    )
    return report, scored


def segment_id(entry: polib.POEntry) -> str:
    return entry.msgctxt or entry.msgid[:40]


def document_scores(po: polib.POFile, path: Path | str = "",
                    cache: StatsCache | None = None) -> DocumentScores:
    """Post-editing scores of a loaded catalog (nothing is written)."""
    return _score_entries(po, path, cache)[0]


def format_score(value: float) -> str:
    return f"{value:.1f}"


def apply_scores(po: polib.POFile, path: Path | str = "",
                 cache: StatsCache | None = None) -> DocumentScores:
    """Compute post-editing scores and store them in the entries' ``#.`` lines.

    Reviewed segments get ``locwork-hter``, ``locwork-chrf``, ``locwork-chrfpp``
    (chrF++) and one ``locwork-sig-<metric>`` line per metric (sacrebleu's
    full signature);
    every other entry loses such lines (they would be stale).
    """
    from locwork import catalog

    report, scored = _score_entries(po, path, cache)
    m = metrics()
    sigs = {key: m.signature(metric) for metric, key in SIGNATURE_KEYS.items()}
    done = set()
    for entry, score in scored:
        done.add(id(entry))
        catalog.record_scores(entry, score.hter, score.chrf, score.chrfpp, sigs)
    for entry in po:
        if id(entry) not in done:
            catalog.clear_scores(entry)
    return report


def score_catalog(path: Path, ref: Path | None = None, write: bool = True) -> DocumentScores:
    """Score a catalog on disk; with ``write``, store the scores in it.

    The scores are computed on a snapshot, outside the catalog's lock; they
    are then written through ``catalog.edit`` (lock, fresh load, atomic
    save): the catalog as it is at that moment is scored again from the
    cached statistics, recomputing only the pairs a reviewer changed in the
    meantime, so a concurrent save is never overwritten and the lock is held
    only for a load and a save.
    """
    from locwork import catalog

    path = Path(path)
    if not path.exists():
        raise LocworkError(f"{path}: no such catalog")
    cache: StatsCache = {}
    snapshot = catalog.load(path)
    reference = reference_report(snapshot, ref, path) if ref is not None else None
    report = document_scores(snapshot, path, cache)
    if write:
        with catalog.edit(path) as po:
            report = apply_scores(po, path, cache)
    report.reference = reference
    report.path = str(path)
    if report.lang == "?":
        report.lang = catalog.CatalogRef.from_path(path).lang or "?"
    return report


# ---------------------------------------------------------------- references


def read_reference_lines(ref: Path) -> list[str]:
    """The lines of a UTF-8 reference text file (a final newline ends the last line)."""
    from locwork import inputs

    data = inputs.read_file(ref, inputs.REFERENCE_LIMIT, "reference file")[0]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LocworkError(f"{ref}: not UTF-8 text (byte {error.start})") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def load_reference_lines(ref: Path, count: int) -> list[str]:
    """A reference text file, one line per translatable segment."""
    lines = read_reference_lines(ref)
    if len(lines) != count:
        raise LocworkError(
            f"{ref} has {len(lines)} lines but the catalog has {count} translatable segments; "
            "give one reference line per segment, in catalog order"
        )
    return lines


def match_reference_po(po: polib.POFile, ref_po: polib.POFile) -> list[str | None]:
    """Reference text per segment: same msgctxt and msgid first, else same msgid.

    Only translated, non-fuzzy, non-obsolete reference entries count; a
    segment with no match gets ``None``.
    """
    usable = [e for e in ref_po if not e.obsolete and e.msgstr and "fuzzy" not in e.flags]
    by_key: dict[tuple[str | None, str], polib.POEntry] = {}
    by_msgid: dict[str, list[polib.POEntry]] = {}
    for e in usable:
        by_key.setdefault((e.msgctxt, e.msgid), e)
        by_msgid.setdefault(e.msgid, []).append(e)
    used: set[int] = set()
    out: list[str | None] = []
    entries = segments(po)
    exact = [by_key.get((e.msgctxt, e.msgid)) for e in entries]
    used.update(id(x) for x in exact if x is not None)
    for entry, hit in zip(entries, exact):
        if hit is None:
            candidates = [c for c in by_msgid.get(entry.msgid, []) if id(c) not in used]
            if not candidates:
                candidates = by_msgid.get(entry.msgid, [])
            hit = candidates[0] if candidates else None
            if hit is not None:
                used.add(id(hit))
        out.append(None if hit is None else hit.msgstr)
    return out


_PARAGRAPH_CONTEXT = re.compile(r"p(\d+)\.s\d+")


def paragraph_key(entry: polib.POEntry) -> tuple:
    """The source paragraph of an entry: ``p3`` of msgctxt ``p3.s2``, else its ``#:`` line.

    An entry with neither is a paragraph of its own.
    """
    m = _PARAGRAPH_CONTEXT.fullmatch(entry.msgctxt or "")
    if m:
        return ("p", int(m.group(1)))
    if entry.occurrences:
        return ("ref", *entry.occurrences[0])
    return ("entry", id(entry))


def paragraph_groups(entries: Sequence[polib.POEntry]) -> list[list[int]]:
    """Indices of ``entries`` grouped by source paragraph, in document order.

    Paragraphs are sorted by their number when every entry has a ``pN.sM``
    context (a catalog need not be in document order); otherwise they come
    in order of first appearance.
    """
    groups: dict[tuple, list[int]] = {}
    for i, entry in enumerate(entries):
        groups.setdefault(paragraph_key(entry), []).append(i)
    if all(key[0] == "p" for key in groups):
        return [groups[key] for key in sorted(groups)]
    return list(groups.values())


def _paragraph_id(entries: Sequence[polib.POEntry], group: Sequence[int]) -> str:
    key = paragraph_key(entries[group[0]])
    return f"p{key[1]}" if key[0] == "p" else segment_id(entries[group[0]])


@dataclass
class ReferenceAlignment:
    """How a reference maps onto a catalog: units (segments or paragraphs) and their texts.

    ``groups[k]`` lists the indices in ``segments(po)`` that unit ``k`` covers
    (one index under segment alignment); ``refs[k]`` is its reference text,
    ``None`` where the reference has none.
    """

    by: str  # "segment", "paragraph", or "catalog" (a reference PO, matched per segment)
    lines: int  # lines in the reference file (0 for a PO)
    units: int  # what the lines were matched with ...
    unit_name: str  # ... "segments", "paragraphs" or "non-empty source lines"
    groups: list[list[int]]
    refs: list[str | None]

    def describe(self) -> str:
        if self.by == "catalog":
            return "matched by msgctxt and msgid, then msgid"
        return f"aligned by {self.by}: {self.lines} lines = {self.units} {self.unit_name}"

    def to_dict(self) -> dict:
        return {"by": self.by, "lines": self.lines, "units": self.units,
                "unit_name": self.unit_name, "text": self.describe()}


def _source_lines(po: polib.POFile, path: Path | None) -> list[str] | None:
    """The source document's lines (found as the exports find it), or None."""
    from locwork import catalog, document
    from locwork.export.common import CatalogInput, find_source_document

    if path is None:
        return None
    try:
        doc_name = catalog.CatalogRef.from_path(path).document
        source = find_source_document(CatalogInput(po=po, doc_name=doc_name, lang="", path=Path(path)))
        text, _encoding = document.decode(document.read_bytes(source), str(source))
    except LocworkError:
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _line_groups(entries: Sequence[polib.POEntry], groups: list[list[int]],
                 source: list[str]) -> list[list[int]] | None:
    """Per paragraph, the indices of its non-empty source lines among all non-empty lines.

    A paragraph starts at its ``#:`` line and runs over the following
    non-empty lines, up to a blank line or the next paragraph's start.
    """
    index: dict[int, int] = {}  # 1-based source line -> rank among non-empty lines
    for number, line in enumerate(source, start=1):
        if line.strip():
            index[number] = len(index)
    starts = []
    for group in groups:
        occurrences = entries[group[0]].occurrences
        line = occurrences[0][1] if occurrences else ""
        if not str(line).isdigit() or int(line) not in index:
            return None
        starts.append(int(line))
    taken = set(starts)
    out = []
    for start in starts:
        lines, number = [], start
        while number in index and (number == start or number not in taken):
            lines.append(index[number])
            number += 1
        out.append(lines)
    return out


def align_reference(po: polib.POFile, ref: Path, path: Path | None = None) -> ReferenceAlignment:
    """Match a reference (PO, or text aligned by segment or by paragraph) to ``segments(po)``.

    A text file is aligned by segment when it has one line per translatable
    segment; otherwise by paragraph when it has one line per source paragraph
    with translatable text, or one line per non-empty line of the source
    document (``path`` is the catalog, used to find that document; lines of
    untranslatable blocks such as "Logo" are then skipped). Counts that fit
    none of these are a one-line error naming them.
    """
    from locwork import catalog

    entries = segments(po)
    ref = Path(ref)
    if ref.suffix.lower() in (".po", ".pot"):
        if not ref.exists():
            raise LocworkError(f"{ref}: no such reference catalog")
        texts = match_reference_po(po, catalog.load(ref))
        if not any(t is not None for t in texts):
            raise LocworkError(f"{ref}: no translated entry matches a segment of the catalog "
                               "(matched by msgctxt and msgid, then msgid)")
        return ReferenceAlignment("catalog", 0, len(entries), "segments",
                                  [[i] for i in range(len(entries))], texts)
    lines = read_reference_lines(ref)
    if len(lines) == len(entries):
        return ReferenceAlignment("segment", len(lines), len(entries), "segments",
                                  [[i] for i in range(len(entries))], list(lines))
    groups = paragraph_groups(entries)
    if len(lines) == len(groups):
        return ReferenceAlignment("paragraph", len(lines), len(groups), "paragraphs",
                                  groups, list(lines))
    source = _source_lines(po, path)
    non_empty = None if source is None else sum(1 for line in source if line.strip())
    if non_empty == len(lines):
        spans = _line_groups(entries, groups, source)
        if spans is not None:
            refs = [" ".join(lines[k].strip() for k in span) for span in spans]
            return ReferenceAlignment("paragraph", len(lines), non_empty,
                                      "non-empty source lines", groups, refs)
    source_note = "" if non_empty is None else f", and its source document {non_empty} non-empty lines"
    raise LocworkError(
        f"{ref} has {len(lines)} lines but the catalog has {len(entries)} translatable segments "
        f"in {len(groups)} paragraphs{source_note}; give one reference line per segment or "
        "per source paragraph, in document order"
    )


def reference_texts(po: polib.POFile, ref: Path) -> list[str | None]:
    """References aligned to ``segments(po)``: from a .po file or a text file (one line a segment)."""
    alignment = align_reference(po, ref)
    if alignment.by == "paragraph":
        raise LocworkError(f"{ref}: {alignment.describe()}; per-segment references need one "
                           "line per segment")
    return alignment.refs


def _joined(texts: Sequence[str | None], group: Sequence[int]) -> str | None:
    """A paragraph's hypothesis: its segments' texts joined by a space, if all have one."""
    parts = [texts[i] for i in group]
    return " ".join(parts) if all(parts) else None


def reference_report(po: polib.POFile, ref: Path, path: Path | None = None) -> dict:
    """Current text and raw MT against the reference: corpus metrics and per unit.

    Under segment alignment (or a reference PO) the units are segments, and
    ``per_segment`` holds one row per segment. Under paragraph alignment the
    units are paragraphs: a system's hypothesis for a paragraph is its
    segments' texts joined by a space, scored only when every segment of the
    paragraph has one; the corpus scores are computed on these paragraph
    pairs, ``per_segment`` is empty and ``per_paragraph`` holds one row per
    paragraph (``id`` like ``p3``, and the ``segments`` it covers). Nothing
    is written in the catalog from a reference, in either case: a paragraph's
    score is not a sentence's.
    """
    from locwork import catalog

    entries = segments(po)
    alignment = align_reference(po, ref, path)
    refs = alignment.refs
    per_entry: dict[str, list[str | None]] = {
        "current": [e.msgstr or None for e in entries],
        "mt": [catalog.provenance(e).mt for e in entries],
    }
    matched = sum(len(g) for g, r in zip(alignment.groups, refs) if r is not None)
    by_paragraph = alignment.by == "paragraph"
    report: dict = {"file": str(ref), "alignment": alignment.to_dict(), "matched": matched,
                    "segments": len(entries), "systems": {}, "per_segment": []}
    rows: dict[str, dict] = {}
    for name, texts in per_entry.items():
        hyps = [_joined(texts, g) for g in alignment.groups]
        idx = [k for k, (h, r) in enumerate(zip(hyps, refs)) if h and r is not None]
        if not idx:
            report["systems"][name] = {"segments": 0, "pairs": 0,
                                       **{k: None for k in CORPUS_METRICS}}
            continue
        stats = pair_stats([hyps[k] for k in idx], [refs[k] for k in idx])
        report["systems"][name] = {"segments": sum(len(alignment.groups[k]) for k in idx),
                                   "pairs": len(idx), **rounded(stats.corpus(), 2)}
        for j, k in enumerate(idx):
            group = alignment.groups[k]
            key = _paragraph_id(entries, group) if by_paragraph else segment_id(entries[group[0]])
            row = rows.setdefault(key, {"id": key})
            if by_paragraph:
                row["segments"] = [segment_id(entries[i]) for i in group]
            row[f"{name}_chrf"] = round(stats.chrf(j), 2)
            row[f"{name}_ter"] = round(stats.hter(j), 2)
    report["per_paragraph" if by_paragraph else "per_segment"] = list(rows.values())
    report["signatures"] = metrics().signatures()
    return report


def compare_systems(systems: Mapping[str, Sequence[str | None]], refs: Sequence[str | None]) -> dict:
    """Several hypothesis lists (routes, engines) against the same references.

    Every system is scored on the same segments: those that have a
    reference and a non-empty output from every system. Returns
    ``{"segments": n, "systems": {name: {bleu, chrf, chrf++, ter}}, "signatures": ...}``.
    """
    for name, hyps in systems.items():
        if len(hyps) != len(refs):
            raise LocworkError(f"{name}: {len(hyps)} outputs for {len(refs)} references")
    idx = [i for i, r in enumerate(refs)
           if r is not None and all(h[i] for h in systems.values())]
    result: dict = {"segments": len(idx), "systems": {}}
    for name, hyps in systems.items():
        scores = pair_stats([hyps[i] for i in idx], [refs[i] for i in idx]).corpus() if idx else \
            {k: None for k in CORPUS_METRICS}
        result["systems"][name] = rounded(scores, 2)
    result["signatures"] = metrics().signatures()
    return result


def comparison_table(comparison: Mapping) -> str:
    """A Markdown table of :func:`compare_systems`' result."""
    lines = ["| system | BLEU | chrF | chrF++ | TER |", "|---|---:|---:|---:|---:|"]
    for name, s in comparison["systems"].items():
        cells = ["–" if s[k] is None else f"{s[k]:.1f}" for k in CORPUS_METRICS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
