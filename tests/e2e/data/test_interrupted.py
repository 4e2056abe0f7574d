"""A build killed half-way (kill -9), then run again, gives the same dataset as an uninterrupted build; the
interrupted run is recorded as abandoned and the new one names it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys

from control.ledger import Ledger, RunStatus


def _tables(path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: conn.execute(f'SELECT * FROM "{n}" ORDER BY 1').fetchall() for n in names if n != "st2sf_keys"}
    finally:
        conn.close()


def test_kill_during_the_build_then_again_gives_the_same_dataset(data_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ST2SF_")}
    args = [sys.executable, "-m", "control.cli.app", "-C", str(data_path.root), "dataset", "build", "--name",
            "killed", "--batch", "50"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("transform work_orders: started"):
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    folder = data_path.root / "datasets" / "killed"
    assert not (folder / "dataset.json").exists() and (folder / "killed.db.building").exists()
    done = subprocess.run([*args, "--json"], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["accounting"] == data_path.result.accounting
    assert not (folder / "killed.db.building").exists()
    assert _tables(folder / "killed.db") == _tables(data_path.result.database)
    assert (folder / "quarantine.jsonl").read_bytes() == (data_path.folder / "quarantine.jsonl").read_bytes()
    ledger = Ledger.open(data_path.settings.ledger_url)
    try:
        run = ledger.get_run(result["run_id"])
        assert run.resumes is not None and ledger.get_run(run.resumes).status is RunStatus.ABANDONED
    finally:
        ledger.close()
