"""XLIFF 2.0 export, import and merge back into a catalog.

Layout (OASIS XLIFF Version 2.0, core only, namespace
``urn:oasis:names:tc:xliff:document:2.0``)::

    <xliff version="2.0" srcLang="fr" trgLang="es">
      <file id="<document name>" original="corpus/<document>.txt">
        <unit id="p3.s2" type="locwork:sentence" canResegment="no">
          <notes>
            <note category="locwork:route">fr-en-es</note>       (one per meta key)
            <note category="comment">translator comment</note>   (the PO "# " comment)
          </notes>
          <segment state="final" subState="locwork:approved">
            <source>…</source><target>…</target>
          </segment>
        </unit>

States. XLIFF has four (initial, translated, reviewed, final); locwork's map
onto them so that any XLIFF tool shows the right progress, and the exact
locwork state also travels in ``subState`` (``locwork:<state>``):

==============  =====================  ========================================
locwork         XLIFF ``state``        why
==============  =====================  ========================================
untranslated    initial, no <target>   nothing to show
machine         initial, with target   MT output is a draft nobody has checked;
                                       "translated" would claim a translator did
edited          translated             a person wrote or corrected it
approved        final                  signed off by a reviewer, publishable
==============  =====================  ========================================

On import, ``subState`` wins when it agrees with ``state`` (a tool that
changes ``state`` must update or drop ``subState``, but not all do); else the
state alone decides: initial → machine (with a target) or untranslated,
translated → edited, reviewed or final → approved.

The official core schema (xliff_core_2.0.xsd) is not shipped by any
package this project can install, so :func:`validate_xliff` checks the
structure the schema and the specification's constraints impose, with lxml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polib
from lxml import etree

from locwork import __version__, catalog
from locwork.catalog import State
from locwork.errors import LocworkError
from locwork.export.common import CatalogInput, bcp47, split_xml_invalid, xml_safe

NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
VERSIONS = ("2.0", "2.1")
XLIFF_STATES = ("initial", "translated", "reviewed", "final")
SUBSTATE_PREFIX = "locwork"
META_PREFIX = "locwork:"  # note category of a provenance (meta) note
COMMENT_CATEGORY = "comment"  # the PO translator comment
EXTRACTED_CATEGORY = "extracted"  # "#." lines that are not locwork metadata
PREVIOUS_CATEGORY = "previous-source"  # "#| msgid", the source before it changed

STATE_TO_XLIFF = {
    State.UNTRANSLATED: "initial",
    State.MACHINE: "initial",
    State.EDITED: "translated",
    State.APPROVED: "final",
}
XLIFF_TO_STATES = {
    "initial": (State.MACHINE, State.UNTRANSLATED),
    "translated": (State.EDITED,),
    "reviewed": (State.APPROVED,),
    "final": (State.APPROVED,),
}

NMTOKEN = re.compile(r"^[\w.\-:]+$")
LANG_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
SUBSTATE = re.compile(r"^[^\s:]+:\S.*$")


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


# ---------------------------------------------------------------- export


def _nmtoken(text: str, fallback: str) -> str:
    token = re.sub(r"[^\w.\-:]", "_", text)
    return token or fallback


def _set_text(element: etree._Element, text: str) -> None:
    """Put text in <source>/<target>, XML-invalid characters as <cp hex=…/>."""
    last: etree._Element | None = None
    for part in split_xml_invalid(text):
        if isinstance(part, int):
            last = etree.SubElement(element, q("cp"), hex=f"{part:04X}")
            last.tail = ""
        elif last is None:
            element.text = (element.text or "") + part
        else:
            last.tail = (last.tail or "") + part


def _extracted_comments(entry: polib.POEntry) -> list[str]:
    return catalog.foreign_comments(entry)


def to_xliff(inp: CatalogInput, approved_only: bool = False) -> bytes:
    """The catalog as an XLIFF 2.0 document (bytes, UTF-8)."""
    root = etree.Element(q("xliff"), nsmap={None: NS})
    root.set("version", "2.0")
    root.set("srcLang", inp.src_lang)
    root.set("trgLang", inp.lang)
    file_el = etree.SubElement(root, q("file"), id=_nmtoken(inp.doc_name, "f1"))
    refs = inp.source_refs
    if refs:
        file_el.set("original", refs[0])
    file_el.set(f"{{{XML_NS}}}space", "preserve")
    notes = etree.SubElement(file_el, q("notes"))
    etree.SubElement(notes, q("note"), category=f"{META_PREFIX}generator").text = (
        f"locwork {__version__}"
    )
    count = 0
    for unit in inp.units:
        if approved_only and not unit.approved:
            continue
        count += 1
        unit_el = etree.SubElement(file_el, q("unit"), id=_nmtoken(unit.id, f"u{count}"))
        unit_el.set("type", f"{SUBSTATE_PREFIX}:{_nmtoken(unit.kind, 'sentence')}")
        unit_el.set("canResegment", "no")
        unit_notes: list[tuple[str, str]] = [
            (f"{META_PREFIX}{key}", value) for key, value in unit.meta.items()
        ]
        if unit.entry.tcomment:
            unit_notes.append((COMMENT_CATEGORY, unit.entry.tcomment))
        unit_notes.extend((EXTRACTED_CATEGORY, line) for line in _extracted_comments(unit.entry))
        if unit.entry.previous_msgid:
            unit_notes.append((PREVIOUS_CATEGORY, unit.entry.previous_msgid))
        if unit_notes:
            notes_el = etree.SubElement(unit_el, q("notes"))
            for category, text in unit_notes:
                etree.SubElement(notes_el, q("note"), category=category).text = xml_safe(text)
        segment = etree.SubElement(unit_el, q("segment"))
        segment.set("state", STATE_TO_XLIFF[unit.state])
        segment.set("subState", f"{SUBSTATE_PREFIX}:{unit.state.value}")
        _set_text(etree.SubElement(segment, q("source")), unit.source)
        if unit.target:
            _set_text(etree.SubElement(segment, q("target")), unit.target)
    if count == 0:
        # A <file> needs at least one unit: an empty export is a user problem.
        what = "approved segments" if approved_only else "segments"
        raise LocworkError(f"{inp.path or inp.doc_name}: no {what} to export to XLIFF")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ---------------------------------------------------------------- validation

_INLINE = {"cp", "ph", "pc", "sc", "ec", "mrk", "sm", "em"}
_ATTRS = {
    "xliff": {"version", "srcLang", "trgLang"},
    "file": {"id", "canResegment", "original", "translate", "srcDir", "trgDir"},
    "group": {"id", "name", "canResegment", "translate", "srcDir", "trgDir", "type"},
    "unit": {"id", "name", "canResegment", "translate", "srcDir", "trgDir", "type"},
    "notes": set(),
    "note": {"id", "appliesTo", "category", "priority"},
    "segment": {"id", "canResegment", "state", "subState"},
    "ignorable": {"id"},
    "source": set(),
    "target": {"order"},
    "skeleton": {"href"},
    "originalData": set(),
}
_YES_NO = {"canResegment", "translate"}
_DIRS = {"srcDir", "trgDir"}


class _Errors(list):
    def add(self, element: etree._Element, message: str) -> None:
        self.append(f"line {element.sourceline}: {message}")


def _local(element: etree._Element) -> str | None:
    """The local name of a core element, None for another namespace."""
    if not isinstance(element.tag, str):
        return "#comment"
    qname = etree.QName(element)
    return qname.localname if qname.namespace == NS else None


def _check_attrs(element: etree._Element, name: str, errors: _Errors) -> None:
    allowed = _ATTRS.get(name, set())
    for attr, value in element.attrib.items():
        qname = etree.QName(attr)
        if qname.namespace == XML_NS:
            if qname.localname == "space" and value not in ("default", "preserve"):
                errors.add(element, f"xml:space must be default or preserve, not {value!r}")
            continue
        if qname.namespace is not None and qname.namespace != NS:
            continue  # attributes of modules and extensions are allowed
        if qname.namespace == NS or attr not in allowed:
            errors.add(element, f"<{name}> has no attribute {attr!r}")
        elif attr in _YES_NO and value not in ("yes", "no"):
            errors.add(element, f"{attr} must be yes or no, not {value!r}")
        elif attr in _DIRS and value not in ("ltr", "rtl", "auto"):
            errors.add(element, f"{attr} must be ltr, rtl or auto, not {value!r}")


def _children(element: etree._Element) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str)]


def _check_notes(notes: etree._Element, errors: _Errors) -> None:
    _check_attrs(notes, "notes", errors)
    kids = _children(notes)
    if not kids:
        errors.add(notes, "<notes> needs at least one <note>")
    for note in kids:
        if _local(note) != "note":
            errors.add(note, f"<notes> may hold only <note>, not {note.tag}")
            continue
        _check_attrs(note, "note", errors)
        if _children(note):
            errors.add(note, "<note> holds text only")
        if note.get("appliesTo") not in (None, "source", "target"):
            errors.add(note, "appliesTo must be source or target")
        priority = note.get("priority")
        if priority is not None and (not priority.isdigit() or not 1 <= int(priority) <= 10):
            errors.add(note, "priority must be an integer from 1 to 10")


def _check_inline(element: etree._Element, errors: _Errors) -> None:
    for child in _children(element):
        name = _local(child)
        if name not in _INLINE:
            errors.add(child, f"<{etree.QName(element).localname}> may not hold {child.tag}")
            continue
        if name == "cp":
            code = child.get("hex", "")
            if not re.fullmatch(r"[0-9A-Fa-f]{4,6}", code):
                errors.add(child, "<cp> needs a hex code point")
        elif name in ("pc", "mrk"):
            _check_inline(child, errors)


def _check_segment(segment: etree._Element, src_lang: str, trg_lang: str | None,
                   errors: _Errors) -> bool:
    """Check <segment> or <ignorable>; return whether it has a target."""
    name = _local(segment)
    _check_attrs(segment, name, errors)
    kids = _children(segment)
    names = [_local(k) for k in kids]
    if names not in (["source"], ["source", "target"]):
        errors.add(segment, f"<{name}> must hold <source> then an optional <target>, not "
                            f"{', '.join(str(n) for n in names) or 'nothing'}")
    if name == "segment":
        state = segment.get("state")
        if state is not None and state not in XLIFF_STATES:
            errors.add(segment, f"state {state!r} is not one of {', '.join(XLIFF_STATES)}")
        sub_state = segment.get("subState")
        if sub_state is not None:
            if state is None:
                errors.add(segment, "subState requires state")
            if not SUBSTATE.match(sub_state):
                errors.add(segment, f"subState {sub_state!r} must be prefix:value")
    for kid, kid_name in zip(kids, names):
        if kid_name in ("source", "target"):
            _check_attrs(kid, kid_name, errors)
            _check_inline(kid, errors)
            lang = kid.get(f"{{{XML_NS}}}lang")
            expected = src_lang if kid_name == "source" else trg_lang
            if lang is not None and expected and lang.lower() != expected.lower():
                errors.add(kid, f"xml:lang {lang!r} differs from the document's {expected!r}")
    return "target" in names


def _check_unit(unit: etree._Element, src_lang: str, trg_lang: str | None,
                errors: _Errors) -> bool:
    _check_attrs(unit, "unit", errors)
    if not NMTOKEN.match(unit.get("id", "")):
        errors.add(unit, "<unit> needs an id (NMTOKEN)")
    unit_type = unit.get("type")
    if unit_type is not None and not SUBSTATE.match(unit_type):
        errors.add(unit, f"type {unit_type!r} must be prefix:value")
    kids = _children(unit)
    stage = 0  # 0: extensions, 1: notes, 2: originalData, 3: segments
    segments = 0
    has_target = False
    for kid in kids:
        name = _local(kid)
        if name is None:
            if stage > 0:
                errors.add(kid, "extension elements come first in <unit>")
        elif name == "notes":
            if stage >= 1:
                errors.add(kid, "<notes> must come once, before the segments")
            stage = 1
            _check_notes(kid, errors)
        elif name == "originalData":
            if stage >= 2:
                errors.add(kid, "<originalData> must come once, before the segments")
            stage = 2
        elif name in ("segment", "ignorable"):
            stage = 3
            segments += name == "segment"
            has_target |= _check_segment(kid, src_lang, trg_lang, errors)
        else:
            errors.add(kid, f"<unit> may not hold <{name}>")
    if segments == 0:
        errors.add(unit, "<unit> needs at least one <segment>")
    return has_target


def _check_container(container: etree._Element, src_lang: str, trg_lang: str | None,
                     errors: _Errors, unit_ids: set[str]) -> tuple[int, bool]:
    """Check the content of <file> or <group>; return (units, any target)."""
    units, has_target, stage = 0, False, 0
    for kid in _children(container):
        name = _local(kid)
        if name is None:
            if stage > 1:
                errors.add(kid, "extension elements come before the units")
        elif name == "skeleton":
            if _local(container) != "file" or stage > 0:
                errors.add(kid, "<skeleton> may only come first in <file>")
        elif name == "notes":
            if stage >= 1:
                errors.add(kid, "<notes> must come once, before the units")
            stage = 1
            _check_notes(kid, errors)
        elif name == "unit":
            stage = 2
            units += 1
            unit_id = kid.get("id", "")
            if unit_id in unit_ids:
                errors.add(kid, f"unit id {unit_id!r} is not unique in its file")
            unit_ids.add(unit_id)
            has_target |= _check_unit(kid, src_lang, trg_lang, errors)
        elif name == "group":
            stage = 2
            _check_attrs(kid, "group", errors)
            if not NMTOKEN.match(kid.get("id", "")):
                errors.add(kid, "<group> needs an id (NMTOKEN)")
            sub_units, sub_target = _check_container(kid, src_lang, trg_lang, errors, unit_ids)
            units += sub_units
            has_target |= sub_target
        else:
            errors.add(kid, f"<{_local(container)}> may not hold <{name}>")
    return units, has_target


def validate_xliff(data: bytes) -> list[str]:
    """Structural errors of an XLIFF 2.0/2.1 document; an empty list if none."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    errors = _Errors()
    if root.tag != q("xliff"):
        return [f"the root element is {root.tag}, not <xliff> in namespace {NS}"]
    _check_attrs(root, "xliff", errors)
    if root.get("version") not in VERSIONS:
        errors.add(root, f"version must be one of {', '.join(VERSIONS)}")
    src_lang = root.get("srcLang") or ""
    trg_lang = root.get("trgLang")
    if not LANG_TAG.match(src_lang):
        errors.add(root, "srcLang must be a language tag")
    if trg_lang is not None and not LANG_TAG.match(trg_lang):
        errors.add(root, "trgLang must be a language tag")
    files = _children(root)
    if not files:
        errors.add(root, "<xliff> needs at least one <file>")
    file_ids: set[str] = set()
    for file_el in files:
        if _local(file_el) != "file":
            errors.add(file_el, f"<xliff> may hold only <file>, not {file_el.tag}")
            continue
        _check_attrs(file_el, "file", errors)
        file_id = file_el.get("id", "")
        if not NMTOKEN.match(file_id):
            errors.add(file_el, "<file> needs an id (NMTOKEN)")
        elif file_id in file_ids:
            errors.add(file_el, f"file id {file_id!r} is not unique")
        file_ids.add(file_id)
        units, has_target = _check_container(file_el, src_lang, trg_lang, errors, set())
        if units == 0:
            errors.add(file_el, "<file> needs at least one <unit>")
        if has_target and trg_lang is None:
            errors.add(root, "trgLang is required when there are targets")
    return list(errors)


