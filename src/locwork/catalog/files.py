"""Catalog file I/O: the strict :func:`load`, atomic :func:`save`, :func:`edit` transactions, ``msgfmt --check``."""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Callable, Iterator

import polib

from locwork import inputs, po_syntax
from locwork.atomic import atomic_write_bytes, locked
from locwork.catalog.header import gettext_date
from locwork.catalog.render import PAGE_WIDTH, dumps
from locwork.catalog.scanner import _attach_layout
from locwork.errors import LocworkError

_MO_MAGIC = (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")


def load(path: str | os.PathLike[str]) -> polib.POFile:
    """Read a PO catalog, keeping its charset and the exact text of its entries.

    The charset comes from the header's ``Content-Type`` (polib's
    detection); a file without one is read as UTF-8.  A missing file, a
    folder, a binary or MO file, bytes that are not valid in the declared
    charset, a syntax error, or an empty file raise :class:`LocworkError`
    with a one-line message naming the file.

    Syntax errors are those plain ``msgfmt`` refuses (see
    :mod:`locwork.po_syntax`): an unterminated string, an invalid escape, an
    unknown keyword, a bad plural index, a missing msgstr...; the message is
    ``FILE:LINE: what``, as msgfmt's.  polib would read such a file in part,
    and the next save would lose what it dropped.  What only ``msgfmt
    --check`` refuses (e.g. more plural forms than the header's
    ``nplurals``) still loads.  A valid file that polib reads differently
    from gettext (a rare layout, e.g. two keywords on one line) is refused
    too, with the advice to rewrite it with ``msgcat``.

    An empty (or blank) file is refused rather than read as an empty
    catalog: locwork never writes one (its writes are atomic and every
    catalog it creates has a header), ``msgfmt --check`` rejects it too
    ("PO file header missing"), and an empty file is far more often a
    truncated copy or a stray ``touch`` than a deliberate catalog.  Delete
    it and locwork creates a proper one.
    """
    path = Path(path)
    for _attempt in range(5):
        data, identity = _read(path)
        encoding = _detect_charset(data)
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            origin = "the charset its header declares" if b"charset=" in data else "the default charset"
            raise LocworkError(f"{path}: line {line} is not valid {encoding} ({origin})") from None
        messages = _check_syntax(text, path)
        try:
            po = polib.pofile(str(path), encoding=encoding, wrapwidth=PAGE_WIDTH)
        except (OSError, ValueError, IndexError, KeyError, UnicodeError) as error:
            # gettext's syntax is fine (checked above): polib cannot read this layout.
            raise LocworkError(f"{path}{_parse_error(error)}") from None
        if _identity(path) == identity:
            break  # polib read the same bytes we did
    else:  # pragma: no cover - a file rewritten five times while we read it
        raise LocworkError(f"{path} keeps changing while it is read; try again")
    po.encoding = encoding
    _check_complete(po, messages, path)
    _attach_layout(po, text)
    return po


def _check_syntax(text: str, path: Path) -> list[po_syntax.Message]:
    """Refuse what ``msgfmt`` refuses as PO syntax (polib reads such files in part)."""
    try:
        return po_syntax.parse(text)
    except po_syntax.PoSyntaxError as error:
        raise LocworkError(f"{path}:{error.line}: {error.detail}") from None


def _message_key_of(entry: polib.POEntry) -> tuple[object, ...]:
    plurals = tuple(value for _, value in sorted((int(k), v) for k, v in entry.msgstr_plural.items()))
    return (bool(entry.obsolete), entry.msgctxt, entry.msgid, entry.msgid_plural or "", entry.msgstr, plurals)


def _check_complete(po: polib.POFile, messages: list[po_syntax.Message], path: Path) -> None:
    """Refuse a valid file that polib read differently from gettext (it would lose text on save).

    Every message of the file must be an entry of ``po``, in order, with the
    same strings; the only one allowed to be missing is the ``msgid ""``
    entry polib turned into the header.  polib reads every layout gettext
    writes, so this only refuses unusual ones (two keywords on one line, a
    string continued after a blank line...): ``msgcat`` rewrites them.
    """
    entries = list(po)
    spare = len(messages) - len(entries)
    index = 0
    line = messages[-1].line if messages else 1
    for message in messages:
        if index < len(entries) and _message_key_of(entries[index]) == message.key:
            index += 1
            continue
        if spare == 1 and message.msgid == "" and not message.obsolete:
            spare = 0  # the header
            continue
        line = message.line
        break
    else:
        if index == len(entries):
            return
    raise LocworkError(
        f"{path}:{line}: polib, the PO reader locwork uses, reads this entry differently from "
        f"gettext; rewrite the file with msgcat first"
    )


_DECLARED_CHARSET = re.compile(rb'"?Content-Type:.+? charset=([\w_\-:\.]+)')  # polib's pattern


def _check_declared_charset(data: bytes, path: Path) -> None:
    """Refuse a header charset Python does not know: polib would read the file as UTF-8 silently.

    ``CHARSET``, the placeholder of a fresh template, is left to the default
    (UTF-8), as the gettext tools read it.
    """
    match = _DECLARED_CHARSET.search(data)
    if match is None:
        return
    name = match.group(1).decode("ascii", "replace")
    if name.upper() == "CHARSET":
        return
    try:
        codecs.lookup(name)
    except LookupError:
        raise LocworkError(
            f"{path}: unknown charset {name!r} in the header's Content-Type "
            "(write the file's real charset there, e.g. UTF-8)"
        ) from None


def _read(path: Path) -> tuple[bytes, tuple[int, int, int, int]]:
    # A regular file only, of bounded size: a FIFO or a device would hang.
    data, st = inputs.read_file(path, inputs.CATALOG_LIMIT, "PO file")
    _check_declared_charset(data, path)
    if not data.strip():
        raise LocworkError(f"{path} is empty: a PO catalog has at least a header (delete the file to start a new one)")
    if data[:4] in _MO_MAGIC:
        raise LocworkError(f"{path} is a compiled MO file, not a PO file (use the .po it was built from)")
    if b"\0" in data:
        raise LocworkError(f"{path} is a binary file, not a PO file")
    return data, (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _identity(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _detect_charset(data: bytes) -> str:
    """The header's charset, as polib detects it (UTF-8 when absent or bogus)."""
    encoding = polib.detect_encoding(data)
    if isinstance(encoding, bytes):  # pragma: no cover - defensive, polib returns str
        encoding = encoding.decode("ascii")
    return str(encoding)


def _parse_error(error: BaseException) -> str:
    """polib's error as ``:LINE: detail; advice`` (the file's name goes before it)."""
    message = str(error)
    match = re.search(r"line (\d+)\)?:?\s*(.*)", message)
    advice = "polib, the PO reader locwork uses, cannot read it (gettext can): rewrite the file with msgcat first"
    if match:
        detail = match.group(2).strip()
        return f":{match.group(1)}: {detail + '; ' if detail else ''}{advice}"
    first = message.splitlines()[0] if message else type(error).__name__
    return f": {first}; {advice}"


# ---------------------------------------------------------------------------
# Saving and checking
# ---------------------------------------------------------------------------


def encode(po: polib.POFile, path: Path) -> bytes:
    text = dumps(po)
    encoding = po.encoding or "utf-8"
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as error:
        line = text.count("\n", 0, error.start) + 1
        raise LocworkError(
            f"{path}: {text[error.start]!r} (line {line}) cannot be written in the catalog's charset "
            f"{encoding}; convert the catalog first (msgconv --to-code=UTF-8)"
        ) from None
    except LookupError:
        raise LocworkError(f"{path}: unknown charset {encoding!r}") from None


def save(po: polib.POFile, path: str | os.PathLike[str]) -> None:
    """Write ``po`` to ``path`` atomically (under the catalog's lock), in ``po.encoding``.

    This writes whatever ``po`` holds, even if the file changed on disk since
    it was read: to update an existing catalog, use :func:`edit`.
    """
    path = Path(path)
    data = encode(po, path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LocworkError(f"cannot create {path.parent}: {error.strerror or error}") from None
    with locked(path):
        atomic_write_bytes(path, data)


def _msgfmt() -> str:
    found = shutil.which("msgfmt")
    if found is None:
        raise LocworkError("msgfmt not found: install GNU gettext (apt-get install gettext)")
    return found


def check(path: str | os.PathLike[str]) -> None:
    """``msgfmt --check`` the file; LocworkError with msgfmt's first error if it fails."""
    path = Path(path)
    if not path.is_file():
        raise LocworkError(f"{path}: no such PO file")
    result = subprocess.run(
        [_msgfmt(), "--check", "--output-file=/dev/null", str(path)],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        env=dict(os.environ, LC_ALL="C", LANGUAGE=""),
    )
    if result.returncode == 0:
        return
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "warning:" not in line and not line.startswith("msgfmt: found")]
    if not errors:
        errors = lines or [f"msgfmt exited with status {result.returncode}"]
    first = errors[0]
    following = errors[1] if len(errors) > 1 else ""
    if first.endswith("...") and "..." in following:
        first = first + " " + following.split("...", 1)[1].strip()
    prefix = str(path) + ":"
    if first.startswith(prefix):
        first = first[len(prefix) :]
    raise LocworkError(f"{path}: msgfmt --check failed: {first.strip()}")


# ---------------------------------------------------------------------------
# Transactions
# ---------------------------------------------------------------------------


@contextlib.contextmanager
def edit(
    path: str | os.PathLike[str],
    *,
    create: Callable[[], polib.POFile] | None = None,
    timeout: float = 30.0,
    touch: bool = True,
) -> Iterator[polib.POFile]:
    """Lock ``path``, load it, yield the catalog, write it back atomically.

    Nothing is written if the block raises, or if the catalog did not
    change.  ``create`` makes the catalog when the file does not exist yet
    (under the lock, so two processes cannot both create it).  With
    ``touch``, a changed catalog gets a new ``PO-Revision-Date``.
    """
    path = Path(path)
    if create is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LocworkError(f"cannot create {path.parent}: {error.strerror or error}") from None
    with locked(path, timeout=timeout):
        if create is not None and not path.exists():
            po = create()
            before = None
        else:
            po = load(path)
            before = dumps(po)
        yield po
        after = dumps(po)
        if after == before:
            return
        if touch and before is not None and "PO-Revision-Date" in po.metadata:
            po.metadata["PO-Revision-Date"] = gettext_date()
        atomic_write_bytes(path, encode(po, path))
