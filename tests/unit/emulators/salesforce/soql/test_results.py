"""Result shape and execution: parents, polymorphism, TYPEOF, child sub-queries, ordering, paging."""

from __future__ import annotations

import pytest

from emulators.salesforce.soql import QueryEngine
from tests.unit.emulators.salesforce.soql.conftest import build_org
from tests.unit.emulators.salesforce.soql.memory_org import IndexedMemoryRecords, MemoryRecords, sample_schemas

V = "/services/data/v62.0/sobjects"


def attrs(sobject: str, record_id: str) -> dict[str, str]:
    return {"type": sobject, "url": f"{V}/{sobject}/{record_id}"}


def test_parent_paths_nest_in_first_mention_order_with_describe_casing(org) -> None:  # type: ignore[no-untyped-def]
    ids = org.ids
    rows = org.rows(
        "SELECT lastname, account.owner.NAME, ID, Account.Name, Owner.Manager.Name FROM contact ORDER BY LastName"
    )
    assert rows == [
        {"attributes": attrs("Contact", ids["c2"]), "LastName": "Hopper",
         "Account": {"attributes": attrs("Account", ids["a1"]),
                     "Owner": {"attributes": attrs("User", ids["u1"]), "Name": "Ada Admin"}, "Name": "Acme"},
         "Id": ids["c2"],
         "Owner": {"attributes": attrs("User", ids["u2"]),
                   "Manager": {"attributes": attrs("User", ids["u1"]), "Name": "Ada Admin"}}},
        {"attributes": attrs("Contact", ids["c4"]), "LastName": "Loner", "Account": None, "Id": ids["c4"],
         "Owner": None},
        {"attributes": attrs("Contact", ids["c1"]), "LastName": "Lovelace",
         "Account": {"attributes": attrs("Account", ids["a1"]),
                     "Owner": {"attributes": attrs("User", ids["u1"]), "Name": "Ada Admin"}, "Name": "Acme"},
         "Id": ids["c1"],
         "Owner": {"attributes": attrs("User", ids["u1"]), "Manager": None}},
        {"attributes": attrs("Contact", ids["c3"]), "LastName": "Turing",
         "Account": {"attributes": attrs("Account", ids["a2"]),
                     "Owner": {"attributes": attrs("User", ids["u2"]), "Name": "Bob Builder"}, "Name": "beta corp"},
         "Id": ids["c3"], "Owner": None},
    ]  # fmt: skip
    assert list(rows[0]) == ["attributes", "LastName", "Account", "Id", "Owner"]


def test_api_version_goes_into_urls(org) -> None:  # type: ignore[no-untyped-def]
    page = org.engine().open("SELECT Id FROM Account LIMIT 1", api_version="v47.0")
    assert page.records[0]["attributes"]["url"] == f"/services/data/v47.0/sobjects/Account/{org.ids['a1']}"


def test_polymorphic_parents_report_their_actual_type(org) -> None:  # type: ignore[no-untyped-def]
    ids = org.ids
    rows = org.rows("SELECT Subject, What.Name, What.Type, Owner.Name FROM Task")
    assert rows == [
        {"attributes": attrs("Task", ids["t1"]), "Subject": "Call",
         "What": {"attributes": attrs("Account", ids["a1"]), "Name": "Acme", "Type": "Account"},
         "Owner": {"attributes": attrs("User", ids["u1"]), "Name": "Ada Admin"}},
        {"attributes": attrs("Task", ids["t2"]), "Subject": "Email",
         "What": {"attributes": attrs("Opportunity", ids["o1"]), "Name": "Big Deal", "Type": "Opportunity"},
         "Owner": {"attributes": attrs("Group", ids["g1"]), "Name": "Queue One"}},
        {"attributes": attrs("Task", ids["t3"]), "Subject": "Orphan", "What": None,
         "Owner": {"attributes": attrs("User", ids["u2"]), "Name": "Bob Builder"}},
    ]  # fmt: skip


