"""``manifest/package.xml``: every generated component, for Metadata API (MDAPI) deploys and retrieves.

Types and members are sorted, so the manifest only changes when the components do. The API version is
the map's ``settings.api_version``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from lxml import etree

from control.metadata.components import Component
from control.metadata.xml_writer import XmlWriter

__all__ = ["package_xml"]


def package_xml(components: Iterable[Component], api_version: str, writer: XmlWriter) -> etree._Element:
    members: dict[str, set[str]] = defaultdict(set)
    for component in components:
        members[component.type].add(component.member)
    types = [{"members": sorted(names), "name": type_name} for type_name, names in sorted(members.items())]
    return writer.element("Package", {"types": types, "version": api_version})
