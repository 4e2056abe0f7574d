"""Churn during cutover: changes appear through updated_since and tombstones through /deleted_records."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterator

import pytest

from emulators.servicetracker.churn import CREATABLE
from emulators.servicetracker.clock import parse_instant
from tests.contract.servicetracker.sandbox import Sandbox, paginate, run_cli, start_sandbox, stop_sandbox


@pytest.fixture(scope="module")
def churned(st_tenant: Path, st_state: Path) -> Iterator[Sandbox]:
    box = start_sandbox(st_state, "churned", "--fixture", str(st_tenant), "--rate-limit", "0")
    yield box
    stop_sandbox(box)


def test_churn_is_visible_through_updated_since_and_the_deleted_feed(churned: Sandbox) -> None:
    with churned.client() as client:
        first = client.get("/work_orders", params={"limit": 1}).json()
        watermark = datetime.fromisoformat(first["server_time"].replace("Z", "+00:00")) - timedelta(seconds=60)
        _, result, _ = run_cli("churn", "--state-dir", str(churned.state_dir), "--name", churned.name,
                               "--creates", "6", "--updates", "6", "--deletes", "6", "--seed", "4")
        assert result["counts"] == {"created": 6, "updated": 6, "deleted": 6}
        changed = {(c["resource"], c["id"]) for c in result["created"] + result["updated"]}
        seen = set()
        for resource in {r for r, _ in changed} | set(CREATABLE):
            for record in paginate(client, f"/{resource}", updated_since=watermark.isoformat(), limit=100):
                seen.add((resource, record["id"]))
                assert parse_instant(record["updated_at"]) >= parse_instant(watermark.isoformat())
        assert seen == changed
        tombs = list(paginate(client, "/deleted_records", deleted_since=watermark.isoformat()))
        assert {(t["resource"], t["id"]) for t in tombs} == {(d["resource"], d["id"]) for d in result["deleted"]}
        for gone in result["deleted"]:
            response = client.get(f"/{gone['resource']}/{gone['id']}")
            assert response.status_code == 404 and response.json()["error"]["details"]["deleted"] is True
        for made in result["created"]:
            assert client.get(f"/{made['resource']}/{made['id']}").json()["data"]["updated_at"] == made["updated_at"]
        for resource in {d["resource"] for d in result["deleted"]}:
            listed = {r["id"] for r in paginate(client, f"/{resource}", limit=1000)}
            gone = {d["id"] for d in result["deleted"] if d["resource"] == resource}
            assert gone and not listed & gone


def test_cursors_issued_before_a_rebuild_are_stale(churned: Sandbox, st_tenant: Path) -> None:
    with churned.client() as client:
        cursor = client.get("/clients", params={"limit": 2}).json()["next_cursor"]
    stop_sandbox(churned)
    rebuilt = start_sandbox(churned.state_dir, churned.name, "--fixture", str(st_tenant), "--rate-limit", "0",
                            "--rebuild")
    with rebuilt.client() as client:
        response = client.get("/clients", params={"cursor": cursor})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cursor_stale"
