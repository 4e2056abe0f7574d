"""Aggregate queries: functions, GROUP BY, HAVING, ordering groups, AggregateResult rows."""

from __future__ import annotations

from emulators.salesforce.soql import QueryEngine
from tests.unit.emulators.salesforce.soql.memory_org import MemoryRecords, sample_schemas

AGG = {"type": "AggregateResult"}


def test_group_by_with_every_function(org) -> None:  # type: ignore[no-untyped-def]
    rows = org.rows(
        "SELECT Industry, COUNT(Id), SUM(AnnualRevenue) total, AVG(NumberOfEmployees), MIN(Name), MAX(CreatedDate) "
        "FROM Account GROUP BY Industry ORDER BY Industry NULLS LAST"
    )
    assert rows == [
        {"attributes": AGG, "Industry": "Finance", "expr0": 1, "total": 500000.5, "expr1": 10.0,
         "expr2": "beta corp", "expr3": "2024-01-15T23:30:00.000+0000"},
        {"attributes": AGG, "Industry": "Technology", "expr0": 2, "total": 1250000, "expr1": 50.0,
         "expr2": "Acme", "expr3": "2024-02-15T02:00:00.000+0000"},
        {"attributes": AGG, "Industry": None, "expr0": 1, "total": None, "expr1": 200.0,
         "expr2": "Gamma", "expr3": "2024-02-14T08:00:00.000+0000"},
    ]  # fmt: skip


def test_without_group_by_there_is_one_row(org) -> None:  # type: ignore[no-untyped-def]
    rows = org.rows(
        "SELECT COUNT(Id), COUNT(Industry), COUNT_DISTINCT(Industry), SUM(NumberOfEmployees), MAX(Founded__c), "
        "MIN(AnnualRevenue) FROM Account"
    )
    assert rows == [{"attributes": AGG, "expr0": 4, "expr1": 3, "expr2": 2, "expr3": 260, "expr4": "2001-05-01",
                     "expr5": 250000}]  # fmt: skip
    rows = org.rows("SELECT COUNT(Id), SUM(AnnualRevenue), MAX(Name) FROM Account WHERE Name = 'none'")
    assert rows == [{"attributes": AGG, "expr0": 0, "expr1": None, "expr2": None}]
    page = org.engine().open("SELECT Industry, COUNT(Id) FROM Account WHERE Name = 'none' GROUP BY Industry")
    assert (page.total_size, page.records, page.done) == (0, [], True)


def test_sfdmu_count_probe(org) -> None:  # type: ignore[no-untyped-def]
    assert org.rows("SELECT COUNT(Id) CNT FROM Account") == [{"attributes": AGG, "CNT": 4}]


def test_having_and_ordering_by_aggregates(org) -> None:  # type: ignore[no-untyped-def]
    assert org.rows("SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry HAVING COUNT(Id) > 1") == [
        {"attributes": AGG, "Industry": "Technology", "expr0": 2}
    ]
    assert org.rows("SELECT Industry FROM Account GROUP BY Industry HAVING Industry = 'finance'") == [
        {"attributes": AGG, "Industry": "Finance"}
    ]
    rows = org.rows("SELECT Industry, COUNT(Id) c FROM Account GROUP BY Industry ORDER BY COUNT(Id) DESC, Industry")
    assert [(r["Industry"], r["c"]) for r in rows] == [("Technology", 2), (None, 1), ("Finance", 1)]
    rows = org.rows(
        "SELECT Industry, MAX(NumberOfEmployees) m FROM Account GROUP BY Industry "
        "HAVING MAX(NumberOfEmployees) != null ORDER BY MAX(NumberOfEmployees) LIMIT 1 OFFSET 1"
    )
    assert rows == [{"attributes": AGG, "Industry": "Technology", "m": 50}]


def test_group_by_parent_path_reports_the_leaf_name(org) -> None:  # type: ignore[no-untyped-def]
    rows = org.rows(
        "SELECT Account.Name, COUNT(Id) FROM Contact WHERE AccountId != null GROUP BY Account.Name ORDER BY Account.Name"
    )
    assert rows == [{"attributes": AGG, "Name": "Acme", "expr0": 2}, {"attributes": AGG, "Name": "beta corp", "expr0": 1}]


def test_text_groups_are_case_insensitive_and_count_star_counts_groups() -> None:
    schemas = sample_schemas()
    records = MemoryRecords(schemas)
    for industry in ("Retail", "RETAIL", "retail", "Energy", None):
        records.add("Account", Name="x", Industry=industry)
    engine = QueryEngine(schemas, records)
    rows = engine.open("SELECT Industry, COUNT(Name) FROM Account GROUP BY Industry").records
    assert rows == [
        {"attributes": AGG, "Industry": "Retail", "expr0": 3},
        {"attributes": AGG, "Industry": "Energy", "expr0": 1},
        {"attributes": AGG, "Industry": None, "expr0": 1},
    ]
    assert engine.open("SELECT COUNT() FROM Account GROUP BY Industry").total_size == 3
    assert engine.open("SELECT COUNT_DISTINCT(Industry) FROM Account").records[0]["expr0"] == 2


def test_rollup_adds_subtotals_after_their_groups_and_a_grand_total(org) -> None:  # type: ignore[no-untyped-def]
    rows = org.rows("SELECT Industry, Rating, COUNT(Id) n FROM Account GROUP BY ROLLUP(Industry, Rating)")
    assert [(r["Industry"], r["Rating"], r["n"]) for r in rows] == [
        ("Technology", "Hot", 1),
        ("Technology", None, 1),  # delta 100% has no rating: a real group, not a subtotal
        ("Technology", None, 2),  # subtotal for Technology
        ("Finance", None, 1),
        ("Finance", None, 1),
        (None, None, 1),  # Gamma: no industry, no rating
        (None, None, 1),
        (None, None, 4),  # grand total
    ]


def test_cube_adds_every_combination(org) -> None:  # type: ignore[no-untyped-def]
    rows = org.rows("SELECT Industry, Active__c, COUNT(Id) n FROM Account WHERE Industry != null "
                    "GROUP BY CUBE(Industry, Active__c)")
    assert sorted((str(r["Industry"]), str(r["Active__c"]), r["n"]) for r in rows) == sorted([
        ("Technology", "True", 1), ("Technology", "None", 1), ("Finance", "False", 1),  # details
        ("Technology", "None", 2), ("Finance", "None", 1),  # per Industry
        ("None", "True", 1), ("None", "None", 1), ("None", "False", 1),  # per Active__c
        ("None", "None", 3),  # grand total
    ])  # fmt: skip
