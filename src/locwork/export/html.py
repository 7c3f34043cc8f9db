"""HTML exports: the translated article and the bilingual review sheet.

Both pages are standalone (inline CSS, no script, no external resource) and
are rendered with Jinja2 with autoescaping on, so a segment can hold any
text, markup included, and it shows as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import jinja2
from markupsafe import Markup

from locwork import __version__
from locwork.catalog import State
from locwork.document import Document
from locwork.export.common import STATE_LABELS, CatalogInput, Unit
from locwork.export.inline import render_inline

BASE_CSS = """
:root { color-scheme: light; }
body { font: 17px/1.6 Georgia, "DejaVu Serif", "Liberation Serif", serif; color: #111;
       background: #fff; margin: 0 auto; padding: 2rem 1.25rem; max-width: 42rem; }
h1, h2 { font-family: "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; line-height: 1.25; }
h1 { font-size: 2rem; margin: 1.5rem 0 1rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .75rem; }
p { margin: 0 0 1rem; }
.legend { font: 14px/1.45 "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; border: 1px solid #d9c9a3;
          background: #fffaf0; padding: .6rem .9rem; margin: 0 0 1.5rem; }
.legend p { margin: .2rem 0; }
.seg.unreviewed { text-decoration: underline dotted #b35c00; text-decoration-thickness: 2px;
                  text-underline-offset: .2em; }
.seg.source { color: #555; font-style: italic; }
.legend .sample.unreviewed { text-decoration: underline dotted #b35c00; text-decoration-thickness: 2px; }
.legend .sample.source { color: #555; font-style: italic; }
figure.media { margin: 1.25rem 0; padding: 1.5rem 1rem; border: 2px dashed #999; background: #f4f4f4;
               color: #444; text-align: center; font: 15px/1.4 "Helvetica Neue", Arial, sans-serif;
               white-space: pre-wrap; }
footer { margin-top: 2.5rem; color: #666; font: 12px/1.4 "Helvetica Neue", Arial, sans-serif; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  @page { margin: 18mm 16mm; }
  h1, h2 { break-after: avoid; }
  p, figure.media { break-inside: avoid; }
  figure.media { background: none; }
  .legend { background: none; }
}
"""

ARTICLE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="locwork {{ version }}">
<title>{{ title }}</title>
<style>{{ css }}</style>
</head>
<body>
{% if legend %}
<aside class="legend" role="note">
{% for line in legend %}<p>{% if line.sample %}<span class="sample {{ line.sample }}">{{ line.sample_text }}</span>: {% endif %}{{ line.text }}</p>
{% endfor %}</aside>
{% endif %}
<article>
{% for block in blocks %}
{% if block.kind == "heading" %}
<h{{ block.tag_level }}>{% for piece in block.pieces %}{{ seg(piece) }}{% endfor %}</h{{ block.tag_level }}>
{% elif block.kind == "media" %}
<figure class="media" data-media="{{ block.text }}"><figcaption>{{ block.text }}</figcaption></figure>
{% else %}
<p>{% for piece in block.pieces %}{{ seg(piece) }}{% if not loop.last %} {% endif %}{% endfor %}</p>
{% endif %}
{% endfor %}
</article>
<footer>{{ footer }}</footer>
</body>
</html>
"""

SEG_MACRO = """{% macro seg(piece) -%}
<span class="{{ piece.classes }}" data-seg="{{ piece.id }}"{% if piece.lang %} lang="{{ piece.lang }}"{% endif %}{% if piece.title %} title="{{ piece.title }}"{% endif %}>{{ piece.text }}</span>
{%- endmacro %}"""

REVIEW_CSS = """
:root { color-scheme: light; }
body { font: 14px/1.45 "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; color: #111; background: #fff;
       margin: 0; padding: 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
.summary { color: #444; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #bbb; padding: .35rem .5rem; vertical-align: top; text-align: left;
         overflow-wrap: anywhere; }
thead th { background: #eee; }
col.id { width: 6.5rem; } col.state { width: 8.5rem; } col.who { width: 8.5rem; } col.scores { width: 7.5rem; }
tr.heading td.text { font-weight: bold; }
td.state { font-size: 12px; }
tr.untranslated td.state { background: #f3f3f3; }
tr.machine td.state { background: #ffe9cc; }
tr.edited td.state { background: #fff5c2; }
tr.approved td.state { background: #dcf2dc; }
.mt { display: block; margin-top: .3rem; color: #666; font-size: 12px; }
.empty { color: #888; font-style: italic; }
.scores span { display: block; font-size: 12px; }
footer { margin-top: 1rem; color: #666; font-size: 11px; }
@media print {
  body { padding: 0; font-size: 10pt; }
  @page { size: A4 landscape; margin: 12mm; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  thead th, td.state { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

REVIEW = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="locwork {{ version }}">
<title>Review sheet: {{ doc_name }} ({{ src_lang }} → {{ lang }})</title>
<style>{{ css }}</style>
</head>
<body>
<h1>Review sheet: {{ doc_name }} <span lang="und">({{ src_lang }} → {{ lang }})</span></h1>
<p class="summary">{{ summary }}</p>
<table>
<colgroup><col class="id"><col class="src"><col class="tgt"><col class="state"><col class="who"><col class="scores"></colgroup>
<thead><tr><th scope="col">Segment</th><th scope="col">Source ({{ src_lang }})</th><th scope="col">Translation ({{ lang }})</th><th scope="col">State</th><th scope="col">Reviewer</th><th scope="col">Scores</th></tr></thead>
<tbody>
{% for row in rows %}
<tr class="{{ row.kind }} {{ row.state }}" data-seg="{{ row.id }}">
<td class="id">{{ row.id }}{% if row.kind == "heading" %}<br><small>heading</small>{% endif %}</td>
<td class="text" lang="{{ src_lang }}">{{ row.source }}</td>
<td class="text" lang="{{ lang }}">{% if row.target %}{{ row.target }}{% else %}<span class="empty">(no translation)</span>{% endif %}{% if row.mt %}<span class="mt">Machine output: <span lang="{{ lang }}">{{ row.mt }}</span></span>{% endif %}</td>
<td class="state">{{ row.state_label }}{% if row.engine %}<br><small>{{ row.engine }}</small>{% endif %}</td>
<td class="who">{{ row.reviewer }}{% if row.reviewed_at %}<br><small>{{ row.reviewed_at }}</small>{% endif %}</td>
<td class="scores">{% for label, value in row.scores %}<span>{{ label }} {{ value }}</span>{% endfor %}</td>
</tr>
{% endfor %}
</tbody>
</table>
<footer>{{ footer }}</footer>
</body>
</html>
"""

_ENV = jinja2.Environment(
    loader=jinja2.DictLoader({"article.html": SEG_MACRO + ARTICLE, "review.html": REVIEW}),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass
class Piece:
    """One segment as it appears in the article."""

    id: str
    text: str
    classes: str
    lang: str | None = None
    title: str | None = None


@dataclass
class ArticleBlock:
    kind: str
    text: str
    tag_level: int = 2
    pieces: list[Piece] | None = None


@dataclass
class ArticleStats:
    approved: int = 0
    unreviewed: int = 0
    fallback: int = 0
    total: int = 0


def _piece(seg_id: str, source: str, unit: Unit | None, approved_only: bool, src_lang: str,
           stats: ArticleStats) -> Piece:
    stats.total += 1
    usable = unit is not None and unit.source == source and unit.translated
    if usable and unit.approved:
        stats.approved += 1
        return Piece(seg_id, unit.target, "seg")
    if usable and not approved_only:
        stats.unreviewed += 1
        label = STATE_LABELS[unit.state]
        return Piece(seg_id, unit.target, "seg unreviewed", title=f"Not reviewed ({label})")
    stats.fallback += 1
    reason = "not approved" if usable else "no translation"
    return Piece(seg_id, source, "seg source", lang=src_lang, title=f"Original text ({reason})")


def article_blocks(doc: Document, inp: CatalogInput,
                   approved_only: bool = False) -> tuple[list[ArticleBlock], ArticleStats]:
    """Rebuild the document's blocks with the catalog's translations."""
    by_id = {u.id: u for u in inp.units}
    suffix = doc.path.suffix.lower() if doc.path is not None else ""
    markdown = suffix in (".md", ".markdown")
    markup = markdown or suffix in (".html", ".htm")  # a .txt document's "<b>" is text
    stats = ArticleStats()
    blocks: list[ArticleBlock] = []
    segs_by_block: dict[int, list] = {}
    for seg in doc.segments:
        segs_by_block.setdefault(seg.paragraph, []).append(seg)
    for index, block in enumerate(doc.blocks):
        if block.kind == "media":
            blocks.append(ArticleBlock("media", block.text))
            continue
        pieces = [
            _piece(seg.id, seg.text, by_id.get(seg.id), approved_only, inp.src_lang, stats)
            for seg in segs_by_block.get(index, [])
        ]
        for piece in pieces if markup else []:  # inline markup (links, bold, code) again
            piece.text = render_inline(piece.text, markdown)
        if block.kind == "heading":
            blocks.append(ArticleBlock("heading", block.text, 1 if block.level == 1 else 2, pieces))
        else:
            blocks.append(ArticleBlock("paragraph", block.text, pieces=pieces))
    return blocks, stats


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def render_article(doc: Document, inp: CatalogInput, approved_only: bool = False) -> str:
    """The translated article as a standalone HTML page."""
    blocks, stats = article_blocks(doc, inp, approved_only)
    legend = []
    if stats.unreviewed:
        legend.append({"sample": "unreviewed", "sample_text": "Dotted underline",
                       "text": f"machine or edited translation not yet approved by a reviewer "
                               f"({stats.unreviewed} of {stats.total} segments)."})
    if stats.fallback:
        why = "no approved translation" if approved_only else "no translation"
        legend.append({"sample": "source", "sample_text": "Grey italics",
                       "text": f"original French text, shown because the segment has {why} "
                               f"({stats.fallback} of {stats.total} segments)."})
    headings = [b for b in blocks if b.kind == "heading" and b.pieces]
    headings.sort(key=lambda b: b.tag_level)  # stable: the first h1, else the first h2
    # The pieces hold rendered markup by now: the title wants its text.
    title = " ".join(p.text.striptags() if isinstance(p.text, Markup) else p.text
                     for p in headings[0].pieces) if headings else doc.name
    footer = (f"{doc.name} · {inp.src_lang} → {inp.lang} · {stats.approved} of {stats.total} "
              f"segments approved · exported by locwork {__version__} on {_now()}")
    return _ENV.get_template("article.html").render(
        lang=inp.lang, version=__version__, title=title, css=BASE_CSS, legend=legend,
        blocks=blocks, footer=footer,
    )


def _short_date(value: str) -> str:
    """``2026-11-20T10:00:00+00:00`` -> ``2026-11-20 10:00``; other text as is."""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value


def review_rows(inp: CatalogInput, approved_only: bool = False) -> list[dict]:
    rows = []
    for unit in inp.units:
        if approved_only and not unit.approved:
            continue
        mt = unit.provenance.mt
        rows.append({
            "id": unit.id,
            "kind": unit.kind,
            "source": unit.source,
            "target": unit.target,
            "state": unit.state.value,
            "state_label": STATE_LABELS[unit.state],
            "engine": (unit.provenance.engine or "") if unit.state != State.UNTRANSLATED else "",
            "mt": mt if mt and unit.target and mt != unit.target else "",
            "reviewer": unit.provenance.reviewer or "",
            "reviewed_at": _short_date(unit.provenance.reviewed_at or ""),
            "scores": unit.scores,
        })
    return rows


def render_review(inp: CatalogInput, approved_only: bool = False) -> str:
    """A bilingual table (id, source, translation, state, reviewer, scores)."""
    rows = review_rows(inp, approved_only)
    counts = {state: sum(1 for u in inp.units if u.state == state) for state in State}
    summary = (f"{len(inp.units)} segments: " + ", ".join(
        f"{counts[state]} {STATE_LABELS[state]}" for state in State if counts[state]
    ) + (" (approved segments only)." if approved_only else "."))
    signatures = sorted({f"{metric}: {sig}" for u in inp.units
                         for metric, sig in u.provenance.signatures().items()})
    footer = f"Exported by locwork {__version__} on {_now()}."
    if signatures:
        footer += " Scores computed with sacrebleu, " + "; ".join(signatures) + "."
    return _ENV.get_template("review.html").render(
        version=__version__, doc_name=inp.doc_name, src_lang=inp.src_lang, lang=inp.lang,
        css=REVIEW_CSS, summary=summary, rows=rows, footer=footer,
    )


def write_article(inp: CatalogInput, approved_only: bool, document: Document) -> bytes:
    """The ``html`` export format's writer (see ``locwork.export.FORMATS``)."""
    return render_article(document, inp, approved_only).encode("utf-8")


def write_review(inp: CatalogInput, approved_only: bool, document: object = None) -> bytes:
    """The ``bilingual`` export format's writer."""
    return render_review(inp, approved_only).encode("utf-8")
