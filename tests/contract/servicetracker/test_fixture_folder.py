"""A hand-made fixture folder is served exactly as written; a broken one is refused with file and line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterator

import pytest

from emulators.servicetracker.model import RESOURCES
from tests.contract.servicetracker.sandbox import Sandbox, load_jsonl, paginate, run_cli, start_sandbox, stop_sandbox

KEY = "stk_test_" + "Fx" * 16


def _client(i: int, updated_at: str, **extra: object) -> dict:
    spec = RESOURCES["clients"]
    record = {f.name: None for f in spec.fields}
    record.update({"id": f"C-{i}", "created_at": "2021-01-01T00:00:00Z", "updated_at": updated_at,
                   "custom_fields": {}, "name": f"Client {i}", "status": "active", **extra})
    return record


def _write(folder: Path, name: str, rows: list[dict]) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows))


@pytest.fixture()
def fixture_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "edge-case"
    folder.mkdir()
    (folder / "tenant.json").write_text(json.dumps({
        "format": 1, "name": "Edge Case Tenant", "time_zone": "Pacific/Auckland",
        "api_keys": [{"key": KEY, "name": "migration", "scopes": ["records:read", "files:read", "admin:read"]}],
        "rate_limit": {"requests_per_second": None, "burst": None}}))
    _write(folder, "clients.jsonl", [
        _client(1, "2024-03-10T14:05:00-05:00", custom_fields={"Gate Code": "#12", "VIP": "Y"}),
        _client(2, "2024-03-10T19:05:00Z", name="Zoë & Søn ❄️"),            # same instant as C-1
        _client(3, "2024-03-11T07:05:00+13:00", parent_client_id="C-1"),   # 18:05Z: before C-1
    ])
    # a minimal hand-written line: missing core keys are served as null
    (folder / "locations.jsonl").write_text(json.dumps({
        "id": "L-1", "created_at": "2022-02-02T02:02:02+02:00", "updated_at": "2022-02-02T02:02:02+02:00",
        "custom_fields": {}, "client_id": "C-1", "name": "HQ"}) + "\n")
    body = b"hello, technician\n"
    digest = hashlib.sha256(body).hexdigest()
    (folder / "files").mkdir()
    (folder / "files" / digest).write_bytes(body)
    (folder / "files" / "A-2").write_bytes(b"")
    attachment = {f.name: None for f in RESOURCES["attachments"].fields}
    attachment.update(id="A-1", created_at="2023-05-05T05:05:05Z", updated_at="2023-05-05T05:05:05Z", custom_fields={},
                      parent_resource="clients", parent_id="C-1", file_name="hello.txt", content_type="text/plain",
                      size_bytes=len(body), sha256=digest)
    empty = {**attachment, "id": "A-2", "size_bytes": 0, "sha256": hashlib.sha256(b"").hexdigest()}
    _write(folder, "attachments.jsonl", [attachment, empty])
    _write(folder, "custom_tables.jsonl", [{"id": "site_logs", "created_at": "2020-01-01T00:00:00Z",
                                            "updated_at": "2020-01-01T00:00:00Z", "custom_fields": {},
                                            "key": "site_logs", "name": "Site logs", "description": None,
                                            "parent_resource": "clients", "active": True}])
    _write(folder, "custom_tables/site_logs.jsonl", [{"id": "R-1", "created_at": "2020-01-02T00:00:00Z",
                                                      "updated_at": "2020-01-02T00:00:00Z",
                                                      "custom_fields": {"Reading": "12,5", "OK": True},
                                                      "table_key": "site_logs", "parent_resource": "clients",
                                                      "parent_id": "C-2"}])
    _write(folder, "tombstones.jsonl", [{"resource": "clients", "id": "C-0", "deleted_at": "2023-01-01T00:00:00-08:00"}])
    return folder


@pytest.fixture()
def served(fixture_dir: Path, tmp_path: Path) -> Iterator[Sandbox]:
    box = start_sandbox(tmp_path / "state", "edge", "--fixture", str(fixture_dir))
    yield box
    stop_sandbox(box)


def test_a_fixture_round_trips_exactly(served: Sandbox, fixture_dir: Path) -> None:
    assert served.api_key == KEY
    with served.client() as client:
        clients = list(paginate(client, "/clients"))
        raw = client.get("/clients/C-2").content
        location = client.get("/locations/L-1").json()["data"]
        rows = list(paginate(client, "/custom_tables/site_logs/rows"))
        tombs = list(paginate(client, "/deleted_records"))
        body = client.get("/attachments/A-1/content")
        empty = client.get("/attachments/A-2/content")
        tenant = client.get("/tenant").json()["data"]
    expected = load_jsonl(fixture_dir / "clients.jsonl")
    assert [c["id"] for c in clients] == ["C-3", "C-1", "C-2"]  # instants, then id; offsets do not matter
    assert sorted(clients, key=lambda c: c["id"]) == expected
    line = (fixture_dir / "clients.jsonl").read_bytes().splitlines()[1]
    assert raw == b'{"data":' + line + b"}"  # the stored line, byte for byte
    assert location["name"] == "HQ" and location["site_type"] is None and location["address"] is None
    assert set(location) == set(RESOURCES["locations"].field_names)
    assert rows == load_jsonl(fixture_dir / "custom_tables" / "site_logs.jsonl")
    assert tombs == load_jsonl(fixture_dir / "tombstones.jsonl")
    assert body.content == b"hello, technician\n" and empty.content == b""
    assert tenant["name"] == "Edge Case Tenant" and tenant["rate_limit"] == {"requests_per_second": None, "burst": None}


@pytest.mark.parametrize("breakage, message", [
    (lambda f: (f / "clients.jsonl").open("a").write('{"id": "C-1", "created_at": "2021-01-01T00:00:00Z", '
                                                     '"updated_at": "2021-01-01T00:00:00Z", "custom_fields": {}}\n'),
     "appears more than once"),
    (lambda f: (f / "clients.jsonl").open("a").write('{"id": "C-9", "created_at": "2021-01-01 00:00", '
                                                     '"updated_at": "2021-01-01T00:00:00Z", "custom_fields": {}}\n'),
     "clients.jsonl, line 4: 'created_at'"),
    (lambda f: (f / "clients.jsonl").open("a").write('{"id": "C-9", "created_at": "2021-01-01T00:00:00Z", '
                                                     '"updated_at": "2021-01-01T00:00:00Z", "custom_fields": {}, '
                                                     '"favourite_color": "red"}\n'),
     "move tenant-defined values into 'custom_fields'"),
    (lambda f: (f / "widgets.jsonl").write_text(""), "name no ServiceTracker resource"),
    (lambda f: (f / "custom_tables" / "unknown.jsonl").write_text(""), "has rows but no definition"),
])
def test_a_broken_fixture_is_refused_with_file_and_line(fixture_dir: Path, tmp_path: Path, breakage, message) -> None:
    breakage(fixture_dir)
    code, payload, stderr = run_cli("start", "--state-dir", str(tmp_path / "state"), "--name", "broken",
                                    "--fixture", str(fixture_dir), check=False)
    assert code == 2
    assert payload["ok"] is False and message in payload["error"]["message"]
    assert message in stderr
    assert not (tmp_path / "state" / "servicetracker" / "broken" / "server.json").exists()


def test_the_generated_tenant_round_trips_for_every_resource(sandbox: Sandbox, st_tenant: Path) -> None:
    files = [(r, st_tenant / f"{r}.jsonl") for r in RESOURCES] + [
        (f"custom_tables/{p.stem}/rows", p) for p in sorted((st_tenant / "custom_tables").glob("*.jsonl"))]
    with sandbox.client() as client:
        for resource, path in files:
            served = {r["id"]: r for r in paginate(client, f"/{resource}", limit=1000)}
            assert served == {r["id"]: r for r in load_jsonl(path)}, resource
