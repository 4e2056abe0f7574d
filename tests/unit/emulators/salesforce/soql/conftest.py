"""Fixtures: a small org with hand-picked rows, and engines over it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from emulators.salesforce.soql import QueryEngine
from tests.unit.emulators.salesforce.soql.memory_org import IndexedMemoryRecords, MemoryRecords, MemorySchemas, sample_schemas

# Thursday 15 February 2024, 03:00 UTC = Wednesday 14 February 19:00 in Los Angeles.
NOW = datetime(2024, 2, 15, 3, 0, tzinfo=timezone.utc)


@dataclass
class SampleOrg:
    schemas: MemorySchemas
    records: MemoryRecords
    ids: dict[str, str]

    def engine(self, *, time_zone: str = "UTC", clock=lambda: NOW, **kw) -> QueryEngine:  # type: ignore[no-untyped-def]
        return QueryEngine(self.schemas, self.records, clock=clock, time_zone=time_zone, **kw)

    def rows(self, text: str, **kw) -> list[dict]:  # type: ignore[type-arg, no-untyped-def]
        return self.engine().open(text, **kw).records

    def names(self, text: str, key: str = "Name", **kw) -> list:  # type: ignore[type-arg, no-untyped-def]
        return [r[key] for r in self.rows(text, **kw)]


def build_org(records_class: type[MemoryRecords] = MemoryRecords) -> SampleOrg:
    schemas = sample_schemas()
    rec = records_class(schemas)
    ids: dict[str, str] = {}
    ids["u1"] = rec.add("User", Name="Ada Admin", FirstName="Ada", LastName="Admin", Username="ada@x.test", IsActive=True)
    ids["u2"] = rec.add(
        "User", Name="Bob Builder", FirstName="Bob", LastName="Builder", IsActive=False, ManagerId=ids["u1"]
    )
    ids["g1"] = rec.add("Group", Name="Queue One", Type="Queue")
    ids["a1"] = rec.add(
        "Account", Name="Acme", Industry="Technology", AnnualRevenue=1000000, NumberOfEmployees=50, OwnerId=ids["u1"],
        Tags__c="Gold;Silver", Founded__c="2001-05-01", CreatedDate="2024-01-10T09:00:00.000+0000", Rating="Hot",
        Active__c=True,
    )  # fmt: skip
    ids["a2"] = rec.add(
        "Account", Name="beta corp", Industry="Finance", AnnualRevenue=500000.5, NumberOfEmployees=10,
        OwnerId=ids["u2"], ParentId=ids["a1"], Tags__c="Silver", Founded__c="1999-12-31",
        CreatedDate="2024-01-15T23:30:00.000+0000", Active__c=False,
    )  # fmt: skip
    ids["a3"] = rec.add(
        "Account", Name="Gamma", NumberOfEmployees=200, OwnerId=ids["u1"], CreatedDate="2024-02-14T08:00:00.000+0000"
    )
    ids["a4"] = rec.add(
        "Account", Name="delta 100%", Industry="Technology", AnnualRevenue=250000, OwnerId=ids["u2"],
        Tags__c="Bronze;Gold", CreatedDate="2024-02-15T02:00:00.000+0000", Description="Long text",
    )  # fmt: skip
    ids["a5"] = rec.add("Account", Name="Zed_Deleted", Industry="Technology", IsDeleted=True)
    ids["c1"] = rec.add("Contact", FirstName="Ada", LastName="Lovelace", Name="Ada Lovelace", AccountId=ids["a1"],
                        OwnerId=ids["u1"], Birthdate="1815-12-10")  # fmt: skip
    ids["c2"] = rec.add("Contact", FirstName="Grace", LastName="Hopper", Name="Grace Hopper", AccountId=ids["a1"],
                        OwnerId=ids["u2"])  # fmt: skip
    ids["c3"] = rec.add("Contact", FirstName="Alan", LastName="Turing", Name="Alan Turing", AccountId=ids["a2"])
    ids["c4"] = rec.add("Contact", LastName="Loner", Name="Loner")
    ids["c5"] = rec.add("Contact", LastName="Deleted", Name="Deleted", AccountId=ids["a3"], IsDeleted=True)
    ids["o1"] = rec.add("Opportunity", Name="Big Deal", Amount=5000, CloseDate="2024-03-01", StageName="Prospecting",
                        AccountId=ids["a1"], IsWon=False)  # fmt: skip
    ids["o2"] = rec.add("Opportunity", Name="Small", Amount=100, CloseDate="2024-02-14", StageName="Closed Won",
                        AccountId=ids["a1"], IsWon=True)  # fmt: skip
    ids["o3"] = rec.add("Opportunity", Name="Other", CloseDate="2023-12-31", StageName="Closed Won",
                        AccountId=ids["a2"], IsWon=True)  # fmt: skip
    ids["t1"] = rec.add("Task", Subject="Call", WhatId=ids["a1"], OwnerId=ids["u1"])
    ids["t2"] = rec.add("Task", Subject="Email", WhatId=ids["o1"], OwnerId=ids["g1"])
    ids["t3"] = rec.add("Task", Subject="Orphan", OwnerId=ids["u2"])
    return SampleOrg(schemas, rec, ids)


@pytest.fixture
def org() -> SampleOrg:
    return build_org()


@pytest.fixture
def indexed_org() -> SampleOrg:
    return build_org(IndexedMemoryRecords)
