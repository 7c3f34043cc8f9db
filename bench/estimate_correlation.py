"""How well the reference-free estimate (locwork.estimate) predicts real quality.

On newstest2013 (fr source; en, es, de references), for every target the
router can reach: translate lines 1-1000 by the chosen route, compute every
QE signal (round trip, agreement with the second-best route, hypothesis
score, length ratio, untranslated words) and the combined estimate, and
report the Spearman correlation of each with the segment's chrF against the
human reference (sacrebleu sentence chrF).

With ``--fit``, lines 1001-2000 are processed the same way first and the
linear model of ``locwork.estimate`` is fitted on them (all targets pooled,
one intercept per target) and written to ``src/locwork/data/qe_model.json``;
the evaluation on lines 1-1000 then uses the freshly fitted model (no line
is both fitted on and evaluated on).

    python bench/estimate_correlation.py [--fit] [--targets en,es,de] [--n 1000]

Prints a Markdown table; writes bench/results/estimate_correlation.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))

from locwork import estimate  # noqa: E402
from locwork.engines.registry import Engines  # noqa: E402
from locwork.errors import LocworkError  # noqa: E402
from locwork.pipeline import choose_route, run_route  # noqa: E402

DATA = SHARED / "data" / "mt-dev"
RESULTS = ROOT / "bench" / "results" / "estimate_correlation.json"
MODEL = ROOT / "src" / "locwork" / "data" / "qe_model.json"
SIGNALS = estimate.FEATURES
USE_CACHE = False
SHARES = (0.10, 0.20)
LABELS = {"roundtrip": "round trip", "agreement": "agreement", "cross": "cross-engine", "hyp_score": "hyp score",
          "length": "length", "untranslated": "untranslated", "src_length": "src length*",
          "copyable": "copyable*", "word_length": "word length*"}


def ranks(values: list[float]) -> list[float]:
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(xs: list[float], ys: list[float]) -> float | None:
    """Spearman's rho (Pearson correlation of the ranks, ties averaged)."""
    if len(xs) < 3:
        return None
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    if vx == 0 or vy == 0:
        return None
    return cov / (vx * vy) ** 0.5


def read_lines(lang: str) -> list[str]:
    path = DATA / f"newstest2013.{lang}"
    if not path.exists():
        sys.exit(f"{path} is absent: the shared data sets live beside the repository")
    return path.read_text("utf-8").splitlines()


CACHE = Path("/tmp/locwork-estimate-cache")


def process(engines: Engines, route, sources: list[str], refs: list[str], label: str = "") -> dict:
    """Translate, compute the signals and the segment chrF against the reference.

    Cached under /tmp (keyed by the route and the lines) with ``--cache``:
    the engines take minutes on a shared machine and the model is refitted
    far more often than the translations change.
    """
    key = hashlib.sha256(json.dumps([route.spec(), sources, refs]).encode()).hexdigest()[:16]
    cached = CACHE / f"{label}{key}.pkl"
    if USE_CACHE and cached.exists():
        with cached.open("rb") as handle:
            return pickle.load(handle)
    data = _process(engines, route, sources, refs)
    if USE_CACHE:
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            pickle.dump(data, handle)
        tmp.replace(cached)
    return data


def _process(engines: Engines, route, sources: list[str], refs: list[str]) -> dict:
    keep = [i for i, (s, r) in enumerate(zip(sources, refs)) if s.strip() and r.strip()]
    sources = [sources[i] for i in keep]
    refs = [refs[i] for i in keep]
    start = time.perf_counter()
    results = run_route(engines, route, sources)
    outputs = [r.text for r in results]
    scores = [r.alternatives[0].score if r.alternatives else None for r in results]
    signals, used = estimate.compute_signals(engines, sources, outputs, route, scores)
    chrf = estimate.sentence_chrf(outputs, refs)
    return {"signals": signals, "chrf": chrf, "routes": used, "lines": keep,
            "sources": sources, "outputs": outputs, "refs": refs,
            "seconds": round(time.perf_counter() - start, 1)}


