"""The data path against real servers: a generated tenant served by the ServiceTracker sandbox, extracted over
HTTP into staging, audited against an emulated org that has the default map's schema, and built into a
dataset — once per session, shared read-only by the tests (tests that change something make their own copy).

``data_path`` gives the project, the org, the defects the generator planted (``defects.json``), the build
result and helpers to read the dataset database, the quarantine file and the owners report.

The org's users: the tenant's ``salesforce_users.json`` plus, for the gap report, an **inactive** user with
one unmatched technician's e-mail and two active users whose FederationIdentifier is another technician's
e-mail (**ambiguous**).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any, Iterator, NamedTuple

import pytest
import yaml

from control.audit import audit
from control.audit.from_map import limits_from_map, users_from_org
from control.mapping.approval import approve_map
from control.mapping.validate import target_schema_for
from control.salesforce.access import temporary_environ
from control.servicetracker.extract import extract
from control.settings import Settings, load_settings
from control.transform import DatasetResult, build_dataset
from control.transform.inputs import load_expanded, read_org_snapshot
from tests.contract.servicetracker.sandbox import start_sandbox, stop_sandbox
from tests.e2e.extract.conftest import KEY_ENV, st_fixture  # noqa: F401  (the session's generated tenant)
from tests.support.migration_org import seed_for_map
from tests.support.salesforce_org import EmulatedOrg, client_env, start_org, stop_org

ROOT = Path(__file__).resolve().parents[3]
ORG = "datapath"


class DataPath(NamedTuple):
    root: Path
    settings: Settings
    org: EmulatedOrg
    tenant: Path
    defects: dict[str, Any]
    result: DatasetResult
    audit_spec: dict[str, Any]
    inactive_tech: str
    ambiguous_tech: str
    expanded: Any                  # the expanded default map
    snapshot: Any                  # the org read before the build (describes, users)
    seed_file: Path                # the org's seed (to start another org like it)

    @property
    def folder(self) -> Path:
        return self.result.folder

    def manifest(self) -> dict[str, Any]:
        return json.loads((self.folder / "dataset.json").read_text(encoding="utf-8"))

    def owners(self) -> dict[str, Any]:
        return json.loads((self.folder / "owners.json").read_text(encoding="utf-8"))

    def quarantine(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        out: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for line in (self.folder / "quarantine.jsonl").read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            out.setdefault((entry["resource"], entry["source_id"]), []).append(entry)
        return out

    def db(self) -> sqlite3.Connection:
        conn = sqlite3.connect(f"file:{self.result.database}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        return conn

    def landed(self, resource: str, source_id: str) -> sqlite3.Row | None:
        with self.db() as conn:
            return conn.execute("SELECT * FROM st2sf_landed WHERE resource = ? AND source_id = ?",
                                (resource, source_id)).fetchone()

    def row(self, table: str, local_id: str) -> sqlite3.Row | None:
        with self.db() as conn:
            return conn.execute(f'SELECT * FROM "{table}" WHERE id = ?', (local_id,)).fetchone()

    def staged(self, resource: str, source_id: str) -> dict[str, Any]:
        from control.staging import StagingStore

        store = StagingStore.open(self.settings.staging_url)
        try:
            record = store.get(resource, source_id)
            assert record is not None, (resource, source_id)
            return record.payload
        finally:
            store.close()


def write_project(root: Path, *, fallback: str | None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "mapping", root / "mapping")
    lines = ["[project]", 'name = "datapath"', 'state_dir = ".st2sf"', f"[orgs.{ORG}]", 'kind = "emulator"',
             "sandbox = true", "[defaults]", f'org = "{ORG}"', 'dataset = "migration"']
    if fallback:
        lines.append(f'fallback_owner = "{fallback}"')
    (root / "st2sf.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def _users(tenant: Path, defects: dict[str, Any]) -> tuple[list[dict[str, Any]], str, str]:
    users = json.loads((tenant / "salesforce_users.json").read_text(encoding="utf-8"))["users"]
    unique: dict[str, dict[str, Any]] = {}
    for user in users:
        unique.setdefault(user["email"].lower(), user)
    no_user = [e for e in defects["defects"]["technician_without_user"] if e["reason"] == "no_user"]
    assert len(no_user) >= 2, "the tenant needs two technicians without a user for the gap cases"
    inactive, ambiguous = no_user[0], no_user[1]
    extra = [{"email": inactive["email"], "first_name": "Was", "last_name": "Here", "active": False},
             {"email": "twin.one@datapath.example.com", "first_name": "Twin", "last_name": "One", "active": True,
              "federation_id": ambiguous["email"]},
             {"email": "twin.two@datapath.example.com", "first_name": "Twin", "last_name": "Two", "active": True,
              "federation_id": ambiguous["email"]}]
    return list(unique.values()) + extra, inactive["id"], ambiguous["id"]


@pytest.fixture(scope="session")
def data_path(tmp_path_factory: pytest.TempPathFactory, st_fixture: Path) -> Iterator[DataPath]:  # noqa: F811
    base = tmp_path_factory.mktemp("data-path")
    root = write_project(base / "project", fallback=None)
    defects = json.loads((st_fixture / "defects.json").read_text(encoding="utf-8"))
    box = start_sandbox(base / "sandbox-state", "datapath", "--fixture", str(st_fixture), "--rate-limit", "0")
    try:
        (root / "st2sf.toml").write_text((root / "st2sf.toml").read_text() + "\n[source]\n"
                                         f'base_url = "{box.base_url}"\npage_size = 1000\n', encoding="utf-8")
        extract(load_settings(root, env={KEY_ENV: box.api_key}))
    finally:
        stop_sandbox(box)
    settings = load_settings(root, env={})
    expanded, _ = load_expanded(settings, root / "mapping")
    users, inactive, ambiguous = _users(st_fixture, defects)
    seed = seed_for_map(expanded, [])
    seed["users"] = [{k: v for k, v in {"email": u["email"], "first_name": u.get("first_name") or "Tech",
                                        "last_name": u.get("last_name") or "User", "active": u.get("active", True),
                                        "federation_id": u.get("federation_id")}.items() if v is not None}
                     for u in users]
    seed_file = base / "seed.yml"
    seed_file.write_text(yaml.safe_dump(seed, sort_keys=False, allow_unicode=True), encoding="utf-8")
    org = start_org(settings.state_dir, ORG, seed=seed_file)
    with temporary_environ(client_env(org)):
        try:
            text = (root / "st2sf.toml").read_text().replace(
                'dataset = "migration"', f'dataset = "migration"\nfallback_owner = "{org.username}"')
            (root / "st2sf.toml").write_text(text, encoding="utf-8")
            settings = load_settings(root, env={})
            snapshot = read_org_snapshot(settings, ORG, expanded)
            spec_dir = base / "audit"
            audit(settings, out_dir=spec_dir,
                  limits=limits_from_map(expanded, target_schema_for(expanded, snapshot.schema)),
                  users=users_from_org(snapshot.users), override_mobile_sync="test tenant")
            approve_map(settings, root / "mapping", by="Data Path Tests")
            result = build_dataset(settings)
            spec = json.loads((spec_dir / "spec.json").read_text(encoding="utf-8"))
            yield DataPath(root, settings, org, st_fixture, defects, result, spec, inactive, ambiguous, expanded,
                           snapshot, seed_file)
        finally:
            stop_org(org)
