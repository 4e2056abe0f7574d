"""Each defect class the generator plants (defects.json) lands where the default map's policy says —
quarantined with its reason, defaulted, nulled or loaded as it is — checked record by record, class by class.
Expectations are derived from the map and the org's describe (tests/e2e/data/expect.py), not hard-coded."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from control.transform.coerce import EMAIL_PATTERN
from tests.e2e.data.expect import feeds, lookup, plain, problems, route, truncated, value_map

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


def _entries(dp, kind: str) -> list[dict]:
    entries = dp.defects["defects"][kind]
    assert entries, f"the tenant has no {kind} defect"
    return entries


@pytest.fixture(scope="module")
def q(data_path):
    return data_path.quarantine()


def test_missing_required_values_are_quarantined_where_the_map_or_org_requires_them(data_path, q) -> None:
    checked = 0
    for entry in _entries(data_path, "missing_required"):
        landed = data_path.landed(entry["resource"], entry["id"])
        assert landed is not None
        if landed["route"] is None:
            continue  # unrouted for another reason (asserted in its own class)
        found = problems(q, entry["resource"], entry["id"])
        for feed in feeds(data_path, landed["route"], entry["field"]):
            needs = feed.rule.required or (feed.target is not None and feed.target.required_on_create)
            if needs and feed.rule.default is None:
                assert landed["status"] == "quarantined", entry
                assert any(p["rule"] == "required" and p["field"] == feed.rule.target for p in found), (entry, found)
                checked += 1
            elif landed["status"] == "dataset":
                assert not any(p["field"] == feed.rule.target for p in found)
                row = data_path.row(feed.route.name, landed["local_id"])
                if row is not None and feed.rule.default is None and lookup(feed) is None:
                    assert row[feed.rule.target] is None, entry
                checked += 1
    assert checked >= 5


def test_overlong_strings_are_quarantined_unless_the_map_truncates(data_path, q) -> None:
    checked = 0
    for entry in _entries(data_path, "overlong_string"):
        landed = data_path.landed(entry["resource"], entry["id"])
        value = data_path.staged(entry["resource"], entry["id"])[entry["field"]]
        found = problems(q, entry["resource"], entry["id"])
        for feed in feeds(data_path, landed["route"], entry["field"]):
            if truncated(feed):
                assert not any(p["field"] == feed.rule.target and p["rule"] == "too_long" for p in found)
                if landed["status"] == "dataset":
                    cut = data_path.row(feed.route.name, landed["local_id"])[feed.rule.target]
                    assert len(cut) <= feed.target.length and cut.endswith("…")
            elif plain(feed) and len(value) > feed.target.length:
                assert landed["status"] == "quarantined"
                hit = [p for p in found if p["rule"] == "too_long" and p["field"] == feed.rule.target]
                assert hit, (entry, found)
                assert f"holds at most {feed.target.length}" in hit[0]["reason"]
                assert "truncate" in hit[0]["hint"]
                checked += 1
    assert checked >= 3


def test_unknown_picklist_values_follow_the_value_map_policy_or_leave_the_record_unrouted(data_path, q) -> None:
    checked = 0
    for entry in _entries(data_path, "unknown_picklist_value"):
        landed = data_path.landed(entry["resource"], entry["id"])
        found = problems(q, entry["resource"], entry["id"])
        if landed["route"] is None:  # the value decides the route (work-order type) and no route takes it
            assert landed["status"] == "quarantined" and found[0]["rule"] == "unrouted", entry
            checked += 1
            continue
        for feed in feeds(data_path, landed["route"], entry["field"]):
            vm = value_map(data_path, feed)
            if vm is None or entry["value"] in vm.values:
                continue
            if vm.unmapped == "quarantine":
                assert any(p["rule"] == "unmapped_value" and p["field"] == feed.rule.target
                           and p["value"] == entry["value"] for p in found), (entry, found)
                checked += 1
            elif landed["status"] == "dataset" and vm.unmapped == "default":
                row = data_path.row(feed.route.name, landed["local_id"])
                assert row[feed.rule.target] == vm.default
                checked += 1
    assert checked >= 4


def test_orphaned_references_are_quarantined_or_nulled_by_on_missing(data_path, q) -> None:
    checked = 0
    for entry in _entries(data_path, "orphaned_reference"):
        landed = data_path.landed(entry["resource"], entry["id"])
        found = problems(q, entry["resource"], entry["id"])
        for feed in feeds(data_path, landed["route"], entry["field"]):
            if lookup(feed) is None:
                continue
            policy = feed.rule.on_missing or feed.route.missing_parent
            if policy == "quarantine":
                hit = [p for p in found if p["rule"] == "missing_parent" and p["field"] == feed.rule.target]
                assert hit, (entry, found)
                expected = "was deleted in ServiceTracker" if entry["tombstoned"] else "does not exist in the staged"
                assert expected in hit[0]["reason"] and entry["value"] in hit[0]["reason"]
                checked += 1
            elif policy == "null" and landed["status"] == "dataset":
                assert data_path.row(feed.route.name, landed["local_id"])[feed.rule.target] is None
                checked += 1
    assert checked >= 5


def test_invalid_emails_are_quarantined_with_the_address_and_what_to_change(data_path, q) -> None:
    checked = 0
    for entry in _entries(data_path, "invalid_email"):
        value = data_path.staged(entry["resource"], entry["id"])[entry["field"]]
        assert value == entry["value"] and not EMAIL_PATTERN.match(value.strip()), entry
        landed = data_path.landed(entry["resource"], entry["id"])
        found = problems(q, entry["resource"], entry["id"])
        hit = [p for p in found if p["rule"] == "bad_email"]
        assert landed["status"] == "quarantined" and hit, (entry, found)
        assert hit[0]["value"] == value and "Correct the address" in hit[0]["hint"]
        checked += 1
    assert checked >= 2


def test_shared_and_duplicate_names_load_as_separate_records(data_path, q) -> None:
    for entry in _entries(data_path, "shared_email") + _entries(data_path, "duplicate_client"):
        for resource, source_id in ((entry["resource"], entry["id"]),
                                    *(((entry["shared_with"]["resource"], entry["shared_with"]["id"]),)
                                      if "shared_with" in entry else ()),
                                    *(((entry["resource"], entry["duplicate_of"]),) if "duplicate_of" in entry else ())):
            assert not any(p["rule"] in ("duplicate_key", "bad_email") for p in problems(q, resource, source_id))
    dupes = [e for e in _entries(data_path, "duplicate_client")
             if data_path.landed("clients", e["id"])["status"] == "dataset"
             and data_path.landed("clients", e["duplicate_of"])["status"] == "dataset"]
    assert dupes
    for entry in dupes:
        a = data_path.row("client_account", f"client_account-{entry['id']}")
        b = data_path.row("client_account", f"client_account-{entry['duplicate_of']}")
        assert a["ServiceTracker_Id__c"] != b["ServiceTracker_Id__c"]


def test_client_hierarchy_and_its_cycle_are_kept_as_deferred_parent_links(data_path) -> None:
    seen = 0
    for entry in _entries(data_path, "client_hierarchy"):
        child = data_path.landed("clients", entry["id"])
        parent = data_path.landed("clients", entry["parent_client_id"])
        if child["status"] != "dataset":
            continue
        row = data_path.row("client_account", child["local_id"])
        expected = parent["local_id"] if parent is not None and parent["status"] == "dataset" else None
        assert row["ParentId"] == expected
        seen += 1
    for entry in _entries(data_path, "client_hierarchy_cycle"):
        a, b = entry["cycle"]
        la, lb = data_path.landed("clients", a), data_path.landed("clients", b)
        if la["status"] == "dataset" and lb["status"] == "dataset":
            assert data_path.row("client_account", la["local_id"])["ParentId"] == lb["local_id"]
            assert data_path.row("client_account", lb["local_id"])["ParentId"] == la["local_id"]
            seen += 1
    assert seen >= 2
    deferred = data_path.manifest()["deferred"]
    assert {"step": "client_account", "field": "ParentId", "tables": ["client_account"], "after": "client_account",
            "reason": "self-lookup"} in deferred


def test_project_work_order_cycles_link_both_ways_through_deferred_lookups(data_path) -> None:
    linked = 0
    for entry in _entries(data_path, "project_work_order_cycle"):
        project = data_path.landed("projects", entry["id"])
        work_order = data_path.landed("work_orders", entry["work_order_id"])
        if project["status"] != "dataset" or work_order["status"] != "dataset":
            continue
        row = data_path.row(project["route"], project["local_id"])
        field = "Primary_Case__c" if work_order["route"] == "work_order_case" else "Primary_Work_Order__c"
        other = "Primary_Work_Order__c" if field == "Primary_Case__c" else "Primary_Case__c"
        assert row[field] == work_order["local_id"] and row[other] is None
        wo = data_path.row(work_order["route"], work_order["local_id"])
        assert wo["Project__c" if project["route"] == "project_custom" else "Opportunity__c"] == project["local_id"]
        linked += 1
    assert linked >= 3
    deferred = {(d["step"], d["field"]): d for d in data_path.manifest()["deferred"]}
    for step in ("project_opportunity", "project_custom"):
        assert deferred[(step, "Primary_Case__c")]["after"] == "work_order_case"
        assert deferred[(step, "Primary_Work_Order__c")]["after"] == "work_order_custom"


def test_non_ascii_text_arrives_exactly(data_path) -> None:
    checked = 0
    for entry in _entries(data_path, "non_ascii_text"):
        if "field" not in entry:
            continue
        landed = data_path.landed(entry["resource"], entry["id"])
        if landed["status"] != "dataset" or landed["route"] is None:
            continue
        value = data_path.staged(entry["resource"], entry["id"]).get(entry["field"])
        for feed in feeds(data_path, landed["route"], entry["field"]):
            if plain(feed) and feed.route.mode == "insert":
                assert data_path.row(feed.route.name, landed["local_id"])[feed.rule.target] == value
                assert any(ord(c) > 127 for c in value)
                checked += 1
    assert checked >= 5


def test_html_notes_become_text_and_text_notes_stay_as_written(data_path) -> None:
    checked = 0
    for entry in _entries(data_path, "html_in_notes"):
        landed = data_path.landed("notes", entry["id"])
        if landed["status"] != "dataset":
            continue
        body = data_path.staged("notes", entry["id"])["body"]
        row = data_path.row(landed["route"], landed["local_id"])
        text = row["CommentBody"] if landed["route"] == "case_comment" else row["Body"]
        if entry["variant"] == "html_in_text_note":
            assert text == body
        else:
            assert not _TAG.search(text), text
            assert "alert(" not in text and "<script" not in text.lower()
        checked += 1
    assert checked >= 10


def test_mixed_time_zones_keep_the_instant_in_utc(data_path) -> None:
    checked = shifted = 0
    for entry in _entries(data_path, "mixed_time_zones"):
        landed = data_path.landed(entry["resource"], entry["id"])
        if landed["status"] != "dataset" or landed["route"] is None or route(data_path, landed["route"]).merge:
            continue
        row = data_path.row(landed["route"], landed["local_id"]) if landed["local_id"] else None
        if row is None or "CreatedDate" not in row.keys():
            continue
        created = data_path.staged(entry["resource"], entry["id"])["created_at"]
        moment = dt.datetime.fromisoformat(created)
        assert moment.tzinfo is not None
        assert row["CreatedDate"] == moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        shifted += moment.utcoffset() != dt.timedelta(0)
        checked += 1
    assert checked >= 10 and shifted >= 5


def test_bad_attachments_are_quarantined_by_the_file_policy(data_path, q) -> None:
    expected = {"zero_byte_attachment": "file_empty", "oversize_attachment": "file_too_large",
                "attachment_body_missing": "file_missing"}
    for kind, rule in expected.items():
        for entry in _entries(data_path, kind):
            assert data_path.landed("attachments", entry["id"])["status"] == "quarantined"
            found = problems(q, "attachments", entry["id"])
            assert [p["rule"] for p in found] == [rule], (kind, found)
    summary = data_path.manifest()["files_summary"]
    assert summary["quarantined"]["file_too_large"] == len(_entries(data_path, "oversize_attachment"))
    files = [line for line in (data_path.folder / "files.jsonl").read_text().splitlines() if line]
    assert len(files) == summary["files"] == data_path.manifest()["accounting"]["attachments"]["dataset"]


def test_unsynced_mobile_devices_are_skipped_by_the_map(data_path) -> None:
    for entry in _entries(data_path, "unsynced_mobile_device"):
        landed = data_path.landed("mobile_devices", entry["id"])
        assert landed["status"] == "skipped" and landed["note"].startswith("Device state is checked")
