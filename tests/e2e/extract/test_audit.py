"""The audit over a tenant extracted from the sandbox: every planted defect class is found with its records
named, and every undocumented custom field is found with the type the generator gave it."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from control.servicetracker.extract import extract
from control.settings import load_settings
from tests.e2e.extract.conftest import cli_env

# defect class of the generator → the audit's finding kind
DEFECT_FINDINGS = {
    "duplicate_client": "duplicate_record",
    "client_hierarchy": "client_hierarchy",
    "client_hierarchy_cycle": "client_hierarchy_cycle",
    "multi_site_client": "multi_site_client",
    "invalid_email": "invalid_email",
    "shared_email": "shared_email",
    "technician_without_user": "technician_without_user",
    "missing_required": "missing_required",
    "overlong_string": "overlong_value",
    "unknown_picklist_value": "unknown_picklist_value",
    "orphaned_reference": "orphaned_reference",
    "project_work_order_cycle": "project_work_order_cycle",
    "non_ascii_text": "non_ascii_text",
    "html_in_notes": "html_in_notes",
    "mixed_time_zones": "mixed_time_zones",
    "zero_byte_attachment": "empty_file",
    "oversize_attachment": "file_too_large",
    "attachment_body_missing": "file_missing",
    "unsynced_mobile_device": "unsynced_mobile_device",
}
# the generator's custom-field kinds, in the audit's vocabulary (id-like is text whose values are identifiers)
KINDS = {"text": {"text", "id-like"}, "number": {"number"}, "date": {"date"}, "picklist": {"picklist-like"},
         "boolean": {"boolean-like"}, "email": {"e-mail"}, "phone": {"phone"}}


def _expected_refs(kind: str, entry: dict) -> set[tuple[str, str, str]]:
    """(resource, id, field or '') the audit must name for one defects.json entry."""
    res, rid = entry["resource"], entry["id"]
    if kind == "duplicate_client":
        return {(res, rid, "name"), (res, entry["duplicate_of"], "name")}
    if kind == "client_hierarchy_cycle":
        return {(res, member, "parent_client_id") for member in entry["cycle"]}
    if kind == "shared_email":
        return {(res, rid, "email"), (entry["shared_with"]["resource"], entry["shared_with"]["id"], "email")}
    if kind == "project_work_order_cycle":
        return {(res, rid, "primary_work_order_id"), ("work_orders", entry["work_order_id"], "project_id")}
    if kind == "client_hierarchy":
        return {(res, rid, "parent_client_id")}
    if "field" in entry and kind != "technician_without_user":
        return {(res, rid, entry["field"])}
    return {(res, rid, "*")}


def test_every_defect_class_is_found_with_its_records(sandbox, make_project, st_fixture: Path, tmp_path: Path) -> None:
    box = sandbox("--rate-limit", "0")
    project = make_project("audit", box)
    extract(load_settings(project))
    out = tmp_path / "spec"
    proc = subprocess.run([sys.executable, "-m", "control.cli.app", "audit", "--out", str(out), "--users",
                           str(st_fixture / "salesforce_users.json"), "--json"], capture_output=True, text=True,
                          env=cli_env(project, box.api_key), timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert result["cutover_blocked"] is True and result["grade"] in "ABCD"

    named: dict[str, set[tuple[str, str, str]]] = {}
    groups: dict[str, dict[tuple[str, str], str]] = {}
    with (out / "findings.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            named.setdefault(row["kind"], set()).update({(row["resource"], row["id"], row["field"]),
                                                         (row["resource"], row["id"], "*")})
            groups.setdefault(row["kind"], {})[(row["resource"], row["id"])] = row["group"]
    defects = json.loads((st_fixture / "defects.json").read_text())
    assert set(defects["defects"]) == set(DEFECT_FINDINGS), "a defect class the audit does not know"
    for defect, entries in defects["defects"].items():
        kind = DEFECT_FINDINGS[defect]
        assert entries, defect
        for entry in entries:
            missing = _expected_refs(defect, entry) - named.get(kind, set())
            assert not missing, f"{defect}: {entry} not named by {kind}"
    for entry in defects["defects"]["duplicate_client"]:  # duplicates share a group
        g = groups["duplicate_record"]
        assert g[("clients", entry["id"])] == g[("clients", entry["duplicate_of"])]
    for entry in defects["defects"]["orphaned_reference"]:
        with (out / "findings.csv").open(encoding="utf-8") as fh:
            detail = next(r["detail"] for r in csv.DictReader(fh) if r["kind"] == "orphaned_reference"
                          and r["id"] == entry["id"] and r["field"] == entry["field"])
        assert ("was deleted" in detail) is entry["tombstoned"], entry

    spec = json.loads((out / "spec.json").read_text())
    devices = {d["id"] for d in spec["mobile_sync"]["devices"]}
    assert devices == {e["id"] for e in defects["defects"]["unsynced_mobile_device"]}
    assert all(d["technician_name"] for d in spec["mobile_sync"]["devices"])
    assert (out / "report.html").read_text().count("<script") == 0  # tenant HTML is shown, never run


def test_undocumented_custom_fields_are_found_with_their_types(sandbox, make_project, st_fixture: Path,
                                                               tmp_path: Path) -> None:
    box = sandbox("--rate-limit", "0")
    project = make_project("kinds", box)
    extract(load_settings(project), files=False)
    from control.audit import audit

    result = audit(load_settings(project), out_dir=tmp_path / "spec")
    spec = json.loads(result.spec_path.read_text())
    found = {(r["resource"], f["name"]): f for r in spec["resources"] for f in r["fields"] if f["origin"] == "custom"}
    truth = json.loads((st_fixture / "defects.json").read_text())["custom_fields"]
    checked = 0
    for resource, fields in truth.items():
        for key, kind in fields.items():
            field = found.get((resource, key))
            if field is None:  # a key appears only on records where it was set: never set, never seen
                assert not any(key in json.loads(line)["custom_fields"] for line in
                               _records_file(st_fixture, resource).open()), (resource, key)
                continue
            assert field["inferred_type"] in KINDS[kind], (resource, key, kind, field["inferred_type"])
            checked += 1
    assert checked >= 50
    assert not set(found) - {(r, k) for r, fs in truth.items() for k in fs}  # nothing invented


def _records_file(folder: Path, resource: str) -> Path:
    if resource.startswith("custom_tables/"):
        return folder / "custom_tables" / f"{resource.split('/')[1]}.jsonl"
    return folder / f"{resource}.jsonl"
