"""Pick, per target language, the chain of engines with the best expected quality.

Every installed engine contributes its language pairs as edges of one
graph. A *route* is a path of hops from the source to the target language;
hops are limited (``max_hops``, 4 by default: fr→ca→es→pt→en is a candidate)
and a language is never visited twice.

Expected quality is the chrF a route is expected to reach. It comes from
``data/quality.json``, written by ``bench/measure_quality.py`` on the first
1000 lines of newstest2013 (fr, en, es, de):

- ``routes``: chrF measured end to end against the reference, for the
  candidate routes to languages with references (en, es; de when reachable);
- ``hops``: per hop, its chrF (against the reference where both sides have
  one, ``method: reference``; otherwise estimated from a round trip,
  ``method: round-trip``) and its *retention*, the square root of its
  round-trip chrF;
- ``extension_scales``: see :func:`extension_scales`.

:func:`score_route` takes, in order of evidence: the route's own
measurement; for a target without references, its measured extensions into
a reference language (fr→ca→pt from fr→ca→pt→en); the measured routes
ending with the same hop, rescaled by the hop model's ratio of the prefixes;
and last the hop model alone (the longest measured prefix times the
retention of each further hop). The hop model compares prefixes well but not
target languages: multiplying Bergamot pt→en's round-trip retention (0.85)
put fr→ca→es→pt→en 9 points under its measurement, so the last hop's scale
now comes from measurements whenever one exists. A hop with no figure at all
gets a per-engine prior, and the route says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from locwork.constants import DEFAULT_MAX_HOPS, SIGNAL_MAX_HOPS
from locwork.engines.registry import ENGINE_PRIORS
from locwork.errors import LocworkError

if TYPE_CHECKING:
    from locwork.engines.registry import Engines as EngineSession

# Used only for a hop nobody has measured (e.g. a newly installed argos
# package): each engine's prior is declared with the engine, in
# locwork.engines.registry. Shown as "prior" in `locwork routes`.
DEFAULT_PRIOR = 45.0  # an engine with no prior of its own
PRIOR_RETENTION = 0.85


class NoRouteError(LocworkError):
    """No installed engine chain reaches the target language.

    It carries no exit code: the CLI maps it to one (``locwork.cli.common``).
    """


@dataclass(frozen=True)
class Hop:
    """One engine translating one language pair."""

    engine: str
    src: str
    tgt: str

    def key(self) -> str:
        return f"{self.engine}:{self.src}-{self.tgt}"


@dataclass(frozen=True)
class Route:
    """A chain of hops with its expected chrF and where that figure comes from."""

    hops: tuple[Hop, ...]
    expected_chrf: float
    basis: str  # "measured", "estimated" or "prior"

    @property
    def src(self) -> str:
        return self.hops[0].src

    @property
    def tgt(self) -> str:
        return self.hops[-1].tgt

    @property
    def languages(self) -> list[str]:
        return [self.hops[0].src] + [h.tgt for h in self.hops]

    @property
    def engines(self) -> list[str]:
        return [h.engine for h in self.hops]

    def spec(self) -> str:
        """Machine-readable form, accepted back by ``parse_route``."""
        return ",".join(h.key() for h in self.hops)

    def __str__(self) -> str:
        langs = "→".join(self.languages)
        return f"{langs} ({', '.join(self.engines)})"

    def to_dict(self) -> dict:
        return {
            "route": self.spec(),
            "languages": self.languages,
            "engines": self.engines,
            "expected_chrf": round(self.expected_chrf, 1),
            "basis": self.basis,
        }


@lru_cache(maxsize=1)
def quality_table() -> dict:
    """The measured figures shipped with locwork (empty if never measured)."""
    try:
        text = resources.files("locwork").joinpath("data/quality.json").read_text("utf-8")
    except FileNotFoundError:
        return {"hops": {}, "routes": {}}
    return json.loads(text)


def hop_quality(hop: Hop, table: Mapping) -> tuple[float, str]:
    """A hop's chrF and its basis: measured, estimated (round trip) or prior."""
    entry = table.get("hops", {}).get(hop.key())
    if entry is None:
        return ENGINE_PRIORS.get(hop.engine, DEFAULT_PRIOR), "prior"
    return float(entry["chrf"]), "measured" if entry.get("method") == "reference" else "estimated"


