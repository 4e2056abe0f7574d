"""Load steps: what each dataset table is, as CumulusCI and the loader need to know it.

A :class:`StepSpec` is one table of the dataset and one step of the load: its sObject, its columns
(target fields), its lookups (per field, the tables whose rows the column may name — several for a
polymorphic field such as ``WhatId``), its external Id (``action: upsert`` on it) and whether it has
record types. ``kind`` is ``load`` for steps CumulusCI loads, ``file`` for ContentVersion and
ContentDocumentLink rows the loader uploads itself (files.jsonl).

Specs are serialised into ``dataset.json`` so the plan and the loader read them without the map;
:func:`control.transform.specs.step_specs` makes them from the compiled map.
"""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple

__all__ = ["StepSpec", "LookupSpec", "StepKind", "FILE_OBJECTS"]

FILE_OBJECTS = frozenset({"ContentVersion", "ContentDocumentLink"})  # uploaded by the loader, not CumulusCI


class StepKind:
    LOAD = "load"
    FILE = "file"


class LookupSpec(NamedTuple):
    field: str
    tables: tuple[str, ...]
    nillable: bool          # the field may be blank (so it can be set by a deferred update)
    updateable: bool

    def as_json(self) -> dict[str, Any]:
        return self._asdict() | {"tables": list(self.tables)}


class StepSpec(NamedTuple):
    name: str
    sobject: str
    resource: str | None                 # the source resource (None for fixed records)
    routes: tuple[str, ...]              # routes writing this table (the route itself, merges into it)
    columns: tuple[str, ...]
    lookups: tuple[LookupSpec, ...]
    external_id: str | None
    record_types: tuple[str, ...]
    audit_fields: tuple[str, ...]
    kind: str
    create_only: tuple[str, ...] = ()    # columns Salesforce sets on create but never updates

    @property
    def upsert_blockers(self) -> tuple[str, ...]:
        """Create-only columns that are not audit fields (master-detail parents, Task.TaskSubtype…): CumulusCI
        refuses them in an upsert step, and leaving them out would lose data (or a required parent)."""
        return tuple(c for c in self.create_only if c not in self.audit_fields)

    @property
    def action(self) -> str:
        """``upsert`` on the external Id when every column but the audit fields can be updated, else
        ``insert`` (a re-inserted row then fails on the unique external Id instead of duplicating)."""
        return "upsert" if self.external_id and not self.upsert_blockers else "insert"

    def as_json(self) -> dict[str, Any]:
        out = self._asdict()
        for key in ("routes", "columns", "record_types", "audit_fields", "create_only"):
            out[key] = list(out[key])
        out["lookups"] = [lk.as_json() for lk in self.lookups]
        out["action"] = self.action
        out["upsert_blockers"] = list(self.upsert_blockers)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "StepSpec":
        lookups = tuple(LookupSpec(lk["field"], tuple(lk["tables"]), bool(lk["nillable"]), bool(lk["updateable"]))
                        for lk in data.get("lookups", ()))
        return cls(data["name"], data["sobject"], data.get("resource"), tuple(data.get("routes", ())),
                   tuple(data["columns"]), lookups, data.get("external_id"), tuple(data.get("record_types", ())),
                   tuple(data.get("audit_fields", ())), data.get("kind", StepKind.LOAD),
                   tuple(data.get("create_only", ())))
