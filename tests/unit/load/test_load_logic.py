"""Pure logic of control/load: value comparison, CumulusCI error parsing, retry rounds, accounting,
the writability check, the org-identity check."""

from __future__ import annotations

from pathlib import Path

import pytest

from control.datasets.layout import DatasetPaths
from control.errors import UsageError
from control.load.accounting import object_accounting, totals
from control.load.cci_runner import parse_error
from control.load.preconditions import Inputs, check_org, check_writable
from control.load.retries import retry_rounds
from control.load.values import normalise, same
from control.salesforce.org_data import same_org


@pytest.mark.parametrize("local, remote, kind", [
    ("2024-05-01T14:30:00.000Z", "2024-05-01T14:30:00.000+0000", "datetime"),
    ("2024-05-01T14:30:00.000Z", "2024-05-01T16:30:00.000+0200", "datetime"),
    ("12.50", 12.5, "currency"),
    ("3", 3, "int"),
    ("true", True, "boolean"),
    ("2024-05-01", "2024-05-01", "date"),
    ("001000000000001AAA", "001000000000001", "reference"),
    ("b;a", "a;b", "multipicklist"),
    (None, "Medium", "picklist"),      # blank asks for nothing (the org's default stays)
    ("", True, "boolean"),
])
def test_values_that_are_the_same(local, remote, kind) -> None:
    assert same(local, remote, kind)


@pytest.mark.parametrize("local, remote, kind", [
    ("2024-05-01T14:30:01.000Z", "2024-05-01T14:30:00.000+0000", "datetime"),
    ("12.51", 12.5, "currency"),
    ("false", True, "boolean"),
    ("Acme", "ACME", "string"),
    ("Acme", None, "string"),
    ("001000000000001AAA", "001000000000002AAA", "reference"),
])
def test_values_that_differ(local, remote, kind) -> None:
    assert not same(local, remote, kind)


def test_normalise_keeps_unparseable_values_as_text() -> None:
    assert normalise("not a date", "datetime") == "not a date"
    assert normalise("n/a", "double") == "n/a"


@pytest.mark.parametrize("text, expected", [
    ("STRING_TOO_LONG: Name: data value too large (Name)", ("STRING_TOO_LONG", "Name: data value too large", ("Name",))),
    ("UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record:--",
     ("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record:", ())),
    ("FIELD_CUSTOM_VALIDATION_EXCEPTION:Bad value:Amount__c --",
     ("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Bad value", ("Amount__c",))),
    ("", ("UNKNOWN_ERROR", "no error text", ())),
    ("something odd", ("UNKNOWN_ERROR", "something odd", ())),
])
def test_parse_error(text, expected) -> None:
    assert parse_error(text) == expected


def test_retry_rounds_go_serial_then_one_row_at_a_time() -> None:
    assert [(r.api, r.bulk_mode, r.batch_size) for r in retry_rounds("bulk")] == [
        ("bulk", None, None), ("bulk", "Serial", None), ("rest", None, 1)]
    assert [(r.api, r.batch_size) for r in retry_rounds("rest")] == [("rest", None), ("rest", 1)]


def test_accounting_balances_only_when_every_record_is_somewhere() -> None:
    dataset = {"clients": {"source": 10, "dataset": 8, "quarantined": 1, "skipped": 1},
               "notes": {"source": 5, "dataset": 5, "quarantined": 0, "skipped": 0}}
    objects = object_accounting(dataset, {"clients": 7, "notes": 3}, {"clients": 1})
    assert objects["clients"] == {"source": 10, "loaded": 7, "quarantined": 1, "skipped": 1, "failed": 1,
                                  "balanced": True}
    assert objects["notes"]["balanced"] is False        # two notes neither loaded nor failed (step not run)
    assert totals(objects) == {"source": 15, "loaded": 10, "quarantined": 1, "skipped": 1, "failed": 1,
                               "balanced": False}


def _inputs(insert: dict, upsert: dict) -> Inputs:
    plan = {"steps": [{"name": "client_account", "kind": "load"}]}
    return Inputs(DatasetPaths(Path("."), "x"), {}, plan, {"client_account": upsert}, {"client_account": insert}, "o")


