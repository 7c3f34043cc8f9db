"""Where the app's documents and catalogs live, and how uploads get there.

A project is a folder holding ``corpus/`` (source documents) and
``locales/`` (``<lang>/<doc>.po`` catalogs). The app uses the folder named
by ``LOCWORK_ROOT`` if set (tests point it at a temporary copy), otherwise
the repository it runs from.

Uploads are checked before anything is written, and nothing is ever
written outside ``corpus/``: the name must be a plain file name (no folder,
no ``..``, not hidden), the type one locwork reads, the size under
:data:`locwork.document.MAX_DOCUMENT_BYTES`, the content text that parses
into a document. HTML is stored sanitised (no scripts, styles, frames or
event handlers).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from locwork import atomic, document, filenames, html_import, inputs, segment_overrides
from locwork.document import Document
from locwork.errors import LocworkError

ROOT_ENV = "LOCWORK_ROOT"
DOCUMENT_SUFFIXES = (*document.SUPPORTED_SUFFIXES, *html_import.HTML_SUFFIXES)
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def corpus(self) -> Path:
        return self.root / "corpus"

    @property
    def locales(self) -> Path:
        return self.root / "locales"

    def documents(self) -> list[Path]:
        """The documents of ``corpus/``, by name (hidden files left out)."""
        if not self.corpus.is_dir():
            return []
        return sorted(
            p for p in self.corpus.iterdir()
            if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in DOCUMENT_SUFFIXES
        )


def project(default: Path) -> Project:
    """The project named by ``LOCWORK_ROOT``, else ``default``."""
    root = os.environ.get(ROOT_ENV)
    return Project(Path(root).resolve() if root else Path(default).resolve())


def load_document(path: Path | str, overrides: bool = True) -> Document:
    """Read a .txt, .md or .html document, with its segmentation overrides applied."""
    path = Path(path)
    if path.suffix.lower() in html_import.HTML_SUFFIXES:
        doc = html_import.load_html(path)
    else:
        doc = document.load(path)
    return segment_overrides.apply(doc) if overrides else doc


@dataclass
class Upload:
    """A stored upload: where it went and what the user should know."""

    path: Path
    document: Document
    messages: list[str] = field(default_factory=list)
    reused: bool = False


def check_name(name: str) -> str:
    """A safe file name for corpus/, or a one-line LocworkError."""
    name = filenames.check_plain_name(name)  # no folder part, NUL, control or bidi character
    if name.startswith("."):
        raise LocworkError(f"{name!r}: hidden file names (starting with a dot) are not accepted")
    if _UNSAFE_NAME.search(name) or len(name.encode("utf-8")) > 200:
        raise LocworkError(f"{name!r}: use a plain file name (letters, digits, spaces, - _ .)")
    suffix = Path(name).suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise LocworkError(f"{name}: unsupported type {suffix or '(none)'!r}; upload .txt, .md or .html")
    return name


def _stem_taken(corpus: Path, candidate: Path) -> bool:
    """Another document of ``corpus/`` has ``candidate``'s name without extension (``a.txt`` for ``a.md``):
    the two would share their catalogs, which are named after that stem."""
    return any(
        p.suffix.lower() in DOCUMENT_SUFFIXES and p.stem == candidate.stem and p.name != candidate.name
        for p in corpus.iterdir()
    )


def _free_name(corpus: Path, name: str, data: bytes) -> tuple[Path, bool]:
    """corpus/name, or name-2, name-3... if a different file has that name, or another document its stem."""
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, n = corpus / name, 1
    while candidate.exists() or _stem_taken(corpus, candidate):
        if not candidate.exists():
            n += 1
            candidate = corpus / f"{stem}-{n}{suffix}"
            continue
        try:
            same = inputs.read_file(candidate, len(data), "document")[0] == data
        except LocworkError:  # a folder, a FIFO, a larger file: not this upload
            same = False
        if same:
            return candidate, True
        n += 1
        candidate = corpus / f"{stem}-{n}{suffix}"
    return candidate, False


def save_upload(project: Project, name: str, data: bytes) -> Upload:
    """Check an uploaded document and store it in corpus/."""
    name = check_name(name)
    if len(data) > document.MAX_DOCUMENT_BYTES:
        raise LocworkError(
            f"{name}: the file is too large ({len(data) // 1024} KiB; the limit is "
            f"{document.MAX_DOCUMENT_BYTES // 1024 // 1024} MiB)"
        )
    suffix = Path(name).suffix.lower()
    stem = document.document_name(Path(name))
    messages: list[str] = []
    text, encoding = document.decode(data, name)
    if suffix in html_import.HTML_SUFFIXES:
        clean, report = html_import.sanitize(text)
        if report.removed_scripts:
            messages.append(f"{report.removed_scripts} script element(s) removed: only the text is kept")
        if report.removed_other:
            messages.append(f"{report.removed_other} style, frame or event-handler item(s) removed")
        doc = html_import.parse_html(clean, stem, None, "utf-8")
        data = clean.encode("utf-8")
    else:
        doc = document.parse(text, stem, suffix, None, encoding)
        if encoding not in ("utf-8", "utf-8-sig"):
            messages.append(f"read as {encoding}; stored as UTF-8")
            data = text.encode("utf-8")
    corpus = project.corpus.resolve()
    corpus.mkdir(parents=True, exist_ok=True)
    path, reused = _free_name(corpus, name, data)
    if path.resolve().parent != corpus:  # belt and braces: never outside corpus/
        raise LocworkError(f"{name!r}: refusing to write outside {corpus}")
    if not reused:
        atomic.atomic_write_bytes(path, data)
        if path.name != name and (corpus / name).exists():
            messages.append(f"a different {name} exists: saved as {path.name}")
        elif path.name != name:
            messages.append(
                f"another document is named {Path(name).stem} (its catalogs have that name): saved as {path.name}"
            )
    else:
        messages.append(f"{path.name} is already in the corpus")
    doc = load_document(path)
    return Upload(path=path, document=doc, messages=messages, reused=reused)