def check_xliff(data: bytes, name: str = "XLIFF") -> None:
    """Raise LocworkError (first problem, one line) if the document is not valid."""
    errors = validate_xliff(data)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise LocworkError(f"{name}: not valid XLIFF 2.0: {errors[0]}{more}")


# ---------------------------------------------------------------- import


@dataclass
class XliffUnit:
    """What one <unit> holds, in locwork's terms."""

    id: str
    source: str
    target: str | None
    state: State
    xliff_state: str
    sub_state: str | None
    kind: str | None
    notes: list[tuple[str | None, str]] = field(default_factory=list)

    @property
    def meta(self) -> dict[str, str]:
        """Provenance notes (category ``locwork:<key>``) as meta keys."""
        return {c[len(META_PREFIX):]: text for c, text in self.notes
                if c and c.startswith(META_PREFIX) and c != f"{META_PREFIX}state"}

    @property
    def comment(self) -> str | None:
        texts = [text for c, text in self.notes if c == COMMENT_CATEGORY]
        return "\n".join(texts) if texts else None

    @property
    def other_notes(self) -> list[tuple[str | None, str]]:
        """Notes a translator or another tool added."""
        return [(c, t) for c, t in self.notes if not (c and (
            c.startswith(META_PREFIX) or c in (COMMENT_CATEGORY, EXTRACTED_CATEGORY,
                                                PREVIOUS_CATEGORY)))]


