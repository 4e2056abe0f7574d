"""The sandbox's life cycle: state folder, tenant source, database build, background server.

State of sandbox NAME lives in ``<state-dir>/servicetracker/NAME/``::

    tenant/            the generated tenant (when no --fixture is served)
    source.json        which folder the sandbox serves (a fixture folder or tenant/)
    tenant.db          the SQLite copy the server reads (rebuilt when the source folder changes)
    cursor.secret      HMAC key of the cursors (kept across restarts: cursors stay valid)
    keys.json          a minted API key, only when the served tenant.json lists none
    server.json        written by the running server once it listens; removed when it stops
    server.log         the background server's output

Start is idempotent: a running sandbox (server.json whose pid is alive and whose /health answers)
is reported, not started twice.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, NamedTuple

import psutil

from emulators.servicetracker.problems import BadInput, SandboxFailure
from emulators.servicetracker.store import build_store, store_is_current
from emulators.servicetracker.tenant import ApiKey, Scope, mint_key, read_tenant

__all__ = ["Paths", "sandbox_paths", "resolve_source", "ensure_store", "api_keys", "cursor_secret", "running_server",
           "start_background", "stop", "status", "write_json_atomic", "bind", "server_info", "public", "read_json",
           "DEFAULT_RECORDS", "DEFAULT_SEED"]

DEFAULT_RECORDS = 5_000
DEFAULT_SEED = 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")


class Paths(NamedTuple):
    root: Path
    tenant: Path
    source: Path
    db: Path
    secret: Path
    keys: Path
    server: Path
    log: Path


def sandbox_paths(state_dir: Path, name: str) -> Paths:
    if not _NAME.match(name):
        raise BadInput(f"sandbox name {name!r}: use 1-40 letters, digits, '-' or '_' (starting with a letter or digit).")
    root = state_dir.resolve() / "servicetracker" / name
    return Paths(root, root / "tenant", root / "source.json", root / "tenant.db", root / "cursor.secret",
                 root / "keys.json", root / "server.json", root / "server.log")


def write_json_atomic(path: Path, data: dict[str, Any], *, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
    os.replace(tmp, path)


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def resolve_source(paths: Paths, fixture: Path | None, *, records: int, seed: int,
                   progress: Callable[[str, int], None] | None = None) -> Path:
    """The folder to serve: ``fixture``, else the one served before, else a freshly generated tenant."""
    if fixture is not None:
        folder = fixture.resolve()
        if not folder.is_dir():
            raise BadInput(f"--fixture {fixture}: no such folder.")
        read_tenant(folder)
    else:
        previous = read_json(paths.source)
        folder = Path(previous["tenant_dir"]) if previous and Path(previous["tenant_dir"]).is_dir() else paths.tenant
        if not (folder / "tenant.json").is_file():
            from emulators.servicetracker.generator import generate

            generate(paths.tenant, records=records, seed=seed, progress=progress)
            folder = paths.tenant
    write_json_atomic(paths.source, {"tenant_dir": str(folder)})
    return folder


def ensure_store(paths: Paths, folder: Path, *, rebuild: bool = False,
                 progress: Callable[[str, int], None] | None = None) -> bool:
    """Build tenant.db from ``folder`` unless it is current; True when it was (re)built."""
    if not rebuild and store_is_current(paths.db, folder):
        return False
    paths.root.mkdir(parents=True, exist_ok=True)
    build_store(folder, paths.db, progress=progress)
    return True


def api_keys(paths: Paths, folder: Path) -> tuple[ApiKey, ...]:
    """The tenant's keys; when tenant.json lists none, one minted key kept in keys.json."""
    keys = read_tenant(folder).api_keys
    if keys:
        return keys
    stored = read_json(paths.keys)
    if not stored or not isinstance(stored.get("key"), str):
        stored = {"key": mint_key(), "name": "sandbox", "scopes": sorted(Scope)}
        write_json_atomic(paths.keys, stored, private=True)
    return (ApiKey(stored["key"], stored["name"], frozenset(stored["scopes"])),)


def cursor_secret(paths: Paths) -> bytes:
    if not paths.secret.is_file():
        paths.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(paths.secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return bytes.fromhex(paths.secret.read_text().strip())


def _alive(pid: int) -> bool:
    try:
        proc = psutil.Process(pid)
        return proc.status() != psutil.STATUS_ZOMBIE and "emulators.servicetracker" in " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/health", timeout=2) as resp:  # noqa: S310 - our own 127.0.0.1 server
            return resp.status == 200
    except OSError:
        return False


def running_server(paths: Paths) -> dict[str, Any] | None:
    """server.json of a live, answering server; None otherwise (a stale file is removed)."""
    info = read_json(paths.server)
    if not info:
        return None
    if _alive(int(info.get("pid", 0))) and _healthy(info["root_url"]):
        return info
    if not _alive(int(info.get("pid", 0))):
        paths.server.unlink(missing_ok=True)
    return None


def public(info: dict[str, Any]) -> dict[str, Any]:
    return {key: info[key] for key in ("name", "base_url", "api_key", "pid", "tenant_dir", "port", "state_dir")
            if key in info}


def start_background(paths: Paths, serve_args: list[str], *, timeout: float = 60.0) -> dict[str, Any]:
    """Spawn ``serve`` detached and wait until it answers; return its server.json."""
    paths.root.mkdir(parents=True, exist_ok=True)
    paths.server.unlink(missing_ok=True)
    with paths.log.open("ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "emulators.servicetracker", "serve", *serve_args],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = proc.poll()
        if code is not None:
            tail = paths.log.read_text(errors="replace").strip().splitlines()[-5:]
            raise SandboxFailure(f"the sandbox server exited with code {code} while starting: {' | '.join(tail)}")
        info = read_json(paths.server)
        if info and info.get("pid") == proc.pid and _healthy(info["root_url"]):
            return info
        time.sleep(0.1)
    proc.terminate()
    raise SandboxFailure(f"the sandbox server did not answer within {timeout:.0f} s (see {paths.log}).")


def stop(paths: Paths, *, timeout: float = 10.0) -> dict[str, Any]:
    info = read_json(paths.server)
    if not info or not _alive(int(info.get("pid", 0))):
        paths.server.unlink(missing_ok=True)
        return {"stopped": False, "was_running": False}
    pid = int(info["pid"])
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
    paths.server.unlink(missing_ok=True)
    return {"stopped": True, "was_running": True, "pid": pid}


def status(paths: Paths) -> dict[str, Any]:
    info = running_server(paths)
    source = read_json(paths.source)
    out: dict[str, Any] = {"running": info is not None, "state_dir": str(paths.root),
                           "tenant_dir": source["tenant_dir"] if source else None,
                           "database": str(paths.db) if paths.db.is_file() else None}
    if info:
        out.update(public(info))
        out["started_at"] = info.get("started_at")
    return out


def bind(host: str, port: int) -> socket.socket:
    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted connections only when the proto says TCP;
    # without it every keep-alive response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise BadInput(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port (0 = any free port).") from None
    sock.listen(512)
    return sock


def server_info(paths: Paths, name: str, host: str, port: int, key: ApiKey, folder: Path,
                options: dict[str, Any]) -> dict[str, Any]:
    root = f"http://{host}:{port}"
    return {"name": name, "base_url": f"{root}/api/v1", "root_url": root, "api_key": key.key, "pid": os.getpid(),
            "port": port, "tenant_dir": str(folder), "state_dir": str(paths.root), "database": str(paths.db),
            "started_at": datetime.now(timezone.utc).isoformat(), "options": options}
