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

Both then translate with :func:`locwork.pipeline.translate_document`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from locwork.engines.registry import problem_text
from locwork.constants import DEFAULT_MAX_HOPS
from locwork.routing import Hop, Route, Router

if TYPE_CHECKING:
    from locwork.engines.registry import Engines


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


def choose_routes(engines: Engines, src: str, targets: Sequence[str], engine: str | None = None,
                  pins: Mapping[str, str | Route | None] | None = None,
                  max_hops: int = DEFAULT_MAX_HOPS) -> dict[str, Route]:
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
        chosen[lang] = router.choose(engine_language(engines, src, graph),
                                     engine_language(engines, lang, graph), engine, pin, max_hops)
    return chosen
