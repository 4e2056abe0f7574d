"""A small in-memory org for the SOQL engine's tests and benchmark.

:class:`MemorySchemas` and :class:`MemoryRecords` implement the two protocols of
``emulators/salesforce/schema/provider.py`` over plain dicts; :class:`IndexedMemoryRecords` adds the
optional ``scan_by`` hint. :func:`sample_schemas` builds hand-made ObjectSchemas (User, Group,
Account, Contact, Opportunity, Task) with the attributes the engine reads.
"""

from __future__ import annotations

from typing import Any, Collection, Iterable, Iterator

from emulators.salesforce.schema.model import ChildRelationship, FieldSchema, ObjectSchema, PicklistValue
from emulators.salesforce.soql.ids import BASE62, to_id18

__all__ = ["MemorySchemas", "MemoryRecords", "IndexedMemoryRecords", "sample_schemas", "make_id"]


def make_id(prefix: str, n: int) -> str:
    digits = ""
    while True:
        n, r = divmod(n, 62)
        digits = BASE62[r] + digits
        if n == 0:
            break
    return to_id18(prefix + "0" * (12 - len(digits)) + digits)


def f(name: str, type_: str, **kw: Any) -> FieldSchema:
    return FieldSchema(name=name, type=type_, label=name, **kw)


def ref(name: str, targets: tuple[str, ...], rel: str, **kw: Any) -> FieldSchema:
    return FieldSchema(name=name, type="reference", label=name, reference_to=targets, relationship_name=rel, **kw)


def _system(*extra: FieldSchema) -> tuple[FieldSchema, ...]:
    return (
        f("Id", "id", createable=False, updateable=False, nillable=False),
        f("IsDeleted", "boolean", createable=False, updateable=False),
        *extra,
        f("CreatedDate", "datetime", createable=False, updateable=False, groupable=False),
    )


def sample_schemas() -> "MemorySchemas":
    user = ObjectSchema(
        "User", "User", "Users", "005",
        _system(
            f("Name", "string", name_field=True, createable=False, updateable=False),
            f("FirstName", "string"),
            f("LastName", "string"),
            f("Username", "string"),
            f("Email", "email"),
            f("IsActive", "boolean"),
            ref("ManagerId", ("User",), "Manager"),
        ),
    )  # fmt: skip
    group = ObjectSchema("Group", "Group", "Groups", "00G", _system(f("Name", "string", name_field=True), f("Type", "picklist")))
    account = ObjectSchema(
        "Account", "Account", "Accounts", "001",
        _system(
            f("Name", "string", name_field=True, length=255),
            f("Industry", "picklist", picklist_values=(PicklistValue("Technology", "Technology"), PicklistValue("Finance", "Finance"))),
            f("AnnualRevenue", "currency"),
            f("NumberOfEmployees", "int"),
            f("Description", "textarea", filterable=False, sortable=False, groupable=False),
            ref("OwnerId", ("User",), "Owner"),
            ref("ParentId", ("Account",), "Parent"),
            f("Rating", "picklist"),
            f("Tags__c", "multipicklist", custom=True),
            f("Founded__c", "date", custom=True),
            f("Active__c", "boolean", custom=True),
        ),
        child_relationships=(
            ChildRelationship("Contact", "AccountId", "Contacts"),
            ChildRelationship("Opportunity", "AccountId", "Opportunities"),
            ChildRelationship("Account", "ParentId", "ChildAccounts"),
            ChildRelationship("Task", "WhatId", "Tasks"),
        ),
    )  # fmt: skip
    contact = ObjectSchema(
        "Contact", "Contact", "Contacts", "003",
        _system(
            f("FirstName", "string"),
            f("LastName", "string"),
            f("Name", "string", name_field=True, createable=False, updateable=False),
            f("Email", "email"),
            ref("AccountId", ("Account",), "Account"),
            ref("OwnerId", ("User",), "Owner"),
            f("Birthdate", "date"),
        ),
    )  # fmt: skip
    opportunity = ObjectSchema(
        "Opportunity", "Opportunity", "Opportunities", "006",
        _system(
            f("Name", "string", name_field=True),
            f("Amount", "currency"),
            f("CloseDate", "date"),
            f("StageName", "picklist"),
            ref("AccountId", ("Account",), "Account"),
            f("IsWon", "boolean"),
            f("Probability", "percent"),
        ),
    )  # fmt: skip
    task = ObjectSchema(
        "Task", "Task", "Tasks", "00T",
        _system(
            f("Subject", "combobox"),
            ref("WhatId", ("Account", "Opportunity"), "What"),
            ref("OwnerId", ("User", "Group"), "Owner"),
            f("ActivityDate", "date"),
        ),
    )  # fmt: skip
    return MemorySchemas([user, group, account, contact, opportunity, task])


