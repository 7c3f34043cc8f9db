#!/usr/bin/env python3
"""Build a tiny but real ``.argosmodel`` package, for tests.

    python scripts/build_test_argosmodel.py --from fr --to qaa --out DIR [--seed N]

The package has exactly the layout argostranslate 1.11 installs and loads:

    translate-fr_qaa-1_0/            one top-level folder (argos extracts the
      metadata.json                  zip into its packages dir as is)
      sentencepiece.model            shared source/target SentencePiece model
      model/                         a CTranslate2 Transformer model
        model.bin, config.json, shared_vocabulary.json
      README.md

Nothing else is needed. In particular there is no ``stanza/`` (or
``minisbd/``/``spacy/``) folder: those only feed argos's own sentence
splitter, which the locwork engine bypasses (its inputs are already
sentences). Note that argostranslate's own ``translate()`` *does* need one:
without it argos 1.11 falls back to MiniSBD, which downloads an ONNX model
from GitHub on first use.

The SentencePiece model is trained on the project's French corpus
(``corpus/*.txt``); the Transformer (2+2 layers, d_model 64 by default) has
random weights drawn from a fixed seed, so it babbles - deterministically.
It proves the plumbing, not the quality. Building takes about a second.

Same arguments, same bytes: the zip entries carry a fixed timestamp.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT / "corpus"
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)

LANGUAGE_NAMES = {
    "fr": "French",
    "en": "English",
    "es": "Spanish",
    # ISO 639-2 "reserved for local use" codes: real-looking, never real.
    "qaa": "Test language A",
    "qab": "Test language B",
    "qac": "Test language C",
}


def _corpus_lines(corpus: Path) -> list[str]:
    files = sorted(corpus.glob("*.txt")) if corpus.is_dir() else [corpus]
    lines = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line:
                lines.append(line)
    if not lines:
        raise SystemExit(f"no text found in {corpus}")
    return lines


def train_sentencepiece(
    lines: list[str], vocab_size: int, user_symbols: list[str]
) -> bytes:
    """Train a small unigram SentencePiece model; return the serialized model."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        model_type="unigram",
        vocab_size=vocab_size,
        hard_vocab_limit=False,  # a small corpus may not support the full size
        character_coverage=1.0,
        user_defined_symbols=user_symbols,
        num_threads=1,
        minloglevel=2,
    )
    return model.getvalue()


def _tiny_transformer(vocab: list[str], seed: int, d_model: int, layers: int,
                      heads: int, ffn: int):
    """A TransformerSpec with every weight set from ``seed``."""
    import numpy as np
    from ctranslate2.specs import TransformerSpec

    rng = np.random.default_rng(seed)
    V, d = len(vocab), d_model

    def mat(rows, cols):
        return rng.normal(0.0, cols ** -0.5, (rows, cols)).astype(np.float32)

    def vec(n, scale=0.02):
        return rng.normal(0.0, scale, (n,)).astype(np.float32)

    def norm(spec):
        spec.gamma = np.ones(d, dtype=np.float32)
        spec.beta = np.zeros(d, dtype=np.float32)

    def linear(spec, rows, cols):
        spec.weight = mat(rows, cols)
        spec.bias = vec(rows)

    def ffn_block(spec):
        norm(spec.layer_norm)
        linear(spec.linear_0, ffn, d)
        linear(spec.linear_1, d, ffn)

    spec = TransformerSpec.from_config((layers, layers), heads)
    enc, dec = spec.encoder, spec.decoder

    enc.embeddings[0].weight = mat(V, d)
    norm(enc.layer_norm)
    for layer in enc.layer:
        att = layer.self_attention
        norm(att.layer_norm)
        linear(att.linear[0], 3 * d, d)  # fused Q, K, V
        linear(att.linear[1], d, d)  # output
        ffn_block(layer.ffn)

    dec.embeddings.weight = mat(V, d)
    norm(dec.layer_norm)
    linear(dec.projection, V, d)
    for layer in dec.layer:
        att = layer.self_attention
        norm(att.layer_norm)
        linear(att.linear[0], 3 * d, d)
        linear(att.linear[1], d, d)
        cross = layer.attention
        norm(cross.layer_norm)
        linear(cross.linear[0], d, d)  # query
        linear(cross.linear[1], 2 * d, d)  # fused K, V
        linear(cross.linear[2], d, d)  # output
        ffn_block(layer.ffn)

    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    return spec


