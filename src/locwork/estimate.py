"""Reference-free quality estimate (QE) of machine translations, offline.

Used to sort the review queue worst-first before anyone has looked at the
segments. Six signals per segment, all computed locally:

``roundtrip``
    chrF (sacrebleu) of the output translated back to the source language by
    the router's best reverse route, against the source. Cheap and robust
    for rule-based engines; it rewards literal translations.
``agreement``
    chrF of the output against the output of the *second-best* route to the
    same language (another engine or pivot), when such a route exists. Two
    independent systems agreeing is a good sign.
``cross``
    chrF of the output against the output of the most *different* route
    (:func:`cross_route`): the one with the most hops by an engine the
    second-best route does not use, allowing a detour (fr→es→pt→en→pt→es
    passes through Bergamot while every simple fr→es path is Apertium-only).
    The second-best route is often the same engine through another pivot
    and shares its errors; a different engine does not. On newstest2013
    this is the strongest single signal for es and adds about 0.05 to the
    combined correlation for both en and es.
``hyp_score``
    The engine's own score of its best hypothesis (argos/CTranslate2: the
    length-normalised log-probability), when the last hop gives one.
``length_ratio``
    Target characters / source characters. The feature is
    ``-|log(ratio / typical)|``, the typical ratio of the pair coming from
    the fitted model (newstest2013 references) or, for other targets, the
    median of the batch.
``untranslated``
    Share of the source's lowercase words of four or more letters (so not
    names, numbers or short function words) found verbatim in the output:
    words the engine did not know and passed through.

Three features of the source itself go into the model beside them (not
quality signals, but what makes sentence-level chrF vary regardless of the
engine): its length (log characters), its share of copyable tokens
(capitalised words after the first, numbers) and its mean word length.

Combination: a small linear model on the standardised features, predicting
the segment's chrF against a human reference, capped at :data:`TARGET_CAP`
(/100: the worst-first queue needs bad told from middling), fitted by
``bench/estimate_correlation.py --fit`` on newstest2013 lines 1001-2000
(evaluated on lines 1-1000) and stored in ``locwork/data/qe_model.json``
(all targets pooled, one intercept per target language seen in the fit, the
mean intercept for the others). A missing signal counts as the training
mean (its standardised value is 0); a signal missing from every training
row (the hypothesis score, with no argos model installed) gets no weight.
The estimate ``qe`` is an expected sentence chrF/100 (0-1, higher is
better), on a scale comparable across languages: the model's raw score is
shifted so that the language's mean (on the fit lines) lands on the route's
expected chrF (``locwork routes``, data/quality.json), and the signals give
each segment's deviation from it (:meth:`QEModel.calibrate`). Without the
model file, the mean of the available quality signals mapped to 0-1 is used
instead (``model: unfitted``).

In a catalog, only unreviewed (machine) entries are estimated; each gets
``#. locwork-qe: 0.73`` and ``#. locwork-qe-signals: roundtrip=... ...``.
:func:`review_order` sorts a catalog's review queue worst-first.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import polib

from locwork.errors import LocworkError

if TYPE_CHECKING:  # pragma: no cover
    from locwork.engines.registry import Engines
    from locwork.routing import Route

QUALITY_FEATURES = ("roundtrip", "agreement", "cross", "hyp_score", "length", "untranslated")
SOURCE_FEATURES = ("src_length", "copyable", "word_length")
FEATURES = QUALITY_FEATURES + SOURCE_FEATURES
MODEL_FILE = "data/qe_model.json"
#: A source this short ("UE", "Gaza", "OTAN", "Économie") is estimated by its
#: round trip alone: the model, fitted on sentences, learnt that short
#: sources score low chrF and ranked correct one-word headings worst.
SHORT_SOURCE = 15
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
ELIGIBLE = re.compile(r"^[^\W\d_]{4,}$")
Progress = Callable[[int], None]


# ---------------------------------------------------------------- signals


def untranslated_rate(source: str, output: str) -> float | None:
    """Share of the source's lowercase words (≥ 4 letters) copied verbatim.

    Capitalised words (names, sentence starts), numbers and short words are
    left out; ``None`` when the source has no eligible word.
    """
    words = [w for w in WORD.findall(source) if ELIGIBLE.match(w) and w == w.lower()]
    if not words:
        return None
    out = set(WORD.findall(output))
    return sum(w in out for w in words) / len(words)


def length_ratio(source: str, output: str) -> float | None:
    src = len(source.strip())
    if not src or not output.strip():
        return None
    return len(output.strip()) / src


def sentence_chrf(hyps: Sequence[str], refs: Sequence[str]) -> list[float]:
    """sacrebleu sentence chrF of each pair (0-100)."""
    from locwork import scoring

    stats = scoring.pair_stats(hyps, refs, bleu=False)
    return [stats.chrf(i) for i in range(len(stats))]


TOKEN = re.compile(r"\w+|[^\w\s]")


def source_features(source: str) -> tuple[int, float, float]:
    """Source length (chars), share of copyable tokens (names, numbers), mean word length.

    Not quality signals but the difficulty of the sentence for sentence-level
    chrF: short sentences and sentences of common words vary most, names and
    numbers pass through unchanged.
    """
    text = source.strip()
    tokens = TOKEN.findall(text)
    copyable = sum(1 for t in tokens[1:] if t[:1].isupper() or any(c.isdigit() for c in t))
    words = text.split()
    return (len(text), copyable / len(tokens) if tokens else 0.0,
            sum(len(w) for w in words) / len(words) if words else 0.0)


@dataclass
class Signals:
    """The raw signal values of one segment (``None``: not available)."""

    roundtrip: float | None = None
    agreement: float | None = None
    cross: float | None = None
    hyp_score: float | None = None
    length_ratio: float | None = None
    untranslated: float | None = None
    source_chars: int | None = None
    copyable: float | None = None
    word_length: float | None = None

    @classmethod
    def local(cls, source: str, output: str, hyp_score: float | None = None) -> "Signals":
        """The signals that need no engine."""
        chars, copyable, word_len = source_features(source)
        has_output = bool(output.strip())
        return cls(hyp_score=hyp_score, length_ratio=length_ratio(source, output),
                   untranslated=untranslated_rate(source, output) if has_output else None,
                   source_chars=chars or None, copyable=copyable if chars else None,
                   word_length=word_len if chars else None)

    def features(self, typical_ratio: float) -> dict[str, float | None]:
        """Model inputs: the quality signals oriented so that higher is better,
        then the source's difficulty features."""
        length = None
        if self.length_ratio is not None and self.length_ratio > 0:
            length = -abs(math.log(self.length_ratio / typical_ratio))
        untranslated = self.untranslated
        if untranslated is None and self.length_ratio is not None:
            untranslated = 0.0  # no eligible source word: nothing could be left untranslated
        return {
            "roundtrip": None if self.roundtrip is None else self.roundtrip / 100,
            "agreement": None if self.agreement is None else self.agreement / 100,
            "cross": None if self.cross is None else self.cross / 100,
            "hyp_score": self.hyp_score,
            "length": length,
            "untranslated": None if untranslated is None else -untranslated,
            "src_length": None if not self.source_chars else math.log(self.source_chars),
            "copyable": self.copyable,
            "word_length": self.word_length,
        }

    def to_dict(self) -> dict:
        return {
            "roundtrip": _round(self.roundtrip, 1),
            "agreement": _round(self.agreement, 1),
            "cross": _round(self.cross, 1),
            "hyp_score": _round(self.hyp_score, 3),
            "length_ratio": _round(self.length_ratio, 2),
            "untranslated": _round(self.untranslated, 2),
        }

    def to_meta(self) -> str:
        """One ``key=value`` line for ``#. locwork-qe-signals`` (the MT-dependent signals)."""
        names = {"length_ratio": "length-ratio", "hyp_score": "hyp-score"}
        return " ".join(f"{names.get(k, k)}={v}" for k, v in self.to_dict().items() if v is not None)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


