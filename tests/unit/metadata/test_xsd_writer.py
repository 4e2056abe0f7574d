"""The official schema compiled from simple-salesforce's WSDL; elements written in schema order."""

from __future__ import annotations

import pytest
from lxml import etree

from control.metadata.xml_writer import XmlWriter, to_bytes
from control.metadata.xsd import MD_NS


def test_children_follow_the_xsd_sequence_with_base_types_first(md_schema) -> None:
    names = [c.name for c in md_schema.children("CustomField")]
    assert names[0] == "fullName"  # from the Metadata base type
    assert names.index("label") < names.index("length") < names.index("type") < names.index("valueSet")
    flow_node = [c.name for c in md_schema.children("FlowRecordUpdate")]
    assert flow_node[:7] == ["processMetadataValues", "description", "name", "elementSubtype", "label",
                             "locationX", "locationY"]
    assert md_schema.enumeration("DeleteConstraint") == ("Cascade", "Restrict", "SetNull")


def test_writer_orders_keys_by_schema_and_validates(md_schema) -> None:
    writer = XmlWriter(md_schema)
    element = writer.element("CustomField", {"type": "Text", "length": 20, "label": "Gate", "fullName": "Gate__c",
                                             "externalId": True})
    assert [etree.QName(c).localname for c in element] == ["fullName", "externalId", "label", "length", "type"]
    assert md_schema.validate(element) == ()
    assert to_bytes(element) == (
        b"<?xml version='1.0' encoding='UTF-8'?>\n"
        b'<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">\n'
        b"    <fullName>Gate__c</fullName>\n    <externalId>true</externalId>\n    <label>Gate</label>\n"
        b"    <length>20</length>\n    <type>Text</type>\n</CustomField>\n")


def test_writer_refuses_unknown_elements(md_schema) -> None:
    with pytest.raises(KeyError, match="CustomField has no element"):
        XmlWriter(md_schema).element("CustomField", {"lenght": 3})


def test_schema_catches_wrong_order_and_values(md_schema) -> None:
    root = etree.Element(f"{{{MD_NS}}}CustomField", nsmap={None: MD_NS})
    for name, text in (("type", "Text"), ("label", "Gate")):  # label must come before type
        etree.SubElement(root, f"{{{MD_NS}}}{name}").text = text
    problems = md_schema.validate(root)
    assert len(problems) == 1 and "label" in problems[0].message
    bad = XmlWriter(md_schema).element("CustomField", {"label": "G", "type": "Textual"})
    assert "Textual" in md_schema.validate(bad)[0].message
