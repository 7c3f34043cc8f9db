"""Apertium: rule-based translation through the installed language pairs.

Design
------
Every installed *mode* (``/usr/share/apertium/modes/*.mode``; or the
``os.pathsep``-separated folders of ``APERTIUM_MODES_DIR``, or
``$APERTIUM_DATADIR/modes``) is found at start-up by listing the folder (about
1 ms); nothing is started until a pair is first used. Each pair then gets
**one persistent pipeline**: the mode's programs chained by ``bash``, in
*null-flush* mode. The command line comes from ``apertium-wblank-mode -z``,
the tool the ``apertium`` script itself uses, which gives every program
``-z``; every sentence is written terminated by ``\\0``. Each program
flushes and resets its state at ``\\0``, so one ``\\0`` in gives one
``\\0`` out, and no tagger context or transfer rule reaches from one sentence
into the next.

Why not one text with a separator, split afterwards: the separator must be a
superblank for Apertium to pass it through, and a superblank is still inside
the sentence for the tagger and the transfer rules, which then match across
it. Measured with eng-spa: ``Select the red`` | ``cars are fast`` joined by a
superblank comes out as ``Seleccionar los coches`` | ``rojos son rápidos``
(the noun moved into the first text); through this engine it is
``Seleccionar el rojo`` | ``Los coches son rápidamente``. Even ``apertium fr-es
< file`` lets one line change the next: 43 of the 3000 newstest2013 lines
translate differently there ("Las enfermas..." after a line about women);
here each text is translated as if alone. Null flush is also as fast: the
whole batch is streamed in while the output is read (non-blocking I/O on one
thread, so no pipe deadlock), and all programs of the pipeline work at once,
as in ``apertium fr-es < file``. Measured on the 3000 lines of
newstest2013.fr, fr→es, 2 cores: 2.04 s (about 1450 sentences/s), 1.04× the
``apertium fr-es`` command's 1.96 s, and over 100× faster than one
``apertium`` process per sentence (~90 ms each); see
``tests/test_engine_apertium.py::test_speed_against_apertium_command``.

Each answer is checked: every sentence carries a tag superblank ``[lw<n>]``
after it, and an answer without its own tag (a pipeline killed mid-sentence
flushes partial output when it ends) stops the batch there instead of
misaligning it.

``apertium-destxt`` (the plain-text deformatter) drops ``\\0``, so the text is
deformatted here, in Python, the way ``destxt`` does it: the stream's
reserved characters ``\\ ^ $ / < > @ [ ] { }`` and also ``* #`` are
backslash-escaped; ``~`` (a post-generation trigger) and every run of white
space other than one plain space go into superblanks ``[...]``, which pass
through untouched; ``.[]`` is added where a sentence may end (end of text,
blank lines) so the tagger sees a sentence end, and removed afterwards, as
``apertium-retxt`` does. The result is the same as ``apertium -u`` on each
text alone (checked in the tests on URLs, e-mail addresses, quotes, markup,
brackets, tabs, newlines).

``\\0`` inside a text is removed (it is not text). Leading and trailing white
space of each text is not sent: it is put back verbatim around the
translation, so the output carries no stray white space. Empty (or blank)
texts pass through without touching the pipeline.

Unknown words are translated without marks by default (``apertium -u``).
For QA, :meth:`ApertiumEngine.unknown_words` runs a second, lazily started
pipeline with marks (``*`` unknown to the analyser, ``@`` missing from the
bilingual dictionary, ``#`` not generated) and returns the marked words.

If a pipeline dies (killed, crashed), the engine restarts it and re-sends
the sentences that had not come back; if it dies again in the same batch, a
:class:`~locwork.errors.LocworkError` says which pair and which sentence, with
the last line of the pipeline's error output. A pipeline that produces no
output for ``stall_timeout`` seconds (120 by default) while sentences are
pending counts as dead.
"""

from __future__ import annotations

import dataclasses
import os
import re
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from locwork.engines.base import Hypothesis, Pair
from locwork.errors import LocworkError