@dataclass
class XliffFile:
    id: str
    original: str | None
    units: list[XliffUnit]


@dataclass
class XliffDocument:
    version: str
    src_lang: str
    trg_lang: str | None
    files: list[XliffFile]

    @property
    def units(self) -> list[XliffUnit]:
        return [u for f in self.files for u in f.units]


def _text(element: etree._Element | None) -> str | None:
    """Plain text of <source>/<target>: <cp> back to characters, other inline
    codes contribute their text content."""
    if element is None:
        return None
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and _local(child) == "cp":
            parts.append(chr(int(child.get("hex"), 16)))
        elif isinstance(child.tag, str):
            parts.append(_text(child) or "")
        parts.append(child.tail or "")
    return "".join(parts)


def map_state(xliff_state: str, sub_state: str | None, has_target: bool) -> State:
    """locwork state of a segment (see the module docstring)."""
    if not has_target:
        return State.UNTRANSLATED
    allowed = XLIFF_TO_STATES.get(xliff_state, XLIFF_TO_STATES["initial"])
    if sub_state and sub_state.startswith(f"{SUBSTATE_PREFIX}:"):
        try:
            named = State(sub_state.split(":", 1)[1])
        except ValueError:
            named = None
        if named in allowed and named != State.UNTRANSLATED:
            return named
    return allowed[0]


