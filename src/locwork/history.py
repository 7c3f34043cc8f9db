"""The edit history of a catalog: ``locales/<lang>/<doc>.history.jsonl``.

One JSON object per line, appended, never rewritten::

    {"time": "2025-10-22T14:03:11+02:00", "reviewer": "Ana", "segment": "p3.s1",
     "action": "approve", "old": "machine text", "new": "reviewed text",
     "state": "approved"}

Each record is written with a single ``write`` on a file opened in append
mode, which POSIX makes atomic for lines this short, so two processes
appending at the same time never interleave within a line. A line that
cannot be parsed (a crash mid-write on a non-POSIX file system) is skipped
when reading, not fatal.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterator

from locwork.catalog import document_name

ACTIONS = ("save", "approve", "resolve", "take-theirs", "replace", "comment")


def history_path(catalog_path: Path | str) -> Path:
    """The history beside a catalog: ``<doc>.po`` → ``<doc>.history.jsonl``."""
    catalog_path = Path(catalog_path)
    return catalog_path.with_name(document_name(catalog_path) + ".history.jsonl")


def append(catalog_path: Path | str, record: dict) -> None:
    """Add one record to the catalog's history."""
    path = history_path(catalog_path)
    line = (json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0), 0o666)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def iter_records(catalog_path: Path | str) -> Iterator[dict]:
    path = history_path(catalog_path)
    if not path.exists():
        return
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                yield record


def read(catalog_path: Path | str, segment: str | None = None) -> list[dict]:
    """Every record, oldest first (only one segment's if given)."""
    return [r for r in iter_records(catalog_path) if segment is None or r.get("segment") == segment]
