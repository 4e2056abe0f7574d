"""Deleting a record: recycle bin, cascades, blocks and cleared lookups.

A delete is planned first and applied only when nothing blocks it, so a blocked delete changes
nothing. Walking the lookups that point at the record (the ``refs`` table):

* a child whose lookup is ``cascade_delete`` (master-detail, and Account → Contact/Opportunity/
  Asset in the standard catalog) is deleted too, and its own children are walked the same way;
* a lookup that is both (Account → Contract) cascades, except that an activated contract
  (``Status`` = ``Activated``) blocks;
* a child whose lookup is ``restricted_delete`` (Account → Case, Restrict lookups) blocks the
  whole delete with DELETE_FAILED: ``"Your attempt to delete Acme could not be completed because
  it is associated with the following cases.: 00001001"``;
* any other lookup is cleared (set to null), as Salesforce's default "clear the value" does.

Deleted records stay in the store with ``IsDeleted`` true (``queryAll`` sees them); touching
them again gives ENTITY_IS_DELETED.
"""

from __future__ import annotations

from typing import Any

from emulators.salesforce.dml.errors import RecordFailure, RecordMissing
from emulators.salesforce.org.schemas import OrgSchemas
from emulators.salesforce.state.records import RecordStore, StoredRecord

__all__ = ["delete_record"]


def _display_name(schemas: OrgSchemas, rec: StoredRecord) -> str:
    plan = schemas.plan(rec.sobject)
    name_field = plan.schema.name_field() if plan else None
    value = rec.data.get(name_field.name) if name_field else None
    return str(value) if value not in (None, "") else rec.id[:15]


def delete_record(
    store: RecordStore,
    schemas: OrgSchemas,
    record_id: str,
    *,
    now: str,
    expected_sobject: str | None = None,
) -> str:
    """Delete ``record_id`` (and what cascades from it); return its sObject name."""
    top = store.get(record_id)
    if top is None or (expected_sobject and top.sobject != expected_sobject):
        raise RecordMissing()
    if top.deleted:
        raise RecordFailure("ENTITY_IS_DELETED", "entity is deleted", [])
    plan = schemas.plan(top.sobject)
    if plan is not None and not plan.schema.deletable:
        raise RecordFailure("INVALID_TYPE", f"entity type {top.sobject} does not support delete", [])

    doomed: dict[str, StoredRecord] = {top.id: top}
    to_clear: dict[str, list[str]] = {}
    queue = [top]
    while queue:
        parent = queue.pop()
        links = store.children(parent.id)
        if not links:
            continue
        kids = store.get_many(child for child, _ in links)
        blockers: dict[str, list[StoredRecord]] = {}
        for child_id, field_name in links:
            child = kids.get(child_id)
            if child is None or child.deleted or child_id in doomed:
                continue
            child_plan = schemas.plan(child.sobject)
            f = child_plan.field(field_name) if child_plan else None
            if f is None:
                continue
            blocks = f.restricted_delete and not (f.cascade_delete and child.data.get("Status") != "Activated")
            if f.cascade_delete and not blocks:
                doomed[child_id] = child
                queue.append(child)
            elif blocks:
                blockers.setdefault(child.sobject, []).append(child)
            else:
                to_clear.setdefault(child_id, []).append(field_name)
        if blockers:
            sobject, records = next(iter(blockers.items()))
            child_plan = schemas.plan(sobject)
            plural = (child_plan.schema.label_plural if child_plan else sobject).lower()
            names = ", ".join(_display_name(schemas, r) for r in records)
            raise RecordFailure(
                "DELETE_FAILED",
                f"Your attempt to delete {_display_name(schemas, parent)} could not be completed because it is "
                f"associated with the following {plural}.: {names}",
                [],
            )

    for child_id, fields in to_clear.items():
        if child_id in doomed:
            continue
        child = store.get(child_id)
        if child is None:
            continue
        data: dict[str, Any] = dict(child.data)
        for name in fields:
            data.pop(name, None)
        data["SystemModstamp"] = now
        store.update(child.sobject, child_id, data)
    for rec in doomed.values():
        data = dict(rec.data)
        data["IsDeleted"] = True
        data["SystemModstamp"] = now
        store.mark_deleted(rec.id, data)
    return top.sobject
