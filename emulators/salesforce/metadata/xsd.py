"""The Metadata API schema, taken from the WSDL that ships with simple-salesforce (v63.0).

The WSDL embeds the whole Metadata API XSD (``wsdl:types/xsd:schema``) but declares global
elements only for its SOAP operations. :class:`MetadataSchema` copies the schema out with the
WSDL's namespace map, adds a global element per complexType (so ``<CustomObject>``, ``<Flow>``,
``<Package>`` … validate as documents) and compiles it with ``lxml.etree.XMLSchema`` (≈ 0.3 s, done
once per server, on the first deploy).

**Element order.** The XSD's ``xsd:sequence`` fixes the order of child elements, but Salesforce's
own parser does not insist on it: ``sf project convert source`` appends an object's fields, record
types and list views after its other elements, and real orgs deploy that. So before validating, a
component is put into schema order (:meth:`MetadataSchema.canonicalise` — a stable sort of each
element's children by their position in the type's sequence, base types first). Everything else is
enforced: unknown elements, missing required ones, values of the wrong type or outside an
enumeration. Problems carry the line and column of the offending element in the file as uploaded.
"""

from __future__ import annotations

import copy
from importlib import resources
from typing import NamedTuple

from lxml import etree

__all__ = ["MetadataSchema", "SchemaProblem", "MD_NS"]

MD_NS = "http://soap.sforce.com/2006/04/metadata"
_XSD = "http://www.w3.org/2001/XMLSchema"
_WSDL = "http://schemas.xmlsoap.org/wsdl/"
_X = f"{{{_XSD}}}"


class SchemaProblem(NamedTuple):
    line: int
    column: int
    message: str


def _local(type_name: str | None) -> str | None:
    return type_name.split(":", 1)[1] if type_name and ":" in type_name else type_name


class MetadataSchema:
    """The compiled Metadata API schema plus each type's child order (see the module docstring)."""

    def __init__(self, wsdl_bytes: bytes | None = None) -> None:
        if wsdl_bytes is None:
            wsdl_bytes = resources.files("simple_salesforce").joinpath("metadata.wsdl").read_bytes()
        root = etree.fromstring(wsdl_bytes, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
        embedded = root.find(f"{{{_WSDL}}}types/{_X}schema")
        if embedded is None:
            raise ValueError("the WSDL has no embedded xsd:schema")
        schema = etree.Element(f"{_X}schema", nsmap={"xsd": _XSD, "tns": MD_NS})
        for key, value in embedded.attrib.items():
            schema.set(key, value)
        declared = {el.get("name") for el in embedded.findall(f"{_X}element")}
        for child in embedded:
            schema.append(copy.deepcopy(child))
        self.types: set[str] = set()
        for complex_type in embedded.findall(f"{_X}complexType"):
            name = complex_type.get("name")
            self.types.add(name)
            if name not in declared:
                etree.SubElement(schema, f"{_X}element", name=name, type=f"tns:{name}")
        self._compiled = etree.XMLSchema(schema)
        self._children = self._child_orders(embedded)

    @staticmethod
    def _child_orders(embedded: etree._Element) -> dict[str, list[tuple[str, str | None]]]:
        own: dict[str, list[tuple[str, str | None]]] = {}
        bases: dict[str, str] = {}
        for ct in embedded.findall(f"{_X}complexType"):
            name = ct.get("name")
            ext = ct.find(f"{_X}complexContent/{_X}extension")
            holder = ext if ext is not None else ct
            if ext is not None:
                bases[name] = _local(ext.get("base")) or ""
            own[name] = [(el.get("name"), _local(el.get("type"))) for el in holder.iterfind(f".//{_X}element")]
        full: dict[str, list[tuple[str, str | None]]] = {}

        def resolve(name: str, depth: int = 0) -> list[tuple[str, str | None]]:
            if name in full:
                return full[name]
            base = bases.get(name)
            inherited = resolve(base, depth + 1) if base and base in own and depth < 20 else []
            full[name] = inherited + own.get(name, [])
            return full[name]

        for name in own:
            resolve(name)
        return full

    def knows(self, type_name: str) -> bool:
        return type_name in self.types

    def canonicalise(self, element: etree._Element, type_name: str | None = None) -> None:
        """Put ``element``'s children (recursively) into the order of its type's sequence."""
        type_name = type_name or etree.QName(element).localname
        order = self._children.get(type_name)
        if not order:
            return
        rank = {name: i for i, (name, _) in enumerate(order)}
        child_type = {name: t for name, t in order}
        children = [c for c in element if isinstance(c.tag, str)]
        for child in children:
            name = etree.QName(child).localname
            sub = child_type.get(name)
            if sub:
                self.canonicalise(child, sub)
        ordered = sorted(children, key=lambda c: rank.get(etree.QName(c).localname, len(rank)))
        if ordered != children:
            tail = element[-1].tail if len(element) else None
            for child in children:
                element.remove(child)
            for child in ordered:
                element.append(child)
            if len(element) and tail is not None:
                element[-1].tail = tail

    def validate(self, document: etree._Element) -> list[SchemaProblem]:
        """Problems of a component document (after :meth:`canonicalise`), empty when it is valid."""
        if self._compiled.validate(document.getroottree()):
            return []
        return [SchemaProblem(e.line, e.column or 1, e.message) for e in self._compiled.error_log]
