"""Matching, apart from storage: exact by normalised source, fuzzy with rapidfuzz.

*Exact*: the source normalised (:func:`locwork.tm.model.normalize`) is
looked up by its hash. *Fuzzy*: :func:`rapidfuzz.fuzz.ratio` (normalised
Indel similarity, 0-100) between normalised sources. It already penalises
length mismatch: a source twice as long as the query scores at most 67.
That bound gives a lossless *length band* (:func:`length_band`). A store
only proposes candidates inside it (:meth:`Matcher._candidates`: every
source of a small band, else an index's best guesses); the score, the
ranking, the cap at 99 for a non-identical source, the preferred unit and
the diff are all computed here, so every store returns the same matches
for the same candidates.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any, Iterable, Sequence

from locwork import langs
from locwork.tm.model import DEFAULT_THRESHOLD, SOURCE_LANG, Match, TMUnit, base_lang, diff, normalize, source_hash

# A unit row as stores return it from _units_of:
# (source_id, target, tgt_lang, document, segment, reviewer, approved_at, route, origin, engine, via)
UnitRow = tuple[Any, ...]
BATCH = 500  # sources asked for in one query


def length_band(length: int, threshold: float) -> tuple[int, int]:
    """The lengths a source can have and still reach ``threshold`` against a query of ``length``.

    Lossless: ``fuzz.ratio <= 200 * min(la, lb) / (la + lb)``.
    """
    t = max(1.0, min(float(threshold), 100.0))
    return int(length * t / (200 - t)), int(length * (200 - t) / t) + 1


SCAN_LIMIT = 1500  # a length band this small is scored whole, without the index...
SCAN_MAX = 20000  # ...and one up to this size too, when that is cheaper than the index
SCAN_COST = 1.5  # cost of scoring one source of the band, against one index posting
RARE_TERMS = 8  # query words OR-ed in the index query, rarest first...
MIN_TERMS = 3  # ...at least this many (when the query has them)...
POSTINGS_BUDGET = 5000  # ...and more only while their document frequencies add up to less
PG_CANDIDATES = 500  # sources scored with rapidfuzz per fuzzy lookup (index path), ranked by summed idf
POOL = 2000  # rows read per chosen word at most: bounds a common-word query's work (a rare word's all)
RANKED_READ = 2000  # pooled sources considered, the best ranked by summed idf (then the length band's)


def rare_terms(df: dict[str, int]) -> tuple[list[str], int]:
    """The query words to look up in a word index, rarest first, and the postings the index
    reads for them.

    Rare words are a far sharper filter than trigrams (whose common ones,
    ``" de"``, ``"es "``, hit most of a memory): the rarest are taken while
    their document frequencies add up to less than :data:`POSTINGS_BUDGET`
    (at least :data:`MIN_TERMS`, at most :data:`RARE_TERMS`). The postings
    counted are capped at :data:`POOL` per word, as the stores read them:
    compared with the uncapped counts, a length band of a few thousand
    sources looked cheaper than three common words, and a short query of
    common words scored 20,000 sources at 1M units (0.46 s) instead of
    reading three pools.
    """
    known = sorted((w for w, n in df.items() if n), key=lambda w: (df[w], w))
    chosen: list[str] = []
    postings = 0
    for word in known[:RARE_TERMS]:
        if len(chosen) >= MIN_TERMS and postings + df[word] > POSTINGS_BUDGET:
            break
        chosen.append(word)
        postings += df[word]
    return chosen, sum(min(df[word], POOL) for word in chosen)


def scan_band(band: int, postings: int | None = None) -> bool:
    """Whether to score every source of a length band of ``band`` sources rather than ask the
    index: when it is small, or cheaper than the index's ``postings``."""
    if band <= SCAN_LIMIT:
        return True
    return postings is not None and band <= SCAN_MAX and band * SCAN_COST <= postings


def band_cap(postings: int) -> int:
    """How far a length band must be counted for :func:`scan_band` to decide (it is scored whole
    only up to this size): past it, the count changes nothing."""
    return max(SCAN_LIMIT, min(SCAN_MAX, int(postings / SCAN_COST))) + 1


