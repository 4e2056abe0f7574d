"""Crash semantics: a step is completed only after its work committed; a kill -9 anywhere leaves a
ledger that verifies, and the next run sees what was interrupted."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from control.ledger import Ledger, RunStatus, StepStatus, verify_ledger

_CHILD = textwrap.dedent(
    """
    import sqlite3, sys, time
    from control.ledger import Ledger
    ledger_url, work_db, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    led = Ledger.open(ledger_url)
    run = led.start_run("migrate", {"mode": mode})
    led.plan_steps(run.id, ["load Account", "load Contact"])
    led.start_step(run.id, "load Account")
    con = sqlite3.connect(work_db)
    con.execute("CREATE TABLE IF NOT EXISTS work (n INTEGER)")
    con.execute("INSERT INTO work VALUES (1)")
    con.commit()                      # the step's work has committed ...
    if mode == "after-complete":
        led.complete_step(run.id, "load Account", {"created": 1})
    print(run.id, flush=True)         # ... tell the parent, then wait to be killed
    time.sleep(60)
    """
)


def _spawn(tmp_path: Path, mode: str) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, f"sqlite:///{tmp_path / 'ledger.db'}", str(tmp_path / "work.db"), mode],
        stdout=subprocess.PIPE, text=True, env=env,
    )
    assert proc.stdout is not None
    run_id = proc.stdout.readline().strip()
    assert run_id, "child did not report its run id"
    return proc, run_id


def _kill9(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def test_kill_between_work_and_completion_leaves_step_started(tmp_path: Path) -> None:
    proc, run_id = _spawn(tmp_path, "before-complete")
    _kill9(proc)

    led = Ledger.open(f"sqlite:///{tmp_path / 'ledger.db'}")
    steps = {s.name: s.status for s in led.steps(run_id)}
    assert steps == {"load Account": StepStatus.STARTED, "load Contact": StepStatus.PLANNED}
    assert sqlite3.connect(tmp_path / "work.db").execute("SELECT count(*) FROM work").fetchone() == (1,)
    # the next run of the same command sees the interrupted one
    interrupted = led.unfinished_runs("migrate")
    assert [(r.id, r.status) for r in interrupted] == [(run_id, RunStatus.INTERRUPTED)]
    assert led.get_run(run_id).status is RunStatus.INTERRUPTED
    assert verify_ledger(led).ok
    # resuming: a new run that names the one it continues; the old one can be closed as abandoned
    resumed = led.start_run("migrate", {}, resumes=run_id)
    led.finish_run(run_id, RunStatus.ABANDONED)
    assert led.get_run(resumed.id).resumes == run_id
    assert led.unfinished_runs("migrate") == []
    led.close()


def test_kill_after_completion_keeps_step_completed(tmp_path: Path) -> None:
    proc, run_id = _spawn(tmp_path, "after-complete")
    _kill9(proc)
    led = Ledger.open(f"sqlite:///{tmp_path / 'ledger.db'}")
    assert {s.name: s.status for s in led.steps(run_id)}["load Account"] is StepStatus.COMPLETED
    assert verify_ledger(led).ok
    led.close()


_WRITER = textwrap.dedent(
    """
    import sys
    from control.ledger import Ledger, IdMapEntry, Action
    led = Ledger.open(sys.argv[1])
    run = led.start_run("migrate", {})
    print("ready", flush=True)
    i = 0
    while True:
        led.record_ids(run.id, "load", [IdMapEntry("Account", f"K{i}-{j}", "001000000000001AAA", Action.CREATED)
                                        for j in range(500)])
        i += 1
    """
)


def test_kill_during_ledger_writes_never_breaks_the_chain(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    for delay in (0.05, 0.2, 0.45):
        proc = subprocess.Popen([sys.executable, "-c", _WRITER, url], stdout=subprocess.PIPE, text=True, env=env)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
        _kill9(proc)
    led = Ledger.open(url)
    report = verify_ledger(led)
    assert report.ok, report
    batches = sum(1 for e in led.audit_entries() if e.event == "ids.recorded")
    assert batches > 0
    total = sum(led.id_counts(r.id).get(("Account", "created"), 0) for r in led.list_runs())
    assert total == 500 * batches  # every recorded batch is whole: no half-written batch survives
    led.close()
