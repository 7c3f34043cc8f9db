"""Search that ignores case and accents; search and replace with a preview, through the CLI."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import DEFAULT_DOC, msgfmt_check
from locwork import catalog, history, review, search
from locwork.catalog import State
from locwork.errors import LocworkError

DOC = DEFAULT_DOC.stem


def test_fold_ignores_case_accents_and_typographic_spaces():
    assert search.contains("L'État a dit", "etat")
    assert search.contains("ÉTAT", "État") and search.contains("Sergueï", "serguei")
    assert search.contains("« Oui\u202f»", "oui »")  # a narrow no-break space, typed as a space
    assert not search.contains("Etats-Unis", "état civil")
    assert search.contains("anything", "  ")  # an empty query matches everything


def test_review_search_finds_etat_in_etat(tmp_path):
    row = review.Row(id="p1.s1", kind="sentence", level=None, source="L'État islamique",
                     target="El Estado", state="machine")
    assert review.filter_rows([row], query="etat islamique") == [row]
    assert review.filter_rows([row], query="ESTADO") == [row]
    assert review.filter_rows([row], query="estados") == []


@pytest.fixture(scope="module")
def translated(tmp_path_factory):
    """The default article in Spanish, through Apertium: a real catalog to replace in."""
    from locwork import pipeline, workspace
    from locwork.engines.registry import Engines

    root = tmp_path_factory.mktemp("replace")
    (root / "corpus").mkdir()
    shutil.copy(DEFAULT_DOC, root / "corpus")
    doc = workspace.load_document(root / "corpus" / DEFAULT_DOC.name)
    with Engines(["apertium"]) as engines:
        route = pipeline.choose_route(engines, "fr", "es", route_spec="apertium:fr-es")
        pipeline.translate_document(doc, "es", route, engines, root / "locales", root=root)
    return root


@pytest.fixture
def project(translated, tmp_path):
    shutil.copytree(translated, tmp_path / "p")
    return tmp_path / "p", tmp_path / "p" / "locales" / "es" / f"{DOC}.po"


def occurrences(path, word: str) -> list[str]:
    return [e.msgctxt for e in catalog.load(path) if word in e.msgstr]


def test_preview_then_apply(project, run_cli):
    root, path = project
    hits = occurrences(path, "Putin")
    assert len(hits) >= 3
    approved = hits[0]
    saved = review.save(path, approved, review.current(path, approved).target, "", "Ana",
                        approve=True)
    assert saved.state == "approved"
    before = path.read_bytes()

    preview = run_cli("replace", str(path), "--find", "Putin", "--with", "Putín", cwd=root)
    assert preview.returncode == 0, preview.err
    assert f"{len(hits)} segments would change" in preview.out
    assert "run again with --apply" in preview.out
    assert f"{path}:{hits[1]} [machine]" in preview.out
    assert path.read_bytes() == before  # a preview writes nothing

    missing = run_cli("replace", str(path), "--find", "Putin", "--with", "Putín", "--apply",
                      cwd=root)
    assert missing.returncode == 1 and missing.err.count("\n") == 1 and "--reviewer" in missing.err
    assert path.read_bytes() == before

    applied = run_cli("replace", str(path), "--find", "Putin", "--with", "Putín", "--apply",
                      "--reviewer", "Bea", "--json", cwd=root)
    assert applied.returncode == 0, applied.err
    report = json.loads(applied.out)
    assert report["applied"] and report["segments"] == len(hits)
    po = catalog.load(path)
    for seg in hits:
        entry = review.find_entry(po, seg)
        assert "Putin" not in entry.msgstr and "Putín" in entry.msgstr
        assert catalog.get_meta(entry, "reviewer") == "Bea"
        want = State.APPROVED if seg == approved else State.EDITED
        assert catalog.entry_state(entry) is want
    assert [r["segment"] for r in history.read(path) if r["action"] == "replace"] == hits
    msgfmt_check(path)
    again = run_cli("replace", str(path), "--find", "Putin", "--with", "Putín", cwd=root)
    assert "0 segments would change" in again.out


def test_regex_states_and_bad_input(project, run_cli):
    root, path = project
    result = run_cli("replace", str(path), "--find", r"(\d+) de octubre", "--with", r"\1 octubre",
                     "--regex", "--state", "machine", "--json", cwd=root)
    assert result.returncode == 0, result.err
    changes = json.loads(result.out)["files"][0]["changes"]
    assert changes and all("de octubre" not in c["new"] for c in changes)
    bad = run_cli("replace", str(path), "--find", "(", "--with", "x", "--regex", cwd=root)
    assert bad.returncode == 1 and bad.err.count("\n") == 1
    assert "not a valid regular expression" in bad.err


def test_a_replace_never_overwrites_a_save_made_after_its_preview(project):
    _, path = project
    changes = search.plan_replace(catalog.load(path), "Putin", "Putín")
    target = changes[0].segment
    review.save(path, target, "Otro texto de Ana.", changes[0].old, "Ana")
    before = path.read_bytes()
    with pytest.raises(LocworkError, match="changed since the preview"):
        search.apply_replace(path, changes, "Bea")
    assert path.read_bytes() == before  # all or nothing


# -- batch approve and comments: the service functions the review screen calls ------------


def test_batch_approval_approves_only_what_the_reviewer_saw(project):
    _, path = project
    po = catalog.load(path)
    seen = [(e.msgctxt, e.msgstr) for e in po if e.msgctxt and e.msgstr][:6]
    review.save(path, seen[0][0], "Texto de Ana.", seen[0][1], "Ana")  # after the list was shown
    review.save(path, seen[1][0], seen[1][1], seen[1][1], "Ana", approve=True)
    result = review.approve_many(path, seen, "Bea")
    assert result.changed == [seen[0][0]] and result.already == [seen[1][0]]
    assert result.approved == [s for s, _ in seen[2:]]
    assert "4 approved" in result.summary() and "1 already approved" in result.summary()
    po = catalog.load(path)
    assert review.find_entry(po, seen[0][0]).msgstr == "Texto de Ana."
    assert catalog.entry_state(review.find_entry(po, seen[0][0])) is State.EDITED
    for seg, text in seen[2:]:
        entry = review.find_entry(po, seg)
        assert entry.msgstr == text and catalog.entry_state(entry) is State.APPROVED
        assert catalog.get_meta(entry, "reviewer") == "Bea"
    msgfmt_check(path)


def test_a_comment_is_a_po_translator_comment(project):
    _, path = project
    seg = next(e.msgctxt for e in catalog.load(path) if e.msgctxt)
    before = review.current(path, seg)
    assert review.set_comment(path, seg, "  Vérifier ce nom\r\navec l'auteur.  ", "Ana") == \
        "Vérifier ce nom\navec l'auteur."
    text = path.read_text("utf-8")
    assert "# Vérifier ce nom\n# avec l'auteur.\n" in text
    after = review.current(path, seg)
    assert (after.target, after.state) == (before.target, before.state)
    assert [r["action"] for r in history.read(path, seg)] == ["comment"]
    msgfmt_check(path)
    review.set_comment(path, seg, "", "Ana")
    assert "# Vérifier" not in path.read_text("utf-8")


def test_tokens_to_copy_and_glossary_terms_added_from_the_screen(tmp_path):
    from locwork import glossary, tokens

    found = tokens.find("Le 20 octobre, Sergueï Lavrov a refusé %s et <b>3 000</b> https://a.fr/x")
    assert [(t.kind, t.text) for t in found] == [
        ("number", "20"), ("name", "Sergueï Lavrov"), ("placeholder", "%s"), ("tag", "<b>"),
        ("number", "3 000"), ("tag", "</b>"), ("url", "https://a.fr/x")]
    assert tokens.highlight_html("a <b> & b") == \
        'a <mark class="lw-tok lw-tag">&lt;b&gt;</mark> &amp; b'
    assert tokens.counts("Deux\u00a0mots.") == (10, 2)

    path = tmp_path / "glossary.csv"
    glossary.append_term(path, glossary.Term("OTAN", "en", "NATO"))
    added = glossary.append_term(path, glossary.Term("Maison, Blanche", "es", 'Casa "Blanca"'))
    assert glossary.load(path).terms == added.terms
    assert [t.translation for t in added.terms] == ["NATO", 'Casa "Blanca"']
    with pytest.raises(LocworkError, match="already in"):
        glossary.append_term(path, glossary.Term("OTAN", "en", "N.A.T.O."))
