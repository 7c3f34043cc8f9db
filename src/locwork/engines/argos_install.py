"""Safe installation of an argos package file: every check before anything is written.

Split from :mod:`locwork.engines.argos` so that the engine (finding, loading
and running packages) and the archive checks (paths, sizes, metadata, the
destination folder) each have a module of their own. The engine's
``install_from_path`` calls these in order: :func:`open_regular`,
:func:`check_archive`, then :func:`unpack` into a staging folder and
:func:`check_target` before the rename.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
import tempfile
import threading
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterator, NamedTuple

from locwork.errors import LocworkError


def reason(error: BaseException) -> str:
    """A short reason for a network error, on one line."""
    code = getattr(error, "code", None)  # urllib.error.HTTPError
    if isinstance(code, int):
        return f"HTTP {code} {getattr(error, 'reason', '')}".strip()
    reason = getattr(error, "reason", None) or error
    text = str(reason) or type(reason).__name__
    if isinstance(reason, TimeoutError) or "timed out" in text:
        text = "timed out"
    return " ".join(text.split())


# -- installing: checks on the file, the archive and the destination ------------------

MAX_BYTES_ENV = "LOCWORK_ARGOS_MAX_BYTES"
DEFAULT_MAX_UNPACKED_BYTES = 2 << 30  # real packages unpack to 100-400 MB
MAX_ENTRIES = 10_000  # real packages hold a few dozen files
# Model weights barely compress; a whole package unpacking to 100x its
# compressed size is a zip bomb, whatever the byte limit (checked above 16 MiB).
MAX_RATIO = 100
_RATIO_FLOOR = 16 << 20
# Language codes as argos writes them: ISO 639 (en, fra) and its own
# two-letter ones (zt, pb), optionally with BCP 47 subtags (pt-BR, zh-Hant).
_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_VERSION = re.compile(r"[0-9A-Za-z]{1,16}(?:[._+-][0-9A-Za-z]{1,16}){0,7}")
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError,
               RuntimeError, zlib.error)


class _Plan(NamedTuple):
    """A checked package archive: its pair, version and the entries to unpack."""

    src: str
    tgt: str
    version: str
    members: list[tuple[zipfile.ZipInfo, PurePosixPath]]  # (entry, path inside the package)
    size: int  # declared unpacked bytes


def check_code(code: object, what: str = "language code") -> str:
    """A language code as argos packages use them (fr, zt, pt-BR), else LocworkError."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise LocworkError(f"{what} {_show(code)} is not a language code (e.g. fr, en, pt-BR)")
    return code