# ---------------------------------------------------------------- model


@dataclass
class QEModel:
    """Linear model on standardised features (see the module docstring)."""

    version: str = "unfitted"
    mean: dict[str, float] = field(default_factory=dict)
    std: dict[str, float] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    intercept: float = 0.5
    intercepts: dict[str, float] = field(default_factory=dict)  # per target language
    typical_ratio: dict[str, float] = field(default_factory=dict)  # per target language
    centres: dict[str, float] = field(default_factory=dict)  # mean raw score of the fit lines, per target
    target_cap: float | None = None  # the fit's target: min(chrF, cap)/100
    fitted_on: str = ""

    @classmethod
    def from_dict(cls, data: Mapping) -> "QEModel":
        keys = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in keys})

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @property
    def fitted(self) -> bool:
        return bool(self.weights)

    def ratio_for(self, tgt: str, batch: Sequence[Signals] = ()) -> float:
        if tgt in self.typical_ratio:
            return self.typical_ratio[tgt]
        ratios = [s.length_ratio for s in batch if s.length_ratio]
        return statistics.median(ratios) if len(ratios) >= 10 else 1.0

    def centre(self, tgt: str) -> float:
        """The mean raw score of the language's fit lines (the pooled intercept for others)."""
        return self.centres.get(tgt, self.intercept)

    def raw_score(self, signals: Signals, tgt: str, typical_ratio: float | None = None) -> float | None:
        """The linear model's prediction of chrF/100, unclipped; ``None`` with no signal at all.

        Unfitted: the mean of the available quality signals mapped to 0-1.
        """
        feats = signals.features(typical_ratio or self.ratio_for(tgt))
        if all(feats[name] is None for name in QUALITY_FEATURES):
            return None
        if not self.fitted:
            values = [
                v for v in (
                    feats["roundtrip"], feats["agreement"], feats["cross"],
                    None if feats["length"] is None else math.exp(feats["length"]),
                    None if feats["untranslated"] is None else 1 + feats["untranslated"],
                ) if v is not None
            ]
            return sum(values) / len(values) if values else None
        value = self.intercepts.get(tgt, self.intercept)
        for name, weight in self.weights.items():
            x = feats.get(name)
            if x is None or not self.std.get(name):
                continue
            value += weight * (x - self.mean[name]) / self.std[name]
        return value

    def calibrate(self, raw: float, tgt: str, expected_chrf: float | None = None) -> float:
        """Move a raw score onto the route's scale: expected chrF/100, clipped to 0-1.

        The language's mean raw score (on the fit lines) maps to the route's
        expected chrF (``locwork routes``, from data/quality.json), so that
        a language whose drafts are worse averages lower; what the signals
        add is the deviation from that mean. Monotone in ``raw``. Without
        an expected chrF (or unfitted) the raw score is kept.
        """
        if expected_chrf is None or not self.fitted:
            return _clip(raw)
        return _clip(raw - self.centre(tgt) + expected_chrf / 100)

    def predict(self, signals: Signals, tgt: str, typical_ratio: float | None = None,
                expected_chrf: float | None = None) -> float | None:
        """The estimate in 0-1 (expected sentence chrF/100, higher is better); ``None`` with no signal.

        A source of at most :data:`SHORT_SOURCE` characters is estimated by its
        round trip alone (not calibrated: a heading that comes back intact is fine).
        """
        if (self.fitted and signals.source_chars is not None and signals.source_chars <= SHORT_SOURCE
                and signals.roundtrip is not None):
            return _clip(signals.roundtrip / 100)
        raw = self.raw_score(signals, tgt, typical_ratio)
        return None if raw is None else self.calibrate(raw, tgt, expected_chrf)


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