_ORDER = [State.UNTRANSLATED, State.MACHINE, State.EDITED, State.APPROVED]


def _read_unit(unit: etree._Element) -> XliffUnit:
    notes: list[tuple[str | None, str]] = []
    notes_el = unit.find(q("notes"))
    if notes_el is not None:
        notes = [(n.get("category"), n.text or "") for n in notes_el.findall(q("note"))]
    sources, targets, states, sub_states = [], [], [], []
    complete = True  # every segment has a target (a half-translated unit counts as none)
    for part in unit:
        name = _local(part) if isinstance(part.tag, str) else None
        if name not in ("segment", "ignorable"):
            continue
        source = _text(part.find(q("source"))) or ""
        target = _text(part.find(q("target")))
        sources.append(source)
        if target is None and name == "segment":
            complete = False
        targets.append(target if target is not None else (source if name == "ignorable" else ""))
        if name == "segment":
            xliff_state = part.get("state", "initial")
            sub_state = part.get("subState")
            states.append(map_state(xliff_state, sub_state, target is not None))
            sub_states.append((xliff_state, sub_state))
    # A resegmented unit: rebuild its text, and its state is the least advanced.
    has_target = complete and bool(states)
    state = min(states, key=_ORDER.index) if has_target else State.UNTRANSLATED
    xliff_state, sub_state = sub_states[0] if len(sub_states) == 1 else (
        STATE_TO_XLIFF[state], None)
    unit_type = unit.get("type") or ""
    kind = unit_type.split(":", 1)[1] if unit_type.startswith(f"{SUBSTATE_PREFIX}:") else None
    return XliffUnit(
        id=unit.get("id", ""),
        source="".join(sources),
        target="".join(targets) if has_target else None,
        state=state,
        xliff_state=xliff_state,
        sub_state=sub_state,
        kind=kind,
        notes=notes,
    )


