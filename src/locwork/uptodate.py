"""Skip a translation that would change nothing, without loading anything heavy.

A re-run of ``locwork translate`` on an unchanged document reads the
catalog, segments the document, merges one into the other and finds that
nothing needs machine translation: seconds of work (parsing a PO file of
thousands of entries, sentence splitting, engine discovery) to write
nothing. When a run leaves a catalog complete (no entry needs MT), it
records a *stamp* beside it, ``<locales>/<lang>/.<document file>.stamp``:
the SHA-256 of the catalog as it left it, and a key made of everything the
merge depends on (the document's bytes and its segmentation corrections,
its path, the working folder, the options, locwork's version). A later run
whose key and catalog digest match is answered from the stamp.

Why this is safe: with no entry needing MT, the run's only effect would be
the merge of the same document into the same catalog, which changes
nothing (see :func:`locwork.pipeline.plan_entries`); the memory and the
route are only consulted for entries that need MT. Any change to the
catalog (a reviewer's approval, a hand edit) changes its digest; any change
to the document, its corrections or an option changes the key; in every
such case the stamp is ignored and the full run happens. The document's
bytes are hashed *before* it is read for segmentation, so a document
changed meanwhile can only make the stamp stale, never wrong.

Standard library only (plus :mod:`locwork.atomic` for the write), so that
the check costs about what ``locwork --help`` costs.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

#: Files larger than this are not hashed here (the full run reads them).
MAX_BYTES = 64 * 1024 * 1024
VERSION = 1


def _digest(path: Path) -> str | None:
    """SHA-256 of a regular file, None if absent, not a regular file, or too large."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
            return None
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def overrides_path(doc_path: Path) -> Path:
    """Where :mod:`locwork.segment_overrides` keeps a document's corrections."""
    return doc_path.with_name(f".{doc_path.name}.segments.json")


def stamp_path(locales_dir: Path, lang: str, doc_path: Path) -> Path:
    return Path(locales_dir) / lang / f".{Path(doc_path).name}.stamp"


def key(doc_path: Path, lang: str, options: dict[str, Any]) -> dict[str, Any] | None:
    """What the merge of ``doc_path`` into its ``lang`` catalog depends on (None: unknowable)."""
    from locwork import __version__

    doc_path = Path(doc_path)
    document = _digest(doc_path)
    if document is None:
        return None
    glossary = options.get("glossary")
    return {
        "version": VERSION,
        "locwork": __version__,
        "document": str(doc_path.resolve()),
        "document_sha256": document,
        "overrides_sha256": _digest(overrides_path(doc_path)),
        "cwd": str(Path.cwd().resolve()),
        "lang": lang,
        **{k: v for k, v in options.items() if k != "glossary"},
        "glossary": None if glossary is None else [str(Path(glossary).resolve()), _digest(Path(glossary))],
    }


def replay(locales_dir: Path, lang: str, doc_path: Path, wanted: dict[str, Any] | None) -> dict[str, Any] | None:
    """The report recorded by the last complete run, if it still holds (else None)."""
    if wanted is None:
        return None
    try:
        stamp = json.loads(stamp_path(locales_dir, lang, doc_path).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("key") != wanted:
        return None
    report = stamp.get("report")
    if not isinstance(report, dict) or not isinstance(report.get("catalog"), str):
        return None
    if _digest(Path(report["catalog"])) != stamp.get("catalog_sha256"):
        return None
    return report


def record(
    locales_dir: Path,
    lang: str,
    doc_path: Path,
    wanted: dict[str, Any] | None,
    report: dict[str, Any],
    catalog_sha256: str | None,
) -> None:
    """Remember that the catalog is complete for this key; drop a stale stamp otherwise."""
    from locwork import atomic

    path = stamp_path(locales_dir, lang, doc_path)
    try:
        if wanted is None or catalog_sha256 is None:
            path.unlink(missing_ok=True)
            return
        stamp = {"key": wanted, "catalog_sha256": catalog_sha256, "report": report}
        atomic.atomic_write_text(path, json.dumps(stamp, ensure_ascii=False, sort_keys=True) + "\n")
    except OSError:
        pass  # a stamp is only a shortcut: without it the next run does the full work


def unchanged_report(report: dict[str, Any]) -> dict[str, Any]:
    """The report of a run that found nothing to do."""
    return {**report, "translated": 0, "kept": report["segments"], "tm_exact": 0, "tm_fuzzy": 0, "mt": 0}
