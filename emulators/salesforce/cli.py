"""``python -m emulators.salesforce {start,stop,status,reset,serve} NAME --state-dir DIR …``.

=========  ==========================================================================
command    does
=========  ==========================================================================
start      create the org from its seed if needed, start its server in the
           background, print its details; a running org is reported, not restarted
stop       stop the org's server (SIGTERM, then SIGKILL after 15 s)
status     every org under the state dir (or just NAME): running or not, URL, user
reset      rebuild the org from its seed (``--seed``, else the seed it was made from);
           a running org is restarted on the same port
serve      run the org's server in the foreground (what ``start`` runs detached)
export     print the org's full state (schema + records) as deterministic JSON
=========  ==========================================================================

``start``/``reset``/``serve`` take ``--faults FILE`` and ``--limits FILE`` (YAML or JSON): fault
injection and limit overrides, validated before the server starts and kept by the org.
``export`` takes ``--no-system-fields`` to leave out audit fields (for before/after comparisons).

With ``--json`` exactly one JSON object goes to stdout. Exit codes: 0 ok, 2 the input is wrong
(bad name, bad seed, port taken, sandbox/production mismatch), 1 the work failed.

Details printed by ``start``/``reset``: ``instance_url``, ``access_token``, ``username``, ``org_id``,
``user_id``, ``ca_bundle``, ``pid``, ``port``, ``sandbox``, ``login_url``, ``client_id``,
``client_secret``, ``refresh_token``, ``jwt_key_file`` (the connected app's private key, for the JWT
bearer flow), ``admin_token`` (for the loopback admin endpoint ``/_emulator/…``), ``log_file``,
``started`` (whether this call started the server) and ``cumulusci_env``
(``{"CUMULUSCI_ORG_<NAME>": "<org config JSON>"}`` for CumulusCI's environment keychain). These are
the emulator's own credentials, not secrets of any real system.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from emulators.salesforce.admin.export import export_chunks
from emulators.salesforce.admin.startup import SettingsFileError, read_faults_file, read_limits_file
from emulators.salesforce.admin.token import ensure_admin_token
from emulators.salesforce.certs import ensure_tls_files
from emulators.salesforce.org.identity import OrgPaths, org_paths, valid_org_name
from emulators.salesforce.orgs import (
    OrgUsageError,
    choose_port,
    ensure_org,
    list_org_names,
    read_snapshot,
    remove_org_data,
)
from emulators.salesforce.server_info import read_server_info

__all__ = ["main"]

_START_TIMEOUT = 60.0
_STOP_TIMEOUT = 15.0


class _Failure(RuntimeError):
    """The work failed (exit code 1)."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True
    if b"emulators.salesforce" not in cmdline:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[-1][:1] != "Z"


def running_pid(paths: OrgPaths) -> int | None:
    info = read_server_info(paths)
    if info and isinstance(info.get("pid"), int) and _alive(info["pid"]):
        return int(info["pid"])
    return None


def env_var_name(name: str) -> str:
    return "CUMULUSCI_ORG_" + "".join(c if c.isalnum() else "_" for c in name).upper()


def details(paths: OrgPaths, *, pid: int | None, started: bool) -> dict[str, Any]:
    snap = read_snapshot(paths)
    ident = snap.identity
    tls = ensure_tls_files(paths.state_dir)
    port = snap.port
    instance_url = f"https://127.0.0.1:{port}"
    cci = {
        "instance_url": instance_url,
        "access_token": snap.token,
        "id": f"{instance_url}/id/{ident.org_id}/{ident.admin_user_id}",
        "username": ident.username,
    }
    return {
        "org": paths.name,
        "instance_url": instance_url,
        "access_token": snap.token,
        "username": ident.username,
        "org_id": ident.org_id,
        "user_id": ident.admin_user_id,
        "ca_bundle": str(tls.ca_bundle),
        "pid": pid,
        "port": port,
        "sandbox": ident.sandbox,
        "login_url": ident.login_url,
        "client_id": snap.consumer_key,
        "client_secret": snap.consumer_secret,
        "refresh_token": snap.refresh_token,
        "jwt_key_file": str(paths.app_key) if paths.app_key.is_file() else None,
        "admin_token": ensure_admin_token(paths.db),
        "log_file": str(paths.log),
        "started": started,
        "cumulusci_env": {env_var_name(paths.name): json.dumps(cci)},
    }


