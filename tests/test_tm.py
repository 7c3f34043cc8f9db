"""Translation memory: approvals feed it, translate/pretranslate draw on it, TMX moves it."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from locwork import catalog, review, tm
from locwork.catalog import State
from locwork.errors import LocworkError
from locwork.export import tmx_memory
from locwork.export.tmx import validate_tmx

LAVROV = ("Le ministre russe des Affaires étrangères, Sergueï Lavrov, a déclaré le 20 octobre "
          "que le sommet était annulé.")
LAVROV_ES = ("El ministro ruso de Asuntos Exteriores, Serguéi Lavrov, declaró el 20 de octubre "
             "que la cumbre estaba anulada.")
BUDAPEST = "Les deux présidents ne se verront pas à Budapest comme prévu."
BUDAPEST_ES = "Los dos presidentes no se verán en Budapest como estaba previsto."


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def article(title: str, *sentences: str) -> str:
    return f"{title}\n\n" + " ".join(sentences) + "\n"


def entry_of(path: Path, text: str) -> polib.POEntry:
    return next(e for e in catalog.load(path) if e.msgid == text and not e.obsolete)


@pytest.fixture
def memory(tm_location):
    """An empty memory, in each store in turn (SQLite, PostgreSQL)."""
    with tm.open_memory(tm_location()) as opened:
        yield opened


def unit(source: str, target: str, lang: str = "es", document: str = "doc", segment: str = "p1.s1",
         **extra) -> tm.TMUnit:
    return tm.TMUnit(source, target, "fr", lang, document, segment, **extra)


# ------------------------------------------------- approvals → translate


def test_approved_segment_drafts_other_documents_from_memory(run_cli, tmp_path, tm_location, monkeypatch):
    """Approve in document a (the review app's save + record_approval), then translate a
    folder holding b and c with the real CLI: the same sentence comes from memory."""
    write(tmp_path / "corpus" / "a.txt", article("Sommet annulé", LAVROV, BUDAPEST))
    result = run_cli("translate", "corpus/a.txt", "--to", "es", "--engine", "apertium", "--json")
    assert result.returncode == 0, result.err
    assert json.loads(result.out)[0]["tm_exact"] == 0  # no memory yet: all MT
    path_a = tmp_path / "locales" / "es" / "a.po"
    assert catalog.get_meta(entry_of(path_a, LAVROV), "origin") == "mt"
    assert not (tmp_path / ".locwork").exists()  # translate never creates the memory
    where = tm_location.project(tmp_path, monkeypatch)

    for text, approved in ((LAVROV, LAVROV_ES), (BUDAPEST, BUDAPEST_ES)):
        entry = entry_of(path_a, text)
        saved = review.save(path_a, entry.msgctxt, approved, entry.msgstr, "Ana", approve=True)
        assert saved.state == "approved" and saved.memory == ""  # the app's Approve
    assert (tmp_path / ".locwork" / "tm.sqlite").is_file() == (tm_location.kind == "sqlite")
    with tm.open_tm(where, create=False) as memory:
        stored = memory.exact(LAVROV, "es")
        assert stored is not None and stored.target == LAVROV_ES and stored.reviewer == "Ana"
        assert stored.route  # the route that made the first draft

    vienne = "Les deux présidents ne se verront pas à Vienne comme prévu."
    write(tmp_path / "corpus" / "b.txt", article("Nouvelles de Moscou", LAVROV, vienne))
    write(tmp_path / "corpus" / "c.txt", article("Revue de presse", "Rien de neuf.", LAVROV))
    (tmp_path / "corpus" / "a.txt").unlink()
    result = run_cli("translate", "corpus", "--to", "es", "--engine", "apertium", "--json")
    assert result.returncode == 0, result.err
    reports = {Path(r["catalog"]).stem: r for r in json.loads(result.out)}
    assert (reports["b"]["tm_exact"], reports["b"]["tm_fuzzy"], reports["b"]["mt"]) == (1, 1, 1)
    assert (reports["c"]["tm_exact"], reports["c"]["tm_fuzzy"], reports["c"]["mt"]) == (1, 0, 2)

    for doc in ("b", "c"):
        exact = entry_of(tmp_path / "locales" / "es" / f"{doc}.po", LAVROV)
        assert exact.msgstr == LAVROV_ES
        assert catalog.get_meta(exact, "origin") == "tm 100%"
        assert catalog.get_meta(exact, "tm-ref") == "a/p2.s1"
        assert catalog.entry_state(exact) == State.MACHINE and "fuzzy" in exact.flags
        assert catalog.get_meta(exact, "mt") is None  # no MT was run for it
    fuzzy = entry_of(tmp_path / "locales" / "es" / "b.po", vienne)
    origin = catalog.get_meta(fuzzy, "origin")
    assert origin.startswith("tm ") and 75 <= int(origin[3:-1]) < 100
    assert fuzzy.msgstr == BUDAPEST_ES and catalog.get_meta(fuzzy, "tm-source") == BUDAPEST
    heading = entry_of(tmp_path / "locales" / "es" / "b.po", "Nouvelles de Moscou")
    assert catalog.get_meta(heading, "origin") == "mt" and catalog.get_meta(heading, "route")

    # A higher threshold keeps the fuzzy match out; --no-tm keeps the memory out.
    write(tmp_path / "corpus" / "d.txt", article("Encore", LAVROV, vienne))
    result = run_cli("translate", "corpus/d.txt", "--to", "es", "--engine", "apertium",
                     "--tm-threshold", "99", "--json")
    assert result.returncode == 0, result.err
    assert (json.loads(result.out)[0]["tm_exact"], json.loads(result.out)[0]["tm_fuzzy"]) == (1, 0)
    assert catalog.get_meta(entry_of(tmp_path / "locales" / "es" / "d.po", vienne), "origin") == "mt"
    write(tmp_path / "corpus" / "e.txt", article("Encore", LAVROV))
    result = run_cli("translate", "corpus/e.txt", "--to", "es", "--engine", "apertium", "--no-tm",
                     "--json")
    assert result.returncode == 0, result.err
    assert json.loads(result.out)[0]["tm_exact"] == 0
    assert catalog.get_meta(entry_of(tmp_path / "locales" / "es" / "e.po", LAVROV), "origin") == "mt"


def test_record_approval_ignores_unapproved_entries_and_forget(tmp_path, memory):
    path = tmp_path / "locales" / "es" / "doc.po"
    entry = polib.POEntry(msgctxt="p1.s1", msgid=LAVROV, msgstr=LAVROV_ES)
    catalog.set_state(entry, State.EDITED)
    assert tm.record_approval(memory, path, entry) is None
    assert len(memory) == 0
    catalog.set_state(entry, State.APPROVED)
    catalog.set_meta(entry, "reviewer", "Ana")
    stored = tm.record_approval(memory, path, entry)
    assert (stored.tgt_lang, stored.document, stored.segment, stored.reviewer) == \
        ("es", "doc", "p1.s1", "Ana")
    entry.msgstr = "Otra traducción."
    tm.record_approval(memory, path, entry)  # approved again: replaces the unit
    assert [u.target for u in memory.units()] == ["Otra traducción."]
    assert tm.forget_segment(memory, path, "p1.s1") == 1
    assert len(memory) == 0 and memory.exact(LAVROV, "es") is None


def test_unapproving_a_segment_never_withdraws_another_sentences_unit(tmp_path, memory):
    """A segment id names a place: after a sentence moved, p1.s1's old unit is another
    sentence's, still approved at its new place. Un-approving p1.s1 leaves it alone."""
    path = tmp_path / "locales" / "es" / "doc.po"
    moved = polib.POEntry(msgctxt="p1.s1", msgid=LAVROV, msgstr=LAVROV_ES)
    catalog.set_state(moved, State.APPROVED)
    tm.record_approval(memory, path, moved)
    # BUDAPEST was inserted before it: it is p1.s1 now, approved, then un-approved.
    assert tm.forget_segment(memory, path, "p1.s1", BUDAPEST) == 0
    assert memory.exact(LAVROV, "es").target == LAVROV_ES
    assert tm.forget_segment(memory, path, "p1.s1", LAVROV) == 1


# ------------------------------------------------------------- matching


def test_exact_and_fuzzy_matches_with_percentage_and_diff(memory):
    memory.add(unit(LAVROV, LAVROV_ES, reviewer="Ana", route="apertium:fr-es"))
    memory.add(unit(BUDAPEST, BUDAPEST_ES, segment="p1.s2"))
    memory.add(unit("Un texte sans aucun rapport avec le reste.", "Un texto sin relación.",
                    segment="p1.s3"))

    exact = memory.exact(LAVROV.replace(" ", "\u00a0", 1) + "  ", "es")  # spacing is normalised
    assert exact is not None and exact.score == 100 and exact.exact and exact.label == "tm 100%"
    assert exact.target == LAVROV_ES and exact.reviewer == "Ana" and exact.ref == "doc/p1.s1"

    query = LAVROV.replace("20 octobre", "21 octobre").replace("annulé", "reporté")
    matches = memory.lookup(query, "es")
    assert [m.target for m in matches] == [LAVROV_ES]
    match = matches[0]
    assert 75 <= match.score < 100 and not match.exact and match.label == f"tm {match.score}%"
    ops = match.diff
    assert "".join(op["text"] for op in ops if op["op"] != "insert") == LAVROV
    assert "".join(op["text"] for op in ops if op["op"] != "delete") == query
    assert {"op": "delete", "text": "20"} in ops and {"op": "insert", "text": "21"} in ops
    assert tm.diff_text(ops).count("[-") == 2
    data = match.to_dict()
    assert data["score"] == match.score and data["diff"] == ops and data["exact"] is False

    assert memory.lookup(query, "es", threshold=99) == []
    assert memory.lookup(query, "en") == []  # no English in the memory
    assert memory.lookup("Tout autre chose, vraiment.", "es") == []
    best = memory.best(BUDAPEST.replace("Budapest", "Vienne"), "es")
    assert best is not None and best.target == BUDAPEST_ES and best.score < 100


def test_best_many_answers_as_best_does_one_by_one(memory):
    """best_many finds the exact matches of a whole document in a few queries: its answers are
    best()'s, text by text (spacing variants of one sentence included), with each text's diff."""
    memory.add(unit(LAVROV, LAVROV_ES))
    memory.add(unit(BUDAPEST, BUDAPEST_ES, segment="p1.s2"))
    memory.add_many(unit(f"Phrase numéro {i} du document.", f"Frase número {i} del documento.",
                         segment=f"p2.s{i}") for i in range(40))
    texts = [LAVROV, " " + LAVROV.replace(" ", "  ", 2), BUDAPEST.replace("Budapest", "Vienne"),
             "Rien à voir.", *(f"Phrase numéro {i} du document." for i in range(0, 60, 3)), ""]
    many = memory.best_many(texts, "es")
    one_by_one = {t: m for t in texts if (m := memory.best(t, "es")) is not None}
    assert many.keys() == one_by_one.keys() and len(many) == 2 + 1 + 20  # not "Rien à voir.", not ""
    for text, match in many.items():
        assert (match.score, match.target, match.diff) == \
            (one_by_one[text].score, one_by_one[text].target, one_by_one[text].diff)
    assert many[LAVROV].diff == [{"op": "equal", "text": LAVROV}]
    assert memory.best_many(texts, "en") == {}


def test_lookup_command_prints_score_and_diff(run_cli, tm_location, monkeypatch):
    where = tm_location("mem")
    with tm.open_memory(where) as memory:
        memory.add(unit(BUDAPEST, BUDAPEST_ES))
    monkeypatch.setenv(tm.ENV, str(where))  # LOCWORK_TM names the memory
    result = run_cli("tm", "lookup", BUDAPEST.replace("Budapest", "Vienne"), "--to", "es")
    as_json = run_cli("tm", "lookup", BUDAPEST.replace("Budapest", "Vienne"), "--to", "es", "--json")
    assert result.returncode == 0, result.err
    assert "[-Budapest-]{+Vienne+}" in result.out and BUDAPEST_ES in result.out
    found = json.loads(as_json.out)
    assert found[0]["score"] < 100 and found[0]["diff"]


def test_regional_variants_and_source_languages(memory):
    memory.add(tm.TMUnit(BUDAPEST, "Os dois presidentes não se verão em Budapeste.", "fr", "pt-BR",
                         via="import"))
    assert memory.exact(BUDAPEST, "pt").tgt_lang == "pt_BR"
    assert memory.exact(BUDAPEST, "pt_BR") is not None
    assert memory.exact(BUDAPEST, "es") is None
    assert memory.exact(BUDAPEST, "pt", src_lang="en") is None


# --------------------------------------------------------------- rebuild


def approve_in_catalog(path: Path, doc: str, pairs: list[tuple[str, str, str]],
                       approve: bool = True) -> None:
    with catalog.edit(path, create=lambda: catalog.new_catalog(path.parent.name, doc,
                                                                f"corpus/{doc}.txt")) as po:
        for segment, source, target in pairs:
            entry = po.find(source, msgctxt=segment) or polib.POEntry(msgctxt=segment, msgid=source)
            if entry not in po:
                po.append(entry)
            entry.msgstr = target
            catalog.set_state(entry, State.APPROVED if approve else State.MACHINE)
            catalog.set_meta(entry, "reviewer", "Ana")


def test_rebuild_from_catalogs(run_cli, tmp_path, tm_location, monkeypatch):
    where = tm_location.project(tmp_path, monkeypatch)
    locales = tmp_path / "locales"
    approve_in_catalog(locales / "es" / "a.po", "a", [("p1.s1", LAVROV, LAVROV_ES),
                                                       ("p1.s2", BUDAPEST, BUDAPEST_ES)])
    approve_in_catalog(locales / "en" / "a.po", "a", [("p1.s1", LAVROV, "Lavrov said so.")])
    approve_in_catalog(locales / "es" / "b.po", "b", [("p3.s1", "Pas encore relu.", "Sin revisar.")],
                       approve=False)
    result = run_cli("tm", "rebuild", "--json")
    assert result.returncode == 0, result.err
    report = json.loads(result.out)
    assert (report["catalogs"], report["units"]) == (3, 3)
    with tm.open_tm(where, create=False) as memory:
        assert memory.exact(LAVROV, "en").target == "Lavrov said so."
        assert memory.exact("Pas encore relu.", "es") is None
        assert {(u.document, u.segment, u.tgt_lang, u.via) for u in memory.units()} == {
            ("a", "p1.s1", "es", "rebuild"), ("a", "p1.s2", "es", "rebuild"),
            ("a", "p1.s1", "en", "rebuild")}

    # An entry no longer approved leaves the memory on the next rebuild; imports stay.
    approve_in_catalog(locales / "es" / "a.po", "a", [("p1.s2", BUDAPEST, BUDAPEST_ES)], approve=False)
    with tm.open_tm(where) as memory:
        memory.add(unit("Importé.", "Importado.", via="import", document="", segment="x"))
    assert run_cli("tm", "rebuild").returncode == 0
    with tm.open_tm(where, create=False) as memory:
        assert memory.exact(BUDAPEST, "es") is None
        assert memory.exact("Importé.", "es").target == "Importado."
        assert len(memory) == 3

    missing = run_cli("tm", "rebuild", "--locales", "nowhere")
    assert missing.returncode == 1 and "nowhere" in missing.err and "Traceback" not in missing.err


# ------------------------------------------------------------------- TMX


def test_tmx_round_trip(run_cli, tmp_path, tm_location, monkeypatch):
    units = [
        unit(LAVROV, LAVROV_ES, reviewer="Ana Ruiz", approved_at="2026-11-20T10:00:00+01:00",
             route="apertium:fr-es", engine="apertium", origin="mt"),
        unit(LAVROV, "Russian Foreign Minister Sergei Lavrov said the summit was cancelled.",
             lang="en", reviewer="Bob"),
        unit("Coûts < 5 % & « hausse »", "Costes < 5 % y «subida»", segment="p2.s1",
             origin="tm 100%"),
        unit("Sans document.", "Sin documento.", document="", segment="tmx:abc"),
    ]
    with tm.open_memory(tm_location("one")) as first:
        assert first.add_many(units) == 4
        data = tmx_memory.export_memory(first)
        spanish = tmx_memory.export_memory(first, "es")
    assert validate_tmx(data) == [] and validate_tmx(spanish) == []
    assert data.count(b"<tu ") == 4 and spanish.count(b"<tu ") == 3
    (tmp_path / "mem.tmx").write_bytes(data)
    with tm.open_memory(tm_location("two")) as second:
        report = tmx_memory.import_memory(second, tmp_path / "mem.tmx")
        assert (report.units, report.skipped) == (4, 0)
        back = second.units()

    def key(u: tm.TMUnit) -> tuple:
        return (u.source, u.target, u.src_lang, u.tgt_lang, u.document, u.segment, u.reviewer,
                u.approved_at, u.route, u.engine, u.origin)

    assert sorted(map(key, back)) == sorted(map(key, units))
    assert {u.via for u in back} == {"import"}

    # The same through the CLI, with a file from another tool (srclang fr-FR, es-ES, no tuid).
    where = tm_location.project(tmp_path, monkeypatch)
    (tmp_path / "other.tmx").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="X" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="fr-FR" '
        'datatype="plaintext"/><body>'
        '<tu changedate="20250101T120000Z"><tuv xml:lang="fr-FR"><seg>Fichier <ph>%s</ph> introuvable.'
        '</seg></tuv><tuv xml:lang="es-ES"><seg>Archivo <ph>%s</ph> no encontrado.</seg></tuv></tu>'
        '<tu><tuv xml:lang="es-ES"><seg>Sin fuente.</seg></tuv></tu>'
        '</body></tmx>', "utf-8")
    result = run_cli("tm", "import", "other.tmx", "--json")
    assert result.returncode == 0, result.err
    assert json.loads(result.out)["units"] == 1 and json.loads(result.out)["skipped"] == 1
    result = run_cli("tm", "export", "-o", "out/all.tmx", "--lang", "es")
    assert result.returncode == 0, result.err
    exported = (tmp_path / "out" / "all.tmx").read_bytes()
    assert validate_tmx(exported) == []
    assert "Archivo %s no encontrado." in exported.decode("utf-8")
    with tm.open_tm(where, create=False) as memory:
        found = memory.exact("Fichier %s introuvable.", "es")
        assert found.tgt_lang == "es_ES" and found.approved_at == "2025-01-01T12:00:00+00:00"

    bad = run_cli("tm", "import", "missing.tmx")
    assert bad.returncode == 1 and "missing.tmx" in bad.err
    (tmp_path / "broken.tmx").write_text("<tmx><body><tu>", "utf-8")
    broken = run_cli("tm", "import", "broken.tmx")
    assert broken.returncode == 1 and "well-formed" in broken.err


