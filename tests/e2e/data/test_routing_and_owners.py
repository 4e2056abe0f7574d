"""Routing (work-order types → Case record types vs Work_Order__c, billable projects → Opportunity vs Project__c,
single- vs multi-site clients) and owners (technicians matched to active users; the gap report names every
unmatched, inactive or ambiguous technician; their records go to the fallback owner)."""

from __future__ import annotations

from collections import Counter

from control.staging import StagingStore

CASE_TYPES = {"break_fix": "Break_Fix", "support_request": "Support_Request"}
CUSTOM_TYPES = {"preventive_maintenance": "Preventive_Maintenance", "scheduled_service": "Scheduled_Service",
                "installation": "Installation"}


def _records(data_path, resource: str):
    store = StagingStore.open(data_path.settings.staging_url)
    try:
        yield from store.iter_records(resource)
    finally:
        store.close()


def test_work_order_types_route_to_case_record_types_or_work_order_custom(data_path) -> None:
    seen: Counter[str] = Counter()
    for staged in _records(data_path, "work_orders"):
        kind = staged.payload.get("type")
        landed = data_path.landed("work_orders", staged.source_id)
        if kind in CASE_TYPES:
            assert landed["route"] == "work_order_case"
            expected = CASE_TYPES[kind]
        elif kind in CUSTOM_TYPES:
            assert landed["route"] == "work_order_custom"
            expected = CUSTOM_TYPES[kind]
        else:
            assert landed["route"] is None and landed["status"] == "quarantined" and landed["note"] == "unrouted"
            continue
        if landed["status"] == "dataset":
            assert data_path.row(landed["route"], landed["local_id"])["RecordTypeId"] == expected
            seen[expected] += 1
    assert set(seen) == set(CASE_TYPES.values()) | set(CUSTOM_TYPES.values())
    with data_path.db() as conn:
        assert {r[0] for r in conn.execute('SELECT developer_name FROM "Case_rt_mapping"')} == set(CASE_TYPES.values())


def test_billable_projects_become_opportunities_and_the_rest_project_records(data_path) -> None:
    seen = Counter()
    for staged in _records(data_path, "projects"):
        landed = data_path.landed("projects", staged.source_id)
        expected = "project_opportunity" if staged.payload.get("billable") is True else "project_custom"
        assert landed["route"] == expected
        if landed["status"] == "dataset":
            row = data_path.row(expected, landed["local_id"])
            if expected == "project_opportunity":
                assert row["StageName"] and row["CloseDate"] and row["Name"] == staged.payload["name"]
            seen[expected] += 1
    assert seen["project_opportunity"] and seen["project_custom"]


def test_single_site_clients_keep_the_site_as_shipping_address_multi_site_get_site_records(data_path) -> None:
    multi = {e["id"] for e in data_path.defects["defects"]["multi_site_client"]}
    merged = sites = 0
    for staged in _records(data_path, "locations"):
        client = staged.payload["client_id"]
        landed = data_path.landed("locations", staged.source_id)
        if client in multi:
            assert landed["route"] == "site"
            if landed["status"] == "dataset":
                row = data_path.row("site", landed["local_id"])
                assert row["Account__c"] == f"client_account-{client}" and row["City__c"] == staged.payload["address"]["city"]
                sites += 1
            continue
        client_landed = data_path.landed("clients", client)
        if client_landed is None:
            continue  # an orphaned location: its own class
        assert landed["route"] == "location_shipping_address"
        if client_landed["status"] == "dataset":
            assert landed["status"] == "dataset" and landed["local_id"] == client_landed["local_id"]
            account = data_path.row("client_account", client_landed["local_id"])
            assert account["ShippingCity"] == staged.payload["address"]["city"]
            merged += 1
        else:
            assert landed["status"] == "quarantined" and landed["note"] == "missing_parent"
    assert merged >= 10 and sites >= 10