_MODEL: QEModel | None = None


def load_model() -> QEModel:
    """The fitted model shipped in ``locwork/data/qe_model.json`` (else unfitted)."""
    global _MODEL
    if _MODEL is None:
        try:
            text = resources.files("locwork").joinpath(MODEL_FILE).read_text("utf-8")
            _MODEL = QEModel.from_dict(json.loads(text))
        except (FileNotFoundError, ValueError):
            _MODEL = QEModel()
    return _MODEL


#: The fit's target is the segment's chrF capped here: the queue needs to tell
#: bad segments from middling ones, not good from very good. On newstest2013
#: (two folds of the fit lines) the cap raised the precision of the worst 10 %
#: from 0.34 to 0.41 (en) and from 0.30 to 0.36 (es), Spearman unchanged.
TARGET_CAP = 50.0


def fit_model(rows: Sequence[tuple[str, Signals, float]], ridge: float = 1.0,
              fitted_on: str = "", typical_ratio: Mapping[str, float] | None = None,
              cap: float | None = TARGET_CAP) -> QEModel:
    """Least squares (lightly ridged) of ``min(chrF, cap)/100`` on the standardised features.

    rows: (target language, signals, segment chrF against the reference).
    One intercept per target language; missing features are 0 after
    standardisation (the training mean). ``typical_ratio``: the pair's
    usual target/source length ratio per target (e.g. the median over human
    references); by default the median ratio of the training outputs.
    """
    import numpy as np

    by_tgt: dict[str, list[float]] = {}
    for tgt, sig, _ in rows:
        if sig.length_ratio:
            by_tgt.setdefault(tgt, []).append(sig.length_ratio)
    typical = {t: round(statistics.median(r), 4) for t, r in by_tgt.items()}
    typical.update({t: round(v, 4) for t, v in (typical_ratio or {}).items()})
    feats = [sig.features(typical.get(tgt, 1.0)) for tgt, sig, _ in rows]
    mean, std, used = {}, {}, []
    for name in FEATURES:
        values = [f[name] for f in feats if f[name] is not None]
        if len(values) >= 20 and statistics.pstdev(values) > 1e-9:
            mean[name] = statistics.fmean(values)
            std[name] = statistics.pstdev(values)
            used.append(name)
    targets = sorted({tgt for tgt, _, _ in rows})
    x = np.array([
        [0.0 if f[n] is None else (f[n] - mean[n]) / std[n] for n in used]
        + [1.0 if tgt == t else 0.0 for t in targets]
        for f, (tgt, _, _) in zip(feats, rows)
    ])
    y = np.array([(chrf if cap is None else min(chrf, cap)) / 100 for _, _, chrf in rows])
    penalty = np.diag([ridge] * len(used) + [0.0] * len(targets))
    coef = np.linalg.solve(x.T @ x + penalty, x.T @ y)
    weights = {n: round(float(w), 6) for n, w in zip(used, coef[: len(used)])}
    intercepts = {t: round(float(b), 6) for t, b in zip(targets, coef[len(used):])}
    raw = x @ coef
    centres = {t: round(float(np.mean([r for r, (tg, _, _) in zip(raw, rows) if tg == t])), 6)
               for t in targets}
    return QEModel(
        version="linear-2", mean={k: round(v, 6) for k, v in mean.items()},
        std={k: round(v, 6) for k, v in std.items()}, weights=weights,
        intercept=round(float(np.mean(list(intercepts.values()))), 6), intercepts=intercepts,
        typical_ratio=typical, centres=centres, target_cap=cap, fitted_on=fitted_on,
    )


