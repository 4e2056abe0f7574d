"""Record checks on hand-made records, and the budget arithmetic with exact numbers."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from control.audit.checks import RecordChecks, html_problem
from control.audit.estimate import estimate, grade
from control.audit.findings import FindingKind, FindingSink
from control.audit.limits import TargetLimits
from control.servicetracker.contract import CoreSchema


def _check(resource: str, record: dict) -> dict[FindingKind, list]:
    sink = FindingSink(None)
    rules = CoreSchema.packaged().rules(resource)
    RecordChecks(resource, rules, TargetLimits.default().for_resource(resource), ZoneInfo("America/New_York"),
                 sink).check(record)
    return {k: [(r.field, r.value) for r in v] for k, v in sink.samples.items()}


def test_core_rules_targets_and_offsets() -> None:
    contact = {"id": "cc_1", "created_at": "2024-01-10T09:00:00-05:00", "updated_at": "2024-07-10T09:00:00-06:00",
               "custom_fields": {}, "client_id": "cl_1", "first_name": "Maximiliana-Josephine Alexandra Euphrosyne",
               "last_name": "  ", "email": "x@y..com", "phone": "555-CALL", "role": "Tenant", "title": None}
    found = _check("client_contacts", contact)
    assert found[FindingKind.MISSING_REQUIRED] == [("last_name", "  ")]
    assert found[FindingKind.INVALID_EMAIL] == [("email", "x@y..com")]
    assert found[FindingKind.INVALID_PHONE] == [("phone", "555-CALL")]
    assert found[FindingKind.UNKNOWN_PICKLIST_VALUE] == [("role", "Tenant")]
    assert found[FindingKind.TOO_LONG_FOR_TARGET] == [("first_name", 42)]  # Contact.FirstName holds 40
    assert found[FindingKind.MIXED_TIME_ZONES] == [("updated_at", "2024-07-10T09:00:00-06:00")]  # NY was -04:00
    assert FindingKind.OVERLONG_VALUE not in found  # 42 ≤ ServiceTracker's 80


CITY = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"


def test_address_keys_are_checked_against_their_target() -> None:
    location = {"id": "lo_1", "created_at": "2024-01-10T09:00:00-05:00", "updated_at": "2024-01-10T09:00:00-05:00",
                "custom_fields": {}, "client_id": "cl_1", "name": "Main", "address": {"city": CITY, "postal_code": "LL61 5UJ"}}
    assert _check("locations", location)[FindingKind.TOO_LONG_FOR_TARGET] == [("address.city", len(CITY))]  # > 40


def test_html_kinds() -> None:
    assert html_problem("a < b & c > d", "text") is None
    assert html_problem("<p>ok <b>bold</b></p>", "html") == "html"
    assert html_problem("<p>Customer approved <b>quote</p><p>Replace", "html") == "malformed"
    assert html_problem("<p>x</p><script>alert(1)</script>", "html") == "script"
    assert html_problem('<div style="x">From: a<br>b</div>', "text") == "html_in_text_note"


def test_budget_numbers() -> None:
    got = estimate({"clients": 25_000, "work_orders": 10_000, "workflows": 8, "attachments": 3},
                   file_count=3, file_bytes=3 * 1048576, deferred_updates={"clients": 15_000},
                   requests_per_second=10, daily_api_limit=100_000)
    assert got["data_records"] == 35_000 and got["data_storage_mb"] == 68.4
    assert got["bulk"]["batches"] == 3 + 2 + 1  # 25k → 3, deferred 15k → 2, 10k → 1
    assert got["api_requests"]["files"] == 2 * 3 + 1
    assert got["extraction"]["requests"] == 25 + 10 + 1 + 1 + 3
    g = grade([(1.0, "a"), (1.0, "b")], work_hours=0.2)
    assert (g["grade"], g["label"], g["timeline"]["low_hours"], g["timeline"]["high_hours"]) == ("B", "Standard", 49, 73)
