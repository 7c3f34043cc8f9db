"""QA checks (locwork.qa): pure functions, one behaviour per test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from locwork import glossary, qa


def codes(source: str, target: str, lang: str, **kwargs) -> list[str]:
    return [w.code for w in qa.check(source, target, lang, **kwargs)]


# ----------------------------------------------------------------- numbers

def test_french_grouping_becomes_an_english_comma():
    src = "Il y a 3 000 soldats."
    assert "number" not in codes(src, "There are 3,000 soldiers.", "en")
    assert "number" not in codes(src, "There are 3000 soldiers.", "en")
    warnings = qa.check(src, "There are 3.000 soldiers.", "en")
    assert [w.code for w in warnings] == ["number"]
    assert "expected 3,000" in warnings[0].message


def test_narrow_and_non_breaking_spaces_group_too():
    assert qa.source_numbers("soit 12\u202f500 ou 3\u00a0000") == [
        ("12\u202f500", Decimal("12500")), ("3\u00a0000", Decimal("3000"))]


@pytest.mark.parametrize("target", ["Hay 3000 soldados.", "Hay 3.000 soldados.", "Hay 3 000 soldados.",
                                    "Hay 3,000 soldados."])
def test_any_grouping_is_accepted_outside_english(target):
    assert "number" not in codes("Il y a 3 000 soldats.", target, "es")


def test_decimal_comma_becomes_a_point_in_english_only():
    src = "Une hausse de 1,5 % cette année."
    assert "number" not in codes(src, "A rise of 1.5% this year.", "en")
    assert "number" in codes(src, "A rise of 1,5% this year.", "en")
    assert "number" not in codes(src, "Un aumento del 1,5 % este año.", "es")
    assert "number" in codes(src, "Un aumento del 1.5 % este año.", "es")


def test_english_wants_no_space_before_percent():
    messages = [w.message for w in qa.check("Une hausse de 1,5 %.", "A rise of 1.5 %.", "en")]
    assert any("no space before %" in m for m in messages)


def test_a_missing_percent_sign_is_flagged_unless_spelled_out():
    assert "number" in codes("Une hausse de 2 %.", "A rise of 2.", "en")
    assert "number" not in codes("Une hausse de 2 %.", "A rise of 2 percent.", "en")


def test_a_number_used_once_cannot_match_twice():
    warnings = qa.check("Entre 20 et 20 personnes.", "Between 20 people.", "en")
    assert [w.code for w in warnings].count("number") == 1


def test_years_and_days_survive_an_english_date():
    src = "le 15 août 2025, à Anchorage."
    assert codes(src, "on August 15, 2025, in Anchorage.", "en") == []


# ------------------------------------------------------------------- dates

@pytest.mark.parametrize("lang,target", [
    ("en", "on October 20."),
    ("en", "on 20 October."),
    ("es", "el 20 de octubre."),
    ("ca", "el 20 d'octubre."),
    ("pt", "em 20 de outubro."),
    ("it", "il 20 ottobre."),
    ("gl", "o 20 de outubro."),
    ("eo", "la 20-an de oktobro."),
    ("oc", "lo 20 d'octòbre."),
])
def test_dates_are_found_in_every_language(lang, target):
    assert "date" not in codes("le 20 octobre.", target, lang)


def test_an_untranslated_month_is_flagged_with_the_expected_form():
    warnings = qa.check("le 20 octobre.", "the 20 octobre.", "en")
    assert [w.code for w in warnings] == ["date"]
    assert "October 20" in warnings[0].message
    assert "20 de octubre" in qa.check("le 20 octobre.", "el 20 octobre.", "es")[0].message


def test_a_changed_day_is_a_date_problem():
    assert "date" in codes("le 21 octobre.", "on October 12.", "en")


def test_first_of_the_month():
    assert "date" not in codes("le 1er mai.", "on May 1.", "en")


# ------------------------------------------------------------------ quotes

def test_english_wants_curly_quotes():
    src = "« Nous restons fidèles », a dit Lavrov."
    assert codes(src, "“We remain loyal,” said Lavrov.", "en") == []
    assert codes(src, '"We remain loyal," said Lavrov.', "en") == []
    assert codes(src, "« We remain loyal », said Lavrov.", "en") == ["quote"]


def test_guillemets_are_fine_in_spanish():
    assert codes("« Nous restons fidèles », a dit Lavrov.",
                 "« Quedamos fieles », ha dicho Lavrov.", "es") == []


def test_a_missing_quote_is_flagged():
    assert "quote" in codes("« Nous restons fidèles », a dit Lavrov.",
                            "« Quedamos fieles, ha dicho Lavrov.", "es")


def test_a_quote_split_across_segments_counts_each_mark():
    assert codes("« Je pense que oui.", "“I think so.", "en") == []
    assert "quote" in codes("Il a dit : « Non. »", "He said: No.", "en")


# ------------------------------------------------------------------- names

def test_capitalised_words_after_the_first_are_names():
    assert qa.source_names("Le président Donald Trump et M. Marco Rubio à Anchorage.") == [
        "Donald", "Trump", "Marco", "Rubio", "Anchorage"]
    assert qa.source_names("« Nous restons fidèles. Selon Lavrov, non. »") == ["Lavrov"]


def test_a_missing_name_is_flagged():
    warnings = qa.check("Le ministre Lavrov a parlé.", "The minister spoke.", "en")
    assert [w.code for w in warnings] == ["name"]
    assert "Lavrov" in warnings[0].message


@pytest.mark.parametrize("lang,target", [
    ("en", "President Putin met in Moscow with Russia's allies in Ukraine."),
    ("es", "El presidente Putin se reunió en Moscú con los aliados de Rusia en Ucrania."),
    ("pt", "O presidente Putin reuniu-se em Moscovo com os aliados da Rússia na Ucrânia."),
])
def test_exonyms_are_tolerated(lang, target):
    src = "Le président Poutine a réuni à Moscou les alliés de la Russie en Ukraine."
    assert "name" not in codes(src, target, lang)


def test_known_phrases_translate_as_a_whole():
    src = "Selon la Maison Blanche et l’OTAN, au Moyen-Orient."
    assert "name" not in codes(src, "According to the White House and NATO, in the Middle East.", "en")
    assert "name" not in codes(src, "Según la Casa Blanca y la OTAN, en Oriente Medio.", "es")
    assert "name" in codes(src, "According to the house and the alliance, in the east.", "en")


# ---------------------------------------------------------------- the rest

def test_glossary_terms_must_be_rendered():
    terms = glossary.parse_csv("term,lang,translation\nOTAN,en,NATO\nMarco Rubio,*,\n")
    src = "M. Marco Rubio et l’OTAN."
    assert "glossary" not in codes(src, "Mr Marco Rubio and NATO.", "en", glossary=terms)
    warnings = qa.check(src, "Mr Marco Rubio and OTAN.", "en", terms)
    assert any(w.code == "glossary" and "NATO" in w.message for w in warnings)


def test_empty_target_is_the_only_warning():
    assert codes("Le 20 octobre, « Poutine ».", "  ", "en") == ["empty"]


def test_final_punctuation():
    assert codes("Il est parti.", "He left", "en") == ["punctuation"]
    assert codes("Est-il parti ?", "Did he leave?", "en") == []
    assert codes("« Il est parti. »", "“He left.”", "en") == []
    assert codes("Deuxième sommet annulé", "Second summit cancelled", "en") == []


def test_length_ratio_bounds():
    src = "Le deuxième sommet prévu a été annulé hier."
    assert codes(src, "Cancelled.", "en") == ["length"]
    assert codes(src, src * 3, "fr") == ["length"]
    assert codes("Oui.", "Yes, indeed, absolutely.", "en") == []  # too short to judge


def test_lost_protected_text_is_reported():
    assert "markup" in codes("Voir https://example.org.", "See.", "en", lost="https://example.org")


def test_format_number():
    assert qa.format_number(Decimal("3000"), "en") == "3,000"
    assert qa.format_number(Decimal("1.5"), "en") == "1.5"
    assert qa.format_number(Decimal("1.5"), "es") == "1,5"
    assert qa.format_number(Decimal("30000"), "es") == "30.000"
