"""Driving the local emulators from the control plane — as separate processes, never by import.

``control`` never imports ``emulators``: it runs ``python -m emulators.<name> <command> …`` with the
same interpreter and reads the one JSON object the emulator prints with ``--json``. That is the same
boundary the control plane has with the real systems: a process on the other side of a socket.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Literal, Sequence

from control.errors import Failure, UsageError
from control.settings import Settings

__all__ = ["EmulatorName", "run_emulator", "exec_emulator", "configured_org_seed"]

EmulatorName = Literal["salesforce", "servicetracker"]


def _command(emulator: EmulatorName, args: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", f"emulators.{emulator}", *args]


def run_emulator(
    emulator: EmulatorName,
    args: Sequence[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 600.0,
) -> dict[str, Any]:
    """Run an emulator command with ``--json`` and return the JSON object it printed.

    The emulator's own exit codes carry through: 2 (bad input) becomes :class:`UsageError`,
    anything else non-zero a :class:`Failure`, with the emulator's message.
    """
    proc = subprocess.run(
        _command(emulator, [*args, "--json"]),
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    payload: dict[str, Any] | None = None
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if lines:
        try:
            payload = json.loads(lines[-1])
        except json.JSONDecodeError:
            payload = None
    if proc.returncode != 0:
        message = (payload or {}).get("error", {}).get("message") if payload else None
        message = message or (proc.stderr.strip().splitlines() or ["no output"])[-1]
        err = UsageError if proc.returncode == 2 else Failure
        raise err(f"{emulator} emulator: {message}")
    if payload is None:
        raise Failure(f"{emulator} emulator printed no JSON result (stderr: {proc.stderr.strip()[-300:]!r}).")
    return payload


def exec_emulator(emulator: EmulatorName, args: Sequence[str], *, cwd: Path | None = None) -> int:
    """Run an emulator command in the foreground, attached to this terminal; return its exit code."""
    return subprocess.call(_command(emulator, list(args)), cwd=cwd)


def configured_org_seed(settings: Settings, name: str) -> Path | None:
    """The seed a project names for emulated org ``name``: ``[orgs.NAME] seed`` in st2sf.toml, else
    ``orgs/emulator/NAME.yml`` when that file exists, else None (the emulator's default org)."""
    configured = settings.orgs.get(name)
    if configured and configured.seed:
        return (settings.root / configured.seed).resolve()
    conventional = settings.root / "orgs" / "emulator" / f"{name}.yml"
    return conventional if conventional.is_file() else None
