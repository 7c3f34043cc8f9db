"""Read a source document and keep its structure.

A document is a list of *blocks* (title, headings, paragraphs, media lines)
and each block is cut into *segments*, the units that get translated. The
structure is kept so that exports can rebuild the article: a segment knows
its paragraph index and its kind.

Kinds:
- ``heading``: a title or heading (level 1 for the title, 2 otherwise);
- ``sentence``: one sentence of a paragraph;
- ``media``: a non-text line such as "Logo" or "Image 1", kept untranslated.

Plain text follows the conventions of news copy: blocks are separated by
blank lines, a short line without final punctuation is a heading, and the
first heading is the title. Markdown is parsed with markdown-it-py (the
CommonMark parser that Streamlit already ships), so its headings are taken
from the markup rather than guessed.

Encodings: UTF-8 (with or without BOM) first, since it almost never decodes
by accident; otherwise charset-normalizer picks among the legacy encodings a
French file can realistically be in (Windows-1252, ISO-8859-15, Latin-1,
Mac Roman). A file with a NUL byte anywhere is binary and is refused.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from locwork import inputs
from locwork.errors import LocworkError

KINDS = ("heading", "sentence", "media")
MAX_DOCUMENT_BYTES = inputs.DOCUMENT_LIMIT
SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown")

# Legacy encodings a French text can be in, most likely first: Windows-1252
# is what Word and most Windows editors wrote, ISO-8859-15 adds "€" and
# "œ" to Latin-1.
LEGACY_ENCODINGS = ("cp1252", "iso8859_15", "latin_1", "mac_roman")

# "Logo", "Image 1", "Photo : AFP", "Vidéo 2"... lines that stand for
# something that is not text. They are kept, untranslated, so that an export
# can put a placeholder where they were.
MEDIA_LINE = re.compile(
    r"^(?:logo|image|images|photo|photos|vid[ée]o|illustration|figure|graphique|"
    r"carte|infographie|capture d[’']écran|audio|podcast|diaporama|galerie)"
    r"(?:\s*\d+)?(?:\s*[:\-–—]\s*.*)?$",
    re.IGNORECASE,
)
FINAL_PUNCTUATION = tuple(".!?…;:")
HEADING_MAX_CHARS = 120
HEADING_MAX_WORDS = 14
MD_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)]*\)$")


@dataclass(frozen=True)
class Segment:
    """One translatable (or media) unit, with enough context to rebuild."""

    id: str
    kind: str
    text: str
    paragraph: int
    level: int | None = None  # heading level; None for other kinds

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Block:
    """A paragraph, heading or media line of the source."""

    kind: str  # "paragraph", "heading" or "media"
    text: str
    level: int | None = None
    line: int = 1  # 1-based line in the source, for PO references


@dataclass
class Document:
    """A source document: where it came from, its blocks and its segments."""

    name: str
    path: Path | None
    encoding: str
    blocks: list[Block]
    segments: list[Segment] = field(default_factory=list)

    @property
    def translatable(self) -> list[Segment]:
        """Segments that go to translation (everything but media)."""
        return [s for s in self.segments if s.kind != "media"]


def document_name(path: Path) -> str:
    """The catalog name of a document: its file name without the suffix."""
    return path.stem


def decode(data: bytes, source: str = "input") -> tuple[str, str]:
    """Decode bytes to text; return (text, encoding). Refuse binary data."""
    if not data.strip():
        raise LocworkError(f"{source}: the file is empty")
    # The whole input: a NUL anywhere would reach the catalog, which every
    # tool (msgfmt, locwork) then refuses as binary.
    if b"\x00" in data:
        raise LocworkError(f"{source}: this looks like a binary file, not text")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None:
        raise LocworkError(f"{source}: cannot tell the text encoding of this file")
    encoding = best.encoding
    # C1 control characters mean the bytes were really Windows-1252, which
    # puts the curly apostrophe and guillemets there.
    text = data.decode(encoding)
    if encoding != "cp1252" and re.search("[\x80-\x9f]", text):
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return text, encoding


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    return (
        len(stripped) <= HEADING_MAX_CHARS
        and len(stripped.split()) <= HEADING_MAX_WORDS
        and not stripped.endswith(FINAL_PUNCTUATION)
        and not stripped.endswith(("»", "”", '"', ")"))
    )


def parse_text_blocks(text: str) -> list[Block]:
    """Cut plain text into blocks at blank lines and classify each one."""
    blocks: list[Block] = []
    lines = text.splitlines()
    current: list[str] = []
    start = 0

    def flush() -> None:
        if not current:
            return
        # A hard-wrapped paragraph is one paragraph: the wrap is layout.
        body = " ".join(part.strip() for part in current)
        if len(current) == 1 and MEDIA_LINE.match(body):
            blocks.append(Block("media", body, line=start + 1))
        elif len(current) == 1 and _is_heading(body):
            level = 1 if not any(b.kind == "heading" for b in blocks) else 2
            blocks.append(Block("heading", body, level=level, line=start + 1))
        else:
            blocks.append(Block("paragraph", body, line=start + 1))
        current.clear()

    for number, line in enumerate(lines):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        else:
            flush()
    flush()
    return blocks


def parse_markdown_blocks(text: str) -> list[Block]:
    """Blocks from Markdown: headings from ``#`` markup, images as media."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    lines = text.splitlines()
    blocks: list[Block] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            blocks.append(
                Block("heading", inline.content.strip(), level=int(token.tag[1]),
                      line=token.map[0] + 1 if token.map else 1)
            )
        elif token.type == "paragraph_open":
            inline = tokens[index + 1]
            content = " ".join(part.strip() for part in inline.content.splitlines())
            line = token.map[0] + 1 if token.map else 1
            if MD_IMAGE.match(content) or MEDIA_LINE.match(content):
                blocks.append(Block("media", content, line=line))
            else:
                blocks.append(Block("paragraph", content, line=line))
        elif token.type in ("fence", "code_block", "html_block", "hr"):
            line = token.map[0] + 1 if token.map else 1
            raw = "\n".join(lines[token.map[0]:token.map[1]]) if token.map else token.content
            blocks.append(Block("media", raw.strip(), line=line))
    return [b for b in blocks if b.text]


