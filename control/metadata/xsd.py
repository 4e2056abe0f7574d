"""The official Metadata API schema, compiled from the WSDL that ships inside simple-salesforce.

``simple_salesforce/metadata.wsdl`` (Metadata API v63.0) embeds the XSD of every metadata type. We copy
its ``<xsd:schema>`` out of the WSDL, add a global element for each complex type (the WSDL declares
elements only for its SOAP operations, so ``<CustomObject>`` or ``<Flow>`` would otherwise have no
declaration to validate against), and compile it with lxml.

:class:`MetadataSchema` offers two things:

* :meth:`validate` — a generated file against the official type of its root element;
* :meth:`children` — the ordered child elements of a type, base types first. ``xsd:sequence`` is
  order-sensitive, so the XML writer (:mod:`control.metadata.xml_writer`) emits elements in exactly
  this order, by construction.

One instance is built per command run (about a quarter of a second) and passed to whoever needs it.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from control.errors import Failure

__all__ = ["MD_NS", "XSD_NS", "Child", "SchemaProblem", "MetadataSchema", "wsdl_path"]

MD_NS = "http://soap.sforce.com/2006/04/metadata"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
_X = "{%s}" % XSD_NS


class Child(NamedTuple):
    name: str
    type: str  # local type name ("string", "boolean", "CustomField", "FlowConnector", …)
    many: bool
    required: bool


class SchemaProblem(NamedTuple):
    line: int
    column: int
    message: str


def wsdl_path() -> Path:
    """Where the Metadata WSDL of the installed simple-salesforce is."""
    return Path(str(files("simple_salesforce").joinpath("metadata.wsdl")))


def _local(qname: str | None) -> str:
    return (qname or "").split(":", 1)[-1]


class MetadataSchema:
    """The compiled Metadata API schema and its type sequences."""

    def __init__(self, schema_root: etree._Element) -> None:
        self._types: dict[str, etree._Element] = {
            ct.get("name"): ct for ct in schema_root.findall(f"{_X}complexType")}
        self._simple: dict[str, etree._Element] = {
            st.get("name"): st for st in schema_root.findall(f"{_X}simpleType")}
        self._children: dict[str, tuple[Child, ...]] = {}
        self._xsd = etree.XMLSchema(etree.ElementTree(schema_root))

    @classmethod
    def load(cls, wsdl: Path | None = None) -> "MetadataSchema":
        path = wsdl or wsdl_path()
        try:
            document = etree.parse(str(path))
        except (OSError, etree.XMLSyntaxError) as exc:
            raise Failure(f"The Metadata API WSDL cannot be read from {path}: {exc}.",
                          hint="Reinstall simple-salesforce (make bootstrap).") from None
        embedded = document.find(f".//{_X}schema")
        if embedded is None:
            raise Failure(f"{path} holds no embedded XML schema.")
        root = etree.Element(f"{_X}schema", nsmap={"xsd": XSD_NS, "tns": MD_NS})
        for key, value in embedded.attrib.items():
            root.set(key, value)
        declared = set()
        for child in list(embedded):
            if child.tag == f"{_X}element":
                declared.add(child.get("name"))
            root.append(child)
        for complex_type in root.findall(f"{_X}complexType"):
            name = complex_type.get("name")
            if name not in declared:
                etree.SubElement(root, f"{_X}element", name=name, type=f"tns:{name}")
        return cls(root)

    def has_type(self, name: str) -> bool:
        return name in self._types

    def enumeration(self, simple_type: str) -> tuple[str, ...]:
        node = self._simple.get(simple_type)
        return tuple(e.get("value") for e in node.iter(f"{_X}enumeration")) if node is not None else ()

    def children(self, type_name: str) -> tuple[Child, ...]:
        """The child elements of ``type_name`` in schema order (inherited ones first)."""
        cached = self._children.get(type_name)
        if cached is not None:
            return cached
        node = self._types.get(type_name)
        if node is None:
            raise KeyError(f"the Metadata API has no type {type_name}")
        out: list[Child] = []
        extension = node.find(f"{_X}complexContent/{_X}extension")
        container = node
        if extension is not None:
            out.extend(self.children(_local(extension.get("base"))))
            container = extension
        sequence = container.find(f"{_X}sequence")
        if sequence is not None:
            for element in sequence.findall(f"{_X}element"):
                out.append(Child(element.get("name"), _local(element.get("type")),
                                 element.get("maxOccurs") == "unbounded", element.get("minOccurs", "1") != "0"))
        result = tuple(out)
        self._children[type_name] = result
        return result

    def validate(self, document: etree._Element | etree._ElementTree) -> tuple[SchemaProblem, ...]:
        """Problems of one metadata document against the official schema (empty when valid)."""
        tree = document if isinstance(document, etree._ElementTree) else etree.ElementTree(document)
        if self._xsd.validate(tree):
            return ()
        return tuple(SchemaProblem(e.line, e.column, e.message) for e in self._xsd.error_log)
