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
import json
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


def process(engines: Engines, route, sources: list[str], refs: list[str]) -> dict:
    """Translate, compute the signals and the segment chrF against the reference."""
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
            "seconds": round(time.perf_counter() - start, 1)}


def evaluate(tgt: str, data: dict, model: estimate.QEModel) -> dict:
    ratio = model.ratio_for(tgt, data["signals"])
    feats = [s.features(ratio) for s in data["signals"]]
    row: dict = {"segments": len(feats), "mean_chrf": round(sum(data["chrf"]) / len(feats), 2),
                 "signals": {}}
    for name in SIGNALS:
        pairs = [(f[name], c) for f, c in zip(feats, data["chrf"]) if f[name] is not None]
        rho = spearman([p[0] for p in pairs], [p[1] for p in pairs]) if pairs else None
        row["signals"][name] = {"rho": None if rho is None else round(rho, 3), "n": len(pairs)}
    for label, m in (("qe", model), ("qe_unfitted", estimate.QEModel())):
        qe = [m.predict(s, tgt, ratio) for s in data["signals"]]
        pairs = [(q, c) for q, c in zip(qe, data["chrf"]) if q is not None]
        rho = spearman([p[0] for p in pairs], [p[1] for p in pairs])
        row[label] = {"rho": None if rho is None else round(rho, 3), "n": len(pairs)}
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", default="en,es,de")
    parser.add_argument("--n", type=int, default=1000, help="Evaluation lines (1..n); fit on n+1..2n.")
    parser.add_argument("--fit", action="store_true", help="Fit the model on lines n+1..2n first.")
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args()
    source = read_lines("fr")
    n = args.n
    rows: dict = {}
    evals: dict = {}
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
                train = process(engines, route, source[n:2 * n], refs[n:2 * n])
                train_rows += [(tgt, s, c) for s, c in zip(train["signals"], train["chrf"])]
                print(f"{tgt}: fit set done in {train['seconds']} s", file=sys.stderr)
            evals[tgt] = process(engines, route, source[:n], refs[:n])
            print(f"{tgt}: evaluation set done in {evals[tgt]['seconds']} s", file=sys.stderr)
    if args.fit:
        model = estimate.fit_model(
            train_rows, fitted_on=f"newstest2013 lines {n + 1}-{2 * n}, fr→{'+'.join(sorted(evals))}, "
                                  "by bench/estimate_correlation.py --fit",
            typical_ratio=typical)
        MODEL.parent.mkdir(parents=True, exist_ok=True)
        MODEL.write_text(json.dumps(model.to_dict(), indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"model written to {MODEL.relative_to(ROOT)}", file=sys.stderr)
    else:
        model = estimate.load_model()
    for tgt, data in evals.items():
        used = data["routes"]
        rows[tgt] = {"route": used.route, "reverse_route": used.reverse,
                     "alternative_route": used.alternative, "cross_route": used.cross,
                     "seconds": data["seconds"],
                     **evaluate(tgt, data, model)}
    order = [t.strip() for t in args.targets.split(",") if t.strip()]
    rows = {t: rows[t] for t in order if t in rows}
    result = {"evaluated_on": f"newstest2013 lines 1-{n}", "model": model.to_dict(),
              "fitted_now": args.fit, "targets": rows}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(markdown(rows))
    print(f"\nSpearman rho with segment chrF against the reference (sacrebleu chrF), lines 1-{n}; "
          f"each signal oriented higher = better (* source-side difficulty features, raw value); "
          f"model {model.version} ({model.fitted_on or 'not fitted'}). JSON: {args.json}")


if __name__ == "__main__":
    main()
