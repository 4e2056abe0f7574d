"""Where an org's schema comes from: the standard catalog plus the org's own recorded changes.

``schema_changes`` rows are replayed in order on top of
:func:`emulators.salesforce.catalog.standard_schemas`:

=================  ======================================================================
kind               spec (JSON)
=================  ======================================================================
``custom_object``  ``custom_object()``'s arguments, with ``fields`` as CustomFieldSpec dicts
``custom_field``   one CustomFieldSpec as a dict, added to (or replacing) a field of ``object``
                   (``Activity``: of both Task and Event, see :mod:`~emulators.salesforce.catalog.activities`)
``picklist``       ``{"field", "values": [{value, label, active, default}]}``: new values of an
                   existing picklist field, standard or custom (a StandardValueSet deploy)
=================  ======================================================================

then objects that have RecordType rows get a ``RecordTypeId`` field (Salesforce describes it only
then), child relationships are re-linked and, when the org setting "Set Audit Fields upon Record
Creation" is on, the audit fields of the objects that support it become createable.

:func:`add_custom_object` and :func:`add_custom_field` build the new schema first (so a bad spec is a
:class:`~emulators.salesforce.catalog.CatalogError` and nothing is recorded), then record the change
and reload the org's schemas in the caller's transaction. Seeds use them; Metadata deploy will too.
"""

from __future__ import annotations

import dataclasses
import zlib
from typing import Any, Mapping

import orjson

from emulators.salesforce.catalog import (
    CustomFieldSpec,
    CustomSpecError,
    custom_field,
    custom_object,
    field_hosts,
    link_child_relationships,
    standard_schemas,
    supports_audit_fields,
    with_audit_fields_writable,
)
from emulators.salesforce.catalog.field_factory import new_field
from emulators.salesforce.schema.model import FieldSchema, ObjectSchema, PicklistValue
from emulators.salesforce.state.db import Database

__all__ = [
    "build_schemas", "add_custom_object", "add_custom_field", "set_picklist_values", "spec_to_json", "spec_from_json",
]


def spec_to_json(spec: CustomFieldSpec) -> dict[str, Any]:
    data = dataclasses.asdict(spec)
    data["picklist_values"] = [
        dataclasses.asdict(v) if isinstance(v, PicklistValue) else v for v in spec.picklist_values
    ]
    return data


def spec_from_json(data: Mapping[str, Any]) -> CustomFieldSpec:
    values = tuple(PicklistValue(**v) if isinstance(v, dict) else v for v in data.get("picklist_values") or ())
    known = {f.name for f in dataclasses.fields(CustomFieldSpec)}
    unknown = set(data) - known
    if unknown:
        raise CustomSpecError(f"custom field {data.get('api_name')}: unknown attributes {sorted(unknown)}")
    return CustomFieldSpec(**{**dict(data), "picklist_values": values})


def _object_from_json(data: Mapping[str, Any]) -> ObjectSchema:
    args = dict(data)
    fields = tuple(spec_from_json(f) for f in args.pop("fields", ()))
    return custom_object(fields=fields, **args)


def _apply(schemas: dict[str, ObjectSchema], kind: str, sobject: str, spec: Mapping[str, Any]) -> None:
    if kind == "custom_object":
        built = _object_from_json(spec)
        if built.name in schemas:
            raise CustomSpecError(f"custom object {built.name} already exists")
        schemas[built.name] = built
        return
    if kind == "custom_field":
        built = custom_field(spec_from_json(spec))
        for host in field_hosts(sobject):  # an Activity field lands on Task and Event
            target = next((s for s in schemas.values() if s.name.lower() == host.lower()), None)
            if target is None:
                raise CustomSpecError(f"custom field {spec.get('api_name')}: object {sobject} does not exist")
            schemas[target.name] = target.with_field(built)
        return
    if kind == "picklist":
        target = next((s for s in schemas.values() if s.name.lower() == sobject.lower()), None)
        current = target.field(str(spec.get("field"))) if target is not None else None
        if target is None or current is None or current.type not in ("picklist", "multipicklist"):
            raise CustomSpecError(f"picklist values: {sobject}.{spec.get('field')} is not a picklist field of this org")
        values = tuple(PicklistValue(**v) for v in spec.get("values") or ())
        if not values:
            raise CustomSpecError(f"picklist values: {sobject}.{current.name} needs at least one value")
        default = next((v.value for v in values if v.default), None)
        changed = dataclasses.replace(current, picklist_values=values, default_value=default if default else None)
        schemas[target.name] = target.with_field(changed)
        return
    raise CustomSpecError(f"unknown schema change kind {kind!r}")


def _finish(schemas: dict[str, ObjectSchema], audit_writable: bool) -> dict[str, ObjectSchema]:
    linked = link_child_relationships(schemas)
    if audit_writable:
        linked = {n: with_audit_fields_writable(s) if supports_audit_fields(s) else s for n, s in linked.items()}
    return linked


