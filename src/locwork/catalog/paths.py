"""Where a catalog lives: ``<locales>/<lang>/<document>.po``, built and taken apart here only."""

from __future__ import annotations

import os
import re
from pathlib import Path

from locwork import langs
from locwork.errors import LocworkError

_DOCUMENT_NAME = re.compile(r"^[^/\\\x00]+$")


def _check_document_name(document_name: str) -> None:
    if (not isinstance(document_name, str) or not _DOCUMENT_NAME.match(document_name)
            or document_name in (".", "..") or document_name.startswith(".")):
        raise LocworkError(
            f"invalid document name {document_name!r}: use a plain file name without '/' or a leading '.'"
        )


def catalog_path(locales_dir: str | os.PathLike[str], lang: str, document_name: str) -> Path:
    """``<locales_dir>/<lang>/<document_name>.po`` (``lang`` normalised, e.g. ``pt_BR``)."""
    _check_document_name(document_name)
    return Path(locales_dir) / langs.normalize(lang) / f"{document_name}.po"


