"""An emulated org that already has the schema a migration map creates, for data-path tests.

Deploying the generated metadata through CumulusCI takes a while (tests/contract/metadata does it); the
data path only needs the org to *have* the objects, fields, picklist values and record types, with the
describe Salesforce would give. :func:`seed_for_map` writes an org seed (emulators/salesforce README,
"The seed") from the expanded map's ``targets``: custom objects (name field, sharing, master-detail
fields inline), then every other custom field (lookups after the objects they point to exist), record
types, and the users a generated tenant's ``salesforce_users.json`` lists (active and inactive).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from control.mapping.document import MigrationMap
from control.mapping.targets import FieldKind, FieldSpec, ObjectSpec

__all__ = ["seed_for_map", "write_seed"]


def _field(m: MigrationMap, name: str, spec: FieldSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"api_name": name, "type": str(spec.type), "label": spec.label}
    for key in ("length", "precision", "scale"):
        if getattr(spec, key) is not None:
            out[key] = getattr(spec, key)
    if spec.type in (FieldKind.TEXT,) and spec.length is None:
        out["length"] = 255
    if spec.required:
        out["required"] = True
    if spec.unique:
        out["unique"] = True
    if spec.external_id:
        out["external_id"] = True
    if spec.default_value is not None:
        out["default_value"] = (spec.default_value.lower() == "true") if spec.type is FieldKind.CHECKBOX \
            else spec.default_value
    if spec.type in (FieldKind.PICKLIST, FieldKind.MULTISELECT_PICKLIST):
        values = spec.values or (m.value_maps[spec.value_map].target_values() if spec.value_map else ())
        out["picklist_values"] = [str(v) for v in values]
        out["restricted"] = bool(spec.restricted)
    if spec.type in (FieldKind.LOOKUP, FieldKind.MASTER_DETAIL):
        out["reference_to"] = spec.reference_to
        if spec.relationship_name:
            out["relationship_name"] = spec.relationship_name
        if spec.type is FieldKind.LOOKUP and spec.delete_constraint:
            out["delete_constraint"] = str(spec.delete_constraint)
    return out


def _object_order(targets: dict[str, ObjectSpec]) -> list[str]:
    """New custom objects, masters before their details."""
    new = [n for n, s in targets.items() if n.endswith("__c") and s.defines_object]
    order: list[str] = []

    def visit(name: str, seen: set[str]) -> None:
        if name in order or name in seen:
            return
        seen.add(name)
        for spec in targets[name].fields.values():
            if spec.type is FieldKind.MASTER_DETAIL and spec.reference_to in new:
                visit(spec.reference_to, seen)
        order.append(name)

    for name in new:
        visit(name, set())
    return order


def seed_for_map(m: MigrationMap, users: list[dict[str, Any]], *, org_name: str = "Data Path Test Org",
                 audit_fields: bool = True, admin_email: str = "admin@datapath.example.com") -> dict[str, Any]:
    objects: list[dict[str, Any]] = []
    fields: list[dict[str, Any]] = []
    record_types: list[dict[str, Any]] = []
    for name in _object_order(dict(m.targets)):
        spec = m.targets[name]
        inline = [_field(m, f, s) for f, s in spec.fields.items() if s.type is FieldKind.MASTER_DETAIL]
        entry: dict[str, Any] = {"api_name": name, "label": spec.label or name, "plural_label": spec.plural_label
                                 or spec.label or name, "sharing_model": str(spec.sharing_model or "ReadWrite"),
                                 "fields": inline}
        if spec.name_field is not None:
            entry["name_field_label"] = spec.name_field.label
            entry["name_field_type"] = str(spec.name_field.type)
        objects.append(entry)
    for name, spec in m.targets.items():
        for field_name, field_spec in spec.fields.items():
            if name.endswith("__c") and spec.defines_object and field_spec.type is FieldKind.MASTER_DETAIL:
                continue
            fields.append({"object": name, **_field(m, field_name, field_spec)})
        for i, (rt_name, rt) in enumerate(spec.record_types.items()):
            record_types.append({"sobject": name, "developer_name": rt_name, "name": rt.label, "default": i == 0})
    seed_users = [{"email": u["email"], "first_name": u.get("first_name") or "Tech",
                   "last_name": u.get("last_name") or "User", "active": bool(u.get("active", True))}
                  for u in users]
    return {"organization": {"name": org_name, "edition": "Enterprise", "licenses": 50,
                             "set_audit_fields_on_create": audit_fields},
            "admin": {"email": admin_email, "first_name": "Ada", "last_name": "Admin", "password": "datapath-admin-1"},
            "users": seed_users, "record_types": record_types, "custom_objects": objects, "custom_fields": fields}


def write_seed(path: Path, m: MigrationMap, users_file: Path | None, **options: Any) -> Path:
    users = json.loads(users_file.read_text(encoding="utf-8"))["users"] if users_file else []
    seen: set[str] = set()
    unique = []
    for user in users:  # the org refuses an e-mail twice (the generator varies only its case)
        key = user["email"].lower()
        if key not in seen:
            seen.add(key)
            unique.append(user)
    path.write_text(yaml.safe_dump(seed_for_map(m, unique, **options), sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    return path
