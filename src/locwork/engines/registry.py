"""Discover the installed engines once, and hand them out by name.

Each engine is imported and created only when first asked for, so that a
command using Apertium alone never imports CTranslate2 or loads a neural
model. An engine that cannot start (its library or binary missing) is left
out of the graph with the reason kept for ``locwork models list``.
"""

from __future__ import annotations

import importlib
from typing import Callable, Iterator

from locwork.engines.base import Engine, Pair
from locwork.errors import LocworkError
from locwork.routing import Hop, build_graph

ENGINE_CLASSES: dict[str, str] = {
    "argos": "locwork.engines.argos:ArgosEngine",
    "bergamot": "locwork.engines.bergamot:BergamotEngine",
    "apertium": "locwork.engines.apertium:ApertiumEngine",
}


def _load_class(target: str) -> Callable[[], Engine]:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


class Engines:
    """The engines of one session: created lazily, closed together."""

    def __init__(self, names: list[str] | None = None) -> None:
        self.names = list(names or ENGINE_CLASSES)
        unknown = [n for n in self.names if n not in ENGINE_CLASSES]
        if unknown:
            raise LocworkError(
                f"unknown engine {unknown[0]!r}; choose from {', '.join(ENGINE_CLASSES)}"
            )
        self._engines: dict[str, Engine] = {}
        self.problems: dict[str, str] = {}

    def get(self, name: str) -> Engine:
        """The engine called name, started on first use."""
        if name not in self._engines:
            if name not in ENGINE_CLASSES:
                raise LocworkError(f"unknown engine {name!r}")
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
        result: dict[str, list[Pair]] = {}
        for name, engine in self.available():
            try:
                result[name] = list(engine.pairs())
            except LocworkError as error:
                self.problems[name] = str(error)
        return result

    def graph(self) -> dict[str, list[Hop]]:
        return build_graph(self.pairs_by_engine())

    def close(self) -> None:
        for engine in self._engines.values():
            engine.close()
        self._engines.clear()

    def __enter__(self) -> "Engines":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
