"""What a batch of records refers to, read in one go: where referenced records went, sibling counts.

The transformer never asks the dataset database one record at a time. For each batch it first lists
every reference the batch's routes will follow (lookups, ``lands_in``, ``merge`` via, owner via) and
every ``siblings`` value, then reads them with a few ``IN (…)`` queries into a :class:`BatchRefs`;
the records are then transformed against that snapshot. Memory is bounded by the batch size.

A reference's *resource* comes from the source inventory (``reference`` of the field; ``*`` means the
record's ``parent_resource``), or from the route a lookup names.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from control.datasets.store import DatasetStore, Landed
from control.mapping.conditions import AllOf, AnyOf, LandsInTest, NotCondition, SiblingTest
from control.mapping.inventory import SourceInventory
from control.mapping.values import source_key
from control.staging import StagingStore
from control.transform.compile import staging_resource
from control.transform.paths import is_blank, read_path

__all__ = ["BatchRefs", "RefKey", "reference_resource", "condition_refs"]

RefKey = tuple[str, str]  # (resource, source id)


def reference_resource(inventory: SourceInventory | None, resource: str, field: str,
                       record: Mapping[str, Any]) -> str | None:
    """The resource the reference field ``field`` of ``record`` points into."""
    source = inventory.resolve(resource, field) if inventory else None
    target = source.reference if source is not None else None
    if target == "*" or (target is None and field == "parent_id"):
        parent = record.get("parent_resource")
        return parent if isinstance(parent, str) else None
    return target


def condition_refs(condition: Any, record: Mapping[str, Any], item: Any, resource: str,
                   inventory: SourceInventory | None, refs: set[RefKey], siblings: set[tuple[str, str, str]]) -> None:
    """Add the references and sibling values ``condition`` will read."""
    if isinstance(condition, (AllOf, AnyOf)):
        for sub in condition.all if isinstance(condition, AllOf) else condition.any:
            condition_refs(sub, record, item, resource, inventory, refs, siblings)
    elif isinstance(condition, NotCondition):
        condition_refs(condition.not_, record, item, resource, inventory, refs, siblings)
    elif isinstance(condition, LandsInTest):
        ref = read_path(record, condition.lands_in.field, item)
        target = reference_resource(inventory, resource, condition.lands_in.field, record)
        if target and not is_blank(ref):
            refs.add((target, source_key(ref)))
    elif isinstance(condition, SiblingTest):
        value = read_path(record, condition.siblings.by, item)
        if not is_blank(value):
            siblings.add((resource, condition.siblings.by, source_key(value)))


class BatchRefs:
    """The landed index, tombstones and sibling counts a batch needs."""

    def __init__(self, store: DatasetStore, staging: StagingStore, refs: Iterable[RefKey],
                 siblings: Iterable[tuple[str, str, str]]) -> None:
        by_resource: dict[str, set[str]] = {}
        for resource, sid in refs:
            by_resource.setdefault(resource, set()).add(sid)
        self.landed: dict[RefKey, Landed] = {}
        self.deleted: dict[RefKey, str] = {}
        for resource, ids in by_resource.items():
            found = store.landed(staging_resource(resource), ids)
            self.landed.update({(resource, sid): value for sid, value in found.items()})
            missing = [sid for sid in ids if sid not in found]
            if missing:
                gone = staging.tombstoned_ids(staging_resource(resource), missing)
                self.deleted.update({(resource, sid): at for sid, at in gone.items()})
        groups: dict[tuple[str, str], set[str]] = {}
        for resource, by, value in siblings:
            groups.setdefault((resource, by), set()).add(value)
        self.siblings: dict[tuple[str, str, str], int] = {}
        for (resource, by), values in groups.items():
            for value, n in store.siblings(resource, by, values).items():
                self.siblings[(resource, by, value)] = n

    def get(self, resource: str, source_id: str) -> Landed | None:
        return self.landed.get((resource, source_id))

    def why_missing(self, resource: str, source_id: str, wanted: str) -> str:
        """Why ``resource`` record ``source_id`` gives no row of route(s) ``wanted`` — for a person."""
        landed = self.landed.get((resource, source_id))
        if landed is None:
            deleted = self.deleted.get((resource, source_id))
            if deleted:
                return f"{resource} {source_id} was deleted in ServiceTracker ({deleted})"
            return f"{resource} {source_id} does not exist in the staged ServiceTracker data"
        if landed.status == "quarantined":
            return f"{resource} {source_id} is quarantined ({landed.note or 'see quarantine.jsonl'})"
        if landed.status == "skipped":
            return f"{resource} {source_id} was skipped ({landed.note or 'by the map'})"
        return f"{resource} {source_id} went to route {landed.route}, not {wanted}"
