"""The SQLite store: one file per project, the embedded default.

Where it lives
    ``<project>/.locwork/tm.sqlite`` (the project is the folder holding
    ``locales/``: the current directory for the CLI, ``$LOCWORK_ROOT`` for
    the app), or the file named by ``$LOCWORK_TM``. WAL mode, so the app
    and the CLI can read while one of them writes; a busy writer is waited
    for (30 s), not an error.

What it holds
    ``sources``: each distinct source sentence once per source language
    (its text, the normalised text, a 64-bit hash of the normalised text and
    its length). ``units``: one approved translation of a source into a
    target language, with the document and segment it comes from, the
    reviewer and approval time, the route/engine that made the first draft,
    the draft's origin (``mt``, ``tm 100%``...) and ``via``: how it got in
    (``approval``, ``rebuild`` from the catalogs, ``import`` from TMX).

Safety
    A damaged file (SQLite's ``SQLITE_CORRUPT``/``SQLITE_NOTADB``, or a
    failed integrity check before a rebuild) and a 0-byte file (a crash or
    copy artefact: a new memory is made whole, then linked in) raise
    :class:`MemoryDamaged`, one line that names ``locwork tm rebuild
    --force``, which moves the file aside as ``tm.sqlite.damaged-<time>``
    and makes it again from the catalogs. A ``.locwork`` that is a file is
    an error, never "no memory yet".

Fuzzy candidates
    From an SQLite FTS5 word index of the sources (``unicode61``, accents
    folded): the query's rarest words (by document frequency, kept in
    ``src_terms`` by every write, as PostgreSQL's ``tm_terms``) are looked
    up, each word's first ``POOL`` sources (a rare
    word's all of them) taken as bare rowids and ranked by the summed idf
    of the chosen words they hold, as the PostgreSQL store ranks them; the
    best :data:`PG_CANDIDATES` of the length band that have a translation
    in the target language go to the matcher (the translations are checked
    for those best ones only, read again with the check when one lacks
    it). The rarest words are taken
    while their postings stay under a budget (at least three of them).
    When scoring the whole length band is cheaper than reading those
    postings (a short band), every source of the band is a candidate.
    Why words rather than FTS5's ``trigram`` tokenizer: a fuzzy query
    would have to OR all of its trigrams, and the common ones
    (``" de"``, ``"es "``) hit most of the memory (about one second per
    lookup at 100,000 segments). The word index serves concordance search
    too (phrases, accent-insensitive), with a ``LIKE`` scan as the fallback
    for fragments of words.
"""

from __future__ import annotations

import collections
import contextlib
import math
import os
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from locwork import langs
from locwork import constants
from locwork.errors import LocworkError
from locwork.tm.matcher import (
    PG_CANDIDATES,
    POOL,
    RANKED_READ,
    Matcher,
    band_cap,
    UnitRow,
    length_band,
    rare_terms,
    scan_band,
)
from locwork.tm.model import (
    ENV,
    REBUILD_COMMAND,
    SOURCE_LANG,
    VIA,
    ConcordanceHit,
    MemoryDamaged,
    NoMemoryYet,
    RebuildReport,
    TMUnit,
    base_lang,
    fold,
    normalize,
    now,
    source_hash,
    terms,
    TERM,
)
from locwork.tm.store import WantedNow

DATA_DIR = constants.DATA_DIR
FILE_NAME = "tm.sqlite"
SCHEMA_VERSION = 2  # 2: src_terms, the document frequencies of the sources' words

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
CREATE TABLE IF NOT EXISTS src_terms (term TEXT PRIMARY KEY, doc INTEGER NOT NULL) WITHOUT ROWID;
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


_DAMAGE = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB
_BUSY = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


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
    return MemoryDamaged(
        f"the translation memory {_shown(path)} is damaged ({why}); rebuild it from "
        f"the catalogs with `{REBUILD_COMMAND}`{where}"
    )


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
                raise LocworkError(
                    f"{_shown(folder)} is a file, not a folder: the translation memory "
                    f"{_shown(path)} cannot be kept there; rename or remove that file"
                )
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
        raise LocworkError(
            f"cannot create the translation memory {_shown(path)}: {getattr(error, 'strerror', None) or error}"
        ) from None
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
        raise LocworkError(f"cannot move the damaged memory {_shown(path)} aside: {error.strerror or error}") from None
    return aside


