"""Fault injection: what clients see, and that a seed makes it reproducible.

Faults are set through the admin endpoint (``PUT /_emulator/faults``) or at start
(``--faults FILE``); a test sets them, watches the client, and clears them again.
"""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys
import time

import pytest
import requests
from simple_salesforce.exceptions import SalesforceGeneralError

from tests.contract.salesforce.bulk_client import BulkV1Client
from tests.support.salesforce_admin import EmulatorAdmin
from tests.support.salesforce_org import PROJECT_ROOT


@pytest.fixture(scope="module")
def faults_org(org_factory):
    return org_factory("faults")


@pytest.fixture()
def admin(faults_org):
    admin = EmulatorAdmin(faults_org)
    yield admin
    admin.clear_faults()


def _statuses(org, count: int) -> list[int]:
    session = requests.Session()
    session.verify = org.ca_bundle
    session.headers["Authorization"] = f"Bearer {org.access_token}"
    return [session.get(f"{org.instance_url}/services/data/v59.0/limits", timeout=30).status_code for _ in range(count)]


def test_error_answers_have_the_shape_of_the_api_called(faults_org, admin):
    admin.set_faults(seed=1, error_rate=1.0, error_statuses=[503])
    with pytest.raises(SalesforceGeneralError) as rest:
        faults_org.simple_salesforce().query("SELECT Id FROM Account")
    assert rest.value.status == 503
    assert rest.value.content == [{"message": "Service temporarily unavailable: the server is undergoing maintenance or "
                                              "is overloaded.", "errorCode": "SERVER_UNAVAILABLE"}]
    bulk = BulkV1Client(faults_org).get("/job/750000000000000AAA")
    assert bulk.status_code == 503 and BulkV1Client.fields(bulk)["exceptionCode"] == "Unknown"
    soap = requests.post(f"{faults_org.instance_url}/services/Soap/m/59.0", data=b"<x/>", verify=faults_org.ca_bundle,
                         headers={"Content-Type": "text/xml"}, timeout=30)
    assert soap.status_code == 503 and b"<faultcode>sf:SERVER_UNAVAILABLE</faultcode>" in soap.content
    admin_page = requests.get(f"{faults_org.instance_url}/", verify=faults_org.ca_bundle, timeout=30)
    assert admin_page.status_code == 200  # faults never touch the admin surfaces


def test_the_same_seed_gives_the_same_faults(faults_org, admin):
    admin.set_faults(seed=11, error_rate=0.5)
    first = _statuses(faults_org, 24)
    admin.set_faults(seed=11, error_rate=0.5)
    again = _statuses(faults_org, 24)
    admin.set_faults(seed=12, error_rate=0.5)
    other = _statuses(faults_org, 24)
    assert first == again
    assert first != other
    assert set(first) == {200, 500, 503}


def test_latency_is_added(faults_org, admin):
    sf = faults_org.simple_salesforce()
    admin.set_faults(latency_ms=400)
    started = time.perf_counter()
    sf.query("SELECT Id FROM Account LIMIT 1")
    assert time.perf_counter() - started >= 0.4
    admin.clear_faults()
    started = time.perf_counter()
    sf.query("SELECT Id FROM Account LIMIT 1")
    assert time.perf_counter() - started < 0.4


def test_a_dropped_connection_after_the_work_was_done(faults_org, admin):
    sf = faults_org.simple_salesforce()
    admin.set_faults(drop_rate=1.0, paths=["/services/data/v59.0/sobjects/Account"])
    with pytest.raises(requests.exceptions.ChunkedEncodingError, match="IncompleteRead"):  # the body was cut short
        sf.Account.create({"Name": "Created Then Dropped"})
    admin.clear_faults()
    assert sf.query("SELECT COUNT() FROM Account WHERE Name = 'Created Then Dropped'")["totalSize"] == 1


def test_unable_to_lock_row_on_a_seeded_fraction_of_parallel_bulk_rows(faults_org, admin):
    client = BulkV1Client(faults_org)
    body = b"Name\n" + b"".join(b"Locked %03d\n" % i for i in range(100))
    admin.set_faults(seed=5, lock_row_rate=0.3)
    rng = random.Random("5/rows")
    expected = [i for i in range(100) if rng.random() < 0.3]
    job_id, batch_id, info = client.run("insert", "Account", body)
    rows = list(csv.reader(io.StringIO(client.result(job_id, batch_id).text)))[1:]
    failed = [i for i, row in enumerate(rows) if row[1] == "false"]
    assert failed == expected and info["numberRecordsFailed"] == str(len(expected))
    assert {rows[i][3] for i in failed} == {"UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record:--"}

    job_id, batch_id, info = client.run("insert", "Account", body, concurrencyMode="Serial")
    assert info["numberRecordsFailed"] == "0"  # serial mode is the cure, as in Salesforce