def _add_record_type_fields(db: Database, schemas: dict[str, ObjectSchema]) -> None:
    """Objects with record types get ``RecordTypeId``, which Salesforce only describes when they exist."""
    with_types = set()
    for (data,) in db.conn.execute("SELECT data FROM records WHERE sobject = 'RecordType'"):
        with_types.add(str(orjson.loads(data).get("SobjectType", "")).lower())
    for name, schema in list(schemas.items()):
        if name.lower() in with_types and schema.field("RecordTypeId") is None:
            schemas[name] = schema.with_field(
                new_field(
                    "RecordTypeId",
                    "reference",
                    label="Record Type ID",
                    reference_to=("RecordType",),
                    relationship_name="RecordType",
                )
            )


def build_schemas(db: Database, audit_writable: bool) -> dict[str, ObjectSchema]:
    """The org's schemas (see the module docstring)."""
    schemas = dict(standard_schemas())
    for kind, sobject, spec in db.conn.execute("SELECT kind, object, spec FROM schema_changes ORDER BY seq"):
        _apply(schemas, kind, sobject, orjson.loads(spec))
    _add_record_type_fields(db, schemas)
    return _finish(schemas, audit_writable)


def _record(db: Database, kind: str, sobject: str, spec: Mapping[str, Any], at: str) -> None:
    db.conn.execute(
        "INSERT INTO schema_changes (kind, object, spec, at) VALUES (?, ?, ?, ?)",
        (kind, sobject, orjson.dumps(spec).decode(), at),
    )


def _check_whole(db: Database, kind: str, sobject: str, spec: Mapping[str, Any]) -> None:
    """Replay every change plus this one, so a spec that breaks linking is refused before recording."""
    schemas = dict(standard_schemas())
    for k, o, s in db.conn.execute("SELECT kind, object, spec FROM schema_changes ORDER BY seq"):
        _apply(schemas, k, o, orjson.loads(s))
    _apply(schemas, kind, sobject, spec)
    _finish(schemas, False)


def next_custom_prefix(db: Database) -> str:
    """The next free custom-object key prefix of the org: ``aXY``, counting up in base 62.

    Each org starts at its own place (derived from its org Id), so the same custom object gets
    different key prefixes in different orgs — as in Salesforce, where code that hard-codes a
    prefix breaks between a sandbox and production.
    """
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    identity = db.get_meta("identity") or {}
    start = zlib.crc32(str(identity.get("org_id", "")).encode()) % 1000 if identity else 0
    number = int(db.get_meta("custom_prefix_next", start))
    db.set_meta("custom_prefix_next", number + 1)
    return "a" + alphabet[number // 62 % 62] + alphabet[number % 62]


def add_custom_object(org: Any, api_name: str, label: str, plural_label: str, **options: Any) -> ObjectSchema:
    """Add a custom object to ``org`` (an :class:`~emulators.salesforce.org.runtime.Org`)."""
    fields = [spec_to_json(f) if isinstance(f, CustomFieldSpec) else dict(f) for f in options.pop("fields", ())]
    with org.db.transaction():
        options.setdefault("key_prefix", next_custom_prefix(org.db))
        spec = {"api_name": api_name, "label": label, "plural_label": plural_label, **options, "fields": fields}
        _check_whole(org.db, "custom_object", api_name, spec)
        _record(org.db, "custom_object", api_name, spec, org.now_wire())
        org.reload_schemas()
    schema = org.schemas.get(api_name)
    assert schema is not None
    return schema


def add_custom_field(org: Any, sobject: str, spec: CustomFieldSpec | Mapping[str, Any]) -> FieldSchema:
    """Add (or redefine) a custom field of ``sobject`` in ``org``; existing rows are re-indexed."""
    data = spec_to_json(spec) if isinstance(spec, CustomFieldSpec) else dict(spec)
    with org.db.transaction():
        _check_whole(org.db, "custom_field", sobject, data)
        _record(org.db, "custom_field", sobject, data, org.now_wire())
        hosts = field_hosts(sobject)
        org.reload_schemas(touched=hosts[0])
        for host in hosts[1:]:
            org.store.reindex(host)
    plan = org.schemas.plan(hosts[0])
    assert plan is not None
    f = plan.field(str(data["api_name"]))
    assert f is not None
    return f


def set_picklist_values(org: Any, sobject: str, field: str, values: list[dict[str, Any]]) -> None:
    """Replace the values of a picklist field (standard or custom) of ``org``."""
    spec = {"field": field, "values": values}
    with org.db.transaction():
        _check_whole(org.db, "picklist", sobject, spec)
        _record(org.db, "picklist", sobject, spec, org.now_wire())
        org.reload_schemas()
