"""Defaults that more than one module (and both faces) must agree on, declared once.

Only plain values and no imports, so that the CLI can read them without
slowing ``locwork --help``. A module-specific limit stays in its module;
what is here is shared: the source language, folder names, the memory's
fuzzy threshold and the router's hop limits.
"""

from __future__ import annotations

SOURCE_LANG = "fr"  # the documents' language: the segmenter and the app are French-first
LOCALES_DIR = "locales"  # <project>/locales/<lang>/<doc>.po
EXPORTS_DIR = "exports"  # where `locwork export` and the app's downloads are written
DATA_DIR = ".locwork"  # <project>/.locwork/: translation memory, history, overrides

DEFAULT_TM_THRESHOLD = 75.0  # lowest fuzzy-match score (percent) taken from the memory
DEFAULT_MAX_HOPS = 4  # routes: fr→ca→es→pt→en is a candidate
SIGNAL_MAX_HOPS = 3  # the app's and the estimator's shorter searches (alternatives, reverse)