def package_dirname(src: str, tgt: str, version: str) -> str:
    """argospm's naming: ``translate-fr_en-1_9``."""
    return f"translate-{src}_{tgt}-{version.replace('.', '_')}"


def build_package(
    src: str,
    tgt: str,
    out_dir: Path | str,
    *,
    seed: int = 0,
    version: str = "1.0",
    vocab_size: int = 300,
    d_model: int = 64,
    layers: int = 2,
    heads: int = 4,
    ffn: int = 128,
    target_prefix: str = "",
    corpus: Path | str = DEFAULT_CORPUS,
) -> Path:
    """Build the package; return the path of the ``.argosmodel`` file."""
    import sentencepiece as spm

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = package_dirname(src, tgt, version)
    user_symbols = [target_prefix] if target_prefix else []

    sp_bytes = train_sentencepiece(_corpus_lines(Path(corpus)), vocab_size, user_symbols)
    sp = spm.SentencePieceProcessor(model_proto=sp_bytes)
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]

    spec = _tiny_transformer(vocab, seed, d_model, layers, heads, ffn)
    spec.validate()
    spec.optimize(quantization="int8")

    metadata = {
        "package_version": version,
        "argos_version": "1.11.0",
        "type": "translate",
        "from_code": src,
        "from_name": LANGUAGE_NAMES.get(src, src),
        "to_code": tgt,
        "to_name": LANGUAGE_NAMES.get(tgt, tgt),
        "links": [],
    }
    if target_prefix:
        metadata["target_prefix"] = target_prefix
    readme = (
        f"# Test package {src} -> {tgt}\n\n"
        f"Built by locwork's scripts/build_test_argosmodel.py (seed {seed}).\n"
        "Random weights: the output is deterministic nonsense.\n"
    )

    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp) / "model"
        model_dir.mkdir()
        spec.save(str(model_dir))
        files = {
            "metadata.json": (json.dumps(metadata, indent=2) + "\n").encode(),
            "sentencepiece.model": sp_bytes,
            "README.md": readme.encode(),
        }
        for path in sorted(model_dir.iterdir()):
            files[f"model/{path.name}"] = path.read_bytes()

        target = out_dir / f"{name}.argosmodel"
        partial = target.with_suffix(".argosmodel.part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            for dirname in (f"{name}/", f"{name}/model/"):
                zf.writestr(zipfile.ZipInfo(dirname, _ZIP_DATE), b"")
            for rel, data in files.items():
                info = zipfile.ZipInfo(f"{name}/{rel}", _ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        partial.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="src", required=True, help="source code, e.g. fr")
    parser.add_argument("--to", dest="tgt", required=True, help="target code, e.g. qaa")
    parser.add_argument("--out", required=True, type=Path, help="output folder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--version", default="1.0", help="package_version")
    parser.add_argument("--vocab-size", type=int, default=300)
    parser.add_argument("--d-model", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--target-prefix", default="",
                        help="token the decoder is forced to start with (metadata target_prefix)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="folder of *.txt (or one file) to train SentencePiece on")
    args = parser.parse_args(argv)
    path = build_package(
        args.src, args.tgt, args.out, seed=args.seed, version=args.version,
        vocab_size=args.vocab_size, d_model=args.d_model, layers=args.layers,
        target_prefix=args.target_prefix, corpus=args.corpus,
    )
    print(path)
    return 0


if __name__ == "__main__":
    # ctranslate2.specs tries `import torch` (2+ s) only to accept torch
    # tensors as weights; we pass numpy arrays, so skip it in this process.
    sys.modules.setdefault("torch", None)
    sys.exit(main())