def worst_precision(estimates: list[float], chrf: list[float], share: float) -> float | None:
    """Of the ``share`` segments the estimate ranks worst, the share among the ``share`` worst by chrF.

    What a reviewer working worst-first gets: 0.10 at random for the worst 10 %.
    Ties are broken by line order in both rankings.
    """
    k = round(share * len(chrf))
    if not k:
        return None
    worst_est = sorted(range(len(chrf)), key=lambda i: (estimates[i], i))[:k]
    worst_ref = sorted(range(len(chrf)), key=lambda i: (chrf[i], i))[:k]
    return len(set(worst_est) & set(worst_ref)) / k


def evaluate(tgt: str, data: dict, model: estimate.QEModel, expected_chrf: float | None = None) -> dict:
    ratio = model.ratio_for(tgt, data["signals"])
    feats = [s.features(ratio) for s in data["signals"]]
    row: dict = {"segments": len(feats), "mean_chrf": round(sum(data["chrf"]) / len(feats), 2),
                 "expected_chrf": None if expected_chrf is None else round(expected_chrf, 1),
                 "signals": {}}
    for name in SIGNALS:
        pairs = [(f[name], c) for f, c in zip(feats, data["chrf"]) if f[name] is not None]
        rho = spearman([p[0] for p in pairs], [p[1] for p in pairs]) if pairs else None
        row["signals"][name] = {"rho": None if rho is None else round(rho, 3), "n": len(pairs)}
    for label, m in (("qe", model), ("qe_unfitted", estimate.QEModel())):
        qe = [m.predict(s, tgt, ratio, expected_chrf) for s in data["signals"]]
        pairs = [(q, c) for q, c in zip(qe, data["chrf"]) if q is not None]
        rho = spearman([p[0] for p in pairs], [p[1] for p in pairs])
        row[label] = {"rho": None if rho is None else round(rho, 3), "n": len(pairs)}
        # a segment with no estimate goes last in the queue, as in review_order
        ranked = [2.0 if q is None else q for q in qe]
        for share in SHARES:
            value = worst_precision(ranked, data["chrf"], share)
            row[label][f"worst{round(100 * share)}"] = None if value is None else round(value, 3)
        row[label]["mean_estimate"] = round(100 * statistics.fmean(p[0] for p in pairs), 2) if pairs else None
    return row


