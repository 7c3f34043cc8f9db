"""Fill the untranslated entries of an existing software catalog with MT.

For localization engineers' catalogs (glib, vim, Django...): only entries
with no translation at all are touched; everything else, obsolete entries,
comments, flags and the header included, is written back as it was read,
but for the source language added to the header (``X-Source-Language``)
when something was filled: the exports read it.
Placeholders (``%s``, ``%(name)s``, ``{0}``, ``<b>``, ``&amp;``) are
protected, leading and trailing whitespace and line structure are kept,
and an entry whose placeholders did not survive MT is left untranslated
rather than written broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import polib

from locwork import catalog, langs, protect
from locwork.engines.registry import Engines
from locwork.glossary import Glossary
from locwork.pipeline import MTRunner, Progress, model_versions, run_route
from locwork.routing import Route

EDGES = re.compile(r"^(\s*)(.*?)(\s*)$", re.DOTALL)
NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


@dataclass
class PretranslateReport:
    path: Path
    output: Path
    route: Route
    filled: int
    skipped: int
    untouched: int
    tm_exact: int = 0  # of ``filled``: drafts from the translation memory, exact...
    tm_fuzzy: int = 0  # ... and fuzzy matches

    def to_dict(self) -> dict:
        return {
            "catalog": str(self.path),
            "output": str(self.output),
            "route": self.route.to_dict(),
            "filled": self.filled,
            "skipped": self.skipped,
            "untouched": self.untouched,
            "tm_exact": self.tm_exact,
            "tm_fuzzy": self.tm_fuzzy,
        }


def is_untranslated(entry: polib.POEntry) -> bool:
    if entry.obsolete or entry.msgid == "":
        return False
    if entry.msgid_plural:
        return not any(entry.msgstr_plural.values())
    return not entry.msgstr


def split_lines(text: str) -> list[tuple[str, str, str]]:
    """Each line as (leading space, core, trailing space)."""
    return [EDGES.match(line).groups() for line in text.split("\n")]  # type: ignore[union-attr]


def nplurals(po: polib.POFile, lang: str) -> int:
    match = NPLURALS.search(po.metadata.get("Plural-Forms", "")) or NPLURALS.search(
        langs.plural_forms(lang)
    )
    return int(match.group(1)) if match else 2


_CODES = (protect.PRINTF, protect.BRACE, protect.TAG, protect.ENTITY)


def placeholders(text: str) -> list[str]:
    """The placeholders and markup of a string (``%s``, ``{0}``, ``<b>``, ``&amp;``), sorted."""
    return sorted(m.group(0) for pattern in _CODES for m in pattern.finditer(text))


def memory_draft(entry: polib.POEntry, match) -> str | None:
    """The translation a memory match gives a software string, or None if it does not fit.

    The string's leading and trailing white space are kept; a multi-line
    string needs a memory source with the same text; a fuzzy match must
    have exactly the string's placeholders.
    """
    lead, _, trail = EDGES.match(entry.msgid).groups()  # type: ignore[union-attr]
    if "\n" in entry.msgid.strip() or "\n" in match.target.strip():
        if match.source != entry.msgid or not match.exact:
            return None
        text = match.target
    else:
        text = lead + match.target.strip() + trail
    if placeholders(text) != placeholders(entry.msgid):
        return None
    return text


def pretranslate(
    path: Path,
    src: str,
    tgt: str,
    route: Route,
    engines: Engines,
    output: Path | None = None,
    glossary: Glossary | None = None,
    progress: Progress | None = None,
    tm=None,
    tm_threshold: float | None = None,
    on_total: Callable[[int], None] | None = None,
    mt: MTRunner | None = None,
) -> PretranslateReport:
    """Translate the untranslated entries of ``path`` into ``output`` (default: in place).

    The translation memory comes first (``tm``: an open
    :class:`locwork.tm.MemoryStore`, False for none, None for the
    project's memory when it exists): an exact match, or a fuzzy one at or
    above ``tm_threshold`` with the same placeholders, gives a draft marked
    ``#. locwork-origin: tm 100%`` (or ``tm 83%``); the rest goes to MT
    (``locwork-origin: mt``). Plural entries always go to MT.

    Progress counts units of work: each draft from memory, then each
    distinct string sent to MT; ``on_total`` hears their number first.
    ``mt``: where the machine translation comes from (default:
    :func:`locwork.pipeline.run_route` here; the cluster passes its workers'
    results).
    """
    from locwork import tm as tm_mod

    output = output or path
    po = catalog.load(path)
    todo = [e for e in po if is_untranslated(e)]
    exact = fuzzy = 0
    with tm_mod.resolve(tm) as memory:
        if memory is not None:
            threshold = tm_threshold if tm_threshold is not None else tm_mod.DEFAULT_THRESHOLD
            rest = []
            for entry in todo:
                match = None if entry.msgid_plural else memory.best(entry.msgid, tgt, src, threshold)
                text = memory_draft(entry, match) if match is not None else None
                if text is None:
                    rest.append(entry)
                    continue
                tm_mod.draft_from_match(entry, match)
                entry.msgstr = text
                exact += match.exact
                fuzzy += not match.exact
            todo = rest
    cores: dict[str, None] = {}
    for entry in todo:
        for text in (entry.msgid, entry.msgid_plural):
            for _, core, _ in split_lines(text or ""):
                if core:
                    cores.setdefault(core)
    unique = list(cores)
    if on_total is not None:
        on_total(exact + fuzzy + len(unique))
    if progress is not None and exact + fuzzy:
        progress(exact + fuzzy)
    results = mt(unique, progress) if mt is not None else \
        run_route(engines, route, unique, glossary, progress=progress, software=True)
    translated = {core: r for core, r in zip(unique, results)}

    def render(text: str) -> str | None:
        lines = []
        for lead, core, trail in split_lines(text):
            if not core:
                lines.append(lead + trail)
                continue
            result = translated[core]
            if result.lost or not result.text.strip():
                return None
            lines.append(lead + result.text.strip() + trail)
        return "\n".join(lines)

    models = model_versions(engines, route) if todo else ""
    filled = skipped = 0
    count = nplurals(po, tgt)
    for entry in todo:
        singular = render(entry.msgid)
        plural = render(entry.msgid_plural) if entry.msgid_plural else None
        if singular is None or (entry.msgid_plural and plural is None):
            skipped += 1
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {
                i: (singular if i == 0 and count > 1 else plural) for i in range(count)
            }
        else:
            entry.msgstr = singular
        catalog.record_pretranslation(entry, route=route.spec(), model=models)
        filled += 1
    filled += exact + fuzzy
    if filled:
        catalog.set_source_language(po, src)  # what the exports write as srcLang / srclang
    if output != path or filled:
        catalog.save(po, output)
    untouched = sum(1 for e in po if e.msgid != "") - filled
    return PretranslateReport(path, output, route, filled, skipped, untouched, exact, fuzzy)
