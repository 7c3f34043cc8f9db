"""Glossaries: do-not-translate terms and forced translations per language.

The file is CSV (the format every spreadsheet and CAT tool exports), or
TBX (the terminology exchange standard, read with lxml). CSV has a header
row ``term,lang,translation[,note]``:

- ``OTAN,en,NATO``: in English, "OTAN" is always rendered "NATO";
- ``OTAN,es,OTAN``: in Spanish it stays as is;
- ``Marco Rubio,*,``: ``*`` (or an empty lang) with an empty translation is
  a do-not-translate term in every language.

In TBX, each ``termEntry`` (``conceptEntry`` in TBX v3) holding a French
term gives its other languages' terms as forced translations; an entry
with a French term alone is a do-not-translate term.

Terms are matched case-sensitively on word boundaries, longest first, so
"Maison Blanche" wins over "Maison".
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from locwork.errors import LocworkError

ALL_LANGUAGES = "*"


@dataclass(frozen=True)
class Term:
    """One glossary line."""

    term: str
    lang: str  # a language code or "*"
    translation: str  # empty: do not translate
    note: str = ""

    def rendering(self) -> str:
        return self.translation or self.term


@dataclass
class Glossary:
    """Terms indexed by language, with a compiled matcher per language."""

    terms: list[Term] = field(default_factory=list)
    source: str = ""

    def for_language(self, lang: str) -> dict[str, Term]:
        """term → Term for a target language; specific lines beat ``*`` lines.

        A regional target (``pt_BR``) also takes its base language's lines
        (``pt``), which its own lines override.
        """
        base = lang.split("@")[0].split("_")[0]
        chosen: dict[str, Term] = {}
        for term in self.terms:
            if term.lang == ALL_LANGUAGES and term.term not in chosen:
                chosen[term.term] = term
        for wanted in dict.fromkeys((base, lang)):
            for term in self.terms:
                if term.lang == wanted:
                    chosen[term.term] = term
        return chosen

    def pattern(self, lang: str) -> re.Pattern[str] | None:
        """A regex matching every term of the language, longest first."""
        terms = sorted(self.for_language(lang), key=len, reverse=True)
        if not terms:
            return None
        alternatives = "|".join(re.escape(t) for t in terms)
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")

    def find(self, text: str, lang: str) -> list[tuple[int, int, Term]]:
        """Non-overlapping (start, end, term) occurrences in a source text."""
        pattern = self.pattern(lang)
        if pattern is None:
            return []
        table = self.for_language(lang)
        return [(m.start(), m.end(), table[m.group(0)]) for m in pattern.finditer(text)]

    def __len__(self) -> int:
        return len(self.terms)


HEADER = ("term", "lang", "translation", "note")


def _read_rows(text: str, source: str) -> list[tuple[int, list[str]]]:
    """(line, cells) of every non-blank record; a quoting mistake is an error, not a guess.

    ``strict`` makes the csv module refuse what it would otherwise read
    silently wrong (``"OTAN"x``, a quote left open to the end of the file).
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as error:
        raise LocworkError(f"{source}:{start}: bad CSV quoting ({error}); put a field that holds "
                           "a comma or a quote between double quotes, and double the quotes inside") \
            from None
    return rows


def _check_header(cells: list[str], source: str) -> list[str]:
    header = [cell.strip().lower() for cell in cells]
    if header[:2] != ["term", "lang"] or any(c not in HEADER for c in header) \
            or len(set(header)) != len(header):
        raise LocworkError(f"{source}:1: the first row must be 'term,lang,translation[,note]'")
    return header


def _lang_cell(value: str, source: str, line: int) -> str:
    """``*`` (or empty) for every language, else the normalised code (``ES`` → ``es``)."""
    from locwork import langs

    if value in ("", ALL_LANGUAGES):
        return ALL_LANGUAGES
    try:
        return langs.normalize(value)
    except LocworkError:
        where = f"{source}:{line}" if line else source
        raise LocworkError(f"{where}: invalid language code {value!r} in the lang column "
                           "(use a code such as en, es or pt_BR, or * for every language)") from None