#: ISO 639-3 (as used in Apertium mode names) → ISO 639-1 where one exists.
ISO3_TO_1: dict[str, str] = {
    "afr": "af", "amh": "am", "ara": "ar", "arg": "an", "aze": "az", "bak": "ba",
    "bel": "be", "ben": "bn", "bos": "bs", "bre": "br", "bul": "bg", "cat": "ca",
    "ces": "cs", "chv": "cv", "cos": "co", "cym": "cy", "dan": "da", "deu": "de",
    "ell": "el", "eng": "en", "epo": "eo", "est": "et", "eus": "eu", "fao": "fo",
    "fas": "fa", "fin": "fi", "fra": "fr", "fry": "fy", "gla": "gd", "gle": "ga",
    "glg": "gl", "glv": "gv", "grn": "gn", "guj": "gu", "hat": "ht", "heb": "he",
    "hin": "hi", "hrv": "hr", "hun": "hu", "hye": "hy", "ind": "id", "isl": "is",
    "ita": "it", "jpn": "ja", "kat": "ka", "kaz": "kk", "kir": "ky", "kor": "ko",
    "kur": "ku", "lat": "la", "lav": "lv", "lit": "lt", "ltz": "lb", "mal": "ml",
    "mar": "mr", "mkd": "mk", "mlt": "mt", "mon": "mn", "msa": "ms", "nld": "nl",
    "nno": "nn", "nob": "nb", "nor": "no", "oci": "oc", "pan": "pa", "pol": "pl",
    "por": "pt", "roh": "rm", "ron": "ro", "rus": "ru", "san": "sa", "slk": "sk",
    "slv": "sl", "sme": "se", "snd": "sd", "som": "so", "spa": "es", "sqi": "sq",
    "srd": "sc", "srp": "sr", "swa": "sw", "swe": "sv", "tam": "ta", "tat": "tt",
    "tgk": "tg", "tgl": "tl", "tha": "th", "tur": "tr", "uig": "ug", "ukr": "uk",
    "urd": "ur", "uzb": "uz", "vie": "vi", "wln": "wa", "yid": "yi", "zho": "zh",
}
_KNOWN_CODES = set(ISO3_TO_1) | set(ISO3_TO_1.values())

DEFAULT_MODES_DIRS = ("/usr/share/apertium/modes", "/usr/local/share/apertium/modes")

#: Pipelines kept running at once; the least recently used one is stopped
#: (and restarted when needed again, 0.1-1.6 s) beyond this.
DEFAULT_MAX_PIPELINES = 6

#: Seconds without any output from a pipeline, while sentences are pending,
#: after which it is considered hung (and restarted once).
DEFAULT_STALL_TIMEOUT = 120.0

_CODE_PART = re.compile(r"^([a-z]{2,3})(?:_(\w+))?$")


def to_iso(code: str) -> str:
    """``fra`` → ``fr``; codes without an ISO 639-1 form stay (``frp``)."""
    return ISO3_TO_1.get(code, code)


@dataclass(frozen=True)
class Mode:
    """One installed Apertium mode (a translation direction or a variant)."""

    name: str            # file name without .mode: "spa-cat_valencia"
    src: str             # ISO code of the source language: "es"
    tgt: str             # ISO code of the target language: "ca"
    variant: str | None  # None for the main mode; "valencia", "eco", "bytecode"...
    path: Path
    missing: tuple[str, ...] = ()  # programs of its pipeline not installed

    @property
    def pair(self) -> Pair:
        return (self.src, self.tgt)

    @property
    def usable(self) -> bool:
        return not self.missing


def parse_mode_name(name: str, path: Path | None = None) -> Mode | None:
    """Split an Apertium mode name into source, target and variant.

    ``fr-es`` and ``fra-cat`` are main modes; ``es-pt_BR``,
    ``oci_gascon-fra``, ``spa-cat_valencia_uni_iec2017``, ``fr-eo-bytecode``
    and ``eco-fr-es`` are variants of the pair whose codes they contain.
    Names that are not translation directions (``fr-es-morph``-style debug
    modes that do not parse) give ``None``.
    """
    parts = name.split("-")
    path = path or Path(name + ".mode")
    if len(parts) == 2:
        a, b = (_CODE_PART.match(p) for p in parts)
        if not (a and b):
            return None
        # Variants are written on the language they apply to: oci_gascon-fra.
        variant = "_".join(v for v in (a.group(2), b.group(2)) if v) or None
        return Mode(name, to_iso(a.group(1)), to_iso(b.group(1)), variant, path)
    if len(parts) >= 3:
        # Find the two adjacent parts that are language codes; the rest of
        # the name is the variant ("eco-fr-es", "fr-eo-bytecode").
        candidates = []
        for i in range(len(parts) - 1):
            a, b = _CODE_PART.match(parts[i]), _CODE_PART.match(parts[i + 1])
            if a and b:
                known = a.group(1) in _KNOWN_CODES and b.group(1) in _KNOWN_CODES
                candidates.append((not known, i, a, b))
        if not candidates:
            return None
        _, i, a, b = min(candidates, key=lambda c: (c[0], c[1]))
        rest = parts[:i] + parts[i + 2:]
        variants = [v for v in (a.group(2), b.group(2)) if v] + rest
        return Mode(name, to_iso(a.group(1)), to_iso(b.group(1)), "_".join(variants), path)
    return None


