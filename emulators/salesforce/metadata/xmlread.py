"""Small readers for Metadata API XML (elements in the ``http://soap.sforce.com/2006/04/metadata`` namespace)."""

from __future__ import annotations

from lxml import etree

from emulators.salesforce.metadata.xsd import MD_NS

__all__ = ["q", "text", "flag", "number", "children", "local", "md_element", "to_bytes"]

_Q = f"{{{MD_NS}}}"


def q(name: str) -> str:
    return _Q + name


def local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def text(el: etree._Element, name: str) -> str | None:
    found = el.find(q(name))
    if found is None or found.text is None:
        return None
    return found.text.strip()


def flag(el: etree._Element, name: str, default: bool = False) -> bool:
    value = text(el, name)
    return default if value is None else value.lower() == "true"


def number(el: etree._Element, name: str) -> int | None:
    value = text(el, name)
    if value is None:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


def children(el: etree._Element, name: str) -> list[etree._Element]:
    return el.findall(q(name))


def md_element(tag: str, *, nsmap: bool = True) -> etree._Element:
    return etree.Element(q(tag), nsmap={None: MD_NS} if nsmap else None)


def to_bytes(el: etree._Element) -> bytes:
    return etree.tostring(el, xml_declaration=True, encoding="UTF-8", pretty_print=True)
