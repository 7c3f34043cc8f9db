"""Run ``apertium-tagger -z`` so that every sentence is tagged as if alone.

Why: apertium-tagger (3.8) changes its own model while it tags. When a word
has an ambiguity class the model has never seen, ``tagger_utils::
find_similar_ambiguity_class`` takes a *reference* to the model's open class
and assigns the similar class to it, so the open class (used for every later
unknown word and as the start of every later search) shrinks for the rest of
the process. In a persistent pipeline one sentence thus changes how later
ones are tagged: the same 1012 es→pt lines translated twice in one process
differed on 23 lines, and a line alone could differ from the same line in a
batch. A fresh ``apertium es-pt`` command starts from the intact model each
time, which is why it looked deterministic.

This stage sits where the tagger was in the null-flush pipeline and passes
``\\0``-terminated sentences to a tagger started with ``-d``, which reports
each unseen ambiguity class on stderr as it meets it, before it writes that
sentence's ``\\0``. Up to ``WINDOW`` sentences are in flight (the stage
keeps the pipeline streaming). When an answer comes back, stderr is drained
first: if the model changed anywhere since the tagger started, that answer
is still good (its sentence started from the intact model) but the tagger is
restarted (a few ms) and the sentences after it are sent again. So every
sentence is tagged by the model as loaded. Standard library only: it runs
as a program (``python tagger_guard.py apertium-tagger -z -g MODEL``).
"""

from __future__ import annotations

import os
import selectors
import signal
import sys
from collections import deque
from itertools import islice

#: What ``apertium-tagger -d`` writes when it changes its open class.
MUTATION = b"new ambiguity class"
#: Most sentences sent to the tagger ahead of the answer being read. The
#: window halves at each restart (the sentences in flight are sent again) and
#: grows by one with each answer that needs none, so a pair whose model never
#: changes streams, and one that often changes wastes little.
WINDOW = 64


def with_debug(argv: list[str]) -> list[str]:
    """The tagger's command with ``-d`` (report unseen ambiguity classes)."""
    return argv if "-d" in argv[1:] else [argv[0], "-d", *argv[1:]]


class Tagger:
    """One tagger process with non-blocking pipes.

    Started with ``os.posix_spawnp``, not ``subprocess``: a pair whose model
    often changes restarts the tagger for one sentence in three (es→pt:
    1,144 restarts for newstest's 3,000 lines), and importing ``subprocess``
    and going through ``Popen`` cost more CPU than the guard's own relaying.
    As ``Popen`` does by default, the child gets SIGPIPE and SIGXFSZ back to
    their default actions and only its three pipes (the others close on exec).
    """

    def __init__(self, argv: list[str]) -> None:
        stdin, self_in = os.pipe()
        self_out, stdout = os.pipe()
        self_err, stderr = os.pipe()
        try:
            self.pid = os.posix_spawnp(
                argv[0], argv, os.environ,
                file_actions=[(os.POSIX_SPAWN_DUP2, stdin, 0), (os.POSIX_SPAWN_DUP2, stdout, 1),
                              (os.POSIX_SPAWN_DUP2, stderr, 2)],
                setsigdef=(signal.SIGPIPE, signal.SIGXFSZ),
            )
        except OSError:
            for fd in (stdin, self_in, self_out, stdout, self_err, stderr):
                os.close(fd)
            raise
        for fd in (stdin, stdout, stderr):
            os.close(fd)
        self.fds = [self_in, self_out, self_err]
        for fd in self.fds:
            os.set_blocking(fd, False)
        self.out = b""
        self.err_tail = b""
        self.changed = False
        self.outgoing = b""   # bytes of sentences written only in part
        self.sent = 0         # sentences of the inbox handed to the tagger

    def drain_errors(self) -> bool:
        """Read what is on stderr now; False once the tagger closed it."""
        while True:
            try:
                chunk = os.read(self.fds[2], 1 << 16)
            except BlockingIOError:
                return True
            if not chunk:
                return False
            self.err_tail = (self.err_tail + chunk)[-4096:]
            if MUTATION in self.err_tail:
                self.changed = True
                self.err_tail = self.err_tail.replace(MUTATION, b"")

    def stop(self) -> None:
        if self.pid == 0:
            return  # stopped already
        for fd in self.fds:
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        self.pid = 0


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: tagger_guard.py apertium-tagger -z -g MODEL", file=sys.stderr)
        return 2
    argv = with_debug(argv)
    in_fd, out_fd = sys.stdin.fileno(), sys.stdout.fileno()
    inbox: deque[bytes] = deque()
    pending = b""
    eof = False
    tagger = Tagger(argv)
    sel = selectors.DefaultSelector()

    def register(t: Tagger) -> None:
        sel.register(t.fds[1], selectors.EVENT_READ, "out")
        sel.register(t.fds[2], selectors.EVENT_READ, "err")

    def unregister(t: Tagger) -> None:
        for fd in t.fds:
            try:
                sel.unregister(fd)
            except (KeyError, ValueError):
                pass

    sel.register(in_fd, selectors.EVENT_READ, "in")
    register(tagger)
    writing = False
    window = WINDOW
    try:
        while not (eof and not inbox):
            # Hand the next sentences to the tagger, up to the window, in one write
            # (one sentence a write cost a select round and two epoll changes each).
            upto = min(len(inbox), int(window))
            if not tagger.outgoing and tagger.sent < upto:
                tagger.outgoing = b"".join(s + b"\0" for s in islice(inbox, tagger.sent, upto))
                tagger.sent = upto
            if tagger.outgoing and not writing:
                sel.register(tagger.fds[0], selectors.EVENT_WRITE, "write")
                writing = True
            for key, _ in sel.select():
                if key.data == "in":
                    chunk = os.read(in_fd, 1 << 16)
                    if not chunk:
                        eof = True
                        sel.unregister(in_fd)
                        if pending:  # a last sentence without \0 (locwork never sends one)
                            inbox.append(pending)
                            pending = b""
                        continue
                    *segments, pending = (pending + chunk).split(b"\0")
                    inbox.extend(segments)
                elif key.data == "write":
                    written = os.write(tagger.fds[0], tagger.outgoing[:65536])
                    tagger.outgoing = tagger.outgoing[written:]
                    if not tagger.outgoing:
                        sel.unregister(tagger.fds[0])
                        writing = False
                elif key.data == "err":
                    if not tagger.drain_errors():
                        sel.unregister(tagger.fds[2])
                else:
                    chunk = os.read(tagger.fds[1], 1 << 16)
                    if not chunk:
                        sys.stderr.write(tagger.err_tail.decode("utf-8", "replace")[-1000:])
                        sys.stderr.write("\ntagger_guard: the tagger exited\n")
                        return 1
                    tagger.out += chunk
                    restart = False
                    answers = []  # passed on in one write
                    while b"\0" in tagger.out:
                        answer, tagger.out = tagger.out.split(b"\0", 1)
                        # Its messages were written before its \0: read them first.
                        tagger.drain_errors()
                        answers.append(answer + b"\0")
                        inbox.popleft()
                        tagger.sent -= 1
                        if tagger.changed:
                            restart = True
                            window = max(1.0, window / 2)
                            break
                        window = min(WINDOW, window + 1)
                    _write_all(out_fd, b"".join(answers))
                    if restart:
                        unregister(tagger)
                        writing = False
                        tagger.stop()
                        tagger = Tagger(argv)
                        register(tagger)
                        break
    except BrokenPipeError:
        return 0
    finally:
        tagger.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
