"""``columns=true``: the column metadata of a query, in the shape the sf CLI reads.

::

    {"columnMetadata": [{"aggregate", "apexType", "booleanType", "columnName", "custom",
                         "displayName", "foreignKeyName", "insertable", "joinColumns",
                         "numberType", "textType", "updatable"}, …],
     "entityName": "Account", "groupBy": false, "idSelected": true, "keyPrefix": "001"}

A parent relationship is one column named after the relationship whose ``joinColumns`` hold its
fields; a child sub-query is an ``aggregate: true`` column with the child's columns as
``joinColumns``; an aggregate function is a column named by its alias or ``exprN`` whose
``displayName`` is the alias or the function as written.
"""

from __future__ import annotations

from typing import Any

from emulators.salesforce.schema.model import FieldSchema
from emulators.salesforce.schema.provider import SchemaProvider
from emulators.salesforce.soql.checker import compile_query
from emulators.salesforce.soql.plan import (
    AggregateColumn,
    ChildColumn,
    Column,
    CompiledQuery,
    FieldColumn,
    GroupColumn,
    ParentColumn,
    TypeOfColumn,
)

__all__ = ["column_metadata", "APEX_TYPES"]

APEX_TYPES = {
    "id": "Id",
    "reference": "Id",
    "string": "String",
    "textarea": "String",
    "email": "String",
    "phone": "String",
    "url": "String",
    "picklist": "String",
    "multipicklist": "String",
    "combobox": "String",
    "encryptedstring": "String",
    "boolean": "Boolean",
    "int": "Integer",
    "long": "Long",
    "double": "Double",
    "currency": "Decimal",
    "percent": "Decimal",
    "date": "Date",
    "datetime": "Datetime",
    "time": "Time",
    "base64": "Blob",
    "address": "Address",
    "location": "Location",
}
_NUMBER = frozenset({"int", "long", "double", "currency", "percent"})
_TEXT = frozenset(
    {"string", "textarea", "email", "phone", "url", "picklist", "multipicklist", "combobox", "encryptedstring"}
)


def _entry(
    name: str,
    *,
    display: str | None = None,
    field: FieldSchema | None = None,
    aggregate: bool = False,
    join: list[dict[str, Any]] | None = None,
    apex_type: str | None = None,
) -> dict[str, Any]:
    ftype = field.type if field is not None else None
    return {
        "aggregate": aggregate,
        "apexType": apex_type if apex_type is not None else (APEX_TYPES.get(ftype) if ftype else None),
        "booleanType": ftype == "boolean",
        "columnName": name,
        "custom": bool(field.custom) if field is not None else False,
        "displayName": display or name,
        "foreignKeyName": None,
        "insertable": bool(field.createable) if field is not None else False,
        "joinColumns": join or [],
        "numberType": ftype in _NUMBER,
        "textType": ftype in _TEXT,
        "updatable": bool(field.updateable) if field is not None else False,
    }


def _columns(columns: tuple[Column, ...]) -> list[dict[str, Any]]:
    out = []
    for col in columns:
        if isinstance(col, FieldColumn):
            out.append(_entry(col.name, field=col.path.field))
        elif isinstance(col, ParentColumn):
            out.append(_entry(col.relationship, join=_columns(col.columns)))
        elif isinstance(col, TypeOfColumn):
            seen: dict[str, Column] = {}
            for cols in (*col.by_type.values(), col.else_columns):
                for c in cols:
                    key = c.name if isinstance(c, FieldColumn) else c.relationship  # type: ignore[union-attr]
                    seen.setdefault(key, c)
            out.append(_entry(col.relationship, join=_columns(tuple(seen.values()))))
        elif isinstance(col, ChildColumn):
            out.append(_entry(col.relationship, aggregate=True, join=_columns(col.query.columns)))
    return out


def _aggregate_columns(compiled: CompiledQuery) -> list[dict[str, Any]]:
    assert compiled.aggregate is not None
    out = []
    for col in compiled.aggregate.output:
        if isinstance(col, GroupColumn):
            out.append(_entry(col.name, field=col.path.field))
        elif isinstance(col, AggregateColumn):
            display = col.name if not col.name.startswith("expr") else col.text
            apex = APEX_TYPES.get(col.path.type) if col.path is not None else "Integer"
            out.append(_entry(col.name, display=display, aggregate=True, apex_type=apex))
    return out


def column_metadata(text: str, schemas: SchemaProvider) -> dict[str, Any]:
    """The ``columns=true`` answer for ``text`` (checked like the query itself)."""
    compiled = compile_query(text, schemas)
    aggregate = compiled.aggregate is not None
    columns = _aggregate_columns(compiled) if aggregate else _columns(compiled.columns)
    return {
        "columnMetadata": columns,
        "entityName": "AggregateResult" if aggregate else compiled.sobject.name,
        "groupBy": bool(aggregate and compiled.aggregate and compiled.aggregate.groups),
        "idSelected": compiled.id_selected,
        "keyPrefix": None if aggregate else compiled.sobject.key_prefix,
    }
