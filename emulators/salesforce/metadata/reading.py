"""Reading metadata back: retrieve (a zip), listMetadata, describeMetadata, readMetadata.

What the org holds, per type:

* **deployed components** — the XML last deployed (``metadata_components``);
* **objects and fields** the org has without a deploy (seeded custom objects, standard objects and
  their custom fields) — synthesised from the schema (:mod:`.synthesize`);
* **Activity** — the custom fields Task and Event share are listed and retrieved as ``Activity.X__c``
  (``objects/Activity.object``), never as Task or Event fields;
* **record types** — the RecordType rows;
* **flow definitions** — from the Flow versions: ``activeVersionNumber`` is the active version
  (each deploy that changes a Flow adds a version).

A retrieved ``objects/X.object`` is assembled from the object's own XML plus its stored children
(fields, record types, business processes, …), then put into schema order. Members that do not
exist are reported in ``messages`` (``Entity of type 'CustomObject' named 'Foo__c' cannot be
found``), as Salesforce does, and left out of the zip.
"""

from __future__ import annotations

import base64
import io
import zipfile
from typing import Any, Iterable, NamedTuple

from lxml import etree

from emulators.salesforce.catalog import ACTIVITY, ACTIVITY_OBJECTS, is_activity, is_activity_host
from emulators.salesforce.metadata.objects import object_plan
from emulators.salesforce.metadata.package import CHILD_TYPES, FOLDERS
from emulators.salesforce.metadata.store import MetadataStore
from emulators.salesforce.metadata.synthesize import field_element, object_element
from emulators.salesforce.metadata.xmlread import children, md_element, q, text, to_bytes
from emulators.salesforce.metadata.xsd import MetadataSchema
from emulators.salesforce.org.runtime import Org

__all__ = ["MetadataReader", "DESCRIBE_TYPES", "RetrieveOutput", "encode_zip", "members_of"]

_TYPE_FOLDER = {kind: (folder, suffix) for folder, (kind, suffix) in FOLDERS.items()}
_CHILD_TAG = {kind: tag for tag, kind in CHILD_TYPES.items()}
DESCRIBE_TYPES: tuple[dict[str, Any], ...] = (
    {"xmlName": "CustomObject", "directoryName": "objects", "suffix": "object", "inFolder": False, "metaFile": False,
     "childXmlNames": ["CustomField", "BusinessProcess", "CompactLayout", "FieldSet", "ListView", "RecordType",
                       "ValidationRule", "WebLink"]},
    {"xmlName": "CustomPermission", "directoryName": "customPermissions", "suffix": "customPermission",
     "inFolder": False, "metaFile": False, "childXmlNames": []},
    {"xmlName": "CustomTab", "directoryName": "tabs", "suffix": "tab", "inFolder": False, "metaFile": False,
     "childXmlNames": []},
    {"xmlName": "Flow", "directoryName": "flows", "suffix": "flow", "inFolder": False, "metaFile": False,
     "childXmlNames": []},
    {"xmlName": "Layout", "directoryName": "layouts", "suffix": "layout", "inFolder": False, "metaFile": False,
     "childXmlNames": []},
    {"xmlName": "PermissionSet", "directoryName": "permissionsets", "suffix": "permissionset", "inFolder": False,
     "metaFile": False, "childXmlNames": []},
    {"xmlName": "StandardValueSet", "directoryName": "standardValueSets", "suffix": "standardValueSet",
     "inFolder": False, "metaFile": False, "childXmlNames": []},
)


class RetrieveOutput(NamedTuple):
    zip_bytes: bytes
    file_properties: list[dict[str, Any]]
    messages: list[dict[str, str]]


