"""A reviewer's corrections to the automatic segmentation of a document.

When the sentence splitter cuts in the wrong place ("M. Rubio" after an
abbreviation, two sentences it failed to separate), the reviewer merges two
adjacent segments or splits one. The correction is kept beside the document
in ``.<file name>.segments.json`` and applied every time the document is
read, so that the catalogs follow.

The file records, per corrected paragraph, the paragraph's text and the
sentences it should be cut into::

    {"version": 1,
     "paragraphs": [{"text": "Le 20 oct. M. Rubio a parlé. Il ...",
                     "sentences": ["Le 20 oct. M. Rubio a parlé.", "Il ..."]}]}

Keying by the paragraph's text (not its number) means a correction survives
edits elsewhere in the document and is simply ignored ("stale") if the
paragraph itself changes. Only sentences of one paragraph can be merged:
headings, media lines and paragraph breaks are the document's structure.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from locwork import atomic
from locwork.document import Document, Segment
from locwork.errors import LocworkError

VERSION = 1


def overrides_path(doc_path: Path) -> Path:
    """``corpus/.<doc file name>.segments.json``, hidden beside the document."""
    doc_path = Path(doc_path)
    return doc_path.with_name(f".{doc_path.name}.segments.json")


def _squash(text: str) -> str:
    return "".join(text.split())


def read(doc_path: Path) -> dict[str, list[str]]:
    """paragraph text → sentences, from the overrides file (empty if none)."""
    path = overrides_path(doc_path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
        return {item["text"]: list(item["sentences"]) for item in data.get("paragraphs", [])}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise LocworkError(f"{path}: unreadable segmentation overrides ({error})") from None


def _write(doc_path: Path, table: dict[str, list[str]]) -> None:
    path = overrides_path(doc_path)
    if not table:
        path.unlink(missing_ok=True)
        return
    data = {"version": VERSION,
            "paragraphs": [{"text": text, "sentences": sentences} for text, sentences in table.items()]}
    atomic.atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def _valid(text: str, sentences: list[str]) -> bool:
    return bool(sentences) and all(s.strip() for s in sentences) and \
        _squash("".join(sentences)) == _squash(text)


def apply(doc: Document, table: dict[str, list[str]] | None = None) -> Document:
    """The document with its paragraphs re-cut where an override says so."""
    if table is None:
        if doc.path is None:
            return doc
        table = read(doc.path)
    if not table:
        return doc
    segments: list[Segment] = []
    for paragraph, block in enumerate(doc.blocks):
        own = [s for s in doc.segments if s.paragraph == paragraph]
        sentences = table.get(block.text) if block.kind == "paragraph" else None
        if sentences is None or not _valid(block.text, sentences):
            segments.extend(own)
            continue
        segments.extend(
            Segment(id=f"p{paragraph + 1}.s{n}", kind="sentence", text=text.strip(),
                    paragraph=paragraph)
            for n, text in enumerate(sentences, start=1)
        )
    return replace(doc, segments=segments)


def stale(doc: Document) -> list[str]:
    """Overrides whose paragraph is no longer in the document (they are ignored)."""
    if doc.path is None:
        return []
    texts = {b.text for b in doc.blocks if b.kind == "paragraph"}
    return [text for text in read(doc.path) if text not in texts]


def _paragraph(doc: Document, segment_id: str) -> tuple[int, list[Segment], int]:
    """(paragraph index, its segments, position of segment_id among them)."""
    for seg in doc.segments:
        if seg.id == segment_id:
            own = [s for s in doc.segments if s.paragraph == seg.paragraph]
            return seg.paragraph, own, own.index(seg)
    raise LocworkError(f"no segment {segment_id} in {doc.name}")


def _spans(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Where each sentence lies in the paragraph text."""
    spans, cursor = [], 0
    for sentence in sentences:
        start = text.find(sentence, cursor)
        if start < 0:
            raise LocworkError("the segments no longer match the paragraph; reload the document")
        spans.append((start, start + len(sentence)))
        cursor = start + len(sentence)
    return spans


def _store(doc: Document, paragraph: int, sentences: list[str]) -> None:
    if doc.path is None:
        raise LocworkError(f"{doc.name}: only a document saved in the corpus can be re-segmented")
    block = doc.blocks[paragraph]
    if not _valid(block.text, sentences):
        raise LocworkError("the new segments do not add up to the paragraph")
    with atomic.locked(overrides_path(doc.path)):
        table = read(doc.path)
        table[block.text] = sentences
        _write(doc.path, table)


def merge(doc: Document, segment_id: str) -> list[str]:
    """Merge a segment with the next one of its paragraph; return the new sentences."""
    paragraph, own, index = _paragraph(doc, segment_id)
    block = doc.blocks[paragraph]
    if block.kind != "paragraph":
        raise LocworkError(f"{segment_id} is a {own[index].kind}: only sentences can be merged")
    if index + 1 >= len(own):
        raise LocworkError(f"{segment_id} is the last sentence of its paragraph: nothing to merge it with")
    texts = [s.text for s in own]
    spans = _spans(block.text, texts)
    merged = block.text[spans[index][0]:spans[index + 1][1]]
    sentences = texts[:index] + [merged] + texts[index + 2:]
    _store(doc, paragraph, sentences)
    return sentences


def split_points(text: str) -> list[int]:
    """Offsets where a segment may be split: the start of every word but the first."""
    return [i for i in range(1, len(text)) if text[i - 1].isspace() and not text[i].isspace()]


def split(doc: Document, segment_id: str, offset: int) -> list[str]:
    """Split a segment in two at a character offset; return the new sentences."""
    paragraph, own, index = _paragraph(doc, segment_id)
    if doc.blocks[paragraph].kind != "paragraph":
        raise LocworkError(f"{segment_id} is a {own[index].kind}: only sentences can be split")
    text = own[index].text
    left, right = text[:offset].strip(), text[offset:].strip()
    if not left or not right:
        raise LocworkError("split inside the segment: both parts need some text")
    texts = [s.text for s in own]
    sentences = texts[:index] + [left, right] + texts[index + 1:]
    _store(doc, paragraph, sentences)
    return sentences


def reset(doc: Document, segment_id: str | None = None) -> None:
    """Forget the override of one segment's paragraph, or every override."""
    if doc.path is None:
        return
    with atomic.locked(overrides_path(doc.path)):
        if segment_id is None:
            _write(doc.path, {})
            return
        paragraph, _, _ = _paragraph(doc, segment_id)
        table = read(doc.path)
        table.pop(doc.blocks[paragraph].text, None)
        _write(doc.path, table)
