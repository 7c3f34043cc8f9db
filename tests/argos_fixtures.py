"""Fixtures for the argos engine tests: real test packages, an isolated argos home.

Import them into a test module (``from argos_fixtures import ...``); they are
kept out of conftest.py so that other test modules never see them.

Language codes: ``qaa`` and ``qab`` are ISO 639-2 codes reserved for local
use. argostranslate accepts any code in metadata.json, so these look real,
go through every code path a real pair does, and can never clash with a
real package a developer has installed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILDER = ROOT / "scripts" / "build_test_argosmodel.py"
CORPUS = ROOT / "corpus" / "sommet-trump-poutine-annule.txt"

ARGOS_FR_QAA = ("fr", "qaa")
ARGOS_QAA_QAB = ("qaa", "qab")
ARGOS_QAB_PREFIX = "__qab__"


def argos_build(out: Path, src: str, tgt: str, *extra: str) -> Path:
    """Run the builder script as a user would; return the .argosmodel path."""
    result = subprocess.run(
        [sys.executable, str(BUILDER), "--from", src, "--to", tgt, "--out", str(out), *extra],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip().splitlines()[-1])
    assert path.is_file(), result.stdout
    return path


def argos_sentences(limit: int = 100) -> list[str]:
    """Distinct French sentence-sized pieces of the corpus (clauses of its sentences)."""
    text = CORPUS.read_text(encoding="utf-8")
    sentences = [
        s.strip()
        for para in text.splitlines()
        for s in re.split(r"(?<=[.!?»])\s+(?=[A-ZÀ-Ý«])", para)
        if len(s.strip()) > 3
    ]
    clauses = dict.fromkeys(
        c.strip() for s in sentences for c in s.split(",") if len(c.strip()) > 10
    )
    return list(clauses)[:limit]


@pytest.fixture(scope="session")
def argos_packages(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Two real .argosmodel files: fr→qaa (seed 1), qaa→qab (seed 2, with a target prefix)."""
    out = tmp_path_factory.mktemp("argosmodels")
    return {
        ARGOS_FR_QAA: argos_build(out, *ARGOS_FR_QAA, "--seed", "1"),
        ARGOS_QAA_QAB: argos_build(
            out, *ARGOS_QAA_QAB, "--seed", "2", "--target-prefix", ARGOS_QAB_PREFIX
        ),
    }


@pytest.fixture(scope="module")
def argos_home(tmp_path_factory):
    """An isolated argos home for one test module; yields its packages folder.

    argostranslate.settings computes its folders once, at import time, from
    XDG_*_HOME (and creates them), and reads ARGOS_PACKAGES_DIR then too. So
    it is imported here with XDG_*_HOME in a temporary folder (unless some
    other module imported it already), and its package attributes are then
    patched to this module's packages folder; ARGOS_PACKAGES_DIR is set for
    the engine. All is undone when the module's tests end, leaving argos
    pointed at an empty temporary home rather than at these test packages.
    """
    home = tmp_path_factory.mktemp("argos_home")
    packages = home / "packages"
    packages.mkdir()
    mp = pytest.MonkeyPatch()
    for key in ("DATA", "CONFIG", "CACHE"):
        mp.setenv(f"XDG_{key}_HOME", str(home / key.lower()))
    mp.delenv("ARGOS_PACKAGES_DIR", raising=False)
    mp.delenv("ARGOS_PACKAGE_INDEX", raising=False)
    from argostranslate import settings

    mp.setenv("ARGOS_PACKAGES_DIR", str(packages))
    mp.setattr(settings, "package_data_dir", packages)
    mp.setattr(settings, "package_dirs", [packages])
    mp.setattr(settings, "local_package_index", home / "index.json")
    try:
        yield packages
    finally:
        mp.undo()
