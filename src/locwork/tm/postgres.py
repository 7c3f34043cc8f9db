"""The PostgreSQL store: one memory shared by a team, on a server.

Selected by a ``postgresql://`` location (``$LOCWORK_TM`` or ``--tm``).
Its tables (``tm_sources``, ``tm_units``, ``tm_meta``) are made on first
use, in one transaction under an advisory lock, so two processes starting
together do not race.

Fuzzy candidates, as in the SQLite store: every source of a small length
band, else those holding one of the query's rarest words (``tm_postings``,
a narrow B-tree of (word, source, length); document frequencies kept in
``tm_terms`` by every write), ranked by the summed rarity of the chosen
words whose pools they are in, all in one query (:data:`_CANDIDATES_SQL`),
reading at most ``POOL`` postings per word and the wide source rows of the
best ``PG_CANDIDATES`` only. The final score is
rapidfuzz's, computed by the shared :class:`~locwork.tm.matcher.Matcher`,
so both stores return the same matches. Why not ``pg_trgm``: its ``%``
operator must visit the postings of every trigram of the query, and the
common ones (``" de"``) hold most of the memory; measured, a fuzzy lookup
took 0.7 s (p50) at 10,000 units, against 15 ms with rare words.
Concordance search finds the units holding every word of the phrase
through a GIN index on the ``terms`` (``text[]``) of the sources, then
checks the phrase with a regular expression on an accent-folded copy of
the text.

Concurrency: every write is one transaction that first bumps the
``generation`` row of ``tm_meta``; that row lock queues writers (an
approval waits for a rebuild, as SQLite's ``BEGIN IMMEDIATE`` does), so no
approval is lost, and readers (READ COMMITTED) see each write whole or not
at all. The generation also tells readers' caches that the memory changed.
"""

from __future__ import annotations

import collections
import contextlib
import threading
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from locwork import langs
from locwork.errors import LocworkError
from locwork.tm.locate import shown
from locwork.tm.matcher import (
    MIN_TERMS,
    PG_CANDIDATES,
    POOL,
    POSTINGS_BUDGET,
    RANKED_READ,
    RARE_TERMS,
    SCAN_COST,
    SCAN_LIMIT,
    SCAN_MAX,
    Matcher,
    UnitRow,
    length_band,
)
from locwork.tm.model import (
    VIA,
    ConcordanceHit,
    NoMemoryYet,
    RebuildReport,
    TMUnit,
    TERM,
    base_lang,
    fold,
    normalize,
    now,
    source_hash,
    terms,
)
from locwork.tm.store import WantedNow

if TYPE_CHECKING:
    import psycopg