def _settings_args(args: argparse.Namespace) -> list[str]:
    """Validate ``--faults``/``--limits`` here (a usage error before anything starts) and pass them on."""
    out: list[str] = []
    try:
        if getattr(args, "faults", None):
            read_faults_file(args.faults)
            out += ["--faults", str(Path(args.faults).resolve())]
        if getattr(args, "limits", None):
            read_limits_file(args.limits)
            out += ["--limits", str(Path(args.limits).resolve())]
    except SettingsFileError as exc:
        raise OrgUsageError(str(exc)) from None
    return out


def _spawn(paths: OrgPaths, port: int, extra: list[str] | None = None) -> int:
    paths.folder.mkdir(parents=True, exist_ok=True)
    log = open(paths.log, "ab")
    cmd = [sys.executable, "-m", "emulators.salesforce", "serve", paths.name, "--state-dir", str(paths.state_dir),
           "--port", str(port), *(extra or [])]
    child = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        start_new_session=True,
        close_fds=True,
        cwd=str(Path(__file__).resolve().parents[2]),
    )
    log.close()
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        info = read_server_info(paths)
        if info and info.get("pid") == child.pid:
            return child.pid
        code = child.poll()
        if code is not None:
            tail = paths.log.read_text(errors="replace").strip().splitlines()[-5:]
            errors = [line.removeprefix("error: ") for line in tail if line.startswith("error: ")]
            message = errors[-1] if errors else (" | ".join(tail) or f"exit code {code}")
            if code == 2:
                raise OrgUsageError(message)
            raise _Failure(f"the org server exited during start-up: {message}")
        time.sleep(0.05)
    child.terminate()
    raise _Failure(f"the org server did not become ready within {_START_TIMEOUT:.0f} s (see {paths.log})")


def cmd_start(args: argparse.Namespace) -> dict[str, Any]:
    paths = _paths(args)
    extra = _settings_args(args)
    pid = running_pid(paths)
    if pid is not None:
        if extra:
            raise OrgUsageError(
                f"org '{paths.name}' is already running; stop it to start with --faults/--limits, or change them "
                "through the admin endpoint (/_emulator/faults, /_emulator/limits)."
            )
        if args.port and read_snapshot(paths).port != args.port:
            raise OrgUsageError(
                f"org '{paths.name}' is already running on port {read_snapshot(paths).port}; stop it first to move it."
            )
        return details(paths, pid=pid, started=False)
    ensure_tls_files(paths.state_dir)
    ensure_org(paths, seed_file=args.seed, sandbox=args.sandbox)
    port = choose_port(paths, args.port)
    return details(paths, pid=_spawn(paths, port, extra), started=True)


def _stop(paths: OrgPaths) -> int | None:
    pid = running_pid(paths)
    if pid is None:
        paths.server.unlink(missing_ok=True)
        return None
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + _STOP_TIMEOUT
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
        while _alive(pid):
            time.sleep(0.05)
    paths.server.unlink(missing_ok=True)
    return pid


def cmd_stop(args: argparse.Namespace) -> dict[str, Any]:
    paths = _paths(args)
    if not paths.db.is_file():
        raise OrgUsageError(f"there is no org '{paths.name}' under {paths.state_dir}")
    pid = _stop(paths)
    return {"org": paths.name, "stopped": pid is not None, "pid": pid}


def cmd_status(args: argparse.Namespace) -> dict[str, Any]:
    state_dir = Path(args.state_dir)
    names = [args.name] if args.name else list_org_names(state_dir)
    orgs = []
    for name in names:
        paths = org_paths(state_dir, name)
        if not paths.db.is_file():
            raise OrgUsageError(f"there is no org '{name}' under {state_dir}")
        snap = read_snapshot(paths)
        pid = running_pid(paths)
        orgs.append(
            {
                "org": name,
                "running": pid is not None,
                "pid": pid,
                "port": snap.port,
                "instance_url": f"https://127.0.0.1:{snap.port}" if snap.port else None,
                "org_id": snap.identity.org_id,
                "username": snap.identity.username,
                "sandbox": snap.identity.sandbox,
                "edition": snap.identity.edition,
            }
        )
    return {"orgs": orgs}