# ---------------------------------------------------------------- routes


def alternative_route(graph: Mapping, route: "Route", max_hops: int = 3) -> "Route | None":
    """The best route to the same target other than ``route`` (the router's)."""
    from locwork.routing import Router

    return Router(graph).alternative(route, max_hops)


def cross_route(graph: Mapping, route: "Route", avoid: Sequence["Route"] = (),
                max_hops: int = 3) -> "Route | None":
    """The most *different* other route to the same target (or None).

    Walks of up to ``max_hops + 2`` hops are considered, languages may
    repeat (not the source; no hop used twice), so that a detour through
    another engine is possible even where every simple path uses one engine
    (fr→es→pt→en→pt→es goes through Bergamot twice). Preferred: the most
    hops by engines the second-best route (``avoid[0]``) does not use, then
    the fewest hops shared with ``route`` (a detour that contains the whole
    route, fr→ca→es→ca→pt→en for fr→ca→pt→en, gave the same English in 3
    lines out of 4), then the expected chrF. Neither ``route`` nor a route
    of ``avoid``.
    """
    from locwork.routing import score_route

    taken = {route.spec(), *(r.spec() for r in avoid)}
    main = set(route.hops)
    other_engines = set(avoid[0].engines) if avoid else set(route.engines)
    limit = max_hops + 2
    found = []

    def walk(lang: str, path: list) -> None:
        if len(path) >= limit:
            return
        for hop in graph.get(lang, []):
            if hop.tgt == route.src or hop in path:
                continue
            if hop.tgt == route.tgt:
                found.append(path + [hop])
            walk(hop.tgt, path + [hop])

    walk(route.src, [])
    best, best_key = None, None
    for hops in found:
        candidate = score_route(hops)
        if candidate.spec() in taken:
            continue
        key = (sum(h.engine not in other_engines for h in hops), -len(main & set(hops)),
               round(candidate.expected_chrf, 3), -len(hops), candidate.spec())
        if best_key is None or key > best_key:
            best, best_key = candidate, key
    return best


