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
import secrets
import stat
from pathlib import Path
from typing import Iterator

import filelock

from locwork.errors import LocworkError

__all__ = ["locked", "lock_path", "atomic_write_bytes", "atomic_write_text"]


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
    Streamlit worker, a Ctrl-C'd CLI run) never leaves a stale lock behind;
    there is nothing to clean up and no PID file to second-guess.  It uses
    ``msvcrt.locking`` on Windows and falls back to an exclusive-create
    marker on file systems without ``flock``.  Writing that portably by hand
    (``fcntl`` + ``msvcrt`` + stale-marker handling) is what the package
    already does, tested.

    The lock is re-entrant inside one thread (``is_singleton``: nested
    ``locked(p)`` blocks, e.g. ``catalog.save`` inside ``catalog.edit``, do
    not deadlock) and exclusive between threads and processes.  The lock file
    is removed on release.  Waiting longer than ``timeout`` seconds raises
    :class:`LocworkError`.
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
    try:
        yield
    finally:
        lock.release()


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
    transaction.
    """
    target = _target(path)
    directory = target.parent
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise LocworkError(f"cannot write {path}: {error.strerror or error}") from None
    tmp = directory / f".{target.name}.{secrets.token_hex(4)}.tmp"
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
