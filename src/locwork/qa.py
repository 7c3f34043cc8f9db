"""Quality checks on one translated segment: pure functions, no I/O.

``check(source, target, lang)`` compares a French source sentence with its
translation and returns warnings a reviewer should look at. Each check knows
how French writes things and how the target language should:

- ``number``: every number of the source is in the target, converted:
  ``3 000`` → ``3,000`` and ``1,5`` → ``1.5`` in English; in the other
  languages the decimal comma stays and any grouping is accepted
  (``3000``, ``3.000``, ``3 000``: CLDR's Spanish, for one, leaves four-digit
  numbers ungrouped and groups larger ones with a dot, and style guides
  disagree, so being strict would only cry wolf). English also wants no
  space before ``%``.
- ``date``: ``20 octobre`` needs the day and the month in the target
  language (``October 20``, ``20 de octubre``, ``20 d'octubre``...).
- ``quote``: the source's « » pairs are all there (any style of quotes,
  but English wants “ ” rather than guillemets).
- ``name``: capitalised words that are not first in their sentence are
  names; each must be in the target, allowing exonyms (Poutine → Putin,
  Moscou → Moscú) through a similarity tolerance plus a short table for
  the ones no tolerance catches (Maison Blanche → White House).
  A capitalised word that is also a common French word ("la place Rouge",
  "sur Terre") may be translated: it passes when the target has a
  capitalised word that no source word explains ("plaza Roja", "Earth").
- ``untranslated``: a lowercase word of the target that is a word or a
  fragment of a word of the source ("inchangées", "léphonique" cut from
  "téléphonique") and not a word of the target language, as Hunspell's
  dictionary for it says (Debian's hunspell-* packages through pyenchant);
  a language without a dictionary keeps the source-overlap test alone.
- ``glossary``: a glossary term of the source lacks its forced rendering.
- ``markup``: the target's inline markup (HTML tags, Markdown emphasis,
  links and code) and placeholders (``%s``, ``{0}``) are not the source's,
  or the machine translation lost a protected span.
- ``empty``, ``punctuation`` (a different final mark) and ``length`` (the
  target shorter than half or longer than twice the source).
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from typing import Iterable

from locwork.glossary import Glossary
from locwork.protect import BRACE, EMAIL, URL, markup_spans

CODES = ("empty", "number", "date", "quote", "name", "untranslated", "glossary", "punctuation",
         "length", "markup")
LABELS = {
    "empty": "empty target",
    "number": "numbers",
    "date": "dates",
    "quote": "quotation marks",
    "name": "names",
    "untranslated": "untranslated words",
    "glossary": "glossary",
    "punctuation": "final punctuation",
    "length": "length",
    "markup": "markup and placeholders",
}

MIN_RATIO, MAX_RATIO = 0.5, 2.0
MIN_LENGTH_FOR_RATIO = 15  # characters: "Logo" → "Logotipo" is no problem
NAME_SIMILARITY = 0.7


@dataclass(frozen=True)
class QAWarning:
    """One thing a reviewer should look at."""

    code: str  # one of CODES
    message: str

    def __str__(self) -> str:
        return self.message


def fold(text: str) -> str:
    """Lower case without accents, for tolerant comparisons."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# ------------------------------------------------------------------ numbers

SPACES = " \u00a0\u202f\u2009"
_FR_NUMBER = re.compile(
    rf"(?<![\w.,])(\d{{1,3}}(?:[{SPACES}.]\d{{3}})+(?!\d)(?:,\d+)?|\d+(?:,\d+)?)(?!\w)"
)
DECIMAL_POINT_LANGS = {"en", "zh", "ja", "ko", "he", "th", "ga", "cy", "mt", "sw"}


def decimal_separator(lang: str) -> str:
    return "." if lang.split("_")[0] in DECIMAL_POINT_LANGS else ","


def _value(integer: str, fraction: str = "") -> Decimal | None:
    try:
        return Decimal(f"{integer}.{fraction}" if fraction else integer).normalize()
    except InvalidOperation:
        return None


def source_numbers(text: str) -> list[tuple[str, Decimal]]:
    """(as written, value) for every number of a French text."""
    found = []
    for match in _FR_NUMBER.finditer(text):
        raw = match.group(1)
        integer, _, fraction = raw.partition(",")
        value = _value(re.sub(rf"[{SPACES}.]", "", integer), fraction)
        if value is not None:
            found.append((raw, value))
    return found


