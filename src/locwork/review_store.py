"""What :func:`locwork.review.save` keeps between saves in one process (the app's server).

Why: a review click saves one segment, and most of a save's time went on
work that the previous save had just done: parsing the catalog (the syntax
check, polib, the layout scanner: three passes) and opening the translation
memory (a new SQLite connection, its pragmas and schema check). So this
module keeps, per process,

- the catalog as this process last wrote it (its bytes and the parsed
  catalog): a save that finds exactly those bytes on disk, under the lock,
  edits that catalog instead of parsing the file again; any other bytes (a
  CLI run, another process, a hand edit) are parsed as before;
- one open SQLite memory per location, reopened when the file was replaced
  (``tm rebuild --force`` sets it aside) or removed. A server memory
  (PostgreSQL) is opened per save as before.

Both are guarded by locks: Streamlit runs each session in its own thread.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import polib

from locwork import atomic, catalog
from locwork.errors import LocworkError

if TYPE_CHECKING:
    from locwork.tm.store import MemoryStore

MAX_CATALOGS = 16  # parsed catalogs kept (a document in 9 languages: 9)
MAX_MEMORIES = 4  # open memories kept (one per project, usually one)

_catalogs_lock = threading.Lock()
_catalogs: OrderedDict[Path, tuple[bytes, polib.POFile]] = OrderedDict()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise LocworkError(f"cannot read {path}: {error.strerror or error}") from None


def _take(key: Path, data: bytes) -> polib.POFile | None:
    """The parsed catalog kept for ``key`` if the file still holds ``data``; it leaves the cache
    (whoever edits it puts it back, so a failed edit never leaves a half-changed catalog there)."""
    with _catalogs_lock:
        kept = _catalogs.pop(key, None)
    return kept[1] if kept is not None and kept[0] == data else None


def _keep(key: Path, data: bytes, po: polib.POFile) -> None:
    with _catalogs_lock:
        _catalogs[key] = (data, po)
        while len(_catalogs) > MAX_CATALOGS:
            _catalogs.popitem(last=False)


@contextlib.contextmanager
def edit(path: str | os.PathLike[str]) -> Iterator[polib.POFile]:
    """:func:`locwork.catalog.edit` (lock, load, yield, atomic write if changed; ``touch=False``),
    without parsing the file again when it holds the bytes this process last wrote or read here.

    The catalog yielded is this process's own: the lock keeps every other
    editor out until the block ends, and it goes back to the cache after
    the block, unless the block failed after changing it.
    """
    path = Path(path)
    key = path.resolve()
    with atomic.locked(path):
        data = _read(path)
        po = _take(key, data)
        if po is None:
            po = catalog.load(path)
            before = catalog.encode(po, path)
        else:
            before = data
        try:
            yield po
        except BaseException:
            with contextlib.suppress(Exception):  # left as it was read: keep it (a conflict, no change)
                if catalog.encode(po, path) == data:
                    _keep(key, data, po)
            raise
        after = catalog.encode(po, path)
        if after != before:
            atomic.atomic_write_bytes(path, after)
            _keep(key, after, po)
        elif after == data:  # (a catalog that does not come back byte for byte is parsed each time)
            _keep(key, data, po)


@contextlib.contextmanager
def reading(path: str | os.PathLike[str]) -> Iterator[polib.POFile]:
    """The catalog at ``path``, to read (never to change) in the block: the one kept by the
    last save when the file still holds its bytes, else the file parsed (and kept for the next
    save). The block runs under the catalog's lock, so no save edits the kept catalog
    meanwhile; where the lock cannot be taken (a read-only folder), the file is parsed as is."""
    path = Path(path)
    key = path.resolve()
    try:
        lock = atomic.locked(path)
        lock.__enter__()
    except LocworkError:
        yield catalog.load(path)
        return
    try:
        data = _read(path)
        with _catalogs_lock:
            kept = _catalogs.get(key)
        if kept is not None and kept[0] == data:
            yield kept[1]
            return
        po = catalog.load(path)
        yield po
        if catalog.encode(po, path) == data:  # the next save edits it without a parse
            _keep(key, data, po)
    finally:
        lock.__exit__(None, None, None)


def forget_catalogs() -> None:
    """Drop every parsed catalog kept (tests; a process that wants its memory back)."""
    with _catalogs_lock:
        _catalogs.clear()


# ------------------------------------------------------------- memory

_memories_lock = threading.Lock()  # held while a kept memory is used: one writer at a time
_memories: OrderedDict[Path, tuple[tuple[int, int], MemoryStore]] = OrderedDict()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def _close(store: MemoryStore) -> None:
    with contextlib.suppress(Exception):
        store.close()


@contextlib.contextmanager
def memory(catalog_path: str | os.PathLike[str], create: bool = True) -> Iterator[MemoryStore | None]:
    """The project's memory for a catalog (``<project>/locales/<lang>/<doc>.po``), kept open.

    Yields None when there is no memory and ``create`` is false. A server
    memory is opened for the block and closed after it. An error in the
    block closes a kept memory, so the next save opens it afresh.
    """
    from locwork import tm

    location = tm.default_path(catalog.CatalogRef.from_path(Path(catalog_path).resolve()).locales)
    if tm.is_url(location):
        if not create and not tm.present(location):
            yield None
            return
        with tm.open_memory(location, create=create) as store:
            yield store
        return
    path = Path(location)
    with _memories_lock:
        kept = _memories.pop(path, None)
        ident = _identity(path)
        if kept is not None and kept[0] != ident:  # replaced or removed since: reopen
            _close(kept[1])
            kept = None
        if kept is None:
            if ident is None and not create and not tm.present(path):  # (it says what is wrong)
                yield None
                return
            store = tm.open_memory(path, create=create)
            kept = (_identity(path) or (0, 0), store)
        try:
            yield kept[1]
        except BaseException:
            _close(kept[1])
            raise
        _memories[path] = kept
        while len(_memories) > MAX_MEMORIES:
            _close(_memories.popitem(last=False)[1][1])


def close_memories() -> None:
    """Close every memory kept open (tests; before removing a memory file on Windows)."""
    with _memories_lock:
        while _memories:
            _close(_memories.popitem()[1][1])
