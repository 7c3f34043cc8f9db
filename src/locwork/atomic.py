"""Crash-safe file updates: an inter-process lock and atomic replacement.

Every writer of a shared file (a PO catalog, mostly) does::

    with locked(path):
        ...read the current file, change it...
        atomic_write_bytes(path, data)

``atomic_write_*`` never leaves a half-written file behind: the data goes to
a temporary file in the same directory, is flushed to disk (``fsync``), and
then renamed over the target with ``os.replace``, which is atomic on POSIX
and Windows.  A reader sees either the old file or the new one, and a crash
or an exception in the middle leaves the old file untouched.

The rename alone does not protect against lost updates (two writers that
both read version 1 and both write their version 2): that is what
:func:`locked` is for.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import time
from pathlib import Path
from typing import Iterator

import filelock

from locwork.errors import LocworkError

__all__ = ["locked", "lock_path", "atomic_write_bytes", "atomic_write_text", "remove_stale_temps",
           "STALE_TEMP_AGE"]

STALE_TEMP_AGE = 15 * 60  # seconds: an older temp file of a target is a killed write's leftover


def lock_path(path: str | os.PathLike[str]) -> Path:
    """The lock file that guards ``path``: ``<path>.lock`` beside it."""
    path = Path(path)
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def locked(path: str | os.PathLike[str], timeout: float = 30.0) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (through ``<path>.lock``) for the block.

    Why ``filelock``: it is the small, dependency-free package that pip,
    virtualenv, tox and Hugging Face already rely on for exactly this job.
    On POSIX it takes an ``flock`` on the lock file, which the kernel
    releases by itself when the holder dies, so a crashed process (a killed
    Streamlit worker, a Ctrl-C'd CLI run) never leaves a stale lock behind.
    It uses ``msvcrt.locking`` on Windows and falls back to an
    exclusive-create marker on file systems without ``flock``.

    The lock is re-entrant inside one thread (``is_singleton``: nested
    ``locked(p)`` blocks, e.g. ``catalog.save`` inside ``catalog.edit``, do
    not deadlock) and exclusive between threads and processes.  Waiting
    longer than ``timeout`` seconds raises :class:`LocworkError`.

    The lock file is removed when the outermost block ends (an error
    included), so nothing is left beside the catalog.  filelock's Unix lock
    keeps its file on purpose (tox-dev/filelock#574: unlinking *after*
    unlocking lets two processes hold locks on two inodes of one name), so
    the removal is done here the safe way: while the ``flock`` is still
    held, and only if the name still points at the inode we locked.  A
    waiter that opened that inode before the unlink and gets its ``flock``
    afterwards sees a link count of 0 and retries on the name (filelock 4
    checks that after every ``flock``; hence ``filelock>=4.3`` in
    pyproject.toml), so it can never share the lock with a newer holder.  A
    process killed with ``kill -9`` leaves its (unlocked, empty) lock file;
    the next writer of the file takes it and removes it.
    """
    target = lock_path(path)
    try:
        lock = filelock.FileLock(str(target), is_singleton=True)
        lock.acquire(timeout=timeout)
    except filelock.Timeout:
        raise LocworkError(
            f"{path} is locked by another process (waited {timeout:g} s for {target.name}); "
            "try again when it has finished"
        ) from None
    except OSError as error:
        raise LocworkError(f"cannot lock {path}: {error.strerror or error}") from None
    held = _identity(target) if lock.lock_counter == 1 else None
    try:
        yield
    finally:
        try:
            if held is not None and lock.lock_counter == 1:
                _unlink_if_same(target, held)
        finally:
            lock.release()


def _identity(path: Path) -> os.stat_result | None:
    """The lock file as we hold it: a native ``flock`` file is empty (a soft marker is not)."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found if found.st_size == 0 else None


def _unlink_if_same(path: Path, held: os.stat_result) -> None:
    """Remove the lock file we still hold, unless the name now points elsewhere."""
    with contextlib.suppress(OSError):
        if os.path.samestat(os.stat(path), held):
            os.unlink(path)


def _target(path: str | os.PathLike[str]) -> Path:
    """Write through symlinks: replace the link's target, keep the link."""
    path = Path(path)
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (temp file, fsync, ``os.replace``).

    The new file keeps the mode bits of the file it replaces; a new file
    gets the usual ``0o666 & ~umask``.  On any failure the temporary file is
    removed and the original is left as it was; ``OSError`` (permissions, a
    full disk, a missing folder) becomes a one-line :class:`LocworkError`.
    Callers that read-modify-write hold :func:`locked` around the whole
    transaction.  After the rename, the temp files of earlier writes of the
    same target that were killed (``kill -9``, power loss) are removed when
    older than :data:`STALE_TEMP_AGE`.
    """
    target = _target(path)
    directory = target.parent
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise LocworkError(f"cannot write {path}: {error.strerror or error}") from None
    tmp = directory / _temp_name(target.name, secrets.token_hex(4))
    try:
        # O_EXCL: never follow or clobber anything; 0o666 lets the umask apply.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as error:
        raise LocworkError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(error, OSError):
            raise LocworkError(f"cannot write {path}: {error.strerror or error}") from None
        raise
    _fsync_directory(directory)
    remove_stale_temps(target)


def _temp_name(name: str, token: str) -> str:
    return f".{name}.{token}.tmp"


def remove_stale_temps(target: Path) -> None:
    """Remove the temp files that killed writes of ``target`` left (``.<name>.<8 hex>.tmp``).

    Only that exact pattern, and only files older than
    :data:`STALE_TEMP_AGE`: a write in progress (even one by a process
    that does not hold the lock) takes seconds, never minutes, so its file
    is never touched.  Best effort: a failure here never fails the write.
    """
    pattern = re.compile(re.escape(f".{target.name}.") + "[0-9a-f]{8}" + re.escape(".tmp") + r"\Z")
    limit = time.time() - STALE_TEMP_AGE
    try:
        with os.scandir(target.parent) as entries:
            stale = [e.path for e in entries
                     if pattern.match(e.name) and e.is_file(follow_symlinks=False)
                     and e.stat(follow_symlinks=False).st_mtime < limit]
    except OSError:
        return
    for path in stale:
        with contextlib.suppress(OSError):
            os.unlink(path)


def atomic_write_text(
    path: str | os.PathLike[str], text: str, encoding: str = "utf-8", errors: str = "strict"
) -> None:
    """:func:`atomic_write_bytes` for text (no newline translation)."""
    atomic_write_bytes(path, text.encode(encoding, errors))


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); best effort elsewhere."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
