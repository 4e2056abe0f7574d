"""The source inventory protocol and its adapters (contract JSON Schema, GET /schema, st2sf inventory)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from control.errors import InputFileError
from control.mapping.inventory import FieldOrigin, SourceInventory, SourceType
from control.mapping.inventory_adapters import inventory_from_schema_endpoint, read_inventory
from tests.unit.mapping.conftest import ROOT


def test_contract_schema_gives_core_fields_with_rules(contract_inventory: SourceInventory) -> None:
    assert sorted(contract_inventory.resources) == sorted([
        "activities", "assets", "attachments", "client_contacts", "clients", "contracts", "custom_tables",
        "invoices", "locations", "mobile_devices", "notes", "parts", "parts_used", "projects", "technicians",
        "work_order_tasks", "work_orders", "workflows"])
    status = contract_inventory.resolve("work_orders", "status")
    assert status.type is SourceType.ENUM and status.required
    assert status.values == ("new", "scheduled", "dispatched", "in_progress", "on_hold", "completed", "cancelled",
                             "closed")
    assert contract_inventory.resolve("work_orders", "summary").max_length == 255
    assert contract_inventory.resolve("notes", "parent_id").reference == "*"
    assert contract_inventory.resolve("clients", "billing_address.postal_code").type is SourceType.STRING
    assert contract_inventory.resolve("invoices", "$item.received_on", each="payments").type is SourceType.DATE
    assert contract_inventory.resolve("technicians", "$item", each="skills").type is SourceType.STRING
    assert contract_inventory.resolve("clients", "nope") is None
    assert contract_inventory.resolve("clients", "custom_fields.Anything") is None


def test_schema_endpoint_reply() -> None:
    payload = {"data": [{"resource": "clients", "label": "Client", "description": "", "fields": [
        {"name": "name", "type": "string", "required": True, "max_length": 255, "enum": None, "reference": None,
         "description": ""},
        {"name": "billing_address", "type": "address", "required": False, "max_length": None, "enum": None,
         "reference": None, "description": ""}]},
        {"resource": "invoices", "label": "Invoice", "description": "", "fields": [
            {"name": "payments", "type": "array", "required": False, "max_length": None, "enum": None,
             "reference": None, "description": ""}]}]}
    inventory = inventory_from_schema_endpoint(payload)
    assert inventory.resolve("clients", "name").max_length == 255
    assert inventory.resolve("clients", "billing_address.city").type is SourceType.STRING
    assert inventory.resolve("clients", "id").type is SourceType.ID  # common keys
    assert inventory.resolve("invoices", "$item.method", each="payments").values == ("card", "ach", "check", "cash",
                                                                                    "other")


def test_round_trip_and_merge(contract_inventory: SourceInventory, tmp_path: Path) -> None:
    custom = SourceInventory.from_json({"resources": [{"name": "work_orders", "fields": [
        {"name": "custom_fields.Gate Code", "type": "string", "origin": "custom", "max_length": 12}]}]})
    merged = contract_inventory.merged(custom)
    field = merged.resolve("work_orders", "custom_fields.Gate Code")
    assert field.origin is FieldOrigin.CUSTOM and field.max_length == 12
    assert merged.resolve("work_orders", "status") is not None
    path = tmp_path / "inv.json"
    path.write_text(json.dumps(merged.as_json()))
    again = read_inventory(path)
    assert again.as_json() == merged.as_json()


def test_committed_snapshot_core_matches_the_contract(contract_inventory: SourceInventory) -> None:
    snapshot = read_inventory(ROOT / "mapping" / "source-inventory.json")
    for name, resource in contract_inventory.resources.items():
        core = {k: f for k, f in snapshot.resources[name].fields.items() if f.origin is FieldOrigin.CORE}
        assert core == dict(resource.fields), name


def test_bad_inventory_files(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("{not json")
    with pytest.raises(InputFileError, match="is not JSON"):
        read_inventory(tmp_path / "a.json")
    (tmp_path / "b.json").write_text('{"hello": 1}')
    with pytest.raises(InputFileError, match="neither an st2sf inventory"):
        read_inventory(tmp_path / "b.json")