def test_request_limit_ceiling(faults_org, admin):
    sf = faults_org.simple_salesforce()
    used = admin.limits()["api_requests"]["used"]
    admin.set_faults(request_limit=used + 1)
    sf.query("SELECT Id FROM Account LIMIT 1")
    with pytest.raises(Exception) as refused:
        sf.query("SELECT Id FROM Account LIMIT 1")
    assert getattr(refused.value, "status", None) == 403
    assert refused.value.content[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
    admin.clear_faults()
    sf.query("SELECT Id FROM Account LIMIT 1")


def test_slow_batches_stay_in_progress_until_their_time(faults_org, admin):
    client = BulkV1Client(faults_org)
    admin.set_faults(slow_batch_seconds=120)
    job_id = client.create_job("insert", "Account")
    batch_id = client.fields(client.add_batch(job_id, b"Name\nSlow Co\n"))["id"]
    assert client.batch(job_id, batch_id)["state"] == "InProgress"
    early = client.result(job_id, batch_id)
    assert early.status_code == 400 and BulkV1Client.fields(early)["exceptionMessage"] == (
        f"Batch {batch_id} is InProgress: results are available once it completes")

    sf = faults_org.simple_salesforce()
    session = requests.Session()
    session.verify = faults_org.ca_bundle
    session.headers["Authorization"] = f"Bearer {faults_org.access_token}"
    base = f"{faults_org.instance_url}/services/data/v59.0/jobs/ingest"
    job = session.post(base, json={"object": "Account", "operation": "insert"}).json()
    session.put(f"{base}/{job['id']}/batches", data=b"Name\nSlow Two\n", headers={"Content-Type": "text/csv"})
    assert session.patch(f"{base}/{job['id']}", json={"state": "UploadComplete"}).json()["state"] == "UploadComplete"
    assert session.get(f"{base}/{job['id']}").json()["state"] == "InProgress"
    assert sf.query("SELECT COUNT() FROM Account WHERE Name IN ('Slow Co', 'Slow Two')")["totalSize"] == 0

    admin.advance_clock(seconds=121)
    assert client.batch(job_id, batch_id)["state"] == "Completed"
    assert session.get(f"{base}/{job['id']}").json()["state"] == "JobComplete"
    assert sf.query("SELECT COUNT() FROM Account WHERE Name IN ('Slow Co', 'Slow Two')")["totalSize"] == 2


def test_the_admin_endpoint_needs_the_token_and_valid_settings(faults_org):
    url = f"{faults_org.instance_url}/_emulator/faults"
    assert requests.get(url, verify=faults_org.ca_bundle, timeout=30).status_code == 401
    bad = requests.put(url, json={"error_rate": 2, "colour": "red"}, verify=faults_org.ca_bundle, timeout=30,
                       headers={"X-Emulator-Admin-Token": faults_org.details["admin_token"]})
    assert bad.status_code == 400
    assert bad.json() == {"error": "invalid fault configuration: unknown key 'colour' (known: ['drop_rate', "
                                   "'error_rate', 'error_statuses', 'latency_jitter_ms', 'latency_ms', 'lock_row_rate', "
                                   "'paths', 'request_limit', 'seed', 'slow_batch_seconds']); error_rate must be a "
                                   "fraction from 0 to 1, got 2"}


def test_faults_and_limits_files_at_start(tmp_path):
    state = tmp_path / "state"
    faults = tmp_path / "faults.yml"
    faults.write_text("seed: 3\nlatency_ms: 10\nlock_row_rate: 0.25\n")
    limits = tmp_path / "limits.yml"
    limits.write_text("api_requests: 5000\ndata_storage_mb: 2.5\n")
    cmd = [sys.executable, "-m", "emulators.salesforce", "start", "files", "--state-dir", str(state), "--json"]
    started = subprocess.run([*cmd, "--faults", str(faults), "--limits", str(limits)], cwd=PROJECT_ROOT,
                             capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    details = json.loads(started.stdout)
    try:
        session = requests.Session()
        session.headers["X-Emulator-Admin-Token"] = details["admin_token"]
        verify = details["ca_bundle"]  # this org's own state folder, so its own certificate
        config = session.get(f"{details['instance_url']}/_emulator/faults", verify=verify).json()
        assert (config["seed"], config["latency_ms"], config["lock_row_rate"]) == (3, 10, 0.25)
        snapshot = session.get(f"{details['instance_url']}/_emulator/limits", verify=verify).json()
        assert snapshot["api_requests"]["max"] == 5000 and snapshot["data_storage"]["max_bytes"] == int(2.5 * 1024 * 1024)
    finally:
        subprocess.run([sys.executable, "-m", "emulators.salesforce", "stop", "files", "--state-dir", str(state)],
                       cwd=PROJECT_ROOT, capture_output=True, timeout=60)
    faults.write_text("error_rate: lots\n")
    refused = subprocess.run([*cmd, "--faults", str(faults)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2
    assert json.loads(refused.stdout)["error"]["message"] == (
        f"{faults}: invalid fault configuration: error_rate must be a fraction from 0 to 1, got 'lots'")
