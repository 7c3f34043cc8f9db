"""Translation memory: every approved segment, reused as exact and fuzzy matches.

Where it lives
    One SQLite file per project, ``<project>/.locwork/tm.sqlite`` (the
    project is the folder holding ``locales/``: the current directory for
    the CLI, ``$LOCWORK_ROOT`` for the app), or the file named by
    ``$LOCWORK_TM``. WAL mode, so the app and the CLI can read while one of
    them writes; a busy writer is waited for (30 s), not an error.

What it holds
    ``sources``: each distinct source sentence once per source language
    (its text, the normalised text, a 64-bit hash of the normalised text and
    its length). ``units``: one approved translation of a source into a
    target language, with the document and segment it comes from, the
    reviewer and approval time, the route/engine that made the first draft
    (``locwork-route``), the draft's origin (``locwork-origin``: ``mt``,
    ``tm 100%``...) and ``via``: how it got in (``approval`` from the review
    app or the CLI, ``rebuild`` from the catalogs, ``import`` from TMX).
    A segment approved again replaces its unit; ``locwork tm rebuild``
    recomputes every catalog-made unit from the PO files (imported units
    stay).

Safety
    ``locwork tm rebuild`` keeps the approvals made while it runs (it
    re-reads, inside its write transaction, the catalogs that changed
    since it first read them; see :meth:`TranslationMemory.rebuild`). A
    damaged file (SQLite's ``SQLITE_CORRUPT``/``SQLITE_NOTADB``, or a
    failed integrity check before a rebuild) and a 0-byte file (a crash or
    copy artefact: a new memory is made whole, then linked in) raise
    :class:`MemoryDamaged`, one line that names ``locwork tm rebuild
    --force``, which moves the file aside as ``tm.sqlite.damaged-<time>``
    and makes it again from the catalogs. A ``.locwork`` that is a file is
    an error, never "no memory yet". An approval in the app still saves
    its catalog and shows the memory's problem as a warning.

Matching
    *Exact*: the source normalised (Unicode NFC, every run of white space,
    no-break spaces included, as one space, trimmed) is looked up by hash.
    *Fuzzy*: :func:`rapidfuzz.fuzz.ratio` (normalised Indel similarity,
    0-100) between normalised sources. It already penalises length
    mismatch: a source twice as long as the query scores at most 67. That
    bound gives a lossless *length band* (for threshold ``t``, only sources
    of ``t/(200-t)`` to ``(200-t)/t`` times the query's length can reach
    it). Candidates come from an SQLite FTS5 word index of the sources
    (``unicode61``, accents folded): the query's rarest words (by document
    frequency, from ``fts5vocab``) are OR-ed, the matches inside the length
    band that have a translation in the target language are ranked by BM25,
    and the best :data:`CANDIDATES` are scored with
    :func:`rapidfuzz.process.extract`. The rarest words are taken while
    their postings stay under a budget (at least three of them). When
    scoring the whole length band is cheaper than that (a short query, or
    one made of common words only), every source of the band is scored
    instead: no index heuristics at all. A non-identical source never
    scores 100 (capped at 99). Each match carries a word-level diff
    (:mod:`difflib`) from the memory's source to the current source, as
    data. At 100,000 segments a lookup takes about 4 ms (p95 7 ms) on a
    2-core machine, and finds the same best match as a brute-force scan of
    the whole memory (``bench/tm_lookup.py``).

    Why a word index rather than FTS5's ``trigram`` tokenizer (which this
    SQLite has): a fuzzy query would have to OR all of its trigrams, and
    the common ones (``" de"``, ``"es "``) hit most of the memory: ranked
    that way, a lookup took about one second at 100,000 segments. Rare
    words are a far sharper filter. The word index serves concordance
    search too (phrases, accent-insensitive), with a ``LIKE`` scan as the
    fallback for fragments of words.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as _dt
import difflib
import hashlib
import os
import re
import sqlite3
import secrets
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import polib

from locwork import catalog, langs
from locwork.catalog import State
from locwork.errors import LocworkError

__all__ = [
    "DEFAULT_THRESHOLD",
    "ENV",
    "TMUnit",
    "Match",
    "ConcordanceHit",
    "TranslationMemory",
    "MemoryDamaged",
    "default_path",
    "present",
    "set_aside",
    "rebuild",
    "open_tm",
    "record_approval",
    "forget_segment",
    "concordance",
    "normalize",
    "source_hash",
    "diff",
    "diff_text",
    "origin_label",
    "settings",
    "resolve",
]

ENV = "LOCWORK_TM"
DATA_DIR = ".locwork"
FILE_NAME = "tm.sqlite"
DEFAULT_THRESHOLD = 75.0
SCHEMA_VERSION = 1
CANDIDATES = 150  # sources scored with rapidfuzz per fuzzy lookup (FTS path)
SCAN_LIMIT = 1500  # a length band this small is scored whole, without the index...
SCAN_MAX = 20000  # ...and one up to this size too, when that is cheaper than the index
SCAN_COST = 1.5  # cost of scoring one source of the band, against one FTS posting
RARE_TERMS = 8  # query words OR-ed in the FTS query, rarest first...
MIN_TERMS = 3  # ...at least this many (when the query has them)...
POSTINGS_BUDGET = 5000  # ...and more only while their document frequencies add up to less
SOURCE_LANG = "fr"
VIA = ("approval", "rebuild", "import")

# ----------------------------------------------------------------- helpers

_SPACE = re.compile(r"\s+", re.UNICODE)
_TERM = re.compile(r"[^\W_]+", re.UNICODE)
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def normalize(text: str) -> str:
    """What exact matching compares: NFC, white space runs as one space, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def source_hash(norm: str) -> int:
    """A signed 64-bit hash of a normalised source (SQLite INTEGER)."""
    digest = hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def fold(text: str) -> str:
    """Lower case without accents (as FTS5's ``unicode61 remove_diacritics 2`` sees words)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def terms(text: str) -> list[str]:
    """The distinct index terms of a text, in order."""
    return list(dict.fromkeys(_TERM.findall(fold(text))))


def base_lang(lang: str) -> str:
    """``pt_BR`` → ``pt``, ``es-ES`` → ``es`` (LocworkError if malformed)."""
    return langs.normalize(lang).split("@")[0].split("_")[0]


def diff(old: str, new: str) -> list[dict]:
    """Word-level diff from ``old`` (the memory's source) to ``new`` (the current source).

    A list of ``{"op": "equal"|"delete"|"insert", "text": ...}``: deleted
    text is in the memory's source only, inserted text in the current
    source only. Concatenating equal+insert gives ``new``, equal+delete
    gives ``old``.
    """
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    out: list[dict] = []

    def push(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1]["op"] == op:
            out[-1]["text"] += text
        else:
            out.append({"op": op, "text": text})

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            push("equal", "".join(a[i1:i2]))
            continue
        push("delete", "".join(a[i1:i2]))
        push("insert", "".join(b[j1:j2]))
    return out


def diff_text(ops: Sequence[dict]) -> str:
    """A diff as plain text, wdiff style: ``[-memory-]{+current+}``."""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[op["op"]].format(op["text"]) for op in ops)


def origin_label(score: int) -> str:
    """The ``locwork-origin`` value of a draft taken from memory: ``tm 100%``, ``tm 83%``."""
    return f"tm {int(score)}%"


def _now() -> str:
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


# ------------------------------------------------------------------ records


@dataclass
class TMUnit:
    """One approved translation, as stored."""

    source: str
    target: str
    src_lang: str = SOURCE_LANG
    tgt_lang: str = ""
    document: str = ""
    segment: str = ""
    reviewer: str | None = None
    approved_at: str | None = None
    route: str | None = None
    engine: str | None = None
    origin: str | None = None
    via: str = "approval"

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class Match:
    """A memory unit that matches a source, with its score and diff."""

    score: int  # 100 for an exact match, at most 99 otherwise
    source: str  # the memory's source
    target: str
    src_lang: str
    tgt_lang: str
    document: str = ""
    segment: str = ""
    reviewer: str | None = None
    approved_at: str | None = None
    route: str | None = None
    origin: str | None = None
    diff: list[dict] = field(default_factory=list)  # memory source → current source
    others: int = 0  # other units with the same source and a different target

    @property
    def exact(self) -> bool:
        return self.score >= 100

    @property
    def label(self) -> str:
        """``tm 100%`` / ``tm 83%``: what a draft from this match records as its origin."""
        return origin_label(self.score)

    @property
    def ref(self) -> str:
        """``document/segment`` of the unit ("" when unknown, e.g. an imported unit)."""
        if self.document and self.segment:
            return f"{self.document}/{self.segment}"
        return self.document or self.segment

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["exact"] = self.exact
        data["label"] = self.label
        return data


@dataclass
class ConcordanceHit:
    """A unit whose source or target holds the searched word or phrase."""

    source: str
    target: str
    src_lang: str
    tgt_lang: str
    document: str
    segment: str
    reviewer: str | None
    approved_at: str | None
    where: str  # "source", "target" or "both"

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class RebuildReport:
    catalogs: int = 0
    units: int = 0
    skipped: int = 0  # approved entries that cannot go in (plural forms)
    removed: int = 0

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class ImportReport:
    units: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


# ------------------------------------------------------------------ schema

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    src_lang TEXT NOT NULL,
    hash INTEGER NOT NULL,
    text TEXT,  -- NULL when it is the same as norm
    norm TEXT NOT NULL,
    length INTEGER NOT NULL,
    UNIQUE (src_lang, hash)
);
CREATE INDEX IF NOT EXISTS sources_length ON sources (src_lang, length);
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources (id),
    tgt_lang TEXT NOT NULL,
    tgt_base TEXT NOT NULL,
    target TEXT NOT NULL,
    document TEXT NOT NULL DEFAULT '',
    segment TEXT NOT NULL DEFAULT '',
    reviewer TEXT,
    approved_at TEXT,
    route TEXT,
    engine TEXT,
    origin TEXT,
    via TEXT NOT NULL,
    added_at TEXT NOT NULL,
    UNIQUE (source_id, tgt_lang, document, segment)
);
CREATE INDEX IF NOT EXISTS units_lang ON units (tgt_base, source_id);
CREATE INDEX IF NOT EXISTS units_doc ON units (document, segment);
CREATE VIRTUAL TABLE IF NOT EXISTS src_fts USING fts5 (
    norm, content='sources', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS src_vocab USING fts5vocab (src_fts, row);
CREATE VIRTUAL TABLE IF NOT EXISTS tgt_fts USING fts5 (
    target, content='units', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS sources_ai AFTER INSERT ON sources BEGIN
    INSERT INTO src_fts (rowid, norm) VALUES (new.id, new.norm);
END;
CREATE TRIGGER IF NOT EXISTS sources_ad AFTER DELETE ON sources BEGIN
    INSERT INTO src_fts (src_fts, rowid, norm) VALUES ('delete', old.id, old.norm);
END;
CREATE TRIGGER IF NOT EXISTS units_ai AFTER INSERT ON units BEGIN
    INSERT INTO tgt_fts (rowid, target) VALUES (new.id, new.target);
END;
CREATE TRIGGER IF NOT EXISTS units_ad AFTER DELETE ON units BEGIN
    INSERT INTO tgt_fts (tgt_fts, rowid, target) VALUES ('delete', old.id, old.target);
END;
CREATE TRIGGER IF NOT EXISTS units_au AFTER UPDATE OF target ON units BEGIN
    INSERT INTO tgt_fts (tgt_fts, rowid, target) VALUES ('delete', old.id, old.target);
    INSERT INTO tgt_fts (rowid, target) VALUES (new.id, new.target);
END;
"""

_UNIT_COLUMNS = (
    "coalesce(s.text, s.norm), u.target, s.src_lang, u.tgt_lang, u.document, u.segment, u.reviewer, "
    "u.approved_at, u.route, u.engine, u.origin, u.via"
)


def default_path(locales_dir: str | os.PathLike[str] | None = None) -> Path:
    """``$LOCWORK_TM``, else ``<project>/.locwork/tm.sqlite``.

    The project is the folder holding ``locales_dir`` when one is given,
    else the current directory.
    """
    override = os.environ.get(ENV, "").strip()
    if override:
        return Path(override).expanduser()
    project = Path(locales_dir).resolve().parent if locales_dir is not None else Path.cwd()
    return project / DATA_DIR / FILE_NAME


REBUILD_COMMAND = "locwork tm rebuild --force"
_DAMAGE = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB
_BUSY = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


class MemoryDamaged(LocworkError):
    """The memory file is damaged or empty: only a rebuild from the catalogs helps."""


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it (shorter messages)."""
    try:
        return str(Path(path).absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _damaged(path: Path, why: str) -> MemoryDamaged:
    """The one message every damaged-memory failure gives, naming the command that repairs it."""
    where = ""
    if not os.environ.get(ENV, "").strip() and path.parent.name == DATA_DIR:
        project = path.parent.parent
        if project.resolve() != Path.cwd().resolve():
            where = f" in {project}"
    return MemoryDamaged(f"the translation memory {_shown(path)} is damaged ({why}); rebuild it from "
                         f"the catalogs with `{REBUILD_COMMAND}`{where}")


def _is_damage(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _DAMAGE
    text = str(error)
    return "malformed" in text or "not a database" in text


def _sqlite_error(path: Path, error: sqlite3.Error, doing: str) -> LocworkError:
    """An SQLite error as a one-line LocworkError (MemoryDamaged for a damaged file)."""
    if _is_damage(error):
        return _damaged(path, str(error))
    code = getattr(error, "sqlite_errorcode", 0) or 0
    if code & 0xFF in _BUSY:
        return LocworkError(f"{_shown(path)}: the translation memory is busy ({error}); try again")
    return LocworkError(f"{_shown(path)}: cannot {doing} the translation memory ({error})")


def present(path: str | os.PathLike[str]) -> bool:
    """Whether the memory file exists; LocworkError if it cannot be there at all.

    A ``.locwork`` that is a file (or a memory path that is a folder) is
    said, never taken for "no memory yet": that would silently skip the
    memory in translate runs and leave un-approvals out of it.
    """
    path = Path(path)
    for folder in path.parents:
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                raise LocworkError(f"{_shown(folder)} is a file, not a folder: the translation memory "
                                   f"{_shown(path)} cannot be kept there; rename or remove that file")
            break
    if path.is_dir():
        raise LocworkError(f"{_shown(path)} is a folder, not a translation memory file")
    return path.exists()


def _check_not_empty(path: Path) -> None:
    """A 0-byte memory file is a crash or copy artefact: locwork never leaves one.

    A new memory is made complete under a temporary name and linked into
    place (:func:`_create`), and a healthy SQLite file is at least one
    page long. SQLite would take an empty file for a new, empty database
    and quietly start over, so it is refused: ``tm rebuild --force`` moves
    it aside and makes the memory again from the catalogs.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0:
        wal = path.with_name(path.name + "-wal")
        if wal.is_file() and wal.stat().st_size > 0:  # an older locwork's memory, not checkpointed yet
            return
        raise _damaged(path, "the file is empty, 0 bytes")


def _create(path: Path) -> None:
    """Make a new, complete memory file at ``path`` atomically (unless one appeared meanwhile).

    Built under a temporary name, then hard-linked to ``path`` (which fails
    if another process created it first: then that one is used), so no
    process ever sees a half-made, empty file at ``path``.
    """
    from locwork.atomic import remove_stale_temps

    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        conn = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            conn.executescript(f"BEGIN; {_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:  # no hard links on this file system
            if not path.exists():
                os.replace(tmp, path)
    except (OSError, sqlite3.Error) as error:
        raise LocworkError(f"cannot create the translation memory {_shown(path)}: "
                           f"{getattr(error, 'strerror', None) or error}") from None
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink()
    remove_stale_temps(path)


def set_aside(path: str | os.PathLike[str]) -> Path:
    """Move a damaged memory (and its WAL) to ``tm.sqlite.damaged-<time>``; the new name."""
    path = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    while aside.exists():
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{secrets.token_hex(2)}")
    try:
        os.rename(path, aside)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            os.rename(wal, aside.with_name(aside.name + "-wal"))
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + "-shm").unlink()
    except OSError as error:
        raise LocworkError(f"cannot move the damaged memory {_shown(path)} aside: "
                           f"{error.strerror or error}") from None
    return aside


def _project_of_catalog(catalog_path: Path) -> Path:
    """``<project>/locales/<lang>/<doc>.po`` → ``<project>/locales``."""
    return Path(catalog_path).resolve().parent.parent


class TranslationMemory:
    """An open memory (one SQLite connection, safe to share between threads)."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True, timeout: float = 30.0):
        self.path = Path(path)
        exists = present(self.path)
        if not create and not exists:
            raise LocworkError(f"{self.path}: no translation memory yet (approve segments, or run "
                               "`locwork tm rebuild` or `locwork tm import`)")
        if not exists:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise LocworkError(f"cannot create {self.path.parent}: {error.strerror or error}") from None
            _create(self.path)
        _check_not_empty(self.path)
        self._lock = threading.RLock()
        self._df: dict[str, int] = {}  # document frequencies of source terms, cached...
        self._df_version: int | None = None  # ...for this PRAGMA data_version
        self._best: dict[tuple, Match | None] = {}  # best_many's answers, same rule
        self._best_version: int | None = None
        try:
            self.conn = sqlite3.connect(str(self.path), timeout=timeout, check_same_thread=False,
                                        isolation_level=None)
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise LocworkError(f"{self.path}: made by a newer locwork (schema {version}); upgrade")
            if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA mmap_size = 268435456")
            self.conn.execute("PRAGMA cache_size = -32768")
            if version < SCHEMA_VERSION:
                with self._lock:
                    self.conn.executescript(
                        f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
        except sqlite3.Error as error:
            with contextlib.suppress(Exception):
                self.conn.close()
            raise _sqlite_error(self.path, error, "open") from None

    # -------------------------------------------------------- plumbing

    def close(self) -> None:
        with self._lock:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()

    def __enter__(self) -> "TranslationMemory":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (taken at once: no lock upgrade deadlocks)."""
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise _sqlite_error(self.path, error, "write") from None
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as error:  # disk full, read-only file, a damaged page...
                if self.conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self.conn.execute("ROLLBACK")
                if isinstance(error, sqlite3.Error):
                    raise _sqlite_error(self.path, error, "write") from None
                raise
            finally:
                self._df.clear()
                self._best.clear()

    def _query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        with self._lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except sqlite3.Error as error:
                raise _sqlite_error(self.path, error, "read") from None

    def _data_version(self) -> int:
        """``PRAGMA data_version``: changes when another connection commits (cache keys)."""
        return self._query("PRAGMA data_version")[0][0]

    # ---------------------------------------------------------- writing

    def _source_id(self, conn: sqlite3.Connection, text: str, src_lang: str) -> int:
        norm = normalize(text)
        key = source_hash(norm)
        row = conn.execute("SELECT id FROM sources WHERE src_lang = ? AND hash = ?",
                           (src_lang, key)).fetchone()
        if row is not None:
            return row[0]
        cursor = conn.execute(
            "INSERT INTO sources (src_lang, hash, text, norm, length) VALUES (?, ?, ?, ?, ?)",
            (src_lang, key, None if text == norm else text, norm, len(norm)),
        )
        return cursor.lastrowid

    def _put(self, conn: sqlite3.Connection, unit: TMUnit) -> bool:
        if not normalize(unit.source) or not unit.target.strip():
            return False
        if unit.via not in VIA:
            raise ValueError(f"unknown via {unit.via!r}")
        src = base_lang(unit.src_lang)
        tgt = langs.normalize(unit.tgt_lang)
        source_id = self._source_id(conn, unit.source, src)
        conn.execute(
            """INSERT INTO units (source_id, tgt_lang, tgt_base, target, document, segment, reviewer,
                                  approved_at, route, engine, origin, via, added_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (source_id, tgt_lang, document, segment) DO UPDATE SET
                   target = excluded.target, reviewer = excluded.reviewer,
                   approved_at = excluded.approved_at, route = excluded.route,
                   engine = excluded.engine, origin = excluded.origin, via = excluded.via,
                   added_at = excluded.added_at""",
            (source_id, tgt, base_lang(tgt), unit.target, unit.document or "", unit.segment or "",
             unit.reviewer, unit.approved_at, unit.route, unit.engine, unit.origin, unit.via, _now()),
        )
        return True

    def add(self, unit: TMUnit) -> bool:
        """Store (or replace) one unit; False if it has no source or no target."""
        with self._write() as conn:
            return self._put(conn, unit)

    def add_many(self, units: Iterable[TMUnit]) -> int:
        """Store many units in one transaction; how many went in."""
        count = 0
        with self._write() as conn:
            for unit in units:
                count += self._put(conn, unit)
        return count

    def _prune(self, conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM sources WHERE id NOT IN (SELECT source_id FROM units)")

    def forget(self, document: str, segment: str, tgt_lang: str | None = None,
               source: str | None = None) -> int:
        """Remove catalog-made units of a segment (all languages, or one); how many.

        With ``source``, only the units of that sentence: a segment id names
        a place, and after the document changed, the unit stored under this id
        can be another sentence's, still approved where it now stands.
        """
        sql = "DELETE FROM units WHERE document = ? AND segment = ? AND via != 'import'"
        params: list = [document, segment]
        if tgt_lang:
            sql += " AND tgt_lang = ?"
            params.append(langs.normalize(tgt_lang))
        if source is not None:
            norm = normalize(source)
            sql += " AND source_id IN (SELECT id FROM sources WHERE hash = ? AND norm = ?)"
            params += [source_hash(norm), norm]
        with self._write() as conn:
            removed = conn.execute(sql, params).rowcount
            self._prune(conn)
        return removed

    def rebuild(self, locales_dir: str | os.PathLike[str], src_lang: str = SOURCE_LANG,
                keep_imports: bool = True) -> RebuildReport:
        """Recompute every catalog-made unit from ``<locales>/<lang>/<doc>.po``.

        Units from TMX imports stay unless ``keep_imports`` is False.

        No approval is lost to a rebuild that runs at the same time. An
        approval saves its catalog first and then writes the memory. The
        catalogs are read once (slow: parsing), then the memory's write
        transaction is taken (``BEGIN IMMEDIATE``: from there on an
        approval's memory write waits for it, up to 30 s), every catalog is
        read again as bytes and the ones that changed since the first read
        are parsed again, and the memory is brought in line with them in
        that transaction, writing only the units that differ (so it stays
        short: 0.2 s for 7,500 unchanged units on a loaded 2-core machine).
        So an approval whose catalog was saved before that re-read is in
        the catalogs the rebuild uses, and one saved after it writes the
        memory after the rebuild commits. Readers see the old or the new
        memory. A damaged memory file raises :class:`MemoryDamaged`.
        """
        locales_dir = Path(locales_dir)
        if not locales_dir.is_dir():
            raise LocworkError(f"{locales_dir}: no such folder of catalogs")
        self.check()
        first = _read_catalogs(locales_dir, src_lang, {})
        with self._write() as conn:
            read = _read_catalogs(locales_dir, src_lang, first)
            report = RebuildReport(catalogs=len(read))
            wanted: dict[tuple, TMUnit] = {}
            for _data, units, skipped in read.values():
                report.skipped += skipped
                wanted.update(units)
            report.units = len(wanted)
            # Only what differs is written: the transaction (during which approvals wait)
            # lasts as long as the changes take, not as long as rewriting the whole memory.
            where = "" if not keep_imports else " WHERE u.via != 'import'"
            stale = []
            for row in conn.execute(
                    "SELECT u.id, s.src_lang, s.norm, u.tgt_lang, u.document, u.segment, u.target, "
                    "u.reviewer, u.approved_at, u.route, u.engine, u.origin, u.via "
                    f"FROM units u JOIN sources s ON s.id = u.source_id{where}"):
                key = row[1:6]
                unit = wanted.get(key)
                if unit is None:
                    stale.append(row[0])
                elif _fields(unit) == row[6:]:
                    del wanted[key]
            conn.executemany("DELETE FROM units WHERE id = ?", [(i,) for i in stale])
            report.removed = len(stale)
            for unit in wanted.values():
                self._put(conn, unit)
            self._prune(conn)
        return report

    def check(self) -> None:
        """Raise :class:`MemoryDamaged` unless SQLite's ``quick_check`` finds the file sound."""
        rows = self._query("PRAGMA quick_check(5)")
        problems = [" ".join(r[0].replace("*** in database main ***", "").split())
                    for r in rows if r[0] != "ok"]
        if problems:
            text = "; ".join(p for p in problems if p)
            raise _damaged(self.path, "integrity check: " + (text if len(text) <= 120 else text[:119] + "…"))

    # ---------------------------------------------------------- reading

    def stats(self) -> dict:
        rows = self._query(
            "SELECT s.src_lang, u.tgt_lang, u.via, count(*) FROM units u JOIN sources s "
            "ON s.id = u.source_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
        sources = self._query("SELECT count(*) FROM sources")[0][0]
        return {
            "path": str(self.path),
            "sources": sources,
            "units": sum(r[3] for r in rows),
            "pairs": [{"from": r[0], "to": r[1], "via": r[2], "units": r[3]} for r in rows],
        }

    def units(self, tgt_lang: str | None = None) -> list[TMUnit]:
        """Every unit (of one target language, base language matching: ``es`` takes ``es_ES``)."""
        sql = f"SELECT {_UNIT_COLUMNS} FROM units u JOIN sources s ON s.id = u.source_id"
        params: list = []
        if tgt_lang:
            sql += " WHERE u.tgt_base = ?"
            params.append(base_lang(tgt_lang))
        sql += " ORDER BY u.document, u.segment, u.tgt_lang, u.id"
        return [TMUnit(*row) for row in self._query(sql, params)]

    def __len__(self) -> int:
        return self._query("SELECT count(*) FROM units")[0][0]

    def _units_of(self, source_ids: Sequence[int], tgt_lang: str) -> dict[int, list[tuple]]:
        """Units of these sources in the target language: preferred first.

        The exact language code before a regional variant, then the most
        recent approval.
        """
        if not source_ids:
            return {}
        code = langs.normalize(tgt_lang)
        marks = ",".join("?" * len(source_ids))
        rows = self._query(
            f"""SELECT u.source_id, u.target, u.tgt_lang, u.document, u.segment, u.reviewer,
                       u.approved_at, u.route, u.origin, u.engine, u.via
                FROM units u WHERE u.tgt_base = ? AND u.source_id IN ({marks})
                ORDER BY u.tgt_lang != ?, coalesce(u.approved_at, u.added_at) DESC, u.id DESC""",
            [base_lang(code), *source_ids, code],
        )
        found: dict[int, list[tuple]] = {}
        for row in rows:
            found.setdefault(row[0], []).append(row)
        return found

    def _match(self, score: int, source: tuple, units: list[tuple], query: str,
               src_lang: str) -> Match:
        best = units[0]
        others = len({u[1] for u in units} - {best[1]})
        return Match(
            score=score, source=source[1], target=best[1], src_lang=src_lang, tgt_lang=best[2],
            document=best[3], segment=best[4], reviewer=best[5], approved_at=best[6],
            route=best[7], origin=best[8], diff=diff(source[1], query), others=others,
        )

    def exact(self, text: str, tgt_lang: str, src_lang: str = SOURCE_LANG) -> Match | None:
        """The exact match of ``text`` (same normalised source), or None."""
        norm = normalize(text)
        if not norm:
            return None
        src = base_lang(src_lang)
        rows = self._query("SELECT id, coalesce(text, norm), norm FROM sources "
                           "WHERE src_lang = ? AND hash = ?", (src, source_hash(norm)))
        rows = [r for r in rows if r[2] == norm]
        if not rows:
            return None
        units = self._units_of([rows[0][0]], tgt_lang).get(rows[0][0])
        if not units:
            return None
        return self._match(100, rows[0], units, text, src)

    def _document_frequencies(self, words: Sequence[str]) -> dict[str, int]:
        """How many sources hold each word (0 if none), cached until the memory changes."""
        with self._lock:
            version = self._data_version()
            if version != self._df_version or len(self._df) > 200_000:
                self._df.clear()
                self._df_version = version
            missing = [w for w in words if w not in self._df]
            if missing:
                marks = ",".join("?" * len(missing))
                found = dict(self._query(f"SELECT term, doc FROM src_vocab WHERE term IN ({marks})",
                                         missing))
                for word in missing:
                    self._df[word] = found.get(word, 0)
            return {w: self._df[w] for w in words}

    def translations(self, text: str, tgt_lang: str, src_lang: str = SOURCE_LANG) -> list[TMUnit]:
        """Every unit whose source is exactly ``text`` in ``tgt_lang``, preferred first."""
        norm = normalize(text)
        src = base_lang(src_lang)
        rows = self._query("SELECT id, coalesce(text, norm), norm FROM sources "
                           "WHERE src_lang = ? AND hash = ?", (src, source_hash(norm)))
        rows = [r for r in rows if r[2] == norm]
        if not rows:
            return []
        return [TMUnit(rows[0][1], u[1], src, u[2], u[3], u[4], u[5], u[6], u[7], u[9], u[8],
                       u[10]) for u in self._units_of([rows[0][0]], tgt_lang).get(rows[0][0], [])]

    def _candidates(self, norm: str, src: str, tgt_base: str, threshold: float) -> list[tuple]:
        """(id, norm) of the sources worth scoring against ``norm``.

        Either every source of the length band (when it is small, or
        cheaper than the index), or the best :data:`CANDIDATES` of the band
        by BM25 among those holding one of the query's rarest words.
        """
        t = max(1.0, min(float(threshold), 100.0))
        lo = int(len(norm) * t / (200 - t))  # lossless: fuzz.ratio <= 200*min/(la+lb)
        hi = int(len(norm) * (200 - t) / t) + 1
        exists = "EXISTS (SELECT 1 FROM units u WHERE u.source_id = s.id AND u.tgt_base = ?)"
        scan = (f"SELECT s.id, s.norm FROM sources s WHERE s.src_lang = ? "
                f"AND s.length BETWEEN ? AND ? AND {exists}", (src, lo, hi, tgt_base))
        band = self._query(
            "SELECT count(*) FROM (SELECT 1 FROM sources WHERE src_lang = ? AND length BETWEEN ? AND ? "
            "LIMIT ?)", (src, lo, hi, SCAN_MAX + 1))[0][0]
        if band <= SCAN_LIMIT:
            return self._query(*scan)
        df = self._document_frequencies(terms(norm))
        known = sorted((w for w, n in df.items() if n), key=lambda w: df[w])
        chosen: list[str] = []
        postings = 0
        for word in known[:RARE_TERMS]:
            if len(chosen) >= MIN_TERMS and postings + df[word] > POSTINGS_BUDGET:
                break
            chosen.append(word)
            postings += df[word]
        if band <= SCAN_MAX and band * SCAN_COST <= postings:
            return self._query(*scan)
        if not chosen:
            return []
        expression = " OR ".join('"' + w.replace('"', '""') + '"' for w in chosen)
        return self._query(
            f"""SELECT s.id, s.norm FROM src_fts JOIN sources s ON s.id = src_fts.rowid
                WHERE src_fts MATCH ? AND s.src_lang = ? AND s.length BETWEEN ? AND ? AND {exists}
                ORDER BY src_fts.rank LIMIT ?""",
            (expression, src, lo, hi, tgt_base, CANDIDATES))

    def lookup(self, text: str, tgt_lang: str, src_lang: str = SOURCE_LANG,
               threshold: float = DEFAULT_THRESHOLD, limit: int = 5) -> list[Match]:
        """The best matches of ``text`` in ``tgt_lang``, best first (an exact one first)."""
        from rapidfuzz import fuzz, process

        norm = normalize(text)
        if not norm or limit < 1:
            return []
        src = base_lang(src_lang)
        tgt_base = base_lang(tgt_lang)
        found: list[Match] = []
        exact = self.exact(text, tgt_lang, src_lang)
        if exact is not None:
            found.append(exact)
            if limit == 1:
                return found
        candidates = {key: other for key, other in self._candidates(norm, src, tgt_base, threshold)
                      if other != norm}
        if not candidates:
            return found
        scored = process.extract(norm, candidates, scorer=fuzz.ratio, score_cutoff=threshold,
                                 limit=limit - len(found))
        keys = [key for _, _, key in scored]
        units = self._units_of(keys, tgt_lang)
        marks = ",".join("?" * len(keys))
        texts = dict(self._query(f"SELECT id, coalesce(text, norm) FROM sources WHERE id IN ({marks})",
                                 keys)) if keys else {}
        for _, score, key in scored:
            if key in units:
                found.append(self._match(min(99, int(score)), (key, texts[key]), units[key], text, src))
        return found

    def best(self, text: str, tgt_lang: str, src_lang: str = SOURCE_LANG,
             threshold: float = DEFAULT_THRESHOLD) -> Match | None:
        """The exact match, else the best fuzzy match at or above ``threshold``, else None."""
        found = self.exact(text, tgt_lang, src_lang)
        if found is not None:
            return found
        matches = self.lookup(text, tgt_lang, src_lang, threshold, limit=1)
        return matches[0] if matches else None

    def best_many(self, texts: Iterable[str], tgt_lang: str, src_lang: str = SOURCE_LANG,
                  threshold: float = DEFAULT_THRESHOLD) -> dict[str, Match]:
        """:meth:`best` for many texts (each distinct text looked up once)."""
        out: dict[str, Match] = {}
        if not self._query("SELECT 1 FROM units WHERE tgt_base = ? LIMIT 1", (base_lang(tgt_lang),)):
            return out
        with self._lock:
            version = self._data_version()
            if version != self._best_version or len(self._best) > 50_000:
                self._best.clear()
                self._best_version = version
        for text in dict.fromkeys(texts):
            key = (normalize(text), langs.normalize(tgt_lang), base_lang(src_lang), float(threshold))
            if key not in self._best:
                self._best[key] = self.best(text, tgt_lang, src_lang, threshold)
            match = self._best[key]
            if match is not None:
                out[text] = dataclasses.replace(match, diff=diff(match.source, text))
        return out

    def concordance(self, query: str, lang: str | None = None, limit: int = 50) -> list[ConcordanceHit]:
        """Units whose source or target holds the word or phrase ``query``.

        Whole words, case- and accent-insensitive (``lavrov`` finds
        "Sergueï Lavrov"; ``sergue* lavrov`` works too: a trailing ``*``
        is a prefix); a query that no word matches is searched as a
        substring (``LIKE``) instead. ``lang``: only units in that target
        language (its base language: ``es`` also gives ``es_ES``).
        """
        query = " ".join((query or "").split())
        if not query:
            raise LocworkError("give a word or a phrase to search for")
        limit = max(1, int(limit))
        words = _TERM.findall(fold(query))
        prefix = query.endswith("*")
        params_lang: list = []
        lang_sql = ""
        if lang:
            lang_sql = " AND u.tgt_base = ?2"
            params_lang = [base_lang(lang)]
        rows: list[tuple] = []
        if words:
            phrase = '"' + " ".join(words) + '"' + ("*" if prefix else "")
            in_source = "u.source_id IN (SELECT rowid FROM src_fts WHERE src_fts MATCH ?1)"
            in_target = "u.id IN (SELECT rowid FROM tgt_fts WHERE tgt_fts MATCH ?1)"
            rows = self._query(
                f"""SELECT {_UNIT_COLUMNS}, {in_source}, {in_target}
                    FROM units u JOIN sources s ON s.id = u.source_id
                    WHERE ({in_source} OR {in_target}){lang_sql}
                    ORDER BY coalesce(u.approved_at, u.added_at) DESC, u.id DESC LIMIT {limit}""",
                [phrase, *params_lang],
            )
        if not rows:
            needle = query.rstrip("*")
            pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            in_source = "coalesce(s.text, s.norm) LIKE ?1 ESCAPE '\\'"
            in_target = "u.target LIKE ?1 ESCAPE '\\'"
            rows = self._query(
                f"""SELECT {_UNIT_COLUMNS}, {in_source}, {in_target}
                    FROM units u JOIN sources s ON s.id = u.source_id
                    WHERE ({in_source} OR {in_target}){lang_sql}
                    ORDER BY coalesce(u.approved_at, u.added_at) DESC, u.id DESC LIMIT {limit}""",
                [pattern, *params_lang],
            )
        hits = []
        for row in rows:
            where = "both" if row[12] and row[13] else "source" if row[12] else "target"
            hits.append(ConcordanceHit(row[0], row[1], row[2], row[3], row[4], row[5], row[6],
                                       row[7], where))
        return hits

    # ------------------------------------------------------------- TMX

    def export_tmx(self, lang: str | None = None) -> bytes:
        """The memory (or one target language of it) as TMX 1.4, validated."""
        return write_tmx(self.units(lang))

    def import_tmx(self, path: str | os.PathLike[str], src_lang: str | None = None) -> ImportReport:
        """Add the translation units of a TMX file (any version the parser reads)."""
        units, report = read_tmx(Path(path), src_lang)
        report.units = self.add_many(units)
        return report


# ------------------------------------------------------- from catalogs


def _unit_key(unit: TMUnit, codes: dict[str, tuple[str, str]]) -> tuple:
    """What makes a unit one row: (source language, normalised source, target language,
    document, segment), as ``sources``/``units`` store them. ``codes`` caches language codes."""
    if unit.src_lang not in codes or unit.tgt_lang not in codes:
        for code in (unit.src_lang, unit.tgt_lang):
            codes.setdefault(code, (base_lang(code), langs.normalize(code)))
    return (codes[unit.src_lang][0], normalize(unit.source), codes[unit.tgt_lang][1],
            unit.document or "", unit.segment or "")


def _fields(unit: TMUnit) -> tuple:
    """The stored columns of a unit besides its key (``added_at`` aside)."""
    return (unit.target, unit.reviewer, unit.approved_at, unit.route, unit.engine, unit.origin, unit.via)


_Read = tuple[bytes, list[tuple[tuple, "TMUnit"]], int]  # bytes, (key, unit) of approved entries, plurals


def _read_catalogs(locales_dir: Path, src_lang: str, known: dict[Path, _Read]) -> dict[Path, _Read]:
    """The approved units of every ``<locales>/<lang>/<doc>.po``.

    A catalog whose bytes are those of ``known`` (an earlier read) is not
    parsed again. The bytes are read before the catalog is parsed, so the
    parsed catalog is never older than the bytes kept to compare with.
    """
    out: dict[Path, _Read] = {}
    codes: dict[str, tuple[str, str]] = {}
    for path in sorted(locales_dir.glob("*/*.po")):
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # removed since the glob
            continue
        except OSError as error:
            raise LocworkError(f"{path}: cannot read it ({error.strerror or error})") from None
        if path in known and known[path][0] == data:
            out[path] = known[path]
            continue
        units: list[tuple[tuple, TMUnit]] = []
        skipped = 0
        for entry in catalog.load(path):
            unit = unit_from_entry(path, entry, src_lang=src_lang)
            if unit is not None:
                if normalize(unit.source) and unit.target.strip():  # what _put would store
                    unit.via = "rebuild"
                    units.append((_unit_key(unit, codes), unit))
            elif _approved(entry) and entry.msgid_plural:
                skipped += 1
        out[path] = (data, units, skipped)
    return out


def rebuild(path: str | os.PathLike[str], locales_dir: str | os.PathLike[str], *,
            keep_imports: bool = True, force: bool = False) -> tuple[RebuildReport, Path | None]:
    """``locwork tm rebuild``: the memory at ``path`` recomputed from the catalogs.

    With ``force``, a damaged or empty memory file is moved aside
    (:func:`set_aside`) and a new one is made; without it, that raises
    :class:`MemoryDamaged`. Returns the report and where the damaged file
    went (None if it was sound).
    """
    path = Path(path)
    aside = None
    for _attempt in range(2):
        try:
            with TranslationMemory(path, create=True) as memory:
                return memory.rebuild(locales_dir, keep_imports=keep_imports), aside
        except MemoryDamaged:
            if not force or aside is not None:
                raise
            aside = set_aside(path)
    raise AssertionError("unreachable")  # pragma: no cover


def _approved(entry: polib.POEntry) -> bool:
    return (not entry.obsolete and entry.msgid != ""
            and catalog.entry_state(entry) is State.APPROVED)


def unit_from_entry(catalog_path: str | os.PathLike[str], entry: polib.POEntry,
                    src_lang: str = SOURCE_LANG, lang: str | None = None,
                    document: str | None = None) -> TMUnit | None:
    """The memory unit of an approved catalog entry, or None (not approved, or plural)."""
    if not _approved(entry) or entry.msgid_plural:
        return None
    path = Path(catalog_path)
    info = catalog.provenance(entry)
    route = info.route
    return TMUnit(
        source=entry.msgid, target=entry.msgstr, src_lang=src_lang,
        tgt_lang=lang or path.parent.name, document=document or path.stem,
        segment=entry.msgctxt or "", reviewer=info.reviewer,
        approved_at=info.reviewed_at, route=route, engine=info.engine,
        origin=info.origin or ("mt" if route else None), via="approval",
    )


@contextlib.contextmanager
def _opened(tm: "TranslationMemory | sqlite3.Connection | str | os.PathLike[str] | None",
            catalog_path: Path, create: bool = True) -> Iterator[TranslationMemory]:
    if isinstance(tm, TranslationMemory):
        yield tm
        return
    if isinstance(tm, sqlite3.Connection):
        rows = tm.execute("PRAGMA database_list").fetchall()
        file = next((r[2] for r in rows if r[1] == "main"), "")
        if not file:
            raise LocworkError("record_approval needs a file-backed memory connection")
        tm = file
    path = Path(tm) if tm is not None else default_path(_project_of_catalog(catalog_path))
    memory = TranslationMemory(path, create=create)
    try:
        yield memory
    finally:
        memory.close()


def record_approval(
    tm: "TranslationMemory | sqlite3.Connection | str | os.PathLike[str] | None",
    catalog_path: str | os.PathLike[str],
    entry: polib.POEntry | str,
    *,
    src_lang: str = SOURCE_LANG,
) -> TMUnit | None:
    """Put an approved catalog entry in the memory (replacing the segment's old unit).

    ``tm``: an open :class:`TranslationMemory`, a path, an sqlite3
    connection to the memory file, or None for the project's memory
    (``$LOCWORK_TM``, else ``<project>/.locwork/tm.sqlite`` where
    ``catalog_path`` is ``<project>/locales/<lang>/<doc>.po``).
    ``entry``: the entry as saved, or its segment id (msgctxt), in which
    case it is read from the catalog on disk. The target language is the
    catalog's folder name, the document its file stem.

    Returns the unit stored, or None if the entry is not approved (then
    nothing changes: use :func:`forget_segment` to withdraw a segment).
    """
    catalog_path = Path(catalog_path)
    if isinstance(entry, str):
        segment = entry
        po = catalog.load(catalog_path)
        found = [e for e in po if not e.obsolete and e.msgctxt == segment]
        if not found:
            raise LocworkError(f"segment {segment} is not in {catalog_path}")
        entry = found[0]
    unit = unit_from_entry(catalog_path, entry, src_lang=src_lang)
    if unit is None:
        return None
    with _opened(tm, catalog_path) as memory:
        memory.add(unit)
    return unit


def forget_segment(tm: "TranslationMemory | str | os.PathLike[str] | None",
                   catalog_path: str | os.PathLike[str], segment: str,
                   source: str | None = None) -> int:
    """Withdraw a segment's catalog-made unit (e.g. after an approved text was un-approved);
    with ``source``, only that sentence's unit (see :meth:`TranslationMemory.forget`)."""
    catalog_path = Path(catalog_path)
    if tm is None and not present(default_path(_project_of_catalog(catalog_path))):
        return 0
    with _opened(tm, catalog_path) as memory:
        return memory.forget(catalog_path.stem, segment, catalog_path.parent.name, source)


def open_tm(path: str | os.PathLike[str] | None = None, *, create: bool = True,
            locales_dir: str | os.PathLike[str] | None = None) -> TranslationMemory:
    """Open the memory at ``path`` (default: :func:`default_path`)."""
    return TranslationMemory(path or default_path(locales_dir), create=create)


def concordance(query: str, lang: str | None = None, limit: int = 50,
                path: str | os.PathLike[str] | None = None) -> list[ConcordanceHit]:
    """:meth:`TranslationMemory.concordance` on the project's memory."""
    with open_tm(path, create=False) as memory:
        return memory.concordance(query, lang, limit)


# ------------------------------------------------------------------- TMX

TMX_PROPS = ("route", "engine", "origin")  # written as <prop type="x-route">...


def write_tmx(units: Sequence[TMUnit]) -> bytes:
    """Units as a TMX 1.4 document (one ``<tu>`` per unit), checked against the DTD.

    ``tuid`` is ``<document>/<segment>`` (as ``locwork export --format tmx``
    writes it), ``changeid``/``changedate`` the reviewer and approval time;
    ``x-reviewed-at`` keeps the exact approval time, ``x-route``,
    ``x-engine``, ``x-origin`` and ``x-via`` the rest.
    """
    from lxml import etree

    from locwork import __version__
    from locwork.export.common import bcp47, xml_safe
    from locwork.export.tmx import XML_LANG, check_tmx, tmx_date

    sources = {u.src_lang for u in units}
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(root, "header")
    for name, value in (
        ("creationtool", "locwork"), ("creationtoolversion", __version__), ("segtype", "sentence"),
        ("o-tmf", "locwork-tm"), ("adminlang", "en"),
        ("srclang", bcp47(sources.pop()) if len(sources) == 1 else "*all*"),
        ("datatype", "plaintext"), ("creationdate", tmx_date()),
    ):
        header.set(name, value)
    etree.SubElement(header, "prop", type="x-content").text = "locwork translation memory"
    body = etree.SubElement(root, "body")
    for unit in units:
        tu = etree.SubElement(body, "tu")
        if unit.document or unit.segment:
            tu.set("tuid", xml_safe(f"{unit.document}/{unit.segment}"))
        if unit.reviewer:
            tu.set("changeid", xml_safe(unit.reviewer))
        changed = tmx_date(unit.approved_at) if unit.approved_at else None
        if changed:
            tu.set("changedate", changed)
        props = [("x-state", "approved"), ("x-via", unit.via)]
        if unit.approved_at:
            props.append(("x-reviewed-at", unit.approved_at))
        props += [(f"x-{key}", getattr(unit, key)) for key in TMX_PROPS if getattr(unit, key)]
        for kind, value in props:
            etree.SubElement(tu, "prop", type=kind).text = xml_safe(value)
        for lang, text in ((unit.src_lang, unit.source), (unit.tgt_lang, unit.target)):
            tuv = etree.SubElement(tu, "tuv")
            tuv.set(XML_LANG, bcp47(lang))
            etree.SubElement(tuv, "seg").text = xml_safe(text)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    check_tmx(data, "translation memory export")
    return data


def _seg_text(element) -> str:
    """The text of a ``<seg>``: inline codes (``<ph>%s</ph>``) kept, ``<sub>`` flows left out."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag != "sub":
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _tmx_time(value: str | None) -> str | None:
    """``20261124T120000Z`` → ``2026-11-24T12:00:00+00:00`` (None if unreadable)."""
    if not value:
        return None
    try:
        moment = _dt.datetime.strptime(value.strip(), "%Y%m%dT%H%M%SZ")
    except ValueError:
        return None
    return moment.replace(tzinfo=_dt.timezone.utc).isoformat(timespec="seconds")


def read_tmx(path: Path, src_lang: str | None = None) -> tuple[list[TMUnit], ImportReport]:
    """The units of a TMX file (1.1 to 1.4), one per target variant of each ``<tu>``.

    The source variant is the one in the header's ``srclang`` (or
    ``src_lang`` when the header says ``*all*`` or nothing; default
    French). Units without a source or a target variant are skipped and
    counted.
    """
    from lxml import etree

    from locwork.export.tmx import XML_LANG

    path = Path(path)
    if not path.is_file():
        raise LocworkError(f"{path}: no such TMX file")
    report = ImportReport()
    units: list[TMUnit] = []
    header_src: str | None = None
    seen_header = False

    def lang_of(element) -> str | None:
        value = element.get(XML_LANG) or element.get("lang")
        if not value:
            return None
        try:
            return langs.normalize(value.strip())
        except LocworkError:
            return None

    try:
        for _, element in etree.iterparse(str(path), events=("end",), tag=("header", "tu"),
                                          resolve_entities=False, no_network=True, huge_tree=True):
            if element.tag == "header":
                seen_header = True
                value = (element.get("srclang") or "").strip()
                if value and value != "*all*":
                    try:
                        header_src = langs.normalize(value)
                    except LocworkError:
                        raise LocworkError(f"{path}: unknown source language {value!r} in the header") \
                            from None
                continue
            src = src_lang or header_src or SOURCE_LANG
            variants = []
            for tuv in element.findall("tuv"):
                seg = tuv.find("seg")
                code = lang_of(tuv)
                if seg is None or code is None:
                    continue
                variants.append((code, _seg_text(seg)))
            source = next((text for code, text in variants if base_lang(code) == base_lang(src)), None)
            targets = [(code, text) for code, text in variants if base_lang(code) != base_lang(src)]
            line = element.sourceline
            if source is None or not normalize(source) or not any(t.strip() for _, t in targets):
                report.skipped += 1
                if len(report.problems) < 100:
                    report.problems.append(f"line {line}: " + (
                        f"no {src} variant" if source is None or not normalize(source)
                        else "no translation"))
            else:
                props = {p.get("type"): (p.text or "") for p in element.findall("prop")}
                tuid = element.get("tuid") or ""
                document, _, segment = tuid.rpartition("/") if "/" in tuid else ("", "", tuid)
                for code, text in targets:
                    if not text.strip():
                        continue
                    seg_id = segment or "tmx:" + hashlib.blake2b(
                        text.encode("utf-8"), digest_size=6).hexdigest()
                    units.append(TMUnit(
                        source=source, target=text, src_lang=base_lang(src), tgt_lang=code,
                        document=document, segment=seg_id,
                        reviewer=element.get("changeid") or element.get("creationid") or None,
                        approved_at=props.get("x-reviewed-at") or _tmx_time(
                            element.get("changedate") or element.get("creationdate")),
                        route=props.get("x-route") or None, engine=props.get("x-engine") or None,
                        origin=props.get("x-origin") or None, via="import",
                    ))
            element.clear(keep_tail=False)
    except etree.XMLSyntaxError as error:
        raise LocworkError(f"{path}: not well-formed XML ({error})") from None
    if not seen_header and not units and not report.skipped:
        raise LocworkError(f"{path}: not a TMX file (no <header>, no <tu>)")
    return units, report


# ------------------------------------------------ use in translate runs


@dataclass(frozen=True)
class Settings:
    """Whether ``translate``/``pretranslate`` use the memory, and how."""

    use: bool = True
    threshold: float = DEFAULT_THRESHOLD
    path: Path | None = None
    memory: "TranslationMemory | None" = None  # opened once for a whole run (see settings)


_SETTINGS: contextvars.ContextVar[Settings] = contextvars.ContextVar("locwork_tm", default=Settings())  # noqa: B039 (frozen)


@contextlib.contextmanager
def settings(use: bool = True, threshold: float = DEFAULT_THRESHOLD,
             path: str | os.PathLike[str] | None = None,
             locales_dir: str | os.PathLike[str] | None = None) -> Iterator[Settings]:
    """Set, for the block, what ``tm=None`` means in translate/pretranslate calls.

    With ``use``, the memory (``path``, else :func:`default_path` of
    ``locales_dir``) is opened once, if it exists, and shared by every call
    in the block: a batch over many documents and languages reuses one
    connection and its caches.
    """
    if not 0 < threshold <= 100:
        raise LocworkError(f"the memory threshold is a percentage (1-100), not {threshold}")
    chosen = Path(path) if path else None
    memory = None
    if use:
        file = chosen or default_path(locales_dir)
        if present(file):
            memory = TranslationMemory(file, create=False)
    token = _SETTINGS.set(Settings(use, float(threshold), chosen, memory))
    try:
        yield _SETTINGS.get()
    finally:
        _SETTINGS.reset(token)
        if memory is not None:
            memory.close()


def current_settings() -> Settings:
    return _SETTINGS.get()


@contextlib.contextmanager
def resolve(tm: "TranslationMemory | bool | None",
            locales_dir: str | os.PathLike[str] | None = None) -> Iterator[TranslationMemory | None]:
    """The memory a translate run should use.

    ``tm``: an open memory (used as is), False (none), True or None (the
    project's memory if it exists and :func:`settings` allow it; it is
    never created by a translate run).
    """
    if isinstance(tm, TranslationMemory):
        yield tm
        return
    chosen = _SETTINGS.get()
    if tm is False or (tm is None and not chosen.use):
        yield None
        return
    if chosen.memory is not None:
        yield chosen.memory
        return
    path = chosen.path or default_path(locales_dir)
    if not present(path):
        yield None
        return
    memory = TranslationMemory(path, create=False)
    try:
        yield memory
    finally:
        memory.close()


def draft_from_match(entry: polib.POEntry, match: Match) -> None:
    """Make an untranslated entry a draft taken from memory.

    The state is ``machine`` (fuzzy, to be reviewed: an exact match too,
    as Pontoon treats pretranslations), with ``locwork-origin: tm 100%``
    (or ``tm 83%``), ``locwork-tm-ref`` (document/segment of the memory
    unit) and, for a fuzzy match, ``locwork-tm-source`` (the memory's
    source, to diff against the entry's). Machine-translation provenance
    left from an older draft is removed.
    """
    catalog.record_tm_draft(entry, match.target, origin=match.label, ref=match.ref or None,
                            source=None if match.exact else match.source)
