"""Load our authored standard-object definitions (``standard/*.yaml``) into :class:`ObjectSchema` objects.

One file per object, in our own compact vocabulary (written from Salesforce's object reference)::

    name: Asset                        # API name
    label: Asset
    label_plural: Assets
    key_prefix: 02i
    object: {mergeable: false}         # ObjectSchema flags (createable, updateable, deletable, queryable,
                                       #   searchable, retrieveable, undeletable, mergeable, triggerable, feed_enabled)
    describe: {layoutable: true}       # any other object-level describe attribute, verbatim
    urls: [rowTemplate, describe, sobject, layouts]   # which describe URLs the object has
    child_relationships:               # what this object's real describe lists for children whose own
      - {child: Case, field: AssetId, name: Cases}    #   definition comes from a recorded describe
    fields:
      - system: id                     # a group from system_fields (id, is_deleted, owner, audit, activity, viewed)
      - {system: owner, to: [Group, User]}
      - {name: Name, type: string, length: 255, required: true, name_field: true}
      - {name: AccountId, type: reference, to: Account, rel: Account, child: Assets, cascade: true}

Field keys (anything else is an error that names the file and field):

============== ==============================================================================
type           describe type (string, textarea, picklist, reference, boolean, double, …)
label          default: derived from the name (``AccountId`` → ``Account ID``)
length, precision, scale, digits
required       true → not nillable (``nillable`` may be given directly too)
createable, updateable (default true), defaulted (defaultedOnCreate), default (defaultValue)
external_id, unique, case_sensitive, id_lookup, name_field, auto_number, calculated, html
filterable, sortable, groupable   default: derived from type and length
to, rel        referenceTo (a name or a list) and the field's relationshipName
child          the child relationship name the parent lists; cascade / restrict: delete semantics
values         picklist values (strings or {value, label, active, default}); restricted: restrictedPicklist
controller, compound, soap_type, describe (other field describe attributes, verbatim)
values_from    ``Object.Field``: take the picklist values of another catalog field (e.g. the 423 time zones)
to_from        ``Object.Field``: take the reference targets of another catalog field (Task.WhatId ← Event.WhatId)
============== ==============================================================================
"""

from __future__ import annotations

from importlib import resources
from typing import Any, Iterator, Mapping, NamedTuple

import yaml

from emulators.salesforce.catalog.describe_convert import ChildFact
from emulators.salesforce.catalog.errors import CatalogDataError
from emulators.salesforce.catalog.field_factory import new_field, picklist_values
from emulators.salesforce.catalog.system_fields import system_fields
from emulators.salesforce.catalog.urls import DEFAULT_URL_KINDS, url_templates
from emulators.salesforce.schema.model import FieldSchema, ObjectSchema

__all__ = ["AuthoredObject", "Borrowed", "load_authored_objects", "object_from_definition"]

_DATA_PACKAGE = "emulators.salesforce.catalog.standard"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_PLAIN_FIELD_KEYS = {
    "length": "length",
    "precision": "precision",
    "scale": "scale",
    "digits": "digits",
    "nillable": "nillable",
    "createable": "createable",
    "updateable": "updateable",
    "defaulted": "defaulted_on_create",
    "default": "default_value",
    "external_id": "external_id",
    "unique": "unique",
    "case_sensitive": "case_sensitive",
    "id_lookup": "id_lookup",
    "name_field": "name_field",
    "auto_number": "auto_number",
    "calculated": "calculated",
    "html": "html_formatted",
    "filterable": "filterable",
    "sortable": "sortable",
    "groupable": "groupable",
    "rel": "relationship_name",
    "child": "child_relationship_name",
    "cascade": "cascade_delete",
    "restrict": "restricted_delete",
    "restricted": "restricted_picklist",
    "controller": "controller_name",
    "compound": "compound_field_name",
    "soap_type": "soap_type",
}
_FIELD_KEYS = frozenset(_PLAIN_FIELD_KEYS) | {
    "name", "type", "label", "required", "to", "values", "describe", "values_from", "to_from"
}
_BORROWING_KEYS = ("values_from", "to_from")
_OBJECT_FLAGS = frozenset(
    {"createable", "updateable", "deletable", "queryable", "searchable", "retrieveable", "undeletable",
     "mergeable", "triggerable", "feed_enabled"}
)
_TOP_KEYS = frozenset(
    {"name", "label", "label_plural", "key_prefix", "object", "describe", "urls", "child_relationships", "fields"}
)


class Borrowed(NamedTuple):
    """A field attribute taken from another object's field once every object is loaded."""

    field: str  # the field of this object that borrows
    kind: str  # "values_from" (picklist values) or "to_from" (reference targets)
    source_object: str
    source_field: str


class AuthoredObject(NamedTuple):
    """A loaded definition: the schema, the child-relationship facts its file declares, what it borrows."""

    schema: ObjectSchema
    child_facts: Mapping[tuple[str, str], ChildFact]
    borrowed: tuple[Borrowed, ...] = ()