def reverse_route(graph: Mapping, tgt: str, src: str, max_hops: int = 3) -> "Route | None":
    """The router's best route back from the target to the source language."""
    from locwork.routing import Router

    return Router(graph).reverse(tgt, src, max_hops)


@dataclass
class SignalRoutes:
    """The routes the signals used (for reports)."""

    route: str
    reverse: str | None
    alternative: str | None
    cross: str | None = None


def compute_signals(
    engines: "Engines",
    sources: Sequence[str],
    outputs: Sequence[str],
    route: "Route",
    hyp_scores: Sequence[float | None] | None = None,
    max_hops: int = 3,
    progress: Progress | None = None,
    graph: Mapping | None = None,
) -> tuple[list[Signals], SignalRoutes]:
    """Every signal for each (source, output) pair translated by ``route``."""
    from locwork.pipeline import run_route

    graph = engines.graph() if graph is None else graph
    signals = [Signals.local(s, o, None if hyp_scores is None else hyp_scores[i])
               for i, (s, o) in enumerate(zip(sources, outputs))]
    todo = [i for i, o in enumerate(outputs) if o.strip() and sources[i].strip()]
    back = reverse_route(graph, route.tgt, route.src, max_hops)
    if back is not None and todo:
        texts = [r.text for r in run_route(engines, back, [outputs[i] for i in todo], progress=progress)]
        for i, value in zip(todo, sentence_chrf(texts, [sources[i] for i in todo])):
            signals[i].roundtrip = value
    alt = alternative_route(graph, route, max_hops)
    if alt is not None and todo:
        texts = [r.text for r in run_route(engines, alt, [sources[i] for i in todo], progress=progress)]
        keep = [(i, t) for i, t in zip(todo, texts) if t.strip()]
        values = sentence_chrf([outputs[i] for i, _ in keep], [t for _, t in keep])
        for (i, _), value in zip(keep, values):
            signals[i].agreement = value
    cross = cross_route(graph, route, [alt] if alt is not None else [], max_hops)
    if cross is not None and todo:
        texts = [r.text for r in run_route(engines, cross, [sources[i] for i in todo], progress=progress)]
        keep = [(i, t) for i, t in zip(todo, texts) if t.strip()]
        values = sentence_chrf([outputs[i] for i, _ in keep], [t for _, t in keep])
        for (i, _), value in zip(keep, values):
            signals[i].cross = value
    return signals, SignalRoutes(route.spec(), back and back.spec(), alt and alt.spec(),
                                 cross and cross.spec())


@dataclass
class Estimate:
    """One segment's machine translation with its estimate."""

    source: str
    output: str
    signals: Signals
    qe: float | None


def estimate_texts(
    engines: "Engines",
    sources: Sequence[str],
    src: str,
    tgt: str,
    route: "Route | None" = None,
    max_hops: int = 3,
    model: QEModel | None = None,
) -> tuple[list[Estimate], SignalRoutes]:
    """Translate by ``route`` (default: the best one) and estimate each output."""
    from locwork.pipeline import choose_route, run_route

    model = model or load_model()
    route = route or choose_route(engines, src, tgt, max_hops=max_hops)
    results = run_route(engines, route, list(sources))
    outputs = [r.text for r in results]
    scores = [r.alternatives[0].score if r.alternatives else None for r in results]
    signals, routes = compute_signals(engines, sources, outputs, route, scores, max_hops)
    ratio = model.ratio_for(tgt, signals)
    return [Estimate(s, o, sig, model.predict(sig, tgt, ratio, route.expected_chrf))
            for s, o, sig in zip(sources, outputs, signals)], routes


# ---------------------------------------------------------------- catalogs


def _target_lang(po: polib.POFile, path: Path) -> str:
    from locwork import catalog

    lang = catalog.target_language(po, path)
    if not lang:
        raise LocworkError(f"{path}: no Language header; cannot tell the target language")
    return lang.split("_")[0].lower()


