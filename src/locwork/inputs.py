"""Read a user's input file (or standard input) safely: regular files only, bounded size.

Every file a command is given goes through :func:`read_input`, so that no
input can hang a command or exhaust memory:

- a FIFO, a character device (``/dev/zero``, a terminal), a socket or a
  folder is refused with a one-line :class:`LocworkError` naming it. The file
  is opened with ``O_NONBLOCK`` and checked with ``fstat`` on the open
  descriptor: opening a FIFO that way does not wait for a writer, and there
  is no window between the check and the read for the path to be swapped;
- at most ``limit + 1`` bytes are ever read, from a file or from standard
  input (which has no size to check beforehand), so a file over the limit is
  refused after reading no more than the limit, and a never-ending stream
  too.

:func:`check_regular` is the same check without reading, for inputs a
library opens itself (a TMX file streamed by lxml, an argos package zip).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from locwork.errors import LocworkError

MiB = 1024 * 1024
# Limits per kind of input: far above any real file of the kind, low enough
# that a wrong file is refused before it fills memory.
DOCUMENT_LIMIT = 5 * MiB  # = locwork.document.MAX_DOCUMENT_BYTES
CATALOG_LIMIT = 64 * MiB  # the largest real PO catalogs are a few MiB
REFERENCE_LIMIT = 64 * MiB
GLOSSARY_LIMIT = 16 * MiB
XLIFF_LIMIT = 64 * MiB

STDIN = "-"
_CHUNK = 1024 * 1024


def size_text(limit: int) -> str:
    """``5 MiB`` / ``512 KiB``: a limit as people read it."""
    if limit % MiB == 0:
        return f"{limit // MiB} MiB"
    return f"{limit // 1024} KiB"


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _refuse_kind(path: str | os.PathLike[str], what: str, kind: str) -> LocworkError:
    return LocworkError(f"{path}: a {what} must be a regular file, and this is {kind}")


def _too_large(name: str, what: str, limit: int, size: int | None = None) -> LocworkError:
    found = f"{size // 1024} KiB" if size is not None else f"more than {size_text(limit)}"
    return LocworkError(f"{name}: the {what} is too large ({found}; the limit is {size_text(limit)})")


def _os_error(path: str | os.PathLike[str], what: str, error: OSError) -> LocworkError:
    if isinstance(error, FileNotFoundError):
        # "no such file" for a document: the message users (and scripts) know.
        return LocworkError(f"{path}: no such {'file' if what == 'document' else what}")
    if isinstance(error, NotADirectoryError):
        return LocworkError(f"{path}: no such {what} (a part of the path is a file, not a folder)")
    if isinstance(error, IsADirectoryError):
        return _refuse_kind(path, what, "a folder")
    if isinstance(error, PermissionError):
        return LocworkError(f"{path}: permission denied")
    if getattr(error, "errno", None) == 6:  # ENXIO: a socket (or a FIFO opened for writing)
        return _refuse_kind(path, what, "a socket")
    return LocworkError(f"{path}: cannot read it ({error.strerror or error})")


def read_stream(stream: BinaryIO, limit: int, name: str = "standard input",
                what: str = "input") -> bytes:
    """At most ``limit`` bytes of a stream; LocworkError as soon as it holds more."""
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
        if total > limit:
            raise _too_large(name, what, limit)
    return b"".join(parts)


def _open_regular(path: str | os.PathLike[str], what: str) -> tuple[int, os.stat_result]:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
        | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise _os_error(path, what, error) from None
    try:
        st = os.fstat(fd)
    except OSError as error:  # pragma: no cover - fstat on an open descriptor
        os.close(fd)
        raise _os_error(path, what, error) from None
    kind = _kind(st.st_mode)
    if kind is not None:
        os.close(fd)
        raise _refuse_kind(path, what, kind)
    return fd, st


def read_file(path: str | os.PathLike[str], limit: int, what: str = "file") -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file and its ``fstat`` (for change detection).

    ``what`` names the kind of input in messages ("document", "PO file"...).
    """
    fd, st = _open_regular(path, what)
    try:
        if st.st_size > limit:
            raise _too_large(str(path), what, limit, st.st_size)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            try:
                data = read_stream(handle, limit, str(path), what)
            except OSError as error:
                raise _os_error(path, what, error) from None
    finally:
        if fd != -1:
            os.close(fd)
    return data, st


def read_input(source: str | os.PathLike[str], limit: int, what: str = "file") -> bytes:
    """The bytes of a file, or of standard input for ``-``, refusing what cannot be read safely.

    Non-regular files (FIFO, device, socket, folder) are refused without
    blocking; no more than ``limit + 1`` bytes are read from anything.
    """
    if str(source) == STDIN:
        return read_stream(sys.stdin.buffer, limit, "standard input", what)
    return read_file(source, limit, what)[0]


def check_regular(path: str | os.PathLike[str], what: str = "file",
                  limit: int | None = None) -> Path:
    """Check that ``path`` is a readable regular file (under ``limit`` bytes), without reading it.

    For inputs that a library opens by path (lxml streaming a TMX file,
    zipfile reading a package): they would block on a FIFO or read a
    device forever.
    """
    fd, st = _open_regular(path, what)
    os.close(fd)
    if limit is not None and st.st_size > limit:
        raise _too_large(str(path), what, limit, st.st_size)
    return Path(path)
