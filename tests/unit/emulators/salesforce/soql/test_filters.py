"""WHERE semantics: typed comparisons, nulls, LIKE, multi-select picklists, Ids, paths, semi-joins."""

from __future__ import annotations

import pytest

ALL = ["Acme", "beta corp", "Gamma", "delta 100%"]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("Name = 'ACME'", ["Acme"]),
        ("Name != 'acme'", ["beta corp", "Gamma", "delta 100%"]),
        ("Name <> 'acme'", ["beta corp", "Gamma", "delta 100%"]),
        ("Name IN ('GAMMA', 'acme')", ["Acme", "Gamma"]),
        ("Name > 'C'", ["Gamma", "delta 100%"]),
        ("Name <= 'beta corp'", ["Acme", "beta corp"]),
        ("Industry = null", ["Gamma"]),
        ("Industry != null", ["Acme", "beta corp", "delta 100%"]),
        ("Industry != 'Finance'", ["Acme", "Gamma", "delta 100%"]),
        ("Industry NOT IN ('finance')", ["Acme", "Gamma", "delta 100%"]),
        ("Industry IN ('Finance', null)", ["beta corp", "Gamma"]),
        ("NOT Industry = 'Finance'", ["Acme", "Gamma", "delta 100%"]),
        ("Industry < 'G'", ["beta corp"]),
    ],
)
def test_text_comparisons_are_case_insensitive_with_salesforce_nulls(org, condition: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert org.names(f"SELECT Name FROM Account WHERE {condition}") == expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("NumberOfEmployees > 100", ["Gamma"]),  # typed: '200' > '100' but also 200 > 50 where text would fail
        ("NumberOfEmployees > 20", ["Acme", "Gamma"]),
        ("NumberOfEmployees <= 50", ["Acme", "beta corp"]),
        ("AnnualRevenue >= 500000.5", ["Acme", "beta corp"]),
        ("AnnualRevenue < 500000.5", ["delta 100%"]),
        ("AnnualRevenue = 250000", ["delta 100%"]),
        ("AnnualRevenue = 250000.0", ["delta 100%"]),
        ("NumberOfEmployees > -1", ["Acme", "beta corp", "Gamma"]),
        ("Founded__c < 2000-01-01", ["beta corp"]),
        ("Founded__c >= 2001-05-01", ["Acme"]),
        ("Founded__c = null", ["Gamma", "delta 100%"]),
        ("CreatedDate > 2024-01-15T23:00:00Z", ["beta corp", "Gamma", "delta 100%"]),
        ("CreatedDate < 2024-01-16T00:00:00+01:00", ["Acme"]),
        ("CreatedDate < 2024-01-15T17:00:00-0600", ["Acme"]),
        ("CreatedDate = 2024-01-10T09:00:00.000Z", ["Acme"]),
        ("Active__c = true", ["Acme"]),
        ("Active__c = FALSE", ["beta corp"]),
        ("Active__c != true", ["beta corp", "Gamma", "delta 100%"]),
    ],
)
def test_numbers_dates_datetimes_booleans_compare_as_typed_values(org, condition: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert org.names(f"SELECT Name FROM Account WHERE {condition}") == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("'a%'", ["Acme"]),
        ("'%CORP'", ["beta corp"]),
        ("'_amma'", ["Gamma"]),
        ("'%100\\%'", ["delta 100%"]),
        ("'%100%'", ["delta 100%"]),
        ("'%\\_%'", []),
        ("'%'", ALL),
        ("'acme'", ["Acme"]),
        ("'ac'", []),
    ],
)
def test_like(org, pattern: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert org.names(f"SELECT Name FROM Account WHERE Name LIKE {pattern}") == expected


def test_like_escape_underscore_matches_only_the_character(org) -> None:  # type: ignore[no-untyped-def]
    assert org.names("SELECT Name FROM Account WHERE Name LIKE '%\\_%'", include_deleted=True) == ["Zed_Deleted"]
    assert org.names("SELECT Name FROM Account WHERE NOT Name LIKE 'a%'") == ["beta corp", "Gamma", "delta 100%"]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("Tags__c INCLUDES ('Gold')", ["Acme", "delta 100%"]),
        ("Tags__c INCLUDES ('gold;SILVER')", ["Acme"]),
        ("Tags__c INCLUDES ('Bronze', 'Silver')", ["Acme", "beta corp", "delta 100%"]),
        ("Tags__c EXCLUDES ('Gold')", ["beta corp", "Gamma"]),
        ("Tags__c EXCLUDES ('Gold;Bronze')", ["Acme", "beta corp", "Gamma"]),
        ("Tags__c = 'Silver;Gold'", ["Acme"]),
        ("Tags__c = 'Silver'", ["beta corp"]),
        ("Tags__c = null", ["Gamma"]),
    ],
)
def test_multipicklists(org, condition: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert org.names(f"SELECT Name FROM Account WHERE {condition}") == expected


def test_ids_in_both_forms_and_scan_restricted_to_them(org) -> None:  # type: ignore[no-untyped-def]
    a2 = org.ids["a2"]
    assert org.names(f"SELECT Name FROM Account WHERE Id = '{a2[:15]}'") == ["beta corp"]
    assert org.names(f"SELECT Name FROM Account WHERE Id = '{a2[:15] + a2[15:].lower()}'") == ["beta corp"]
    assert org.names(f"SELECT Name FROM Account WHERE Id IN ('{org.ids['a3']}', '{org.ids['a1']}')") == ["Acme", "Gamma"]
    assert org.names(f"SELECT Name FROM Account WHERE Id = '{org.ids['a5']}'") == []
    assert org.names(f"SELECT Name FROM Account WHERE Id = '{org.ids['a5']}'", include_deleted=True) == ["Zed_Deleted"]
    assert org.names(f"SELECT Name FROM Account WHERE OwnerId = '{org.ids['u2']}' AND Id != '{a2}'") == ["delta 100%"]


def test_boolean_structure(org) -> None:  # type: ignore[no-untyped-def]
    q = "SELECT Name FROM Account WHERE (Industry = 'Technology' OR NumberOfEmployees > 100) AND NOT Name LIKE 'd%'"
    assert org.names(q) == ["Acme", "Gamma"]
    q = "SELECT Name FROM Account WHERE NOT (Industry = 'Technology' OR Industry = null)"
    assert org.names(q) == ["beta corp"]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("Account.Name = 'acme'", ["Ada Lovelace", "Grace Hopper"]),
        ("Account.Owner.IsActive = false", ["Alan Turing"]),
        ("Account.Name = null", ["Loner"]),
        ("Account.Parent.Name = 'Acme'", ["Alan Turing"]),
        ("Owner.Name LIKE 'bob%'", ["Grace Hopper"]),
    ],
)
def test_filters_through_parents(org, condition: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert org.names(f"SELECT Name FROM Contact WHERE {condition}") == expected


def test_polymorphic_filters_use_the_actual_type(org) -> None:  # type: ignore[no-untyped-def]
    assert org.names("SELECT Subject FROM Task WHERE What.Type = 'Opportunity'", key="Subject") == ["Email"]
    assert org.names("SELECT Subject FROM Task WHERE Owner.Type = 'Group'", key="Subject") == ["Email"]
    assert org.names("SELECT Subject FROM Task WHERE What.Name LIKE 'big%' OR What.Name = 'ACME'", key="Subject") == [
        "Call",
        "Email",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Contact)", ["Acme", "beta corp"]),
        ("SELECT Name FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact)", ["Gamma", "delta 100%"]),
        ("SELECT Name FROM Account WHERE Id IN (SELECT AccountId FROM Opportunity WHERE IsWon = true)", ["Acme", "beta corp"]),
        ("SELECT Name FROM Account WHERE Id IN (SELECT WhatId FROM Task) AND Name != null", ["Acme"]),
        ("SELECT Name FROM Contact WHERE AccountId IN (SELECT Id FROM Account WHERE Industry = 'Technology')",
         ["Ada Lovelace", "Grace Hopper"]),
        ("SELECT Name FROM Contact WHERE AccountId NOT IN (SELECT Id FROM Account WHERE Industry = 'Technology')",
         ["Alan Turing", "Loner"]),
    ],
)
def test_semi_and_anti_joins(org, text: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert org.names(text) == expected


def test_alias_and_object_name_prefixes(org) -> None:  # type: ignore[no-untyped-def]
    rows = org.rows("SELECT a.Name, a.Owner.Name FROM Account a WHERE a.Industry = 'Finance'")
    assert [(r["Name"], r["Owner"]["Name"]) for r in rows] == [("beta corp", "Bob Builder")]
    assert org.names("SELECT Account.Name FROM Account WHERE Account.Name = 'Gamma'") == ["Gamma"]
