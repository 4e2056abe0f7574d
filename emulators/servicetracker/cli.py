"""``python -m emulators.servicetracker {generate,serve,start,stop,status,churn} … [--json]``.

With ``--json`` each command prints exactly one JSON object on stdout (its result, or
``{"ok": false, "error": {"code", "message"}}``); progress goes to stderr. Exit codes: 0 ok,
2 bad input (the message says what to change), 1 failure.

The sandbox's state lives under ``--state-dir`` (default ``$ST2SF_STATE_DIR`` or ``.st2sf``) in
``servicetracker/<--name>/`` (see :mod:`.process`). ``st2sf emulate servicetracker …`` runs these
commands with the project's state folder.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

from emulators.servicetracker import process
from emulators.servicetracker.generator.defects import parse_rates
from emulators.servicetracker.problems import BadInput, SandboxProblem

__all__ = ["main", "build_parser"]


def _progress(label: str) -> Callable[[str, int], None]:
    """Plain progress lines on stderr: one per resource generated, one per 200,000 records indexed."""
    seen: dict[str, int] = {}

    def report(resource: str, count: int) -> None:
        if label == "generate" or count // 200_000 > seen.get(resource, 0):
            seen[resource] = count // 200_000
            print(f"{label}: {resource} {count:,}", file=sys.stderr, flush=True)

    return report


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--state-dir", type=Path, default=Path(os.environ.get("ST2SF_STATE_DIR", ".st2sf")),
                        help="st2sf state folder (default: $ST2SF_STATE_DIR or .st2sf)")
    parser.add_argument("--name", default="demo", help="sandbox name (default: demo)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def _tenant_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--records", type=int, default=process.DEFAULT_RECORDS,
                        help=f"records of a tenant generated on first start (default {process.DEFAULT_RECORDS})")
    parser.add_argument("--seed", type=int, default=process.DEFAULT_SEED, help="generator seed (default 1)")


def _serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fixture", type=Path, help="serve this fixture folder instead of a generated tenant")
    _tenant_options(parser)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="TCP port (default 0: any free port)")
    parser.add_argument("--rate-limit", type=float, help="requests/s per key (overrides tenant.json; 0 = unlimited)")
    parser.add_argument("--burst", type=int, help="bucket size per key (overrides tenant.json)")
    parser.add_argument("--storm-rate", type=float, default=0.0, help="fraction of requests answered 429 (seeded)")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="fraction of requests answered 503 (seeded)")
    parser.add_argument("--storm-seed", type=int, default=0)
    parser.add_argument("--storm-retry-after", type=int, default=1, help="Retry-After of storm/fault answers (s)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the database (invalidates cursors: 409)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m emulators.servicetracker",
                                     description="ServiceTracker sandbox: generate a tenant, serve it, churn it.")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write a realistic tenant (with planted defects) as a fixture folder")
    _common(gen)
    _tenant_options(gen)
    gen.add_argument("--out", type=Path, help="folder to write (default: the sandbox's tenant/ folder)")
    gen.add_argument("--defect-rate", action="append", default=[], metavar="KIND=RATE",
                     help="override one defect rate (repeatable); see defects.json for the kinds")
    gen.add_argument("--no-defects", action="store_true", help="all defect rates 0 (then --defect-rate adds some)")
    gen.add_argument("--large-attachments", type=int, default=1, help="over-25 MB (sparse) attachments (default 1)")
    gen.add_argument("--force", action="store_true", help="replace an existing generated tenant in --out")
    for name, text in (("serve", "run the API in the foreground"), ("start", "run the API in the background")):
        cmd = sub.add_parser(name, help=text)
        _common(cmd)
        _serve_options(cmd)
        if name == "start":
            cmd.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the server")
    for name, text in (("stop", "stop the background server"), ("status", "is it running; where")):
        _common(sub.add_parser(name, help=text))
    ch = sub.add_parser("churn", help="create, update and delete records in the served tenant")
    _common(ch)
    ch.add_argument("--creates", type=int, default=0)
    ch.add_argument("--updates", type=int, default=0)
    ch.add_argument("--deletes", type=int, default=0)
    ch.add_argument("--seed", type=int, default=1)
    return parser


def _validate_serve(args: argparse.Namespace) -> None:
    for name in ("storm_rate", "fault_rate"):
        if not 0.0 <= getattr(args, name) <= 1.0:
            raise BadInput(f"--{name.replace('_', '-')} must be from 0 to 1.")
    if args.rate_limit is not None and args.rate_limit < 0:
        raise BadInput("--rate-limit must be 0 (unlimited) or more.")
    if args.burst is not None and args.burst < 1:
        raise BadInput("--burst must be 1 or more.")
    if args.storm_retry_after < 0:
        raise BadInput("--storm-retry-after must be 0 or more.")


def _cmd_generate(args: argparse.Namespace) -> dict[str, Any]:
    from emulators.servicetracker.generator import generate

    try:
        rates = parse_rates(args.defect_rate, none=args.no_defects)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    paths = process.sandbox_paths(args.state_dir, args.name)
    out = args.out or paths.tenant
    result = generate(out, records=args.records, seed=args.seed, rates=rates, large_attachments=args.large_attachments,
                      force=args.force, progress=_progress("generate"))
    return {"out": str(result.out), "records": result.records, "seed": result.seed, "counts": result.counts,
            "tombstones": result.tombstones, "defects": result.defects, "seconds": round(result.seconds, 3)}


def _serve_args(args: argparse.Namespace) -> list[str]:
    out = ["--state-dir", str(args.state_dir.resolve()), "--name", args.name, "--host", args.host,
           "--port", str(args.port), "--storm-rate", str(args.storm_rate), "--fault-rate", str(args.fault_rate),
           "--storm-seed", str(args.storm_seed), "--storm-retry-after", str(args.storm_retry_after)]
    if args.rate_limit is not None:
        out += ["--rate-limit", str(args.rate_limit)]
    if args.burst is not None:
        out += ["--burst", str(args.burst)]
    return out


def _prepare(args: argparse.Namespace) -> tuple[process.Paths, Path]:
    _validate_serve(args)
    paths = process.sandbox_paths(args.state_dir, args.name)
    folder = process.resolve_source(paths, args.fixture, records=args.records, seed=args.seed,
                                    progress=_progress("generate"))
    process.ensure_store(paths, folder, rebuild=args.rebuild, progress=_progress("index"))
    return paths, folder


def _cmd_start(args: argparse.Namespace) -> dict[str, Any]:
    paths = process.sandbox_paths(args.state_dir, args.name)
    running = process.running_server(paths)
    if running:
        return {**process.public(running), "started": False}
    paths, _ = _prepare(args)
    info = process.start_background(paths, _serve_args(args), timeout=args.timeout)
    return {**process.public(info), "started": True}


def _cmd_serve(args: argparse.Namespace) -> dict[str, Any]:
    from emulators.servicetracker.server import serve

    paths = process.sandbox_paths(args.state_dir, args.name)
    if process.running_server(paths):
        raise BadInput(f"sandbox {args.name!r} is already running; stop it first or choose another --name.")
    paths, folder = _prepare(args)
    serve(paths, folder, args)
    return {"stopped": True}


def _cmd_churn(args: argparse.Namespace) -> dict[str, Any]:
    from emulators.servicetracker.churn import churn
    from emulators.servicetracker.store import TenantStore

    paths = process.sandbox_paths(args.state_dir, args.name)
    if not paths.db.is_file():
        raise BadInput(f"sandbox {args.name!r} has no tenant yet; run start (or serve) first.")
    store = TenantStore(paths.db)
    try:
        return churn(store, creates=args.creates, updates=args.updates, deletes=args.deletes, seed=args.seed)
    finally:
        store.close()


_COMMANDS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "generate": _cmd_generate,
    "start": _cmd_start,
    "serve": _cmd_serve,
    "stop": lambda a: process.stop(process.sandbox_paths(a.state_dir, a.name)),
    "status": lambda a: process.status(process.sandbox_paths(a.state_dir, a.name)),
    "churn": _cmd_churn,
}


def _print(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(result, default=str) + "\n")
        return
    for key, value in result.items():
        print(f"{key}: {value if not isinstance(value, (dict, list)) else json.dumps(value, default=str)}")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result = _COMMANDS[args.command](args)
    except SandboxProblem as exc:
        if args.json:
            _print({"ok": False, "error": {"code": exc.code, "message": exc.message}}, True)
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    _print(result, args.json)
    return 0
