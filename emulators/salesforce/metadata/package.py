"""Reading a deploy zip: where its package.xml is, which components it names, which files hold them.

MDAPI layout (what CumulusCI's ``sf project convert source`` and the sf CLI produce)::

    [<folder>/]package.xml                   <types><members>…</members><name>Type</name></types>
    [<folder>/]objects/Invoice__c.object     a CustomObject with its fields, record types, … inline
    [<folder>/]layouts/Invoice__c-Invoice Layout.layout
    [<folder>/]permissionsets/X.permissionset, flows/X.flow, customPermissions/X.customPermission,
    [<folder>/]standardValueSets/CaseStatus.standardValueSet, tabs/Invoice__c.tab

The zip may hold the package at its root or in one folder (``singlePackage`` false: CumulusCI's REST
deploy puts everything under ``metadata/``). File names in results keep the path inside the zip.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import etree

from emulators.salesforce.metadata.context import DeployProblem
from emulators.salesforce.metadata.xmlread import children, text

__all__ = ["DeployZip", "ComponentFile", "FOLDERS", "CHILD_TYPES", "MAX_ZIP_BYTES"]

MAX_ZIP_BYTES = 39 * 1024 * 1024  # Salesforce: 39 MB compressed (400 MB uncompressed)
# directory → (Metadata type, file suffix)
FOLDERS: dict[str, tuple[str, str]] = {
    "objects": ("CustomObject", ".object"),
    "layouts": ("Layout", ".layout"),
    "permissionsets": ("PermissionSet", ".permissionset"),
    "flows": ("Flow", ".flow"),
    "customPermissions": ("CustomPermission", ".customPermission"),
    "standardValueSets": ("StandardValueSet", ".standardValueSet"),
    "tabs": ("CustomTab", ".tab"),
}
# child element of CustomObject → (Metadata type of the child)
CHILD_TYPES: dict[str, str] = {
    "fields": "CustomField",
    "recordTypes": "RecordType",
    "businessProcesses": "BusinessProcess",
    "listViews": "ListView",
    "validationRules": "ValidationRule",
    "compactLayouts": "CompactLayout",
    "webLinks": "WebLink",
    "fieldSets": "FieldSet",
}


class ComponentFile(NamedTuple):
    kind: str  # Metadata type
    full_name: str  # from the file name (objects/Invoice__c.object → Invoice__c)
    path: str  # inside the zip, as uploaded
    data: bytes


@dataclass
class DeployZip:
    package_path: str
    members: dict[str, set[str]]  # type → member names (lower-cased; "*" for all)
    member_names: dict[str, dict[str, str]] = field(default_factory=dict)  # type → lower-cased → as written
    files: list[ComponentFile] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # paths of files we cannot deploy
    package_xml: bytes = b""

    @classmethod
    def read(cls, data: bytes) -> "DeployZip":
        if len(data) > MAX_ZIP_BYTES:
            raise DeployProblem(f"The zip is {len(data):,} bytes; the Metadata API takes at most {MAX_ZIP_BYTES:,} (39 MB)")
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise DeployProblem("The deployment is not a valid zip file") from None
        names = [n for n in archive.namelist() if not n.endswith("/")]
        packages = sorted((n for n in names if posixpath.basename(n) == "package.xml"), key=lambda n: (n.count("/"), n))
        if not packages or packages[0].count("/") > 1:
            raise DeployProblem("No package.xml found")
        package_path = packages[0]
        root = posixpath.dirname(package_path)
        package_xml = archive.read(package_path)
        out = cls(package_path=package_path, members={}, package_xml=package_xml)
        prefix = root + "/" if root else ""
        for name in names:
            if name == package_path or not name.startswith(prefix):
                continue
            inner = name[len(prefix):]
            folder, _, rest = inner.partition("/")
            spec = FOLDERS.get(folder)
            base = posixpath.basename(inner)
            if base.startswith("destructiveChanges"):
                out.unsupported.append(name)
                continue
            if spec is None or "/" in rest or not rest.endswith(spec[1]):
                out.unsupported.append(name)
                continue
            out.files.append(ComponentFile(spec[0], rest[: -len(spec[1])], name, archive.read(name)))
        return out

    def read_members(self, package: etree._Element) -> None:
        for types in children(package, "types"):
            kind = text(types, "name") or ""
            written = [(m.text or "").strip() for m in children(types, "members")]
            self.members.setdefault(kind, set()).update(n.lower() for n in written)
            self.member_names.setdefault(kind, {}).update((n.lower(), n) for n in written)

    def selected(self, kind: str, full_name: str) -> bool:
        names = self.members.get(kind, set())
        return "*" in names or full_name.lower() in names

    def child_selected(self, kind: str, object_name: str, child: str) -> bool:
        """A child (field, record type …) is deployed when it or its whole object is named."""
        return self.selected("CustomObject", object_name) or self.selected(kind, f"{object_name}.{child}")
