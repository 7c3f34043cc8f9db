"""New catalogs and their header."""

from __future__ import annotations

import datetime as _dt
import os

import polib

from locwork import __version__, constants, langs
from locwork.catalog.paths import CatalogRef, _check_document_name
from locwork.catalog.render import PAGE_WIDTH

# ---------------------------------------------------------------------------
# New catalogs
# ---------------------------------------------------------------------------


def gettext_date(moment: _dt.datetime | None = None) -> str:
    """``YYYY-MM-DD HH:MM+ZZZZ`` in local time, as gettext writes dates."""
    moment = (moment or _dt.datetime.now()).astimezone()
    return moment.strftime("%Y-%m-%d %H:%M%z")


SOURCE_LANGUAGE = "X-Source-Language"
"""The header field that holds the source language (exports read it for srcLang/srclang)."""
DEFAULT_SOURCE_LANG = constants.SOURCE_LANG
"""The source language of a catalog whose header does not say (locwork's documents are French)."""


def source_language(po: polib.POFile) -> str:
    """The catalog's source language, from its header (:data:`DEFAULT_SOURCE_LANG` if absent)."""
    return (po.metadata.get(SOURCE_LANGUAGE) or "").strip() or DEFAULT_SOURCE_LANG


def set_source_language(po: polib.POFile, lang: str) -> None:
    """Record the source language in the header; a header that already says so is left untouched."""
    code = langs.normalize(lang)
    if (po.metadata.get(SOURCE_LANGUAGE) or "").strip() != code:
        po.metadata[SOURCE_LANGUAGE] = code


def target_language(po: polib.POFile, path: str | os.PathLike[str] | None = None) -> str:
    """The header's ``Language``, else the folder of ``<locales>/<lang>/<doc>.po``; "" if neither says."""
    lang = (po.metadata.get("Language") or "").strip()
    if not lang and path is not None:
        lang = CatalogRef.from_path(path).lang
    return lang


def new_catalog(
    lang: str,
    document_name: str,
    source_path: str | os.PathLike[str],
    *,
    translator: str = "locwork",
    source_lang: str = DEFAULT_SOURCE_LANG,
) -> polib.POFile:
    """An empty UTF-8 catalog for ``document_name`` in ``lang``, with a complete header."""
    _check_document_name(document_name)
    language = langs.language(lang)
    now = gettext_date()
    po = polib.POFile(wrapwidth=PAGE_WIDTH, encoding="utf-8")
    po.header = (
        f"{language.name} translation of {document_name}.\n"
        f"Source document: {source_path}\n"
        "Review states and provenance are kept in '#. locwork-...' lines."
    )
    po.metadata = {
        "Project-Id-Version": f"locwork {document_name}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": now,
        "PO-Revision-Date": now,
        "Last-Translator": translator,
        "Language-Team": language.name,
        "Language": language.code,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": language.plural_forms,
        "X-Generator": f"locwork {__version__}",
        "X-Locwork-Source": str(source_path),
        SOURCE_LANGUAGE: langs.normalize(source_lang),
    }
    return po
