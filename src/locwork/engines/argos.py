"""Argos Translate packages, run in batches straight through CTranslate2.

An argos package (``.argosmodel``) is a zip of one folder holding
``metadata.json`` (``from_code``, ``to_code``, ``package_version``, optional
``target_prefix``...), ``model/`` (a CTranslate2 model) and
``sentencepiece.model`` (or, in old packages, ``bpe.model``), plus
sentence-splitter data (``stanza/``, ``minisbd/``) that we never use.

What comes from argostranslate: where packages live (its settings:
``ARGOS_PACKAGES_DIR``, ``XDG_DATA_HOME``, its ``settings.json``; the
``ARGOS_PACKAGES_DIR`` environment variable is also re-read when an engine
is created, so it works even after argostranslate was imported), how a
package folder is read (``argostranslate.package.Package``), the index
address (``ARGOS_PACKAGE_INDEX``) and the index format.

What does not: argostranslate's ``translate()``. Its module imports
stanza, spacy and torch (about 2 s); it translates one text at a time,
splits each text again into sentences with MiniSBD or Stanza (both download
a model on first use: offline, translate() fails), and decodes in batches
of 32 tokens with no decoding-length cap below 256.
Our inputs are already sentences, so :meth:`ArgosEngine.translate_batch`
tokenizes a whole batch with the package's SentencePiece model and makes a
``ctranslate2.Translator.translate_batch`` call per chunk of up to 32
sentences of similar length.

Importing this module imports nothing heavy: argostranslate, ctranslate2
and sentencepiece are imported inside the methods that need them, and a
model is loaded on the first translation of its pair.

Installing a package file (every check on the archive before anything is
written) lives in :mod:`locwork.engines.argos_install`; the engine calls it
and then rescans its folders.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Sequence

from locwork.engines.argos_install import (
    DEFAULT_MAX_UNPACKED_BYTES,
    MAX_BYTES_ENV,
    check_code,
    install_file,
    reason,
    unpack_limit,
)
from locwork.engines.base import Hypothesis, Pair
from locwork.errors import LocworkError

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
INSTALL_HINT = "download the .argosmodel elsewhere and run `locwork models install FILE`"


class InstalledPackage(NamedTuple):
    """One installed argos translation package, as ``locwork models list`` shows it."""

    src: str
    tgt: str
    version: str
    name: str

    def __str__(self) -> str:
        return f"argos {self.name} {self.version} ({self.src} → {self.tgt})"


@dataclass
class _Package:
    """An installed package folder, read through argostranslate's ``Package``."""

    src: str
    tgt: str
    version: str
    name: str
    path: Path
    target_prefix: str
    argos: Any = field(repr=False)  # argostranslate.package.Package

    @property
    def info(self) -> InstalledPackage:
        return InstalledPackage(self.src, self.tgt, self.version, self.name)


@dataclass
class _Loaded:
    translator: Any  # ctranslate2.Translator
    encode: Any  # list[str] -> list[list[str]]
    decode: Any  # list[list[str]] -> list[str]
    key: tuple[str, str]  # (path, version) it was loaded from


_LENGTH_BUCKETS = (8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024)


def _length_bucket(n: int) -> int:
    """The top of the length bucket of an n-token sentence."""
    return next((top for top in _LENGTH_BUCKETS if n <= top), n)


def _version_key(version: str) -> tuple:
    from packaging.version import InvalidVersion, Version

    try:
        return (1, Version(version), version)
    except InvalidVersion:
        return (0, None, version)


