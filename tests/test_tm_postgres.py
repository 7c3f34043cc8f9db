"""The translation memory on a real PostgreSQL server: concurrency, and `tm migrate` both ways.

The server is the session's throw-away one (``postgres_server`` in
tm_stores.py); the rest of the memory suite runs against it too, through
the ``tm_location`` fixture of test_tm.py and test_tm_safety.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from locwork import tm

from conftest import LOCWORK
from test_tm_safety import _APPROVER, drafts, env

pytestmark = pytest.mark.timeout(300)

# A batch job writing units in transactions of 20 (as translate runs and imports do).
_BATCHER = r"""
import os, sys
from locwork import tm
url, stop = sys.argv[1], sys.argv[2]
with tm.open_memory(url) as memory:
    batch = 0
    while not os.path.exists(stop) and batch < 200:
        memory.add_many(tm.TMUnit(f"Phrase {i} du lot {batch}.", f"Frase {i} del lote {batch}.", "fr", "es",
                                  f"lot{batch}", f"p{i}") for i in range(20))
        batch += 1
print(batch)
"""

# A reader: every batch it sees is whole, and no unit it saw ever goes away.
_READER = r"""
import collections, os, sys
from locwork import tm
url, stop = sys.argv[1], sys.argv[2]
seen, reads = set(), 0
with tm.open_memory(url, create=False) as memory:
    while not os.path.exists(stop):
        units = memory.units()
        keys = {(u.document, u.segment) for u in units}
        assert seen <= keys, f"units went away: {sorted(seen - keys)[:5]}"
        seen = keys
        sizes = collections.Counter(u.document for u in units if u.document.startswith("lot"))
        assert all(n == 20 for n in sizes.values()), f"half a batch seen: {sizes}"
        reads += 1
