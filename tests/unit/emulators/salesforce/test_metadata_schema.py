"""The Metadata API schema from the WSDL: order-lenient like Salesforce, strict about everything else."""

from __future__ import annotations

import pytest
from lxml import etree

from emulators.salesforce.metadata.xsd import MD_NS, MetadataSchema


@pytest.fixture(scope="module")
def schema() -> MetadataSchema:
    return MetadataSchema()


def _doc(tag: str, body: str) -> etree._Element:
    return etree.fromstring(f'<{tag} xmlns="{MD_NS}">\n{body}\n</{tag}>'.encode())


def test_children_appended_out_of_sequence_are_put_in_schema_order(schema):
    # what `sf project convert source` writes: fields after sharingModel
    obj = _doc("CustomObject", "<label>Site</label><pluralLabel>Sites</pluralLabel><sharingModel>ReadWrite</sharingModel>"
                               "<fields><type>Text</type><fullName>Code__c</fullName><length>10</length>"
                               "<label>Code</label></fields>")
    schema.canonicalise(obj)
    assert [etree.QName(c).localname for c in obj] == ["fields", "label", "pluralLabel", "sharingModel"]
    assert [etree.QName(c).localname for c in obj[0]] == ["fullName", "label", "length", "type"]
    assert schema.validate(obj) == []


def test_unknown_elements_and_bad_enumerations_are_reported_with_their_line(schema):
    obj = _doc("CustomObject", "<label>X</label>\n<fields><fullName>A__c</fullName><type>Textual</type></fields>")
    schema.canonicalise(obj)
    problems = schema.validate(obj)
    assert [p.line for p in problems] == [3]
    assert "'Textual' is not an element of the set" in problems[0].message


def test_every_metadata_type_is_a_document_root(schema):
    for tag in ("Flow", "PermissionSet", "Layout", "Package", "StandardValueSet", "CustomPermission"):
        assert schema.knows(tag)
    flow = _doc("Flow", "<label>F</label><processType>AutoLaunchedFlow</processType><status>Draft</status>")
    schema.canonicalise(flow)
    assert schema.validate(flow) == []