class MetadataReader:
    """Read access to an org's metadata (see the module docstring)."""

    def __init__(self, org: Org, store: MetadataStore, schema: MetadataSchema) -> None:
        self.org = org
        self.store = store
        self.schema = schema

    # ── names ──────────────────────────────────────────────────────────────────────
    def _admin_name(self, user_id: str) -> str:
        row = self.org.store.get(user_id)
        return str(row.data.get("Name") or "") if row else ""

    def members(self, kind: str) -> list[str]:
        """Every full name of ``kind`` the org holds."""
        names: set[str] = {c.full_name for c in self.store.list(kind)}
        if kind == "CustomObject":
            names.update(s.name for s in self.org.schemas.all())
            names.add(ACTIVITY)
        elif kind == "CustomField":
            shared = self._activity_fields()
            names.update(f"{s.name}.{f.name}" for s in self.org.schemas.all() for f in s.fields
                         if f.custom and not (is_activity_host(s.name) and f.name in shared))
            names.update(f"{ACTIVITY}.{name}" for name in shared)
        elif kind == "RecordType":
            names.update(f"{r['SobjectType']}.{r['DeveloperName']}" for r in self.org.store.scan("RecordType"))
        elif kind == "FlowDefinition":
            names.update(c.full_name for c in self.store.list("Flow"))
        return sorted(names, key=str.lower)

    def _activity_fields(self) -> set[str]:
        """Custom fields Task and Event share: the fields of Activity (listed and retrieved as ``Activity.X__c``)."""
        per_host = []
        for host in ACTIVITY_OBJECTS:
            schema = self.org.schemas.get(host)
            per_host.append({f.name for f in schema.fields if f.custom} if schema is not None else set())
        return set.intersection(*per_host)

    def _exists(self, kind: str, name: str) -> str | None:
        wanted = name.lower()
        return next((m for m in self.members(kind) if m.lower() == wanted), None)

    # ── XML of one component ───────────────────────────────────────────────────────
    def _child_xml(self, kind: str, full_name: str) -> etree._Element | None:
        stored = self.store.get(kind, full_name)
        if stored is not None:
            el = etree.fromstring(stored.xml)
            el.tag = q(_CHILD_TAG[kind])
            return el
        if kind == "CustomField":
            sobject, _, name = full_name.partition(".")
            plan = object_plan(self.org, sobject)
            f = plan.field(name) if plan else None
            return field_element(f) if f is not None else None
        if kind == "RecordType":
            sobject, _, name = full_name.partition(".")
            for row in self.org.store.scan("RecordType"):
                if row.get("SobjectType") == sobject and row.get("DeveloperName") == name:
                    el = etree.Element(q("recordTypes"))
                    for tag, value in (("fullName", name), ("active", "true" if row.get("IsActive") else "false"),
                                       ("description", row.get("Description")), ("label", row.get("Name"))):
                        if value is not None:
                            etree.SubElement(el, q(tag)).text = str(value)
                    return el
        return None

    def object_xml(self, name: str, *, whole: bool, parts: Iterable[tuple[str, str]] = ()) -> etree._Element | None:
        """``<CustomObject>`` of ``name``: all of it (``whole``) or just the named ``parts`` (kind, full name)."""
        plan = self.org.schemas.plan(name)
        stored = self.store.get("CustomObject", name)
        if plan is None and stored is None and not is_activity(name):
            return None
        if whole and stored is not None:
            root = etree.fromstring(stored.xml)
            for tag in CHILD_TYPES:
                for el in children(root, tag):
                    root.remove(el)
        elif whole and plan is not None:
            root = object_element(plan.schema, include_fields=False)
        else:  # only the parts asked for, or Activity (a standard object the schema does not describe)
            root = md_element("CustomObject")
        wanted = list(parts)
        if whole:
            wanted = [(kind, m) for kind in CHILD_TYPES.values() for m in self._children_of(kind, name)]
        for kind, full in wanted:
            el = self._child_xml(kind, full)
            if el is not None:
                fn = el.find(q("fullName"))
                if fn is not None:
                    fn.text = full.split(".", 1)[1]
                root.append(el)
        self.schema.canonicalise(root)
        return root

    def _children_of(self, kind: str, sobject: str) -> list[str]:
        prefix = sobject.lower() + "."
        names = {c.full_name for c in self.store.list(kind) if c.full_name.lower().startswith(prefix)}
        if kind in ("CustomField", "RecordType"):
            names.update(m for m in self.members(kind) if m.lower().startswith(prefix))
        return sorted(names, key=str.lower)

    def _flow_definition(self, full_name: str) -> etree._Element | None:
        versions = self.store.flow_versions(full_name)
        if not versions:
            return None
        root = md_element("FlowDefinition")
        active = [v.version for v in versions if v.status == "Active"]
        if active:
            etree.SubElement(root, q("activeVersionNumber")).text = str(active[-1])
        return root

    def component_xml(self, kind: str, full_name: str) -> etree._Element | None:
        if kind == "FlowDefinition":
            return self._flow_definition(full_name)
        if kind == "CustomObject":
            return self.object_xml(full_name, whole=True)
        if kind in _CHILD_TAG:
            el = self._child_xml(kind, full_name)
            if el is None:
                return None
            el.tag = q(kind)
            fn = el.find(q("fullName"))
            if fn is not None:
                fn.text = full_name
            return el
        stored = self.store.get(kind, full_name)
        return etree.fromstring(stored.xml) if stored is not None else None

    # ── operations ─────────────────────────────────────────────────────────────────
    def file_properties(self, kind: str, full_name: str) -> dict[str, Any]:
        stored = self.store.get(kind, full_name)
        ident = self.org.identity
        admin = ident.admin_user_id
        camel = kind[:1].lower() + kind[1:]
        folder, suffix = _TYPE_FOLDER.get(kind, (camel + "s", "." + camel))
        if kind in _CHILD_TAG:
            file_name = f"objects/{full_name.split('.', 1)[0]}.object"
        else:
            file_name = f"{folder}/{full_name}{suffix}"
        created_by = stored.created_by if stored else admin
        modified_by = stored.modified_by if stored else admin
        return {
            "createdById": created_by,
            "createdByName": self._admin_name(created_by),
            "createdDate": stored.created if stored else ident.created,
            "fileName": file_name,
            "fullName": full_name,
            "id": stored.id if stored else "",
            "lastModifiedById": modified_by,
            "lastModifiedByName": self._admin_name(modified_by),
            "lastModifiedDate": stored.modified if stored else ident.created,
            "manageableState": "unmanaged",
            "type": kind,
        }

    def list_metadata(self, kinds: Iterable[str]) -> list[dict[str, Any]]:
        return [self.file_properties(kind, name) for kind in kinds for name in self.members(kind)]

    def read_metadata(self, kind: str, names: Iterable[str]) -> list[etree._Element]:
        out = []
        for name in names:
            el = self.component_xml(kind, name)
            if el is not None:
                fn = el.find(q("fullName"))
                if fn is None:
                    fn = etree.Element(q("fullName"))
                    el.insert(0, fn)
                fn.text = name
                out.append(el)
        return out

    def retrieve(self, members: dict[str, list[str]], *, single_package: bool, api_version: str) -> RetrieveOutput:
        prefix = "" if single_package else "unpackaged/"
        files: dict[str, bytes] = {}
        properties: list[dict[str, Any]] = []
        messages: list[dict[str, str]] = []
        object_parts: dict[str, list[tuple[str, str]]] = {}
        whole_objects: set[str] = set()
        manifest = md_element("Package")
        for kind in sorted(members):
            names = members[kind]
            chosen = self.members(kind) if "*" in names else names
            types = etree.SubElement(manifest, q("types"))
            for name in sorted(chosen, key=str.lower):
                etree.SubElement(types, q("members")).text = name
            etree.SubElement(types, q("name")).text = kind
            for name in chosen:
                found = self._exists(kind, name)
                if found is None:
                    messages.append({"fileName": f"{prefix}package.xml",
                                     "problem": f"Entity of type '{kind}' named '{name}' cannot be found"})
                    continue
                properties.append(self.file_properties(kind, found))
                if kind == "CustomObject":
                    whole_objects.add(found)
                elif kind in _CHILD_TAG:
                    object_parts.setdefault(found.split(".", 1)[0], []).append((kind, found))
                elif kind in _TYPE_FOLDER:
                    folder, suffix = _TYPE_FOLDER[kind]
                    el = self.component_xml(kind, found)
                    if el is not None:
                        files[f"{prefix}{folder}/{found}{suffix}"] = to_bytes(el)
        for sobject in sorted(set(object_parts) | whole_objects, key=str.lower):
            whole = sobject in whole_objects
            root = self.object_xml(sobject, whole=whole, parts=object_parts.get(sobject, ()))
            if root is not None:
                files[f"{prefix}objects/{sobject}.object"] = to_bytes(root)
        etree.SubElement(manifest, q("version")).text = api_version
        files[f"{prefix}package.xml"] = to_bytes(manifest)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(files):
                archive.writestr(name, files[name])
        properties.append({**self.file_properties("Package", "package"), "fileName": f"{prefix}package.xml",
                           "fullName": f"{prefix}package.xml".rstrip("/"), "type": "Package", "id": ""})
        return RetrieveOutput(buffer.getvalue(), properties, messages)


def encode_zip(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def members_of(package: etree._Element) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for types in children(package, "types"):
        out.setdefault(text(types, "name") or "", []).extend((m.text or "").strip() for m in children(types, "members"))
    return out