# ----------------------------------------------------------- concordance


def test_concordance(memory, run_cli, monkeypatch):
    memory.add(unit(LAVROV, LAVROV_ES, reviewer="Ana"))
    memory.add(unit(LAVROV, "Lavrov said the summit was off.", lang="en", reviewer="Bob"))
    memory.add(unit(BUDAPEST, BUDAPEST_ES, segment="p1.s2"))
    assert {h.tgt_lang for h in memory.concordance("lavrov")} == {"es", "en"}
    hits = memory.concordance("SERGUEI LAVROV", lang="es")  # case and accents do not matter
    assert len(hits) == 1 and hits[0].where == "both" and hits[0].target == LAVROV_ES
    assert [h.where for h in memory.concordance("cumbre")] == ["target"]
    assert [h.where for h in memory.concordance("sommet était")] == ["source", "source"]
    assert memory.concordance("sommet annulé octobre") == []  # a phrase, not a bag of words
    assert [h.target for h in memory.concordance("udapes")] == [BUDAPEST_ES]  # substring fallback
    assert len(memory.concordance("lavrov", limit=1)) == 1
    assert memory.concordance("introuvable") == []
    with pytest.raises(LocworkError):
        memory.concordance("   ")

    monkeypatch.setenv(tm.ENV, memory.location)
    result = run_cli("tm", "search", "Budapest", "--json")
    text = run_cli("tm", "search", "Budapest")
    assert result.returncode == 0, result.err
    assert [h["target"] for h in json.loads(result.out)] == [BUDAPEST_ES]
    assert BUDAPEST_ES in text.out