@dataclass
class EstimateReport:
    """What :func:`estimate_catalog` did."""

    path: str
    lang: str
    estimated: int
    routes: list[dict]
    per_segment: list[dict]

    def to_dict(self, per_segment: bool = True) -> dict:
        data = {"catalog": self.path, "lang": self.lang, "estimated": self.estimated,
                "routes": self.routes, "model": load_model().version}
        if per_segment:
            data["per_segment"] = self.per_segment
        return data


def estimate_catalog(path: Path, engines: "Engines | None" = None, src: str = "fr",
                     max_hops: int = 3, progress: Progress | None = None) -> EstimateReport:
    """Estimate every unreviewed machine entry of a catalog and store ``locwork-qe``.

    Engines run outside the catalog lock; the results are written through
    ``catalog.edit``, only to entries that are still machine-made with the
    same source and raw MT as when they were estimated.
    """
    from locwork import catalog
    from locwork.catalog import State
    from locwork.engines.registry import Engines
    from locwork.pipeline import choose_route
    from locwork.routing import parse_route

    path = Path(path)
    if not path.exists():
        raise LocworkError(f"{path}: no such catalog")
    po = catalog.load(path)
    tgt = _target_lang(po, path)
    entries = [e for e in po if not e.obsolete and e.msgid and catalog.provenance(e).mt
               and catalog.entry_state(e) == State.MACHINE]
    own = engines is None
    engines = Engines() if own else engines
    model = load_model()
    results: dict[tuple, tuple[Signals, float | None]] = {}
    routes: list[dict] = []
    try:
        if entries:
            graph = engines.graph()
            groups: dict[str, list[polib.POEntry]] = {}
            for e in entries:
                groups.setdefault(catalog.provenance(e).route or "", []).append(e)
            for spec, group in groups.items():
                try:
                    route = parse_route(spec, graph) if spec else choose_route(engines, src, tgt, max_hops=max_hops)
                except LocworkError:
                    route = choose_route(engines, src, tgt, max_hops=max_hops)
                sources = [e.msgid for e in group]
                outputs = [catalog.provenance(e).mt or "" for e in group]
                scores = [catalog.provenance(e).mt_score for e in group]
                signals, used = compute_signals(engines, sources, outputs, route, scores, max_hops,
                                                progress, graph)
                ratio = model.ratio_for(tgt, signals)
                routes.append({"route": used.route, "expected_chrf": round(route.expected_chrf, 1),
                               "reverse": used.reverse,
                               "alternative": used.alternative, "cross": used.cross,
                               "segments": len(group)})
                for e, out, sig in zip(group, outputs, signals):
                    results[(e.msgctxt, e.msgid, out)] = (sig, model.predict(sig, tgt, ratio,
                                                                             route.expected_chrf))
    finally:
        if own:
            engines.close()
    per_segment = []
    with catalog.edit(path) as fresh:
        for e in fresh:
            if e.obsolete or catalog.entry_state(e) != State.MACHINE:
                continue
            hit = results.get((e.msgctxt, e.msgid, catalog.provenance(e).mt or ""))
            if hit is None:
                continue
            sig, qe = hit
            catalog.record_qe(e, qe, (sig.to_meta() + f" model={model.version}").strip())
            per_segment.append({"id": e.msgctxt or e.msgid[:40],
                                "qe": None if qe is None else round(qe, 3),
                                "qe_chrf": None if qe is None else round(100 * qe, 1),
                                **sig.to_dict()})
    return EstimateReport(str(path), tgt, len(per_segment), routes, per_segment)


def qe_value(entry: polib.POEntry) -> float | None:
    from locwork import catalog

    return catalog.provenance(entry).qe


def review_order(po: polib.POFile) -> list[polib.POEntry]:
    """The entries still to review (translated, not approved), worst first.

    Sorted by ``locwork-qe`` ascending; entries without an estimate (never
    estimated, or edited since) come after, in catalog order.
    """
    from locwork import catalog
    from locwork.catalog import State

    queue = [e for e in po if not e.obsolete and e.msgid and e.msgstr
             and catalog.entry_state(e) in (State.MACHINE, State.EDITED)]
    order = {id(e): i for i, e in enumerate(queue)}

    def key(entry: polib.POEntry) -> tuple:
        qe = qe_value(entry)
        return (qe is None, qe if qe is not None else 0.0, order[id(entry)])

    return sorted(queue, key=key)