def segment_blocks(blocks: list[Block]) -> list[Segment]:
    """Turn blocks into segments; ids are ``p<paragraph>.s<n>``, 1-based."""
    from locwork.segment import split_sentences

    segments: list[Segment] = []
    for paragraph, block in enumerate(blocks):
        if block.kind == "paragraph":
            pieces = split_sentences(block.text) or [block.text]
            kinds = ["sentence"] * len(pieces)
        else:
            pieces = [block.text]
            kinds = [block.kind]
        for n, (kind, piece) in enumerate(zip(kinds, pieces), start=1):
            segments.append(
                Segment(
                    id=f"p{paragraph + 1}.s{n}",
                    kind=kind,
                    text=piece,
                    paragraph=paragraph,
                    level=block.level if kind == "heading" else None,
                )
            )
    return segments


def parse(text: str, name: str, suffix: str = ".txt", path: Path | None = None,
          encoding: str = "utf-8") -> Document:
    """Build a Document from already-decoded text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if suffix.lower() in (".md", ".markdown"):
        blocks = parse_markdown_blocks(text)
    else:
        blocks = parse_text_blocks(text)
    if not blocks:
        raise LocworkError(f"{path or name}: the document has no text")
    return Document(name=name, path=path, encoding=encoding, blocks=blocks,
                    segments=segment_blocks(blocks))


def read_bytes(path: Path | str) -> bytes:
    """Read a source file, with one-line errors for the usual mistakes.

    Only a regular file is read (a FIFO or a device would hang or never
    end), and never more than :data:`MAX_DOCUMENT_BYTES` + 1 bytes of it.
    """
    return inputs.read_file(path, MAX_DOCUMENT_BYTES, "document")[0]


def load(path: Path | str) -> Document:
    """Read and segment a ``.txt`` or ``.md`` document."""
    path = Path(path)
    data = read_bytes(path)
    suffix = path.suffix.lower()
    if suffix and suffix not in SUPPORTED_SUFFIXES:
        raise LocworkError(
            f"{path}: unsupported document type {suffix!r} (use .txt or .md)"
        )
    text, encoding = decode(data, str(path))
    return parse(text, document_name(path), suffix or ".txt", path, encoding)


def load_bytes(data: bytes, name: str, suffix: str = ".txt") -> Document:
    """Read a document given as bytes (standard input, an upload)."""
    text, encoding = decode(data, name)
    return parse(text, name, suffix, None, encoding)
