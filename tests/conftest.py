"""Shared test fixtures: paths to the project, its default document and ../shared."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_DOC = ROOT / "corpus" / "sommet-trump-poutine-annule.txt"
LOCWORK = [sys.executable, "-m", "locwork.cli"]


# argostranslate makes its folders under the XDG ones when it is imported, and
# locwork keeps its registry in LOCWORK_HOME: point both at a scratch folder
# for this process and every command it runs, so the user's home is untouched.
_SCRATCH = Path(tempfile.mkdtemp(prefix="locwork-tests-"))
for _name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "LOCWORK_HOME"):
    os.environ.setdefault(_name, str(_SCRATCH / _name.lower()))


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the test with the reason."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared data sets live beside the repository")
    return path


def assert_same_hypotheses(actual, expected, tolerance: float = 1e-4) -> None:
    """Engine outputs agree: the texts exactly, the scores within ``tolerance``.

    Native engines (CTranslate2, Marian) sum log-probabilities in an order
    that depends on the batch, the CPU's vector width and its thread count,
    so the same hypothesis can score -30.565757 on one machine and -30.565755
    on another. The texts must not differ; the scores only in the last digits.
    """
    texts = lambda out: [[h.text for h in hyps] for hyps in out]  # noqa: E731
    assert texts(actual) == texts(expected)
    for got, want in zip(actual, expected):
        for g, w in zip(got, want):
            if w.score is None:
                assert g.score is None
            else:
                assert g.score == pytest.approx(w.score, rel=tolerance, abs=tolerance)


def msgfmt_check(path: Path) -> None:
    """Assert that gettext's own checker accepts a catalog."""
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt is not installed (apt-get install gettext)")
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def msgfmt_statistics(path: Path) -> dict[str, int]:
    """Translated, fuzzy and untranslated counts as ``msgfmt --statistics`` gives them."""
    result = subprocess.run(["msgfmt", "--statistics", "--output-file=/dev/null", str(path)],
                            capture_output=True, text=True,
                            env=dict(os.environ, LC_ALL="C", LANGUAGE=""))
    counts = {}
    for kind, pattern in (("translated", r"(\d+) translated message"),
                          ("fuzzy", r"(\d+) fuzzy translation"),
                          ("untranslated", r"(\d+) untranslated message")):
        match = re.search(pattern, result.stderr)
        counts[kind] = int(match.group(1)) if match else 0
    return counts


@pytest.fixture
def run_cli(tmp_path):
    """Run the real `locwork` command (a subprocess, as a user would)."""

    def run(*args: str, input: bytes | None = None, cwd: Path | None = None, check: bool = False):
        env = dict(os.environ, PYTHONIOENCODING="utf-8")
        result = subprocess.run(
            [*LOCWORK, *args], input=input, capture_output=True, cwd=cwd or tmp_path, env=env,
            timeout=600,
        )
        result.out = result.stdout.decode("utf-8")  # type: ignore[attr-defined]
        result.err = result.stderr.decode("utf-8")  # type: ignore[attr-defined]
        if check and result.returncode != 0:
            raise AssertionError(f"locwork {' '.join(args)} failed: {result.err}")
        return result

    return run


from tm_stores import postgres_server, tm_location  # noqa: E402,F401 (fixtures: the memory's two stores)
