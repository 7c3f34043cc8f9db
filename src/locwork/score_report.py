"""What the Scores page shows: a document's quality scores, per language and per reviewer.

Everything here is computed from the document's catalogs on disk
(``locales/<lang>/<doc>.po``); nothing is written, except by
:func:`score_document` and :func:`estimate_document`, which run
:func:`locwork.scoring.score_catalog` and
:func:`locwork.estimate.estimate_catalog` on every catalog of the document.
No Streamlit here: the page draws what these functions return, and the
tests call them directly.

Per segment (:class:`SegmentScores`)
    The scores stored in the entries: ``locwork-hter``, ``locwork-chrf``,
    ``locwork-chrfpp`` (post-editing effort of reviewed segments, written by
    ``score_catalog``) and ``locwork-qe`` (the reference-free estimate of
    unreviewed machine segments, written by ``estimate_catalog``), with the
    source, raw MT, current text, state and last reviewer.
Per language (:class:`LanguageSummary`)
    Counts by state; the corpus chrF and TER of the raw MT against the
    post-edited text (reviewed segments only, computed now with
    :func:`locwork.scoring.document_scores`, so always current); the share of
    approved segments and of approved segments left as the MT wrote them;
    the mean stored HTER and mean estimate. ``stale`` counts the reviewed
    segments whose stored scores are missing or no longer match their text:
    the page then offers "Score now".
Charts and tables
    :func:`histogram` (binned per-segment scores), :func:`comparison`
    (long-format rows for the per-language bar chart), :func:`top_effort`
    (the highest HTER) and :func:`reviewer_totals` (approved segments and
    mean HTER per ``locwork-reviewer``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import polib

from locwork import catalog, scoring
from locwork.catalog import State
from locwork.errors import LocworkError

# Histogram ranges: chrF is 0-100, the estimate 0-1.
CHRF_RANGE = (0.0, 100.0)
QE_RANGE = (0.0, 1.0)
BINS = 10

# The per-language comparison: metric label -> LanguageSummary attribute, all on a 0-100 scale
# (TER can exceed 100).
COMPARISON = {
    "chrF (MT vs post-edit)": "corpus_chrf",
    "TER (MT vs post-edit)": "corpus_ter",
    "approved %": "approved_pct",
    "approved unchanged %": "approved_unchanged_pct",
    "mean QE ×100": "mean_qe_pct",
}


# ---------------------------------------------------------------- segments


@dataclass(frozen=True)
class SegmentScores:
    """One segment of one language, with the scores stored in its entry."""

    lang: str
    id: str
    state: str
    source: str
    mt: str
    target: str
    reviewer: str = ""
    hter: float | None = None
    chrf: float | None = None
    chrfpp: float | None = None
    qe: float | None = None

    @property
    def reviewed(self) -> bool:
        return self.state in (State.EDITED.value, State.APPROVED.value)


def catalog_segments(po: polib.POFile, lang: str) -> list[SegmentScores]:
    """Every translatable segment of a loaded catalog, in catalog order."""
    out = []
    for entry in scoring.segments(po):
        info = catalog.provenance(entry)
        out.append(SegmentScores(
            lang=lang, id=scoring.segment_id(entry), state=catalog.entry_state(entry).value,
            source=entry.msgid, mt=info.mt or "", target=entry.msgstr,
            reviewer=info.reviewer or "", hter=info.hter, chrf=info.chrf, chrfpp=info.chrfpp, qe=info.qe,
        ))
    return out


# ---------------------------------------------------------------- languages


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return statistics.fmean(values) if values else None


def _pct(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


@dataclass
class LanguageSummary:
    """One catalog's figures (see the module docstring)."""

    lang: str
    path: str
    segments: int
    counts: dict[str, int]  # segments per state
    with_mt: int  # segments with a raw MT and a current text
    reviewed: int  # of those, edited or approved
    approved_with_mt: int
    approved_unchanged: int  # approved segments whose text is the raw MT
    corpus_chrf: float | None  # raw MT vs post-edited text, reviewed segments
    corpus_ter: float | None
    scored: int  # segments with a stored HTER
    stale: int  # reviewed segments whose stored scores are missing or out of date
    mean_hter: float | None  # of the stored HTER
    estimated: int  # unreviewed (machine) segments with an estimate
    mean_qe: float | None  # of those estimates (0-1)
    segment_scores: list[SegmentScores] = field(default_factory=list, repr=False)

    @property
    def approved(self) -> int:
        return self.counts.get(State.APPROVED.value, 0)

    @property
    def approved_pct(self) -> float | None:
        return _pct(self.approved, self.segments)

    @property
    def approved_unchanged_pct(self) -> float | None:
        """Share of approved segments (with a raw MT) left as the MT wrote them, in %."""
        return _pct(self.approved_unchanged, self.approved_with_mt)

    @property
    def mean_qe_pct(self) -> float | None:
        return None if self.mean_qe is None else 100 * self.mean_qe

    def to_dict(self) -> dict:
        keys = ("lang", "path", "segments", "counts", "with_mt", "reviewed", "approved",
                "approved_with_mt", "approved_unchanged", "corpus_chrf", "corpus_ter", "scored",
                "stale", "mean_hter", "estimated", "mean_qe", "approved_pct",
                "approved_unchanged_pct")
        return {k: getattr(self, k) for k in keys}


