"""SOAP envelopes of the Metadata API: reading a call, writing a response or a fault.

The operation is the first element of the SOAP Body — never the SOAPAction header, which the sf CLI
sends empty. The session is ``Header/SessionHeader/sessionId``. Responses put every element in
the Metadata namespace (``http://soap.sforce.com/2006/04/metadata``), as Salesforce does::

    <soapenv:Envelope xmlns:soapenv="…/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"
                      xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
      <soapenv:Body><deployResponse><result>…</result></deployResponse></soapenv:Body>
    </soapenv:Envelope>

Faults are HTTP 500 with ``faultcode`` ``sf:<ExceptionCode>`` (``sf:INVALID_SESSION_ID`` makes
CumulusCI refresh its token once) and ``faultstring`` ``<CODE>: <message>``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from lxml import etree

from emulators.salesforce.metadata.xsd import MD_NS

__all__ = [
    "SoapCall", "SoapFault", "parse_call", "response", "fault", "SOAP_NS", "XSI_NS", "child", "child_text",
    "children_named", "as_mapping",
]

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_M = f"{{{MD_NS}}}"


class SoapFault(Exception):
    """A call-level refusal: ``code`` is an ExceptionCode (INVALID_SESSION_ID, INVALID_CROSS_REFERENCE_KEY …)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class SoapCall(NamedTuple):
    operation: str
    session_id: str | None
    body: etree._Element  # the operation element


def _local(el: Any) -> str:
    return etree.QName(el).localname if isinstance(getattr(el, "tag", None), str) else ""


def parse_call(data: bytes) -> SoapCall:
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise SoapFault("INVALID_XML", f"The request is not well-formed XML: {exc.msg}") from None
    if _local(root) != "Envelope":
        raise SoapFault("INVALID_XML", "The request is not a SOAP envelope")
    session = None
    for el in root.iter():
        if _local(el) == "sessionId" and el.getparent() is not None and _local(el.getparent()) == "SessionHeader":
            session = (el.text or "").strip() or None
            break
    body = next((c for c in root if _local(c) == "Body"), None)
    operation = next((c for c in body if _local(c)), None) if body is not None else None
    if operation is None:
        raise SoapFault("INVALID_XML", "The SOAP Body holds no operation")
    return SoapCall(_local(operation), session, operation)


def _put(parent: etree._Element, name: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            _put(parent, name, item)
        return
    if isinstance(value, etree._Element):
        copy = etree.fromstring(etree.tostring(value))
        copy.tag = _M + name
        copy.set(f"{{{XSI_NS}}}type", _local(value))
        parent.append(copy)
        return
    el = etree.SubElement(parent, _M + name)
    if isinstance(value, dict):
        for key, item in value.items():
            _put(el, key, item)
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    else:
        el.text = str(value)


def _envelope() -> tuple[etree._Element, etree._Element]:
    env = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soapenv": SOAP_NS, None: MD_NS, "xsi": XSI_NS})
    body = etree.SubElement(env, f"{{{SOAP_NS}}}Body")
    return env, body


def response(operation: str, result: Any) -> bytes:
    """``<{operation}Response><result>…</result></…>`` (a list result repeats ``result``)."""
    env, body = _envelope()
    wrapper = etree.SubElement(body, f"{_M}{operation}Response")
    _put(wrapper, "result", result)
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


def fault(code: str, message: str) -> bytes:
    env = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soapenv": SOAP_NS, "sf": MD_NS, "xsi": XSI_NS})
    body = etree.SubElement(env, f"{{{SOAP_NS}}}Body")
    node = etree.SubElement(body, f"{{{SOAP_NS}}}Fault")
    etree.SubElement(node, "faultcode").text = f"sf:{code}"
    etree.SubElement(node, "faultstring").text = f"{code}: {message}"
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


def child_text(el: etree._Element, name: str) -> str | None:
    found = next((c for c in el if _local(c) == name), None)
    return None if found is None or found.text is None else found.text.strip()


def child(el: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in el if _local(c) == name), None)


def children_named(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if _local(c) == name]


def as_mapping(el: etree._Element | None) -> dict[str, str]:
    """Leaf children of ``el`` as ``{localname: text}``."""
    if el is None:
        return {}
    return {_local(c): (c.text or "").strip() for c in el if _local(c) and len(c) == 0}
