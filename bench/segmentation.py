"""Sentence-segmentation benchmark: locwork against pysbd, ICU and spaCy.

Usage (from the repository root)::

    .venv/bin/python bench/segmentation.py [--json OUT] [--errors]

Gold data: ``shared/data/segmentation/sequoia_annodis_er.gold_sentences.tsv``
next to the repository (``/work/shared`` for ``/work/main``), a TSV with the
columns ``sent_id``, ``split``, ``text`` (header line optional) holding one
gold sentence per row, in document order (Sequoia treebank, annodis.er part,
LGPL-LR; see ``sequoia.LICENSE.txt`` beside it). When the file is missing the
script says so and exits 0.

Method
------
1. Gold units without final punctuation are dropped: headlines and list
   items, i.e. text that does not end in ``.``, ``!``, ``?`` or ``…``,
   optionally followed by closing quotes or brackets (``»”")``, each
   possibly after a space, as in French ``. »``).
2. The remaining gold sentences are joined, 5 consecutive ones at a time,
   with a single space into a paragraph (the last paragraph may be shorter).
3. Each segmenter splits each paragraph. Its sentence *boundaries* are the
   character offsets where a sentence ends (trailing whitespace stripped),
   except the end of the paragraph; the gold boundaries are the ends of the
   gold sentences joined into the paragraph.
4. Boundary precision, recall and F1 are micro-averaged over all paragraphs.
   Throughput is gold sentences per second of segmentation time (model
   loading excluded), on one core.

With ``--heldout`` the same method also runs on a second, noisier gold that
no rule was tuned on: ``shared/data/mt-dev/newstest2013.fr`` (WMT news, one
sentence per line; a few lines hold two sentences, which then count as false
positives for every segmenter).

Segmenters: locwork (``locwork.segment.split_sentences``), pysbd
(``fr``, ``clean=False``), ICU's ``fr@ss=standard`` sentence BreakIterator
(PyICU) and spaCy's ``fr_core_news_sm`` pipeline. A segmenter whose library
is missing is reported as "not installed".
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD = SHARED / "data" / "segmentation" / "sequoia_annodis_er.gold_sentences.tsv"
HELDOUT = SHARED / "data" / "mt-dev" / "newstest2013.fr"
GROUP = 5

FINAL_PUNCT = re.compile(r"[.!?…](?:\s*[»”\")])*$")

Span = tuple[int, int]
Segmenter = Callable[[str], list[Span]]


def read_gold(path: Path) -> list[str]:
    """Return the gold sentence texts, in file order."""
    sentences = []
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle):
            line = line.rstrip("\r\n")
            if not line:
                continue
            cols = line.split("\t")
            if lineno == 0 and cols[0].lower() in {"id", "sent_id"}:
                continue  # header
            if len(cols) < 3:
                raise ValueError(f"{path}:{lineno + 1}: expected 3 columns")
            sentences.append("\t".join(cols[2:]))
    return sentences


def has_final_punct(text: str) -> bool:
    return bool(FINAL_PUNCT.search(text.strip()))


def make_paragraphs(sentences: list[str]) -> list[tuple[str, set[int]]]:
    """Join GROUP consecutive gold sentences; return (paragraph, boundaries)."""
    kept = [s.strip() for s in sentences if has_final_punct(s)]
    paragraphs = []
    for i in range(0, len(kept), GROUP):
        chunk = kept[i:i + GROUP]
        text = " ".join(chunk)
        bounds, offset = set(), 0
        for sent in chunk[:-1]:
            offset += len(sent)
            bounds.add(offset)
            offset += 1
        paragraphs.append((text, bounds))
    return paragraphs


def boundaries(text: str, spans: list[Span]) -> set[int]:
    """Sentence ends (trailing whitespace stripped), paragraph end excluded."""
    end_of_text = len(text.rstrip())
    out = set()
    for start, end in spans:
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end < end_of_text:
            out.add(end)
    return out


# --------------------------------------------------------------- segmenters


def spans_from_strings(text: str, sentences: list[str]) -> list[Span]:
    """Locate sentence strings (exact substrings, in order) in text."""
    spans, cursor = [], 0
    for sent in sentences:
        sent = sent.strip()
        if not sent:
            continue
        start = text.find(sent, cursor)
        if start < 0:
            continue
        spans.append((start, start + len(sent)))
        cursor = start + len(sent)
    return spans


def load_locwork() -> Segmenter:
    sys.path.insert(0, str(REPO / "src"))
    from locwork.segment import split_sentences

    return lambda text: spans_from_strings(text, split_sentences(text))


def load_pysbd() -> Segmenter:
    import pysbd

    seg = pysbd.Segmenter(language="fr", clean=False, char_span=True)
    return lambda text: [(s.start, s.end) for s in seg.segment(text)]


def load_icu() -> Segmenter:
    import icu

    bi = icu.BreakIterator.createSentenceInstance(icu.Locale("fr@ss=standard"))

    def segment(text: str) -> list[Span]:
        # ICU works on UTF-16 offsets: map them back to code points.
        bi.setText(text)
        utf16 = []
        for i, ch in enumerate(text):
            utf16.append(i)
            if ord(ch) > 0xFFFF:
                utf16.append(i)
        utf16.append(len(text))
        cuts = [utf16[b] for b in bi]
        spans, prev = [], 0
        for cut in cuts:
            if cut > prev:
                spans.append((prev, cut))
            prev = cut
        return spans

    return segment


def load_spacy() -> Segmenter:
    import spacy

    nlp = spacy.load("fr_core_news_sm")
    return lambda text: [(s.start_char, s.end_char) for s in nlp(text).sents]


SEGMENTERS: dict[str, Callable[[], Segmenter]] = {
    "locwork": load_locwork,
    "pysbd": load_pysbd,
    "ICU fr@ss=standard": load_icu,
    "spaCy fr_core_news_sm": load_spacy,
}


# -------------------------------------------------------------------- main


def evaluate(segment: Segmenter, paragraphs, n_sentences: int, errors=None):
    tp = fp = fn = 0
    elapsed = 0.0
    for text, gold in paragraphs:
        t0 = time.perf_counter()
        spans = segment(text)
        elapsed += time.perf_counter() - t0
        pred = boundaries(text, spans)
        tp += len(pred & gold)
        fp += len(pred - gold)
        fn += len(gold - pred)
        if errors is not None:
            for b in sorted(pred - gold):
                errors.append(("FP", text, b))
            for b in sorted(gold - pred):
                errors.append(("FN", text, b))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "sentences_per_s": round(n_sentences / elapsed) if elapsed else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--errors", action="store_true",
                        help="print locwork's boundary errors in context")
    parser.add_argument("--only", action="append",
                        help="run only segmenters whose name contains this")
    parser.add_argument("--heldout", action="store_true",
                        help=f"also evaluate on {HELDOUT.name} (one sentence a line)")
    args = parser.parse_args(argv)

    if not GOLD.is_file():
        print(f"Gold data not found: {GOLD}\n"
              "Nothing to benchmark (the shared data set is not checked out "
              "beside the repository); skipping.")
        return 0

    suites = {"sequoia": read_gold(GOLD)}
    if args.heldout:
        if HELDOUT.is_file():
            lines = HELDOUT.read_text(encoding="utf-8").splitlines()
            suites["newstest2013"] = [line for line in lines if line.strip()]
        else:
            print(f"Held-out data not found: {HELDOUT}; skipping it.\n")

    segmenters: dict[str, Segmenter | str] = {}
    for name, loader in SEGMENTERS.items():
        if args.only and not any(o.lower() in name.lower() for o in args.only):
            continue
        try:
            segmenters[name] = loader()
        except (ImportError, OSError) as exc:
            segmenters[name] = f"not installed ({exc})"
            continue
        segmenters[name]("Échauffement. Du moteur.")  # warm caches and lazy loads

    all_results, methods = {}, {}
    for suite, gold_sentences in suites.items():
        paragraphs = make_paragraphs(gold_sentences)
        n_sentences = sum(len(b) + 1 for _, b in paragraphs)
        n_bounds = sum(len(b) for _, b in paragraphs)
        path = GOLD if suite == "sequoia" else HELDOUT
        print(f"Gold: {path.name}: {len(gold_sentences)} units, {n_sentences} "
              f"with final punctuation, {len(paragraphs)} paragraphs of up to "
              f"{GROUP}, {n_bounds} inner boundaries.\n")
        methods[suite] = {"gold": str(path), "group": GROUP,
                          "paragraphs": len(paragraphs),
                          "sentences": n_sentences, "boundaries": n_bounds}
        results = all_results[suite] = {}
        error_log: list = []
        for name, segment in segmenters.items():
            if isinstance(segment, str):
                results[name] = {"status": "not installed", "reason": segment}
                continue
            results[name] = {"status": "ok", **evaluate(
                segment, paragraphs, n_sentences,
                error_log if (args.errors and name == "locwork") else None)}

        print("| segmenter | precision | recall | F1 | sentences/s |")
        print("|---|---:|---:|---:|---:|")
        for name, res in results.items():
            if res["status"] != "ok":
                print(f"| {name} | not installed | | | |")
                continue
            print(f"| {name} | {res['precision']:.3f} | {res['recall']:.3f} | "
                  f"{res['f1']:.3f} | {res['sentences_per_s']:,} |")

        if args.errors:
            print(f"\nlocwork errors ({len(error_log)}):")
            for kind, text, b in error_log:
                print(f"  {kind}: …{text[max(0, b - 70):b]}⟦|⟧{text[b:b + 50]}…")
        print()

    if args.json:
        payload = {"method": methods, "results": all_results}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
        print(f"JSON written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
