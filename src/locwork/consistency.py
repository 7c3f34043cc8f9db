"""Consistency checks on a document's catalogs, within one language and across them.

:func:`check_document` reads every ``locales/<lang>/<doc>.po`` of a document
and returns :class:`Finding` objects:

- ``same-source`` (per language): one source sentence (or term, e.g. a
  repeated heading) translated in more than one way in the document;
- ``number`` and ``date`` (across languages, per segment): the numbers and
  dates of a French source must be the same in every translation: "20
  octobre" is the 20th in each language, "3 000" is 3000 everywhere (each
  language's decimal and grouping conventions accepted, as in
  :mod:`locwork.qa`). A finding names the languages that agree with the
  source and those that do not, with what they have instead;
- ``name`` (per language, across the document): each name of the source
  ("Sergueï Lavrov": every capitalised word that is not first in its
  sentence, as :func:`locwork.qa.source_names` finds them, and then every
  occurrence of it, first in a sentence or not) is written one
  way in each language: the set of its spellings (the target word closest
  to it, case-insensitive; a declension ending of up to two letters does
  not count as another spelling) has one element;
- ``memory`` (per language): a translation differs from the one the
  translation memory holds, approved, for the same source in another
  document or segment (only when the project has a memory);
- with ``segment_checks``, every per-segment warning of :func:`locwork.qa.check`
  (numbers, dates, quotes, names, glossary, punctuation, length, lost
  markup), under ``check = "segment"``; a ``number``/``date`` warning is
  left out when a cross-language finding already reports that number or
  date for that segment and language.

Only translated entries are checked (any state, or approved ones with
``approved_only``); untranslated and obsolete entries are not.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Iterable

import polib

from locwork import catalog, qa
from locwork.catalog import State
from locwork.errors import LocworkError
from locwork.glossary import Glossary

CODES = ("same-source", "number", "date", "name", "memory")
SUFFIX_TOLERANCE = 2  # "Lavrov"/"Lavrovs", "Putin"/"Putina": one spelling


@dataclass(frozen=True)
class Finding:
    """One thing to look at."""

    check: str  # "consistency" or "segment" (a locwork.qa warning)
    code: str  # one of CODES, or a locwork.qa code
    message: str
    lang: str | None = None  # None: across languages
    segments: tuple[str, ...] = ()
    details: dict = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["segments"] = list(self.segments)
        return data


@dataclass
class Report:
    """Every finding for one document."""

    document: str
    languages: list[str]
    segments: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.code] = counts.get(finding.code, 0) + 1
        return counts

    def to_dict(self) -> dict:
        return {
            "document": self.document,
            "languages": self.languages,
            "segments": self.segments,
            "ok": self.ok,
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass
class _Entry:
    segment: str
    source: str
    target: str
    state: State
    lost: str


def document_name(doc: str | Path) -> str:
    """``corpus/doc.txt``, ``locales/es/doc.po`` or ``doc`` → ``doc``."""
    return catalog.document_name(doc)


def load_catalogs(locales_dir: Path, doc_name: str,
                  languages: Iterable[str] | None = None) -> dict[str, polib.POFile]:
    """``{lang: catalog}`` for every ``<locales>/<lang>/<doc>.po`` (or the given languages)."""
    locales_dir = Path(locales_dir)
    if not locales_dir.is_dir():
        raise LocworkError(f"{locales_dir}: no such folder of catalogs")
    if languages:
        paths = {lang: catalog.catalog_path(locales_dir, lang, doc_name) for lang in languages}
        missing = [str(p) for p in paths.values() if not p.is_file()]
        if missing:
            raise LocworkError(f"{missing[0]}: no such catalog")
    else:
        paths = catalog.document_catalogs(locales_dir, doc_name)
    if not paths:
        raise LocworkError(f"no catalog of {doc_name!r} in {locales_dir} (translate it first)")
    return {lang: catalog.load(path) for lang, path in paths.items()}


def _entries(po: polib.POFile, approved_only: bool) -> list[_Entry]:
    found = []
    for entry in po:
        if entry.obsolete or entry.msgid == "" or entry.msgid_plural:
            continue
        typed = catalog.Entry.of(entry)
        if typed.state is State.UNTRANSLATED or (approved_only and typed.state is not State.APPROVED):
            continue
        found.append(_Entry(typed.id, typed.source, typed.target, typed.state, typed.provenance.mt_lost or ""))
    return found


def _norm(text: str) -> str:
    return " ".join(text.split())


def _quote(text: str, width: int = 70) -> str:
    text = _norm(text)
    return "“" + (text if len(text) <= width else text[: width - 1] + "…") + "”"


def _join(items: Iterable[str]) -> str:
    return ", ".join(items)


# ------------------------------------------------------------- same source


def check_same_source(lang: str, entries: list[_Entry]) -> list[Finding]:
    """One source translated in several ways within the document (one language)."""
    groups: dict[str, list[_Entry]] = defaultdict(list)
    for entry in entries:
        groups[_norm(entry.source)].append(entry)
    findings = []
    for source, group in groups.items():
        variants: dict[str, list[_Entry]] = defaultdict(list)
        for entry in group:
            variants[_norm(entry.target)].append(entry)
        if len(variants) < 2:
            continue
        parts = [
            f"{_quote(target, 50)} ({_join(e.segment + ('' if e.state is State.APPROVED else ' ' + e.state.value) for e in items)})"
            for target, items in variants.items()
        ]
        findings.append(Finding(
            "consistency", "same-source",
            f"{_quote(source, 50)} is translated {len(variants)} ways in {lang}: " + " · ".join(parts),
            lang, tuple(e.segment for e in group),
            {"source": source, "variants": {t: [e.segment for e in items] for t, items in variants.items()}},
        ))
    return findings


# ------------------------------------------------------- dates and numbers

_BEFORE = re.compile(
    r"(?<!\d)(\d{1,2})(?:\.|-?an?|º|ª|er|st|nd|rd|th)?\s*(?:de\s+|d'|del\s+|de\s+l')?\s*$")
_AFTER = re.compile(r"^\s*(\d{1,2})(?!\d)")


def source_dates(source: str) -> list[tuple[str, int, int, tuple[int, int]]]:
    """(as written, day, month, span) of every "20 octobre" of a French text."""
    found = []
    for match in qa._FR_DATE.finditer(source):
        day = 1 if match.group(1).lower() == "1er" else int(match.group(1))
        month = next(i for i, names in enumerate(qa.MONTHS["fr"], start=1)
                     if qa.fold(match.group(2)) in map(qa.fold, names))
        found.append((match.group(0), day, month, match.span()))
    return found


def target_days(target: str, lang: str, month: int) -> list[int] | None:
    """Day numbers written with ``month`` in a translation; None if the month is absent
    (or the language's month names are unknown)."""
    base = lang.split("_")[0]
    if base not in qa.MONTHS:
        return None
    folded = qa.fold(target)
    days: list[int] = []
    seen = False
    for name in qa.MONTHS[base][month - 1]:
        for match in re.finditer(rf"\b{re.escape(qa.fold(name))}\b", folded):
            seen = True
            before = _BEFORE.search(folded[max(0, match.start() - 16):match.start()])
            after = _AFTER.match(folded[match.end():match.end() + 6])
            if before:
                days.append(int(before.group(1)))
            elif after:
                days.append(int(after.group(1)))
    return days if seen else None


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def check_dates(segment: str, source: str, targets: dict[str, str]) -> list[Finding]:
    findings = []
    for written, day, month, _ in source_dates(source):
        agree, differ, absent = [], {}, []
        for lang, target in targets.items():
            days = target_days(target, lang, month)
            if days is None:
                if lang.split("_")[0] in qa.MONTHS:
                    absent.append(lang)
                continue
            if day in days:
                agree.append(lang)
            else:
                differ[lang] = days
        if not differ and not absent:
            continue
        parts = []
        if agree:
            parts.append(f"the {_ordinal(day)} in {_join(agree)}")
        by_value: dict[str, list[str]] = defaultdict(list)
        for lang, days in differ.items():
            by_value[" or ".join(f"the {_ordinal(d)}" for d in days) or "no day"].append(lang)
        parts += [f"{value} in {_join(langs)}" for value, langs in by_value.items()]
        if absent:
            parts.append(f"not found in {_join(absent)}")
        findings.append(Finding(
            "consistency", "date", f"“{written}”: " + "; ".join(parts), None, (segment,),
            {"source": written, "day": day, "month": month, "agree": agree,
             "differ": differ, "absent": absent},
        ))
    return findings


def _with_suffix(value, target: str) -> bool:
    """An integer written with a letter suffix ("1920s", "20th", "3e"), which
    :func:`locwork.qa.target_numbers` does not read as a number."""
    if value != value.to_integral_value():
        return False
    return re.search(rf"(?<![\d.,]){int(value)}(?=[^\W\d_])", target) is not None


def check_numbers(segment: str, source: str, targets: dict[str, str]) -> list[Finding]:
    dates = source_dates(source)
    masked = source
    for _, _, _, (start, end) in dates:
        masked = masked[:start] + " " * (end - start) + masked[end:]
    wanted = qa.source_numbers(masked)
    if not wanted:
        return []
    date_days = {qa._value(str(day)) for _, day, _, _ in dates}
    missing: dict[str, list[str]] = defaultdict(list)  # number as written -> languages
    leftovers: dict[str, list[str]] = {}
    for lang, target in targets.items():
        candidates = qa.target_numbers(target, lang)
        used: set[int] = set()
        for raw, value in wanted:
            hit = next((i for i, values in enumerate(candidates) if i not in used and value in values), None)
            if hit is None and not _with_suffix(value, target):
                missing[raw].append(lang)
            else:
                used.add(hit)
        leftovers[lang] = [
            qa.format_number(min(values), lang) for i, values in enumerate(candidates)
            if i not in used and values and not values & date_days
        ]
    findings = []
    for raw, langs_missing in missing.items():
        agree = [lang for lang in targets if lang not in langs_missing]
        instead = [f"{lang} has {_join(leftovers[lang])}" for lang in langs_missing if leftovers[lang]]
        message = f"number {raw}: " + (f"in {_join(agree)}, " if agree else "") + \
            f"missing or changed in {_join(langs_missing)}" + (f" ({'; '.join(instead)})" if instead else "")
        findings.append(Finding(
            "consistency", "number", message, None, (segment,),
            {"number": raw, "agree": agree, "differ": langs_missing,
             "instead": {lang: leftovers[lang] for lang in langs_missing}},
        ))
    return findings


# ------------------------------------------------------------------- names

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def spelling(name: str, target: str) -> str | None:
    """The word of ``target`` that writes ``name`` (the closest, similarity ≥ 0.7), or None."""
    key = qa.fold(name)
    best, best_ratio = None, qa.NAME_SIMILARITY
    for word in _WORD.findall(target):
        for part in {word, *re.split(r"['’-]", word)}:
            ratio = SequenceMatcher(None, key, qa.fold(part)).ratio()
            if ratio > best_ratio or (ratio == best_ratio and best is None):
                best, best_ratio = part, ratio
    return best


def _exonym_words(source: str) -> set[str]:
    words: set[str] = set()
    for phrase in qa.KNOWN_EXONYMS:
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", source):
            words |= set(qa._WORD.findall(phrase))
    return words


def _group_spellings(spellings: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """Spellings (casefolded key -> segments) grouped when one only adds a short ending."""
    groups: list[tuple[str, list[str]]] = []
    for key in sorted(spellings, key=len):
        for stem, segments in groups:
            if key.startswith(stem) and len(key) - len(stem) <= SUFFIX_TOLERANCE:
                segments.extend(spellings[key])
                break
        else:
            groups.append((key, list(spellings[key])))
    return groups


def check_names(lang: str, entries: list[_Entry]) -> list[Finding]:
    """Each source name written one way in this language across the document."""
    seen: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    shown: dict[tuple[str, str], str] = {}
    # A name found anywhere in the document is a name at the start of a sentence too.
    known = {name for entry in entries for name in qa.source_names(entry.source)}
    for entry in entries:
        exempt = _exonym_words(entry.source)
        for name in dict.fromkeys(w for w in qa._WORD.findall(entry.source) if w in known):
            if name in exempt:
                continue
            word = spelling(name, entry.target)
            if word is None:
                continue
            key = word.casefold()
            seen[name][key].append(entry.segment)
            shown.setdefault((name, key), word)
    findings = []
    for name, spellings in seen.items():
        groups = _group_spellings(spellings)
        if len(groups) < 2:
            continue
        parts = [f"{shown[(name, stem)]} ({_join(dict.fromkeys(segs))})" for stem, segs in groups]
        findings.append(Finding(
            "consistency", "name",
            f"“{name}” is written {len(groups)} ways in {lang}: " + " · ".join(parts),
            lang, tuple(dict.fromkeys(s for _, segs in groups for s in segs)),
            {"name": name, "spellings": {shown[(name, stem)]: list(dict.fromkeys(segs))
                                         for stem, segs in groups}},
        ))
    return findings


# ------------------------------------------------------------------ memory


def check_memory(doc_name: str, lang: str, entries: list[_Entry], memory) -> list[Finding]:
    """Translations that differ from the memory's approved one for the same source."""
    findings = []
    for entry in entries:
        others = [u for u in memory.translations(entry.source, lang)
                  if not (u.document == doc_name and u.segment == entry.segment)]
        if not others or _norm(entry.target) in {_norm(u.target) for u in others}:
            continue
        best = others[0]
        where = f"{best.document}/{best.segment}" if best.document else "an imported unit"
        who = f", {best.reviewer}" if best.reviewer else ""
        findings.append(Finding(
            "consistency", "memory",
            f"{_quote(entry.target, 50)} differs from the memory's approved {_quote(best.target, 50)} "
            f"({where}{who})",
            lang, (entry.segment,),
            {"target": entry.target, "memory": best.to_dict(), "others": len(others)},
        ))
    return findings


# ------------------------------------------------------------------- all


def check_document(
    doc: str | Path,
    locales_dir: str | Path = "locales",
    *,
    languages: Iterable[str] | None = None,
    approved_only: bool = False,
    glossary: Glossary | None = None,
    segment_checks: bool = True,
    tm=None,
) -> Report:
    """Every consistency finding (and, with ``segment_checks``, every QA warning) of a document.

    ``doc``: the source document's path or name. ``tm``: an open
    :class:`locwork.tm.MemoryStore`, False for none, None for the
    project's memory when it exists.
    """
    from locwork import tm as tm_mod

    name = document_name(doc)
    catalogs = load_catalogs(Path(locales_dir), name, languages)
    per_lang = {lang: _entries(po, approved_only) for lang, po in catalogs.items()}
    order: dict[str, int] = {}
    for po in catalogs.values():
        for entry in po:
            if not entry.obsolete and entry.msgctxt:
                order.setdefault(entry.msgctxt, len(order))
    findings: list[Finding] = []

    # Across languages, segment by segment (same id and same source text).
    by_segment: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for lang, entries in per_lang.items():
        for entry in entries:
            by_segment[(entry.segment, entry.source)][lang] = entry.target
    covered: set[tuple[str, str, str]] = set()  # (segment, lang, QA message prefix) reported
    for (segment, source), targets in by_segment.items():
        for finding in check_dates(segment, source, targets) + check_numbers(segment, source, targets):
            findings.append(finding)
            for lang in list(finding.details.get("differ", [])) + finding.details.get("absent", []):
                if finding.code == "date":
                    covered.add((segment, lang, f"date “{finding.details['source']}”"))
                    covered.add((segment, lang, f"number {finding.details['day']} "))
                else:
                    covered.add((segment, lang, f"number {finding.details['number']} "))

    with tm_mod.resolve(tm, locales_dir) as memory:
        for lang, entries in per_lang.items():
            findings += check_same_source(lang, entries)
            findings += check_names(lang, entries)
            if memory is not None:
                findings += check_memory(name, lang, entries, memory)
            if not segment_checks:
                continue
            for entry in entries:
                for warning in qa.check(entry.source, entry.target, lang, glossary, entry.lost or None):
                    if any(warning.message.startswith(prefix) for seg, in_lang, prefix in covered
                           if seg == entry.segment and in_lang == lang):
                        continue
                    findings.append(Finding("segment", warning.code, warning.message, lang,
                                            (entry.segment,)))

    def key(finding: Finding) -> tuple:
        first = min((order.get(s, len(order)) for s in finding.segments), default=len(order))
        return (first, finding.lang or "", finding.check != "consistency", finding.code)

    findings.sort(key=key)
    return Report(name, sorted(catalogs), len(order), findings)
