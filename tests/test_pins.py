"""Dependencies used beyond their public API are pinned, and what is used is there.

locwork.scoring computes every score from sacrebleu's segment statistics
through the metrics' private methods (one pass instead of one per metric);
a sacrebleu release may rename them, so pyproject.toml gives an upper bound
and this test names each method, so that raising the bound is one check.
"""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement

from locwork.scoring import metrics

ROOT = Path(__file__).resolve().parents[1]
PRIVATE = {
    "bleu": ["_aggregate_and_compute", "_extract_corpus_statistics"],
    "chrf": ["_aggregate_and_compute", "_compute_score_from_stats"],
    "chrfpp": ["_aggregate_and_compute", "_compute_score_from_stats", "_extract_corpus_statistics",
               "_remove_punctuation"],
    "ter": ["_aggregate_and_compute", "_compute_score_from_stats", "_extract_corpus_statistics",
            "_preprocess_segment"],
}


def test_sacrebleu_has_an_upper_bound_that_the_installed_version_meets():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    (requirement,) = [Requirement(r) for r in project["dependencies"] if r.startswith("sacrebleu")]
    assert any(spec.operator in ("<", "<=", "==", "~=") for spec in requirement.specifier)
    assert requirement.specifier.contains(version("sacrebleu"))


def test_the_private_methods_locwork_calls_exist():
    m = metrics()
    for name, methods in PRIVATE.items():
        for method in methods:
            assert callable(getattr(getattr(m, name), method, None)), f"sacrebleu {name}.{method}"