print(reads)
"""


def test_two_approvers_a_batch_and_a_reader_lose_nothing(tmp_path, postgres_server):
    """Two processes approve in the review app's way (review.save → the memory), a third writes
    batches, a fourth reads all along: every approval is in the memory at the end, and the
    reader never saw half a batch or a unit disappear."""
    url = postgres_server.new_database()
    tm.open_memory(url).close()  # the tables, made once
    rows = {doc: drafts(tmp_path / "locales" / "es" / f"{doc}.po", doc, 25) for doc in ("a", "b")}
    environment = dict(env(), LOCWORK_TM=url)
    go, stop = tmp_path / "go", tmp_path / "stop"

    def start(*args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-c", *args], cwd=tmp_path, env=environment,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    approvers = [start(_APPROVER, str(tmp_path / "locales" / "es" / f"{doc}.po"), json.dumps(rows[doc]),
                       str(go), str(tmp_path / "never")) for doc in rows]
    reader = start(_READER, url, str(stop))
    batcher = start(_BATCHER, url, str(stop))
    try:
        for approver in approvers:
            assert approver.stdout.readline() == b"ready\n"
        go.touch()
        results = [approver.communicate(timeout=240) for approver in approvers]
    finally:
        time.sleep(0.2)
        stop.touch()
    for approver, (_out, err) in zip(approvers, results):
        assert approver.returncode == 0, err.decode()
    reads, read_err = reader.communicate(timeout=60)
    batches, batch_err = batcher.communicate(timeout=60)
    assert reader.returncode == 0, read_err.decode()[-2000:]
    assert batcher.returncode == 0, batch_err.decode()[-2000:]
    approvals = [json.loads(line) for out, _ in results for line in out.decode().splitlines()]
    assert len(approvals) == 50 and all(a["state"] == "approved" and a["memory"] == "" for a in approvals)
    with tm.open_memory(url, create=False) as memory:
        missing = [a["source"] for a in approvals
                   if (m := memory.exact(a["source"], "es")) is None or m.target != a["target"]]
        assert missing == []
        assert len(memory) == 50 + 20 * int(batches)
    assert int(reads) > 1 and int(batches) > 1


def test_migrate_sqlite_to_postgresql_and_back(tmp_path, postgres_server):
    """`locwork tm migrate` copies every unit, with its provenance, and prints counts that agree."""
    first = tmp_path / "first.sqlite"
    units = [tm.TMUnit(f"Phrase numéro {i}, assez longue.", f"Frase número {i}.", "fr", "es", "doc", f"p{i}",
                       "Ana", "2026-11-20T10:00:00+01:00", "apertium:fr-es", "apertium", "mt")
             for i in range(30)]
    units.append(tm.TMUnit("Importée.", "Importada.", "fr", "pt_BR", "", "tmx:1", via="import"))
    with tm.open_memory(first) as memory:
        memory.add_many(units)
    url = postgres_server.new_database()
    there = subprocess.run([*LOCWORK, "tm", "migrate", str(first), url, "--json"], cwd=tmp_path, env=env(),
                           capture_output=True)
    assert there.returncode == 0, there.stderr.decode()
    counts = json.loads(there.stdout)
    assert (counts["from_units"], counts["to_units"], counts["from_sources"], counts["to_sources"]) == \
        (31, 31, 31, 31)
    back_path = tmp_path / "back.sqlite"
    back = subprocess.run([*LOCWORK, "tm", "migrate", url, str(back_path)], cwd=tmp_path, env=env(),
                          capture_output=True)
    assert back.returncode == 0, back.stderr.decode()
    assert "31 unit(s)" in back.stdout.decode()

    def rows(location) -> list[tuple]:
        with tm.open_memory(location, create=False) as memory:
            return sorted(tuple(u.to_dict().values()) for u in memory.units())

    assert rows(first) == rows(url) == rows(back_path)
    again = subprocess.run([*LOCWORK, "tm", "migrate", str(first), url], cwd=tmp_path, env=env(),
                           capture_output=True)
    assert again.returncode == 1 and "already holds 31 unit(s)" in again.stderr.decode()
    assert b"Traceback" not in again.stderr


def test_stores_return_the_same_matches(postgres_server, tmp_path):
    """The same memory in both stores, the same queries (short, of a small vocabulary: the hard
    case for an index): both find the best match a brute-force scan finds, with the same score."""
    import random

    from rapidfuzz import fuzz, process

    rng = random.Random(5)
    words = ("le la les un une des sommet président ministre accord paix guerre ville pays année "
             "réunion annonce jeudi vendredi Moscou Washington Budapest nouvelle semaine").split()
    sources = sorted({" ".join(rng.choice(words) for _ in range(rng.randint(6, 14))).capitalize() + "."
                      for _ in range(3000)})
    units = [tm.TMUnit(s, f"T{i}", "fr", "es", "d", f"s{i}") for i, s in enumerate(sources)]
    norms = [tm.normalize(s) for s in sources]
    url = postgres_server.new_database()
    with tm.open_memory(tmp_path / "m.sqlite") as lite, tm.open_memory(url) as pg:
        lite.add_many(units)
        pg.add_many(units)
        for source in rng.sample(sources, 40):
            query = source.replace(rng.choice(source.split()), rng.choice(words), 1)
            best = process.extractOne(tm.normalize(query), [n for n in norms if n != tm.normalize(query)],
                                      scorer=fuzz.ratio, score_cutoff=75)
            expected = min(99, int(best[1])) if best else None
            for memory in (lite, pg):
                found = [m.score for m in memory.lookup(query, "es", limit=3) if not m.exact]
                assert (found[0] if found else None) == expected, (type(memory).__name__, query)
        texts = sources[:200] + ["Rien à voir avec la mémoire."]
        assert {t: m.target for t, m in lite.best_many(texts, "es").items()} == \
            {t: m.target for t, m in pg.best_many(texts, "es").items()}


def test_common_word_queries_read_a_bounded_pool_the_same_in_both_stores(postgres_server, tmp_path, monkeypatch):
    """A query of common words only: each store reads at most POOL sources per chosen word (not
    every row holding one), and both rank that pool alike, so they return the same matches."""
    import random

    from locwork.tm import matcher, postgres, sqlite

    pool = 40
    for module in (matcher, postgres, sqlite):  # small enough that the pool is what bounds the work
        monkeypatch.setattr(module, "POOL", pool, raising=False)
    for module in (matcher, postgres):  # always the index, never a scan of the length band
        monkeypatch.setattr(module, "SCAN_LIMIT", 0)
        monkeypatch.setattr(module, "SCAN_COST", 1000.0)
    rng = random.Random(9)
    words = "le la les un une des sommet président ministre accord paix guerre ville pays année".split()
    sources = sorted({" ".join(rng.choice(words) for _ in range(rng.randint(6, 12))).capitalize() + "."
                      for _ in range(1500)})
    units = [tm.TMUnit(s, f"T{i}", "fr", "es", "d", f"s{i}") for i, s in enumerate(sources)]
    url = postgres_server.new_database()
    with tm.open_memory(tmp_path / "m.sqlite") as lite, tm.open_memory(url) as pg:
        lite.add_many(units)
        pg.add_many(units)
        for source in rng.sample(sources, 15):
            query = source.replace(rng.choice(source.split()), rng.choice(words), 1)
            norm = tm.normalize(query)
            pools = [memory._candidates(norm, "fr", "es", 75) for memory in (lite, pg)]
            assert all(0 < len(found) <= matcher.RARE_TERMS * pool for found in pools), (query, [len(p) for p in pools])
            assert sorted(pools[0]) == sorted(pools[1]), query
            assert [(m.score, m.source) for m in lite.lookup(query, "es")] == \
                [(m.score, m.source) for m in pg.lookup(query, "es")], query


def test_common_word_query_reads_the_pools_when_they_are_cheaper_than_the_band(postgres_server, tmp_path,
                                                                              monkeypatch):
    """Short queries of common words: the choice between scoring the whole length band and asking
    the index weighs the band against the postings the index READS (at most POOL per word), not
    against every row holding the words; both stores choose alike (at 1M units, the uncapped
    comparison scored 20,000 sources per query: 0.46 s)."""
    import random

    from locwork.tm import matcher, postgres, sqlite

    pool = 40
    for module in (matcher, postgres, sqlite):
        monkeypatch.setattr(module, "POOL", pool, raising=False)
    for module in (matcher, postgres):  # a band over 50 sources may go to the index; cost as shipped
        monkeypatch.setattr(module, "SCAN_LIMIT", 50)
    assert matcher.rare_terms({"le": 900, "la": 800, "des": 700, "paix": 30}) == \
        (["paix", "des", "la", "le"], 30 + 3 * pool)
    rng = random.Random(5)
    words = "le la les un une des sommet président ministre accord paix guerre ville pays année".split()
    sources = sorted({" ".join(rng.choice(words) for _ in range(rng.randint(4, 7))).capitalize() + "."
                      for _ in range(800)})
    units = [tm.TMUnit(s, f"T{i}", "fr", "es", "d", f"s{i}") for i, s in enumerate(sources)]
    url = postgres_server.new_database()
    with tm.open_memory(tmp_path / "m.sqlite") as lite, tm.open_memory(url) as pg:
        lite.add_many(units)
        pg.add_many(units)
        pg.conn.execute("ANALYZE")
        for query in ("Le la des paix.", "Un ministre des pays la guerre.", "Les accord une ville."):
            norm = tm.normalize(query)
            lo, hi = matcher.length_band(len(norm), 75)
            band = sum(lo <= len(tm.normalize(s)) <= hi for s in sources)
            pools = [memory._candidates(norm, "fr", "es", 75) for memory in (lite, pg)]
            assert all(0 < len(found) <= len(tm.model.terms(norm)) * pool < band for found in pools), \
                (query, band, [len(p) for p in pools])
            assert sorted(pools[0]) == sorted(pools[1]), query


def test_a_schema_1_memory_is_upgraded_in_place_and_keeps_its_matches(postgres_server, monkeypatch):
    """A database made before the narrow word index (schema 1: no tm_postings) opens, gets the
    index built in place, and answers fuzzy lookups through it as a new memory does; forgetting a
    unit takes its source out of the index."""
    import psycopg

    from locwork.tm import postgres

    monkeypatch.setattr(postgres, "SCAN_LIMIT", 0)  # always the word index, never a scan of the band
    monkeypatch.setattr(postgres, "SCAN_COST", 1000.0)
    units = [tm.TMUnit(f"Le sommet de Budapest numéro {i} a réuni les ministres.", f"Cumbre {i}.", "fr", "es",
                       "d", f"s{i}") for i in range(40)]
    old, new = postgres_server.new_database(), postgres_server.new_database()
    for url in (old, new):
        with tm.open_memory(url) as memory:
            memory.add_many(units)
    with psycopg.connect(old, autocommit=True) as conn:  # back to what schema 1 had
        conn.execute("DROP TABLE tm_postings")
        conn.execute("UPDATE tm_meta SET value = 1 WHERE key = 'schema'")
    query = "Le sommet de Budapest numéro 7 a réuni des ministres."
    with tm.open_memory(old, create=False) as upgraded, tm.open_memory(new, create=False) as fresh:
        assert upgraded._query("SELECT value FROM tm_meta WHERE key = 'schema'")[0][0] == postgres.SCHEMA_VERSION
        postings = "SELECT count(*) FROM tm_postings"
        assert upgraded._query(postings) == fresh._query(postings) != [(0,)]
        assert len(upgraded) == len(fresh) == 40
        found = [(m.score, m.source, m.target) for m in upgraded.lookup(query, "es")]
        assert found == [(m.score, m.source, m.target) for m in fresh.lookup(query, "es")]
        assert found[0][2] == "Cumbre 7." and len(found) == 5
        upgraded.forget("d", "s7")
        assert "Cumbre 7." not in [m.target for m in upgraded.lookup(query, "es")]
        assert upgraded._query("SELECT count(*) FROM tm_postings p LEFT JOIN tm_sources s ON s.id = p.source_id "
                               "WHERE s.id IS NULL") == [(0,)]