def _show(value: object, width: int = 60) -> str:
    text = ascii(value)
    return text if len(text) <= width else text[:width] + "…"


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _size(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB"


def _package_folder_name(src: str, tgt: str, version: str) -> str:
    """translate-FROM_TO-VERSION, as argos names its folders (from checked parts only)."""
    name = f"translate-{src}_{tgt}"
    return f"{name}-{version.replace('.', '_')}" if version else name


@contextlib.contextmanager
def open_regular(path: Path, shown: str) -> Iterator[BinaryIO]:
    """Open a regular file for reading; refuse folders, pipes and devices before opening them."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise LocworkError(f"no such file: {shown}") from None
    except OSError as error:
        raise LocworkError(f"cannot read {shown}: {error.strerror or error}") from None
    not_regular = f"{shown} is not a regular file (a pipe, a device...); give an .argosmodel file"
    if stat.S_ISDIR(info.st_mode):
        raise LocworkError(f"{shown} is a folder, not an .argosmodel file")
    if not stat.S_ISREG(info.st_mode):
        raise LocworkError(not_regular)
    nonblock = getattr(os, "O_NONBLOCK", 0)  # swapped for a FIFO meanwhile: open returns at once
    try:
        fd = os.open(path, os.O_RDONLY | nonblock | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise LocworkError(f"cannot read {shown}: {error.strerror or error}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise LocworkError(not_regular)
        if nonblock:
            os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle


def _check_entry(info: zipfile.ZipInfo, bad: str) -> None:
    """Refuse an entry that could land outside its folder or is not a file or folder."""
    name = info.filename
    parts = PurePosixPath(name).parts
    if (not name or name.startswith("/") or "\\" in name or ".." in parts
            or ":" in parts[0] or any(ord(c) < 32 or c == "\x7f" for c in name)):
        raise LocworkError(f"{bad}: unsafe path {_show(name)} in the archive")
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise LocworkError(f"{bad}: {_show(name)} is a link or a special file")


def check_archive(zf: zipfile.ZipFile, shown: str, limit: int) -> _Plan:
    """What to unpack from a valid package zip, else a one-line LocworkError."""
    bad = f"{shown} is not a valid argos package"
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise LocworkError(f"{bad}: {len(infos)} entries (a package has a few dozen)")
    for info in infos:
        _check_entry(info, bad)
    names = [info.filename.rstrip("/") for info in infos]
    if len(set(names)) != len(names):
        raise LocworkError(f"{bad}: the same path appears twice in the archive")
    candidates = [
        n for n in names
        if PurePosixPath(n).name == "metadata.json" and len(PurePosixPath(n).parts) <= 2
    ]
    if len(candidates) != 1:
        what = "no metadata.json" if not candidates else "several metadata.json"
        raise LocworkError(f"{bad}: {what}")
    meta_name = candidates[0]
    folder = PurePosixPath(meta_name).parts[0] if "/" in meta_name else ""
    try:
        metadata = json.loads(zf.read(meta_name).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise LocworkError(f"{bad}: unreadable metadata.json ({_one_line(error)})") from None
    if not isinstance(metadata, dict):
        raise LocworkError(f"{bad}: metadata.json is not an object")
    if metadata.get("type", "translate") != "translate":
        raise LocworkError(
            f"{shown} is an argos {_show(metadata.get('type'))} package, not a translation package"
        )
    for key in ("from_code", "to_code"):
        if metadata.get(key) in (None, ""):
            raise LocworkError(f"{bad}: metadata.json has no {key}")
        check_code(metadata[key], f"{bad}: its {key}")
    version = metadata.get("package_version", "")
    if isinstance(version, (int, float)) and not isinstance(version, bool):
        version = str(version)
    if not isinstance(version, str) or (version and not _VERSION.fullmatch(version)):
        raise LocworkError(f"{bad}: its package_version {_show(version)} is not a version (e.g. 1.0)")

    base = f"{folder}/" if folder else ""
    members = [
        (info, PurePosixPath(info.filename[len(base):]))
        for info in infos
        if info.filename.startswith(base) and info.filename.rstrip("/") != folder
    ]
    present = {str(rel) for _, rel in members}
    if "model/model.bin" not in present:
        raise LocworkError(f"{bad}: no model/model.bin")
    if not {"sentencepiece.model", "bpe.model"} & present:
        raise LocworkError(f"{bad}: no sentencepiece.model or bpe.model")
    size = sum(info.file_size for info, _ in members)
    if size > limit:
        raise LocworkError(
            f"{shown} unpacks to {_size(size)}, over the limit of {_size(limit)} "
            f"(${MAX_BYTES_ENV} sets it, in bytes)"
        )
    packed = sum(info.compress_size for info, _ in members)
    if size > _RATIO_FLOOR and size > MAX_RATIO * max(packed, 1):
        raise LocworkError(
            f"{shown} unpacks to {_size(size)} from {_size(packed)}: "
            f"over {MAX_RATIO} times its size, not a real package"
        )
    return _Plan(metadata["from_code"], metadata["to_code"], version, members, size)


def _unpack(zf: zipfile.ZipFile, plan: _Plan, dest: Path, shown: str, limit: int) -> None:
    """Write the plan's entries under dest (a new folder), counting the bytes written."""
    dest.mkdir()
    written = 0
    for info, rel in plan.members:
        out = dest.joinpath(*rel.parts)
        if info.is_dir():
            out.mkdir(parents=True, exist_ok=True)
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as source, open(out, "xb") as sink:
            while chunk := source.read(1 << 20):
                written += len(chunk)
                if written > limit:
                    raise LocworkError(
                        f"{shown} unpacks to more than the limit of {_size(limit)} "
                        f"(${MAX_BYTES_ENV} sets it, in bytes)"
                    )
                sink.write(chunk)


def _sweep_stale(root: Path, age: float = 86400.0) -> None:
    """Remove staging folders that a killed install left in root (older than a day)."""
    import time

    for path in root.glob(".locwork-install-*"):
        try:
            if (not path.is_symlink() and path.is_dir()
                    and time.time() - path.stat().st_mtime > age):
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass


def _inside(root: Path, path: Path) -> Path:
    """path, resolved, if it is an entry of root (itself resolved); else LocworkError."""
    resolved = path.resolve()
    if resolved.parent != root or resolved.name != path.name:
        raise LocworkError(f"refusing to write outside the packages folder {root}: {path}")
    return resolved


def _check_target(target: Path, plan: _Plan, shown: str) -> None:
    """Refuse to replace what is not a package of plan's pair at target."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise LocworkError(f"{target} is in the way (not a package folder); move it, then install again")
    if not target.is_dir():
        return
    try:
        meta = json.loads((target / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # a broken folder of this name: replaced
    if not isinstance(meta, dict):
        return
    other = (meta.get("from_code"), meta.get("to_code"))
    if other != (plan.src, plan.tgt) or meta.get("type", "translate") != "translate":
        raise LocworkError(
            f"{target} holds the argos package for {other[0]}→{other[1]}; not replacing it "
            f"with {Path(shown).name} ({plan.src}→{plan.tgt}): move that folder first"
        )


def install_file(
    path: Path, shown: str, install_dir: Path, limit: int, lock: threading.RLock
) -> tuple[tuple[str, str], Path]:
    """Check and unpack the package file at path into install_dir; return (pair, folder).

    Raises a one-line LocworkError for anything that is not a valid package
    (see :func:`check_archive`); nothing outside install_dir is written.
    """
    with open_regular(path, shown) as handle:
        try:
            if not zipfile.is_zipfile(handle):
                raise LocworkError(
                    f"{shown} is not an argos package (.argosmodel): not a zip archive"
                )
            with zipfile.ZipFile(handle) as zf:
                plan = check_archive(zf, shown, limit)
                target = _put_in_place(install_dir, zf, plan, shown, limit, lock)
        except _ZIP_ERRORS as error:
            raise LocworkError(f"cannot install {shown}: {_one_line(error)}") from None
    return (plan.src, plan.tgt), target


def unpack_limit(override: int | None) -> int:
    """The most bytes a package may unpack to: override, $LOCWORK_ARGOS_MAX_BYTES, or 2 GiB."""
    if override is not None:
        return override
    raw = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_UNPACKED_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise LocworkError(f"{MAX_BYTES_ENV}={raw!r}: give a number of bytes, e.g. 2147483648")
    return value


def _put_in_place(
    configured: Path, zf: zipfile.ZipFile, plan: _Plan, shown: str, limit: int,
    lock: threading.RLock,
) -> Path:
    """Unpack a checked archive into the packages folder; return the package folder."""
    from locwork import atomic  # filelock: not needed to import this module

    created = not configured.exists()
    configured.mkdir(parents=True, exist_ok=True)
    root = configured.resolve()
    target = _inside(root, root / _package_folder_name(plan.src, plan.tgt, plan.version))
    _sweep_stale(root)
    staging = Path(tempfile.mkdtemp(prefix=".locwork-install-", dir=root))
    done = False
    try:
        fresh = staging / "package"
        _unpack(zf, plan, fresh, shown, limit)
        with lock, atomic.locked(root / ".locwork-install"):
            _check_target(target, plan, shown)
            old = staging / "old"
            if target.exists():
                os.replace(target, old)
            try:
                os.replace(fresh, target)
            except OSError:
                if old.exists() and not target.exists():
                    os.replace(old, target)
                raise
            _remove_others(root, target, (plan.src, plan.tgt), staging)
        done = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not done:
            with contextlib.suppress(OSError):
                configured.rmdir()  # only if empty
    return target


def _remove_others(root: Path, target: Path, pair: tuple[str, str], trash: Path) -> None:
    """Move the other translate packages for target's pair into trash (removed after)."""
    for n, other in enumerate(sorted(root.iterdir())):
        if (other == target or other.name.startswith(".") or other.is_symlink()
                or not other.is_dir()):
            continue
        try:
            meta = json.loads((other / "metadata.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if (isinstance(meta, dict) and meta.get("type", "translate") == "translate"
                and (meta.get("from_code"), meta.get("to_code")) == pair):
            with contextlib.suppress(OSError):
                os.replace(other, trash / f"other-{n}")
