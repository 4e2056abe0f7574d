"""``columns=true`` metadata in the shape the sf CLI's ``data query`` reads."""

from __future__ import annotations

import pytest

from emulators.salesforce.soql import SoqlError, column_metadata


def col(name: str, **overrides) -> dict:  # type: ignore[no-untyped-def, type-arg]
    base = {
        "aggregate": False, "apexType": None, "booleanType": False, "columnName": name, "custom": False,
        "displayName": name, "foreignKeyName": None, "insertable": False, "joinColumns": [], "numberType": False,
        "textType": False, "updatable": False,
    }  # fmt: skip
    base.update(overrides)
    return base


def test_fields_parents_and_children(org) -> None:  # type: ignore[no-untyped-def]
    meta = column_metadata(
        "SELECT Id, Name, AnnualRevenue, Active__c, Owner.Name, (SELECT LastName FROM Contacts) FROM Account",
        org.schemas,
    )
    assert meta == {
        "columnMetadata": [
            col("Id", apexType="Id"),
            col("Name", apexType="String", textType=True, insertable=True, updatable=True),
            col("AnnualRevenue", apexType="Decimal", numberType=True, insertable=True, updatable=True),
            col("Active__c", apexType="Boolean", booleanType=True, custom=True, insertable=True, updatable=True),
            col("Owner", joinColumns=[col("Name", apexType="String", textType=True)]),
            col("Contacts", aggregate=True,
                joinColumns=[col("LastName", apexType="String", textType=True, insertable=True, updatable=True)]),
        ],
        "entityName": "Account",
        "groupBy": False,
        "idSelected": True,
        "keyPrefix": "001",
    }  # fmt: skip


def test_aggregate_columns(org) -> None:  # type: ignore[no-untyped-def]
    meta = column_metadata("SELECT Industry, COUNT(Id), MAX(AnnualRevenue) top FROM Account GROUP BY Industry", org.schemas)
    assert meta == {
        "columnMetadata": [
            col("Industry", apexType="String", textType=True, insertable=True, updatable=True),
            col("expr0", aggregate=True, apexType="Integer", displayName="COUNT(Id)"),
            col("top", aggregate=True, apexType="Decimal", displayName="top"),
        ],
        "entityName": "AggregateResult",
        "groupBy": True,
        "idSelected": False,
        "keyPrefix": None,
    }


def test_metadata_checks_the_query_like_the_query_itself(org) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SoqlError) as info:
        column_metadata("SELECT Foo FROM Account", org.schemas)
    assert info.value.error_code == "INVALID_FIELD"
