"""Protection of names, URLs, placeholders and glossary terms (pure functions)."""

from __future__ import annotations

import pytest

from locwork import glossary, protect
from locwork.errors import LocworkError

GLOSSARY = glossary.parse_csv(
    "term,lang,translation\nOTAN,en,NATO\nOTAN,es,OTAN\nMaison Blanche,en,White House\n"
    "Marco Rubio,*,\n"
)


def test_glossary_languages_and_do_not_translate():
    assert GLOSSARY.for_language("en")["OTAN"].rendering() == "NATO"
    assert GLOSSARY.for_language("es")["OTAN"].rendering() == "OTAN"
    assert GLOSSARY.for_language("de")["Marco Rubio"].rendering() == "Marco Rubio"
    assert "OTAN" not in GLOSSARY.for_language("de")


def test_glossary_errors():
    with pytest.raises(LocworkError, match="first row"):
        glossary.parse_csv("a,b\nc,d\n")
    with pytest.raises(LocworkError, match="empty"):
        glossary.parse_csv("")
    with pytest.raises(LocworkError, match="no such glossary"):
        glossary.load("/nonexistent.csv")


def test_mask_and_unmask_round_trip():
    text = "L’OTAN et Marco Rubio, voir https://example.org/a.b?c=d. Écrire à jean.dupont@example.fr."
    masked = protect.mask(text, GLOSSARY, "en")
    assert "OTAN" not in masked.text and "Rubio" not in masked.text
    assert "https://" not in masked.text and "@" not in masked.text
    assert masked.text.endswith(".")  # the sentence's full stop is not part of the URL
    restored, lost = protect.unmask(masked.text, masked)
    assert lost == []
    assert restored == text.replace("OTAN", "NATO")


def test_unmask_reports_lost_spans():
    masked = protect.mask("Voir https://example.org/x maintenant.")
    restored, lost = protect.unmask("See now.", masked)
    assert lost == ["https://example.org/x"]


def test_software_placeholders():
    text = "Delete %s (%(count)d files) in {0}? <b>Yes</b> &amp; %1$s 100%%"
    masked = protect.mask(text, software=True)
    for token in ("%s", "%(count)d", "{0}", "<b>", "</b>", "&amp;", "%1$s", "%%"):
        assert token not in masked.text
    assert protect.unmask(masked.text, masked)[0] == text


def test_name_runs_leave_out_acronyms_and_sentence_initial_words():
    assert protect.name_runs("La OTAN y la UE.") == []
    assert protect.name_runs("Budapest es grande.") == []
    assert protect.name_runs("Donald Trump llegó.") == ["Donald Trump"]
    # After an opening quote or dash, and after a question mark, too.
    assert protect.name_runs('"La recherche", dit Marco Rubio. Les Bleus?') == ["Marco Rubio", "Bleus"]
    assert protect.name_runs("Avec Bitcoin, payer.", first=False) == ["Bitcoin"]


def test_a_neural_hop_may_move_or_transliterate_a_name_but_not_drop_a_word():
    assert protect._words_kept("Sophie Pommier", "Egypt expert Sophie Pommier said")
    assert protect._words_kept("Andrian Nikolaïev", "The father, Andrian Nikolaev, was")
    assert not protect._words_kept("Marco Rubio", "Mr Rubio said")
    assert not protect._words_kept("Hélène Richard", "The hopes of Hél-ne Richard")


TBX = b"""<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en"><text><body>
  <termEntry id="t1">
    <langSet xml:lang="fr"><tig><term>OTAN</term></tig></langSet>
    <langSet xml:lang="en"><tig><term>NATO</term></tig></langSet>
    <langSet xml:lang="es"><tig><term>OTAN</term></tig></langSet>
  </termEntry>
  <termEntry id="t2"><langSet xml:lang="fr"><tig><term>Marco Rubio</term></tig></langSet></termEntry>
</body></text></martif>"""


def test_tbx_glossary(tmp_path):
    path = tmp_path / "terms.tbx"
    path.write_bytes(TBX)
    terms = glossary.load(path)
    assert terms.for_language("en")["OTAN"].rendering() == "NATO"
    assert terms.for_language("es")["OTAN"].rendering() == "OTAN"
    assert terms.for_language("de")["Marco Rubio"].rendering() == "Marco Rubio"
    (tmp_path / "bad.tbx").write_bytes(b"<martif><text>")
    with pytest.raises(LocworkError, match="not valid TBX"):
        glossary.load(tmp_path / "bad.tbx")


def test_whole_word_check_agrees_with_the_regex_for_every_neighbour():
    """_has (str.find and character tests) says what ``(?<![\\w-])name(?![\\w-])`` says."""
    import re

    from locwork.protect import _has

    pattern = re.compile(r"(?<![\w-])ab(?![\w-])")
    for code in [*range(0xD800), *range(0xE000, 0x10000), 0x1D7CE, 0x1F600, 0x20000]:  # BMP, a few beyond
        for text in (chr(code) + "ab", "ab" + chr(code), "ab" + chr(code) + "ab"):
            assert _has("ab", text) == (pattern.search(text) is not None), hex(code)
    for name, text in [("", ""), ("", "x"), ("a-b", "xa-b a-b"), ("Rubio", "Rubios Rubio_"), ("é", "café é")]:
        expected = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None
        assert _has(name, text) == expected, (name, text)
