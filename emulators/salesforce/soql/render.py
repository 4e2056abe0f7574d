"""Rows → REST records, in the exact shape Salesforce's query resource returns.

::

    {"attributes": {"type": "Contact", "url": "/services/data/v62.0/sobjects/Contact/003…"},
     "Name": "Ada", "Account": {"attributes": {…}, "Name": "Acme"} | null,
     "Cases": {"totalSize": 2, "done": true, "records": [...]} | null}

Fields appear in SELECT order; a parent relationship appears where it is first mentioned; the
``attributes.type`` of a parent is its actual type (polymorphic ``What``/``Who``/``Owner``).
A query whose columns are all plain fields gets a fast path (no tree walk per row).
"""

from __future__ import annotations

from typing import Any, Callable

from emulators.salesforce.schema.provider import Row
from emulators.salesforce.soql.plan import (
    ChildColumn,
    Column,
    FieldColumn,
    Parents,
    ParentColumn,
    TypeOfColumn,
)

__all__ = ["ChildResults", "Renderer", "make_renderer"]

ChildResults = dict[str, dict[str, Any]]  # relationship name → parent Id → {totalSize, done, records}
Renderer = Callable[[Row, Parents, ChildResults], dict[str, Any]]


def make_renderer(columns: tuple[Column, ...], sobject: str, url_prefix: str) -> Renderer:
    type_url = f"{url_prefix}{sobject}/"
    if all(isinstance(c, FieldColumn) for c in columns):
        names = tuple(c.name for c in columns)  # type: ignore[union-attr]

        def flat(row: Row, parents: Parents, children: ChildResults) -> dict[str, Any]:
            record: dict[str, Any] = {"attributes": {"type": sobject, "url": type_url + row["Id"]}}
            get = row.get
            for name in names:
                record[name] = get(name)
            return record

        return flat

    def tree(row: Row, parents: Parents, children: ChildResults) -> dict[str, Any]:
        record: dict[str, Any] = {"attributes": {"type": sobject, "url": type_url + row["Id"]}}
        _fill(record, columns, row, sobject, parents, children, url_prefix)
        return record

    return tree


def _parent(
    ref_value: Any, parents: Parents, url_prefix: str
) -> tuple[str, Row, dict[str, Any]] | None:
    if ref_value is None:
        return None
    entry = parents.get(ref_value)
    if entry is None:
        return None
    sobject, row = entry
    return sobject, row, {"attributes": {"type": sobject, "url": f"{url_prefix}{sobject}/{ref_value}"}}


def _fill(
    out: dict[str, Any],
    columns: tuple[Column, ...],
    row: Row,
    sobject: str,
    parents: Parents,
    children: ChildResults,
    url_prefix: str,
) -> None:
    for col in columns:
        if isinstance(col, FieldColumn):
            if col.path.owner == "Name" and col.name == "Type":
                out[col.name] = sobject
            else:
                out[col.name] = row.get(col.name)
        elif isinstance(col, ParentColumn):
            found = _parent(row.get(col.ref), parents, url_prefix)
            if found is None:
                out[col.relationship] = None
            else:
                ptype, prow, sub = found
                _fill(sub, col.columns, prow, ptype, parents, children, url_prefix)
                out[col.relationship] = sub
        elif isinstance(col, TypeOfColumn):
            found = _parent(row.get(col.ref), parents, url_prefix)
            if found is None:
                out[col.relationship] = None
            else:
                ptype, prow, sub = found
                chosen = col.by_type.get(ptype.lower(), col.else_columns)
                _fill(sub, chosen, prow, ptype, parents, children, url_prefix)
                out[col.relationship] = sub
        elif isinstance(col, ChildColumn):
            out[col.relationship] = children.get(col.relationship, {}).get(row["Id"])
