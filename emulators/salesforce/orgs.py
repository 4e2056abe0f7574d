"""Org folders on disk: create from a seed, open, read details without opening, reset.

These functions are what the command line (:mod:`emulators.salesforce.cli`) and the server
(:mod:`emulators.salesforce.server`) share. An org is created from its seed on first use, with the
seed's custom objects and fields applied through the catalog; when any of that fails the folder
is removed again, so there is never a half-made org.
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
from dataclasses import dataclass
from pathlib import Path
import orjson

from emulators.salesforce.catalog import CatalogError
from emulators.salesforce.org.create import create_org
from emulators.salesforce.org.identity import OrgIdentity, OrgPaths
from emulators.salesforce.org.runtime import Clock, Org
from emulators.salesforce.org.schema_source import add_custom_field, add_custom_object, build_schemas
from emulators.salesforce.org.schemas import OrgSchemas
from emulators.salesforce.org.seed import Seed, SeedError, load_seed

__all__ = [
    "OrgUsageError",
    "OrgSnapshot",
    "ensure_org",
    "open_org",
    "read_snapshot",
    "list_org_names",
    "remove_org_data",
    "choose_port",
    "port_is_free",
    "set_port",
]


class OrgUsageError(ValueError):
    """The request cannot be done as asked (exit code 2); the message says what to change."""


@dataclass(frozen=True)
class OrgSnapshot:
    """What ``status``/``start`` report about an org, read without opening it for writing."""

    identity: OrgIdentity
    port: int | None
    token: str
    refresh_token: str | None
    consumer_key: str | None
    consumer_secret: str | None


def open_org(paths: OrgPaths, *, clock: Clock | None = None) -> Org:
    if clock is None:
        return Org.open(paths, build_schemas)
    return Org.open(paths, build_schemas, clock=clock)


def _apply_custom_schema(paths: OrgPaths, seed: Seed) -> None:
    if not (seed.custom_objects or seed.custom_fields):
        return
    org = open_org(paths)
    try:
        for spec in seed.custom_objects:
            args = dict(spec)
            add_custom_object(org, args.pop("api_name"), args.pop("label"), args.pop("plural_label"), **args)
        for spec in seed.custom_fields:
            args = dict(spec)
            add_custom_field(org, args.pop("object"), args)
    finally:
        org.close()


def ensure_org(paths: OrgPaths, *, seed_file: Path | None, sandbox: bool | None) -> bool:
    """Create the org from its seed when it does not exist yet; True when it was created.

    ``sandbox`` (from ``--sandbox``/``--production``) must agree with an existing org.
    """
    if paths.db.is_file():
        if sandbox is not None:
            snap = read_snapshot(paths)
            if snap.identity.sandbox != sandbox:
                kind = "sandbox" if snap.identity.sandbox else "production"
                flag = "--sandbox" if sandbox else "--production"
                raise OrgUsageError(
                    f"org '{paths.name}' already exists as a {kind} org; run `reset {paths.name} {flag}` "
                    "to rebuild it (its records are lost)."
                )
        return False
    try:
        seed, text = load_seed(seed_file)
    except SeedError as exc:
        raise OrgUsageError(str(exc)) from None
    chosen = sandbox if sandbox is not None else bool(seed.sandbox)
    schemas = OrgSchemas(build_schemas_empty())
    try:
        create_org(paths, seed, text, sandbox=chosen, schemas=schemas)
        _apply_custom_schema(paths, seed)
    except CatalogError as exc:
        remove_org_data(paths)
        raise OrgUsageError(f"the seed's custom schema is not valid: {exc}") from None
    except BaseException:
        remove_org_data(paths)
        raise
    return True


def build_schemas_empty() -> dict:
    """Schemas for creating an org: the standard catalog with no org changes yet."""
    from emulators.salesforce.catalog import standard_schemas

    return dict(standard_schemas())


def read_snapshot(paths: OrgPaths) -> OrgSnapshot:
    """Identity, port and credentials of an org, read through a read-only connection."""
    conn = sqlite3.connect(f"file:{paths.db}?mode=ro", uri=True, timeout=10)
    try:
        meta = {k: orjson.loads(v) for k, v in conn.execute("SELECT key, value FROM meta")}
    finally:
        conn.close()
    app = meta.get("connected_app") or {}
    return OrgSnapshot(
        identity=OrgIdentity.from_json(meta["identity"]),
        port=meta.get("port"),
        token=str(meta.get("cli_token")),
        refresh_token=meta.get("cli_refresh_token"),
        consumer_key=app.get("consumer_key"),
        consumer_secret=app.get("consumer_secret"),
    )


def set_port(paths: OrgPaths, port: int) -> None:
    conn = sqlite3.connect(paths.db, timeout=10)
    try:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('port', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (str(port),),
        )
        conn.commit()
    finally:
        conn.close()


def list_org_names(state_dir: Path) -> list[str]:
    root = state_dir / "orgs"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "org.db").is_file())


def remove_org_data(paths: OrgPaths) -> None:
    """Delete the org's database, keys and logs (the folder itself is removed)."""
    if paths.folder.is_dir():
        shutil.rmtree(paths.folder)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def choose_port(paths: OrgPaths, requested: int | None) -> int:
    """``requested``, else the org's kept port, else a free one; the choice is kept for next time.

    A port that is in use is refused (and not kept).
    """
    snap = read_snapshot(paths)
    port = requested or snap.port
    if port is None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
    if not 1 <= int(port) <= 65535:
        raise OrgUsageError(f"port {port} is not a TCP port (1–65535).")
    if not port_is_free(int(port)):
        raise OrgUsageError(f"port {port} on 127.0.0.1 is in use; pass --port with a free port.")
    if port != snap.port:
        set_port(paths, int(port))
    return int(port)
