"""``st2sf plan`` on the built dataset against the emulated org's real /limits: parents first, cycles and
self-lookups deferred, API per step, and a plan refused (exit 2) when a deliberately small limit is set."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys

import httpx
import pytest

from control.errors import LimitExceededError
from control.plan import make_plan


def _admin(org, method: str, payload: dict | None = None) -> dict:
    with httpx.Client(verify=ssl.create_default_context(cafile=org.ca_bundle), timeout=30) as client:
        reply = client.request(method, f"{org.instance_url}/_emulator/limits", json=payload,
                               headers={"X-Emulator-Admin-Token": org.details["admin_token"]})
    reply.raise_for_status()
    return reply.json()


def test_plan_orders_parents_first_and_defers_cycles(data_path) -> None:
    plan = make_plan(data_path.settings)
    assert plan.fits and plan.path.is_file()
    loads = [s.name for s in plan.steps if s.kind == "load"]
    position = {name: i for i, name in enumerate(loads)}
    # the brief's sequence, through the default map's routes
    sequence = ["client_account", "contact", "asset", "contract", "work_order_case"]
    assert [position[n] for n in sequence] == sorted(position[n] for n in sequence)
    manifest = data_path.manifest()
    deferred = {(d["step"], d["field"]) for d in manifest["deferred"]}
    for spec in manifest["steps"]:
        if spec["kind"] != "load":
            continue
        for lookup in spec["lookups"]:
            for table in lookup["tables"]:
                if table in position and (spec["name"], lookup["field"]) not in deferred:
                    assert position[table] < position[spec["name"]], (spec["name"], lookup["field"], table)
    updates = {(s.name, s.after): s for s in plan.steps if s.kind == "update"}
    assert ("update client_account after client_account", "client_account") in updates
    assert updates[("update project_custom after work_order_custom", "work_order_custom")].fields == \
        ("Primary_Work_Order__c",)
    # every update runs right after the step it waits for
    names = [s.name for s in plan.steps]
    for (name, after), _ in updates.items():
        assert names.index(name) > names.index(after)
    assert ("project_opportunity", "project_custom", "work_order_case", "work_order_custom") in plan.cycles
    assert any("part of a cycle" in w for w in plan.warnings)
    written = json.loads(plan.path.read_text())
    assert written["fits"] is True and written["steps"][0]["name"] == "technicians_account"
    assert {s.cost.api for s in plan.steps if s.kind == "load"} == {"rest"}  # every step is below 2,000 rows here


def test_budget_reads_the_orgs_remaining_allocations(data_path) -> None:
    limits = _admin(data_path.org, "GET")
    plan = make_plan(data_path.settings)
    api = plan.budget["api_requests"]
    assert api.limit == "DailyApiRequests" and api.max == limits["api_requests"]["max"]
    assert 0 < api.need <= api.remaining <= api.max - limits["api_requests"]["used"]
    data = plan.budget["data_storage_mb"]
    rows = sum(s["rows"] for s in data_path.manifest()["steps"] if s["kind"] == "load")
    assert data.need == -(-rows * 2048 // 1048576)
    files = plan.budget["file_storage_mb"]
    assert files.need == -(-data_path.manifest()["files_summary"]["bytes"] // 1048576)


def test_a_plan_that_exceeds_a_small_org_limit_is_refused_naming_the_limit(data_path) -> None:
    org = data_path.org
    before = _admin(org, "GET")
    _admin(org, "PATCH", {"data_storage_mb": 0.5, "bulk_batches": 15000})
    try:
        with pytest.raises(LimitExceededError) as caught:
            make_plan(data_path.settings)
        message = str(caught.value)
        assert "DataStorageMB" in message and "left of 0" in message and "needs" in message
        assert "DailyApiRequests" not in message  # only the limits that do not fit are named
        assert caught.value.exit_code == 2
        written = json.loads((data_path.folder / "plan.json").read_text())
        assert written["fits"] is False and written["budget"]["data_storage_mb"]["fits"] is False
        env = {k: v for k, v in os.environ.items() if not k.startswith("ST2SF_")}
        proc = subprocess.run([sys.executable, "-m", "control.cli.app", "-C", str(data_path.root), "plan", "--json"],
                              capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode == 2
        out = json.loads(proc.stdout)
        assert out["ok"] is False and out["error"]["code"] == "LIMIT_EXCEEDED"
        assert out["error"]["limits"][0]["limit"] == "DataStorageMB"
    finally:
        _admin(org, "PATCH", {"data_storage_mb": None, "bulk_batches": None, **{
            k: v for k, v in before.get("overrides", {}).items()}})
    assert make_plan(data_path.settings).fits
