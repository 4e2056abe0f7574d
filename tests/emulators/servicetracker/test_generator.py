"""The generator: same seed → same bytes; and defects.json names exactly the records that carry each defect.

The checks below re-derive every defect from the data and the core-field model independently of the
generator's code, and compare both ways: every manifest entry is real, and every real defect is in
the manifest.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from emulators.servicetracker.fixture import attachment_body_path
from emulators.servicetracker.generator import generate
from emulators.servicetracker.generator.defects import DefectKind, parse_rates
from emulators.servicetracker.model import COMMON_FIELDS, RESOURCES, FieldType, resource_spec

EMAIL_OK = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
TAG = re.compile(r"<[A-Za-z/!][^>]*>")
COMMON = {f.name for f in COMMON_FIELDS}


class Tenant:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.records: dict[str, dict[str, dict[str, Any]]] = {}
        for resource in RESOURCES:
            self.records[resource] = self._load(folder / f"{resource}.jsonl")
        for path in sorted((folder / "custom_tables").glob("*.jsonl")):
            self.records[f"custom_tables/{path.stem}/rows"] = self._load(path)
        self.manifest = json.loads((folder / "defects.json").read_text())
        self.tombstones = {(t["resource"], t["id"]) for t in map(json.loads, (folder / "tombstones.jsonl").open())}

    @staticmethod
    def _load(path: Path) -> dict[str, dict[str, Any]]:
        with path.open("rb") as fh:
            return {r["id"]: r for r in map(json.loads, fh)}

    def entries(self, kind: DefectKind) -> list[dict[str, Any]]:
        return self.manifest["defects"][str(kind)]

    def all(self):
        for resource, records in self.records.items():
            for record in records.values():
                yield resource, resource_spec(resource), record


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Tenant:
    out = tmp_path_factory.mktemp("gen") / "tenant"
    generate(out, records=4000, seed=21)
    return Tenant(out)


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    generate(tmp_path / "a", records=1500, seed=3)
    generate(tmp_path / "b", records=1500, seed=3)
    generate(tmp_path / "c", records=1500, seed=4)
    a, b, c = _tree(tmp_path / "a"), _tree(tmp_path / "b"), _tree(tmp_path / "c")
    assert len(a) > 40 and a == b
    assert a["clients.jsonl"] != c["clients.jsonl"] and a["tenant.json"] != c["tenant.json"]


def test_record_counts_add_up_to_the_request(tenant: Tenant) -> None:
    total = sum(len(records) for records in tenant.records.values())
    assert total == 4000 == tenant.manifest["generator"]["records"]
    assert tenant.manifest["generator"]["counts"] == {r: len(v) for r, v in tenant.records.items()}
    assert all(tenant.records[r] for r in tenant.records)


def test_every_kind_is_planted_and_counted(tenant: Tenant) -> None:
    for kind in DefectKind:
        assert tenant.manifest["counts"][kind] == len(tenant.entries(kind))
        assert tenant.entries(kind), f"{kind} planted at least once"


def test_field_value_defects_match_the_data_both_ways(tenant: Tenant) -> None:
    found: dict[str, set] = defaultdict(set)
    for resource, spec, record in tenant.all():
        for field in spec.fields:
            value = record[field.name]
            key = (resource, record["id"], field.name)
            if field.required and field.name not in COMMON and value in (None, ""):
                found["missing_required"].add(key)
            if isinstance(value, str) and field.max_length and len(value) > field.max_length:
                found["overlong_string"].add(key)
            if field.type is FieldType.ENUM and value is not None and value not in field.enum:
                found["unknown_picklist_value"].add(key)
            if field.type is FieldType.EMAIL and isinstance(value, str) and not EMAIL_OK.match(value):
                found["invalid_email"].add(key)
    for kind in ("missing_required", "overlong_string", "unknown_picklist_value", "invalid_email"):
        listed = {(e["resource"], e["id"], e["field"]) for e in tenant.entries(DefectKind(kind))}
        assert listed == found[kind], kind
    for entry in tenant.entries(DefectKind.OVERLONG_STRING):
        assert len(tenant.records[entry["resource"]][entry["id"]][entry["field"]]) == entry["length"]


def test_orphaned_references_match_the_data_both_ways(tenant: Tenant) -> None:
    found = set()
    for resource, spec, record in tenant.all():
        for field in spec.fields:
            if field.type is not FieldType.REFERENCE or record[field.name] is None:
                continue
            target = record["parent_resource"] if field.reference == "*" else field.reference
            if record[field.name] not in tenant.records[target]:
                found.add((resource, record["id"], field.name))
    listed = {(e["resource"], e["id"], e["field"]) for e in tenant.entries(DefectKind.ORPHANED_REFERENCE)}
    assert listed == found
    for entry in tenant.entries(DefectKind.ORPHANED_REFERENCE):
        assert ((entry["target"], entry["value"]) in tenant.tombstones) == entry["tombstoned"]


def test_non_ascii_html_and_time_zone_defects_match_the_data(tenant: Tenant) -> None:
    zone = ZoneInfo(tenant.manifest["generator"]["tenant_time_zone"])
    non_ascii, foreign = set(), set()
    for resource, spec, record in tenant.all():
        if any(isinstance(record[f.name], str) and not record[f.name].isascii() for f in spec.fields):
            non_ascii.add((resource, record["id"]))
        for name in ("created_at", "updated_at"):
            moment = datetime.fromisoformat(record[name])
            if moment.utcoffset() != moment.astimezone(zone).utcoffset():
                foreign.add((resource, record["id"]))
    assert {(e["resource"], e["id"]) for e in tenant.entries(DefectKind.NON_ASCII_TEXT)} == non_ascii
    assert {(e["resource"], e["id"]) for e in tenant.entries(DefectKind.MIXED_TIME_ZONES)} == foreign
    html = {i for i, n in tenant.records["notes"].items() if TAG.search(n["body"])}
    assert {e["id"] for e in tenant.entries(DefectKind.HTML_IN_NOTES)} == html
    assert any("<" in n["body"] and n["id"] not in html for n in tenant.records["notes"].values())


def _normalized(name: str) -> str:
    return re.sub(r"\W|_", "", name.casefold().replace("&", "and"))


def test_duplicate_clients_hierarchy_and_sites(tenant: Tenant) -> None:
    clients = tenant.records["clients"]
    duplicates = {e["id"]: e["duplicate_of"] for e in tenant.entries(DefectKind.DUPLICATE_CLIENT)}
    for dup, original in duplicates.items():
        assert _normalized(clients[dup]["name"]) == _normalized(clients[original]["name"])
        assert clients[dup]["email"] == clients[original]["email"]
    names = [_normalized(c["name"]) for i, c in clients.items() if i not in duplicates and c["name"]]
    assert len(names) == len(set(names))
    parented = {i for i, c in clients.items() if c["parent_client_id"]}
    cycles = tenant.entries(DefectKind.CLIENT_HIERARCHY_CYCLE)
    for entry in cycles:
        a, b = entry["cycle"]
        assert clients[a]["parent_client_id"] == b and clients[b]["parent_client_id"] == a
    in_cycles = {i for e in cycles for i in e["cycle"]}
    assert {e["id"] for e in tenant.entries(DefectKind.CLIENT_HIERARCHY)} == parented - in_cycles
    sites = defaultdict(int)
    for location in tenant.records["locations"].values():
        sites[location["client_id"]] += 1
    assert all(sites[i] >= 1 for i in clients)
    assert {e["id"] for e in tenant.entries(DefectKind.MULTI_SITE_CLIENT)} == {i for i in clients if sites[i] > 1}


def test_project_work_order_cycles(tenant: Tenant) -> None:
    listed = {e["id"]: e["work_order_id"] for e in tenant.entries(DefectKind.PROJECT_WORK_ORDER_CYCLE)}
    with_primary = {i: p["primary_work_order_id"] for i, p in tenant.records["projects"].items()
                    if p["primary_work_order_id"]}
    assert listed == with_primary
    for project, work_order in listed.items():
        assert tenant.records["work_orders"][work_order]["project_id"] == project


def test_shared_emails_and_technician_user_gap(tenant: Tenant) -> None:
    holders = defaultdict(list)
    for resource in ("client_contacts", "technicians"):
        for record in tenant.records[resource].values():
            if isinstance(record["email"], str) and EMAIL_OK.match(record["email"]):
                holders[record["email"].lower()].append((resource, record["id"]))
    listed = {(e["resource"], e["id"]) for e in tenant.entries(DefectKind.SHARED_EMAIL)}
    for group in holders.values():
        assert len([m for m in group if m in listed]) == len(group) - 1
    users = json.loads((tenant.folder / "salesforce_users.json").read_text())["users"]
    user_emails = {u["email"].lower(): u for u in users}
    technicians = tenant.records["technicians"]
    missing = {i for i, t in technicians.items() if not t["email"] or t["email"].lower() not in user_emails}
    assert {e["id"] for e in tenant.entries(DefectKind.TECHNICIAN_WITHOUT_USER)} == missing
    for user in users:
        assert user["active"] == technicians[user["technician_id"]]["active"]
    assert {True, False} >= {u["active"] for u in users}


def test_attachment_and_device_defects(tenant: Tenant) -> None:
    attachments = tenant.records["attachments"]
    zero = {i for i, a in attachments.items() if a["size_bytes"] == 0}
    large = {i for i, a in attachments.items() if a["size_bytes"] > 25 * 1024 * 1024}
    lost = {i for i, a in attachments.items() if attachment_body_path(tenant.folder, i, a["sha256"]) is None}
    assert {e["id"] for e in tenant.entries(DefectKind.ZERO_BYTE_ATTACHMENT)} == zero
    assert {e["id"] for e in tenant.entries(DefectKind.OVERSIZE_ATTACHMENT)} == large
    assert {e["id"] for e in tenant.entries(DefectKind.ATTACHMENT_BODY_MISSING)} == lost
    for attachment_id, record in list(attachments.items())[:300]:
        if attachment_id in lost | large:
            continue
        body = attachment_body_path(tenant.folder, attachment_id, record["sha256"]).read_bytes()
        assert len(body) == record["size_bytes"] and hashlib.sha256(body).hexdigest() == record["sha256"]
    devices = tenant.records["mobile_devices"]
    unsynced = {i for i, d in devices.items() if d["sync_status"] != "synced" or d["pending_change_count"]}
    assert {e["id"] for e in tenant.entries(DefectKind.UNSYNCED_MOBILE_DEVICE)} == unsynced
    assert all(d["pending_change_count"] == len(d["pending_changes"]) for d in devices.values())


def test_custom_field_kinds_cover_every_key_in_the_data(tenant: Tenant) -> None:
    kinds = tenant.manifest["custom_fields"]
    seen = defaultdict(set)
    for resource, _, record in tenant.all():
        seen[resource] |= set(record["custom_fields"])
    for resource, keys in seen.items():
        assert keys <= set(kinds.get(resource, {})), resource
    assert {"text", "number", "date", "picklist", "boolean", "email", "phone"} == {
        kind for fields in kinds.values() for kind in fields.values()}
    assert seen["work_orders"] and seen["custom_tables/inspection_forms/rows"]


def test_no_defects_means_none_planted(tmp_path: Path) -> None:
    out = tmp_path / "clean"
    result = generate(out, records=800, seed=8, rates=parse_rates([], none=True), large_attachments=0)
    assert all(count == 0 for kind, count in result.defects.items() if kind != "multi_site_client")
    clean = Tenant(out)
    for _, spec, record in clean.all():
        for field in spec.fields:
            value = record[field.name]
            if field.type is FieldType.ENUM and value is not None:
                assert value in field.enum
            if isinstance(value, str):
                assert value.isascii()
                assert field.max_length is None or len(value) <= field.max_length


def test_bad_arguments_are_refused_and_nothing_is_overwritten(tmp_path: Path) -> None:
    from emulators.servicetracker.problems import BadInput

    with pytest.raises(BadInput, match="at least 400"):
        generate(tmp_path / "tiny", records=10, seed=1)
    generate(tmp_path / "t", records=400, seed=1, large_attachments=0)
    before = _tree(tmp_path / "t")
    with pytest.raises(BadInput, match="--force"):
        generate(tmp_path / "t", records=400, seed=2)
    assert _tree(tmp_path / "t") == before
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(BadInput, match="not a generated tenant"):
        generate(tmp_path / "mine", records=400, seed=2, force=True)
    with pytest.raises(ValueError, match="unknown defect"):
        parse_rates(["typo=0.1"])
    with pytest.raises(ValueError, match="RATE from 0 to 1"):
        parse_rates(["invalid_email=2"])
    with pytest.raises(ValueError, match="--large-attachments"):
        parse_rates(["oversize_attachment=0.5"])
    assert parse_rates(["invalid_email=0.5"])[DefectKind.INVALID_EMAIL] == 0.5
