"""Map files merge into one map; shape problems and double definitions are all listed, located."""

from __future__ import annotations

from pathlib import Path

import pytest

from control.errors import InputFileError
from control.mapping.issues import IssueCode
from control.mapping.loader import load_map
from tests.unit.mapping.conftest import write_map

A = """\
version: 1
settings: {fallback_owner: ops@example.com}
value_maps:
  status: {values: {active: Active}}
targets:
  Contact:
    fields:
      A__c: {type: Text, length: 10, label: A}
objects:
  - source: clients
    routes:
      - {name: client_account, target: Account, external_id: X__c}
"""
B = """\
version: 1
targets:
  Contact:
    fields:
      B__c: {type: Text, length: 10, label: B}
    record_types:
      Tech: {label: Technician}
objects:
  - source: technicians
    routes:
      - {name: tech, target: Contact, external_id: X__c}
"""


def test_files_merge_in_name_order(tmp_path: Path) -> None:
    folder = write_map(tmp_path / "m", {"20-b.yml": B, "10-a.yml": A, "notes.txt": "ignored"})
    loaded = load_map(folder, root=tmp_path)
    assert loaded.ok and loaded.issues == ()
    merged = loaded.map
    assert [r.source for r in merged.objects] == ["clients", "technicians"]
    assert list(merged.targets["Contact"].fields) == ["A__c", "B__c"]
    assert list(merged.targets["Contact"].record_types) == ["Tech"]
    assert merged.settings.fallback_owner == "ops@example.com"
    # positions of merged parts point into their own file
    assert str(loaded.origins.position(("objects", 1, "routes", 0, "name"))) == "m/20-b.yml:11:16"
    assert str(loaded.origins.position(("targets", "Contact", "fields", "A__c"))) == "m/10-a.yml:8:13"


def test_definitions_given_twice_are_errors(tmp_path: Path) -> None:
    again = A.replace("fields:\n      A__c", "fields:\n      A__c").replace("settings: {fallback_owner: ops@example.com}",
                                                                          "settings: {}")
    folder = write_map(tmp_path / "m", {"10-a.yml": A, "20-a.yml": again})
    loaded = load_map(folder, root=tmp_path)
    found = [(str(i.position), i.code, i.message) for i in loaded.issues]
    assert ("m/20-a.yml:2:11", IssueCode.DUPLICATE, "settings are given in more than one map file; keep one") in found
    assert ("m/20-a.yml:4:11", IssueCode.DUPLICATE, "value map 'status' is defined twice; rename or remove one") in found
    assert ("m/20-a.yml:8:13", IssueCode.DUPLICATE, "Contact.A__c is defined in two map files; keep one definition") \
        in found


def test_every_shape_problem_is_listed_with_its_position(tmp_path: Path) -> None:
    bad = """\
version: 2
objects:
  - source: clients
    routes:
      - name: Client Account
        target: Account
        traget: Account
        fields:
          - {source: a, target: B__c, transform: {truncate: {length: 0}}}
  - source: x
"""
    folder = write_map(tmp_path / "m", {"10-bad.yml": bad, "20-syntax.yml": "a: [1,\n"})
    loaded = load_map(folder, root=tmp_path)
    assert loaded.map is None and not loaded.ok
    found = sorted((str(i.position), i.message) for i in loaded.issues)
    assert ("m/10-bad.yml:1:10", "version must be 1") in found
    assert ("m/10-bad.yml:5:15", "String should match pattern '^[a-z][a-z0-9_]{0,79}$'") in found
    assert ("m/10-bad.yml:7:9", "unknown key 'traget' (check the spelling; see docs/mapping.md)") in found
    assert ("m/10-bad.yml:9:70", "Input should be greater than or equal to 1") in found
    assert ("m/10-bad.yml:10:5", "an object rule needs routes, or skip: <reason> when the resource is not migrated") \
        in found
    assert any(p.startswith("m/20-syntax.yml:") and m.startswith("YAML syntax:") for p, m in found)
    assert len(found) == 6


def test_folder_without_maps_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputFileError, match="holds no \\*.yml map files"):
        load_map(tmp_path / "empty")
    with pytest.raises(InputFileError, match="is not a folder"):
        load_map(tmp_path / "missing")
