"""Rolling usage windows, allocation overrides, storage accounting and fault configuration, without a server."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from emulators.salesforce.faults.config import FaultConfigError, parse_faults
from emulators.salesforce.faults.injector import FaultInjector
from emulators.salesforce.limits import OrgLimits, QuotaExceeded, UsageKind
from emulators.salesforce.limits.allocations import AllocationError, parse_overrides
from emulators.salesforce.dml.errors import RecordFailure
from emulators.salesforce.org.clock import OrgClock
from emulators.salesforce.org.identity import OrgIdentity
from emulators.salesforce.state.db import open_database

START = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


def _identity(**overrides) -> OrgIdentity:
    values = dict(name="u", org_id="00D000000000001AAA", pod="0a", display_name="U", edition="Enterprise", licenses=10,
                  sandbox=False, sandbox_name=None, instance_name="NA1", admin_user_id="005000000000001AAA",
                  username="a@u.example.com", time_zone="UTC", created="2026-01-01T00:00:00.000+0000")
    values.update(overrides)
    return OrgIdentity(**values)


@pytest.fixture()
def org_limits(tmp_path: Path):
    db = open_database(tmp_path / "org.db")
    clock = OrgClock(source=lambda: START)
    limits = OrgLimits(db, _identity(), clock)
    yield db, clock, limits
    db.close()


def test_api_requests_roll_over_24_hours(org_limits):
    db, clock, limits = org_limits
    with db.transaction():
        for _ in range(3):
            limits.count_api_request()
    clock.advance(6 * 3600)
    with db.transaction():
        limits.count_api_request()
    assert limits.api_requests_used() == 4
    clock.advance(18 * 3600)  # the first three are now a day old
    assert limits.api_requests_used() == 1
    assert limits.api_request_max() == 110_000  # Enterprise: 100,000 + 1,000 × 10 licences


def test_quota_reservations_refuse_past_the_maximum(org_limits):
    db, clock, limits = org_limits
    limits.set_overrides({"bulk_batches": 2})
    with db.transaction():
        limits.reserve_batches(2)
        with pytest.raises(QuotaExceeded) as refused:
            limits.reserve_batches(1)
    assert (refused.value.kind, refused.value.used, refused.value.maximum) == (UsageKind.BULK_BATCHES, 2, 2)


def test_storage_is_kept_by_triggers_and_checked_before_inserts(org_limits):
    db, clock, limits = org_limits
    conn = db.conn
    with db.transaction():
        conn.execute("INSERT INTO records (id, sobject, deleted, data) VALUES ('a', 'Account', 0, '{}')")
        conn.execute("INSERT INTO records (id, sobject, deleted, data) VALUES ('u', 'User', 0, '{}')")
        conn.execute("INSERT INTO records (id, sobject, deleted, data) VALUES ('c', 'Campaign', 0, '{}')")
        conn.execute("""INSERT INTO records (id, sobject, deleted, data) VALUES ('f', 'ContentVersion', 0, '{"ContentSize": 5000}')""")
    assert limits.storage.used() == (2048 + 8192, 5000)
    with db.transaction():
        conn.execute("UPDATE records SET deleted = 1 WHERE id = 'a'")
    assert limits.storage.used() == (8192, 5000)
    limits.set_overrides({"data_storage_mb": 10240 / (1024 * 1024)})  # 10 KB: room for one more Account
    limits.check_storage("Account")
    limits.check_storage("User")  # setup objects cost nothing
    with db.transaction():
        conn.execute("INSERT INTO records (id, sobject, deleted, data) VALUES ('b', 'Account', 0, '{}')")
    with pytest.raises(RecordFailure) as full:
        limits.check_storage("Account")
    assert (full.value.status_code, full.value.message) == ("STORAGE_LIMIT_EXCEEDED", "storage limit exceeded")


def test_sandbox_and_developer_allocations():
    from emulators.salesforce.limits.allocations import default_allocations

    assert default_allocations(_identity(sandbox=True)).api_requests == 5_000_000
    developer = default_allocations(_identity(edition="Developer"))
    assert (developer.api_requests, developer.data_storage_mb) == (15_000, 5.0)
    assert default_allocations(_identity(edition="Unlimited", licenses=2)).api_requests == 110_000


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"api_requests": 1.5}, "limits.api_requests must be a whole number ≥ 0, got 1.5"),
        ({"data_storage_mb": -1}, "limits.data_storage_mb must be a number ≥ 0 (megabytes), got -1"),
        ({"colour": 1}, "unknown limits ['colour']"),
    ],
)
def test_bad_overrides_say_what_to_change(overrides, message):
    with pytest.raises(AllocationError) as bad:
        parse_overrides(overrides)
    assert str(bad.value).startswith(message)


def test_fault_configuration_validation():
    config = parse_faults({"seed": 4, "error_rate": 0.25, "paths": ["/services/async"]})
    assert config.applies_to("/services/async/59.0/job") and not config.applies_to("/services/data/v59.0/limits")
    with pytest.raises(FaultConfigError) as bad:
        parse_faults({"latency_ms": -5, "error_statuses": [404]})
    assert str(bad.value) == ("invalid fault configuration: latency_ms must be a whole number ≥ 0, got -5; "
                              "error_statuses must be a non-empty list of 500, 502, 503, 504, got [404]")


def test_fault_decisions_follow_the_seed(org_limits):
    db, clock, limits = org_limits
    injector = FaultInjector(db, limits)
    injector.configure(parse_faults({"seed": 9, "lock_row_rate": 0.5}))
    drawn = [injector.lock_row() for _ in range(40)]
    rng = random.Random("9/rows")
    assert drawn == [rng.random() < 0.5 for _ in range(40)]
    injector.configure(parse_faults({"seed": 9, "lock_row_rate": 0.5}))
    assert [injector.lock_row() for _ in range(40)] == drawn
    assert FaultInjector(db, limits).config.lock_row_rate == 0.5  # kept in the org database
    injector.configure(parse_faults({"request_limit": 7}))
    assert limits.api_request_max() == 7