def target_numbers(text: str, lang: str) -> list[set[Decimal]]:
    """For every number of a translation, the values it can stand for.

    English is read strictly (``,`` groups, ``.`` is the decimal point).
    Other languages use the decimal comma and any grouping: a dot or a comma
    followed by exactly three digits may be a thousands separator.
    """
    dec = decimal_separator(lang)
    group = "," if dec == "." else "."
    groups = re.escape(SPACES + "'" + group)
    pattern = re.compile(
        rf"(?<![\w.,])(\d{{1,3}}(?:[{groups}]\d{{3}})+(?!\d)(?:{re.escape(dec)}\d+)?"
        rf"|\d+(?:{re.escape(dec)}\d+)?)(?!\w)"
    )
    lenient = dec == ","
    # A decade is a year with an "s" ("the 1920s", "the 1920's"); Esperanto
    # writes ordinals with an ending ("la 20-a", "la 21an").
    text = re.sub(r"(?<![\w.,])(\d{4})[’']?s\b", r"\1", text)
    if lang.split("_")[0] == "eo":
        text = re.sub(r"(?<![\w.,])(\d+)-?an?\b", r"\1", text)
    found: list[set[Decimal]] = []
    for match in pattern.finditer(text):
        raw = match.group(1)
        integer, _, fraction = raw.partition(dec)
        values = {_value(re.sub(rf"[{groups}]", "", integer), fraction)}
        if lenient and fraction and len(fraction) == 3 and not re.search(rf"[{groups}]", integer):
            values.add(_value(integer + fraction))  # "3,000" read as three thousand
        found.append({v for v in values if v is not None})
    return found


YEARS = (1000, 2100)


def is_year(value: Decimal) -> bool:
    """A whole number from 1000 to 2100 standing alone reads as a year, and
    years are never grouped ("in 1920", not "in 1,920")."""
    return value == value.to_integral_value() and YEARS[0] <= value <= YEARS[1]


def format_number(value: Decimal, lang: str) -> str:
    """How the number should look in the target language (for messages)."""
    if is_year(value):
        return str(int(value))
    dec = decimal_separator(lang)
    text = format(value, "f")
    integer, _, fraction = text.partition(".")
    if len(integer) > 4 or (dec == "." and len(integer) > 3):
        grouped = f"{int(integer):,}"
        integer = grouped if dec == "." else grouped.replace(",", ".")
    return integer + (dec + fraction if fraction else "")


def check_numbers(source: str, target: str, lang: str) -> list[QAWarning]:
    warnings = []
    candidates = target_numbers(target, lang)
    used: set[int] = set()
    for raw, value in source_numbers(source):
        hit = next((i for i, values in enumerate(candidates) if i not in used and value in values), None)
        if hit is None:
            warnings.append(QAWarning(
                "number",
                f"number {raw} is missing or changed (expected {format_number(value, lang)})",
            ))
        else:
            used.add(hit)
    if "%" in source and "%" not in target and not re.search(
        r"per ?cent|por ?cien|por ?cento|pour ?cent|procent", target, re.I
    ):
        warnings.append(QAWarning("number", "the percent sign is missing"))
    if lang.split("_")[0] == "en" and re.search(rf"\d[{SPACES}]%", target):
        warnings.append(QAWarning("number", "no space before % in English (1.5%, not 1.5 %)"))
    return warnings


# -------------------------------------------------------------------- dates