def read_xliff(data: bytes, name: str = "XLIFF") -> XliffDocument:
    """Parse (after validating) an XLIFF 2.0/2.1 document."""
    check_xliff(data, name)
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    files = []
    for file_el in root.findall(q("file")):
        units = [_read_unit(u) for u in file_el.iter(q("unit"))]
        files.append(XliffFile(file_el.get("id"), file_el.get("original"), units))
    return XliffDocument(root.get("version"), root.get("srcLang"), root.get("trgLang"), files)


def import_xliff(path: Path | str) -> XliffDocument:
    """Read an XLIFF 2.0 file: per unit id, source, target, state and notes."""
    from locwork import inputs

    path = Path(path)
    return read_xliff(inputs.read_file(path, inputs.XLIFF_LIMIT, "XLIFF file")[0], str(path))


# ---------------------------------------------------------------- merge


@dataclass
class MergeReport:
    """What applying an XLIFF file to a catalog did, unit by unit."""

    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (id, reason)
    unknown: list[str] = field(default_factory=list)  # ids not in the catalog

    def to_dict(self) -> dict:
        return {
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "skipped": [{"id": i, "reason": r} for i, r in self.skipped],
            "unknown": self.unknown,
        }


def _snapshot(entry: polib.POEntry) -> tuple:
    return (entry.msgstr, catalog.entry_state(entry), tuple(sorted(catalog.provenance(entry).raw.items())),
            entry.tcomment)


