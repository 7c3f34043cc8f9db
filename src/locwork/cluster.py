"""Batch translation on a Dask ``distributed`` cluster (``--cluster tcp://HOST:PORT``).

Workers only translate: :func:`translate_chunk` is a pure function (source
sentences + route → MT results) that runs the same code as a local run
(:func:`locwork.pipeline.route_chunk`), with engines started once per
worker process. The client plans every (document, language) job, sends
the sentences that need MT in chunks (several small documents share a
chunk, a long document spreads over several), and stays the single writer
of every catalog: as the chunks of a job come back (``as_completed``) it
writes the catalog through :func:`locwork.pipeline.translate_document`,
under the catalog's lock, exactly as a local run would, so human work is
never touched and the catalogs are byte for byte a local run's.

A worker that dies takes no written catalog with it: the scheduler runs
its tasks again elsewhere. If the run stops anyway, the catalogs already
written stay, and a re-run translates only what is left (the pipeline
skips entries that are up to date).
"""

from __future__ import annotations

import atexit
from asyncio import CancelledError
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from locwork import catalog, pipeline
from locwork.catalog import State
from locwork.document import Document
from locwork.engines.registry import Engines
from locwork.errors import LocworkError
from locwork.glossary import Glossary
from locwork.pipeline import MTResult, Progress
from locwork.routing import Route

if TYPE_CHECKING:
    from distributed import Client, Future

# Sentences per task: small enough to spread a long document, large enough to amortise a task.
CHUNK = int(os.environ.get("LOCWORK_CLUSTER_CHUNK", "64"))
RETRIES = 2  # a task that raised is tried again (a dead worker's tasks are rescheduled by the scheduler)
CONNECT_TIMEOUT = float(os.environ.get("LOCWORK_CLUSTER_TIMEOUT", "15"))  # seconds to reach the scheduler
WORKERS_TIMEOUT = 60.0  # seconds to wait for a first worker
# Seconds a run waits with no worker left before it gives up on the tasks still out (no hang).
NO_WORKER_TIMEOUT = float(os.environ.get("LOCWORK_CLUSTER_NO_WORKER_WAIT", "60"))
POLL = 1.0  # seconds between checks that the cluster still has a worker

# ---------------------------------------------------------------- worker side

_ENGINES: Engines | None = None
_ENGINES_LOCK = threading.Lock()


def _worker_engines() -> Engines:
    """This process's engines, started on the first task and closed at exit."""
    global _ENGINES
    with _ENGINES_LOCK:
        if _ENGINES is None:
            _ENGINES = Engines()
            atexit.register(_ENGINES.close)
        return _ENGINES


def translate_chunk(
    route: Route, texts: Sequence[str], glossary: Glossary | None = None, n_best: int = 1, software: bool = False
) -> list[MTResult]:
    """Translate sentences through every hop of a route (runs on a worker)."""
    return pipeline.route_chunk(_worker_engines(), route, list(texts), glossary, n_best, software)


# ---------------------------------------------------------------- client side


def connect(address: str) -> "Client":
    """A client of the scheduler at ``address`` with at least one worker; one-line errors."""
    try:
        from distributed import Client
    except ImportError:
        raise LocworkError("--cluster needs Dask: pip install 'locwork[cluster]'") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise LocworkError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
    except (OSError, TimeoutError) as error:
        client.close()
        raise LocworkError(
            f"the Dask scheduler at {address} has no worker (start one with: locwork worker {address}): {error}"
        ) from None
    return client


T = TypeVar("T")


@dataclass
class Job:
    """One catalog to bring up to date, and the chunks it waits for."""

    key: Any  # what the writer needs (a document and language, a catalog path)
    route: Route
    texts: list[str]
    waiting: set[int] = field(default_factory=set)
    done: bool = False