def _stale(stored: Sequence[SegmentScores], live: Sequence[scoring.SegmentScore]) -> int:
    """Reviewed segments whose stored HTER/chrF is missing or differs from the current text's."""
    by_id = {s.id: s for s in stored}
    stale = 0
    for score in live:
        seg = by_id.get(score.id)
        if seg is None or seg.hter is None or seg.chrf is None:
            stale += 1
        elif (seg.hter != float(scoring.format_score(score.hter))
              or seg.chrf != float(scoring.format_score(score.chrf))):
            stale += 1
    return stale


def summarize_catalog(po: polib.POFile, lang: str, path: Path | str = "") -> LanguageSummary:
    """The figures of a loaded catalog (nothing is written)."""
    segs = catalog_segments(po, lang)
    live = scoring.document_scores(po, path)
    counts = {s.value: 0 for s in State}
    for seg in segs:
        counts[seg.state] += 1
    machine_qe = [s.qe for s in segs if s.state == State.MACHINE.value and s.qe is not None]
    hters = [s.hter for s in segs if s.hter is not None]
    return LanguageSummary(
        lang=lang, path=str(path), segments=len(segs), counts=counts, with_mt=live.with_mt,
        reviewed=live.reviewed, approved_with_mt=live.approved,
        approved_unchanged=live.approved_unchanged,
        corpus_chrf=live.corpus_reviewed.get("chrf"), corpus_ter=live.corpus_reviewed.get("ter"),
        scored=len(hters), stale=_stale(segs, live.per_segment), mean_hter=_mean(hters),
        estimated=len(machine_qe), mean_qe=_mean(machine_qe), segment_scores=segs,
    )


def summarize(path: Path | str, lang: str | None = None) -> LanguageSummary:
    """The figures of the catalog at ``path`` (language: its folder's name by default)."""
    path = Path(path)
    if not path.exists():
        raise LocworkError(f"{path}: no such catalog")
    return summarize_catalog(catalog.load(path), lang or catalog.CatalogRef.from_path(path).lang, path)


# ---------------------------------------------------------------- documents


def document_languages(locales_dir: Path | str, doc_name: str) -> list[str]:
    """Languages that have a catalog of the document, sorted."""
    return catalog.document_languages(locales_dir, doc_name)


def document_catalogs(locales_dir: Path | str, doc_name: str) -> dict[str, Path]:
    return {lang: catalog.catalog_path(locales_dir, lang, doc_name)
            for lang in document_languages(locales_dir, doc_name)}


@dataclass
class DocumentReport:
    """Every language of a document."""

    doc_name: str
    languages: list[LanguageSummary]

    @property
    def segments(self) -> list[SegmentScores]:
        return [s for summary in self.languages for s in summary.segment_scores]

    def language(self, lang: str) -> LanguageSummary:
        for summary in self.languages:
            if summary.lang == lang:
                return summary
        raise KeyError(lang)


def document_report(locales_dir: Path | str, doc_name: str) -> DocumentReport:
    """The figures of every catalog of the document."""
    return DocumentReport(doc_name, [summarize(path, lang) for lang, path
                                     in document_catalogs(locales_dir, doc_name).items()])


def score_document(locales_dir: Path | str, doc_name: str) -> list[scoring.DocumentScores]:
    """Score every catalog of the document and store the per-segment scores."""
    return [scoring.score_catalog(path) for path in document_catalogs(locales_dir, doc_name).values()]


