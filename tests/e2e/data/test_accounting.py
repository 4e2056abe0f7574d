"""Every staged record ends as exactly one of dataset / quarantined / skipped, per object, and the dataset's
files say so consistently (manifest, landed index, tables, quarantine file)."""

from __future__ import annotations

from collections import Counter

from control.staging import StagingStore
from control.transform.compile import staging_resource


def test_three_counts_add_up_to_the_staged_count_for_every_object(data_path) -> None:
    manifest = data_path.manifest()
    store = StagingStore.open(data_path.settings.staging_url)
    try:
        staged = store.counts()
    finally:
        store.close()
    accounted = {staging_resource(r): a for r, a in manifest["accounting"].items()}
    assert set(accounted) == set(staged)
    for resource, n in staged.items():
        a = accounted[resource]
        assert a["source"] == n, resource
        assert a["dataset"] + a["quarantined"] + a["skipped"] == n, resource
        assert a["balanced"] is True
    totals = manifest["totals"]
    assert totals["source"] == sum(staged.values()) == data_path.result.records
    assert totals["dataset"] + totals["quarantined"] + totals["skipped"] == totals["source"]


def test_landed_index_quarantine_file_and_tables_agree_with_the_counts(data_path) -> None:
    manifest = data_path.manifest()
    with data_path.db() as conn:
        statuses = Counter((r, s) for r, s in conn.execute("SELECT resource, status FROM st2sf_landed"))
        table_rows = {s["name"]: conn.execute(f'SELECT count(*) FROM "{s["name"]}"').fetchone()[0]
                      for s in manifest["steps"]}
    quarantine = data_path.quarantine()
    records = Counter(r for (r, _), entries in quarantine.items() if any(e["kind"] == "record" for e in entries))
    for resource, a in manifest["accounting"].items():
        assert statuses[(resource, "dataset")] == a["dataset"]
        assert statuses[(resource, "quarantined")] == a["quarantined"] == records[resource], resource
        assert statuses[(resource, "skipped")] + statuses[(resource, "matched")] == a["skipped"]
    assert {s["name"]: s["rows"] for s in manifest["steps"]} == table_rows
    # every quarantined row of an `also` route is counted for its route
    rows = Counter(e["route"] for entries in quarantine.values() for e in entries if e["kind"] == "row")
    assert dict(rows) == manifest["row_quarantined"]


def test_skipped_resources_carry_the_maps_reason(data_path) -> None:
    accounting = data_path.manifest()["accounting"]
    assert accounting["mobile_devices"]["dataset"] == 0
    assert accounting["mobile_devices"]["skipped"] == accounting["mobile_devices"]["source"] > 0
    [reason] = accounting["mobile_devices"]["skipped_reasons"]
    assert reason.startswith("Device state is checked before cutover")
    assert accounting["workflows"]["skipped"] == accounting["workflows"]["source"] > 0
    matched = accounting["technicians"]["matched"]
    assert matched > 0 and accounting["technicians"]["skipped"] == matched


def test_the_build_is_a_ledger_run_with_a_step_per_resource(data_path) -> None:
    from control.ledger import Ledger, RunStatus, StepStatus

    ledger = Ledger.open(data_path.settings.ledger_url)
    try:
        run = ledger.get_run(data_path.result.run_id)
        assert run.command == "dataset build" and run.status is RunStatus.COMPLETED
        assert run.options["map_digest"] == data_path.result.map_digest
        steps = {s.name: s for s in ledger.steps(run.id)}
    finally:
        ledger.close()
    assert all(s.status is StepStatus.COMPLETED for s in steps.values())
    accounting = data_path.result.accounting
    for resource in ("clients", "work_orders", "notes"):
        counts = steps[f"transform {resource}"].counts
        assert counts["source"] == accounting[resource]["source"]
        assert counts.get("quarantined", 0) <= accounting[resource]["quarantined"]  # settling may add more
    assert "skip mobile_devices" in steps and "settle lookups" in steps and "write dataset" in steps