def test_commands_without_memory_say_so(run_cli):
    result = run_cli("tm", "search", "Lavrov")
    assert result.returncode == 1 and "no translation memory yet" in result.err


# ----------------------------------------------------------- pretranslate


def test_pretranslate_takes_memory_first(run_cli, tmp_path, tm_location, monkeypatch):
    with tm.open_memory(tm_location.project(tmp_path, monkeypatch)) as memory:
        memory.add(tm.TMUnit("Delete %s files?", "Supprimer %s fichiers ?", "en", "fr"))
        memory.add(tm.TMUnit("The disk is full.", "Le disque est plein.", "en", "fr"))
        memory.add(tm.TMUnit("Open the %s window", "Ouvrir la fenêtre %s", "en", "fr"))
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr",
                   "Plural-Forms": "nplurals=2; plural=(n > 1);"}
    po.append(polib.POEntry(msgid="Delete %s files?", flags=["c-format"]))
    po.append(polib.POEntry(msgid="  The disk is full.\n"))
    po.append(polib.POEntry(msgid="Open the %d window", flags=["c-format"]))  # placeholder differs
    po.append(polib.POEntry(msgid="Close the window"))
    po.save(str(tmp_path / "app.po"))
    result = run_cli("pretranslate", "app.po", "--from", "en", "--to", "fr", "--json")
    assert result.returncode == 0, result.err
    report = json.loads(result.out)
    assert (report["tm_exact"], report["tm_fuzzy"], report["filled"]) == (2, 0, 4)
    first, second, third, fourth = list(catalog.load(tmp_path / "app.po"))
    assert first.msgstr == "Supprimer %s fichiers ?"
    assert catalog.get_meta(first, "origin") == "tm 100%" and "fuzzy" in first.flags
    assert second.msgstr == "  Le disque est plein.\n"
    assert catalog.get_meta(third, "origin") == "mt" and "%d" in third.msgstr
    assert catalog.get_meta(fourth, "origin") == "mt"


