"""The ledger on a real PostgreSQL server: same behaviour, same tamper detection."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from control.ledger import Action, IdMapEntry, Ledger, RunStatus, StepStatus, verify_ledger

pytestmark = pytest.mark.postgres


def test_ledger_on_postgres(postgres_database: str) -> None:
    led = Ledger.open(postgres_database)
    run = led.start_run("migrate", {"org": "uat"}, actor="alice")
    led.plan_steps(run.id, ["load Account"])
    with led.step(run.id, "load Account") as counts:
        counts["created"] = 2
    led.record_ids(run.id, "load Account", [
        IdMapEntry("Account", "CL-1", "001000000000001AAA", Action.CREATED),
        IdMapEntry("Account", "CL-2", "001000000000002AAA", Action.CREATED)])
    led.finish_run(run.id, RunStatus.COMPLETED)
    assert [s.status for s in led.steps(run.id)] == [StepStatus.COMPLETED]
    assert verify_ledger(led) == (True, 6, None, None)

    with led.engine.begin() as conn:
        conn.execute(text("UPDATE id_map SET salesforce_id = '001000000000003AAA' WHERE source_key = 'CL-1'"))
    report = verify_ledger(led)
    assert (report.ok, report.first_bad_seq) == (False, 5)
    led.close()