def parse_csv(text: str, source: str = "glossary") -> Glossary:
    """Read glossary CSV text; one-line errors naming ``file:line`` for malformed files.

    Refused rather than guessed: bad quoting, a row with more cells than
    the header (an unquoted comma in a term), a row without its
    translation cell (write ``Marco Rubio,*,`` for a do-not-translate
    term), an invalid language code, and the same term given two
    different translations for one language.
    """
    rows = _read_rows(text, source)
    if not rows:
        raise LocworkError(f"{source}: the glossary is empty")
    header = _check_header(rows[0][1], source)
    needed = min(len(header), 3)
    terms: list[Term] = []
    seen: dict[tuple[str, str], tuple[int, str]] = {}
    for line, row in rows[1:]:
        if len(row) > len(header):
            raise LocworkError(
                f"{source}:{line}: {len(row)} cells but the header has {len(header)} "
                "(a comma inside a term or translation must be quoted)")
        if len(row) < needed:
            raise LocworkError(
                f"{source}:{line}: {len(row)} cell(s) but {needed} are needed "
                f"({','.join(header[:needed])}; an empty translation is written as a trailing comma)")
        cells = dict(zip(header, (cell.strip() for cell in row)))
        term = cells["term"]
        if not term:
            raise LocworkError(f"{source}:{line}: empty term")
        lang = _lang_cell(cells["lang"], source, line)
        translation, note = cells.get("translation", ""), cells.get("note", "")
        first = seen.setdefault((term, lang), (line, translation))
        if first[1] != translation:
            raise LocworkError(
                f"{source}:{line}: {term!r} for {lang} is already given at line {first[0]} "
                f"with another translation ({first[1]!r} vs {translation!r})")
        terms.append(Term(term, lang, translation, note))
    return Glossary(terms, source)


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse_tbx(data: bytes, source: str = "glossary", source_lang: str = "fr") -> Glossary:
    """Read TBX (v2 ``termEntry``/``langSet``/``tig`` or v3 ``conceptEntry``/``langSec``)."""
    from lxml import etree

    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        raise LocworkError(f"{source}: not valid TBX: {error}") from None

    def local(element) -> str:
        return etree.QName(element).localname if isinstance(element.tag, str) else ""

    terms: list[Term] = []
    for entry in root.iter():
        if local(entry) not in ("termEntry", "conceptEntry"):
            continue
        by_lang: dict[str, list[str]] = {}
        for lang_set in entry:
            if local(lang_set) not in ("langSet", "langSec"):
                continue
            lang = (lang_set.get(XML_LANG) or lang_set.get("lang") or "").split("-")[0].lower()
            words = [t.text.strip() for t in lang_set.iter() if local(t) == "term" and t.text
                     and t.text.strip()]
            if lang and words:
                by_lang.setdefault(lang, []).extend(words)
        for french in by_lang.get(source_lang, []):
            others = {lang: words[0] for lang, words in by_lang.items() if lang != source_lang}
            if not others:
                terms.append(Term(french, ALL_LANGUAGES, ""))
            terms += [Term(french, lang, word) for lang, word in others.items()]
    if not terms:
        raise LocworkError(f"{source}: no {source_lang} term in this TBX file")
    return Glossary(terms, source)


def decode_csv(data: bytes, source: str) -> str:
    """UTF-8 text (a BOM, as Excel writes it, is dropped); other charsets are refused.

    A CSV has no charset declaration, and a wrong guess would put wrong
    terms into every translation, so the line with the first non-UTF-8
    byte is named instead.
    """
    if b"\x00" in data:
        raise LocworkError(f"{source}: this looks like a binary file, not CSV text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise LocworkError(f"{source}:{line}: not UTF-8 text; save the glossary as CSV UTF-8") \
            from None


def load(path: Path | str) -> Glossary:
    """Read a glossary file: CSV (UTF-8) or TBX; only a regular file, of bounded size."""
    from locwork import inputs

    path = Path(path)
    data = inputs.read_file(path, inputs.GLOSSARY_LIMIT, "glossary file")[0]
    if path.suffix.lower() in (".tbx", ".xml"):
        return parse_tbx(data, str(path))
    return parse_csv(decode_csv(data, str(path)), str(path))


CSV_HEADER = ["term", "lang", "translation", "note"]


def append_term(path: Path | str, term: Term) -> Glossary:
    """Add one term to a CSV glossary (made with its header if missing); returns the new glossary.

    The reviewer adds terms from the review screen while others translate:
    the file is re-read and written back atomically under its lock, so two
    additions never lose one another, and a line that would not parse back
    is refused before anything is written.
    """
    from locwork import inputs
    from locwork.atomic import atomic_write_text, locked

    path = Path(path)
    if path.suffix.lower() in (".tbx", ".xml"):
        raise LocworkError(f"{path}: terms are added to a CSV glossary, not to TBX")
    term = Term(" ".join(term.term.split()), _lang_cell(term.lang.strip(), str(path), 0),
                " ".join(term.translation.split()), " ".join(term.note.split()))
    if not term.term:
        raise LocworkError("give the term to add")
    if any(ch in term.term + term.translation for ch in "\r\n"):
        raise LocworkError("a glossary term is one line")
    with locked(path):
        text = decode_csv(inputs.read_file(path, inputs.GLOSSARY_LIMIT, "glossary file")[0],
                          str(path)) if path.exists() else ""
        if not text.strip():
            text = ",".join(CSV_HEADER) + "\n"
        current = parse_csv(text, str(path))
        if any(t.term == term.term and t.lang == term.lang for t in current.terms):
            raise LocworkError(f"{term.term!r} ({term.lang}) is already in {path.name}")
        line = io.StringIO()
        csv.writer(line, lineterminator="\n").writerow(
            [term.term, term.lang, term.translation] + ([term.note] if term.note else []))
        new = (text if text.endswith("\n") else text + "\n") + line.getvalue()
        glossary = parse_csv(new, str(path))
        atomic_write_text(path, new)
    return glossary
