"""Export folders: the fixture's JSON Lines and CSV (cf:<key> columns or a custom_fields column) land in
staging exactly as the API would have returned them; bad input names the file and the line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from control.errors import InputFileError
from control.ledger import Ledger, StepStatus
from control.servicetracker.extract import extract
from control.settings import load_settings
from control.staging import BlobStore, FileStatus, StagingStore

T = "2024-03-10T14:05:00-05:00"


def _client(i: int, **extra: object) -> dict:
    base = {"id": f"cl_{i}", "created_at": T, "updated_at": T, "custom_fields": {}, "name": f"Client {i}",
            "account_number": None, "status": "active", "industry": None, "parent_client_id": None, "email": None,
            "phone": None, "website": None, "billing_address": None, "time_zone": None}
    return {**base, **extra}


def _write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _extract(project: Path, folder: Path, **kw):  # type: ignore[no-untyped-def]
    return extract(load_settings(project), export_dir=folder, **kw)


def _staged(project: Path, resource: str) -> dict[str, dict]:
    store = StagingStore.open(f"sqlite:///{project / '.st2sf' / 'staging.db'}")
    try:
        return {r.source_id: r.payload for r in store.iter_records(resource)}
    finally:
        store.close()


def test_jsonl_and_csv_give_api_shaped_records(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    _write_jsonl(folder / "clients.jsonl", [_client(1, custom_fields={"Region": "West"}),
                                            {"id": "cl_2", "created_at": T, "updated_at": T, "custom_fields": {},
                                             "name": "Hand made"}])
    (folder / "client_contacts.csv").write_text(
        "id,created_at,updated_at,client_id,last_name,is_primary,cf:Alt Email,cf:Receives Invoices\n"
        f"cc_1,{T},{T},cl_1,Ng,yes,a@b.example,Y\n"
        f"cc_2,{T},{T},cl_1,\"O'Brien, Jr.\",,,\n", encoding="utf-8")
    (folder / "locations.csv").write_text(
        "id,created_at,updated_at,client_id,name,address,latitude,custom_fields\n"
        f"lo_1,{T},{T},cl_1,Main,\"{{\"\"city\"\": \"\"Denver\"\"}}\",39.7,\"{{\"\"Gate Code\"\": \"\"#12\"\"}}\"\n",
        encoding="utf-8")
    result = _extract(project, folder)
    assert {f.feed: f.inserted for f in result.feeds} == {"clients": 2, "client_contacts": 2, "locations": 1}
    clients = _staged(project, "clients")
    assert clients["cl_1"] == _client(1, custom_fields={"Region": "West"})
    assert clients["cl_2"] == _client(2, name="Hand made", status=None)  # missing core keys arrive as null
    contacts = _staged(project, "client_contacts")
    assert contacts["cc_1"]["is_primary"] is True and contacts["cc_2"]["is_primary"] is None
    assert contacts["cc_1"]["custom_fields"] == {"Alt Email": "a@b.example", "Receives Invoices": "Y"}
    assert contacts["cc_2"]["custom_fields"] == {} and contacts["cc_2"]["last_name"] == "O'Brien, Jr."
    assert contacts["cc_1"]["title"] is None and contacts["cc_1"]["email"] is None
    location = _staged(project, "locations")["lo_1"]
    assert location["address"] == {"city": "Denver"} and location["latitude"] == 39.7
    assert location["custom_fields"] == {"Gate Code": "#12"}


def test_a_repeated_id_names_both_lines_and_keeps_earlier_pages(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    records = [_client(i) for i in range(1500)] + [_client(7)]
    _write_jsonl(folder / "clients.jsonl", records)
    with pytest.raises(InputFileError) as caught:
        _extract(project, folder)
    assert caught.value.line == 1501 and "line 8" in caught.value.message
    assert len(_staged(project, "clients")) == 1000  # the first page committed; nothing of the bad one


@pytest.mark.parametrize("content, expected", [
    ("id,created_at,updated_at,nmae\ncl_1,%s,%s,x\n" % (T, T), "'nmae' are neither core fields"),
    ("id,created_at,name\ncl_1,%s,x\n" % T, "lacks updated_at"),
    ("id,created_at,updated_at,status\ncl_1,%s,yesterday,active\n" % T, "line 2: 'updated_at'"),
])
def test_bad_csv_is_refused_with_file_and_line(project: Path, tmp_path: Path, content: str, expected: str) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "clients.csv").write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError, match=expected):
        _extract(project, folder)


def test_a_jsonl_line_without_the_common_keys_is_refused(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    _write_jsonl(folder / "clients.jsonl", [_client(1), {"id": "cl_2", "created_at": T, "updated_at": T}])
    with pytest.raises(InputFileError, match="line 2: the record lacks custom_fields"):
        _extract(project, folder)
    _write_jsonl(folder / "clients.jsonl", [_client(1, nickname="x")])
    with pytest.raises(InputFileError, match="'nickname' is not a core field of clients"):
        _extract(project, folder)


def test_ambiguous_and_unknown_files_are_refused_before_reading(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    _write_jsonl(folder / "clients.jsonl", [_client(1)])
    (folder / "clients.csv").write_text("id\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="both clients.jsonl and clients.csv"):
        _extract(project, folder)
    (folder / "clients.csv").unlink()
    (folder / "customers.csv").write_text("id\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="customers.csv name no ServiceTracker resource"):
        _extract(project, folder)


def test_bodies_tombstones_and_a_rerun_that_skips_unchanged_files(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    body = b"%PDF-1.4 signed work order"
    sha = hashlib.sha256(body).hexdigest()
    att = {"id": "at_1", "created_at": T, "updated_at": T, "custom_fields": {}, "parent_resource": "clients",
           "parent_id": "cl_1", "file_name": "wo.pdf", "content_type": "application/pdf", "size_bytes": len(body),
           "sha256": sha, "description": None, "uploaded_by_technician_id": None}
    lost = {**att, "id": "at_2", "sha256": "0" * 64}
    _write_jsonl(folder / "attachments.jsonl", [att, lost])
    _write_jsonl(folder / "clients.jsonl", [_client(1), _client(2)])
    _write_jsonl(folder / "tombstones.jsonl", [{"resource": "clients", "id": "cl_2", "deleted_at": T}])
    (folder / "files").mkdir()
    (folder / "files" / sha).write_bytes(body)
    first = _extract(project, folder)
    assert first.files.as_dict() == {"attachments": 2, "downloaded": 1, "bytes": len(body), "present": 0,
                                     "missing": 1, "mismatched": 0}
    assert set(_staged(project, "clients")) == {"cl_1"}
    blobs = BlobStore(project / ".st2sf" / "blobs")
    assert blobs.path_for(sha).read_bytes() == body
    store = StagingStore.open(f"sqlite:///{project / '.st2sf' / 'staging.db'}")
    assert {f.attachment_id: f.status for f in store.iter_files()} == {"at_1": FileStatus.STORED,
                                                                        "at_2": FileStatus.MISSING}
    store.close()
    second = _extract(project, folder, digest=True)
    assert all(f.fetched == 0 for f in second.feeds)  # unchanged files are not read again
    assert second.files.present == 1 and second.files.downloaded == 0
    ledger = Ledger.open(f"sqlite:///{project / '.st2sf' / 'ledger.db'}")
    steps = {s.name: s.status for s in ledger.steps(second.run_id)}
    assert steps == {"extract clients": StepStatus.COMPLETED, "extract attachments": StepStatus.COMPLETED,
                     "extract tombstones": StepStatus.COMPLETED, "extract files": StepStatus.COMPLETED}
    ledger.close()


@pytest.mark.slow
def test_kill9_during_an_export_then_resume_gives_the_same_staging(project: Path, tmp_path: Path) -> None:
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    folder = tmp_path / "export"
    _write_jsonl(folder / "clients.jsonl", [_client(i, custom_fields={"Region": f"R{i % 7}"}) for i in range(40_000)])
    clean_project = tmp_path / "clean"
    clean_project.mkdir()
    (clean_project / "st2sf.toml").write_text('[project]\nname = "clean"\n', encoding="utf-8")
    clean = _extract(clean_project, folder, digest=True)

    env = {k: v for k, v in os.environ.items() if not k.startswith("ST2SF_")}
    env["ST2SF_PROJECT"] = str(project)
    proc = subprocess.Popen([sys.executable, "-m", "control.cli.app", "extract", "--export", str(folder)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = project / ".st2sf" / "staging.db"
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None and time.monotonic() < deadline, "the export ended before it could be killed"
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            pages = con.execute("SELECT pages FROM checkpoints WHERE feed = 'export:clients'").fetchone()
            con.close()
        except sqlite3.OperationalError:
            pages = None
        if pages and pages[0] >= 5:
            break
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    resumed = _extract(project, folder, digest=True)
    clients = next(f for f in resumed.feeds if f.feed == "clients")
    assert clients.kind == "resumed" and clients.fetched < 40_000
    assert resumed.digest == clean.digest
