"""Compiled gettext catalogs (MO), as ``msgfmt`` makes them.

``msgfmt`` leaves out fuzzy entries (in locwork: every entry that is not
approved), untranslated and obsolete ones. When GNU gettext is installed
it does the compiling; otherwise polib writes the same messages (its
``to_binary`` keeps only ``translated_entries()``: non-empty, not fuzzy,
not obsolete). The two files differ in bytes (msgfmt adds a hash table)
but hold the same messages; the tests compare them.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import polib

from locwork import catalog
from locwork.errors import LocworkError
from locwork.export.common import CatalogInput


def compile_with_polib(po: polib.POFile) -> bytes:
    """MO bytes from polib, with fuzzy, untranslated and obsolete entries left out."""
    clean = polib.POFile(wrapwidth=po.wrapwidth)
    clean.metadata = dict(po.metadata)
    for entry in po:
        if entry.obsolete or entry.fuzzy or not entry.msgstr:
            continue
        clean.append(entry)
    return clean.to_binary()


def compile_with_msgfmt(po: polib.POFile, msgfmt: str = "msgfmt") -> bytes:
    """MO bytes from GNU ``msgfmt`` (fuzzy entries excluded, as it does by default)."""
    with tempfile.TemporaryDirectory(prefix="locwork-mo-") as tmp:
        source = Path(tmp) / "messages.po"
        target = Path(tmp) / "messages.mo"
        encoding = po.encoding or "utf-8"  # the charset the header declares
        try:
            source.write_bytes(catalog.dumps(po).encode(encoding))
        except (UnicodeEncodeError, LookupError) as error:
            raise LocworkError(f"cannot write the catalog in its charset {encoding}: {error}") from None
        result = subprocess.run([msgfmt, "-o", str(target), str(source)],
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            detail = lines[0] if lines else f"exit status {result.returncode}"
            raise LocworkError(f"msgfmt refused the catalog: {detail}")
        return target.read_bytes()


def compile_mo(po: polib.POFile, use_msgfmt: bool | None = None) -> bytes:
    """Compile a catalog; ``use_msgfmt`` None means "msgfmt if installed"."""
    msgfmt = shutil.which("msgfmt")
    if use_msgfmt is None:
        use_msgfmt = msgfmt is not None
    if use_msgfmt:
        if msgfmt is None:
            raise LocworkError("msgfmt is not installed (apt-get install gettext)")
        return compile_with_msgfmt(po, msgfmt)
    return compile_with_polib(po)


def write_mo(inp: CatalogInput, approved_only: bool = True, document: object = None) -> bytes:
    """The ``mo`` export format's writer: approved-only by nature (fuzzy is never compiled)."""
    return compile_mo(inp.po)