SCHEMA_VERSION = 2  # 2: tm_postings, the narrow word index that fuzzy candidates read
BATCH = 2000  # units written per statement
_LOCK_ID = 0x6C6F63776F726B  # "locwork": the advisory lock that makes the schema once

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tm_meta (key text PRIMARY KEY, value bigint NOT NULL);
INSERT INTO tm_meta VALUES ('schema', {version}), ('generation', 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS tm_sources (
    id bigserial PRIMARY KEY,
    src_lang text NOT NULL,
    hash bigint NOT NULL,
    text text,  -- NULL when it is the same as norm
    norm text NOT NULL,
    folded text NOT NULL,  -- norm lower-cased without accents (concordance)
    terms text[] NOT NULL,  -- its distinct folded words (fuzzy candidates, concordance)
    length integer NOT NULL,
    UNIQUE (src_lang, hash)
);
CREATE INDEX IF NOT EXISTS tm_sources_length ON tm_sources (src_lang, length);
CREATE INDEX IF NOT EXISTS tm_sources_terms ON tm_sources USING gin (terms);
{postings}
CREATE TABLE IF NOT EXISTS tm_terms (term text PRIMARY KEY, df integer NOT NULL);
CREATE TABLE IF NOT EXISTS tm_units (
    id bigserial PRIMARY KEY,
    source_id bigint NOT NULL REFERENCES tm_sources (id),
    tgt_lang text NOT NULL,
    tgt_base text NOT NULL,
    target text NOT NULL,
    target_folded text NOT NULL,
    target_terms text[] NOT NULL,
    document text NOT NULL DEFAULT '',
    segment text NOT NULL DEFAULT '',
    reviewer text,
    approved_at text,
    route text,
    engine text,
    origin text,
    via text NOT NULL,
    added_at text NOT NULL,
    UNIQUE (source_id, tgt_lang, document, segment)
);
CREATE INDEX IF NOT EXISTS tm_units_lang ON tm_units (tgt_base, source_id);
CREATE INDEX IF NOT EXISTS tm_units_doc ON tm_units (document, segment);
CREATE INDEX IF NOT EXISTS tm_units_terms ON tm_units USING gin (target_terms);
"""

# The word index that fuzzy candidates read: one narrow row per (word, source), in a B-tree that
# hands out a word's first sources in id order and stops there (the GIN index on tm_sources.terms
# lists every row holding a word before the first one is read, and the pool was then read from the
# wide source rows: 83-138 ms p50 at 1M units). Schema 2; a schema-1 memory is upgraded on opening.
_POSTINGS = """
CREATE TABLE IF NOT EXISTS tm_postings (
    term text NOT NULL,
    source_id bigint NOT NULL,
    length integer NOT NULL,
    src_lang text NOT NULL,
    PRIMARY KEY (term, source_id) INCLUDE (length, src_lang)
)"""
_UPGRADE_2 = (
    _POSTINGS,
    "INSERT INTO tm_postings (term, source_id, length, src_lang) SELECT t.term, s.id, s.length, s.src_lang "
    "FROM tm_sources s CROSS JOIN LATERAL unnest(s.terms) AS t(term) ON CONFLICT DO NOTHING",
    "ANALYZE tm_postings",
)

# Fuzzy candidates in one round trip. ``words``: the query's rarest words, as
# matcher.rare_terms picks them (rarest first while their postings stay under
# the budget, at least MIN_TERMS); ``scan``: whether to score the whole length
# band instead, as matcher.scan_band decides. The planner runs the branch not
# taken as a one-time filter that is false, so it costs nothing. Each word's
# first POOL rows are read (a rare word's all of them), and those of the length
# band ranked by the summed idf of the chosen words they hold.
_CANDIDATES_SQL = """
WITH q AS (
    SELECT term, df, row_number() OVER w AS rn, sum(df) OVER w AS cum
    FROM tm_terms WHERE term = ANY(%(terms)s::text[]) AND df > 0
    WINDOW w AS (ORDER BY df, term)
), chosen AS (
    SELECT term, df FROM q WHERE rn <= %(rare)s AND (rn <= %(min)s OR cum <= %(budget)s)
), postings AS (  -- as the index reads them: at most POOL rows per word
    SELECT coalesce(sum(least(df, %(pool)s)), 0) AS n FROM chosen
), band AS (  -- counted only as far as the choice needs
    SELECT count(*) AS n FROM (SELECT 1 FROM tm_sources WHERE src_lang = %(src)s AND length BETWEEN %(lo)s AND %(hi)s
        LIMIT (SELECT greatest(%(scan_limit)s, least(%(cap)s - 1, floor(n / %(scan_cost)s))) + 1 FROM postings)) AS b
), choice AS (
    SELECT band.n <= %(scan_limit)s OR (band.n <= %(cap)s - 1 AND band.n * %(scan_cost)s
           <= (SELECT n FROM postings)) AS scan,
           greatest(1, (SELECT reltuples FROM pg_class WHERE oid = 'tm_sources'::regclass),
                    (SELECT max(df) FROM q)) AS total
    FROM band
), idf AS (  -- each chosen word's weight, computed once (not once per posting)
    SELECT term, ln(1 + (SELECT total FROM choice) / df) AS idf FROM chosen
)
SELECT s.id, s.norm, coalesce(s.text, s.norm) FROM tm_sources s
WHERE (SELECT scan FROM choice) AND s.src_lang = %(src)s AND s.length BETWEEN %(lo)s AND %(hi)s
  AND EXISTS (SELECT 1 FROM tm_units u WHERE u.source_id = s.id AND u.tgt_base = %(tgt)s)
UNION ALL
(SELECT s.id, s.norm, coalesce(s.text, s.norm) FROM (
    SELECT r.id, r.weight, r.length FROM (  -- ranked as the SQLite store ranks them: the best
        SELECT ranked.* FROM (  -- RANKED_READ by summed idf, then of those the band's, closest length first
            SELECT x.id, round(1e9 * sum(c.idf)) AS weight, min(x.length) AS length,
                   min(x.src_lang) AS src_lang
            FROM idf c CROSS JOIN LATERAL (  -- each word's first POOL sources, from the narrow index alone
                SELECT p.source_id AS id, p.length, p.src_lang FROM tm_postings p WHERE p.term = c.term
                ORDER BY p.source_id LIMIT %(pool)s) AS x
            WHERE NOT (SELECT scan FROM choice)
            GROUP BY x.id ORDER BY weight DESC, x.id LIMIT %(ranked_read)s) AS ranked
        WHERE ranked.src_lang = %(src)s AND ranked.length BETWEEN %(lo)s AND %(hi)s
        ORDER BY ranked.weight DESC, abs(ranked.length - %(len)s), ranked.id OFFSET 0) AS r
    WHERE EXISTS (SELECT 1 FROM tm_units u WHERE u.source_id = r.id AND u.tgt_base = %(tgt)s)
    LIMIT %(n)s) AS top  -- only the best n rows are read from the wide source table
 JOIN tm_sources s ON s.id = top.id
 ORDER BY top.weight DESC, abs(top.length - %(len)s), top.id)
"""

# The two temporary tables a write copies its batches into (this session's only; emptied at commit).
_STAGE = """
CREATE TEMP TABLE IF NOT EXISTS tm_stage_sources (
    ord integer, lang text, hash bigint, text text, norm text, folded text, words text, length integer
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS tm_stage_units (
    ord integer, src_lang text, hash bigint, lang text, base text, target text, folded text, words text,
    document text, segment text, reviewer text, approved_at text, route text, engine text, origin text,
    via text, added_at text
) ON COMMIT DELETE ROWS
"""

_UNIT_COLUMNS = (
    "coalesce(s.text, s.norm), u.target, s.src_lang, u.tgt_lang, u.document, u.segment, u.reviewer, "
    "u.approved_at, u.route, u.engine, u.origin, u.via"
)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _connect(url: str, timeout: float) -> "psycopg.Connection[Any]":
    try:
        import psycopg
    except ImportError:
        raise LocworkError("a postgresql:// memory needs psycopg: pip install 'locwork[postgres]'") from None
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=max(1, int(timeout)))
    except psycopg.Error as error:
        raise LocworkError(f"cannot reach the translation memory {shown(url)}: {_one_line(error)}") from None


def has_memory(url: str, timeout: float = 30.0) -> bool:
    """Whether the database at ``url`` holds a memory (its tables)."""
    with _connect(url, timeout) as conn:
        return bool(conn.execute("SELECT to_regclass('tm_meta') IS NOT NULL").fetchone()[0])  # type: ignore[index]


class PostgresMemory(Matcher):
    """An open PostgreSQL memory (one connection, shared between threads under a lock)."""

    def __init__(self, url: str, *, create: bool = True, timeout: float = 30.0):
        self.url = url
        self._lock = threading.RLock()
        self._init_matcher()
        self.conn = _connect(url, timeout)
        try:
            self.conn.execute(f"SET lock_timeout = {int(timeout * 1000)}")
            # lookups are short: starting parallel workers for the branch of the candidates query
            # that is not taken cost 250 ms at 1M units on a loaded machine
            self.conn.execute("SET max_parallel_workers_per_gather = 0")
            # nor compiled: the candidates query's estimate (its band-scan branch) set off JIT, 50 ms at 1M
            self.conn.execute("SET jit = off")
            if not self._has_schema():
                if not create:
                    raise NoMemoryYet(
                        f"{shown(url)}: no translation memory yet (approve segments, or run "
                        "`locwork tm rebuild` or `locwork tm import`)"
                    )
                with self.conn.transaction():
                    self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
                    for statement in _SCHEMA.format(version=SCHEMA_VERSION, postings=_POSTINGS + ";").split(";"):
                        if statement.strip():
                            self.conn.execute(statement)  # type: ignore[call-overload]
            version = self._schema_version()
            if version > SCHEMA_VERSION:
                raise LocworkError(f"{shown(url)}: made by a newer locwork (schema {version}); upgrade")
            if version < SCHEMA_VERSION:
                self._upgrade()
        except BaseException:
            self.conn.close()
            raise

    def _schema_version(self) -> int:
        return int(self._query("SELECT value FROM tm_meta WHERE key = 'schema'")[0][0])

    def _upgrade(self) -> None:
        """Bring a memory made by an older locwork to :data:`SCHEMA_VERSION`, in place, in one
        transaction (another process opening it meanwhile waits on the advisory lock, then sees
        it done); writers wait on the generation row, so no approval slips in unindexed."""
        import psycopg

        try:
            with self._lock, self.conn.transaction():
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
                if self._schema_version() >= SCHEMA_VERSION:
                    return
                self.conn.execute("UPDATE tm_meta SET value = value + 1 WHERE key = 'generation'")
                if self._schema_version() < 2:
                    for statement in _UPGRADE_2:  # 1M units: about 6 minutes
                        self.conn.execute(statement)  # type: ignore[arg-type]
                self.conn.execute("UPDATE tm_meta SET value = %s WHERE key = 'schema'", (SCHEMA_VERSION,))
        except psycopg.Error as error:
            raise LocworkError(
                f"{shown(self.url)}: cannot upgrade the translation memory to this locwork's schema "
                f"({_one_line(error)}); if another locwork is upgrading it, try again when it is done"
            ) from None

    def _has_schema(self) -> bool:
        return bool(self._query("SELECT to_regclass('tm_meta') IS NOT NULL")[0][0])

    # -------------------------------------------------------- plumbing

    @property
    def location(self) -> str:
        return shown(self.url)

    @property
    def path(self) -> str:  # what messages print, as for a file
        return shown(self.url)

    def close(self) -> None:
        with self._lock, contextlib.suppress(Exception):
            self.conn.close()

    def __enter__(self) -> "PostgresMemory":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _error(self, error: Exception, doing: str) -> LocworkError:
        return LocworkError(f"{shown(self.url)}: cannot {doing} the translation memory ({_one_line(error)})")

    @contextlib.contextmanager
    def _write(self) -> Iterator["psycopg.Cursor[Any]"]:
        """One write transaction, queued behind any other writer by the generation row lock."""
        import psycopg

        with self._lock:
            try:
                with self.conn.transaction(), self.conn.cursor() as cur:
                    cur.execute("UPDATE tm_meta SET value = value + 1 WHERE key = 'generation'")
                    yield cur
            except psycopg.Error as error:
                raise self._error(error, "write") from None
            finally:
                self._best.clear()

    def _query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with self._lock:
            try:
                return self.conn.execute(sql, params).fetchall()  # type: ignore[arg-type]
            except psycopg.Error as error:
                raise self._error(error, "read") from None

    # ---------------------------------------------------------- writing

    def _put_many(self, cur: "psycopg.Cursor[Any]", units: Iterable[TMUnit]) -> int:
        """Store (or replace) units, :data:`BATCH` at a time; how many went in.

        Each batch is copied (``COPY``, formatted by psycopg's C code) into two
        temporary tables, then moved into the memory by two ``INSERT ... SELECT``:
        passing the rows as array parameters spent most of a bulk build's
        client time in psycopg's Python array formatting.
        """
        count = 0
        batch: dict[tuple, tuple] = {}
        cur.execute(_STAGE)

        def flush() -> None:
            if not batch:
                return
            rows = list(batch.values())
            sources = {(r[0], r[1]): r for r in rows}
            cur.execute("TRUNCATE tm_stage_sources, tm_stage_units")
            with cur.copy("COPY tm_stage_sources FROM STDIN") as copy:
                for ord_, r in enumerate(sources.values()):
                    folded = fold(r[3])
                    copy.write_row((ord_, r[0], r[1], r[2], r[3], folded, " ".join(terms(r[3], folded)), len(r[3])))
            cur.execute(  # the new sources' words indexed and counted in the document frequencies
                """WITH added AS (
                       INSERT INTO tm_sources (src_lang, hash, text, norm, folded, terms, length)
                       SELECT lang, hash, text, norm, folded, string_to_array(words, ' '), length
                       FROM tm_stage_sources ORDER BY ord
                       ON CONFLICT (src_lang, hash) DO NOTHING RETURNING id, terms, length, src_lang),
                   posted AS (
                       INSERT INTO tm_postings (term, source_id, length, src_lang)
                       SELECT term, added.id, added.length, added.src_lang FROM added, unnest(added.terms) AS term)
                   INSERT INTO tm_terms (term, df)
                   SELECT term, count(*) FROM added, unnest(added.terms) AS term GROUP BY term
                   ON CONFLICT (term) DO UPDATE SET df = tm_terms.df + excluded.df"""
            )
            stamp = now()
            with cur.copy("COPY tm_stage_units FROM STDIN") as copy:
                for ord_, r in enumerate(rows):
                    copy.write_row((ord_, r[0], r[1], *r[4:8], " ".join(terms(r[6], r[7])), *r[8:], stamp))
            cur.execute(
                """INSERT INTO tm_units (source_id, tgt_lang, tgt_base, target, target_folded, target_terms,
                                         document, segment, reviewer, approved_at, route, engine, origin, via,
                                         added_at)
                   SELECT s.id, n.lang, n.base, n.target, n.folded, string_to_array(n.words, ' '), n.document,
                          n.segment, n.reviewer, n.approved_at, n.route, n.engine, n.origin, n.via, n.added_at
                   FROM tm_stage_units n JOIN tm_sources s ON s.src_lang = n.src_lang AND s.hash = n.hash
                   ORDER BY n.ord
                   ON CONFLICT (source_id, tgt_lang, document, segment) DO UPDATE SET
                       target = excluded.target, target_folded = excluded.target_folded,
                       target_terms = excluded.target_terms,
                       reviewer = excluded.reviewer, approved_at = excluded.approved_at,
                       route = excluded.route, engine = excluded.engine, origin = excluded.origin,
                       via = excluded.via, added_at = excluded.added_at"""
            )
            batch.clear()

        for unit in units:
            norm = normalize(unit.source)
            if not norm or not unit.target.strip():
                continue
            if unit.via not in VIA:
                raise ValueError(f"unknown via {unit.via!r}")
            src = base_lang(unit.src_lang)
            tgt = langs.normalize(unit.tgt_lang)
            key = source_hash(norm)
            row = (
                src,
                key,
                None if unit.source == norm else unit.source,
                norm,
                tgt,
                base_lang(tgt),
                unit.target,
                fold(unit.target),
                unit.document or "",
                unit.segment or "",
                unit.reviewer,
                unit.approved_at,
                unit.route,
                unit.engine,
                unit.origin,
                unit.via,
            )
            batch[(src, key, tgt, row[8], row[9])] = row  # the last of two same keys wins, as in SQLite
            count += 1
            if len(batch) >= BATCH:
                flush()
        flush()
        return count

    def add(self, unit: TMUnit) -> bool:
        """Store (or replace) one unit; False if it has no source or no target."""
        with self._write() as cur:
            return bool(self._put_many(cur, [unit]))

    def add_many(self, units: Iterable[TMUnit]) -> int:
        """Store many units in one transaction; how many went in."""
        with self._write() as cur:
            return self._put_many(cur, units)

    @staticmethod
    def _count_terms(cur: "psycopg.Cursor[Any]", words: list[str], sign: int) -> None:
        """Add (``sign`` +1) or remove (-1) sources' words to the document frequencies."""
        if not words:
            return
        counts = collections.Counter(words)
        cur.execute(
            """INSERT INTO tm_terms (term, df) SELECT * FROM unnest(%s::text[], %s::int[])
                       ON CONFLICT (term) DO UPDATE SET df = tm_terms.df + excluded.df""",
            [list(counts), [sign * n for n in counts.values()]],
        )
        if sign < 0:
            cur.execute("DELETE FROM tm_terms WHERE term = ANY(%s) AND df <= 0", [list(counts)])

    def _prune(self, cur: "psycopg.Cursor[Any]") -> None:
        cur.execute(
            """WITH gone AS (
                   DELETE FROM tm_sources s WHERE NOT EXISTS (SELECT 1 FROM tm_units u WHERE u.source_id = s.id)
                   RETURNING id, terms),
               unposted AS (
                   DELETE FROM tm_postings p USING (SELECT gone.id, term FROM gone, unnest(gone.terms) AS term) AS g
                   WHERE p.term = g.term AND p.source_id = g.id)
               SELECT terms FROM gone"""
        )
        self._count_terms(cur, [t for row in cur.fetchall() for t in row[0]], -1)

    def forget(self, document: str, segment: str, tgt_lang: str | None = None, source: str | None = None) -> int:
        """Remove catalog-made units of a segment (all languages, or one; with ``source``, only
        that sentence's); how many."""
        sql = "DELETE FROM tm_units WHERE document = %s AND segment = %s AND via != 'import'"
        params: list[Any] = [document, segment]
        if tgt_lang:
            sql += " AND tgt_lang = %s"
            params.append(langs.normalize(tgt_lang))
        if source is not None:
            norm = normalize(source)
            sql += " AND source_id IN (SELECT id FROM tm_sources WHERE hash = %s AND norm = %s)"
            params += [source_hash(norm), norm]
        with self._write() as cur:
            cur.execute(sql, params)
            removed = cur.rowcount
            self._prune(cur)
        return removed

    def sync(self, wanted_now: WantedNow, keep_imports: bool = True) -> RebuildReport:
        """Bring the catalog-made units in line with ``wanted_now()`` in one transaction, writing
        only what differs (other writers wait on the generation row meanwhile)."""
        from locwork.tm.sqlite import unit_fields

        with self._write() as cur:
            wanted, report = wanted_now()
            wanted = dict(wanted)
            where = "" if not keep_imports else " WHERE u.via != 'import'"
            cur.execute(
                "SELECT u.id, s.src_lang, s.norm, u.tgt_lang, u.document, u.segment, u.target, "
                "u.reviewer, u.approved_at, u.route, u.engine, u.origin, u.via "
                f"FROM tm_units u JOIN tm_sources s ON s.id = u.source_id{where}"
            )
            stale = []
            for row in cur.fetchall():
                key = tuple(row[1:6])
                unit = wanted.get(key)
                if unit is None:
                    stale.append(row[0])
                elif unit_fields(unit) == tuple(row[6:]):
                    del wanted[key]
            cur.execute("DELETE FROM tm_units WHERE id = ANY(%s)", [stale])
            report.removed = len(stale)
            self._put_many(cur, wanted.values())
            self._prune(cur)
        return report

    def rebuild(self, locales_dir: str, src_lang: str = "fr", keep_imports: bool = True) -> RebuildReport:
        """:func:`locwork.tm.catalogs.rebuild_memory` on this memory."""
        from locwork.tm import catalogs

        return catalogs.rebuild_memory(self, locales_dir, src_lang, keep_imports)

    def check(self) -> None:
        """The server keeps its own data sound: only whether it answers."""
        self._query("SELECT 1")

    # ---------------------------------------------------------- reading

    def stats(self) -> dict:
        rows = self._query(
            "SELECT s.src_lang, u.tgt_lang, u.via, count(*) FROM tm_units u JOIN tm_sources s "
            "ON s.id = u.source_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        )
        sources = self._query("SELECT count(*) FROM tm_sources")[0][0]
        return {
            "path": self.location,
            "sources": sources,
            "units": sum(r[3] for r in rows),
            "pairs": [{"from": r[0], "to": r[1], "via": r[2], "units": r[3]} for r in rows],
        }

    def units(self, tgt_lang: str | None = None) -> list[TMUnit]:
        """Every unit (of one target language, base language matching: ``es`` takes ``es_ES``)."""
        sql = f"SELECT {_UNIT_COLUMNS} FROM tm_units u JOIN tm_sources s ON s.id = u.source_id"
        params: list[Any] = []
        if tgt_lang:
            sql += " WHERE u.tgt_base = %s"
            params.append(base_lang(tgt_lang))
        sql += " ORDER BY u.document, u.segment, u.tgt_lang, u.id"
        return [TMUnit(*row) for row in self._query(sql, params)]

    def __len__(self) -> int:
        return int(self._query("SELECT count(*) FROM tm_units")[0][0])

    # ------------------------------------------ what the matcher asks for

    def _version(self) -> object:
        return self._query("SELECT value FROM tm_meta WHERE key = 'generation'")[0][0]

    def _has_lang(self, tgt_base: str) -> bool:
        return bool(self._query("SELECT 1 FROM tm_units WHERE tgt_base = %s LIMIT 1", (tgt_base,)))

    def _exact_sources(self, norms: Sequence[str], src: str) -> dict[str, tuple[int, str]]:
        if not norms:
            return {}
        hashes = {source_hash(n): n for n in norms}
        rows = self._query(
            "SELECT id, coalesce(text, norm), norm FROM tm_sources WHERE src_lang = %s AND hash = ANY(%s)",
            (src, list(hashes)),
        )
        return {row[2]: (row[0], row[1]) for row in rows if hashes.get(source_hash(row[2])) == row[2]}

    def _units_of(self, source_ids: Sequence[int], tgt_lang: str) -> dict[int, list[UnitRow]]:
        if not source_ids:
            return {}
        code = langs.normalize(tgt_lang)
        rows = self._query(
            """SELECT u.source_id, u.target, u.tgt_lang, u.document, u.segment, u.reviewer,
                      u.approved_at, u.route, u.origin, u.engine, u.via
               FROM tm_units u WHERE u.tgt_base = %s AND u.source_id = ANY(%s)
               ORDER BY u.tgt_lang != %s, coalesce(u.approved_at, u.added_at) DESC, u.id DESC""",
            (base_lang(code), list(source_ids), code),
        )
        found: dict[int, list[UnitRow]] = {}
        for row in rows:
            found.setdefault(row[0], []).append(row)
        return found

    def _source_texts(self, ids: Sequence[int]) -> dict[int, str]:
        return dict(self._query("SELECT id, coalesce(text, norm) FROM tm_sources WHERE id = ANY(%s)", (list(ids),)))  # type: ignore[arg-type]

    def _candidates(self, norm: str, src: str, tgt_base: str, threshold: float) -> list[tuple[int, str, str]]:
        """(id, norm, text) of the sources worth scoring, in ONE query (:data:`_CANDIDATES_SQL`):
        every source of the length band when it is small (or cheaper than the index), else the
        best :data:`PG_CANDIDATES` by summed rarity (idf) among those holding one of the query's
        rarest words, at most :data:`matcher.POOL` rows read per word (common-word queries)."""
        lo, hi = length_band(len(norm), threshold)
        return self._query(
            _CANDIDATES_SQL,
            {
                "src": src,
                "lo": lo,
                "hi": hi,
                "tgt": tgt_base,
                "terms": terms(norm),
                "len": len(norm),
                "n": PG_CANDIDATES,
                "cap": SCAN_MAX + 1,
                "scan_limit": SCAN_LIMIT,
                "scan_cost": SCAN_COST,
                "rare": RARE_TERMS,
                "min": MIN_TERMS,
                "budget": POSTINGS_BUDGET,
                "pool": POOL,
                "ranked_read": RANKED_READ,
            },
        )

    def concordance(self, query: str, lang: str | None = None, limit: int = 50) -> list[ConcordanceHit]:
        """Units whose source or target holds the word or phrase ``query`` (see the SQLite store:
        whole words, case- and accent-insensitive, a trailing ``*`` for a prefix, else a substring)."""
        query = " ".join((query or "").split())
        if not query:
            raise LocworkError("give a word or a phrase to search for")
        limit = max(1, int(limit))
        words = TERM.findall(fold(query))
        lang_sql = " AND u.tgt_base = %(lang)s" if lang else ""
        params: dict[str, Any] = {"lang": base_lang(lang) if lang else None, "limit": limit}
        rows: list[tuple[Any, ...]] = []
        order = "ORDER BY coalesce(u.approved_at, u.added_at) DESC, u.id DESC LIMIT %(limit)s"
        if words:
            prefix = query.endswith("*")
            params["re"] = r"\m" + r"[^[:alnum:]]+".join(words) + ("" if prefix else r"\M")
            params["all"] = words[:-1] if prefix else words  # the index finds the units holding every word
            in_source = "(s.terms @> %(all)s::text[] AND s.folded ~ %(re)s)"
            in_target = "(u.target_terms @> %(all)s::text[] AND u.target_folded ~ %(re)s)"
            if not params["all"]:  # a lone prefix: no whole word to look up
                in_source, in_target = "s.folded ~ %(re)s", "u.target_folded ~ %(re)s"
            rows = self._query(
                f"""SELECT {_UNIT_COLUMNS}, {in_source}, {in_target}
                    FROM tm_units u JOIN tm_sources s ON s.id = u.source_id
                    WHERE ({in_source} OR {in_target}){lang_sql} {order}""",
                params,
            )
        if not rows:
            needle = query.rstrip("*")
            params["like"] = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            in_source = "coalesce(s.text, s.norm) ILIKE %(like)s"
            in_target = "u.target ILIKE %(like)s"
            rows = self._query(
                f"""SELECT {_UNIT_COLUMNS}, {in_source}, {in_target}
                    FROM tm_units u JOIN tm_sources s ON s.id = u.source_id
                    WHERE ({in_source} OR {in_target}){lang_sql} {order}""",
                params,
            )
        return [
            ConcordanceHit(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                row[7],
                "both" if row[12] and row[13] else "source" if row[12] else "target",
            )
            for row in rows
        ]