def markdown(rows: dict) -> str:
    cols = ["target", "route", "segs", "mean chrF"] + [LABELS[n] for n in SIGNALS] + [
        "**qe (fitted)**", "qe (unfitted mean)"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for tgt, row in rows.items():
        if "error" in row:
            lines.append(f"| {tgt} | {row['error']} |" + " |" * (len(cols) - 2))
            continue

        def cell(entry: dict) -> str:
            return "n/a" if entry["rho"] is None else f"{entry['rho']:.3f}"

        sig = row["signals"]
        lines.append(
            f"| {tgt} | {row['route']} | {row['segments']} | {row['mean_chrf']:.1f} | "
            + " | ".join(cell(sig[n]) for n in SIGNALS)
            + f" | **{cell(row['qe'])}** | {cell(row['qe_unfitted'])} |"
        )
    return "\n".join(lines)


def markdown_worst(rows: dict) -> str:
    """Precision of the worst-first queue and the calibration of the estimate's scale."""
    lines = ["| target | route expects chrF | mean sentence chrF | mean estimate | "
             "worst 10 % precision (random 0.10) | worst 20 % precision (random 0.20) |",
             "|---|---:|---:|---:|---:|---:|"]

    def fmt(value: float | None, digits: int) -> str:
        return "n/a" if value is None else f"{value:.{digits}f}"

    for tgt, row in rows.items():
        if "error" in row:
            continue
        qe = row["qe"]
        lines.append(f"| {tgt} | {fmt(row['expected_chrf'], 1)} | {row['mean_chrf']:.1f} | "
                     f"{fmt(qe['mean_estimate'], 1)} | **{fmt(qe['worst10'], 3)}** | {fmt(qe['worst20'], 3)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", default="en,es,de")
    parser.add_argument("--n", type=int, default=1000, help="Evaluation lines (1..n); fit on n+1..2n.")
    parser.add_argument("--fit", action="store_true", help="Fit the model on lines n+1..2n first.")
    parser.add_argument("--json", type=Path, default=RESULTS)
    parser.add_argument("--model", type=Path, help="Evaluate this model file instead of the shipped one.")
    parser.add_argument("--cache", action="store_true",
                        help=f"Keep translations and signals in {CACHE} and reuse them.")
    args = parser.parse_args()
    global USE_CACHE
    USE_CACHE = args.cache
    source = read_lines("fr")
    n = args.n
    rows: dict = {}
    evals: dict = {}
    expected: dict[str, float] = {}
    train_rows: list = []
    typical: dict[str, float] = {}  # median reference/source length ratio of the fit lines
    with Engines() as engines:
        for tgt in [t.strip() for t in args.targets.split(",") if t.strip()]:
            try:
                route = choose_route(engines, "fr", tgt)
            except LocworkError as error:
                rows[tgt] = {"error": f"no route ({error.__class__.__name__})"}
                print(f"{tgt}: no route", file=sys.stderr)
                continue
            refs = read_lines(tgt)
            if args.fit:
                ratios = [len(r.strip()) / len(s.strip()) for s, r in zip(source[n:2 * n], refs[n:2 * n])
                          if s.strip() and r.strip()]
                typical[tgt] = statistics.median(ratios)
                train = process(engines, route, source[n:2 * n], refs[n:2 * n], f"{tgt}-fit-")
                train_rows += [(tgt, s, c) for s, c in zip(train["signals"], train["chrf"])]
                print(f"{tgt}: fit set done in {train['seconds']} s", file=sys.stderr)
            expected[tgt] = route.expected_chrf
            evals[tgt] = process(engines, route, source[:n], refs[:n], f"{tgt}-eval-")
            print(f"{tgt}: evaluation set done in {evals[tgt]['seconds']} s", file=sys.stderr)
    if args.fit:
        model = estimate.fit_model(
            train_rows, fitted_on=f"newstest2013 lines {n + 1}-{2 * n}, fr→{'+'.join(sorted(evals))}, "
                                  "by bench/estimate_correlation.py --fit",
            typical_ratio=typical)
        MODEL.parent.mkdir(parents=True, exist_ok=True)
        MODEL.write_text(json.dumps(model.to_dict(), indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"model written to {MODEL.relative_to(ROOT)}", file=sys.stderr)
    elif args.model:
        model = estimate.QEModel.from_dict(json.loads(args.model.read_text("utf-8")))
    else:
        model = estimate.load_model()
    for tgt, data in evals.items():
        used = data["routes"]
        rows[tgt] = {"route": used.route, "reverse_route": used.reverse,
                     "alternative_route": used.alternative, "cross_route": used.cross,
                     "seconds": data["seconds"],
                     **evaluate(tgt, data, model, expected[tgt])}
    order = [t.strip() for t in args.targets.split(",") if t.strip()]
    rows = {t: rows[t] for t in order if t in rows}
    result = {"evaluated_on": f"newstest2013 lines 1-{n}", "model": model.to_dict(),
              "fitted_now": args.fit, "targets": rows}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(markdown(rows))
    print()
    print(markdown_worst(rows))
    print(f"\nSpearman rho with segment chrF against the reference (sacrebleu chrF), lines 1-{n}; "
          f"each signal oriented higher = better (* source-side difficulty features, raw value); "
          f"model {model.version} ({model.fitted_on or 'not fitted'}). JSON: {args.json}")


if __name__ == "__main__":
    main()