MONTHS: dict[str, list[tuple[str, ...]]] = {
    "fr": [("janvier",), ("février", "fevrier"), ("mars",), ("avril",), ("mai",), ("juin",),
           ("juillet",), ("août", "aout"), ("septembre",), ("octobre",), ("novembre",),
           ("décembre", "decembre")],
    "en": [("January",), ("February",), ("March",), ("April",), ("May",), ("June",), ("July",),
           ("August",), ("September",), ("October",), ("November",), ("December",)],
    "es": [("enero",), ("febrero",), ("marzo",), ("abril",), ("mayo",), ("junio",), ("julio",),
           ("agosto",), ("septiembre", "setiembre"), ("octubre",), ("noviembre",),
           ("diciembre",)],
    "ca": [("gener",), ("febrer",), ("març",), ("abril",), ("maig",), ("juny",), ("juliol",),
           ("agost",), ("setembre",), ("octubre",), ("novembre",), ("desembre",)],
    "pt": [("janeiro",), ("fevereiro",), ("março",), ("abril",), ("maio",), ("junho",),
           ("julho",), ("agosto",), ("setembro",), ("outubro",), ("novembro",), ("dezembro",)],
    "it": [("gennaio",), ("febbraio",), ("marzo",), ("aprile",), ("maggio",), ("giugno",),
           ("luglio",), ("agosto",), ("settembre",), ("ottobre",), ("novembre",), ("dicembre",)],
    "gl": [("xaneiro",), ("febreiro",), ("marzo",), ("abril",), ("maio",), ("xuño",),
           ("xullo",), ("agosto",), ("setembro",), ("outubro",), ("novembro",), ("decembro",)],
    "eo": [("januaro",), ("februaro",), ("marto",), ("aprilo",), ("majo",), ("junio",),
           ("julio",), ("aŭgusto", "augusto"), ("septembro",), ("oktobro",), ("novembro",),
           ("decembro",)],
    "oc": [("genièr", "janvièr"), ("febrièr",), ("març",), ("abril",), ("mai",), ("junh",),
           ("julhet", "julh"), ("agost",), ("setembre",), ("octòbre",), ("novembre",),
           ("decembre",)],
    "de": [("Januar",), ("Februar",), ("März",), ("April",), ("Mai",), ("Juni",), ("Juli",),
           ("August",), ("September",), ("Oktober",), ("November",), ("Dezember",)],
}
DATE_FORMATS = {
    "en": "{month} {day}",
    "es": "{day} de {month}",
    "ca": "{day} {de}{month}",
    "pt": "{day} de {month}",
    "gl": "{day} de {month}",
    "it": "{day} {month}",
    "eo": "la {day}-a de {month}",
    "oc": "{day} {de}{month}",
    "de": "{day}. {month}",
    "fr": "{day} {month}",
}
_FR_MONTHS = "|".join(name for names in MONTHS["fr"] for name in names)
_FR_DATE = re.compile(rf"\b(1er|\d{{1,2}})\s+({_FR_MONTHS})\b", re.IGNORECASE)


def format_date(day: int, month: int, lang: str) -> str:
    name = MONTHS[lang][month - 1][0]
    de = "d'" if fold(name)[0] in "aeiou" else "de "
    return DATE_FORMATS.get(lang, "{day} {month}").format(day=day, month=name, de=de)


def check_dates(source: str, target: str, lang: str) -> list[QAWarning]:
    base = lang.split("_")[0]
    if base not in MONTHS:
        return []
    folded = fold(target)
    warnings = []
    for match in _FR_DATE.finditer(source):
        day = 1 if match.group(1).lower() == "1er" else int(match.group(1))
        month = next(i for i, names in enumerate(MONTHS["fr"], start=1)
                     if fold(match.group(2)) in map(fold, names))
        names = MONTHS[base][month - 1]
        has_month = any(re.search(rf"\b{re.escape(fold(n))}\b", folded) for n in names)
        has_day = re.search(rf"(?<!\d){day}(?!\d)", target) is not None
        if not (has_month and has_day):
            warnings.append(QAWarning(
                "date", f"date “{match.group(0)}” not found (expected {format_date(day, month, base)})"
            ))
    return warnings


# ------------------------------------------------------------------- quotes

def _quote_counts(text: str, lang: str) -> tuple[int, int, int]:
    """(openers, closers, straight quotes) of a text."""
    if lang.split("_")[0] == "de":
        opens, closes = text.count("„") + text.count("»"), text.count("“") + text.count("«")
    else:
        opens = text.count("«") + text.count("“") + text.count("„")
        closes = text.count("»") + text.count("”")
    return opens, closes, text.count('"')


def check_quotes(source: str, target: str, lang: str) -> list[QAWarning]:
    s_open, s_close, s_straight = _quote_counts(source, "fr")
    t_open, t_close, t_straight = _quote_counts(target, lang)
    warnings = []
    if (t_open + t_straight < s_open or t_close + t_straight < s_close
            or t_open + t_close + t_straight < s_open + s_close + s_straight):
        warnings.append(QAWarning(
            "quote", f"a quotation mark is missing (source has {s_open + s_close + s_straight}, "
                     f"target {t_open + t_close + t_straight})"
        ))
    if lang.split("_")[0] == "en" and ("«" in target or "»" in target):
        warnings.append(QAWarning("quote", "English uses “ ” rather than « »"))
    return warnings


# -------------------------------------------------------------------- names

