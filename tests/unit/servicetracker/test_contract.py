"""The packaged core-field snapshot is exactly the contract's JSON Schema annotations."""

from __future__ import annotations

import json
from pathlib import Path

from control.servicetracker.contract import CoreSchema, entries_from_json_schema
from control.servicetracker.resources import RESOURCE_NAMES

ROOT = Path(__file__).resolve().parents[3]


def test_packaged_snapshot_matches_the_contract() -> None:
    document = json.loads((ROOT / "docs" / "servicetracker-api.schema.json").read_text(encoding="utf-8"))
    assert CoreSchema.packaged().entries() == entries_from_json_schema(document), \
        "control/servicetracker/core_schema.json is stale: regenerate it from docs/servicetracker-api.schema.json"


def test_every_list_resource_has_rules_and_rows_share_one() -> None:
    schema = CoreSchema.packaged()
    assert all(schema.rules(r) is not None for r in RESOURCE_NAMES)
    rows = schema.rules("custom_tables/inspection_forms/rows")
    assert rows is not None and rows.resource == "custom_table_rows"
    assert rows.field("parent_id").reference == "*"  # type: ignore[union-attr]
    assert schema.rules("clients").field("name").max_length == 255  # type: ignore[union-attr]
