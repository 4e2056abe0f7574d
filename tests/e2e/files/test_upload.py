"""control.load.files.upload_files against a real org emulator, through simple-salesforce over HTTPS.

Each test builds a small dataset folder (files.jsonl + bodies in a blob store), creates the parent
records through the org's API, and resolves link parents from those. The org is read back over its API:
Checksum, VersionData bytes, the links on each parent, and the Ids recorded in the ledger.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from control.ledger import Action, Ledger
from control.load.files import FilePolicy, upload_files
from control.load.files_http import RetryPolicy
from control.salesforce.access import OrgAccess, connect, temporary_environ
from control.secrets import Secret
from control.staging import BlobStore
from tests.support.salesforce_admin import EmulatorAdmin
from tests.support.salesforce_org import EmulatedOrg, client_env, start_org, stop_org

SEED = Path(__file__).resolve().parents[2] / "contract" / "salesforce" / "files_seed.yml"
NO_WAIT = RetryPolicy(attempts=4, base_delay=0.0, max_delay=0.0)


@pytest.fixture(scope="module")
def org(tmp_path_factory) -> Iterator[EmulatedOrg]:
    state = tmp_path_factory.mktemp("files-org")
    started = start_org(state, "files", seed=SEED)
    try:
        with temporary_environ(client_env(started)):
            yield started
    finally:
        stop_org(started)


@pytest.fixture(scope="module")
def sf(org):
    """The client the loader hands to upload_files: control.salesforce.access.connect (its own CA, no env)."""
    access = OrgAccess(org.name, "emulator", org.instance_url, Secret(org.access_token), org.username,
                       org.ca_bundle, org.name, None)
    return connect(access, api_version="59.0")


@pytest.fixture()
def admin(org):
    admin = EmulatorAdmin(org)
    yield admin
    admin.clear_faults()


class Dataset:
    """A dataset folder with files.jsonl, bodies in a blob store and parents in the org."""

    def __init__(self, root: Path, sf: Any, tag: str) -> None:
        self.folder = root / "datasets" / tag
        self.folder.mkdir(parents=True)
        self.blobs = BlobStore(root / "blobs")
        self.sf, self.tag = sf, tag
        self.entries: list[dict[str, Any]] = []
        self.bodies: dict[str, bytes] = {}
        self.parents: dict[str, str] = {}  # local id → Salesforce Id
        self.ledger = Ledger.open(f"sqlite:///{root / 'ledger.db'}")

    def parent(self, kind: str, name: str) -> str:
        local = f"{kind}-{self.tag}-{name}"
        if kind == "client_account":
            self.parents[local] = self.sf.Account.create({"Name": f"{self.tag} {name}"})["id"]
        else:
            self.parents[local] = self.sf.Work_Order__c.create({"Name": f"{self.tag} {name}"})["id"]
        return local

    def add(self, name: str, body: bytes, parents: list[str], **extra: Any) -> str:
        sha = hashlib.sha256(body).hexdigest()
        partial = self.blobs.partial_path(name)
        partial.write_bytes(body)
        self.blobs.commit(partial)
        att = f"at-{self.tag}-{name}"
        local = f"attachment_file-{att}"
        self.bodies[att] = body
        self.entries.append({
            "attachment_id": att, "table": "attachment_file", "local_id": local, "file_name": name,
            "content_type": "application/octet-stream", "sha256": sha, "size": len(body),
            "parent_resource": "work_orders", "parent_id": "x",
            "values": {"ServiceTracker_Id__c": att, "Title": name, "PathOnClient": name, "VersionData": sha,
                       "Description": None, "CreatedDate": "2023-04-05T06:07:08.000Z"},
            "links": [{"table": "attachment_link", "local_id": f"attachment_link-{att}#{i}",
                       "values": {"ContentDocumentId": local, "LinkedEntityId": p, "ShareType": "V",
                                  "Visibility": "AllUsers"}} for i, p in enumerate(parents)],
            **extra})
        return att

    def write(self) -> None:
        with (self.folder / "files.jsonl").open("w") as fh:
            for entry in self.entries:
                fh.write(json.dumps(entry) + "\n")
        (self.folder / "dataset.json").write_text(json.dumps(
            {"steps": [{"name": "attachment_file", "resource": "attachments"}]}))

    def resolve(self, local_ids):
        return {i: self.parents[i] for i in local_ids if i in self.parents}

    def run(self, sf: Any, **kwargs: Any):
        run = self.ledger.start_run("migrate", {"dataset": self.tag})
        kwargs.setdefault("retry", NO_WAIT)
        outcome = upload_files(sf, dataset_folder=self.folder, blobs=self.blobs, resolve=self.resolve,
                               ledger=self.ledger, run_id=run.id, step="files", **kwargs)
        return run.id, outcome

    def version(self, att: str) -> dict[str, Any] | None:
        rows = self.sf.query("SELECT Id, ContentDocumentId, Checksum, ContentSize, ContentUrl, CreatedDate "
                             f"FROM ContentVersion WHERE ServiceTracker_Id__c = '{att}'")["records"]
        assert len(rows) <= 1
        return rows[0] if rows else None

    def linked(self, att: str) -> set[str]:
        doc = self.version(att)["ContentDocumentId"]
        rows = self.sf.query(f"SELECT LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId = '{doc}'")
        return {r["LinkedEntityId"] for r in rows["records"]}

    def count_versions(self) -> int:
        keys = ", ".join(f"'{e['attachment_id']}'" for e in self.entries)
        return self.sf.query(f"SELECT COUNT() FROM ContentVersion WHERE ServiceTracker_Id__c IN ({keys})")["totalSize"]


def _writes(sf: Any) -> list[str]:
    """Record the methods of every request the client sends from now on."""
    seen: list[str] = []
    sf.session.hooks["response"].append(lambda r, *a, **k: seen.append(r.request.method))
    return seen


def test_upload_verify_link_and_rerun(tmp_path, sf, org):
    data = Dataset(tmp_path, sf, "main")
    wo = data.parent("work_order_custom", "wo1")
    acct = data.parent("client_account", "c1")
    small = data.add("IMG_1.jpg", b"\xff\xd8small jpeg" * 100, [wo])
    shared = data.add("contract.pdf", b"%PDF" + bytes(range(256)) * 40, [wo, acct])
    large = data.add("scan.tif", os.urandom(300_000), [acct])
    lost = data.add("orphan.txt", b"parent never loaded", ["client_account-main-nobody"])
    data.write()

    sent = _writes(sf)
    try:
        run_id, outcome = data.run(sf, json_max_mb=0.1)  # the 300 KB scan goes multipart
    finally:
        sf.session.hooks["response"].clear()
    assert outcome.errors == ({
        "step": "files", "sobject": "ContentDocumentLink", "local_id": f"attachment_link-{lost}#0",
        "resource": "attachments", "source_id": lost, "code": "parent_not_loaded",
        "message": "the record 'client_account-main-nobody' the file was attached to was not loaded",
        "fields": ["LinkedEntityId"]},)
    assert outcome.as_dict() == {
        "files": 4, "uploaded": 4, "already_present": 0, "skipped": 0, "failed": 0, "links": 5,
        "links_created": 4, "links_existing": 0, "bytes": sum(len(b) for b in data.bodies.values()),
        "verified": 4, "api_requests": 8, "skipped_reasons": {}}
    assert outcome.api_requests == len(sent)   # every request the step sent, counted by the step itself
    for att, body in data.bodies.items():
        row = data.version(att)
        assert row["Checksum"] == hashlib.md5(body).hexdigest()
        assert row["ContentSize"] == len(body)
        assert row["CreatedDate"].startswith("2023-04-05T06:07:08")
        reply = sf.session.get(f"{sf.base_url}sobjects/ContentVersion/{row['Id']}/VersionData",
                               headers={"Authorization": f"Bearer {sf.session_id}"})
        assert reply.content == body
    owner = org.user_id
    assert data.linked(small) == {owner, data.parents[wo]}
    assert data.linked(shared) == {owner, data.parents[wo], data.parents[acct]}
    assert data.linked(large) == {owner, data.parents[acct]}
    assert data.linked(lost) == {owner}
    counts = data.ledger.id_counts(run_id)
    assert counts == {("ContentVersion", "created"): 4, ("ContentDocument", "created"): 4,
                      ("ContentDocumentLink", "created"): 4}
    versions = {e.source_key: e.salesforce_id for e in data.ledger.id_map(run_id, sobject="ContentVersion")}
    assert versions[f"attachment_file-{small}"] == data.version(small)["Id"]

    # a second run finds everything: nothing is sent but queries
    methods = _writes(sf)
    try:
        again_id, again = data.run(sf, json_max_mb=0.1)
    finally:
        sf.session.hooks["response"].clear()
    assert set(methods) == {"GET"} and len(methods) == 2
    assert again.as_dict() == {
        "files": 4, "uploaded": 0, "already_present": 4, "skipped": 0, "failed": 0, "links": 5,
        "links_created": 0, "links_existing": 4, "bytes": 0, "verified": 4, "api_requests": len(methods),
        "skipped_reasons": {}}
    assert data.count_versions() == 4
    assert data.ledger.id_counts(again_id) == {}


def test_resume_after_failed_uploads(tmp_path, sf, admin):
    data = Dataset(tmp_path, sf, "resume")
    wo = data.parent("work_order_custom", "wo")
    atts = [data.add(f"f{i}.txt", f"body {i} ".encode() * 50, [wo]) for i in range(12)]
    data.write()
    # half the uploads are answered 503 and never stored; with one try each, they fail
    admin.set_faults(seed=5, error_rate=0.5, error_statuses=[503],
                     paths=["/services/data/v59.0/sobjects/ContentVersion"])
    _, first = data.run(sf, retry=RetryPolicy(attempts=1, base_delay=0, max_delay=0))
    assert 0 < first.failed < 12
    assert first.uploaded + first.failed == 12
    assert {(e["code"], e["sobject"]) for e in first.errors} == {("SERVER_UNAVAILABLE", "ContentVersion")}
    assert len(first.errors) == first.failed
    assert data.count_versions() == first.uploaded
    admin.clear_faults()
    _, second = data.run(sf)
    assert (second.uploaded, second.already_present, second.failed) == (first.failed, first.uploaded, 0)
    assert second.links_created == first.failed and second.links_existing == first.uploaded
    assert data.count_versions() == 12
    assert all(data.linked(a) >= {data.parents[wo]} for a in atts)


def test_lost_replies_are_retried_without_duplicates(tmp_path, sf, admin):
    data = Dataset(tmp_path, sf, "drops")
    wo = data.parent("work_order_custom", "wo")
    for i in range(8):
        data.add(f"d{i}.txt", f"dropped {i}".encode() * 30, [wo])
    data.write()
    # stored, then the reply is cut off: the retry meets DUPLICATE_VALUE and takes the stored version
    admin.set_faults(seed=11, drop_rate=0.5, paths=["/services/data/v59.0/sobjects/ContentVersion",
                                                    "/services/data/v59.0/composite/sobjects"])
    methods = _writes(sf)
    try:
        run_id, outcome = data.run(sf)
    finally:
        sf.session.hooks["response"].clear()
    admin.clear_faults()
    assert methods.count("POST") > 8 + 1  # 8 uploads and 1 collection of links, plus the retries of lost replies
    assert (outcome.uploaded, outcome.failed, outcome.verified, outcome.errors) == (8, 0, 8, ())
    assert (outcome.links_created, outcome.links_existing) == (8, 0)  # lost replies: still this run's links
    assert data.ledger.id_counts(run_id) == {("ContentVersion", "created"): 8, ("ContentDocument", "created"): 8,
                                             ("ContentDocumentLink", "created"): 8}
    assert data.count_versions() == 8
    for entry in data.entries:
        assert data.linked(entry["attachment_id"]) >= {data.parents[wo]}


def test_oversize_policy_skip_and_link(tmp_path, sf):
    data = Dataset(tmp_path, sf, "oversize")
    wo = data.parent("work_order_custom", "wo")
    small = data.add("ok.txt", b"fits", [wo])
    big_url = data.add("video.mp4", b"v" * 3000, [wo], url="https://st.example.com/files/video.mp4")
    big = data.add("huge.bin", b"h" * 3000, [wo])
    data.write()
    _, skipped = data.run(sf, policy=FilePolicy(max_mb=0.001, oversize="skip"))
    assert (skipped.uploaded, skipped.skipped, skipped.skipped_reasons) == (1, 2, {"file_too_large": 2})
    assert data.version(big_url) is None and data.version(big) is None
    _, linked = data.run(sf, policy=FilePolicy(max_mb=0.001, oversize="link"))
    assert (linked.already_present, linked.uploaded, linked.skipped) == (1, 1, 1)
    assert linked.skipped_reasons == {"file_too_large_no_url": 1}
    assert linked.verified == 1  # the small file, read back again; a link has no body to verify
    row = data.version(big_url)
    assert (row["ContentUrl"], row["ContentSize"], row["Checksum"]) == ("https://st.example.com/files/video.mp4", 0, None)
    assert data.linked(big_url) >= {data.parents[wo]}
    assert data.version(small)["ContentSize"] == 4


def test_corrupted_blob_is_reported_and_not_linked(tmp_path, sf):
    data = Dataset(tmp_path, sf, "corrupt")
    wo = data.parent("work_order_custom", "wo")
    good = data.add("good.txt", b"intact body", [wo])
    bad = data.add("bad.txt", b"original body", [wo])
    data.write()
    bad_sha = hashlib.sha256(b"original body").hexdigest()
    data.blobs.path_for(bad_sha).write_bytes(b"bit-rotted body")
    _, outcome = data.run(sf)
    assert (outcome.uploaded, outcome.failed, outcome.links, outcome.links_created) == (1, 1, 1, 1)
    (error,) = outcome.errors
    assert (error["code"], error["local_id"], error["sobject"]) == ("blob_corrupt", f"attachment_file-{bad}", "ContentVersion")
    assert "now hashes to " + hashlib.sha256(b"bit-rotted body").hexdigest()[:12] in error["message"]
    assert data.version(bad) is None and data.version(good) is not None


def test_bad_policy_is_a_usage_error(tmp_path, sf):
    from control.errors import UsageError

    data = Dataset(tmp_path, sf, "policy")
    data.write()
    with pytest.raises(UsageError, match="oversize policy 'upload'"):
        data.run(sf, policy=FilePolicy(oversize="upload"))
    assert Action.CREATED == "created"


class _Corrupting(requests.adapters.HTTPAdapter):
    """A transport that damages the file bytes of the ContentVersion uploads it carries."""

    def send(self, request, **kwargs):
        if request.method == "POST" and request.url.endswith("/sobjects/ContentVersion"):
            record = json.loads(request.body)
            body = bytearray(base64.b64decode(record["VersionData"]))
            body[0] ^= 0xFF
            record["VersionData"] = base64.b64encode(bytes(body)).decode()
            request.body = json.dumps(record).encode()
            request.headers["Content-Length"] = str(len(request.body))
        return super().send(request, **kwargs)


def test_a_body_damaged_on_the_way_fails_its_checksum_and_is_removed(tmp_path, sf):
    data = Dataset(tmp_path, sf, "transit")
    wo = data.parent("work_order_custom", "wo")
    att = data.add("report.csv", b"a,b\n1,2\n" * 20, [wo])
    data.write()
    sf.session.mount("https://", _Corrupting())
    try:
        run_id, outcome = data.run(sf)
    finally:
        sf.session.mount("https://", requests.adapters.HTTPAdapter())
    assert (outcome.uploaded, outcome.failed, outcome.verified, outcome.links) == (0, 1, 0, 0)
    (error,) = outcome.errors
    assert (error["code"], error["fields"]) == ("checksum_mismatch", ["Checksum"])
    assert hashlib.md5(b"a,b\n1,2\n" * 20).hexdigest() in error["message"]
    assert data.version(att) is None  # its document was deleted, so the next run uploads it again
    assert data.ledger.id_counts(run_id) == {("ContentVersion", "created"): 1, ("ContentDocument", "created"): 1,
                                             ("ContentDocument", "deleted"): 1}
    _, again = data.run(sf)
    assert (again.uploaded, again.verified, again.links_created, again.failed) == (1, 1, 1, 0)
    assert data.version(att)["Checksum"] == hashlib.md5(b"a,b\n1,2\n" * 20).hexdigest()


def test_an_entry_without_external_id_is_not_sent(tmp_path, sf):
    data = Dataset(tmp_path, sf, "nokey")
    wo = data.parent("work_order_custom", "wo")
    att = data.add("anon.txt", b"no key", [wo])
    data.entries[0]["values"].pop("ServiceTracker_Id__c")
    data.write()
    _, outcome = data.run(sf)
    assert (outcome.failed, outcome.uploaded, [e["code"] for e in outcome.errors]) == (1, 0, ["no_external_id"])
    assert data.version(att) is None


def test_an_org_without_the_external_id_field_is_a_config_error(tmp_path, org):
    from control.errors import ConfigError

    other = start_org(org.state_dir, "plain", seed=SEED.with_name("seed.yml"))  # same state: same certificate
    try:
        plain = other.simple_salesforce()
        data = Dataset(tmp_path, plain, "plain")
        data.add("x.txt", b"x", [])
        data.write()
        with pytest.raises(ConfigError, match="has no ServiceTracker_Id__c field") as exc:
            data.run(plain)
        assert "st2sf metadata deploy" in exc.value.hint
    finally:
        stop_org(other)


_CHILD = """
import json, os, signal, sys
from pathlib import Path
from control.ledger import Ledger
from control.load.files import upload_files
from control.salesforce.access import OrgAccess, connect, temporary_environ
from control.secrets import Secret
from control.staging import BlobStore
a = json.loads(sys.argv[1])
sf = connect(OrgAccess("files", "emulator", a["url"], Secret(a["token"]), None, a["ca"], "files", None), "59.0")
ledger = Ledger.open(a["ledger"])
run = ledger.start_run("migrate", {})
calls = []
def resolve(ids):
    calls.append(1)
    if len(calls) == 2:  # second batch: its files are uploaded and recorded, its links not yet made
        os.kill(os.getpid(), signal.SIGKILL)
    return {i: a["parents"][i] for i in ids if i in a["parents"]}