def test_typeof_selects_fields_by_the_actual_type(org) -> None:  # type: ignore[no-untyped-def]
    ids = org.ids
    rows = org.rows(
        "SELECT Subject, TYPEOF What WHEN Account THEN Name, Industry WHEN Opportunity THEN Amount, StageName "
        "ELSE Name END, TYPEOF Owner WHEN User THEN Username ELSE Name END FROM Task"
    )
    assert rows == [
        {"attributes": attrs("Task", ids["t1"]), "Subject": "Call",
         "What": {"attributes": attrs("Account", ids["a1"]), "Name": "Acme", "Industry": "Technology"},
         "Owner": {"attributes": attrs("User", ids["u1"]), "Username": "ada@x.test"}},
        {"attributes": attrs("Task", ids["t2"]), "Subject": "Email",
         "What": {"attributes": attrs("Opportunity", ids["o1"]), "Amount": 5000, "StageName": "Prospecting"},
         "Owner": {"attributes": attrs("Group", ids["g1"]), "Name": "Queue One"}},
        {"attributes": attrs("Task", ids["t3"]), "Subject": "Orphan", "What": None,
         "Owner": {"attributes": attrs("User", ids["u2"]), "Username": None}},
    ]  # fmt: skip


@pytest.mark.parametrize("records_class", [MemoryRecords, IndexedMemoryRecords])
def test_child_subqueries(records_class) -> None:  # type: ignore[no-untyped-def]
    org = build_org(records_class)
    ids = org.ids
    rows = org.rows(
        "SELECT Name, (SELECT LastName, Owner.Name FROM Contacts WHERE LastName != 'Hopper' ORDER BY LastName DESC), "
        "(SELECT Name FROM Opportunities ORDER BY Amount DESC NULLS LAST LIMIT 1), (SELECT Subject FROM Tasks) "
        "FROM Account ORDER BY Name LIMIT 3"
    )
    assert rows == [
        {"attributes": attrs("Account", ids["a1"]), "Name": "Acme",
         "Contacts": {"totalSize": 1, "done": True, "records": [
             {"attributes": attrs("Contact", ids["c1"]), "LastName": "Lovelace",
              "Owner": {"attributes": attrs("User", ids["u1"]), "Name": "Ada Admin"}}]},
         "Opportunities": {"totalSize": 1, "done": True, "records": [
             {"attributes": attrs("Opportunity", ids["o1"]), "Name": "Big Deal"}]},
         "Tasks": {"totalSize": 1, "done": True, "records": [
             {"attributes": attrs("Task", ids["t1"]), "Subject": "Call"}]}},
        {"attributes": attrs("Account", ids["a2"]), "Name": "beta corp",
         "Contacts": {"totalSize": 1, "done": True, "records": [
             {"attributes": attrs("Contact", ids["c3"]), "LastName": "Turing", "Owner": None}]},
         "Opportunities": {"totalSize": 1, "done": True, "records": [
             {"attributes": attrs("Opportunity", ids["o3"]), "Name": "Other"}]},
         "Tasks": None},
        {"attributes": attrs("Account", ids["a4"]), "Name": "delta 100%", "Contacts": None, "Opportunities": None,
         "Tasks": None},
    ]  # fmt: skip
    if isinstance(org.records, IndexedMemoryRecords):
        assert org.records.scan_by_calls == 3  # one per sub-query for the whole page, never per parent


