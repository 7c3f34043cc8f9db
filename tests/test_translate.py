"""`locwork translate`, `routes` and `pretranslate`, run as a user would, on real engines."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from locwork import catalog
from locwork.catalog import State

from conftest import DEFAULT_DOC, msgfmt_check, shared_path

DOC = DEFAULT_DOC.name
STEM = DEFAULT_DOC.stem
REQUIRED_TARGETS = ["en", "es", "ca", "pt", "it", "gl", "eo", "oc"]




@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project folder with the default article translated into every required target."""
    root = tmp_path_factory.mktemp("project")
    (root / "corpus").mkdir()
    shutil.copy(DEFAULT_DOC, root / "corpus" / DOC)
    import subprocess as sp
    import sys

    result = sp.run([sys.executable, "-m", "locwork.cli", "translate", f"corpus/{DOC}",
                     "--to", ",".join(REQUIRED_TARGETS), "--json"],
                    cwd=root, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return root, json.loads(result.stdout)


def test_routes_reach_every_required_target(run_cli):
    result = run_cli("routes", "--json")
    assert result.returncode == 0, result.err
    rows = {row["target"]: row for row in json.loads(result.out)}
    for lang in REQUIRED_TARGETS:
        assert lang in rows, f"no route to {lang}"
        assert rows[lang]["languages"][0] == "fr" and rows[lang]["languages"][-1] == lang
        assert rows[lang]["expected_chrf"] > 0


def test_translate_writes_valid_machine_catalogs(project):
    root, reports = project
    assert {r["lang"] for r in reports} == set(REQUIRED_TARGETS)
    for report in reports:
        path = root / report["catalog"]
        assert path == root / "locales" / report["lang"] / f"{STEM}.po"
        msgfmt_check(path)
        po = catalog.load(path)
        entries = [e for e in po if not e.obsolete]
        assert len(entries) == report["segments"] == report["translated"]
        for entry in entries:
            assert entry.msgstr, entry.msgctxt
            assert "fuzzy" in entry.flags
            assert catalog.entry_state(entry) == State.MACHINE
            assert catalog.get_meta(entry, "route") == report["route"]["route"]
            assert catalog.get_meta(entry, "mt") == entry.msgstr
            assert catalog.get_meta(entry, "model")
            assert entry.occurrences[0][0] == f"corpus/{DOC}"
        assert po.metadata["Language"] == report["lang"]


def test_names_survive_every_hop(project):
    root, reports = project
    for report in reports:
        po = catalog.load(root / report["catalog"])
        for entry in po:
            for name in ("Marco Rubio", "Donald Trump"):
                if name in entry.msgid:
                    assert name in entry.msgstr, (report["lang"], entry.msgstr)
            assert "Blond" not in entry.msgstr and "Loiro" not in entry.msgstr
        lavrov = {e.msgstr[e.msgstr.find("Lavrov") - 9:e.msgstr.find("Lavrov")]
                  for e in po if "Sergueï Lavrov" in e.msgid and "Lavrov" in e.msgstr}
        assert len(lavrov) == 1, (report["lang"], lavrov)  # one spelling per language


def test_numbers_and_dates_survive(project):
    root, _ = project
    po = catalog.load(root / "locales" / "en" / f"{STEM}.po")
    text = " ".join(e.msgstr for e in po)
    for number in ("2025", "1940", "1873", "1147", "27", "20"):
        assert number in text


def test_rerun_keeps_approved_and_redoes_only_changes(project, run_cli, tmp_path):
    root, _ = project
    work = tmp_path / "p"
    shutil.copytree(root, work)
    path = work / "locales" / "es" / f"{STEM}.po"
    with catalog.edit(path) as po:
        approved = po.find("Le deuxième sommet prévu à Budapest, qui était considéré comme une "
                           "autre opportunité de paix pour l’Ukraine, a été annulé.",
                           msgctxt="p6.s1")
        approved.msgstr = "La segunda cumbre prevista en Budapest fue cancelada."
        catalog.set_state(approved, State.APPROVED)
    source = work / "corpus" / DOC
    text = source.read_text("utf-8")
    old = "Selon des sources, la raison"
    source.write_text(text.replace(old, "Selon plusieurs sources, la raison"), "utf-8")
    result = run_cli("translate", f"corpus/{DOC}", "--to", "es", "--json", cwd=work)
    assert result.returncode == 0, result.err
    report = json.loads(result.out)[0]
    assert report["translated"] == 1
    po = catalog.load(path)
    kept = po.find(approved.msgid, msgctxt="p6.s1")
    assert kept.msgstr == "La segunda cumbre prevista en Budapest fue cancelada."
    assert catalog.entry_state(kept) == State.APPROVED and "fuzzy" not in kept.flags
    changed = next(e for e in po if e.msgid.startswith("Selon plusieurs sources"))
    assert changed.previous_msgid.startswith(old)
    assert "fuzzy" in changed.flags and changed.msgstr
    msgfmt_check(path)


def test_changed_approved_sentence_keeps_human_text_as_fuzzy(project, run_cli, tmp_path):
    root, _ = project
    work = tmp_path / "p"
    shutil.copytree(root, work)
    path = work / "locales" / "es" / f"{STEM}.po"
    with catalog.edit(path) as po:
        entry = next(e for e in po if e.msgctxt == "p8.s1")
        entry.msgstr = "Texto humano aprobado."
        catalog.set_state(entry, State.APPROVED)
        old_msgid = entry.msgid
    source = work / "corpus" / DOC
    source.write_text(source.read_text("utf-8").replace("Selon des sources", "Selon nos sources"),
                      "utf-8")
    assert run_cli("translate", f"corpus/{DOC}", "--to", "es", cwd=work).returncode == 0
    entry = next(e for e in catalog.load(path) if e.msgctxt == "p8.s1")
    assert entry.msgstr == "Texto humano aprobado."
    assert entry.previous_msgid == old_msgid and "fuzzy" in entry.flags
    assert catalog.entry_state(entry) == State.EDITED
    assert catalog.get_meta(entry, "mt")  # the new MT is there for the reviewer to pick
    again = run_cli("translate", f"corpus/{DOC}", "--to", "es", "--json", cwd=work)
    assert json.loads(again.out)[0]["translated"] == 0  # nothing left to do


def test_glossary_forced_and_kept_terms(run_cli, tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "otan.txt").write_text(
        "L’OTAN a répondu à Marco Rubio.\n", "utf-8")
    (tmp_path / "terms.csv").write_text("term,lang,translation\nOTAN,en,NATO\nOTAN,es,OTAN\n", "utf-8")
    result = run_cli("translate", "corpus/otan.txt", "--to", "en,es", "--glossary", "terms.csv")
    assert result.returncode == 0, result.err
    en = catalog.load(tmp_path / "locales" / "en" / "otan.po")
    es = catalog.load(tmp_path / "locales" / "es" / "otan.po")
    assert "NATO" in en[0].msgstr and "OTAN" not in en[0].msgstr
    assert "OTAN" in es[0].msgstr
    assert en.metadata["X-Locwork-Glossary"] == "terms.csv"


def test_no_route_says_what_to_install(run_cli, tmp_path):
    (tmp_path / "a.txt").write_text("Bonjour le monde.\n", "utf-8")
    result = run_cli("translate", "a.txt", "--to", "ja")
    assert result.returncode == 3
    assert "no route from fr to ja" in result.err and "install" in result.err
    assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize("args, message", [
    (["translate", "missing.txt", "--to", "es"], "no such file"),
    (["translate", "empty", "--to", "es"], "no .txt, .md or .html documents"),
    (["translate", "a.txt", "--to", "es", "--route", "bogus"], "bad route"),
    (["translate", "a.txt", "--to", "es", "--glossary", "none.csv"], "no such glossary"),
    (["pretranslate", "a.txt", "--from", "en", "--to", "fr"], "a.txt"),
])
def test_bad_input_gets_one_line(run_cli, tmp_path, args, message):
    (tmp_path / "a.txt").write_text("Bonjour.\n", "utf-8")
    (tmp_path / "empty").mkdir()
    result = run_cli(*args)
    assert result.returncode == 1, result.err
    assert message in result.err and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_pinned_route_is_recorded(run_cli, tmp_path):
    (tmp_path / "a.txt").write_text("Le président a parlé à Moscou.\n", "utf-8")
    result = run_cli("translate", "a.txt", "--to", "en", "--route", "en=fr-es-en", "--json")
    assert result.returncode == 0, result.err
    assert json.loads(result.out)[0]["route"]["languages"] == ["fr", "es", "en"]
    po = catalog.load(tmp_path / "locales" / "en" / "a.po")
    assert catalog.get_meta(po[0], "route") == "apertium:fr-es,apertium:es-en"


SOFTWARE_CATALOGS = ["shadow.po.fr.po", "shadow.man-po.fr.po", "glib.po.fr.po", "vim.src-po.fr.po",
                     "django-5.2.19.humanize.fr.django.po"]


@pytest.mark.parametrize("name", SOFTWARE_CATALOGS)
def test_pretranslate_changes_only_untranslated_entries(run_cli, tmp_path, name):
    source = shared_path("data", "po", name)
    shutil.copy(source, tmp_path / name)
    result = run_cli("pretranslate", name, "--from", "en", "--to", "fr", "-o", "out.po", "--json")
    assert result.returncode == 0, result.err
    report = json.loads(result.out)
    before = catalog.load(source)
    after = catalog.load(tmp_path / "out.po")
    # The header is kept, plus the source language the exports read.
    assert after.metadata == {**before.metadata, **({"X-Source-Language": "en"} if report["filled"] else {})}
    assert len(after) == len(before)
    filled = 0
    for old, new in zip(before, after):
        assert (old.msgctxt, old.msgid, old.msgid_plural, old.obsolete) == \
            (new.msgctxt, new.msgid, new.msgid_plural, new.obsolete)
        untranslated = not old.obsolete and old.msgid and not (
            old.msgstr or any(old.msgstr_plural.values()))
        if untranslated and (new.msgstr or any(new.msgstr_plural.values())):
            filled += 1
            assert "fuzzy" in new.flags
        else:
            assert (old.msgstr, old.msgstr_plural, old.flags, old.comment, old.tcomment,
                    old.occurrences, old.previous_msgid) == \
                (new.msgstr, new.msgstr_plural, new.flags, new.comment, new.tcomment,
                 new.occurrences, new.previous_msgid), old.msgid
    assert filled == report["filled"]
    if "django" not in name:  # the Django files fail msgfmt --check upstream already
        msgfmt_check(tmp_path / "out.po")


def test_pretranslate_keeps_placeholders(run_cli, tmp_path):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr",
                   "Plural-Forms": "nplurals=2; plural=(n > 1);"}
    po.append(polib.POEntry(msgid="Delete %(count)d files from {folder}?", flags=["python-format"]))
    po.append(polib.POEntry(msgid="<b>Warning</b>: the disk &amp; the file %s are full.\n",
                            flags=["c-format"]))
    po.append(polib.POEntry(msgid="One file", msgid_plural="%d files", msgstr_plural={0: "", 1: ""},
                            flags=["c-format"]))
    po.append(polib.POEntry(msgid="Already done", msgstr="Déjà fait"))
    po.save(str(tmp_path / "app.po"))
    result = run_cli("pretranslate", "app.po", "--from", "en", "--to", "fr")
    assert result.returncode == 0, result.err
    out = catalog.load(tmp_path / "app.po")
    first, second, plural, done = list(out)
    assert "%(count)d" in first.msgstr and "{folder}" in first.msgstr
    assert second.msgstr.startswith("<b>") and "</b>" in second.msgstr
    assert "&amp;" in second.msgstr and "%s" in second.msgstr and second.msgstr.endswith("\n")
    assert plural.msgstr_plural[0] and "%d" in plural.msgstr_plural[1]
    assert done.msgstr == "Déjà fait" and "fuzzy" not in done.flags
    msgfmt_check(tmp_path / "app.po")