def test_gap_report_names_every_unmatched_inactive_and_ambiguous_technician(data_path) -> None:
    report = data_path.owners()["resources"]["technicians"]
    gaps = {g["id"]: g for g in report["unmatched"]}
    expected_gaps = {e["id"] for e in data_path.defects["defects"]["technician_without_user"]}
    assert set(gaps) == expected_gaps
    assert gaps[data_path.inactive_tech]["status"] == "inactive"
    assert gaps[data_path.inactive_tech]["users"]  # names the inactive user
    ambiguous = gaps[data_path.ambiguous_tech]
    assert ambiguous["status"] == "ambiguous" and len(ambiguous["users"]) == 2
    assert "2 records have" in ambiguous["reason"]
    invalid = [g for g in gaps.values() if g["status"] == "invalid_key"]
    assert invalid and all(g["landed_as"] == "quarantined" for g in invalid)  # its Contact's e-mail is refused too
    for gap in gaps.values():
        if gap["status"] != "invalid_key":
            assert gap["landed_as"] == "technician_contact"
    assert report["matched"] + report["gaps"] == report["total"]
    matched = {m["id"]: m for m in report["matched_users"]}
    users = {u.id: u for u in data_path.snapshot.users}
    for m in matched.values():
        assert users[m["user_id"]].active and users[m["user_id"]].email.lower() == m["email"].strip().lower()


def test_records_of_unmatched_technicians_go_to_the_fallback_owner(data_path) -> None:
    report = data_path.owners()
    fallback = report["fallback_owner"]["id"]
    by_tech = {g["id"]: g["records_to_fallback"] for g in report["resources"]["technicians"]["unmatched"]}
    matched = {m["id"]: m["user_id"] for m in report["resources"]["technicians"]["matched_users"]}
    counted: Counter[str] = Counter()
    for staged in _records(data_path, "work_orders"):
        landed = data_path.landed("work_orders", staged.source_id)
        if landed["status"] != "dataset":
            continue
        owner = data_path.row(landed["route"], landed["local_id"])["OwnerId"]
        tech = staged.payload.get("technician_id")
        assert owner == matched.get(tech, fallback), staged.source_id
        if tech in by_tech:
            counted[tech] += 1
    assert counted and all(counted[t] <= by_tech[t] for t in counted)
    assert sum(by_tech.values()) > 0


def test_activities_become_tasks_with_subtype_or_events_linked_to_migrated_records(data_path) -> None:
    seen: Counter[str] = Counter()
    for staged in _records(data_path, "activities"):
        a = staged.payload
        landed = data_path.landed("activities", staged.source_id)
        if landed["status"] != "dataset":
            continue
        row = data_path.row(landed["route"], landed["local_id"])
        if a["type"] in ("call", "email"):
            assert landed["route"] == "activity_task" and row["TaskSubtype"] == a["type"].title()
        else:
            assert landed["route"] == "activity_event"
            assert row["StartDateTime"].endswith("Z")
        wo = data_path.landed("work_orders", a["work_order_id"]) if a.get("work_order_id") else None
        client = data_path.landed("clients", a["client_id"]) if a.get("client_id") else None
        if wo is not None and wo["status"] == "dataset":
            assert row["WhatId"] == wo["local_id"]
            seen["work order"] += 1
        elif client is not None and client["status"] == "dataset":
            assert row["WhatId"] == client["local_id"]
            seen["client"] += 1
        else:
            assert row["WhatId"] is None
        contact = data_path.landed("client_contacts", a["contact_id"]) if a.get("contact_id") else None
        assert row["WhoId"] == (contact["local_id"] if contact is not None and contact["status"] == "dataset" else None)
    assert seen["work order"] and seen["client"]


def test_notes_on_cases_become_case_comments_and_the_rest_notes_on_their_record(data_path) -> None:
    seen: Counter[str] = Counter()
    for staged in _records(data_path, "notes"):
        n = staged.payload
        landed = data_path.landed("notes", staged.source_id)
        parent = data_path.landed(n["parent_resource"], n["parent_id"])
        on_case = parent is not None and parent["route"] == "work_order_case"
        if on_case and len(n["body"]) > 4000:
            assert landed["status"] == "quarantined" and landed["note"] == "unrouted"
            seen["too long for a comment"] += 1
            continue
        assert landed["route"] == ("case_comment" if on_case else "note")
        if landed["status"] == "dataset":
            row = data_path.row(landed["route"], landed["local_id"])
            assert row["ParentId"] == parent["local_id"]
            seen[landed["route"]] += 1
        else:
            assert parent is None or parent["status"] != "dataset"
    assert seen["case_comment"] and seen["note"]
