"""TMX 1.4 export: a translation memory of the catalog.

A translation memory holds work people have checked, so only approved
segments go in by default (``approved_only=False`` puts in every segment
that has a translation, its state in ``<prop type="x-state">``)::

    <tmx version="1.4">
      <header creationtool="locwork" creationtoolversion="0.1.0" segtype="sentence"
              o-tmf="locwork" adminlang="en" srclang="fr" datatype="plaintext"/>
      <body>
        <tu tuid="<document>/p3.s2" changeid="<reviewer>" changedate="20261124T120000Z">
          <prop type="x-document">corpus/<document>.txt</prop>
          <prop type="x-state">approved</prop>
          <tuv xml:lang="fr"><seg>…</seg></tuv>
          <tuv xml:lang="es"><seg>…</seg></tuv>
        </tu>

Exports are validated against the TMX 1.4 DTD shipped in
``locwork/data/tmx/tmx14.dtd`` (see the README there).
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from lxml import etree

from locwork import __version__
from locwork.errors import LocworkError
from locwork.export.common import CatalogInput, xml_safe

DTD_PATH = Path(__file__).resolve().parents[1] / "data" / "tmx" / "tmx14.dtd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Meta keys too bulky or too raw for a translation memory.


def tmx_date(value: str | None = None) -> str | None:
    """A date in TMX's format (``YYYYMMDDThhmmssZ``, UTC); None if unreadable."""
    if value is None:
        moment = datetime.now(timezone.utc)
    else:
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _prop(parent: etree._Element, kind: str, text: str) -> None:
    etree.SubElement(parent, "prop", type=kind).text = xml_safe(text)


def to_tmx(inp: CatalogInput, approved_only: bool = True) -> bytes:
    """The catalog as a TMX 1.4 document (bytes, UTF-8)."""
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(root, "header")
    for name, value in (
        ("creationtool", "locwork"),
        ("creationtoolversion", __version__),
        ("segtype", "sentence"),
        ("o-tmf", "locwork"),
        ("adminlang", "en"),
        ("srclang", inp.src_lang),
        ("datatype", "plaintext"),
        ("creationdate", tmx_date()),
    ):
        header.set(name, value)
    _prop(header, "x-document", inp.doc_name)
    _prop(header, "x-content", "approved segments" if approved_only else "all translated segments")
    body = etree.SubElement(root, "body")
    refs = inp.source_refs
    for unit in inp.units:
        if not unit.target or (approved_only and not unit.approved):
            continue
        tu = etree.SubElement(body, "tu", tuid=f"{inp.doc_name}/{unit.id}")
        reviewer = unit.provenance.reviewer
        if reviewer:
            tu.set("changeid", reviewer)
        reviewed_at = unit.provenance.reviewed_at
        changed = tmx_date(reviewed_at) if reviewed_at else None
        if changed:
            tu.set("changedate", changed)
        if refs:
            _prop(tu, "x-document", refs[0])
        _prop(tu, "x-state", unit.state.value)
        for key, value in unit.provenance.props().items():
            _prop(tu, f"x-{key}", value)
        for lang, text in ((inp.src_lang, unit.source), (inp.lang, unit.target)):
            tuv = etree.SubElement(tu, "tuv")
            tuv.set(XML_LANG, lang)
            etree.SubElement(tuv, "seg").text = xml_safe(text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@lru_cache(maxsize=1)
def _dtd() -> etree.DTD:
    return etree.DTD(str(DTD_PATH))


def validate_tmx(data: bytes) -> list[str]:
    """Errors of a TMX 1.4 document against the DTD, and the checks a DTD
    cannot make (one source variant per unit); an empty list if none."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    dtd = _dtd()
    errors = [] if dtd.validate(root) else [
        f"line {e.line}: {e.message}" for e in dtd.error_log.filter_from_errors()
    ]
    header = root.find("header")
    srclang = header.get("srclang") if header is not None else None
    for tu in root.iter("tu"):
        langs = [tuv.get(XML_LANG) for tuv in tu.findall("tuv")]
        if srclang and srclang != "*all*" and srclang not in langs:
            errors.append(f"line {tu.sourceline}: <tu> has no variant in the source language")
        if len(set(langs)) != len(langs):
            errors.append(f"line {tu.sourceline}: <tu> has two variants in one language")
    return errors


def check_tmx(data: bytes, name: str = "TMX") -> None:
    errors = validate_tmx(data)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise LocworkError(f"{name}: not valid TMX 1.4: {errors[0]}{more}")


def write_tmx(inp: CatalogInput, approved_only: bool = True, document: object = None) -> bytes:
    """The ``tmx`` export format's writer; the output is checked against the TMX DTD."""
    data = to_tmx(inp, approved_only)
    check_tmx(data, "exported TMX")
    return data
