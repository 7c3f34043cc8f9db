"""The engine session hands out one engine per name, even to concurrent targets."""

from __future__ import annotations

import threading

import pytest

from locwork.engines.registry import Engines
from locwork.errors import LocworkError


def test_concurrent_get_starts_one_engine():
    """overlap.py asks for engines from several threads: each name is created once."""
    made: list[object] = []
    with Engines(["apertium"]) as engines:
        barrier = threading.Barrier(8)

        def ask() -> None:
            barrier.wait()
            made.append(engines.get("apertium"))

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(made) == 8
    assert len({id(engine) for engine in made}) == 1


def test_unknown_engine_is_one_line_error():
    with pytest.raises(LocworkError, match="unknown engine 'nope'"):
        Engines(["apertium"]).get("nope")
