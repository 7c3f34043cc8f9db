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
        """term → Term for a target language; specific lines beat ``*`` lines."""
        chosen: dict[str, Term] = {}
        for term in self.terms:
            if term.lang == ALL_LANGUAGES and term.term not in chosen:
                chosen[term.term] = term
        for term in self.terms:
            if term.lang == lang:
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


def parse_csv(text: str, source: str = "glossary") -> Glossary:
    """Read glossary CSV text; one-line errors for malformed files."""
    reader = csv.reader(io.StringIO(text))
    rows = [row for row in reader if row and any(cell.strip() for cell in row)]
    if not rows:
        raise LocworkError(f"{source}: the glossary is empty")
    header = [cell.strip().lower() for cell in rows[0]]
    if header[:2] != ["term", "lang"]:
        raise LocworkError(f"{source}: the first row must be 'term,lang,translation[,note]'")
    terms = []
    for number, row in enumerate(rows[1:], start=2):
        cells = [cell.strip() for cell in row] + ["", "", ""]
        term, lang, translation, note = cells[0], cells[1] or ALL_LANGUAGES, cells[2], cells[3]
        if not term:
            raise LocworkError(f"{source}:{number}: empty term")
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


def load(path: Path | str) -> Glossary:
    """Read a glossary file: CSV (UTF-8) or TBX."""
    path = Path(path)
    if not path.is_file():
        raise LocworkError(f"{path}: no such glossary file")
    if path.suffix.lower() in (".tbx", ".xml"):
        return parse_tbx(path.read_bytes(), str(path))
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise LocworkError(f"{path}: the glossary must be UTF-8 CSV") from None
    return parse_csv(text, str(path))


CSV_HEADER = ["term", "lang", "translation", "note"]


def append_term(path: Path | str, term: Term) -> Glossary:
    """Add one term to a CSV glossary (made with its header if missing); returns the new glossary.

    The reviewer adds terms from the review screen while others translate:
    the file is re-read and written back atomically under its lock, so two
    additions never lose one another, and a line that would not parse back
    is refused before anything is written.
    """
    from locwork.atomic import atomic_write_text, locked

    path = Path(path)
    if path.suffix.lower() in (".tbx", ".xml"):
        raise LocworkError(f"{path}: terms are added to a CSV glossary, not to TBX")
    term = Term(" ".join(term.term.split()), term.lang.strip() or ALL_LANGUAGES,
                " ".join(term.translation.split()), " ".join(term.note.split()))
    if not term.term:
        raise LocworkError("give the term to add")
    if any(ch in term.term + term.translation for ch in "\r\n"):
        raise LocworkError("a glossary term is one line")
    with locked(path):
        text = path.read_text("utf-8-sig") if path.is_file() else ""
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
