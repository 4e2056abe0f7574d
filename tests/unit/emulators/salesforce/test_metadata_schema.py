"""The Metadata API schema from the WSDL: order-lenient like Salesforce, strict about everything else."""

from __future__ import annotations

import pytest
from lxml import etree

from emulators.salesforce.metadata.xsd import MD_NS, MetadataSchema


@pytest.fixture(scope="module")
def schema() -> MetadataSchema:
    return MetadataSchema()


def _doc(tag: str, *children: tuple) -> etree._Element:
    """``<tag>`` with ``(name, text | (children…))`` children, one per line (so line numbers are predictable)."""
    root = etree.Element(f"{{{MD_NS}}}{tag}", nsmap={None: MD_NS})
    _add(root, children)
    return etree.fromstring(etree.tostring(root, pretty_print=True))


def _add(parent: etree._Element, children: tuple) -> None:
    for name, value in children:
        el = etree.SubElement(parent, f"{{{MD_NS}}}{name}")
        if isinstance(value, tuple):
            _add(el, value)
        else:
            el.text = value


def test_children_appended_out_of_sequence_are_put_in_schema_order(schema):
    # what `sf project convert source` writes: fields after sharingModel
    obj = _doc("CustomObject", ("label", "Site"), ("pluralLabel", "Sites"), ("sharingModel", "ReadWrite"),
               ("fields", (("type", "Text"), ("fullName", "Code__c"), ("length", "10"), ("label", "Code"))))
    schema.canonicalise(obj)
    assert [etree.QName(c).localname for c in obj] == ["fields", "label", "pluralLabel", "sharingModel"]
    assert [etree.QName(c).localname for c in obj[0]] == ["fullName", "label", "length", "type"]
    assert schema.validate(obj) == []


def test_unknown_elements_and_bad_enumerations_are_reported_with_their_line(schema):
    obj = _doc("CustomObject", ("label", "X"), ("fields", (("fullName", "A__c"), ("type", "Textual"))))
    schema.canonicalise(obj)
    problems = schema.validate(obj)
    assert [p.line for p in problems] == [5]  # <type> is on line 5 of the pretty-printed document
    assert "'Textual' is not an element of the set" in problems[0].message


def test_every_metadata_type_is_a_document_root(schema):
    for tag in ("Flow", "PermissionSet", "Layout", "Package", "StandardValueSet", "CustomPermission"):
        assert schema.knows(tag)
    flow = _doc("Flow", ("label", "F"), ("processType", "AutoLaunchedFlow"), ("status", "Draft"))
    schema.canonicalise(flow)
    assert schema.validate(flow) == []