def hop_retention(hop: Hop, table: Mapping) -> tuple[float, str]:
    """The share of quality a hop keeps when it follows another hop."""
    entry = table.get("hops", {}).get(hop.key())
    if entry is None:
        return PRIOR_RETENTION, "prior"
    if "retention" in entry:
        return float(entry["retention"]), "estimated"
    return float(entry["chrf"]) / 100.0, "estimated"


def model_estimate(hops: Sequence[Hop], table: Mapping) -> float:
    """The hop model alone: the longest prefix measured end to end (or the
    first hop's chrF), times the retention of each further hop."""
    return _model(tuple(hops), table)[0]


def _model(hops: tuple[Hop, ...], table: Mapping) -> tuple[float, str]:
    routes = table.get("routes", {})
    for cut in range(len(hops), 1, -1):
        measured = routes.get(_spec(hops[:cut]))
        if measured is not None:
            value, basis, rest = float(measured["chrf"]), "measured", hops[cut:]
            break
    else:
        value, basis = hop_quality(hops[0], table)
        rest = hops[1:]
    for hop in rest:
        retention, hop_basis = hop_retention(hop, table)
        value *= retention
        basis = "prior" if "prior" in (basis, hop_basis) else "estimated"
    return value, basis


def _spec(hops: Sequence[Hop]) -> str:
    return ",".join(h.key() for h in hops)


def _hops(spec: str) -> tuple[Hop, ...]:
    hops = []
    for key in spec.split(","):
        engine, pair = key.split(":", 1)
        src, tgt = pair.split("-", 1)
        hops.append(Hop(engine, src, tgt))
    return tuple(hops)


def extension_scales(hops_table: Mapping, routes: Mapping) -> dict[str, float]:
    """Per last hop h of measured routes C + h: mean of model(C) / measured(C + h).

    It carries a chain to a language without references (fr→ca→pt) onto the
    model's scale from how it measures once continued into a reference
    language by h (pt→en with Bergamot).
    """
    table = {"hops": hops_table, "routes": routes}
    ratios: dict[str, list[float]] = {}
    for spec, row in routes.items():
        hops = _hops(spec)
        if len(hops) < 2 or float(row["chrf"]) <= 0:
            continue
        ratios.setdefault(hops[-1].key(), []).append(
            model_estimate(hops[:-1], table) / float(row["chrf"]))
    return {key: round(sum(v) / len(v), 4) for key, v in sorted(ratios.items())}


def score_route(hops: Sequence[Hop], table: Mapping | None = None) -> Route:
    """Attach the expected chrF to a chain of hops.

    In order of evidence:

    1. the chain measured end to end (``routes``);
    2. for a target without references, the chain's measured extensions
       C + h into a reference language, times ``extension_scales[h]``;
    3. the measured routes that end with the same hop (same last engine,
       same pivot): their chrF, times model(our prefix) / model(their
       prefix), from the routes sharing the longest ending with ours. The
       target's scale thus comes from measurements and the hop model only
       compares the prefixes, which it does well; multiplying the last hop's
       round-trip retention instead put fr→ca→es→pt→en 9 points under its
       measurement, as Bergamot's pt→en keeps far more than its round trip
       says;
    4. the hop model alone (:func:`model_estimate`).
    """
    table = quality_table() if table is None else table
    hops = tuple(hops)
    routes = table.get("routes", {})
    spec = _spec(hops)
    measured = routes.get(spec)
    if measured is not None:
        return Route(hops, float(measured["chrf"]), "measured")
    model, basis = _model(hops, table)
    model_basis = "prior" if basis == "prior" else "estimated"
    target_measured = any(_hops(k)[-1].tgt == hops[-1].tgt for k in routes)
    if not target_measured:
        scales = table.get("extension_scales", {})
        found = [float(routes[f"{spec},{key}"]["chrf"]) * factor
                 for key, factor in scales.items() if f"{spec},{key}" in routes]
        if found:
            return Route(hops, sum(found) / len(found), "estimated")
    if len(hops) >= 2:
        best_shared, values = 0, []
        for other_spec, row in routes.items():
            other = _hops(other_spec)
            if len(other) < 2 or other[-1] != hops[-1]:
                continue
            shared = 0
            while shared < min(len(other), len(hops)) and other[-1 - shared] == hops[-1 - shared]:
                shared += 1
            if shared >= len(other) or shared >= len(hops):
                continue  # one is a suffix of the other: nothing left to compare
            value = float(row["chrf"]) * _model(hops[:-1], table)[0] / model_estimate(other[:-1], table)
            if shared > best_shared:
                best_shared, values = shared, [value]
            elif shared == best_shared:
                values.append(value)
        if values:
            return Route(hops, sum(values) / len(values), model_basis)
    return Route(hops, model, model_basis)