def _apply_notes(entry: polib.POEntry, unit: XliffUnit, overwrite: bool) -> None:
    """Provenance notes to ``#. locwork-*`` lines, the comment note to the
    translator comment, any other note appended to the translator comment."""
    others = list(unit.other_notes)
    for key in catalog.merge_notes(entry, unit.meta, overwrite):  # not locwork keys: keep as comments
        others.append((None, f"{key}: {unit.meta[key]}"))
    if unit.comment is not None and (overwrite or not entry.tcomment):
        entry.tcomment = unit.comment
    for category, text in others:
        line = f"[{category}] {text}" if category else text
        if line not in (entry.tcomment or "").splitlines():
            entry.tcomment = f"{entry.tcomment}\n{line}" if entry.tcomment else line


def merge_xliff_into_catalog(xliff: XliffDocument | Path | str | bytes, po: polib.POFile,
                             doc_name: str | None = None,
                             lang: str | None = None) -> MergeReport:
    """Apply the targets, states and notes of an XLIFF file onto a catalog.

    Units are matched to entries by id (msgctxt) and must have the same
    source (msgid): a unit whose source changed since the export is skipped.
    A unit without a target only fills in missing notes, and an entry is never moved to a
    less advanced state with another text (an approved entry by an edited
    unit, an edited one by machine output): that conflict is reported. The caller saves the catalog (``catalog.save`` or inside
    ``catalog.edit``).
    """
    if isinstance(xliff, bytes):
        xliff = read_xliff(xliff)
    elif not isinstance(xliff, XliffDocument):
        xliff = import_xliff(xliff)
    po_lang = lang or po.metadata.get("Language") or ""
    if po_lang and xliff.trg_lang and bcp47(po_lang).lower() != xliff.trg_lang.lower():
        raise LocworkError(
            f"the XLIFF file is for {xliff.trg_lang}, the catalog for {bcp47(po_lang)}"
        )
    files = xliff.files
    if len(files) > 1:
        files = [f for f in files if doc_name and f.id == doc_name]
        if not files:
            raise LocworkError(
                "the XLIFF file holds several documents; name the one to merge "
                f"({', '.join(f.id for f in xliff.files)})"
            )
    entries = {e.msgctxt: e for e in po if e.msgctxt and not e.obsolete}
    report = MergeReport()
    for unit in files[0].units:
        entry = entries.get(unit.id)
        if entry is None:
            report.unknown.append(unit.id)
            continue
        if unit.source != entry.msgid:
            report.skipped.append((unit.id, "the source text differs from the catalog's"))
            continue
        before = _snapshot(entry)
        if unit.target is None:
            # Nothing to translate with; fill in the notes the entry lacks
            # (never overwrite: the catalog may have moved on since the export).
            _apply_notes(entry, unit, overwrite=False)
            (report.updated if _snapshot(entry) != before else report.unchanged).append(unit.id)
            continue
        current = catalog.entry_state(entry)
        new_state = unit.state
        incoming = catalog.Provenance.from_meta(unit.meta).mt
        mt = incoming if incoming is not None else catalog.provenance(entry).mt
        if new_state in (State.MACHINE, State.UNTRANSLATED) and unit.target not in (
                entry.msgstr if current != State.UNTRANSLATED else None, mt):
            new_state = State.EDITED  # someone typed a translation in a CAT tool
        if _ORDER.index(new_state) < _ORDER.index(current):
            # Never let a file exported earlier undo later work in the catalog.
            if unit.target != entry.msgstr:
                report.skipped.append((unit.id, f"{current.value} in the catalog; the XLIFF "
                                                f"translation is only {new_state.value}"))
            else:
                report.unchanged.append(unit.id)
            continue
        _apply_notes(entry, unit, overwrite=True)
        entry.msgstr = unit.target
        catalog.set_state(entry, new_state)
        (report.updated if _snapshot(entry) != before else report.unchanged).append(unit.id)
    return report


def write_xliff(inp: CatalogInput, approved_only: bool = False, document: object = None) -> bytes:
    """The ``xliff`` export format's writer; the output is validated (a bug if it fails)."""
    data = to_xliff(inp, approved_only)
    check_xliff(data, "exported XLIFF")
    return data
