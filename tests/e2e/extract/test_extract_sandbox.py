"""st2sf extract against the real sandbox: round trip, 429 storms, auth errors, churn, PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from control.ledger import Ledger, RunStatus, StepStatus
from control.servicetracker.extract import extract
from control.servicetracker.results import ExtractMode, PassKind
from control.settings import load_settings
from control.staging import BlobStore, FileStatus, StagingStore, staging_digest
from tests.contract.servicetracker.sandbox import run_cli
from tests.e2e.extract.conftest import KEY_ENV, cli_env


def _jsonl(path: Path) -> dict[str, dict]:
    with path.open("rb") as fh:
        return {r["id"]: r for r in map(json.loads, fh)}


def _store(project: Path) -> StagingStore:
    return StagingStore.open(load_settings(project, env={}).staging_url)


def test_a_fixture_round_trips_through_the_api(sandbox, make_project, st_fixture: Path, fixture_digest: str) -> None:
    box = sandbox("--rate-limit", "0")
    project = make_project("roundtrip", box, page_size=250)
    result = extract(load_settings(project), digest=True)
    assert result.digest is not None and result.digest.digest == fixture_digest
    store = _store(project)
    try:
        expected_files = sorted(p for p in st_fixture.glob("*.jsonl") if p.stem != "tombstones") + \
            sorted((st_fixture / "custom_tables").glob("*.jsonl"))
        for path in expected_files:
            resource = path.stem if path.parent == st_fixture else f"custom_tables/{path.stem}/rows"
            staged = {r.source_id: r.payload for r in store.iter_records(resource)}
            assert staged == _jsonl(path), resource
        tombstones = {(t.resource, t.source_id, t.deleted_at) for t in store.iter_tombstones()}
        with (st_fixture / "tombstones.jsonl").open() as fh:
            assert tombstones == {(t["resource"], t["id"], t["deleted_at"]) for t in map(json.loads, fh)}
        blobs = BlobStore(project / ".st2sf" / "blobs")
        states = {f.attachment_id: f for f in store.iter_files()}
        for att in _jsonl(st_fixture / "attachments.jsonl").values():
            body = st_fixture / "files" / att["id"]
            body = body if body.is_file() else st_fixture / "files" / att["sha256"]
            if body.is_file():
                assert states[att["id"]].status is FileStatus.STORED
                assert hashlib.sha256(blobs.path_for(att["sha256"]).read_bytes()).hexdigest() == att["sha256"]
            else:
                assert states[att["id"]].status is FileStatus.MISSING
    finally:
        store.close()
    ledger = Ledger.open(load_settings(project).ledger_url)
    run = ledger.get_run(result.run_id)
    steps = ledger.steps(result.run_id)
    assert run.status is RunStatus.COMPLETED and run.command == "extract"
    assert {s.name for s in steps} >= {"extract clients", "extract work_orders", "extract deleted_records",
                                       "extract files", "extract custom_tables/inspection_forms/rows"}
    assert all(s.status is StepStatus.COMPLETED for s in steps)
    ledger.close()


def test_a_429_and_503_storm_gives_the_same_staging(sandbox, make_project, fixture_digest: str) -> None:
    box = sandbox("--rate-limit", "0", "--storm-rate", "0.3", "--fault-rate", "0.1", "--storm-retry-after", "0",
                  "--storm-seed", "5")
    project = make_project("storm", box, page_size=200)
    result = extract(load_settings(project), digest=True)
    assert result.requests["rate_limited"] > 10 and result.requests["unavailable"] > 3
    assert result.digest is not None and result.digest.digest == fixture_digest


def _cli(project: Path, key: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "control.cli.app", "extract", *args], capture_output=True, text=True,
                          env=cli_env(project, key), timeout=300)


def test_auth_and_scope_errors_name_the_variable_to_set(sandbox, make_project, st_fixture: Path) -> None:
    box = sandbox("--rate-limit", "0")
    project = make_project("auth", box)
    missing = _cli(project, None)
    assert missing.returncode == 2 and KEY_ENV in missing.stderr and "No ServiceTracker API key" in missing.stderr

    wrong = _cli(project, "stk_test_" + "x" * 32, "--json")
    assert wrong.returncode == 2 and "refused the API key" in wrong.stderr and KEY_ENV in wrong.stderr
    assert "x" * 32 not in wrong.stderr + wrong.stdout
    assert json.loads(wrong.stdout)["error"]["code"] == "CONFIG"

    tenant = json.loads((st_fixture / "tenant.json").read_text())
    reporting = next(k["key"] for k in tenant["api_keys"] if k["scopes"] == ["records:read"])
    scoped = _cli(project, reporting)
    assert scoped.returncode == 2, scoped.stderr
    assert "lacks the scope" in scoped.stderr and KEY_ENV in scoped.stderr
    assert ("admin:read" in scoped.stderr) or ("files:read" in scoped.stderr)

    narrowed = _cli(project, reporting, "--skip", "workflows", "--skip", "mobile_devices", "--no-files", "--json")
    assert narrowed.returncode == 0, narrowed.stderr
    lines = [line for line in narrowed.stdout.splitlines() if line.strip()]
    assert len(lines) == 1  # --json: exactly one object on stdout
    feeds = {f["feed"] for f in json.loads(lines[0])["feeds"]}
    assert "workflows" not in feeds and "clients" in feeds


def test_incremental_mode_picks_up_churn_and_nothing_else(sandbox, make_project) -> None:
    box = sandbox("--rate-limit", "0")
    project = make_project("churn", box, page_size=500)
    settings = load_settings(project)
    first = extract(settings)
    assert {f.kind for f in first.feeds} == {PassKind.FULL}
    _, churned, _ = run_cli("churn", "--state-dir", str(box.state_dir), "--name", box.name, "--creates", "6",
                            "--updates", "9", "--deletes", "4", "--seed", "3")
    second = extract(settings, mode=ExtractMode.INCREMENTAL, digest=True)
    assert {f.kind for f in second.feeds} == {PassKind.INCREMENTAL}
    created, updated, deleted = ({} for _ in range(3))
    for bucket, key in ((created, "created"), (updated, "updated"), (deleted, "deleted")):
        for item in churned[key]:
            bucket.setdefault(item["resource"], set()).add(item["id"])
    got = {f.feed: f for f in second.feeds}
    for resource in set(created) | set(updated):
        assert got[resource].inserted == len(created.get(resource, set()) - deleted.get(resource, set())), resource
        assert got[resource].updated == len(updated.get(resource, set()) - created.get(resource, set())), resource
    untouched = set(got) - set(created) - set(updated) - {"deleted_records"}
    assert all(got[r].inserted == got[r].updated == 0 for r in untouched)
    assert got["deleted_records"].inserted == sum(len(v) for v in deleted.values())
    assert got["deleted_records"].deleted == sum(len(v) for v in deleted.values())

    fresh = make_project("fresh", box, page_size=500)
    clean = extract(load_settings(fresh), digest=True)
    assert second.digest == clean.digest  # incremental staging == a full extraction of the churned tenant


@pytest.mark.postgres
def test_postgres_staging_holds_the_same_content(sandbox, make_project, postgres_database: str,
                                                 fixture_digest: str) -> None:
    box = sandbox("--rate-limit", "0")
    project = make_project("pg", box, staging_url=postgres_database)
    result = extract(load_settings(project), digest=True)
    assert result.digest is not None and result.digest.digest == fixture_digest
    store = StagingStore.open(postgres_database)
    assert staging_digest(store).digest == fixture_digest
    assert store.engine.dialect.name == "postgresql"
    store.close()
