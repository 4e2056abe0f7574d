"""The target schema protocol: what the Salesforce org has, sObject by sObject, field by field.

Built from describe results — the dicts simple-salesforce's ``sf.<Object>.describe()`` returns, i.e.
Salesforce's ``GET /sobjects/{O}/describe`` JSON — and overlaid with what the map itself creates
(``targets:``), since those fields exist in the org once the generated metadata is deployed.

A describe file for ``--describe`` is one describe object, a list of them, or ``{"sobjects": [...]}``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple

from control.errors import InputFileError
from control.mapping.targets import FieldKind, FieldSpec, ObjectSpec

__all__ = [
    "TargetField",
    "TargetObject",
    "TargetSchema",
    "ACTIVITY_OBJECTS",
    "OPEN_REFERENCES",
    "DESCRIBE_TYPE",
    "AUDIT_FIELDS",
    "read_describes",
]

ACTIVITY_OBJECTS = frozenset({"Task", "Event"})
# polymorphic references every custom object joins (``WhatId`` only those with activities enabled)
OPEN_REFERENCES: dict[tuple[str, str], bool] = {
    ("Task", "WhatId"): True, ("Event", "WhatId"): True, ("Note", "ParentId"): False,
    ("Attachment", "ParentId"): False, ("ContentDocumentLink", "LinkedEntityId"): False,
    ("ContentVersion", "FirstPublishLocationId"): False,
}
AUDIT_FIELDS = frozenset({"CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById"})

# the describe ``type`` a created custom field reports
DESCRIBE_TYPE: dict[FieldKind, str] = {
    FieldKind.TEXT: "string", FieldKind.TEXT_AREA: "textarea", FieldKind.LONG_TEXT_AREA: "textarea",
    FieldKind.HTML: "textarea", FieldKind.PICKLIST: "picklist", FieldKind.MULTISELECT_PICKLIST: "multipicklist",
    FieldKind.CHECKBOX: "boolean", FieldKind.NUMBER: "double", FieldKind.CURRENCY: "currency",
    FieldKind.PERCENT: "percent", FieldKind.DATE: "date", FieldKind.DATETIME: "datetime",
    FieldKind.EMAIL: "email", FieldKind.PHONE: "phone", FieldKind.URL: "url", FieldKind.LOOKUP: "reference",
    FieldKind.MASTER_DETAIL: "reference",
}


class TargetField(NamedTuple):
    name: str
    type: str
    label: str = ""
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    picklist_values: tuple[str, ...] = ()
    restricted: bool = False
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    createable: bool = True
    updateable: bool = True
    nillable: bool = True
    defaulted_on_create: bool = False
    external_id: bool = False
    unique: bool = False
    custom: bool = False
    calculated: bool = False
    from_map: bool = False

    @property
    def required_on_create(self) -> bool:
        """Salesforce refuses an insert without it (not nillable, no default, writable, not a boolean)."""
        return self.createable and not self.nillable and not self.defaulted_on_create and self.type != "boolean"

    @classmethod
    def from_describe(cls, field: Mapping[str, Any]) -> "TargetField":
        values = tuple(str(v["value"]) for v in field.get("picklistValues") or () if v.get("active", True))
        return cls(
            name=field["name"], type=field.get("type", "string"), label=field.get("label", ""),
            length=field.get("length") or None, precision=field.get("precision") or None,
            scale=field.get("scale"), picklist_values=values, restricted=bool(field.get("restrictedPicklist")),
            reference_to=tuple(field.get("referenceTo") or ()), relationship_name=field.get("relationshipName"),
            createable=bool(field.get("createable", True)), updateable=bool(field.get("updateable", True)),
            nillable=bool(field.get("nillable", True)), defaulted_on_create=bool(field.get("defaultedOnCreate")),
            external_id=bool(field.get("externalId")), unique=bool(field.get("unique")),
            custom=bool(field.get("custom")), calculated=bool(field.get("calculated")),
        )

    @classmethod
    def from_spec(cls, name: str, spec: FieldSpec, picklist_values: tuple[str, ...]) -> "TargetField":
        is_md = spec.type is FieldKind.MASTER_DETAIL
        return cls(
            name=name, type=DESCRIBE_TYPE[spec.type], label=spec.label, length=spec.length,
            precision=spec.precision, scale=spec.scale, picklist_values=picklist_values,
            restricted=spec.restricted, reference_to=(spec.reference_to,) if spec.reference_to else (),
            relationship_name=(spec.relationship_name + "__r") if spec.relationship_name else None,
            createable=True, updateable=not is_md, nillable=not (spec.required or is_md),
            defaulted_on_create=spec.type is FieldKind.CHECKBOX, external_id=spec.external_id, unique=spec.unique,
            custom=True, from_map=True,
        )


class TargetObject(NamedTuple):
    name: str
    label: str
    custom: bool
    fields: Mapping[str, TargetField]
    record_types: frozenset[str] = frozenset()
    createable: bool = True
    from_map: bool = False

    @classmethod
    def from_describe(cls, describe: Mapping[str, Any]) -> "TargetObject":
        fields = {f["name"]: TargetField.from_describe(f) for f in describe.get("fields", [])}
        record_types = frozenset(
            str(rt["developerName"]) for rt in describe.get("recordTypeInfos") or ()
            if rt.get("developerName") and not rt.get("master"))
        return cls(describe["name"], describe.get("label", describe["name"]), bool(describe.get("custom")), fields,
                   record_types, bool(describe.get("createable", True)))


class TargetSchema:
    """sObjects by API name. ``known`` is False for a schema built without any describe (map only)."""

    def __init__(self, objects: Iterable[TargetObject] = (), *, described: bool = True) -> None:
        self.objects: dict[str, TargetObject] = {o.name: o for o in objects}
        self.described = described

    @classmethod
    def from_describes(cls, describes: Iterable[Mapping[str, Any]]) -> "TargetSchema":
        return cls(TargetObject.from_describe(d) for d in describes)

    def object(self, name: str) -> TargetObject | None:
        return self.objects.get(name)

    def field(self, sobject: str, name: str) -> TargetField | None:
        obj = self.objects.get(sobject)
        return obj.fields.get(name) if obj else None

    def with_map_targets(self, targets: Mapping[str, ObjectSpec],
                         value_map_targets: Mapping[str, tuple[str, ...]]) -> "TargetSchema":
        """This schema plus every object, field and record type the map creates."""
        objects = dict(self.objects)
        for name, spec in targets.items():
            base = objects.get(name)
            fields = dict(base.fields) if base else {}
            for field_name, field_spec in spec.fields.items():
                values = field_spec.values or value_map_targets.get(field_spec.value_map or "", ())
                fields[field_name] = TargetField.from_spec(field_name, field_spec, tuple(values or ()))
            if base is None:
                fields.setdefault("Id", TargetField("Id", "id", "Record ID", createable=False, updateable=False,
                                                    nillable=False))
                if name.endswith("__c"):
                    fields.setdefault("Name", TargetField("Name", "string", spec.name_field.label
                                                          if spec.name_field else "Name", length=80,
                                                          createable=not (spec.name_field and spec.name_field.type
                                                                          == "AutoNumber")))
                    fields.setdefault("OwnerId", TargetField("OwnerId", "reference", "Owner ID",
                                                             reference_to=("User", "Group"),
                                                             defaulted_on_create=True, nillable=False))
                    # audit fields: createable once the org allows it and the user holds the permission
                    # (the generated permission set grants it); whether the org allows it is unknown here
                    for audit in ("CreatedDate", "LastModifiedDate"):
                        fields.setdefault(audit, TargetField(audit, "datetime", audit, createable=True,
                                                             updateable=False, nillable=False,
                                                             defaulted_on_create=True))
                    for audit in ("CreatedById", "LastModifiedById"):
                        fields.setdefault(audit, TargetField(audit, "reference", audit, reference_to=("User",),
                                                             createable=True, updateable=False, nillable=False,
                                                             defaulted_on_create=True))
            record_types = (base.record_types if base else frozenset()) | frozenset(spec.record_types)
            objects[name] = TargetObject(name, (base.label if base else spec.label or name),
                                         base.custom if base else name.endswith("__c"), fields, record_types,
                                         base.createable if base else True,
                                         from_map=base is None and spec.defines_object)
        new_custom = [(name, spec) for name, spec in targets.items() if spec.defines_object and name.endswith("__c")]
        for (sobject, field_name), needs_activities in OPEN_REFERENCES.items():
            obj = objects.get(sobject)
            field = obj.fields.get(field_name) if obj else None
            if obj is None or field is None:
                continue
            joined = tuple(n for n, spec in new_custom if spec.enable_activities or not needs_activities)
            widened = field._replace(reference_to=tuple(dict.fromkeys((*field.reference_to, *joined))))
            objects[sobject] = obj._replace(fields={**obj.fields, field_name: widened})
        return TargetSchema(objects.values(), described=self.described)


def read_describes(paths: Iterable[Path]) -> TargetSchema:
    """Describe JSON files (a file or a folder of ``*.json``) → a :class:`TargetSchema`."""
    describes: list[Mapping[str, Any]] = []
    for path in paths:
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        for file in files:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
            except OSError as exc:
                raise InputFileError(f"{file} cannot be read: {exc.strerror}.", path=str(file)) from None
            except json.JSONDecodeError as exc:
                raise InputFileError(f"{file} is not JSON: {exc.msg}.", path=str(file), line=exc.lineno) from None
            items = data.get("sobjects", data) if isinstance(data, dict) and "sobjects" in data else data
            for item in items if isinstance(items, list) else [items]:
                if not isinstance(item, dict) or "name" not in item or "fields" not in item:
                    raise InputFileError(f"{file} holds something that is not an sObject describe.",
                                         path=str(file), hint="Save the JSON of GET /sobjects/{Object}/describe.")
                describes.append(item)
    return TargetSchema.from_describes(describes)
