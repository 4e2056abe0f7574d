"""Running the API in this process: bind the socket, announce readiness in server.json, serve until signalled.

The socket is bound before uvicorn starts (port 0 picks a free port), and ``server.json`` is written
from the application's startup hook — so when the file appears the server already accepts requests.
Shutdown (SIGTERM/SIGINT) removes the file again.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import uvicorn

from emulators.servicetracker import process
from emulators.servicetracker.app import AppConfig, create_app
from emulators.servicetracker.ratelimit import Limiter
from emulators.servicetracker.tenant import read_tenant

__all__ = ["serve"]


def serve(paths: process.Paths, folder: Path, args: argparse.Namespace) -> None:
    tenant = read_tenant(folder)
    rps, burst = tenant.rate_limit
    if args.rate_limit is not None:
        rps = args.rate_limit or None
        burst = args.burst if args.burst is not None else (max(1, int(rps)) if rps else None)
    elif args.burst is not None:
        burst = args.burst
    limiter = Limiter(rps, burst, storm_rate=args.storm_rate, storm_seed=args.storm_seed,
                      storm_retry_after=args.storm_retry_after, fault_rate=args.fault_rate)
    keys = process.api_keys(paths, folder)
    sock = process.bind(args.host, args.port)
    port = sock.getsockname()[1]
    options = {"requests_per_second": limiter.rps, "burst": limiter.burst, "storm_rate": args.storm_rate,
               "fault_rate": args.fault_rate, "storm_seed": args.storm_seed}
    info = process.server_info(paths, args.name, args.host, port, keys[0], folder, options)

    def ready() -> None:
        process.write_json_atomic(paths.server, info, private=True)

    def shutdown() -> None:
        current = process.read_json(paths.server)
        if current and current.get("pid") == info["pid"]:
            paths.server.unlink(missing_ok=True)

    config = AppConfig(paths.db, folder, keys, process.cursor_secret(paths), limiter, ready, shutdown)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning", access_log=False,
                                           lifespan="on", timeout_graceful_shutdown=5))
    server.run(sockets=[sock])
