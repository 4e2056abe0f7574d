"""Test helpers: run the ServiceTracker sandbox as a real process and talk to it with httpx.

Every sandbox a test starts is stopped by the fixture that started it (``stop`` kills only the pid
the sandbox recorded).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator, NamedTuple

import httpx

__all__ = ["Sandbox", "run_cli", "start_sandbox", "stop_sandbox", "paginate", "load_jsonl"]


class Sandbox(NamedTuple):
    base_url: str
    api_key: str
    pid: int
    tenant_dir: Path
    state_dir: Path
    name: str

    def client(self, key: str | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {key or self.api_key}"},
                            timeout=30.0)


def run_cli(*args: str, check: bool = True) -> tuple[int, dict[str, Any], str]:
    proc = subprocess.run([sys.executable, "-m", "emulators.servicetracker", *args, "--json"],
                          capture_output=True, text=True, timeout=300)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    payload = json.loads(lines[-1]) if lines else {}
    if check and proc.returncode != 0:
        raise AssertionError(f"sandbox {args[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return proc.returncode, payload, proc.stderr


def start_sandbox(state_dir: Path, name: str, *extra: str) -> Sandbox:
    _, info, _ = run_cli("start", "--state-dir", str(state_dir), "--name", name, *extra)
    return Sandbox(info["base_url"], info["api_key"], info["pid"], Path(info["tenant_dir"]), state_dir, name)


def stop_sandbox(sandbox: Sandbox) -> None:
    run_cli("stop", "--state-dir", str(sandbox.state_dir), "--name", sandbox.name)


def paginate(client: httpx.Client, path: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Every record of a list endpoint, page by page, following next_cursor."""
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get(path, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        yield from page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            return


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open("rb") as fh:
        return [json.loads(line) for line in fh]