class Batch:
    """Sentences of many jobs, sent in shared chunks per route; results gathered by text."""

    def __init__(
        self, client: "Client", glossary: Glossary | None, n_best: int, software: bool, chunk_size: int = CHUNK
    ) -> None:
        self.client = client
        self.glossary = glossary
        self.n_best = n_best
        self.software = software
        self.chunk_size = chunk_size
        self.jobs: list[Job] = []
        self.results: dict[tuple[str, str], MTResult] = {}  # (route spec, text) -> result
        self.users: Counter[tuple[str, str]] = Counter()  # jobs not yet written that need a result
        self.deserted = False  # the run gave up: the cluster had no worker left

    def add(self, job: Job) -> None:
        self.jobs.append(job)
        self.users.update((job.route.spec(), text) for text in set(job.texts))

    def _chunks(self) -> list[tuple[Route, list[str], list[Job]]]:
        """Each route's distinct sentences cut in chunks, with the jobs each chunk serves."""
        by_route: dict[str, tuple[Route, dict[str, list[Job]]]] = {}
        for job in self.jobs:
            route, texts = by_route.setdefault(job.route.spec(), (job.route, {}))
            for text in job.texts:
                texts.setdefault(text, []).append(job)
        chunks = []
        for route, texts in by_route.values():
            items = list(texts.items())
            for start in range(0, len(items), self.chunk_size):
                part = items[start : start + self.chunk_size]
                jobs = list({id(j): j for _, users in part for j in users}.values())
                chunks.append((route, [text for text, _ in part], jobs))
        return chunks

    def run(self) -> Iterator[tuple[Job, BaseException | None]]:
        """Submit every chunk; yield each job as soon as all its chunks are back."""
        futures: dict[Future, tuple[Route, list[str], list[Job]]] = {}
        for number, (route, texts, jobs) in enumerate(self._chunks()):
            future = self.client.submit(
                translate_chunk, route, texts, self.glossary, self.n_best, self.software, retries=RETRIES, pure=False
            )
            futures[future] = (route, texts, jobs)
            for job in jobs:
                job.waiting.add(number)
        numbers = {future: n for n, future in enumerate(futures)}
        for job in self.jobs:
            if not job.waiting:
                job.done = True
                yield job, None
        for future in self._as_completed(list(futures)):
            route, texts, jobs = futures.pop(future)
            error: BaseException | None = None
            try:
                for text, result in zip(texts, future.result()):
                    self.results[(route.spec(), text)] = result
            except (Exception, CancelledError) as failure:  # failed for good: its jobs are not written
                error = failure
            future.release()
            for job in jobs:
                job.waiting.discard(numbers[future])
                if not job.done and (not job.waiting or error is not None):
                    job.done = True
                    yield job, error

    def _as_completed(self, futures: list[Future]) -> Iterator[Future]:
        """Each future as it finishes; all of them cancelled once the cluster has had no worker
        for ``NO_WORKER_TIMEOUT`` seconds, so that a run whose every worker died ends (with the
        catalogs already written kept) instead of waiting forever."""
        from distributed import as_completed

        pending = set(futures)
        finished = as_completed(futures, loop=self.client.loop)
        checked = time.monotonic()
        alone_since: float | None = None
        while pending:
            ready = finished.next_batch(block=False)
            for future in ready:
                pending.discard(future)
                yield future
            if ready:
                alone_since = None
                continue
            time.sleep(0.02)
            if time.monotonic() - checked < POLL:
                continue
            checked = time.monotonic()
            if self.client.scheduler_info().get("workers"):
                alone_since = None
            elif alone_since is None:
                alone_since = checked
            elif checked - alone_since > NO_WORKER_TIMEOUT:
                self.deserted = True
                self.client.cancel(list(pending))
                yield from list(pending)
                return

    def runner(self, job: Job, engines: Engines) -> pipeline.MTRunner:
        """The MT of a job for the writer: the workers' results, any sentence they lack done here.

        A sentence can be missing only if the catalog changed between the
        plan and the write; translating it here keeps the write correct.
        """

        def mt(texts: Sequence[str], progress: Progress | None) -> list[MTResult]:
            spec = job.route.spec()
            missing = [t for t in dict.fromkeys(texts) if (spec, t) not in self.results]
            if missing:
                done = pipeline.run_route(
                    engines, job.route, missing, self.glossary, self.n_best, software=self.software
                )
                self.results.update({(spec, t): r for t, r in zip(missing, done)})
            if progress is not None:
                progress(len(texts))
            return [self.results[(spec, t)] for t in texts]

        return mt

    def forget(self, job: Job) -> None:
        """Drop the results no job left to write needs (memory stays bounded by the work left)."""
        for key in {(job.route.spec(), text) for text in job.texts}:
            self.users[key] -= 1
            if self.users[key] <= 0:
                self.results.pop(key, None)

    def written(self, write: Callable[[Job], T]) -> Iterator[T]:
        """``write(job)`` for each job whose translations all came back, as they come; yields
        what it returns. The failed jobs are reported in one line at the end, after every
        other catalog is written."""
        failed: list[BaseException] = []
        for job, error in self.run():
            if error is not None:
                failed.append(error)
            else:
                yield write(job)
            self.forget(job)
        _raise_failures(failed, self.deserted)