def build_graph(pairs_by_engine: Mapping[str, Iterable[tuple[str, str]]]) -> dict[str, list[Hop]]:
    """Adjacency list: source language → hops leaving it."""
    graph: dict[str, list[Hop]] = {}
    for engine, pairs in pairs_by_engine.items():
        for src, tgt in pairs:
            if src != tgt:
                graph.setdefault(src, []).append(Hop(engine, src, tgt))
    return graph


def enumerate_routes(
    graph: Mapping[str, list[Hop]],
    src: str,
    tgt: str,
    max_hops: int = DEFAULT_MAX_HOPS,
    engine: str | None = None,
) -> list[list[Hop]]:
    """Every simple path from src to tgt with at most max_hops hops."""
    found: list[list[Hop]] = []

    def walk(lang: str, path: list[Hop], seen: set[str]) -> None:
        if len(path) >= max_hops:
            return
        for hop in graph.get(lang, []):
            if engine is not None and hop.engine != engine:
                continue
            if hop.tgt in seen:
                continue
            if hop.tgt == tgt:
                found.append(path + [hop])
            else:
                walk(hop.tgt, path + [hop], seen | {hop.tgt})

    walk(src, [], {src})
    return found


def rank_routes(
    graph: Mapping[str, list[Hop]],
    src: str,
    tgt: str,
    max_hops: int = DEFAULT_MAX_HOPS,
    engine: str | None = None,
    table: Mapping | None = None,
) -> list[Route]:
    """All routes to tgt, best expected quality first (fewer hops on ties)."""
    routes = [score_route(p, table) for p in enumerate_routes(graph, src, tgt, max_hops, engine)]
    return sorted(routes, key=lambda r: (-round(r.expected_chrf, 3), len(r.hops), r.spec()))


def best_route(
    graph: Mapping[str, list[Hop]],
    src: str,
    tgt: str,
    max_hops: int = DEFAULT_MAX_HOPS,
    engine: str | None = None,
    table: Mapping | None = None,
) -> Route:
    """The route to use, or NoRouteError saying what to install."""
    routes = rank_routes(graph, src, tgt, max_hops, engine, table)
    if not routes:
        via = f" with engine {engine!r}" if engine else ""
        raise NoRouteError(
            f"no route from {src} to {tgt}{via} within {max_hops} hops; install an "
            f"argos package (`locwork models install FILE.argosmodel`), an Apertium "
            f"pair (`apt-get install apertium-{src}-{tgt}` or a pivot through es), "
            f"or raise --max-hops"
        )
    return routes[0]