# Exonyms too far from the French spelling for the similarity tolerance.
# A French name (or phrase) is present when any rendering is in the target.
KNOWN_EXONYMS: dict[str, tuple[str, ...]] = {
    "Maison Blanche": ("White House", "Casa Blanca", "Casa Branca", "Casa Bianca",
                       "Blanka Domo", "Ostal Blanc", "Weißen Haus", "Weiße Haus"),
    "Moyen-Orient": ("Middle East", "Oriente Medio", "Orient Mitjà", "Oriente Médio",
                     "Medio Oriente", "Mezoriento", "Proksima Oriento", "Nahen Osten",
                     "Orient Mejan", "Pròche Orient"),
    "États-Unis": ("United States", "Estados Unidos", "Estats Units", "Stati Uniti",
                   "Usono", "Estats Units", "Vereinigten Staaten"),
    "Ukraine": ("Ucrania", "Ucraïna", "Ucrânia", "Ucraína", "Ukrainio", "Ucraina", "Ukraine"),
    "OTAN": ("NATO", "OTAN", "OTAN", "NATO"),
    "UE": ("EU", "UE", "EU"),
    "Londres": ("London", "Londra", "Londono"),
    "Moscou": ("Moscow", "Moscú", "Moscovo", "Moscova", "Mosca", "Moskvo", "Moscòu", "Moskau"),
    "Pékin": ("Beijing", "Pequín", "Pequim", "Pechino", "Pekino", "Peking"),
    "Allemagne": ("Germany", "Alemania", "Alemanya", "Alemanha", "Germania", "Germanujo",
                  "Deutschland"),
    "Chine": ("China", "Cina", "Ĉinio", "Xina"),
    "Russie": ("Rusia", "Rússia", "Russia", "Rusio", "Russland", "Rusia"),
}
# Capitalised French words that are not names: titles and fixed phrases.
NOT_NAMES = {"M", "MM", "Mme", "Mmes", "Mlle", "Dr", "Pr", "Me", "Affaires", "État", "États",
             "Président", "Premier", "Première", "Seconde", "Sénat", "Assemblée", "Conseil",
             "Ministre", "Ministère", "Nord", "Sud", "Est", "Ouest", "Saint", "Sainte", "Etat",
             "Etats", "Guerre", "Armée", "Traité", "Organisation", "Force", "Forces", "Place",
             "Union", "Nations", "Unies", "Cour", "Parlement", "Commission", "Banque", "Fonds",
             "Gouvernement", "République", "Royaume", "Uni", "Mondiale", "Garde", "Marine"}
# Capitalised plural demonyms ("les Égyptiens", "des Américaines") are translated.
_DEMONYM = re.compile(r"(?:iens|iennes|ains|aines|aises|oises|ennes)$")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_INITIAL_AFTER = ".!?…:«“\"([—–"


_ABBREVIATIONS = {"M", "MM", "Mme", "Mmes", "Mlle", "Dr", "Pr", "Me", "Mgr", "St", "Ste", "gén",
                  "Gén", "col", "cf", "av", "apr", "J.-C"}


def _after_abbreviation(prefix: str) -> bool:
    """``M. Rubio``, ``J. Smith``: a dot after a title or an initial ends no sentence."""
    if not prefix.endswith("."):
        return False
    word = re.search(r"([\w.-]+)\.$", prefix)
    if word is None:
        return False
    token = word.group(1)
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isupper())


def source_names(source: str) -> list[str]:
    """Capitalised words that are not first in their sentence or quotation."""
    names: list[str] = []
    for match in _WORD.finditer(source):
        word = match.group(0)
        if len(word) < 2 or not word[0].isupper() or word in NOT_NAMES:
            continue
        if len(word) > 5 and not word.isupper() and _DEMONYM.search(word):
            continue
        prefix = source[:match.start()].rstrip(SPACES + "\t\n")
        if not prefix or (prefix[-1] in _INITIAL_AFTER and not _after_abbreviation(prefix)):
            continue
        if word not in names:
            names.append(word)
    return names


def _present(name: str, target_words: list[str], folded_target: str) -> bool:
    key = fold(name)
    if key in target_words:
        return True
    if len(key) >= 4 and any(key in word for word in target_words):
        return True  # part of a compound: "Afro-Américains" → "afroamericanos"
    return any(SequenceMatcher(None, key, word).ratio() >= NAME_SIMILARITY for word in target_words)


def _capitalised_after_start(text: str) -> list[str]:
    """Capitalised words of a text that are not first in their sentence."""
    found = []
    for match in _WORD.finditer(text):
        word = match.group(0)
        if not word[0].isupper():
            continue
        prefix = text[:match.start()].rstrip(SPACES + "\t\n-")
        if prefix and not (prefix[-1] in _INITIAL_AFTER and not _after_abbreviation(prefix)):
            found.append(word)
    return found


