"""Writing metadata XML with lxml, children always in the order the Metadata API schema requires.

Components are described as plain data — mappings from element name to value — and
:meth:`XmlWriter.element` builds the lxml tree for a given Metadata API type::

    writer.element("CustomField", {"fullName": "Gate_Code__c", "label": "Gate Code", "type": "Text",
                                   "length": 255})

Keys may be given in any order: the writer walks the type's ``xsd:sequence`` (via
:class:`~control.metadata.xsd.MetadataSchema`) and emits what is present in that order. A key the type
does not have is a programming error (``KeyError``), never silently dropped. Values: ``bool`` →
``true``/``false``, numbers → their text, ``str`` → text, a mapping → a nested element of the child's
type, a list/tuple → the element repeated. ``None`` means "absent".

:func:`to_bytes` serialises a document the way Salesforce's own tools do: UTF-8 with an XML
declaration, four-space indentation, a final newline. The same data always gives the same bytes.
"""

from __future__ import annotations

from typing import Any, Mapping

from lxml import etree

from control.metadata.xsd import MD_NS, MetadataSchema

__all__ = ["XmlWriter", "to_bytes"]

_NSMAP = {None: MD_NS}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class XmlWriter:
    def __init__(self, schema: MetadataSchema) -> None:
        self.schema = schema

    def element(self, type_name: str, data: Mapping[str, Any], *, tag: str | None = None) -> etree._Element:
        """A root element ``<tag or type_name xmlns=…>`` holding ``data`` in schema order."""
        root = etree.Element(f"{{{MD_NS}}}{tag or type_name}", nsmap=_NSMAP)
        self._fill(root, type_name, data)
        return root

    def _fill(self, parent: etree._Element, type_name: str, data: Mapping[str, Any]) -> None:
        children = self.schema.children(type_name)
        known = {c.name for c in children}
        unknown = [k for k in data if k not in known]
        if unknown:
            raise KeyError(f"{type_name} has no element(s) {', '.join(unknown)}")
        for child in children:
            value = data.get(child.name)
            if value is None:
                continue
            values = value if isinstance(value, (list, tuple)) else (value,)
            if len(values) > 1 and not child.many:
                raise ValueError(f"{type_name}.{child.name} occurs once")
            for item in values:
                node = etree.SubElement(parent, f"{{{MD_NS}}}{child.name}")
                if isinstance(item, Mapping):
                    if not self.schema.has_type(child.type):
                        raise TypeError(f"{type_name}.{child.name} is a {child.type}, not a structure")
                    self._fill(node, child.type, item)
                else:
                    node.text = _text(item)


def to_bytes(root: etree._Element) -> bytes:
    """The document as Salesforce tools write it: declaration, 4-space indent, trailing newline."""
    etree.indent(root, space="    ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
