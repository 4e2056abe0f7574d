"""The org's schema as replayed from its recorded changes: Activity fields land on Task and Event; an object
with a record type besides Master describes ``RecordTypeId``; Contract has the fields the reference lists."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import orjson
import pytest

from emulators.salesforce.catalog import CustomFieldSpec, field_hosts
from emulators.salesforce.org.schema_source import build_schemas, spec_to_json
from emulators.salesforce.state.db import Database, open_database


@pytest.fixture()
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "org.db")
    yield database
    database.close()


def _change(db: Database, kind: str, sobject: str, spec: dict) -> None:
    db.conn.execute("INSERT INTO schema_changes (kind, object, spec, at) VALUES (?, ?, ?, ?)",
                    (kind, sobject, orjson.dumps(spec).decode(), "2024-01-01T00:00:00.000+0000"))


def test_field_hosts_of_activity_are_task_and_event_and_other_objects_are_their_own():
    assert field_hosts("Activity") == ("Task", "Event")
    assert field_hosts("activity") == ("Task", "Event")
    assert field_hosts("Account") == ("Account",)
    assert field_hosts("Task") == ("Task",)


def test_an_activity_custom_field_is_a_field_of_task_and_of_event(db: Database):
    spec = CustomFieldSpec(api_name="Visit_Code__c", type="Text", label="Visit Code", length=20, external_id=True,
                           unique=True)
    _change(db, "custom_field", "Activity", spec_to_json(spec))
    schemas = build_schemas(db, False)
    assert "Activity" not in schemas
    for host in ("Task", "Event"):
        f = schemas[host].field("Visit_Code__c")
        assert (f.type, f.length, f.label, f.external_id, f.unique, f.custom, f.nillable) == (
            "string", 20, "Visit Code", True, True, True, True)
    assert schemas["Account"].field("Visit_Code__c") is None


def test_record_type_id_appears_with_the_first_record_type_besides_master(db: Database):
    assert build_schemas(db, False)["Contract"].field("RecordTypeId") is None
    row = {"Id": "012000000000001AAA", "SobjectType": "Contract", "DeveloperName": "Service", "Name": "Service",
           "IsActive": True}
    db.conn.execute("INSERT INTO records (id, sobject, deleted, data) VALUES (?, 'RecordType', 0, ?)",
                    (row["Id"], orjson.dumps(row)))
    f = build_schemas(db, False)["Contract"].field("RecordTypeId")
    assert (f.type, f.reference_to, f.relationship_name, f.label) == ("reference", ("RecordType",), "RecordType",
                                                                      "Record Type ID")


def test_contract_has_name_and_price_book_as_the_field_reference_lists_them(db: Database):
    contract = build_schemas(db, False)["Contract"]
    name = contract.field("Name")
    assert (name.type, name.length, name.label, name.nillable, name.createable, name.updateable, name.name_field) == (
        "string", 80, "Contract Name", True, True, True, False)
    assert contract.field("ContractNumber").name_field is True
    book = contract.field("Pricebook2Id")
    assert (book.type, book.reference_to, book.relationship_name, book.label, book.nillable) == (
        "reference", ("Pricebook2",), "Pricebook2", "Price Book ID", True)