def is_common_french(word: str) -> bool:
    """``Rouge``, ``Terre``: the lowercase form is a French word, so the
    capitalised one may be translated rather than kept as a name."""
    return word[:1].isupper() and not word.isupper() and is_word(word.lower(), "fr")


def check_names(source: str, target: str, lang: str) -> list[QAWarning]:
    folded_target = fold(target)
    target_words = [fold(w) for w in _WORD.findall(target)]
    source_words = [fold(w) for w in _WORD.findall(source)]
    # Capitalised target words that no source word explains: the likely
    # renderings of translated capitalised common words ("plaza Roja").
    spare = [w for w in _capitalised_after_start(target)
             if not _present(w, source_words, "") and not _present(w, [fold(n) for n in NOT_NAMES], "")]
    exempt: set[str] = set()
    warnings = []
    for phrase, renderings in KNOWN_EXONYMS.items():
        if not re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", source):
            continue
        words = set(_WORD.findall(phrase))
        exempt |= words
        ok = any(fold(r) in folded_target for r in renderings) or fold(phrase) in folded_target
        if not ok and not all(_present(w, target_words, folded_target) for w in words):
            warnings.append(QAWarning("name", f"name “{phrase}” not found in the translation"))
    for name in source_names(source):
        if name in exempt or _present(name, target_words, folded_target):
            continue
        if spare and is_common_french(name):
            spare.pop(0)
            continue
        warnings.append(QAWarning("name", f"name “{name}” not found in the translation"))
    return warnings


# ------------------------------------------------------------- untranslated

# Hunspell dictionaries (Debian's hunspell-* and myspell-eo packages) by
# language; a language missing here or on the machine has no dictionary.
DICTIONARY_TAGS = {"en": ("en_US", "en_GB"), "es": ("es_ES",), "ca": ("ca",), "pt": ("pt_PT", "pt_BR"),
                   "it": ("it_IT",), "gl": ("gl_ES",), "oc": ("oc_FR",), "eo": ("eo",),
                   "ro": ("ro_RO",), "fr": ("fr_FR",)}
MIN_UNTRANSLATED = 4  # letters: shorter words are too often shared ("plan", "gas")
MIN_FRAGMENT = 5
MIN_UNCHECKED = 6  # without a dictionary, only longer shared words are reported
_DICT_LOCK = threading.Lock()
_FOLDED_FR_MONTHS = {fold(name) for names in MONTHS["fr"] for name in names}


@functools.lru_cache(maxsize=None)
def dictionaries(lang: str) -> tuple:
    """The Hunspell dictionaries of a language (pyenchant): every variant
    installed (en_US and en_GB both spell English), or none."""
    try:
        import enchant
    except ImportError:  # libenchant missing: the checks fall back
        return ()
    found = []
    for tag in dict.fromkeys((lang, *DICTIONARY_TAGS.get(lang.split("_")[0], ()))):
        try:
            if enchant.dict_exists(tag):
                found.append(enchant.Dict(tag))
        except enchant.errors.Error:
            continue
    return tuple(found)


@functools.lru_cache(maxsize=65536)
def is_word(word: str, lang: str) -> bool | None:
    """Whether Hunspell knows the word in this language (None: no dictionary)."""
    found = dictionaries(lang)
    if not found:
        return None
    with _DICT_LOCK:  # a Hunspell handle is not safe across threads
        return any(d.check(word) for d in found)


def _without_addresses(text: str) -> str:
    """The text less its URLs and e-mail addresses, which stay as they are."""
    return EMAIL.sub(" ", URL.sub(" ", text))


def _shared_with_source(word: str, source_words: set[str]) -> bool:
    """The word is a source word, or a piece of one cut by the engine
    ("léphonique" from "téléphonique")."""
    key = fold(word)
    if key in source_words:
        return True
    return len(key) >= MIN_FRAGMENT and any(
        len(s) > len(key) and (s.endswith(key) or s.startswith(key)) for s in source_words)


def untranslated_words(source: str, target: str, lang: str) -> list[str]:
    """Lowercase target words that look like French left as it was."""
    if lang.split("_")[0] == "fr":
        return []
    source_words = {fold(w) for w in _WORD.findall(_without_addresses(source))}
    found: list[str] = []
    for word in _WORD.findall(_without_addresses(target)):
        if len(word) < MIN_UNTRANSLATED or not word.islower() or word in found:
            continue
        if fold(word) in _FOLDED_FR_MONTHS:  # the date check reports these
            continue
        if not _shared_with_source(word, source_words):
            continue
        known = is_word(word, lang)
        if known or (known is None and len(word) < MIN_UNCHECKED):
            continue
        found.append(word)
    return found


