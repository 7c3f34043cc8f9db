"""Which memory: a SQLite file (the default) or a PostgreSQL server, by location.

A location is a path (SQLite) or a ``postgresql://`` URL. It comes from
the caller, else ``$LOCWORK_TM``, else ``<project>/.locwork/tm.sqlite``.
A new store registers its URL scheme in :func:`open_memory`.
"""

from __future__ import annotations

import os
from pathlib import Path

from locwork import constants
from locwork.tm.model import ENV
from locwork.tm.store import MemoryStore

DATA_DIR = constants.DATA_DIR
FILE_NAME = "tm.sqlite"
URL_SCHEMES = ("postgresql://", "postgres://")

Location = Path | str  # a str only for a server URL; paths are Path


def is_url(location: object) -> bool:
    """Whether ``location`` names a memory on a server (PostgreSQL) rather than a file."""
    return isinstance(location, str) and location.strip().lower().startswith(URL_SCHEMES)


def as_location(value: str | os.PathLike[str]) -> Location:
    """A user's ``--tm``/``$LOCWORK_TM`` value: a server URL as is, anything else as a path."""
    if is_url(value):
        return str(value).strip()
    return Path(value).expanduser()


def default_path(locales_dir: str | os.PathLike[str] | None = None) -> Location:
    """``$LOCWORK_TM``, else ``<project>/.locwork/tm.sqlite``.

    The project is the folder holding ``locales_dir`` when one is given,
    else the current directory.
    """
    override = os.environ.get(ENV, "").strip()
    if override:
        return as_location(override)
    project = Path(locales_dir).resolve().parent if locales_dir is not None else Path.cwd()
    return project / DATA_DIR / FILE_NAME


def present(location: Location | os.PathLike[str]) -> bool:
    """Whether the memory exists (on a server: whether its tables were made; LocworkError if the
    server cannot be reached)."""
    if is_url(location):
        from locwork.tm.postgres import has_memory

        return has_memory(str(location))
    from locwork.tm.sqlite import present as file_present

    return file_present(Path(location))


def shown(location: Location | os.PathLike[str]) -> str:
    """A location to print: a URL without its password."""
    if not is_url(location):
        return str(location)
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(str(location))
    if not parts.password:
        return str(location)
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def open_memory(
    location: Location | os.PathLike[str] | None = None,
    *,
    create: bool = True,
    locales_dir: str | os.PathLike[str] | None = None,
) -> MemoryStore:
    """Open the memory at ``location`` (default: :func:`default_path` of ``locales_dir``)."""
    chosen = location if location is not None and str(location) else default_path(locales_dir)
    if is_url(chosen):
        from locwork.tm.postgres import PostgresMemory

        return PostgresMemory(str(chosen), create=create)
    from locwork.tm.sqlite import SQLiteMemory

    return SQLiteMemory(Path(chosen), create=create)


open_tm = open_memory  # the older name
