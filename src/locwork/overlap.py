"""Independent translation work at once: targets side by side, a route's hops overlapping.

Why threads: the work is in engine subprocesses (Apertium's pipelines), so
Python threads only wait on pipes while the engines run on every core. Only
engines that may be called from several threads at once are overlapped:
:class:`~locwork.engines.apertium.ApertiumEngine` keeps one lock per
pipeline, so two threads on one pair take turns, and a sentence's
translation never depends on what else is in flight (null flush). The
others (Bergamot and argos hold one model and their own thread pools) keep
to one thread: every route that uses one runs in the same lane, in order.
Results come back in the order of the sequential run, and are the same bytes.
``LOCWORK_CONCURRENT=0`` runs everything one after another (to compare).
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from locwork.routing import Route

#: Engines whose ``translate_batch`` may run in several threads at once.
CONCURRENT_ENGINES = frozenset({"apertium"})
#: Lanes of targets at most (each lane may hold a few Apertium pipelines).
MAX_LANES = 4

T = TypeVar("T")
R = TypeVar("R")


def enabled() -> bool:
    """False when ``LOCWORK_CONCURRENT=0`` asks for one thing at a time."""
    return os.environ.get("LOCWORK_CONCURRENT", "1").strip() != "0"


def concurrent_route(route: Route) -> bool:
    """True when every hop's engine may be called from several threads."""
    return enabled() and all(hop.engine in CONCURRENT_ENGINES for hop in route.hops)


def lanes(routes: Mapping[str, Route], workers: int | None = None) -> list[list[str]]:
    """The targets grouped into lanes that run at once, each lane in order.

    Routes through an engine not safe for threads share one lane; the others
    are dealt round-robin over the remaining lanes (``workers``: by default
    the cores, at least 2, at most :data:`MAX_LANES`).
    """
    if not enabled():
        return [list(routes)]
    workers = workers or max(2, min(MAX_LANES, os.cpu_count() or 1))
    serial = [lang for lang, route in routes.items() if not concurrent_route(route)]
    free = [lang for lang in routes if lang not in serial]
    count = max(1, min(len(free), workers - (1 if serial else 0)))
    dealt = [free[i::count] for i in range(count)]
    return [lane for lane in [serial, *dealt] if lane]


def run_lanes(
    lanes: Sequence[Sequence[str]], work: Callable[[str], R], order: Sequence[str]
) -> Iterator[tuple[str, R]]:
    """``work(lang)`` for every language, the lanes at once; yields (lang, result) in ``order``.

    An error is raised when its language's turn comes; languages not started
    by then are skipped (the others finish, as their catalogs are written whole).
    """
    if len(lanes) <= 1:
        for lang in order:
            yield lang, work(lang)
        return
    futures: dict[str, Future[R]] = {lang: Future() for lang in order}

    def lane(langs: Sequence[str]) -> None:
        for lang in langs:
            future = futures[lang]
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(work(lang))
            except BaseException as error:  # noqa: BLE001 - handed to the caller
                future.set_exception(error)

    threads = [threading.Thread(target=lane, args=(langs,), daemon=True) for langs in lanes]
    for thread in threads:
        thread.start()
    try:
        for lang in order:
            yield lang, futures[lang].result()
    finally:
        for future in futures.values():
            future.cancel()
        for thread in threads:
            thread.join()


def in_order(work: Callable[[T], R], parts: Sequence[T], depth: int) -> Iterator[R]:
    """``work(part)`` for each part, up to ``depth`` parts at once, results in order.

    For the chunks of a route of ``depth`` hops: chunk k+1 enters hop 1 as
    soon as chunk k has left it (each pipeline serves one chunk at a time).
    """
    if depth <= 1 or len(parts) <= 1:
        yield from map(work, parts)
        return
    with ThreadPoolExecutor(max_workers=depth, thread_name_prefix="locwork-hop") as pool:
        pending: deque[Future[R]] = deque()
        try:
            for part in parts:
                pending.append(pool.submit(work, part))
                if len(pending) >= depth:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
