"""A map with 20 deliberate mistakes yields exactly those 20 errors, each at its file:line:column."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from control.mapping.inventory import SourceInventory
from control.mapping.issues import MapInvalidError, Severity
from control.mapping.validate import validate_map
from tests.unit.mapping.conftest import FIXTURES, ROOT

MAP = FIXTURES / "maps" / "twenty_mistakes"

EXPECTED = [  # (file:line:column, code) — each is one of the mistakes marked in the fixture
    ("twenty_mistakes/10-clients.yml:10:7", "duplicate"),  # 18: key twice in one mapping
    ("twenty_mistakes/10-clients.yml:18:13", "unknown_resource"),  # 1
    ("twenty_mistakes/10-clients.yml:25:22", "unmappable"),  # 20: external_id not an external-Id field
    ("twenty_mistakes/10-clients.yml:26:22", "unknown_record_type"),  # 15
    ("twenty_mistakes/10-clients.yml:30:22", "unknown_source_field"),  # 2
    ("twenty_mistakes/10-clients.yml:31:37", "unknown_field"),  # 4
    ("twenty_mistakes/10-clients.yml:32:38", "unknown_picklist_value"),  # 5
    ("twenty_mistakes/10-clients.yml:33:61", "unknown_source_value"),  # 6
    ("twenty_mistakes/10-clients.yml:35:39", "duplicate"),  # 14
    ("twenty_mistakes/10-clients.yml:36:48", "unmappable"),  # 17: lookup to the wrong object
    ("twenty_mistakes/20-contacts.yml:20:11", "required_not_mapped"),  # 12
    ("twenty_mistakes/20-contacts.yml:21:42", "not_writable"),  # 16
    ("twenty_mistakes/20-contacts.yml:22:63", "unknown_route"),  # 10
    ("twenty_mistakes/20-contacts.yml:23:42", "type_mismatch"),  # 8
    ("twenty_mistakes/20-contacts.yml:24:51", "type_mismatch"),  # 9
    ("twenty_mistakes/20-contacts.yml:25:55", "unknown_value_map"),  # 11
    ("twenty_mistakes/20-contacts.yml:26:56", "unmapped_source_value"),  # 7
    ("twenty_mistakes/20-contacts.yml:27:22", "unknown_source_field"),  # 19
    ("twenty_mistakes/30-locations.yml:7:17", "unknown_object"),  # 3
    ("twenty_mistakes/30-locations.yml:11:15", "duplicate"),  # 13: route name reused
]


@pytest.fixture
def inventory(contract_inventory: SourceInventory) -> SourceInventory:
    return SourceInventory(contract_inventory.resources[n] for n in ("clients", "client_contacts", "locations"))


def test_every_mistake_is_one_located_error(inventory, small_target) -> None:
    with pytest.raises(MapInvalidError) as caught:
        validate_map(MAP, inventory=inventory, target=small_target, root=MAP.parent)
    errors = [i for i in caught.value.issues if i.severity is Severity.ERROR]
    assert [(i.location, str(i.code)) for i in errors] == EXPECTED
    assert caught.value.exit_code == 2
    # the message lists every error, so a reviewer fixes them in one pass
    for location, _ in EXPECTED:
        assert location in caught.value.message


def test_messages_say_what_is_wrong(inventory, small_target) -> None:
    with pytest.raises(MapInvalidError) as caught:
        validate_map(MAP, inventory=inventory, target=small_target, root=MAP.parent)
    by_location = {i.location: i.message for i in caught.value.issues if i.severity is Severity.ERROR}
    assert by_location["twenty_mistakes/10-clients.yml:31:37"] == "Account has no field 'Phonee'"
    assert by_location["twenty_mistakes/20-contacts.yml:22:63"] == "no route is named 'client_acount'"
    assert by_location["twenty_mistakes/20-contacts.yml:27:22"] == \
        "the audit found no custom field 'Gate Kode' on client_contacts"
    assert by_location["twenty_mistakes/10-clients.yml:32:38"] == \
        "'Scorching' is not in the picklist Account.Rating (restricted: Salesforce refuses it)"


def test_cli_lists_all_errors_and_exits_2(tmp_path) -> None:
    (tmp_path / "st2sf.toml").write_text('[project]\nname = "t"\n')
    proc = subprocess.run(
        [sys.executable, "-m", "control.cli.app", "-C", str(tmp_path), "map", "validate", "--map", str(MAP),
         "--describe", str(FIXTURES / "describes" / "small.json"),
         "--inventory", str(ROOT / "docs" / "servicetracker-api.schema.json"), "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2, proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["ok"] is False
    assert payload["error"]["code"] == "MAP_INVALID"
    codes = sorted({i["code"] for i in payload["error"]["issues"] if i["severity"] == "error"})
    # with the whole contract as inventory, every resource the map leaves out is also reported
    assert "uncovered_resource" in codes and "unknown_field" in codes
    assert proc.stdout.count("\n") == 1  # exactly one JSON object on stdout