def estimate_document(locales_dir: Path | str, doc_name: str, engines, src: str = "fr") -> list:
    """Estimate the unreviewed machine segments of every catalog (``locwork-qe``)."""
    from locwork import estimate

    return [estimate.estimate_catalog(path, engines, src=src)
            for path in document_catalogs(locales_dir, doc_name).values()]


# ---------------------------------------------------------------- charts


@dataclass(frozen=True)
class Bin:
    """``count`` values in [lo, hi) (the last bin also holds ``hi``)."""

    lo: float
    hi: float
    count: int


def histogram(values: Iterable[float], lo: float, hi: float, bins: int = BINS) -> list[Bin]:
    """Equal-width bins over [lo, hi]; values outside are put in the first or last bin."""
    if bins < 1 or hi <= lo:
        raise ValueError("need bins >= 1 and hi > lo")
    width = (hi - lo) / bins
    counts = [0] * bins
    for value in values:
        i = int((value - lo) // width)
        counts[min(bins - 1, max(0, i))] += 1
    return [Bin(round(lo + i * width, 10), round(lo + (i + 1) * width, 10), counts[i])
            for i in range(bins)]


def chrf_values(summary: LanguageSummary) -> list[float]:
    """Stored chrF of the post-edited segments (raw MT vs the reviewed text)."""
    return [s.chrf for s in summary.segment_scores if s.reviewed and s.chrf is not None]


def qe_values(summary: LanguageSummary) -> list[float]:
    """Estimates of the unreviewed (machine) segments."""
    return [s.qe for s in summary.segment_scores
            if s.state == State.MACHINE.value and s.qe is not None]


def chrf_histogram(summary: LanguageSummary, bins: int = BINS) -> list[Bin]:
    return histogram(chrf_values(summary), *CHRF_RANGE, bins)


def qe_histogram(summary: LanguageSummary, bins: int = BINS) -> list[Bin]:
    return histogram(qe_values(summary), *QE_RANGE, bins)


def comparison(summaries: Sequence[LanguageSummary]) -> list[dict]:
    """Rows ``{"lang", "metric", "value"}`` for the per-language bar chart (no row for a
    figure that cannot be computed, e.g. chrF before any review)."""
    rows = []
    for summary in summaries:
        for label, attr in COMPARISON.items():
            value = getattr(summary, attr)
            if value is not None:
                rows.append({"lang": summary.lang, "metric": label, "value": round(value, 2)})
    return rows


def top_effort(segments: Iterable[SegmentScores], n: int = 10) -> list[SegmentScores]:
    """The ``n`` segments with the highest stored HTER (ties: lowest chrF first, then
    input order)."""
    scored = [(i, s) for i, s in enumerate(segments) if s.hter is not None]
    scored.sort(key=lambda p: (-p[1].hter, p[1].chrf if p[1].chrf is not None else 0.0, p[0]))
    return [s for _, s in scored[:n]]


@dataclass(frozen=True)
class ReviewerTotal:
    """One reviewer's work, from the ``locwork-reviewer`` of the entries they last changed."""

    reviewer: str
    approved: int
    edited: int
    scored: int  # of their segments, those with a stored HTER
    mean_hter: float | None
    languages: tuple[str, ...]


def reviewer_totals(segments: Iterable[SegmentScores]) -> list[ReviewerTotal]:
    """Per reviewer: approved and edited segments, mean HTER; most approved first.

    Only reviewed segments (edited or approved) count; a segment counts for
    whoever changed it last.
    """
    by_name: dict[str, list[SegmentScores]] = {}
    for seg in segments:
        if seg.reviewed and seg.reviewer:
            by_name.setdefault(seg.reviewer, []).append(seg)
    totals = []
    for name, segs in by_name.items():
        hters = [s.hter for s in segs if s.hter is not None]
        totals.append(ReviewerTotal(
            reviewer=name,
            approved=sum(s.state == State.APPROVED.value for s in segs),
            edited=sum(s.state == State.EDITED.value for s in segs),
            scored=len(hters), mean_hter=_mean(hters),
            languages=tuple(sorted({s.lang for s in segs})),
        ))
    totals.sort(key=lambda t: (-t.approved, -t.edited, t.reviewer.casefold()))
    return totals