def test_fuzzy_candidates_are_those_translated_into_the_language_asked(memory, monkeypatch):
    """The word index pools sources of every language; only those with a translation into the
    language asked become candidates, and the best of those are kept, even when the best
    ranked sources overall have none (the store then reads the pools again, with the check)."""
    from locwork.tm import matcher, postgres, sqlite

    for module in (matcher, postgres, sqlite):  # a small pool, and always the index: the hard case
        monkeypatch.setattr(module, "PG_CANDIDATES", 3, raising=False)
    monkeypatch.setattr(sqlite, "scan_band", lambda band, postings=None: False)
    monkeypatch.setattr(postgres, "SCAN_LIMIT", 0)
    monkeypatch.setattr(postgres, "SCAN_COST", 1000.0)
    german = [tm.TMUnit(f"Le sommet de Budapest aura lieu le {i} mars.", f"Gipfel {i}.", "fr", "de", "d", f"g{i}")
              for i in range(1, 9)]
    spanish = [tm.TMUnit(f"Le sommet de Vienne aura lieu le {i} avril.", f"Cumbre {i}.", "fr", "es", "d", f"e{i}")
               for i in range(1, 9)]
    memory.add_many(german + spanish)
    found = memory.lookup("Le sommet de Budapest aura lieu le 3 avril.", "es", threshold=60, limit=3)
    assert len(found) == 3 and all(m.target.startswith("Cumbre") for m in found), found
    assert found[0].target == "Cumbre 3."
    assert [m.target for m in memory.lookup("Le sommet de Budapest aura lieu le 3 mars.", "de", limit=1)] == \
        ["Gipfel 3."]