def check_untranslated(source: str, target: str, lang: str) -> list[QAWarning]:
    words = untranslated_words(source, target, lang)
    if not words:
        return []
    listed = ", ".join(f"“{w}”" for w in words)
    return [QAWarning("untranslated", f"left untranslated: {listed}")]


# ------------------------------------------------------------ the others

def check_glossary(source: str, target: str, lang: str, glossary: Glossary | None) -> list[QAWarning]:
    if glossary is None or not len(glossary):
        return []
    warnings = []
    seen = set()
    for _, _, term in glossary.find(source, lang):
        rendering = term.rendering()
        if term.term in seen:
            continue
        seen.add(term.term)
        if rendering.casefold() not in target.casefold():
            warnings.append(QAWarning("glossary", f"glossary: “{term.term}” should be “{rendering}”"))
    return warnings


_TRAILING = " \t\u00a0\u202f»”\"’')]*"


def final_mark(text: str) -> str:
    """The final punctuation of a text once closing quotes are set aside."""
    stripped = text.rstrip(_TRAILING)
    if stripped.endswith(("...", "…")):
        return "…"
    last = stripped[-1:]
    return last if last in ".!?:;" else ""


def check_punctuation(source: str, target: str) -> list[QAWarning]:
    s, t = final_mark(source), final_mark(target)
    if s == t:
        return []
    describe = lambda mark: f"“{mark}”" if mark else "no punctuation"  # noqa: E731
    return [QAWarning("punctuation", f"the source ends with {describe(s)}, the target with {describe(t)}")]


#: printf placeholders, without the space flag ("50 % des" is no "% d").
PRINTF_STRICT = re.compile(r"%(?:\d+\$|\([^)]+\))?[-+0#]*\d*(?:\.\d+)?[diouxXeEfFgGcs]")


def markup_codes(text: str) -> list[str]:
    """The inline markup and placeholders of a text, sorted."""
    codes = [text[s:e] for s, e in markup_spans(text)]
    codes += [m.group(0) for pattern in (BRACE, PRINTF_STRICT) for m in pattern.finditer(text)]
    return sorted(codes)


def check_markup(source: str, target: str) -> list[QAWarning]:
    """Tags, Markdown delimiters and placeholders must match between source and target."""
    want, got = markup_codes(source), markup_codes(target)
    if want == got:
        return []
    missing = [c for c in want if want.count(c) > got.count(c)]
    extra = [c for c in got if got.count(c) > want.count(c)]
    parts = []
    if missing:
        parts.append("missing " + " ".join(dict.fromkeys(missing)))
    if extra:
        parts.append("not in the source " + " ".join(dict.fromkeys(extra)))
    return [QAWarning("markup", "tags or placeholders differ: " + "; ".join(parts))]


def check_length(source: str, target: str) -> list[QAWarning]:
    s, t = len(source.strip()), len(target.strip())
    if s < MIN_LENGTH_FOR_RATIO:
        return []
    ratio = t / s
    if ratio < MIN_RATIO:
        return [QAWarning("length", f"the target is much shorter than the source ({ratio:.0%})")]
    if ratio > MAX_RATIO:
        return [QAWarning("length", f"the target is much longer than the source ({ratio:.0%})")]
    return []


def check(source: str, target: str, lang: str, glossary: Glossary | None = None,
          lost: str | None = None) -> list[QAWarning]:
    """Every warning for one segment (``lost``: the ``mt-lost`` provenance)."""
    if not target.strip():
        return [QAWarning("empty", "the translation is empty")]
    warnings: list[QAWarning] = []
    warnings += check_numbers(source, target, lang)
    warnings += check_dates(source, target, lang)
    warnings += check_quotes(source, target, lang)
    warnings += check_names(source, target, lang)
    warnings += check_untranslated(source, target, lang)
    warnings += check_glossary(source, target, lang, glossary)
    warnings += check_punctuation(source, target)
    warnings += check_length(source, target)
    warnings += check_markup(source, target)
    if lost and not any(w.code == "markup" for w in warnings):
        warnings.append(QAWarning("markup", f"machine translation lost: {lost}"))
    return warnings


def codes(warnings: Iterable[QAWarning]) -> set[str]:
    return {w.code for w in warnings}