def score(norm: str, candidates: dict[int, str], threshold: float, limit: int) -> list[tuple[int, int]]:
    """(score, key) of the best ``limit`` candidates at or above ``threshold``, best first."""
    from rapidfuzz import fuzz, process

    scored = process.extract(norm, candidates, scorer=fuzz.ratio, score_cutoff=threshold, limit=limit)
    return [(min(99, int(value)), key) for _, value, key in scored]


class Matcher:
    """Exact, fuzzy and batch lookups on top of a store's few queries.

    A store subclasses it and provides :meth:`_exact_sources`,
    :meth:`_units_of`, :meth:`_candidates`, :meth:`_source_texts`,
    :meth:`_has_lang` and :meth:`_version` (a value that changes whenever
    the memory does: it keys the cache of :meth:`best_many`).
    """

    _lock: threading.RLock

    def _init_matcher(self) -> None:
        self._best: dict[tuple[str, str, str, float], Match | None] = {}
        self._best_version: object = None

    # ------------------------------------------------ what a store provides

    def _exact_sources(self, norms: Sequence[str], src: str) -> dict[str, tuple[int, str]]:
        """normalised source -> (id, text as stored) for those of ``norms`` in the memory."""
        raise NotImplementedError

    def _units_of(self, source_ids: Sequence[int], tgt_lang: str) -> dict[int, list[UnitRow]]:
        """Units of these sources in the target language (its base language), preferred first:
        the exact language code before a regional variant, then the most recent approval."""
        raise NotImplementedError

    def _candidates(self, norm: str, src: str, tgt_base: str, threshold: float) -> Sequence[tuple[Any, ...]]:
        """(id, norm) or (id, norm, text as stored) of the sources worth scoring against ``norm``."""
        raise NotImplementedError

    def _source_texts(self, ids: Sequence[int]) -> dict[int, str]:
        raise NotImplementedError

    def _has_lang(self, tgt_base: str) -> bool:
        raise NotImplementedError

    def _version(self) -> object:
        raise NotImplementedError

    # ------------------------------------------------------------ matching

    @staticmethod
    def _match(score_: int, source: str, units: list[UnitRow], query: str, src_lang: str) -> Match:
        best = units[0]
        others = len({u[1] for u in units} - {best[1]})
        return Match(
            score=score_,
            source=source,
            target=best[1],
            src_lang=src_lang,
            tgt_lang=best[2],
            document=best[3],
            segment=best[4],
            reviewer=best[5],
            approved_at=best[6],
            route=best[7],
            origin=best[8],
            diff=diff(source, query),
            others=others,
        )

    def _exact_many(
        self, texts: Sequence[str], tgt_lang: str, src_lang: str, norms: dict[str, str] | None = None
    ) -> dict[str, Match]:
        """The exact matches of many texts, in a few queries (``norms``: their normalised forms,
        when the caller has them)."""
        src = base_lang(src_lang)
        norms = {text: normalize(text) for text in texts} if norms is None else norms
        wanted = [n for n in dict.fromkeys(norms.values()) if n]
        sources: dict[str, tuple[int, str]] = {}
        for start in range(0, len(wanted), BATCH):
            sources.update(self._exact_sources(wanted[start : start + BATCH], src))
        ids = [sid for sid, _ in sources.values()]
        units: dict[int, list[UnitRow]] = {}
        for start in range(0, len(ids), BATCH):
            units.update(self._units_of(ids[start : start + BATCH], tgt_lang))
        out = {}
        for text, norm in norms.items():
            found = sources.get(norm)
            if found is not None and found[0] in units:
                out[text] = self._match(100, found[1], units[found[0]], text, src)
        return out

    def exact(self, text: str, tgt_lang: str, src_lang: str = SOURCE_LANG) -> Match | None:
        """The exact match of ``text`` (same normalised source), or None."""
        return self._exact_many([text], tgt_lang, src_lang).get(text)

    def translations(self, text: str, tgt_lang: str, src_lang: str = SOURCE_LANG) -> list[TMUnit]:
        """Every unit whose source is exactly ``text`` in ``tgt_lang``, preferred first."""
        src = base_lang(src_lang)
        found = self._exact_sources([normalize(text)], src).get(normalize(text))
        if found is None:
            return []
        return [
            TMUnit(found[1], u[1], src, u[2], u[3], u[4], u[5], u[6], u[7], u[9], u[8], u[10])
            for u in self._units_of([found[0]], tgt_lang).get(found[0], [])
        ]

    def _fuzzy(self, text: str, tgt_lang: str, src_lang: str, threshold: float, limit: int) -> list[Match]:
        """The best non-identical sources at or above ``threshold`` that have a translation."""
        norm = normalize(text)
        if not norm or limit < 1:
            return []
        src, tgt_base = base_lang(src_lang), base_lang(tgt_lang)
        rows = self._candidates(norm, src, tgt_base, threshold)
        candidates = {row[0]: row[1] for row in rows if row[1] != norm}
        if not candidates:
            return []
        scored = score(norm, candidates, threshold, limit)
        keys = [key for _, key in scored]
        units = self._units_of(keys, tgt_lang)
        texts = {row[0]: row[2] for row in rows if len(row) > 2}  # a store may give the texts at once
        missing = [key for key in keys if key not in texts]
        texts.update(self._source_texts(missing) if missing else {})
        return [self._match(value, texts[key], units[key], text, src) for value, key in scored if key in units]

    def lookup(
        self,
        text: str,
        tgt_lang: str,
        src_lang: str = SOURCE_LANG,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 5,
    ) -> list[Match]:
        """The best matches of ``text`` in ``tgt_lang``, best first (an exact one first)."""
        if not normalize(text) or limit < 1:
            return []
        found = [m for m in (self.exact(text, tgt_lang, src_lang),) if m is not None]
        if len(found) >= limit:
            return found
        return found + self._fuzzy(text, tgt_lang, src_lang, threshold, limit - len(found))

    def best(
        self, text: str, tgt_lang: str, src_lang: str = SOURCE_LANG, threshold: float = DEFAULT_THRESHOLD
    ) -> Match | None:
        """The exact match, else the best fuzzy match at or above ``threshold``, else None."""
        found = self.exact(text, tgt_lang, src_lang)
        if found is not None:
            return found
        matches = self._fuzzy(text, tgt_lang, src_lang, threshold, 1)
        return matches[0] if matches else None

    def best_many(
        self, texts: Iterable[str], tgt_lang: str, src_lang: str = SOURCE_LANG, threshold: float = DEFAULT_THRESHOLD
    ) -> dict[str, Match]:
        """:meth:`best` for many texts: the exact matches of all of them in a few queries, then a
        fuzzy lookup for each of the others; answers are cached until the memory changes."""
        out: dict[str, Match] = {}
        if not self._has_lang(base_lang(tgt_lang)):
            return out
        code, src = langs.normalize(tgt_lang), base_lang(src_lang)
        with self._lock:
            version = self._version()
            if version is None or version != self._best_version or len(self._best) > 50_000:
                self._best.clear()
                self._best_version = version
        distinct = list(dict.fromkeys(texts))
        keys = {text: (normalize(text), code, src, float(threshold)) for text in distinct}
        todo = [text for text in distinct if keys[text] not in self._best]
        exact = self._exact_many(todo, tgt_lang, src_lang, {text: keys[text][0] for text in todo})
        fresh = set()  # texts whose match was made for them here: their diff is already theirs
        for text in todo:
            if keys[text] in self._best:  # the same normalised text seen already in this batch
                continue
            match = exact.get(text)
            if match is None:
                fuzzy = self._fuzzy(text, tgt_lang, src_lang, threshold, 1)
                match = fuzzy[0] if fuzzy else None
            self._best[keys[text]] = match
            fresh.add(text)
        for text in distinct:
            match = self._best[keys[text]]
            if match is not None:
                out[text] = match if text in fresh else dataclasses.replace(match, diff=diff(match.source, text))
        return out


__all__ = ["Matcher", "length_band", "score", "source_hash"]
