"""Serving one org over HTTPS with uvicorn, in the foreground (``serve``; ``start`` runs this detached).

Startup order matters to ``start``, which waits for ``server.json``:

1. open the org (create it from its seed if needed) and the TLS files;
2. bind and listen on ``127.0.0.1:<port>`` — from here connections queue in the kernel;
3. write ``server.json`` (``{pid, port, instance_url, started}``) atomically;
4. serve until SIGTERM/SIGINT, then remove ``server.json`` and close the database cleanly.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
from pathlib import Path

import uvicorn

from emulators.salesforce.admin.startup import SettingsFileError, apply_startup_settings
from emulators.salesforce.admin.token import ensure_admin_token
from emulators.salesforce.certs import ensure_tls_files
from emulators.salesforce.http.router import OrgService
from emulators.salesforce.org.clock import CLOCK_OFFSET_KEY, OrgClock
from emulators.salesforce.org.identity import OrgPaths
from emulators.salesforce.orgs import OrgUsageError, choose_port, ensure_org, open_org
from emulators.salesforce.server_info import read_server_info
from emulators.salesforce.soql import CursorRegistry, QueryEngine
from emulators.salesforce.surfaces import build_org_app

__all__ = ["serve"]


def _write_server_info(paths: OrgPaths, port: int) -> None:
    info = {
        "pid": os.getpid(),
        "port": port,
        "instance_url": f"https://127.0.0.1:{port}",
        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    tmp = paths.server.with_name(f".server.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(info))
    os.replace(tmp, paths.server)


def _listen(port: int) -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio turns Nagle off (TCP_NODELAY) only on sockets whose proto says TCP;
    # with proto 0 every small reply waits ~40 ms for the client's delayed ACK
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise OrgUsageError(f"port {port} on 127.0.0.1 is not available ({exc.strerror}); pass --port with a free port.") from None
    sock.listen(256)
    sock.set_inheritable(True)
    return sock


def serve(
    paths: OrgPaths,
    *,
    port: int | None,
    seed_file: Path | None,
    sandbox: bool | None,
    faults_file: Path | None = None,
    limits_file: Path | None = None,
) -> None:
    """Run the org's server in this process until it is told to stop."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ensure_org(paths, seed_file=seed_file, sandbox=sandbox)
    tls = ensure_tls_files(paths.state_dir)
    chosen = choose_port(paths, port)
    sock = _listen(chosen)
    admin_token = ensure_admin_token(paths.db)
    clock = OrgClock()
    org = open_org(paths, clock=clock)
    org.content.bodies.clear_staging()  # uploads cut off by the last server's end
    clock.set_offset(float(org.db.get_meta(CLOCK_OFFSET_KEY, 0) or 0))
    try:
        apply_startup_settings(org, faults_file=faults_file, limits_file=limits_file)
    except SettingsFileError as exc:
        org.close()
        sock.close()
        raise OrgUsageError(str(exc)) from None
    instance_url = f"https://127.0.0.1:{chosen}"
    engine = QueryEngine(
        org.schemas, org.store, clock=org.clock, time_zone=org.identity.time_zone, cursors=CursorRegistry(clock=org.clock)
    )
    app = build_org_app(OrgService(org, engine), instance_url=instance_url, clock=clock, admin_token=admin_token)
    config = uvicorn.Config(
        app,
        ssl_certfile=str(tls.cert),
        ssl_keyfile=str(tls.key),
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_keep_alive=30,
        timeout_graceful_shutdown=1,  # idle TLS keep-alive connections otherwise hold shutdown for 30 s
    )
    server = uvicorn.Server(config)
    _write_server_info(paths, chosen)
    try:
        server.run(sockets=[sock])
    finally:
        info = read_server_info(paths)
        if info and info.get("pid") == os.getpid():
            paths.server.unlink(missing_ok=True)
        org.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        org.close()
        sock.close()