def test_query_all_includes_the_recycle_bin_in_sub_queries_too(org) -> None:  # type: ignore[no-untyped-def]
    rows = org.rows("SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Name IN ('Gamma', 'Zed_Deleted')",
                    include_deleted=True)
    assert [(r["Name"], r["Contacts"] and [c["LastName"] for c in r["Contacts"]["records"]]) for r in rows] == [
        ("Gamma", ["Deleted"]),
        ("Zed_Deleted", None),
    ]
    assert org.engine().open("SELECT Id FROM Account").total_size == 4
    assert org.engine().open("SELECT Id FROM Account", include_deleted=True).total_size == 5


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("Name", ["Acme", "beta corp", "delta 100%", "Gamma"]),
        ("Name DESC", ["Gamma", "delta 100%", "beta corp", "Acme"]),
        ("Industry", ["Gamma", "beta corp", "Acme", "delta 100%"]),
        ("Industry DESC", ["Acme", "delta 100%", "beta corp", "Gamma"]),
        ("Industry DESC NULLS FIRST", ["Gamma", "Acme", "delta 100%", "beta corp"]),
        ("Industry ASC NULLS LAST", ["beta corp", "Acme", "delta 100%", "Gamma"]),
        ("Industry DESC, Name DESC", ["delta 100%", "Acme", "beta corp", "Gamma"]),
        ("Owner.Name, Name", ["Acme", "Gamma", "beta corp", "delta 100%"]),
        ("Owner.Name DESC, CreatedDate DESC", ["delta 100%", "beta corp", "Gamma", "Acme"]),
        ("NumberOfEmployees", ["delta 100%", "beta corp", "Acme", "Gamma"]),
        ("AnnualRevenue DESC", ["Acme", "beta corp", "delta 100%", "Gamma"]),
        ("Founded__c NULLS LAST", ["beta corp", "Acme", "Gamma", "delta 100%"]),
        ("Active__c, Name", ["delta 100%", "Gamma", "beta corp", "Acme"]),
    ],
)
def test_order_by(org, order: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert org.names(f"SELECT Name FROM Account ORDER BY {order}") == expected


def test_limit_and_offset(org) -> None:  # type: ignore[no-untyped-def]
    page = org.engine().open("SELECT Name FROM Account ORDER BY Name LIMIT 2 OFFSET 1")
    assert (page.total_size, [r["Name"] for r in page.records]) == (2, ["beta corp", "delta 100%"])
    assert org.names("SELECT Name FROM Account LIMIT 2") == ["Acme", "beta corp"]
    assert org.names("SELECT Name FROM Account OFFSET 3") == ["delta 100%"]
    assert org.engine().open("SELECT Name FROM Account LIMIT 0").total_size == 0
    assert org.engine().open("SELECT COUNT() FROM Account LIMIT 3").total_size == 3


def test_count_star(org) -> None:  # type: ignore[no-untyped-def]
    page = org.engine().open("SELECT COUNT() FROM Contact WHERE Account.Industry = 'Technology'")
    assert (page.total_size, page.done, page.records, page.next_locator) == (2, True, [], None)
    assert org.engine().open("SELECT count() FROM Account", include_deleted=True).total_size == 5


def test_parents_are_fetched_in_batches_not_per_row() -> None:
    schemas = sample_schemas()
    records = MemoryRecords(schemas)
    users = [records.add("User", Name=f"U{k}", IsActive=k % 2 == 0) for k in range(30)]
    accounts = [records.add("Account", Name=f"A{k}", OwnerId=users[k % 30]) for k in range(300)]
    for k in range(2500):
        records.add("Contact", LastName=f"C{k}", AccountId=accounts[k % 300])
    engine = QueryEngine(schemas, records)
    page = engine.open("SELECT LastName, Account.Owner.Name FROM Contact WHERE Account.Owner.IsActive = true")
    # filter pass: 3 chunks of 1,000 rows x 2 depths; first page render: 2 depths
    assert records.fetch_calls == 3 * 2 + 2
    assert page.total_size == 1250 and page.done
    assert {r["Account"]["Owner"]["Name"] for r in page.records} == {f"U{k}" for k in range(0, 30, 2)}


def test_fields_macro_expands_in_describe_order_without_repeating_explicit_fields(org) -> None:  # type: ignore[no-untyped-def]
    (row,) = org.rows("SELECT Name, FIELDS(CUSTOM) FROM Account WHERE Name = 'Acme' LIMIT 200")
    assert list(row) == ["attributes", "Name", "Tags__c", "Founded__c", "Active__c"]
    (row,) = org.rows("SELECT FIELDS(STANDARD) FROM Contact WHERE LastName = 'Turing'")
    assert list(row)[1:] == ["Id", "IsDeleted", "FirstName", "LastName", "Name", "Email", "AccountId", "OwnerId",
                             "Birthdate", "CreatedDate"]  # fmt: skip
    (row,) = org.rows("SELECT Id, FIELDS(ALL) FROM Group LIMIT 1")
    assert list(row)[1:] == ["Id", "IsDeleted", "Name", "Type", "CreatedDate"]


def test_fields_all_and_custom_need_a_limit_of_at_most_200(org) -> None:  # type: ignore[no-untyped-def]
    from emulators.salesforce.soql import SoqlError

    for text in ("SELECT FIELDS(ALL) FROM Account", "SELECT FIELDS(CUSTOM) FROM Account LIMIT 201"):
        with pytest.raises(SoqlError) as info:
            org.rows(text)
        assert (info.value.error_code, info.value.message) == (
            "MALFORMED_QUERY",
            "The SOQL FIELDS function must have a LIMIT of at most 200",
        )