class MemorySchemas:
    def __init__(self, schemas: Iterable[ObjectSchema]) -> None:
        self._by_name = {s.name.lower(): s for s in schemas}

    def get(self, sobject: str) -> ObjectSchema | None:
        return self._by_name.get(sobject.lower())

    def names(self) -> Iterable[str]:
        return [s.name for s in self._by_name.values()]


class MemoryRecords:
    """Rows per sObject in creation order; every row carries every field of its schema."""

    def __init__(self, schemas: MemorySchemas) -> None:
        self.schemas = schemas
        self._rows: dict[str, list[dict[str, Any]]] = {}
        self._by_id: dict[str, tuple[str, dict[str, Any], int]] = {}
        self._counters: dict[str, int] = {}
        self.fetch_calls = 0
        self.scan_calls = 0

    def add(self, sobject: str, **values: Any) -> str:
        schema = self.schemas.get(sobject)
        assert schema is not None
        n = self._counters.get(schema.name, 0) + 1
        self._counters[schema.name] = n
        row = {fs.name: None for fs in schema.fields}
        row["IsDeleted"] = False
        row["Id"] = make_id(schema.key_prefix or "a00", n)
        for key, value in values.items():
            assert schema.field(key) is not None, key
            row[schema.field(key).name] = value  # type: ignore[union-attr]
        rows = self._rows.setdefault(schema.name, [])
        self._by_id[row["Id"]] = (schema.name, row, len(rows))
        rows.append(row)
        return row["Id"]

    def scan(
        self, sobject: str, *, include_deleted: bool = False, ids: Collection[str] | None = None
    ) -> Iterator[dict[str, Any]]:
        self.scan_calls += 1
        schema = self.schemas.get(sobject)
        name = schema.name if schema else sobject
        if ids is not None:
            found = [self._by_id[i] for i in ids if i in self._by_id and self._by_id[i][0] == name]
            found.sort(key=lambda e: e[2])
            rows: Iterable[dict[str, Any]] = [e[1] for e in found]
        else:
            rows = self._rows.get(name, [])
        if include_deleted:
            yield from rows
        else:
            for row in rows:
                if not row["IsDeleted"]:
                    yield row

    def fetch(self, ids: Collection[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        self.fetch_calls += 1
        out = {}
        for i in ids:
            entry = self._by_id.get(i)
            if entry is not None and not entry[1]["IsDeleted"]:
                out[i] = (entry[0], entry[1])
        return out

    def count(self, sobject: str, *, include_deleted: bool = False) -> int:
        return sum(1 for _ in self.scan(sobject, include_deleted=include_deleted))


class IndexedMemoryRecords(MemoryRecords):
    """Also answers ``scan_by`` (the optional index hint)."""

    def __init__(self, schemas: MemorySchemas) -> None:
        super().__init__(schemas)
        self.scan_by_calls = 0

    def scan_by(
        self, sobject: str, field: str, values: Collection[str], *, include_deleted: bool = False
    ) -> Iterator[dict[str, Any]]:
        self.scan_by_calls += 1
        wanted = set(values)
        for row in self._rows.get(sobject, []):
            if row.get(field) in wanted and (include_deleted or not row["IsDeleted"]):
                yield row