def test_check_writable_names_every_field_the_user_cannot_write() -> None:
    insert = {"sf_object": "Account", "action": "insert", "fields": ["Name", "Secret__c"],
              "lookups": {"ParentId": {"table": "client_account"}}}
    upsert = {"sf_object": "Account", "action": "upsert", "update_key": "ServiceTracker_Id__c",
              "fields": ["Name", "ServiceTracker_Id__c", "Locked__c"]}
    describe = {"Account": {"Name": {"createable": True, "updateable": True},
                            "Secret__c": {"createable": False, "updateable": False},
                            "ServiceTracker_Id__c": {"createable": True, "updateable": False},
                            "Locked__c": {"createable": True, "updateable": False}}}
    with pytest.raises(UsageError) as exc:
        check_writable(_inputs(insert, upsert), describe)
    assert exc.value.context["fields"] == [
        "Account.Locked__c (step client_account) is not updateable by the running user",
        "Account.ParentId (step client_account) does not exist or is not visible",
        "Account.Secret__c (step client_account) is not createable by the running user"]
    assert "permission set" in exc.value.hint


def test_check_writable_passes_a_writable_mapping() -> None:
    insert = {"sf_object": "Account", "action": "insert", "fields": ["Name"]}
    describe = {"Account": {"Name": {"createable": True, "updateable": True}}}
    check_writable(_inputs(insert, {**insert, "action": "insert"}), describe)


@pytest.mark.parametrize("recorded, current, expected", [
    ("00D5e000000AbCdEAA", "00D5e000000AbCdEAA", True),
    ("00D5e000000AbCd", "00D5e000000AbCdEAA", True),       # the 15-character form of the same Id
    ("00D5e000000AbCdEAA", "00D5e000000AbCe0AA", False),   # another org (a refreshed sandbox, a re-created org)
    ("00D5e000000abcdEAA", "00D5e000000AbCdEAA", False),   # Ids are case-sensitive
    (None, "00D5e000000AbCdEAA", False),
    ("", "00D5e000000AbCdEAA", False),
])
def test_an_org_is_identified_by_its_organization_id(recorded, current, expected) -> None:
    assert same_org(recorded, current) is expected


_OLD, _NEW = "00D5e000000AbCdEAA", "00D5e000000AbCe0AA"


def _bound(manifest: dict, plan: dict) -> Inputs:
    return Inputs(DatasetPaths(Path("."), "demo"), manifest, plan, {}, {}, "uat")


def test_check_org_passes_a_dataset_and_plan_of_this_org() -> None:
    assert check_org(_bound({"org": "uat", "org_id": _OLD}, {"org": "uat", "org_id": _OLD}), _OLD) == []


def test_check_org_accepts_a_dataset_and_plan_recorded_without_an_id_with_one_warning_line_each() -> None:
    lines = check_org(_bound({"org": "uat"}, {"org": "uat"}), _OLD)
    assert [line.split(" records no Organization Id")[0] for line in lines] == \
        ["Dataset 'demo'", "The plan of dataset 'demo'"]
    assert all(f"for the org 'uat' ({_OLD}) by that name alone" in line for line in lines)
    # a dataset without an Id, planned since (the plan has the Id): only the dataset's line
    assert len(check_org(_bound({"org": "uat"}, {"org": "uat", "org_id": _OLD}), _OLD)) == 1


def test_check_org_refuses_a_rebuilt_dataset_whose_plan_is_of_the_old_org() -> None:
    with pytest.raises(UsageError, match=f"since the plan of dataset 'demo' was made \\(Organization Id {_OLD} → "):
        check_org(_bound({"org": "uat", "org_id": _NEW}, {"org": "uat", "org_id": _OLD}), _NEW)
    with pytest.raises(UsageError, match="since dataset 'demo' was built"):
        check_org(_bound({"org": "uat", "org_id": _OLD}, {"org": "uat", "org_id": _OLD}), _NEW)
