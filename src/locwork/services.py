"""The jobs both faces of locwork do, written once: the CLI and the app call here.

Each function takes an open :class:`~locwork.engines.registry.Engines`
session (the CLI opens one per command, the app one per page run) and
returns plain data; printing, JSON and widgets stay in the faces. Where
the two faces did a job through code of their own, they drifted: ``locwork
models list`` died on one broken engine while the app listed the others.

- :func:`list_models`: every working (engine, pair, model version), and
  one line per engine that does not work;
- :func:`choose_routes`: the route per target language (pinned, one engine
  only, or the router's pick), locale codes mapped to the engines' codes.

- :func:`translate_languages`: one document into several languages
  (``locwork translate`` and the app's Article and Translate pages);
- :func:`memory_matches`: the memory's matches for a sentence (``locwork
  tm lookup`` and the app's Memory tab and best-match shortcut);
- :func:`qa_report`: a document's consistency and QA findings (``locwork
  qa`` and the app's QA tab).

Edits that are one job already written once elsewhere: find and replace is
:func:`locwork.search.plan_replace` then :func:`locwork.search.apply_replace`
(``locwork replace`` and the app's Find & replace tool); saving and
approving one segment or a reviewed list is :func:`locwork.review.save` and
:func:`locwork.review.approve_many` (the app's review screen; the CLI has no
per-segment edit command).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from locwork.constants import DEFAULT_MAX_HOPS, DEFAULT_TM_THRESHOLD, SOURCE_LANG
from locwork.engines.registry import problem_text
from locwork.routing import Hop, Route, Router

if TYPE_CHECKING:
    from locwork.consistency import Report
    from locwork.document import Document
    from locwork.engines.registry import Engines
    from locwork.glossary import Glossary
    from locwork.pipeline import TranslateReport
    from locwork.tm import Location, Match, MemoryStore

# Opens the progress display of one language; yields the callback that counts segments done.
ProgressFor = Callable[[str], AbstractContextManager[Callable[[int], None] | None]]


# ------------------------------------------------------------------ models


@dataclass(frozen=True)
class ModelRow:
    """One installed model: the engine, the language pair and its version."""

    engine: str
    src: str
    tgt: str
    version: str

    def to_dict(self) -> dict[str, str]:
        return {"engine": self.engine, "from": self.src, "to": self.tgt, "model": self.version}


@dataclass
class ModelsListing:
    """The working models, and why each engine that does not work does not."""

    rows: list[ModelRow] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"models": [row.to_dict() for row in self.rows], "unavailable": dict(self.problems)}


def list_models(engines: Engines) -> ModelsListing:
    """Every (engine, pair, model version) that works; a broken engine is one problem line.

    An engine that cannot start, or cannot list its pairs, is reported in
    ``problems`` and the others are listed; a pair whose version cannot be
    read is listed with ``? (why)`` as its version.
    """
    listing = ModelsListing()
    pairs = engines.pairs_by_engine()
    for name, engine_pairs in pairs.items():
        engine = engines.get(name)
        for src, tgt in sorted(engine_pairs):
            try:
                version = engine.model_version(src, tgt)
            except Exception as error:  # one model's failure is shown on its own row
                version = f"? ({problem_text(error)})"
            listing.rows.append(ModelRow(name, src, tgt, version))
    listing.problems = dict(engines.problems)
    return listing


# ------------------------------------------------------------------ translate


def engine_language(engines: Engines, code: str, graph: Mapping[str, list[Hop]] | None = None) -> str:
    """The language the installed engines (or those of ``graph``) know for a locale (``es_ES`` → ``es``)."""
    from locwork import langs

    graph = engines.graph() if graph is None else graph
    known = set(graph) | {hop.tgt for hops in graph.values() for hop in hops}
    return langs.engine_language(code, known)


def choose_routes(
    engines: Engines,
    src: str,
    targets: Sequence[str],
    engine: str | None = None,
    pins: Mapping[str, str | Route | None] | None = None,
    max_hops: int = DEFAULT_MAX_HOPS,
) -> dict[str, Route]:
    """The route for each target: its pin (a spec or a Route), else the router's pick.

    Every route is chosen before any text is translated, so that a missing
    route is reported at once, not after the first languages' MT.
    """
    from locwork.pipeline import pinned_graph

    chosen: dict[str, Route] = {}
    for lang in targets:
        pin = (pins or {}).get(lang)
        if isinstance(pin, Route):
            chosen[lang] = pin
            continue
        # A pin that names its engines (apertium:fr-es) starts only those engines.
        graph = pinned_graph(engines, pin)
        router = Router(graph) if graph is not None else Router.of(engines)
        chosen[lang] = router.choose(
            engine_language(engines, src, graph), engine_language(engines, lang, graph), engine, pin, max_hops
        )
    return chosen


def translate_languages(
    engines: Engines,
    doc: Document,
    routes: Mapping[str, Route | None],
    locales_dir: Path,
    glossary: Glossary | None = None,
    n_best: int = 1,
    *,
    src: str = SOURCE_LANG,
    root: Path | None = None,
    progress_for: ProgressFor | None = None,
    tm: MemoryStore | Location | bool | None = None,
    tm_threshold: float | None = None,
    concurrent: bool = True,
) -> Iterator[tuple[str, TranslateReport]]:
    """Translate ``doc`` into each language of ``routes``; yield (language, report) in their order.

    A route of ``None`` is the router's pick (:func:`choose_routes`). A route
    prefix shared by several targets is translated once. Edited and
    approved entries are never touched (:func:`locwork.pipeline.translate_document`).
    With ``concurrent``, the targets run at once in threads (the work is in
    engine subprocesses), see :func:`locwork.pipeline.lanes`; the catalogs are
    the same bytes as one after another.
    """
    from locwork import pipeline

    hop_cache: pipeline.HopCache | None = {} if len(routes) > 1 else None
    chosen = {lang: route or choose_routes(engines, src, [lang])[lang] for lang, route in routes.items()}

    def one(lang: str) -> TranslateReport:
        opened = progress_for(lang) if progress_for else contextlib.nullcontext(None)
        with opened as progress:
            return pipeline.translate_document(
                doc,
                lang,
                chosen[lang],
                engines,
                locales_dir,
                glossary,
                n_best,
                root=root,
                progress=progress,
                tm=tm,
                tm_threshold=tm_threshold,
                hop_cache=hop_cache,
            )

    from locwork import overlap

    for route in chosen.values():  # started here, not by two threads at once
        for hop in route.hops:
            engines.get(hop.engine)
    lanes = overlap.lanes(chosen) if concurrent and not _open_store(tm) else [list(chosen)]
    yield from overlap.run_lanes(lanes, one, list(chosen))


def _open_store(tm: object) -> bool:
    """An open memory is one connection, which threads must not share."""
    return not (tm is None or isinstance(tm, (bool, str, os.PathLike)))


# ------------------------------------------------------------------ memory


def memory_matches(
    location: Location | Path,
    source: str,
    lang: str,
    *,
    src: str = SOURCE_LANG,
    threshold: float = DEFAULT_TM_THRESHOLD,
    limit: int = 5,
    missing_ok: bool = False,
) -> list[Match]:
    """The memory's matches for a source sentence, exact first.

    A memory that does not exist yet gives ``[]`` with ``missing_ok`` (the
    app: nothing approved yet), else the store's one-line error (the CLI).
    """
    from locwork import tm

    if missing_ok and not tm.present(location):
        return []
    with tm.open_memory(location, create=False) as memory:
        return memory.lookup(source, lang, src, threshold, limit)


# ------------------------------------------------------------------ QA


def qa_report(
    doc: str | Path,
    locales_dir: Path,
    *,
    languages: Sequence[str] | None = None,
    approved_only: bool = False,
    glossary: Glossary | None = None,
    segment_checks: bool = True,
    tm: MemoryStore | bool | None = None,
) -> Report:
    """A document's consistency findings (and, with ``segment_checks``, its QA warnings).

    ``tm``: an open memory, False for none, None for the project's memory
    when it exists (:func:`locwork.consistency.check_document`).
    """
    from locwork import consistency

    return consistency.check_document(
        doc,
        locales_dir,
        languages=languages,
        approved_only=approved_only,
        glossary=glossary,
        segment_checks=segment_checks,
        tm=tm,
    )