def cmd_reset(args: argparse.Namespace) -> dict[str, Any]:
    paths = _paths(args)
    extra = _settings_args(args)
    was_running = _stop(paths) is not None
    kept_port = read_snapshot(paths).port if paths.db.is_file() else None
    seed_file = args.seed
    kept_seed: Path | None = None
    if seed_file is None and paths.seed.is_file():
        kept_seed = paths.state_dir / "orgs" / f".{paths.name}.seed.yml"
        kept_seed.write_bytes(paths.seed.read_bytes())
        seed_file = kept_seed
    try:
        remove_org_data(paths)
        ensure_org(paths, seed_file=seed_file, sandbox=args.sandbox)
    finally:
        if kept_seed:
            kept_seed.unlink(missing_ok=True)
    port = choose_port(paths, args.port or kept_port)
    pid = _spawn(paths, port, extra) if was_running else None
    return details(paths, pid=pid, started=was_running)


def _paths(args: argparse.Namespace) -> OrgPaths:
    if not valid_org_name(args.name or ""):
        raise OrgUsageError(
            f"{args.name!r} is not a valid org name: use letters, digits, '-' and '_', starting with a letter or digit."
        )
    return org_paths(Path(args.state_dir).resolve(), args.name)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m emulators.salesforce", description="A local Salesforce org emulator.")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, *, name_required: bool = True) -> None:
        if name_required:
            p.add_argument("name", help="org name (letters, digits, - and _)")
        else:
            p.add_argument("name", nargs="?", help="only this org")
        p.add_argument("--state-dir", required=True, help="folder holding orgs/ and certs/")
        p.add_argument("--json", action="store_true", help="print one JSON object on stdout")

    def creation(p: argparse.ArgumentParser) -> None:
        p.add_argument("--port", type=int, help="TCP port (default: the org's kept port, else a free one)")
        p.add_argument("--seed", type=Path, help="seed YAML used when the org is created")
        kind = p.add_mutually_exclusive_group()
        kind.add_argument("--sandbox", dest="sandbox", action="store_const", const=True, help="create a sandbox org")
        kind.add_argument("--production", dest="sandbox", action="store_const", const=False, help="create a production org")
        p.add_argument("--faults", type=Path, help="fault injection settings (YAML/JSON mapping)")
        p.add_argument("--limits", type=Path, help="limit overrides (YAML/JSON mapping)")

    for name, text in (("start", "start in the background"), ("reset", "rebuild from the seed"), ("serve", "run in the foreground")):
        p = sub.add_parser(name, help=text)
        common(p)
        creation(p)
    common(sub.add_parser("stop", help="stop a running org"))
    common(sub.add_parser("status", help="show orgs"), name_required=False)
    export = sub.add_parser("export", help="print the org's state as JSON")
    export.add_argument("name", help="org name")
    export.add_argument("--state-dir", required=True, help="folder holding orgs/ and certs/")
    export.add_argument("--no-system-fields", action="store_true", help="leave out audit and system fields")
    return parser


def _print(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(result) + "\n")
        return
    for key, value in result.items():
        sys.stdout.write(f"{key}: {json.dumps(value) if isinstance(value, (dict, list)) else value}\n")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {"start": cmd_start, "stop": cmd_stop, "status": cmd_status, "reset": cmd_reset}
    try:
        if args.command == "serve":
            from emulators.salesforce.server import serve  # uvicorn and the app: only the server needs them

            paths = _paths(args)
            ensure_tls_files(paths.state_dir)
            serve(paths, port=args.port, seed_file=args.seed, sandbox=args.sandbox, faults_file=args.faults,
                  limits_file=args.limits)
            return 0
        if args.command == "export":
            paths = _paths(args)
            if not paths.db.is_file():
                raise OrgUsageError(f"there is no org '{paths.name}' under {paths.state_dir}")
            out = sys.stdout.buffer
            for chunk in export_chunks(paths.db, system_fields=not args.no_system_fields):
                out.write(chunk)
            out.flush()
            return 0
        _print(handlers[args.command](args), args.json)
        return 0
    except OrgUsageError as exc:
        return _fail(args, str(exc), 2)
    except (_Failure, OSError) as exc:
        return _fail(args, str(exc), 1)


def _fail(args: argparse.Namespace, message: str, code: int) -> int:
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps({"ok": False, "error": {"message": message}}) + "\n")
    sys.stderr.write(f"error: {message}\n")
    return code