def _modes_dirs(modes_dir: str | os.PathLike | Sequence[str | os.PathLike] | None) -> list[Path]:
    if modes_dir is not None:
        if isinstance(modes_dir, (str, os.PathLike)):
            return [Path(p) for p in str(modes_dir).split(os.pathsep) if p]
        return [Path(p) for p in modes_dir]
    env = os.environ.get("APERTIUM_MODES_DIR")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    datadir = os.environ.get("APERTIUM_DATADIR")
    if datadir:
        return [Path(datadir) / "modes"]
    return [Path(p) for p in DEFAULT_MODES_DIRS]


def _missing_programs(path: Path, found: dict[str, bool]) -> tuple[str, ...]:
    """Programs the mode's pipeline runs that are not on PATH."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return (str(path),)
    missing = []
    for command in text.split("|"):
        words = command.split()
        if not words:
            continue
        program = words[0].strip("'\"")
        if program not in found:
            found[program] = shutil.which(program) is not None
        if not found[program] and program not in missing:
            missing.append(program)
    return tuple(missing)


def discover_modes(dirs: Iterable[Path]) -> list[Mode]:
    """Every ``*.mode`` in dirs (first directory wins on a name clash).

    Each mode notes the programs of its pipeline that are not installed
    (``fr-eo-bytecode`` needs Java's ``apertium-transfer-j``): such a mode
    is listed but never chosen for a pair.
    """
    seen: dict[str, Mode] = {}
    found: dict[str, bool] = {}
    for directory in dirs:
        try:
            entries = sorted(directory.glob("*.mode"))
        except OSError:
            continue
        for entry in entries:
            name = entry.name[: -len(".mode")]
            if name in seen:
                continue
            mode = parse_mode_name(name, entry)
            if mode is not None:
                seen[name] = dataclasses.replace(mode, missing=_missing_programs(entry, found))
    return sorted(seen.values(), key=lambda m: m.name)


def _main_rank(mode: Mode) -> tuple:
    """Sort key for the mode a pair uses: main modes first, and among them the
    3-letter naming (Apertium's newer packages: ``fra-cat`` over a ``fr-ca``);
    a pair with variants only gets its shortest-named variant, "eco" and
    "bytecode" ones last."""
    if mode.variant is None:
        return (0, -len(mode.name.split("-")[0]), mode.name)
    special = "bytecode" in mode.variant or mode.variant.startswith("eco")
    return (2 if special else 1, len(mode.name), mode.name)


# --------------------------------------------------------------------------
# Plain-text (de)formatting of the Apertium stream
# --------------------------------------------------------------------------

_RESERVED = re.compile(r"([\\^$/<>@\[\]{}*#])")
# Runs of white space that are not a single plain space, and "~".
_BLANKS = re.compile(r"(?:[^\S ]|[ ~]){2,}|[^\S ]|~")
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n")


def deformat(text: str) -> str:
    """Plain text → Apertium stream (the inverse of :func:`reformat`).

    ``text`` has no leading/trailing white space and no ``\\0``.
    """
    escaped = _RESERVED.sub(r"\\\1", text)

    def blank(match: re.Match) -> str:
        run = match.group(0)
        if run == " ":
            return run
        mark = ".[]" if _PARAGRAPH.search(run) else ""
        return f"{mark}[{run}]"

    return _BLANKS.sub(blank, escaped) + ".[]"


#: One token of the stream that plain text does not show: an escape, a
#: sentence end the deformatter added, a superblank (to its first unescaped
#: ``]``, or the end), a stray ``]``.
_STREAM_TOKEN = re.compile(r"\\(.)|\.\[\]|\[((?:[^\]\\]|\\.|\\)*)\]?|\]", re.DOTALL)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def _open_token(match: re.Match[str]) -> str:
    escaped, blank = match.group(1), match.group(2)
    if escaped is not None:
        return escaped
    if blank is not None:  # a superblank's content, verbatim (unescaped)
        return _ESCAPE.sub(r"\1", blank) if "\\" in blank else blank
    return ""


def reformat(stream: str) -> str:
    """Apertium stream → plain text: unescape, open superblanks, drop ``.[]``.

    ``[[...]]`` word-bound blanks (never produced from plain text) are opened
    the same way. One regex pass: the loop over characters it replaced was
    the largest Python cost of a batch (0.3 s for newstest's 3,000 lines).
    """
    if "\\" not in stream and "[" not in stream and "]" not in stream:
        return stream
    return _STREAM_TOKEN.sub(_open_token, stream)


def _split_edges(text: str) -> tuple[str, str, str]:
    """``"  a b \\n"`` → ``("  ", "a b", " \\n")``; a blank text is all lead."""
    core = text.strip()
    if not core:
        return text, "", ""
    start = len(text) - len(text.lstrip())
    return text[:start], core, text[start + len(core):]


# --------------------------------------------------------------------------
# One persistent pipeline
# --------------------------------------------------------------------------


class _Died(Exception):
    """The pipeline ended (or hung) before answering every sentence."""

    def __init__(self, done: list[bytes], reason: str) -> None:
        super().__init__(reason)
        self.done = done
        self.reason = reason


def _null_flush_command(mode: Mode) -> str:
    tool = shutil.which("apertium-wblank-mode")
    if tool is None:
        raise LocworkError(
            "apertium-wblank-mode is missing: install apertium >= 3.8 (apt-get install apertium)"
        )
    result = subprocess.run(
        [tool, "-z", str(mode.path)], capture_output=True, text=True, check=False
    )
    command = result.stdout.strip()
    if result.returncode != 0 or not command:
        raise LocworkError(
            f"cannot read Apertium mode {mode.path}: {result.stderr.strip() or 'empty pipeline'}"
        )
    return guard_taggers(command)


#: The stage that keeps apertium-tagger from carrying state between sentences.
TAGGER_GUARD = Path(__file__).with_name("tagger_guard.py")


def guard_taggers(command: str) -> str:
    """Run every ``apertium-tagger`` stage under :mod:`tagger_guard`.

    apertium-tagger rewrites its model's open class whenever it meets an
    ambiguity class it was not trained on, so in a long-running pipeline one
    sentence changes the tagging of later ones (es→pt: 23 of 1012 lines
    changed when the same batch was sent twice). The guard restarts the
    tagger after such a sentence, so each sentence is tagged by the model as
    loaded, as ``apertium`` run on that sentence alone would.
    """
    stages = command.split(" | ")
    guard = f"{shlex.quote(sys.executable)} -S {shlex.quote(str(TAGGER_GUARD))}"
    for i, stage in enumerate(stages):
        words = stage.split()
        if words and words[0] == "apertium-tagger" and "-g" in words:
            stages[i] = f"{guard} {stage}"
    return " | ".join(stages)


class _Pipeline:
    """``bash -c '<mode with -z>'`` kept running; sentences in, sentences out."""

    def __init__(self, mode: Mode, command: str, marks: bool, stall_timeout: float) -> None:
        self.mode = mode
        self.command = command
        self.marks = marks
        self.stall_timeout = stall_timeout
        self.proc: subprocess.Popen | None = None
        self._stderr = None
        self.lock = threading.Lock()

    def start(self) -> None:
        self._stderr = tempfile.TemporaryFile()
        env = dict(os.environ)
        if "UTF-8" not in env.get("LC_ALL", env.get("LC_CTYPE", env.get("LANG", ""))).upper():
            env["LC_ALL"] = "C.UTF-8"
        # $1: generation flag (-g marks unknown words, -n does not);
        # $2: tagger flag (none). start_new_session: one process group to kill.
        self.proc = subprocess.Popen(
            ["bash", "-c", self.command, f"apertium-{self.mode.name}",
             "-g" if self.marks else "-n", ""],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            env=env, start_new_session=True,
        )
        os.set_blocking(self.proc.stdin.fileno(), False)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def error_tail(self) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0)
            lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        except (OSError, ValueError):
            return ""
        return lines[-1].strip() if lines else ""

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            for stream in (proc.stdin, proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except (ProcessLookupError, PermissionError):
                    pass
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
                    proc.wait()
            else:
                # bash exited; make sure no stage of the group is left behind.
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def run(self, segments: list[bytes], first: int) -> list[bytes]:
        """Send each segment + ``\\0``; return the answers, one per segment.

        Segment k carries the tag superblank ``[lw<first+k>]`` at its end
        (see :func:`_tag`); every answer must end with the same tag, which
        proves the stream is in step. The first answer that does not
        (a pipeline killed mid-sentence flushes partial output at EOF)
        ends the attempt with :class:`_Died`, keeping the good answers.
        """
        assert self.proc is not None
        payload = memoryview(b"".join(s + b"\0" for s in segments))
        out_fd = self.proc.stdout.fileno()
        in_fd = self.proc.stdin.fileno()
        done: list[bytes] = []
        pending = b""
        sent = 0
        with selectors.DefaultSelector() as sel:
            sel.register(out_fd, selectors.EVENT_READ)
            sel.register(in_fd, selectors.EVENT_WRITE)
            last_progress = time.monotonic()
            while len(done) < len(segments):
                events = sel.select(timeout=1.0)
                if not events:
                    if time.monotonic() - last_progress > self.stall_timeout:
                        raise _Died(done, f"no output for {self.stall_timeout:.0f} s")
                    continue
                for key, _ in events:
                    if key.fd == in_fd:
                        try:
                            sent += os.write(in_fd, payload[sent:sent + 65536])
                        except BlockingIOError:
                            continue
                        except OSError:  # BrokenPipeError: a stage died
                            sel.unregister(in_fd)
                            continue
                        if sent >= len(payload):
                            sel.unregister(in_fd)
                        continue
                    chunk = os.read(out_fd, 1 << 16)
                    if not chunk:
                        raise _Died(done, "the pipeline exited")
                    last_progress = time.monotonic()
                    if b"\0" not in chunk:
                        pending += chunk
                        continue
                    *answers, pending = (pending + chunk).split(b"\0")
                    for answer in answers:
                        tag = _tag(first + len(done))
                        at = answer.rfind(tag)
                        if at < 0 or len(done) >= len(segments):
                            raise _Died(done, "the pipeline answered out of step")
                        done.append(answer[:at] + answer[at + len(tag):])
        if pending:
            raise _Died(done, "the pipeline answered out of step")
        return done


def _tag(index: int) -> bytes:
    """A superblank closing segment ``index``: passes through untouched."""
    return b"[lw%d]" % index


# --------------------------------------------------------------------------
# The engine
# --------------------------------------------------------------------------


class ApertiumEngine:
    """Every installed Apertium pair, one persistent null-flush pipeline each.

    >>> with ApertiumEngine() as engine:
    ...     engine.translate_batch(["Le chat est noir."], "fr", "es")
    [[Hypothesis(text='El gato es negro.', score=None)]]

    ``pairs()`` lists one pair per main mode; variants (``es-pt_BR``,
    ``spa-cat_valencia``, ``eco-fr-es``...) are listed by ``modes()`` and can
    be chosen per pair with ``pin("es", "pt", "es-pt_BR")`` or
    ``ApertiumEngine(pins={("es", "pt"): "es-pt_BR"})``.
    """

    name = "apertium"

    def __init__(
        self,
        modes_dir: str | os.PathLike | Sequence[str | os.PathLike] | None = None,
        pins: dict[Pair, str] | None = None,
        stall_timeout: float = DEFAULT_STALL_TIMEOUT,
        max_pipelines: int = DEFAULT_MAX_PIPELINES,
    ) -> None:
        if shutil.which("bash") is None:
            raise LocworkError("bash is needed to run Apertium pipelines")
        self.modes_dirs = _modes_dirs(modes_dir)
        self._modes = {m.name: m for m in discover_modes(self.modes_dirs)}
        self._by_pair: dict[Pair, Mode] = {}
        for mode in sorted(self._modes.values(), key=_main_rank):
            if mode.usable:
                self._by_pair.setdefault(mode.pair, mode)
        self.stall_timeout = stall_timeout
        self.max_pipelines = max(1, max_pipelines)
        # Least recently used first (dicts keep insertion order).
        self._pipelines: dict[tuple[str, bool], _Pipeline] = {}
        self._commands: dict[str, str] = {}
        self._versions: dict[str, str] = {}
        self._lock = threading.Lock()
        self._closed = False
        for (src, tgt), mode_name in (pins or {}).items():
            self.pin(src, tgt, mode_name)

    # -- discovery ---------------------------------------------------------

    def pairs(self) -> list[Pair]:
        return sorted(self._by_pair)

    def modes(self) -> list[Mode]:
        """Every installed mode, variants included, sorted by name."""
        return sorted(self._modes.values(), key=lambda m: m.name)

    def mode_for(self, src: str, tgt: str) -> Mode:
        """The mode used for a pair (the main one unless pinned)."""
        mode = self._by_pair.get((src, tgt))
        if mode is None:
            available = ", ".join(f"{s}-{t}" for s, t in self.pairs()) or "none"
            raise LocworkError(
                f"Apertium has no {src}-{tgt} pair installed (installed: {available})"
            )
        return mode

    def pin(self, src: str, tgt: str, mode_name: str) -> None:
        """Use mode_name (e.g. ``spa-cat_valencia``) for the pair src-tgt."""
        mode = self._modes.get(mode_name)
        if mode is None:
            raise LocworkError(
                f"no Apertium mode {mode_name!r}; installed: {', '.join(sorted(self._modes))}"
            )
        if mode.pair != (src, tgt):
            raise LocworkError(
                f"Apertium mode {mode_name} translates {mode.src}-{mode.tgt}, not {src}-{tgt}"
            )
        if not mode.usable:
            raise LocworkError(
                f"Apertium mode {mode_name} needs {', '.join(mode.missing)}, which is not installed"
            )
        self._by_pair[(src, tgt)] = mode

    def model_version(self, src: str, tgt: str) -> str:
        """``"apertium-fr-es 0.9.1-1 (fr-es)"``: Debian package, version, mode."""
        mode = self.mode_for(src, tgt)
        if mode.name not in self._versions:
            package = self._package_of(mode)
            version = "unknown"
            if package and shutil.which("dpkg-query"):
                result = subprocess.run(
                    ["dpkg-query", "-W", "-f", "${Version}", package],
                    capture_output=True, text=True, check=False,
                )
                if result.returncode == 0 and result.stdout.strip():
                    version = result.stdout.strip()
            self._versions[mode.name] = f"{package or 'apertium-' + mode.name} {version} ({mode.name})"
        return self._versions[mode.name]

    @staticmethod
    def _package_of(mode: Mode) -> str | None:
        # The mode's programs read data from .../apertium/apertium-fr-es/...,
        # the directory Debian names the package after.
        try:
            text = mode.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        found = re.search(r"/apertium/(apertium-[\w.+-]+?)/", text)
        if found:
            return found.group(1)
        if shutil.which("dpkg"):
            result = subprocess.run(
                ["dpkg", "-S", str(mode.path)], capture_output=True, text=True, check=False
            )
            if result.returncode == 0 and ":" in result.stdout:
                return result.stdout.split(":", 1)[0].strip()
        return None

    # -- translation -------------------------------------------------------

    def translate_batch(
        self, texts: Sequence[str], src: str, tgt: str, n_best: int = 1
    ) -> list[list[Hypothesis]]:
        """One hypothesis per text (rule-based: no n-best, score ``None``)."""
        return [[Hypothesis(t, None)] for t in self._translate(texts, src, tgt, marks=False)]

    def translate_marked(self, texts: Sequence[str], src: str, tgt: str) -> list[str]:
        """Translations with Apertium's marks: ``*`` unknown word, ``@`` not in
        the bilingual dictionary, ``#`` could not be generated."""
        return self._translate(texts, src, tgt, marks=True)

    def unknown_words(self, texts: Sequence[str], src: str, tgt: str) -> list[list[str]]:
        """Per text, the marked words of its translation (``"*Zorglub"``,
        ``"@mot"``, ``"#forme"``), for QA. Words that carry a mark character
        in the source text itself are not reported."""
        marked = self.translate_marked(texts, src, tgt)
        plain = self._translate(texts, src, tgt, marks=False)
        result: list[list[str]] = []
        for source, with_marks, without in zip(texts, marked, plain):
            a, b = with_marks.split(), without.split()
            if len(a) == len(b):
                words = [x for x, y in zip(a, b) if x != y and x[:1] in "*@#"]
            else:
                source_words = set(source.split())
                words = [x for x in a if x[:1] in "*@#" and x not in source_words]
            result.append(words)
        return result

    def _translate(self, texts: Sequence[str], src: str, tgt: str, marks: bool) -> list[str]:
        if self._closed:
            raise LocworkError("the Apertium engine is closed")
        mode = self.mode_for(src, tgt)
        results: list[str] = [""] * len(texts)
        edges: list[tuple[str, str]] = []
        todo: list[int] = []
        segments: list[bytes] = []
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"text {i} is {type(text).__name__}, not str")
            lead, core, trail = _split_edges(text.replace("\0", ""))
            if not core:
                results[i] = text
                continue
            todo.append(i)
            edges.append((lead, trail))
            segments.append(deformat(core).encode("utf-8"))
        if not segments:
            return results
        answers = self._run(mode, marks, segments)
        for i, (lead, trail), answer in zip(todo, edges, answers):
            results[i] = lead + reformat(answer.decode("utf-8", "replace")).strip() + trail
        return results

    def _pipeline(self, mode: Mode, marks: bool) -> _Pipeline:
        key = (mode.name, marks)
        evicted: list[_Pipeline] = []
        with self._lock:
            if self._closed:
                raise LocworkError("the Apertium engine is closed")
            pipeline = self._pipelines.pop(key, None)
            if pipeline is None:
                if mode.name not in self._commands:
                    self._commands[mode.name] = _null_flush_command(mode)
                pipeline = _Pipeline(mode, self._commands[mode.name], marks, self.stall_timeout)
                # Keep at most max_pipelines running: a pipeline holds its
                # pair's transducers (fra-oci: ~800 MiB in 22 processes).
                for old_key, old in list(self._pipelines.items()):
                    if len(self._pipelines) < self.max_pipelines:
                        break
                    if old.lock.acquire(blocking=False):  # not busy in another thread
                        del self._pipelines[old_key]
                        evicted.append(old)
            self._pipelines[key] = pipeline  # now the most recently used
        for old in evicted:
            try:
                old.stop()
            finally:
                old.lock.release()
        return pipeline

    def _run(self, mode: Mode, marks: bool, segments: list[bytes]) -> list[bytes]:
        tagged = [segment + _tag(i) for i, segment in enumerate(segments)]
        while True:
            pipeline = self._pipeline(mode, marks)
            pipeline.lock.acquire()
            if self._pipelines.get((mode.name, marks)) is pipeline:
                break
            pipeline.lock.release()  # evicted by another thread meanwhile
        try:
            answers: list[bytes] = []
            failures = 0
            while True:
                if not pipeline.alive():
                    # Never started, or died since the last batch.
                    pipeline.stop()
                    try:
                        pipeline.start()
                    except OSError as error:
                        raise LocworkError(f"cannot start Apertium {mode.name}: {error}") from None
                try:
                    answers.extend(pipeline.run(tagged[len(answers):], len(answers)))
                    return answers
                except _Died as died:
                    answers.extend(died.done)
                    reason = died.reason
                    try:  # a dying pipeline first flushes junk, then exits
                        status = pipeline.proc.wait(timeout=2)
                        reason = f"the pipeline exited with status {status}"
                    except subprocess.TimeoutExpired:
                        pass
                    detail = pipeline.error_tail()
                    pipeline.stop()
                    failures += 1
                    if failures >= 2:
                        raise LocworkError(
                            f"Apertium {mode.name} stopped twice while translating sentence "
                            f"{len(answers) + 1} of the batch ({reason}"
                            + (f": {detail}" if detail else "") + ")"
                        ) from None
        finally:
            pipeline.lock.release()

    # -- life cycle ----------------------------------------------------------

    def close(self) -> None:
        """Stop every pipeline. Safe to call twice."""
        with self._lock:
            pipelines = list(self._pipelines.values())
            self._pipelines.clear()
            self._closed = True
        for pipeline in pipelines:
            with pipeline.lock:
                pipeline.stop()

    def running_processes(self) -> dict[str, int]:
        """Mode name (``+marks`` for the QA pipeline) → pid of its bash."""
        return {
            f"{name}{'+marks' if marks else ''}": p.proc.pid
            for (name, marks), p in self._pipelines.items()
            if p.alive()
        }

    def __enter__(self) -> "ApertiumEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - best effort at exit
        try:
            self.close()
        except Exception:
            pass
