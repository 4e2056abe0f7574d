"""``st2sf emulate servicetracker start/status/stop/churn --json`` through the real st2sf CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest


def _st2sf(project: Path, state: Path, *args: str) -> tuple[int, dict, str]:
    env = {**os.environ, "ST2SF_PROJECT": str(project), "ST2SF_STATE_DIR": str(state)}
    proc = subprocess.run([sys.executable, "-m", "control.cli.app", "emulate", "servicetracker", *args, "--json"],
                          capture_output=True, text=True, env=env, timeout=300)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) <= 1, proc.stdout  # --json: exactly one object on stdout
    return proc.returncode, (json.loads(lines[0]) if lines else {}), proc.stderr


@pytest.mark.slow
def test_start_status_churn_stop_through_the_cli(tmp_path: Path, st_tenant: Path) -> None:
    project, state = tmp_path / "project", tmp_path / "state"
    project.mkdir()
    code, started, err = _st2sf(project, state, "start", "--fixture", str(st_tenant), "--rate-limit", "0")
    try:
        assert code == 0, err
        assert set(started) >= {"base_url", "api_key", "pid", "tenant_dir"} and started["started"] is True
        assert started["api_key"].startswith("stk_test_")  # revealed on purpose for a local sandbox
        assert started["tenant_dir"] == str(st_tenant)
        assert Path(started["state_dir"]) == state.resolve() / "servicetracker" / "demo"
        response = httpx.get(f"{started['base_url']}/tenant", headers={"Authorization": f"Bearer {started['api_key']}"})
        assert response.status_code == 200

        code, again, _ = _st2sf(project, state, "start")
        assert code == 0 and again["started"] is False
        assert {k: again[k] for k in ("base_url", "api_key", "pid", "tenant_dir")} == \
               {k: started[k] for k in ("base_url", "api_key", "pid", "tenant_dir")}

        code, status, _ = _st2sf(project, state, "status")
        assert code == 0 and status["running"] is True and status["pid"] == started["pid"]

        code, churned, _ = _st2sf(project, state, "churn", "--updates", "3", "--seed", "2")
        assert code == 0 and churned["counts"] == {"created": 0, "updated": 3, "deleted": 0}
    finally:
        code, stopped, _ = _st2sf(project, state, "stop")
    assert code == 0 and stopped["stopped"] is True and stopped["pid"] == started["pid"]
    code, status, _ = _st2sf(project, state, "status")
    assert status["running"] is False
    code, stopped, _ = _st2sf(project, state, "stop")
    assert stopped["stopped"] is False


def test_bad_input_exits_2_with_a_json_error(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    code, payload, err = _st2sf(project, tmp_path / "state", "start", "--fixture", str(tmp_path / "nowhere"))
    assert code == 2
    assert payload["ok"] is False and "no such folder" in payload["error"]["message"]
    assert "no such folder" in err


def test_a_taken_port_is_bad_input(tmp_path: Path, st_tenant: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code, payload, _ = _st2sf(tmp_path, tmp_path / "state", "start", "--fixture", str(st_tenant),
                                  "--port", str(port))
    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in payload["error"]["message"]
