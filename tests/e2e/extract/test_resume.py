"""kill -9 at any point, run again: staging ends exactly as after an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from control.ledger import Ledger, RunStatus, StepStatus, verify_ledger
from control.servicetracker.extract import extract
from control.settings import load_settings
from control.staging import BlobStore
from tests.e2e.extract.conftest import cli_env


def _count(db: Path, sql: str) -> int:
    if not db.is_file():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def _run_until(project: Path, key: str, condition, *, limit: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Start `st2sf extract`; kill -9 it as soon as ``condition()`` holds."""
    proc = subprocess.Popen([sys.executable, "-m", "control.cli.app", "extract", "--json"], env=cli_env(project, key),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + limit
    try:
        while not condition():
            assert proc.poll() is None, "the extraction finished before it could be interrupted"
            assert time.monotonic() < deadline, "the interruption point was never reached"
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_kill9_during_pages_and_during_downloads_then_resume(sandbox, make_project, fixture_digest: str) -> None:
    box = sandbox("--rate-limit", "40", "--burst", "5")
    project = make_project("resume", box, page_size=40, concurrency=3)
    staging = project / ".st2sf" / "staging.db"
    _run_until(project, box.api_key, lambda: _count(staging, "SELECT count(*) FROM records") >= 600)
    pages_at_kill = _count(staging, "SELECT sum(pages) FROM checkpoints")
    assert pages_at_kill >= 15
    _run_until(project, box.api_key, lambda: _count(staging, "SELECT count(*) FROM files") >= 5)

    result = extract(load_settings(project), digest=True)
    assert result.digest is not None and result.digest.digest == fixture_digest
    # the third run continued the second, which continued the first; nothing was read twice from scratch
    assert result.resumed_run is not None
    ledger = Ledger.open(load_settings(project).ledger_url)
    runs = ledger.list_runs(command="extract")
    assert [r.status for r in runs] == [RunStatus.COMPLETED, RunStatus.ABANDONED, RunStatus.ABANDONED]
    assert runs[0].resumes == runs[1].id and runs[1].resumes == runs[2].id
    assert all(s.status is StepStatus.COMPLETED for s in ledger.steps(runs[0].id))
    assert verify_ledger(ledger).ok
    ledger.close()
    resumed_reads = sum(f.fetched for f in result.feeds if f.feed != "deleted_records")
    assert resumed_reads < 2500  # pages committed before the kills were not fetched again


def test_a_partial_download_resumes_with_a_range_request(sandbox, make_project, st_fixture: Path) -> None:
    box = sandbox("--rate-limit", "0")
    project = make_project("range", box)
    atts = [json.loads(line) for line in (st_fixture / "attachments.jsonl").open()]
    biggest = max((a for a in atts if (st_fixture / "files" / a["id"]).is_file()
                   or (st_fixture / "files" / a["sha256"]).is_file()), key=lambda a: a["size_bytes"])
    body_path = st_fixture / "files" / biggest["id"]
    body_path = body_path if body_path.is_file() else st_fixture / "files" / biggest["sha256"]
    half = biggest["size_bytes"] // 2
    blobs = BlobStore(project / ".st2sf" / "blobs")
    with body_path.open("rb") as fh:
        blobs.partial_path(biggest["id"]).write_bytes(fh.read(half))
    result = extract(load_settings(project))
    total = sum(a["size_bytes"] for a in atts if (st_fixture / "files" / a["id"]).is_file()
                or (st_fixture / "files" / a["sha256"]).is_file())
    assert result.files.bytes == total - half  # only the missing half of that body crossed the wire
    assert blobs.verify(biggest["sha256"])