upload_files(sf, dataset_folder=Path(a["folder"]), blobs=BlobStore(Path(a["blobs"])), resolve=resolve,
             ledger=ledger, run_id=run.id, step="files", batch_size=4)
"""


def test_killed_mid_run_then_resumed(tmp_path, sf, org):
    import subprocess
    import sys

    data = Dataset(tmp_path, sf, "kill")
    wo = data.parent("work_order_custom", "wo")
    acct = data.parent("client_account", "acct")
    for i in range(10):
        data.add(f"k{i}.txt", f"kill body {i}".encode() * 20, [wo, acct] if i % 2 else [wo])
    data.write()
    args = {"url": org.instance_url, "token": org.access_token, "ca": org.ca_bundle, "ledger": f"sqlite:///{tmp_path / 'ledger.db'}",
            "folder": str(data.folder), "blobs": str(tmp_path / "blobs"), "parents": data.parents}
    child = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(args)], cwd=Path(__file__).resolve().parents[3],
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == -9, child.stderr
    assert data.count_versions() == 8  # two batches of four uploaded; the second batch's links never made
    _, resumed = data.run(sf, batch_size=4)
    assert (resumed.already_present, resumed.uploaded, resumed.failed) == (8, 2, 0)
    assert resumed.links == 15 and resumed.links_existing == 6 and resumed.links_created == 9
    _, again = data.run(sf, batch_size=4)
    assert (again.uploaded, again.links_created, again.links_existing) == (0, 0, 15)
    assert data.count_versions() == 10
    for i, entry in enumerate(data.entries):
        parents = {data.parents[wo], data.parents[acct]} if i % 2 else {data.parents[wo]}
        assert data.linked(entry["attachment_id"]) - {org.user_id} == parents
        doc = data.version(entry["attachment_id"])["ContentDocumentId"]
        pairs = sf.query(f"SELECT LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId = '{doc}'")
        assert pairs["totalSize"] == len(parents) + 1  # no link twice