def _field(where: str, spec: Mapping[str, Any]) -> FieldSchema:
    unknown = set(spec) - _FIELD_KEYS
    if unknown:
        raise CatalogDataError(f"{where}: unknown field key(s) {sorted(unknown)}; allowed: {sorted(_FIELD_KEYS)}")
    if "name" not in spec or "type" not in spec:
        raise CatalogDataError(f"{where}: every field needs 'name' and 'type'")
    attrs: dict[str, Any] = {attr: spec[key] for key, attr in _PLAIN_FIELD_KEYS.items() if key in spec}
    if spec.get("required"):
        attrs["nillable"] = False
    if "to" in spec:
        to = spec["to"]
        attrs["reference_to"] = (to,) if isinstance(to, str) else tuple(to)
    if "values" in spec:
        default = spec.get("default") if isinstance(spec.get("default"), str) else None
        try:
            attrs["picklist_values"] = picklist_values(spec["values"], default=default)
        except (ValueError, KeyError, TypeError) as exc:
            raise CatalogDataError(f"{where}: bad picklist values: {exc}") from None
    if "describe" in spec:
        attrs["extra"] = dict(spec["describe"])
    return new_field(str(spec["name"]), str(spec["type"]), label=spec.get("label"), **attrs)


def _fields(where: str, label: str, entries: list[Any]) -> Iterator[FieldSchema]:
    for index, entry in enumerate(entries):
        if isinstance(entry, str):
            entry = {"system": entry}
        if not isinstance(entry, Mapping):
            raise CatalogDataError(f"{where}: fields[{index}] must be a mapping or a system group name")
        if "system" in entry:
            overrides = {k: v for k, v in entry.items() if k != "system"}
            try:
                yield from system_fields(str(entry["system"]), label, overrides)
            except KeyError as exc:
                raise CatalogDataError(f"{where}: fields[{index}]: {exc.args[0]}") from None
        else:
            yield _field(f"{where}: field {entry.get('name', index)!r}", entry)


def _borrowed(where: str, entries: list[Any]) -> Iterator[Borrowed]:
    for entry in entries:
        if not isinstance(entry, Mapping) or "system" in entry:
            continue
        for kind in _BORROWING_KEYS:
            if kind in entry:
                source = str(entry[kind])
                obj, dot, fld = source.partition(".")
                if not dot or not obj or not fld:
                    raise CatalogDataError(f"{where}: field {entry['name']!r}: {kind} must be 'Object.Field', got {source!r}")
                yield Borrowed(str(entry["name"]), kind, obj, fld)


def object_from_definition(where: str, data: Mapping[str, Any]) -> AuthoredObject:
    """One parsed YAML definition → :class:`AuthoredObject` (``where`` names the source in errors)."""
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise CatalogDataError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_TOP_KEYS)}")
    try:
        name, label, plural = str(data["name"]), str(data["label"]), str(data["label_plural"])
    except KeyError as exc:
        raise CatalogDataError(f"{where}: missing {exc.args[0]!r}") from None
    flags = dict(data.get("object") or {})
    if set(flags) - _OBJECT_FLAGS:
        raise CatalogDataError(f"{where}: unknown object flag(s) {sorted(set(flags) - _OBJECT_FLAGS)}")
    entries = list(data.get("fields") or ())
    fields = tuple(_fields(where, label, entries))
    borrowed = tuple(_borrowed(where, entries))
    names = [f.name.lower() for f in fields]
    if len(names) != len(set(names)):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise CatalogDataError(f"{where}: duplicate field(s) {dupes}")
    key_prefix = data.get("key_prefix")
    extra = dict(data.get("describe") or {})
    extra["urls"] = url_templates(name, key_prefix, data.get("urls") or DEFAULT_URL_KINDS)
    schema = ObjectSchema(
        name=name, label=label, label_plural=plural, key_prefix=key_prefix, fields=fields, extra=extra, **flags
    )
    facts = {
        (str(c["child"]), str(c["field"])): ChildFact(c.get("name"), bool(c.get("cascade")), bool(c.get("restrict")))
        for c in data.get("child_relationships") or ()
    }
    return AuthoredObject(schema, facts, borrowed)


def load_authored_objects() -> list[AuthoredObject]:
    """Every definition in the ``standard`` data folder, in file-name order."""
    folder = resources.files(_DATA_PACKAGE)
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        where = f"catalog/standard/{entry.name}"
        try:
            data = yaml.load(entry.read_text(encoding="utf-8"), Loader=_Loader)
        except yaml.YAMLError as exc:
            raise CatalogDataError(f"{where}: not valid YAML: {exc}") from None
        if not isinstance(data, Mapping):
            raise CatalogDataError(f"{where}: expected a mapping at the top level")
        out.append(object_from_definition(where, data))
    return out