def _cpu_threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class ArgosEngine:
    """Installed argos packages, one direct pair per package.

    Pivots (fr→en→es through two packages) are the router's job: this engine
    only reports and translates the pairs it has a package for.
    """

    name = "argos"

    def __init__(
        self,
        packages_dir: str | os.PathLike | None = None,
        *,
        index_url: str | None = None,
        network_timeout: float = 5.0,
        device: str = "cpu",
        compute_type: str = "int8",
        threads: int | None = None,
        beam_size: int = 2,
        length_penalty: float = 0.2,
        no_repeat_ngram_size: int = 4,
        repetition_penalty: float = 1.0,
        max_length_ratio: float = 2.0,
        max_decoding_length: int = 512,
        max_batch_size: int = 32,
        max_unpacked_bytes: int | None = None,
    ) -> None:
        """All arguments are optional.

        packages_dir: where packages are found and installed; default
            ``$ARGOS_PACKAGES_DIR``, else argostranslate's own setting.
        index_url: the argos package index (a folder URL holding
            ``index.json``); default ``$ARGOS_PACKAGE_INDEX``, else argos's.
        network_timeout: seconds before giving up on one network operation.
        beam_size: beam width (raised to ``n_best`` when that is larger).
        length_penalty, no_repeat_ngram_size, repetition_penalty: passed to
            CTranslate2. A repeated 4-gram of subwords inside one sentence
            is almost always a decoding loop ("salad"), hence the default.
        max_length_ratio, max_decoding_length: the decoder stops after
            ``ratio * L + 10`` tokens, L being the input's length in tokens
            rounded up to 8, 16, 24, 32, 48, 64, 96, 128, 192..., and never
            after more than ``max_decoding_length``.
        max_batch_size: sentences per CTranslate2 call.
        max_unpacked_bytes: the most bytes a package may unpack to when it
            is installed; default ``$LOCWORK_ARGOS_MAX_BYTES``, else 2 GiB.
        """
        env_dir = os.environ.get("ARGOS_PACKAGES_DIR")
        self._explicit_dir = Path(packages_dir) if packages_dir else (
            Path(env_dir) if env_dir else None
        )
        self._index_url = index_url
        self.network_timeout = network_timeout
        self.device = device
        self.compute_type = compute_type
        self.threads = threads or _cpu_threads()
        self.beam_size = beam_size
        self.length_penalty = length_penalty
        self.no_repeat_ngram_size = no_repeat_ngram_size
        self.repetition_penalty = repetition_penalty
        self.max_length_ratio = max_length_ratio
        self.max_decoding_length = max_decoding_length
        self.max_batch_size = max_batch_size
        self.max_unpacked_bytes = max_unpacked_bytes
        self.problems: dict[str, str] = {}  # folder -> why it was skipped
        self._lock = threading.RLock()
        self._scan_stamp: tuple | None = None
        self._by_pair: dict[Pair, _Package] = {}
        self._loaded: dict[Pair, _Loaded] = {}

    # -- where packages live ------------------------------------------------

    @property
    def package_dirs(self) -> list[Path]:
        """Folders searched for packages; the first is where installs go."""
        if self._explicit_dir is not None:
            return [self._explicit_dir]
        from argostranslate import settings  # creates argos's data folders

        return [Path(p) for p in settings.package_dirs]

    @property
    def install_dir(self) -> Path:
        return self.package_dirs[0]

    def _stamp(self, dirs: list[Path]) -> tuple:
        stamp = []
        for d in dirs:
            try:
                stamp.append((str(d), d.stat().st_mtime_ns))
            except OSError:
                stamp.append((str(d), None))
        return tuple(stamp)

    def _packages(self) -> dict[Pair, _Package]:
        """Installed translate packages by pair, rescanned when a folder changes."""
        with self._lock:
            dirs = self.package_dirs
            stamp = self._stamp(dirs)
            if stamp != self._scan_stamp:
                self._by_pair = self._scan(dirs)
                self._scan_stamp = stamp
            return self._by_pair

    def _scan(self, dirs: list[Path]) -> dict[Pair, _Package]:
        # argostranslate.package.get_installed_packages() would do, but it
        # raises on the first folder without metadata.json, hiding every
        # good package; so read each folder with argos's Package, alone.
        from argostranslate.package import Package, argospm_package_name

        self.problems = {}
        found: dict[Pair, _Package] = {}
        for directory in dirs:
            try:
                entries = sorted(p for p in directory.iterdir() if p.is_dir())
            except OSError:
                continue
            for path in entries:
                if path.name.startswith("."):
                    continue
                try:
                    pkg = Package(path)
                except Exception as error:  # broken folder: skip it, say why
                    self.problems[str(path)] = f"not an argos package: {error}"
                    continue
                if pkg.type != "translate" or not pkg.from_code or not pkg.to_code:
                    continue
                if not (path / "model").is_dir():
                    self.problems[str(path)] = "no model/ folder"
                    continue
                if not hasattr(pkg, "tokenizer"):
                    self.problems[str(path)] = "no sentencepiece.model or bpe.model"
                    continue
                candidate = _Package(
                    src=pkg.from_code,
                    tgt=pkg.to_code,
                    version=str(pkg.package_version or "?"),
                    name=argospm_package_name(pkg),
                    path=path,
                    target_prefix=getattr(pkg, "target_prefix", "") or "",
                    argos=pkg,
                )
                pair = (candidate.src, candidate.tgt)
                best = found.get(pair)
                if best is None or _version_key(candidate.version) > _version_key(best.version):
                    found[pair] = candidate
        return found

    def _package(self, src: str, tgt: str) -> _Package:
        pkg = self._packages().get((src, tgt))
        if pkg is None:
            raise LocworkError(
                f"no argos package installed for {src}→{tgt}; "
                f"install one with `locwork models install FILE.argosmodel`"
            )
        return pkg

    # -- the Engine protocol --------------------------------------------------

    def pairs(self) -> list[Pair]:
        return sorted(self._packages())

    def installed(self) -> list[InstalledPackage]:
        """(from, to, package version, name) of each usable package."""
        return [pkg.info for _, pkg in sorted(self._packages().items())]

    def model_version(self, src: str, tgt: str) -> str:
        pkg = self._package(src, tgt)
        return f"argos {pkg.name} {pkg.version}"

    def translate_batch(
        self, texts: Sequence[str], src: str, tgt: str, n_best: int = 1
    ) -> list[list[Hypothesis]]:
        """Translate sentences in batches; return n-best per text.

        Each input is one sentence (no further splitting). Distinct inputs
        are tokenized together, grouped by length and decoded in chunks of
        up to ``max_batch_size``: one CTranslate2 call per chunk, never one
        per sentence. A sentence's translation does not depend on the other
        sentences of the batch. Up to ``n_best`` hypotheses per text, best
        first, with distinct texts.

        ``score`` is CTranslate2's beam score: the sum of the natural-log
        probabilities (as the decoder computed them, i.e. after the
        repetition guards) of the generated target tokens - the final
        ``</s>`` included when the decoder ended the sentence itself, the
        metadata's target prefix token excluded - divided by ``(number of
        those tokens) ** length_penalty`` (0.2 by default, as in argos).
        Always <= 0; higher is better. An empty or blank text comes back as
        it is (as from Apertium and Bergamot), one hypothesis scored 0.
        """
        if n_best < 1:
            raise ValueError("n_best must be at least 1")
        texts = list(texts)
        if not texts:
            return []
        pkg = self._package(src, tgt)
        loaded = self._load(pkg)

        # Translate each distinct non-blank sentence once.
        unique: dict[str, int] = {}
        for text in texts:
            if text.strip() and text not in unique:
                unique[text] = len(unique)
        results: list[list[Hypothesis]] = [[] for _ in unique]
        if unique:
            sources = list(unique)
            tokens = loaded.encode(sources)
            # Chunks of sentences of similar length, each decoded with a
            # length cap that depends only on the bucket (so a sentence gets
            # the same translation whatever else is in the batch): a
            # babbling sentence stops at ratio * its bucket's top length, not
            # at ratio * the document's longest sentence, and padding stays
            # small: 2-3x faster than one call over 100 mixed sentences.
            buckets: dict[int, list[int]] = {}
            for i in sorted(range(len(tokens)), key=lambda i: len(tokens[i])):
                buckets.setdefault(_length_bucket(len(tokens[i])), []).append(i)
            size = max(1, self.max_batch_size)
            for top, members in buckets.items():
                for start in range(0, len(members), size):
                    chunk = members[start:start + size]
                    outputs = self._decode(
                        loaded, pkg, [tokens[i] for i in chunk], n_best, top
                    )
                    for i, hyps in zip(chunk, outputs):
                        results[i] = hyps
        return [
            results[unique[text]] if text in unique else [Hypothesis(text, 0.0)]
            for text in texts
        ]

    def _decode(
        self, loaded: _Loaded, pkg: _Package, tokens: list[list[str]], n_best: int,
        longest: int,
    ) -> list[list[Hypothesis]]:
        """One ``Translator.translate_batch`` call for a chunk of tokenized sentences."""
        prefix = pkg.target_prefix
        max_len = min(self.max_decoding_length, int(self.max_length_ratio * longest) + 10)
        options: dict[str, Any] = dict(
            beam_size=max(self.beam_size, n_best),
            num_hypotheses=n_best,
            return_scores=True,
            length_penalty=self.length_penalty,
            no_repeat_ngram_size=self.no_repeat_ngram_size,
            repetition_penalty=self.repetition_penalty,
            max_decoding_length=max_len + (1 if prefix else 0),
            max_batch_size=self.max_batch_size,
            replace_unknowns=True,
        )
        if prefix:
            # The metadata's target_prefix token (e.g. a language tag of a
            # multilingual model) starts every target; CTranslate2 returns
            # it at the head of each hypothesis, and it is not scored.
            options["target_prefix"] = [[prefix]] * len(tokens)
        results = []
        for output in loaded.translator.translate_batch(tokens, **options):
            hyps = [h[1:] if prefix and h and h[0] == prefix else h for h in output.hypotheses]
            ranked = sorted(
                zip(loaded.decode(hyps), output.scores), key=lambda p: p[1], reverse=True
            )
            seen: set[str] = set()
            best: list[Hypothesis] = []
            for text, score in ranked:
                text = text.strip()
                if text not in seen:  # two token sequences, one string
                    seen.add(text)
                    best.append(Hypothesis(text, float(score)))
            results.append(best or [Hypothesis("", None)])
        return results

    def close(self) -> None:
        with self._lock:
            for loaded in self._loaded.values():
                try:
                    loaded.translator.unload_model()
                except Exception:
                    pass
            self._loaded.clear()

    # -- models ---------------------------------------------------------------

    def _load(self, pkg: _Package) -> _Loaded:
        pair = (pkg.src, pkg.tgt)
        key = (str(pkg.path), pkg.version)
        with self._lock:
            loaded = self._loaded.get(pair)
            if loaded is not None and loaded.key == key:
                return loaded
            import ctranslate2

            model_dir = str(pkg.path / "model")
            options = dict(device=self.device, inter_threads=1, intra_threads=self.threads)
            try:
                try:
                    translator = ctranslate2.Translator(
                        model_dir, compute_type=self.compute_type, **options
                    )
                except ValueError:  # compute type not supported here
                    translator = ctranslate2.Translator(model_dir, **options)
                encode, decode = self._tokenizer(pkg)
            except (RuntimeError, ValueError, OSError) as error:
                reason = " ".join(str(error).split())
                raise LocworkError(
                    f"cannot load the argos package {pkg.name} from {pkg.path}: {reason}"
                ) from None
            loaded = _Loaded(translator, encode, decode, key)
            self._loaded[pair] = loaded
            return loaded

    @staticmethod
    def _tokenizer(pkg: _Package):
        sp_path = pkg.path / "sentencepiece.model"
        if sp_path.exists():
            import sentencepiece as spm

            sp = spm.SentencePieceProcessor(model_file=str(sp_path))

            def encode(texts: list[str]) -> list[list[str]]:
                return sp.encode(texts, out_type=str)

            def decode(hyps: list[list[str]]) -> list[str]:
                # Not argos's decode: it also turns every "_" into a space.
                return [sp.decode_pieces(h) for h in hyps]

            return encode, decode
        tokenizer = pkg.argos.tokenizer  # BPE + Moses (old packages)
        return (
            lambda texts: [tokenizer.encode(t) for t in texts],
            lambda hyps: [tokenizer.decode(h) for h in hyps],
        )

    # -- installing -------------------------------------------------------------

    def install_from_path(
        self, path: str | os.PathLike, *, name: str | None = None
    ) -> InstalledPackage:
        """Install an ``.argosmodel`` file; return what was installed.

        ``name`` is how messages call the file (an upload's own name rather
        than the temporary file it was saved to); default: the path.

        Nothing outside the packages folder is written or removed, even when
        the install fails (argostranslate's own ``install_from_path`` trusts
        the archive, and one folder without metadata.json then breaks its
        package listing):

        - the file must be a regular file: a FIFO or a device is refused
          before it is opened, so nothing hangs;
        - the whole zip is checked before anything is written (see
          :func:`~locwork.engines.argos_install.check_archive`): entry names, language codes and version in
          metadata.json, the layout, the unpacked size;
        - it is unpacked into a hidden temporary folder inside the packages
          folder, counting the bytes written (a size the zip lies about
          cannot get past the limit), then renamed to
          ``translate-FROM_TO-VERSION``: a name made of the checked metadata,
          never the archive's own folder name, checked to lie in the
          packages folder;
        - a folder of that name that holds a package of another pair is left
          alone and the install refused;
        - on failure the temporary folder is removed.

        The new package then is the one for its pair: any other version of
        the same pair in the install folder (older or newer) is removed.
        """
        path = Path(path).expanduser()
        shown = name or str(path)
        pair, target = install_file(path, shown, self.install_dir, self.unpack_limit(), self._lock)
        with self._lock:
            self._scan_stamp = None  # rescan
            self._loaded.pop(pair, None)
        pkg = self._packages().get(pair)
        if pkg is None or pkg.path.resolve() != target:
            problem = self.problems.get(
                str(target), f"{pkg.path} has a newer version" if pkg else "unreadable"
            )
            raise LocworkError(f"installed {Path(shown).name} but it is not usable: {problem}")
        return pkg.info

    def unpack_limit(self) -> int:
        """The most bytes a package may unpack to: the engine's, $LOCWORK_ARGOS_MAX_BYTES, or 2 GiB."""
        return unpack_limit(self.max_unpacked_bytes)

    def index_url(self) -> str:
        """The index.json address: ``index_url``, $ARGOS_PACKAGE_INDEX, or argos's."""
        base = self._index_url or os.environ.get("ARGOS_PACKAGE_INDEX")
        if not base:
            from argostranslate import settings

            base = settings.package_index or DEFAULT_INDEX
        return base if base.endswith(".json") else base.rstrip("/") + "/index.json"

    def _fetch(self, url: str) -> bytes:
        import urllib.request

        request = urllib.request.Request(url, headers={"User-Agent": "locwork"})
        with urllib.request.urlopen(request, timeout=self.network_timeout) as response:
            return response.read()

    def install_from_index(self, src: str, tgt: str) -> InstalledPackage:
        """Fetch the argos index, then download and install the package for src→tgt.

        Offline, this fails in about ``network_timeout`` seconds (one try, no
        retries) with a one-line LocworkError.
        """
        check_code(src, "the source")
        check_code(tgt, "the target")
        url = self.index_url()
        try:
            raw = self._fetch(url)
        except Exception as error:
            raise LocworkError(
                f"cannot reach the argos package index: {reason(error)} ({url}); {INSTALL_HINT}"
            ) from None
        try:
            index = json.loads(raw)
            if not isinstance(index, list):
                raise ValueError("not a list")
        except ValueError as error:
            raise LocworkError(f"the argos package index at {url} is unreadable: {error}") from None
        self._save_index(raw)

        matches = [
            e for e in index
            if isinstance(e, dict) and e.get("type", "translate") == "translate"
            and e.get("from_code") == src and e.get("to_code") == tgt
        ]
        if not matches:
            targets = sorted({e.get("to_code") for e in index
                              if isinstance(e, dict) and e.get("from_code") == src} - {None})
            have = f" (from {src}: {', '.join(targets)})" if targets else ""
            raise LocworkError(f"the argos package index has no package for {src}→{tgt}{have}")
        entry = max(matches, key=lambda e: _version_key(str(e.get("package_version", ""))))
        links = [link for link in entry.get("links") or [] if isinstance(link, str)]
        if not links:
            raise LocworkError(f"the argos index lists {src}→{tgt} without a download link")

        reasons = []
        with tempfile.TemporaryDirectory(prefix="locwork-argos-") as tmp:
            file = Path(tmp) / "package.argosmodel"
            for link in links:
                try:
                    self._download(link, file)
                    shown = link
                    break
                except Exception as error:
                    reasons.append(f"{link}: {reason(error)}")
            else:
                raise LocworkError(
                    f"cannot download the argos package for {src}→{tgt} "
                    f"({'; '.join(reasons)}); {INSTALL_HINT}"
                )
            return self.install_from_path(file, name=shown)

    def _download(self, url: str, dest: Path) -> None:
        import urllib.request

        request = urllib.request.Request(url, headers={"User-Agent": "locwork"})
        with urllib.request.urlopen(request, timeout=self.network_timeout) as response, \
                open(dest, "wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)

    def _save_index(self, raw: bytes) -> None:
        """Keep argos's local copy of the index up to date (best effort)."""
        try:
            from argostranslate import settings

            Path(settings.local_package_index).write_bytes(raw)
        except Exception:
            pass


__all__ = [
    "ArgosEngine", "InstalledPackage", "DEFAULT_INDEX", "DEFAULT_MAX_UNPACKED_BYTES",
    "INSTALL_HINT", "MAX_BYTES_ENV", "check_code",
]
