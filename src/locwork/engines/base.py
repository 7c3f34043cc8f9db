"""The one small interface every translation engine implements.

An engine serves a set of language pairs and translates a *batch* of
sentences at once (whole documents, never one call per sentence). It may
return several hypotheses per sentence (n-best), best first, each with an
engine-specific score (a log-probability for neural engines, ``None`` for
rule-based ones).

Language codes are ISO 639-1 where one exists (``fr``, ``es``, ``ca``,
``pt``, ``it``, ``gl``, ``eo``, ``oc``, ``en``) and ISO 639-3 otherwise
(``frp``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence, runtime_checkable

Pair = tuple[str, str]


@dataclass(frozen=True)
class Hypothesis:
    """One candidate translation of one sentence."""

    text: str
    score: float | None = None


@runtime_checkable
class Engine(Protocol):
    """What the router needs from an engine."""

    name: str

    def pairs(self) -> list[Pair]:
        """The (source, target) pairs this engine can translate right now."""
        ...

    def model_version(self, src: str, tgt: str) -> str:
        """A short description of the model used for a pair, for provenance."""
        ...

    def translate_batch(
        self, texts: Sequence[str], src: str, tgt: str, n_best: int = 1
    ) -> list[list[Hypothesis]]:
        """Translate every text; return, per text, up to ``n_best`` hypotheses."""
        ...

    def close(self) -> None:
        """Release processes and models."""
        ...