RANKED_CHUNK = 500  # sources read per query while ranking candidates (at most RANKED_READ in all)
MMAP_SIZE = 1 << 31  # the whole file mapped (SQLite caps it): at 1M units, row reads through read()
# calls into the page cache cost a quarter more


def _count_terms(conn: sqlite3.Connection, norms: Iterable[str], sign: int) -> None:
    """Add (``sign`` +1) or remove (-1) sources' words to ``src_terms`` (as the PostgreSQL store
    keeps ``tm_terms``): fts5vocab counts a word by reading its whole posting list, 10-30 ms for a
    common word at 1M units, paid by the first lookups of every process."""
    counts = collections.Counter(t for norm in norms for t in terms(norm))
    if counts:
        conn.executemany(
            "INSERT INTO src_terms (term, doc) VALUES (?, ?) ON CONFLICT (term) DO UPDATE SET doc = doc + excluded.doc",
            [(t, sign * n) for t, n in counts.items()],
        )
        if sign < 0:
            conn.execute("DELETE FROM src_terms WHERE doc <= 0")


class SQLiteMemory(Matcher):
    """An open SQLite memory (one connection, safe to share between threads)."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True, timeout: float = 30.0):
        self.path = Path(path)
        exists = present(self.path)
        if not create and not exists:
            raise NoMemoryYet(
                f"{self.path}: no translation memory yet (approve segments, or run "
                "`locwork tm rebuild` or `locwork tm import`)"
            )
        if not exists:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise LocworkError(f"cannot create {self.path.parent}: {error.strerror or error}") from None
            _create(self.path)
        _check_not_empty(self.path)
        self._lock = threading.RLock()
        self._init_matcher()  # best_many's answers, cached for a PRAGMA data_version too
        try:
            self.conn = sqlite3.connect(str(self.path), timeout=timeout, check_same_thread=False, isolation_level=None)
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise LocworkError(f"{self.path}: made by a newer locwork (schema {version}); upgrade")
            if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute(f"PRAGMA mmap_size = {MMAP_SIZE}")
            self.conn.execute("PRAGMA cache_size = -32768")
            if version < SCHEMA_VERSION:
                self._upgrade()
        except sqlite3.Error as error:
            with contextlib.suppress(Exception):
                self.conn.close()
            raise _sqlite_error(self.path, error, "open") from None

    def _upgrade(self) -> None:
        """Bring a memory made by an older locwork to :data:`SCHEMA_VERSION`, in place, in one
        transaction (another process opening it meanwhile waits, then finds it done)."""
        with self._write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= SCHEMA_VERSION:
                return
            statement = ""
            for line in _SCHEMA.splitlines(keepends=True):  # executescript would commit first
                statement += line
                if sqlite3.complete_statement(statement):
                    conn.execute(statement)
                    statement = ""
            if version < 2:  # the words of the sources already there (1M: about a minute)
                conn.execute("DELETE FROM src_terms")
                _count_terms(conn, (n for (n,) in conn.execute("SELECT norm FROM sources")), 1)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -------------------------------------------------------- plumbing

    def close(self) -> None:
        with self._lock:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()

    @property
    def location(self) -> str:
        return str(self.path)

    def __enter__(self) -> "SQLiteMemory":
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

    def _put(self, conn: sqlite3.Connection, unit: TMUnit) -> bool:
        """Store (or replace) one unit inside the caller's transaction; False if it has no source or no target."""
        return self._put_many(conn, [unit]) > 0

    def add(self, unit: TMUnit) -> bool:
        """Store (or replace) one unit; False if it has no source or no target."""
        with self._write() as conn:
            return self._put(conn, unit)

    def add_many(self, units: Iterable[TMUnit]) -> int:
        """Store many units in one transaction, with two ``executemany`` (bulk: about ten times
        faster than one unit at a time); how many went in."""
        with self._write() as conn:
            return self._put_many(conn, units)

    @staticmethod
    def _put_many(conn: sqlite3.Connection, units: Iterable[TMUnit]) -> int:
        """Store units inside the caller's transaction; units with no source or no target are skipped."""
        sources, rows = [], []
        stamp = now()
        for unit in units:
            norm = normalize(unit.source)
            if not norm or not unit.target.strip():
                continue
            if unit.via not in VIA:
                raise ValueError(f"unknown via {unit.via!r}")
            src, tgt, key = base_lang(unit.src_lang), langs.normalize(unit.tgt_lang), source_hash(norm)
            sources.append((src, key, None if unit.source == norm else unit.source, norm, len(norm)))
            rows.append(
                (
                    src,
                    key,
                    tgt,
                    base_lang(tgt),
                    unit.target,
                    unit.document or "",
                    unit.segment or "",
                    unit.reviewer,
                    unit.approved_at,
                    unit.route,
                    unit.engine,
                    unit.origin,
                    unit.via,
                    stamp,
                )
            )
        new = {(r[0], r[1]): r[3] for r in sources}  # the sources not in the memory yet: their words counted
        keys = list(new)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            for found in conn.execute(
                f"SELECT src_lang, hash FROM sources WHERE hash IN ({','.join('?' * len(chunk))})",
                [k[1] for k in chunk],
            ):
                new.pop(found, None)
        conn.executemany(
            "INSERT INTO sources (src_lang, hash, text, norm, length) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (src_lang, hash) DO NOTHING",
            sources,
        )
        _count_terms(conn, new.values(), 1)
        conn.executemany(
            """INSERT INTO units (source_id, tgt_lang, tgt_base, target, document, segment, reviewer,
                                  approved_at, route, engine, origin, via, added_at)
               VALUES ((SELECT id FROM sources WHERE src_lang = ? AND hash = ?),
                       ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (source_id, tgt_lang, document, segment) DO UPDATE SET
                   target = excluded.target, reviewer = excluded.reviewer,
                   approved_at = excluded.approved_at, route = excluded.route,
                   engine = excluded.engine, origin = excluded.origin, via = excluded.via,
                   added_at = excluded.added_at""",
            rows,
        )
        return len(rows)

    def _prune(self, conn: sqlite3.Connection) -> None:
        gone = conn.execute("DELETE FROM sources WHERE id NOT IN (SELECT source_id FROM units) RETURNING norm")
        _count_terms(conn, [norm for (norm,) in gone.fetchall()], -1)

    def forget(self, document: str, segment: str, tgt_lang: str | None = None, source: str | None = None) -> int:
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

    def sync(self, wanted_now: WantedNow, keep_imports: bool = True) -> RebuildReport:
        """Bring the catalog-made units in line with ``wanted_now()`` in one transaction.

        ``BEGIN IMMEDIATE``: from there on another writer (an approval) waits
        for it. Only what differs is written, so that wait lasts as long as the
        changes take, not as long as rewriting the whole memory.
        """
        with self._write() as conn:
            wanted, report = wanted_now()
            wanted = dict(wanted)
            where = "" if not keep_imports else " WHERE u.via != 'import'"
            stale = []
            for row in conn.execute(
                "SELECT u.id, s.src_lang, s.norm, u.tgt_lang, u.document, u.segment, u.target, "
                "u.reviewer, u.approved_at, u.route, u.engine, u.origin, u.via "
                f"FROM units u JOIN sources s ON s.id = u.source_id{where}"
            ):
                key = row[1:6]
                unit = wanted.get(key)
                if unit is None:
                    stale.append(row[0])
                elif unit_fields(unit) == row[6:]:
                    del wanted[key]
            conn.executemany("DELETE FROM units WHERE id = ?", [(i,) for i in stale])
            report.removed = len(stale)
            for unit in wanted.values():
                self._put(conn, unit)
            self._prune(conn)
        return report

    def rebuild(
        self, locales_dir: str | os.PathLike[str], src_lang: str = SOURCE_LANG, keep_imports: bool = True
    ) -> RebuildReport:
        """:func:`locwork.tm.catalogs.rebuild_memory` on this memory."""
        from locwork.tm import catalogs

        return catalogs.rebuild_memory(self, locales_dir, src_lang, keep_imports)

    def check(self) -> None:
        """Raise :class:`MemoryDamaged` unless SQLite's ``quick_check`` finds the file sound."""
        rows = self._query("PRAGMA quick_check(5)")
        problems = [" ".join(r[0].replace("*** in database main ***", "").split()) for r in rows if r[0] != "ok"]
        if problems:
            text = "; ".join(p for p in problems if p)
            raise _damaged(self.path, "integrity check: " + (text if len(text) <= 120 else text[:119] + "…"))

    # ---------------------------------------------------------- reading

    def stats(self) -> dict:
        rows = self._query(
            "SELECT s.src_lang, u.tgt_lang, u.via, count(*) FROM units u JOIN sources s "
            "ON s.id = u.source_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        )
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

    # ------------------------------------------ what the matcher asks for

    def _version(self) -> object:
        return self._data_version()

    def _has_lang(self, tgt_base: str) -> bool:
        return bool(self._query("SELECT 1 FROM units WHERE tgt_base = ? LIMIT 1", (tgt_base,)))

    def _exact_sources(self, norms: Sequence[str], src: str) -> dict[str, tuple[int, str]]:
        if not norms:
            return {}
        hashes = {source_hash(n): n for n in norms}
        marks = ",".join("?" * len(hashes))
        rows = self._query(
            f"SELECT id, coalesce(text, norm), norm FROM sources WHERE src_lang = ? AND hash IN ({marks})",
            [src, *hashes],
        )
        return {row[2]: (row[0], row[1]) for row in rows if hashes.get(source_hash(row[2])) == row[2]}

    def _units_of(self, source_ids: Sequence[int], tgt_lang: str) -> dict[int, list[UnitRow]]:
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
        found: dict[int, list[UnitRow]] = {}
        for row in rows:
            found.setdefault(row[0], []).append(row)
        return found

    def _source_texts(self, ids: Sequence[int]) -> dict[int, str]:
        marks = ",".join("?" * len(ids))
        return dict(self._query(f"SELECT id, coalesce(text, norm) FROM sources WHERE id IN ({marks})", list(ids)))

    def _document_frequencies(self, words: Sequence[str]) -> dict[str, int]:
        """How many sources hold each word (0 if none), from ``src_terms``."""
        words = list(dict.fromkeys(words))
        df = dict.fromkeys(words, 0)
        for start in range(0, len(words), 500):
            chunk = words[start : start + 500]
            df.update(
                self._query(f"SELECT term, doc FROM src_terms WHERE term IN ({','.join('?' * len(chunk))})", chunk)
            )
        return df

    def _candidates(self, norm: str, src: str, tgt_base: str, threshold: float) -> list[tuple[Any, ...]]:
        """Every source of the length band (when it is small, or cheaper than the index), or the
        best :data:`PG_CANDIDATES` of the band among those holding one of the query's rarest
        words (:meth:`_ranked_candidates`)."""
        lo, hi = length_band(len(norm), threshold)
        df = self._document_frequencies(terms(norm))
        chosen, postings = rare_terms(df)
        band = self._query(  # counted only as far as the choice needs (20,000 rows took 2-10 ms at 1M)
            "SELECT count(*) FROM (SELECT 1 FROM sources WHERE src_lang = ? AND length BETWEEN ? AND ? LIMIT ?)",
            (src, lo, hi, band_cap(postings)),
        )[0][0]
        if scan_band(band, postings):
            return self._query(
                "SELECT s.id, s.norm FROM sources s WHERE s.src_lang = ? AND s.length BETWEEN ? AND ? AND "
                "EXISTS (SELECT 1 FROM units u WHERE u.source_id = s.id AND u.tgt_base = ?)",
                (src, lo, hi, tgt_base),
            )
        if not chosen:
            return []
        return self._ranked_candidates(norm, src, tgt_base, (lo, hi), {w: df[w] for w in chosen})

    def _ranked_candidates(
        self, norm: str, src: str, tgt_base: str, band: tuple[int, int], df: dict[str, int]
    ) -> list[tuple[int, str, str]]:
        """The sources holding the chosen words, ranked as the PostgreSQL store ranks them.

        Each word's first :data:`POOL` sources (a rare word's all) come from the word index
        alone, as bare rowids, and are ranked here by the summed idf of the chosen words they
        hold; then the sources are read in that order, :data:`RANKED_CHUNK` at a time, until
        the best :data:`PG_CANDIDATES` of the length band (ties: the closest length, then the
        lowest id) are known, or :data:`RANKED_READ` were read. Joining every posting to its source row before ranking (BM25,
        or the band first) read up to ten times more rows: 60-95 ms at 1M units.
        """
        total = max(1, self._query("SELECT max(id) FROM sources")[0][0] or 0, *df.values())
        weight: dict[int, float] = {}
        for word, count in df.items():
            idf = math.log(1 + total / count)
            for (rowid,) in self._query(
                "SELECT rowid FROM src_fts WHERE src_fts MATCH ? LIMIT ?", ('"' + word.replace('"', '""') + '"', POOL)
            ):
                weight[rowid] = weight.get(rowid, 0.0) + idf
        ranked = sorted(weight)  # by id, then (a stable sort) by weight, highest first: no Python key tuples
        ranked.sort(key=weight.__getitem__, reverse=True)
        found = self._read_ranked(ranked, weight, len(norm), src, band, None)
        ids = [i for _, _, i, _, _ in found[:PG_CANDIDATES]]
        if ids and len(
            self._query(  # the translations are checked for the best only (nearly always all)
                f"SELECT DISTINCT source_id FROM units WHERE tgt_base = ? AND source_id IN ({','.join('?' * len(ids))})",
                [tgt_base, *ids],
            )
        ) < len(ids):  # some have none in this language: read again, those that have one only
            found = self._read_ranked(ranked, weight, len(norm), src, band, tgt_base)
        return [(i, n, t) for _, _, i, n, t in found[:PG_CANDIDATES]]

    def _read_ranked(
        self,
        ranked: list[int],
        weight: dict[int, float],
        length: int,
        src: str,
        band: tuple[int, int],
        tgt_base: str | None,
    ) -> list[tuple[float, int, int, str, str]]:
        """(-idf, |length - query's|, id, norm, text) of the band's sources among the best
        :data:`RANKED_READ` ranked, best first, read until nothing left can enter the best
        :data:`PG_CANDIDATES` (with ``tgt_base``: only those translated into it)."""
        units = (
            ""
            if tgt_base is None
            else " AND EXISTS (SELECT 1 FROM units u WHERE u.source_id = s.id AND u.tgt_base = ?)"
        )
        found: list[tuple[float, int, int, str, str]] = []
        for start in range(0, min(len(ranked), RANKED_READ), RANKED_CHUNK):
            if len(found) >= PG_CANDIDATES and weight[ranked[start]] < -found[PG_CANDIDATES - 1][0]:
                break  # nothing left can enter the best PG_CANDIDATES
            chunk = ranked[start : start + RANKED_CHUNK]
            rows = self._query(  # by rowid (the unary + keeps the planner off the length index)
                f"""SELECT s.id, s.norm, coalesce(s.text, s.norm), s.length FROM sources s
                    WHERE s.id IN ({",".join("?" * len(chunk))}) AND +s.src_lang = ? AND +s.length BETWEEN ? AND ?{units}""",
                [*chunk, src, *band, *([] if tgt_base is None else [tgt_base])],
            )
            found.extend((-weight[i], abs(n - length), i, norm, text) for i, norm, text, n in rows)
            found.sort()
        return found

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
        words = TERM.findall(fold(query))
        prefix = query.endswith("*")
        params_lang: list = []
        lang_sql = ""
        if lang:
            lang_sql = " AND u.tgt_base = ?2"
            params_lang = [base_lang(lang)]

        def hits_where(in_source: str, in_target: str, needle: str) -> list[tuple]:
            """The newest units whose source or target matches ``?1``, each with where it matched."""
            return self._query(
                f"""SELECT {_UNIT_COLUMNS}, {in_source}, {in_target}
                    FROM units u JOIN sources s ON s.id = u.source_id
                    WHERE ({in_source} OR {in_target}){lang_sql}
                    ORDER BY coalesce(u.approved_at, u.added_at) DESC, u.id DESC LIMIT {limit}""",
                [needle, *params_lang],
            )

        rows: list[tuple] = []
        if words:
            phrase = '"' + " ".join(words) + '"' + ("*" if prefix else "")
            rows = hits_where(
                "u.source_id IN (SELECT rowid FROM src_fts WHERE src_fts MATCH ?1)",
                "u.id IN (SELECT rowid FROM tgt_fts WHERE tgt_fts MATCH ?1)",
                phrase,
            )
        if not rows:
            needle = query.rstrip("*")
            pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            rows = hits_where("coalesce(s.text, s.norm) LIKE ?1 ESCAPE '\\'", "u.target LIKE ?1 ESCAPE '\\'", pattern)
        hits = []
        for row in rows:
            where = "both" if row[12] and row[13] else "source" if row[12] else "target"
            hits.append(ConcordanceHit(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], where))
        return hits


TranslationMemory = SQLiteMemory  # the name callers have always used


def unit_fields(unit: TMUnit) -> tuple:
    """The stored columns of a unit besides its key (``added_at`` aside)."""
    return (unit.target, unit.reviewer, unit.approved_at, unit.route, unit.engine, unit.origin, unit.via)
