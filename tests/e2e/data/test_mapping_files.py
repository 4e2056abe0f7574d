"""The generated mapping files are what CumulusCI expects: they parse with its own mapping parser, pass its
schema/permission/lookup validation against the org, and the SQL script recreates the database's tables."""

from __future__ import annotations

import sqlite3

import pytest
from cumulusci.tasks.bulkdata.mapping_parser import parse_from_yaml, validate_and_inject_mapping
from cumulusci.tasks.bulkdata.step import DataOperationType


@pytest.fixture(scope="module")
def sf(data_path):
    return data_path.org.simple_salesforce("63.0")


@pytest.mark.parametrize("which", ["mapping", "insert_mapping"])
def test_mapping_parses_with_cumulusci_and_validates_against_the_org(data_path, sf, which) -> None:
    manifest = data_path.manifest()
    mapping = parse_from_yaml(data_path.folder / manifest[which])
    assert list(mapping) == manifest["load_order"]
    result = validate_and_inject_mapping(mapping=mapping, sf=sf, namespace=None,
                                         data_operation=DataOperationType.INSERT, inject_namespaces=False,
                                         drop_missing=False, validate_only=True)
    assert result is not None and result.errors == [], result.errors
    steps = {s["name"]: s for s in manifest["steps"]}
    for name, step in mapping.items():
        spec = steps[name]
        assert step.sf_object == spec["sobject"] and step.table == name
        if which == "mapping":
            assert step.action.value.lower() == spec["action"]
            if spec["action"] == "upsert":
                assert step.update_key == ("ServiceTracker_Id__c",)
                assert not set(spec["audit_fields"]) & set(step.fields)
        else:
            assert step.action.value.lower() == "insert"
            assert set(spec["audit_fields"]) <= set(step.fields)
    # create-only parents make a step insert, and say why
    assert steps["site"]["action"] == "insert" and steps["site"]["upsert_blockers"] == ["Account__c"]
    assert steps["client_account"]["action"] == "upsert"


def test_polymorphic_and_deferred_lookups_are_written_as_cumulusci_reads_them(data_path) -> None:
    mapping = parse_from_yaml(data_path.folder / data_path.manifest()["mapping"])
    assert mapping["work_order_task"].lookups["WhatId"].table == ["work_order_case", "work_order_custom"]
    assert mapping["client_account"].lookups["ParentId"].after == "client_account"
    assert mapping["project_custom"].lookups["Primary_Work_Order__c"].after == "work_order_custom"
    assert mapping["work_order_case"].lookups["AccountId"].after is None
    assert "RecordTypeId" in mapping["work_order_case"].fields
    assert "OwnerId" in mapping["work_order_case"].fields  # a User Id, not a lookup
    assert "ContentVersion" not in {s.sf_object for s in mapping.values()}  # files are uploaded by the loader


def test_sql_script_recreates_the_load_tables(data_path) -> None:
    manifest = data_path.manifest()
    assert manifest["sql"] is not None
    conn = sqlite3.connect(":memory:")
    conn.executescript((data_path.folder / manifest["sql"]).read_text(encoding="utf-8"))
    for spec in manifest["steps"]:
        if spec["kind"] == "load":
            assert conn.execute(f'SELECT count(*) FROM "{spec["name"]}"').fetchone()[0] == spec["rows"]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "st2sf_landed" not in tables and "Case_rt_mapping" in tables
