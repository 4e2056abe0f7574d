"""SFDX source trees for deploy tests, written file by file as ``sf project generate`` lays them out.

Only the element names and shapes of Salesforce's Metadata API are used (no generated project
files are copied); each helper returns the folder it wrote.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

__all__ = ["write_component", "component_xml", "custom_object", "field", "work_order_source", "mdapi_zip",
           "deploy_zip", "NS"]

NS = "http://soap.sforce.com/2006/04/metadata"


def _element(tag: str, spec: dict) -> etree._Element:
    el = etree.Element(f"{{{NS}}}{tag}", nsmap={None: NS})
    _fill(el, spec)
    return el


def _fill(el: etree._Element, spec: dict) -> None:
    for key, value in spec.items():
        items = value if isinstance(value, list) else [value]
        for item in items:
            child = etree.SubElement(el, f"{{{NS}}}{key}")
            if isinstance(item, dict):
                _fill(child, item)
            elif isinstance(item, bool):
                child.text = "true" if item else "false"
            else:
                child.text = str(item)


def component_xml(tag: str, spec: dict) -> bytes:
    """A Metadata API document ``<tag>`` built from ``spec`` (dicts nest, lists repeat)."""
    return etree.tostring(_element(tag, spec), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_component(path: Path, tag: str, spec: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(etree.tostring(_element(tag, spec), xml_declaration=True, encoding="UTF-8", pretty_print=True))
    return path


def custom_object(root: Path, name: str, spec: dict) -> Path:
    return write_component(root / "objects" / name / f"{name}.object-meta.xml", "CustomObject", spec)


def field(root: Path, sobject: str, name: str, spec: dict) -> Path:
    return write_component(root / "objects" / sobject / "fields" / f"{name}.field-meta.xml", "CustomField",
                           {"fullName": name, **spec})


def work_order_source(project: Path) -> Path:
    """A Work_Order__c object (lookup to Account, every common field type), an Account external Id,
    a Case support process and record type, a permission set and a layout."""
    root = project / "force-app" / "main" / "default"
    custom_object(root, "Work_Order__c", {
        "deploymentStatus": "Deployed", "label": "Work Order",
        "nameField": {"label": "Work Order Number", "type": "Text"},
        "pluralLabel": "Work Orders", "sharingModel": "ReadWrite",
    })
    field(root, "Work_Order__c", "ST_Work_Order_Id__c", {"externalId": True, "label": "ST Work Order Id",
                                                          "length": 40, "type": "Text", "unique": True})
    field(root, "Work_Order__c", "Account__c", {"deleteConstraint": "SetNull", "label": "Account",
                                                 "referenceTo": "Account", "relationshipName": "Work_Orders",
                                                 "type": "Lookup"})
    field(root, "Work_Order__c", "Hours__c", {"label": "Hours", "precision": 6, "scale": 2, "type": "Number"})
    field(root, "Work_Order__c", "Cost__c", {"label": "Cost", "precision": 16, "scale": 2, "type": "Currency"})
    field(root, "Work_Order__c", "Done__c", {"defaultValue": "false", "label": "Done", "type": "Checkbox"})
    field(root, "Work_Order__c", "Scheduled__c", {"label": "Scheduled", "type": "DateTime"})
    field(root, "Work_Order__c", "Notes__c", {"label": "Notes", "length": 32768, "type": "LongTextArea",
                                               "visibleLines": 3})
    field(root, "Work_Order__c", "Kind__c", {
        "label": "Kind", "type": "Picklist",
        "valueSet": {"restricted": True, "valueSetDefinition": {"sorted": False, "value": [
            {"fullName": "Preventive", "default": True, "label": "Preventive"},
            {"fullName": "Install", "default": False, "label": "Install"},
        ]}},
    })
    field(root, "Account", "ST_Client_Key__c", {"externalId": True, "label": "ST Client Key", "length": 30,
                                                 "type": "Text", "unique": True})
    write_component(root / "objects" / "Case" / "businessProcesses" / "Field_Support.businessProcess-meta.xml",
                    "BusinessProcess", {"fullName": "Field_Support", "isActive": True,
                                        "values": [{"fullName": "New", "default": True},
                                                   {"fullName": "Closed", "default": False}]})
    write_component(root / "objects" / "Case" / "recordTypes" / "Reactive.recordType-meta.xml", "RecordType",
                    {"fullName": "Reactive", "active": True, "businessProcess": "Field_Support", "label": "Reactive"})
    write_component(root / "permissionsets" / "Work_Orders.permissionset-meta.xml", "PermissionSet", {
        "fieldPermissions": [{"editable": True, "field": "Work_Order__c.Hours__c", "readable": True}],
        "label": "Work Orders",
        "objectPermissions": [{"allowCreate": True, "allowDelete": False, "allowEdit": True, "allowRead": True,
                               "modifyAllRecords": False, "object": "Work_Order__c", "viewAllRecords": False}],
    })
    write_component(root / "layouts" / "Work_Order__c-Work Order Layout.layout-meta.xml", "Layout", {
        "layoutSections": [{"customLabel": False, "detailHeading": False, "editHeading": True, "label": "Information",
                            "layoutColumns": [{"layoutItems": [{"behavior": "Required", "field": "Name"},
                                                               {"behavior": "Edit", "field": "Hours__c"}]}],
                            "style": "TwoColumnsTopToBottom"}],
    })
    return root


def mdapi_zip(files: dict[str, bytes], members: dict[str, list[str]], version: str = "59.0") -> bytes:
    """An MDAPI deploy zip: ``package.xml`` naming ``members`` (type → full names) plus ``files`` (path → bytes)."""
    package = etree.Element(f"{{{NS}}}Package", nsmap={None: NS})
    for kind, names in members.items():
        types = etree.SubElement(package, f"{{{NS}}}types")
        for name in names:
            etree.SubElement(types, f"{{{NS}}}members").text = name
        etree.SubElement(types, f"{{{NS}}}name").text = kind
    etree.SubElement(package, f"{{{NS}}}version").text = version
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("package.xml", etree.tostring(package, xml_declaration=True, encoding="UTF-8"))
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def deploy_zip(sf: Any, zip_bytes: bytes) -> dict:
    """Deploy through simple-salesforce's SOAP ``deploy`` and return ``checkDeployStatus``."""
    started = sf.deploy(io.BytesIO(zip_bytes), sandbox=False)
    assert started["state"] == "Queued" and started["asyncId"].startswith("0Af")
    return sf.checkDeployStatus(started["asyncId"])