def parse_route(spec: str, graph: Mapping[str, list[Hop]], table: Mapping | None = None) -> Route:
    """Read a pinned route.

    Two forms: ``apertium:fr-es,bergamot:es-en`` names every hop's engine;
    ``fr-es-en`` names only the languages and takes the best engine per hop.
    """
    spec = spec.strip()
    hops: list[Hop] = []
    if ":" in spec:
        for part in spec.split(","):
            try:
                engine, pair = part.strip().split(":", 1)
                src, tgt = pair.split("-", 1)
            except ValueError:
                raise LocworkError(f"bad route hop {part!r}; expected ENGINE:SRC-TGT") from None
            hop = Hop(engine.strip(), src.strip(), tgt.strip())
            if hop not in graph.get(hop.src, []):
                raise NoRouteError(f"route hop {hop.key()} is not installed")
            hops.append(hop)
    else:
        langs = [p.strip() for p in spec.replace("→", "-").replace(">", "-").split("-") if p.strip()]
        if len(langs) < 2:
            raise LocworkError(f"bad route {spec!r}; expected e.g. fr-es-en or apertium:fr-es,...")
        for src, tgt in zip(langs, langs[1:]):
            candidates = [h for h in graph.get(src, []) if h.tgt == tgt]
            if not candidates:
                raise NoRouteError(f"no installed engine translates {src} to {tgt}")
            hops.append(max(candidates, key=lambda h: hop_quality(h, table or quality_table())[0]))
    for first, second in zip(hops, hops[1:]):
        if first.tgt != second.src:
            raise LocworkError(f"route {spec!r} is not a chain: {first.key()} then {second.key()}")
    return score_route(hops, table)


# ---------------------------------------------------------------- the router


class Router:
    """Every route question about one graph of installed hops, in one place.

    The best route (or a pinned one), the ranked list, the alternatives to a
    route, the route back to the source (for round-trip estimates) and the
    languages reachable at all: the CLI, the app and the estimator ask here
    instead of walking the graph themselves.
    """

    def __init__(self, graph: Mapping[str, list[Hop]], table: Mapping | None = None) -> None:
        self.graph = graph
        self.table = table

    @classmethod
    def of(cls, engines: "EngineSession") -> "Router":
        """The router over the engines that start (the others are left out)."""
        return cls(engines.graph())

    def ranked(self, src: str, tgt: str, max_hops: int = DEFAULT_MAX_HOPS,
               engine: str | None = None) -> list[Route]:
        """Every route from src to tgt, best expected chrF first."""
        return rank_routes(self.graph, src, tgt, max_hops, engine, self.table)

    def best(self, src: str, tgt: str, max_hops: int = DEFAULT_MAX_HOPS,
             engine: str | None = None) -> Route:
        """The route to use, or :class:`NoRouteError` saying what to install."""
        return best_route(self.graph, src, tgt, max_hops, engine, self.table)

    def choose(self, src: str, tgt: str, engine: str | None = None,
               route_spec: str | None = None, max_hops: int = DEFAULT_MAX_HOPS) -> Route:
        """The pinned route if any (it must go from src to tgt), else the best."""
        if route_spec:
            route = parse_route(route_spec, self.graph, self.table)
            if route.src != src or route.tgt != tgt:
                raise LocworkError(f"route {route.spec()} does not go from {src} to {tgt}")
            return route
        return self.best(src, tgt, max_hops, engine)

    def alternatives(self, src: str, tgt: str, exclude: str | None = None, limit: int = 3,
                     max_hops: int = DEFAULT_MAX_HOPS) -> list[Route]:
        """The best ``limit`` routes to tgt other than the one spelled ``exclude``."""
        others = [r for r in self.ranked(src, tgt, max_hops) if r.spec() != exclude]
        return others[:limit]

    def alternative(self, route: Route, max_hops: int = SIGNAL_MAX_HOPS) -> Route | None:
        """The best route to the same target other than ``route`` (or None)."""
        others = self.alternatives(route.src, route.tgt, route.spec(), 1, max_hops)
        return others[0] if others else None

    def reverse(self, tgt: str, src: str, max_hops: int = SIGNAL_MAX_HOPS) -> Route | None:
        """The best route back from the target to the source language (or None)."""
        ranked = self.ranked(tgt, src, max_hops)
        return ranked[0] if ranked else None

    def reachable(self, src: str, max_hops: int = DEFAULT_MAX_HOPS) -> list[str]:
        """Every language some route of at most ``max_hops`` hops reaches from src."""
        seen, frontier = {src}, {src}
        for _ in range(max_hops):
            frontier = {hop.tgt for lang in frontier for hop in self.graph.get(lang, [])} - seen
            seen |= frontier
        return sorted(seen - {src})
