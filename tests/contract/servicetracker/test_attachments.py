"""Attachment bodies: downloads match the record's sha256 and size; ranges; empty, lost and over-25 MB files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.contract.servicetracker.sandbox import Sandbox, load_jsonl


def _manifest(tenant: Path) -> dict:
    return json.loads((tenant / "defects.json").read_text())


def test_downloads_match_sha256_and_size(sandbox: Sandbox, st_tenant: Path) -> None:
    lost = {d["id"] for d in _manifest(st_tenant)["defects"]["attachment_body_missing"]}
    large = {d["id"] for d in _manifest(st_tenant)["defects"]["oversize_attachment"]}
    records = [r for r in load_jsonl(st_tenant / "attachments.jsonl") if r["id"] not in lost | large][:25]
    with sandbox.client() as client:
        for record in records:
            response = client.get(f"/attachments/{record['id']}/content")
            assert response.status_code == 200, record["id"]
            assert hashlib.sha256(response.content).hexdigest() == record["sha256"]
            assert len(response.content) == record["size_bytes"] == int(response.headers["content-length"])
            assert response.headers["x-content-sha256"] == record["sha256"]
            assert response.headers["content-type"].split(";")[0] == record["content_type"]
            assert "filename*=UTF-8''" in response.headers["content-disposition"]


def test_range_requests_resume_a_download(sandbox: Sandbox, st_tenant: Path) -> None:
    record = max(load_jsonl(st_tenant / "attachments.jsonl")[:200], key=lambda r: r["size_bytes"] if r["size_bytes"] < 10**6 else 0)
    with sandbox.client() as client:
        whole = client.get(f"/attachments/{record['id']}/content").content
        part = client.get(f"/attachments/{record['id']}/content", headers={"Range": "bytes=100-"})
    assert part.status_code == 206
    assert part.content == whole[100:]
    assert part.headers["content-range"] == f"bytes 100-{len(whole) - 1}/{len(whole)}"


def test_zero_byte_lost_and_oversize_attachments(sandbox: Sandbox, st_tenant: Path) -> None:
    defects = _manifest(st_tenant)["defects"]
    zero = defects["zero_byte_attachment"][0]["id"]
    lost = defects["attachment_body_missing"][0]["id"]
    large = defects["oversize_attachment"][0]
    records = {r["id"]: r for r in load_jsonl(st_tenant / "attachments.jsonl")}
    with sandbox.client() as client:
        empty = client.get(f"/attachments/{zero}/content")
        missing = client.get(f"/attachments/{lost}/content")
        digest, size = hashlib.sha256(), 0
        with client.stream("GET", f"/attachments/{large['id']}/content") as stream:
            assert stream.status_code == 200
            for chunk in stream.iter_bytes():
                digest.update(chunk)
                size += len(chunk)
    assert empty.status_code == 200 and empty.content == b"" and records[zero]["size_bytes"] == 0
    assert missing.status_code == 404
    assert missing.json()["error"]["details"]["reason"] == "file_missing"
    assert size == large["size_bytes"] == records[large["id"]]["size_bytes"] > 25 * 1024 * 1024
    assert digest.hexdigest() == records[large["id"]]["sha256"]
    # generated sparsely: the big body takes (almost) no disk blocks
    body = st_tenant / "files" / large["id"]
    assert body.stat().st_blocks * 512 < 1024 * 1024
