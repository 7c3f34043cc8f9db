"""TMX in and out of the translation memory (beside the catalog's TMX export, :mod:`.tmx`).

:func:`write_tmx` writes memory units as TMX 1.4, checked against the DTD;
:func:`read_tmx` reads TMX 1.1 to 1.4 from any CAT tool. The memory
package knows nothing of TMX: :func:`export_memory` and
:func:`import_memory` take any :class:`locwork.tm.MemoryStore`.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
from pathlib import Path
from typing import Sequence

from lxml import etree

from locwork import __version__, langs
from locwork.errors import LocworkError
from locwork.export.common import bcp47, xml_safe
from locwork.export.tmx import XML_LANG, check_tmx, tmx_date
from locwork.tm.model import SOURCE_LANG, ImportReport, TMUnit, base_lang, normalize
from locwork.tm.store import MemoryStore

TMX_PROPS = ("route", "engine", "origin")  # written as <prop type="x-route">...


def write_tmx(units: Sequence[TMUnit]) -> bytes:
    """Units as a TMX 1.4 document (one ``<tu>`` per unit), checked against the DTD.

    ``tuid`` is ``<document>/<segment>`` (as ``locwork export --format tmx``
    writes it), ``changeid``/``changedate`` the reviewer and approval time;
    ``x-reviewed-at`` keeps the exact approval time, ``x-route``,
    ``x-engine``, ``x-origin`` and ``x-via`` the rest.
    """
    sources = {u.src_lang for u in units}
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(root, "header")
    for name, value in (
        ("creationtool", "locwork"), ("creationtoolversion", __version__), ("segtype", "sentence"),
        ("o-tmf", "locwork-tm"), ("adminlang", "en"),
        ("srclang", bcp47(sources.pop()) if len(sources) == 1 else "*all*"),
        ("datatype", "plaintext"), ("creationdate", tmx_date()),
    ):
        header.set(name, value)
    etree.SubElement(header, "prop", type="x-content").text = "locwork translation memory"
    body = etree.SubElement(root, "body")
    for unit in units:
        tu = etree.SubElement(body, "tu")
        if unit.document or unit.segment:
            tu.set("tuid", xml_safe(f"{unit.document}/{unit.segment}"))
        if unit.reviewer:
            tu.set("changeid", xml_safe(unit.reviewer))
        changed = tmx_date(unit.approved_at) if unit.approved_at else None
        if changed:
            tu.set("changedate", changed)
        props = [("x-state", "approved"), ("x-via", unit.via)]
        if unit.approved_at:
            props.append(("x-reviewed-at", unit.approved_at))
        props += [(f"x-{key}", getattr(unit, key)) for key in TMX_PROPS if getattr(unit, key)]
        for kind, value in props:
            etree.SubElement(tu, "prop", type=kind).text = xml_safe(value)
        for lang, text in ((unit.src_lang, unit.source), (unit.tgt_lang, unit.target)):
            tuv = etree.SubElement(tu, "tuv")
            tuv.set(XML_LANG, bcp47(lang))
            etree.SubElement(tuv, "seg").text = xml_safe(text)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    check_tmx(data, "translation memory export")
    return data


def _seg_text(element) -> str:
    """The text of a ``<seg>``: inline codes (``<ph>%s</ph>``) kept, ``<sub>`` flows left out."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag != "sub":
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _tmx_time(value: str | None) -> str | None:
    """``20261124T120000Z`` → ``2026-11-24T12:00:00+00:00`` (None if unreadable)."""
    if not value:
        return None
    try:
        moment = _dt.datetime.strptime(value.strip(), "%Y%m%dT%H%M%SZ")
    except ValueError:
        return None
    return moment.replace(tzinfo=_dt.timezone.utc).isoformat(timespec="seconds")


def read_tmx(path: Path, src_lang: str | None = None) -> tuple[list[TMUnit], ImportReport]:
    """The units of a TMX file (1.1 to 1.4), one per target variant of each ``<tu>``.

    The source variant is the one in the header's ``srclang`` (or
    ``src_lang`` when the header says ``*all*`` or nothing; default
    French). Units without a source or a target variant are skipped and
    counted.
    """
    path = Path(path)
    if not path.is_file():
        raise LocworkError(f"{path}: no such TMX file")
    report = ImportReport()
    units: list[TMUnit] = []
    header_src: str | None = None
    seen_header = False

    def lang_of(element) -> str | None:
        value = element.get(XML_LANG) or element.get("lang")
        if not value:
            return None
        try:
            return langs.normalize(value.strip())
        except LocworkError:
            return None

    try:
        for _, element in etree.iterparse(str(path), events=("end",), tag=("header", "tu"),
                                          resolve_entities=False, no_network=True, huge_tree=True):
            if element.tag == "header":
                seen_header = True
                value = (element.get("srclang") or "").strip()
                if value and value != "*all*":
                    try:
                        header_src = langs.normalize(value)
                    except LocworkError:
                        raise LocworkError(f"{path}: unknown source language {value!r} in the header") \
                            from None
                continue
            src = src_lang or header_src or SOURCE_LANG
            variants = []
            for tuv in element.findall("tuv"):
                seg = tuv.find("seg")
                code = lang_of(tuv)
                if seg is None or code is None:
                    continue
                variants.append((code, _seg_text(seg)))
            source = next((text for code, text in variants if base_lang(code) == base_lang(src)), None)
            targets = [(code, text) for code, text in variants if base_lang(code) != base_lang(src)]
            line = element.sourceline
            if source is None or not normalize(source) or not any(t.strip() for _, t in targets):
                report.skipped += 1
                if len(report.problems) < 100:
                    report.problems.append(f"line {line}: " + (
                        f"no {src} variant" if source is None or not normalize(source)
                        else "no translation"))
            else:
                props = {p.get("type"): (p.text or "") for p in element.findall("prop")}
                tuid = element.get("tuid") or ""
                document, _, segment = tuid.rpartition("/") if "/" in tuid else ("", "", tuid)
                for code, text in targets:
                    if not text.strip():
                        continue
                    seg_id = segment or "tmx:" + hashlib.blake2b(
                        text.encode("utf-8"), digest_size=6).hexdigest()
                    units.append(TMUnit(
                        source=source, target=text, src_lang=base_lang(src), tgt_lang=code,
                        document=document, segment=seg_id,
                        reviewer=element.get("changeid") or element.get("creationid") or None,
                        approved_at=props.get("x-reviewed-at") or _tmx_time(
                            element.get("changedate") or element.get("creationdate")),
                        route=props.get("x-route") or None, engine=props.get("x-engine") or None,
                        origin=props.get("x-origin") or None, via="import",
                    ))
            element.clear(keep_tail=False)
    except etree.XMLSyntaxError as error:
        raise LocworkError(f"{path}: not well-formed XML ({error})") from None
    if not seen_header and not units and not report.skipped:
        raise LocworkError(f"{path}: not a TMX file (no <header>, no <tu>)")
    return units, report


def export_memory(memory: MemoryStore, lang: str | None = None) -> bytes:
    """The memory (or one target language of it) as TMX 1.4, validated."""
    return write_tmx(memory.units(lang))


def import_memory(memory: MemoryStore, path: str | os.PathLike[str],
                  src_lang: str | None = None) -> ImportReport:
    """Add the translation units of a TMX file (any version the parser reads) to ``memory``."""
    units, report = read_tmx(Path(path), src_lang)
    report.units = memory.add_many(units)
    return report