def _document_texts(
    doc: Document, lang: str, locales_dir: Path, root: Path | None, tm: Any = None, tm_threshold: float | None = None
) -> list[str]:
    """The sentences of a document a local run would machine-translate now (memory drafts left out)."""
    from locwork import tm as tm_mod

    path = catalog.catalog_path(locales_dir, lang, doc.name)
    reference = pipeline.source_reference(doc, root)
    snapshot = catalog.load(path) if path.exists() else catalog.new_catalog(lang, doc.name, reference)
    todo = pipeline.plan_entries(snapshot, doc, reference)
    from_memory: dict = {}
    with tm_mod.resolve(tm, locales_dir) as memory:
        if memory is not None:
            untranslated = [e.msgid for e in todo if catalog.entry_state(e) == State.UNTRANSLATED]
            from_memory = memory.best_many(untranslated, lang, threshold=tm_threshold or tm_mod.DEFAULT_THRESHOLD)
    return list(
        dict.fromkeys(
            e.msgid for e in todo if e.msgid not in from_memory or catalog.entry_state(e) != State.UNTRANSLATED
        )
    )


def translate_documents(
    client: "Client",
    docs: Sequence[Document],
    routes: dict[str, Route],
    engines: Engines,
    locales_dir: Path,
    glossary: Glossary | None = None,
    n_best: int = 1,
    root: Path | None = None,
    chunk_size: int = CHUNK,
    tm: Any = None,
    tm_threshold: float | None = None,
) -> Iterator[pipeline.TranslateReport]:
    """Translate documents × languages on the cluster; yield each report once its catalog is written.

    Catalogs whose chunks failed for good are not written; the run ends
    with a one-line error naming how many, after every other catalog is.
    """
    batch = Batch(client, glossary, n_best, software=False, chunk_size=chunk_size)
    for doc in docs:
        for lang, route in routes.items():
            batch.add(Job((doc, lang), route, _document_texts(doc, lang, locales_dir, root, tm, tm_threshold)))

    def write(job: Job) -> pipeline.TranslateReport:
        doc, lang = job.key
        return pipeline.translate_document(
            doc,
            lang,
            job.route,
            engines,
            locales_dir,
            glossary,
            n_best,
            root=root,
            mt=batch.runner(job, engines),
            tm=tm,
            tm_threshold=tm_threshold,
        )

    yield from batch.written(write)


def pretranslate_catalogs(
    client: "Client",
    paths: Sequence[Path],
    src: str,
    tgt: str,
    route: Route,
    engines: Engines,
    glossary: Glossary | None = None,
    output: Path | None = None,
    chunk_size: int = CHUNK,
    tm: Any = None,
    tm_threshold: float | None = None,
) -> Iterator[Any]:
    """Pre-translate catalogs on the cluster; yield each report once its catalog is written.

    Every untranslated string is sent (the memory, if any, is consulted by
    the writer, which then uses only the MT it needs). ``output``: where
    the one catalog goes instead of in place.
    """
    from locwork.pretranslate import is_untranslated, pretranslate, split_lines

    batch = Batch(client, glossary, 1, software=True, chunk_size=chunk_size)
    for path in paths:
        cores: dict[str, None] = {}
        for entry in catalog.load(path):
            if is_untranslated(entry):
                for text in (entry.msgid, entry.msgid_plural):
                    for _, core, _ in split_lines(text or ""):
                        if core:
                            cores.setdefault(core)
        batch.add(Job(path, route, list(cores)))

    def write(job: Job) -> Any:
        return pretranslate(
            job.key,
            src,
            tgt,
            route,
            engines,
            output if len(paths) == 1 else None,
            glossary,
            mt=batch.runner(job, engines),
            tm=tm,
            tm_threshold=tm_threshold,
        )

    yield from batch.written(write)


def _raise_failures(failed: list[BaseException], deserted: bool = False) -> None:
    if failed and deserted:
        raise LocworkError(
            f"{len(failed)} catalog(s) not written: the cluster has had no worker "
            f"for {NO_WORKER_TIMEOUT:.0f} s; start workers and re-run (it translates "
            f"what is left)"
        )
    if failed:
        first = str(failed[0]).strip().splitlines()
        raise LocworkError(
            f"{len(failed)} catalog(s) not written: the cluster failed "
            f"({type(failed[0]).__name__}: {first[0] if first else ''}); "
            f"a re-run translates what is left"
        )


def worker_main(scheduler: str, args: Sequence[str]) -> None:
    """``locwork worker SCHEDULER``: the plain ``dask worker`` command, one thread per process."""
    try:
        from distributed.cli.dask_worker import main as dask_worker
    except ImportError:
        raise LocworkError("locwork worker needs Dask: pip install 'locwork[cluster]'") from None
    extra = list(args)
    if not any(a.startswith("--nthreads") for a in extra):
        extra += ["--nthreads", "1"]  # engines run native code with their own threads
    dask_worker.main([scheduler, *extra], standalone_mode=True)
