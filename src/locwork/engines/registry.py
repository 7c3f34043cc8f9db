"""The one list of engines, and a session that starts them lazily.

A new engine is one :class:`EngineSpec` line in :data:`ENGINE_SPECS` (its
name, class, prior expected chrF and whether it gives n-best lists); the
CLI's ``--engine`` choices, the router's priors and the app read it from
here.

Each engine is imported and created only when first asked for, so that a
command using Apertium alone never imports CTranslate2 or loads a neural
model. An engine that cannot start (its library or binary missing) is left
out of the graph with the reason kept for ``locwork models list``.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator

from locwork.errors import LocworkError

if TYPE_CHECKING:
    from locwork.engines.base import Engine, Pair
    from locwork.routing import Hop


@dataclass(frozen=True)
class EngineSpec:
    """What locwork knows about an engine before starting it."""

    name: str
    target: str  # "module:Class", imported on first use
    prior: float  # expected chrF of a hop nobody has measured (shown as "prior")
    n_best: bool = False  # its decoder can return several hypotheses


# Priors: a rule-based hop between unrelated languages is poor, a neural one
# is better. Only argos's decoder gives n-best lists (Bergamot decodes greedily).
ENGINE_SPECS: tuple[EngineSpec, ...] = (
    EngineSpec("argos", "locwork.engines.argos:ArgosEngine", 55.0, n_best=True),
    EngineSpec("bergamot", "locwork.engines.bergamot:BergamotEngine", 55.0),
    EngineSpec("apertium", "locwork.engines.apertium:ApertiumEngine", 50.0),
)
ENGINE_NAMES: tuple[str, ...] = tuple(spec.name for spec in ENGINE_SPECS)
ENGINE_CLASSES: dict[str, str] = {spec.name: spec.target for spec in ENGINE_SPECS}
ENGINE_PRIORS: dict[str, float] = {spec.name: spec.prior for spec in ENGINE_SPECS}
NBEST_ENGINES: frozenset[str] = frozenset(spec.name for spec in ENGINE_SPECS if spec.n_best)


def problem_text(error: BaseException) -> str:
    """One line saying why an engine failed: its message, or the error's kind."""
    if isinstance(error, LocworkError):
        return str(error)
    text = " ".join(str(error).split()) or "no message"
    return f"{type(error).__name__}: {text}"


def _load_class(target: str) -> Callable[[], Engine]:
    module, _, name = target.partition(":")
    engine_class: Callable[[], Engine] = getattr(importlib.import_module(module), name)
    return engine_class


class Engines:
    """The engines of one session: created lazily, closed together."""

    def __init__(self, names: list[str] | None = None) -> None:
        self.names = list(names or ENGINE_CLASSES)
        unknown = [n for n in self.names if n not in ENGINE_CLASSES]
        if unknown:
            raise LocworkError(f"unknown engine {unknown[0]!r}; choose from {', '.join(ENGINE_CLASSES)}")
        self._engines: dict[str, Engine] = {}
        self.problems: dict[str, str] = {}
        # Concurrent targets (overlap.py) may ask for the same engine at once:
        # one creates it, the others wait for it instead of starting their own.
        self._lock = threading.Lock()

    def get(self, name: str) -> Engine:
        """The engine called name, started on first use (once, even from several threads)."""
        engine = self._engines.get(name)
        if engine is not None:
            return engine
        if name not in ENGINE_CLASSES:
            raise LocworkError(f"unknown engine {name!r}")
        with self._lock:
            if name not in self._engines:
                try:
                    self._engines[name] = _load_class(ENGINE_CLASSES[name])()
                except (ImportError, OSError) as error:
                    raise LocworkError(f"engine {name} is not available: {error}") from None
            return self._engines[name]

    def available(self) -> Iterator[tuple[str, Engine]]:
        """Engines that start; the others are recorded in ``problems``."""
        for name in self.names:
            try:
                yield name, self.get(name)
            except LocworkError as error:
                self.problems[name] = str(error)

    def pairs_by_engine(self) -> dict[str, list[Pair]]:
        """Each working engine's pairs; one that fails to list them is left out.

        Listing can fail in any way a library can (argostranslate creates its
        folders when first imported, here: a bad $ARGOS_PACKAGES_DIR is an
        OSError), and one broken engine must not hide the others; so every
        exception of one engine is its problem, recorded in ``problems``.
        """
        result: dict[str, list[Pair]] = {}
        for name, engine in self.available():
            try:
                result[name] = list(engine.pairs())
            except Exception as error:  # any failure of one engine is its own problem
                self.problems[name] = problem_text(error)
        return result

    def graph(self) -> dict[str, list[Hop]]:
        from locwork.routing import build_graph

        return build_graph(self.pairs_by_engine())

    def close(self) -> None:
        with self._lock:
            engines = list(self._engines.values())
            self._engines.clear()
        for engine in engines:
            engine.close()

    def __enter__(self) -> "Engines":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
