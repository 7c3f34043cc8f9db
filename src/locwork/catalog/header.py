"""New catalogs and their header."""

from __future__ import annotations

import datetime as _dt
import os

import polib

from locwork import __version__, langs
from locwork.catalog.paths import _check_document_name
from locwork.catalog.render import PAGE_WIDTH

# ---------------------------------------------------------------------------
# New catalogs
# ---------------------------------------------------------------------------

def gettext_date(moment: _dt.datetime | None = None) -> str:
    """``YYYY-MM-DD HH:MM+ZZZZ`` in local time, as gettext writes dates."""
    moment = (moment or _dt.datetime.now()).astimezone()
    return moment.strftime("%Y-%m-%d %H:%M%z")



def new_catalog(lang: str, document_name: str, source_path: str | os.PathLike[str],
                *, translator: str = "locwork") -> polib.POFile:
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
    }
    return po

