"""Files from a real dataset: the generated tenant's attachments, built into files.jsonl, uploaded after
CumulusCI's LoadData has loaded the records into a fresh org — every file verified by Checksum, every link
on the record its attachment belonged to, and a re-run that changes nothing."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from typing import Mapping, Sequence

import pytest
from cumulusci.tasks.bulkdata import LoadData

from control.ledger import Ledger
from control.load.files import upload_files
from control.staging import BlobStore
from tests.support.cumulusci_project import make_project, run_task
from tests.e2e.data.migrate_support import fresh_dataset
from tests.support.salesforce_org import stop_org

pytestmark = pytest.mark.slow


def _resolver(database, steps: Mapping[str, dict], sf):
    """local id → Salesforce Id of a loaded row, through its ServiceTracker_Id__c (as a loader's id table would)."""

    def resolve(local_ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        with sqlite3.connect(database) as conn:
            by_step: dict[str, dict[str, str]] = {}
            for local in local_ids:
                table = local.split("-", 1)[0]
                row = conn.execute(f'SELECT "ServiceTracker_Id__c" FROM "{table}" WHERE id = ?', (local,)).fetchone()
                if row and row[0]:
                    by_step.setdefault(table, {})[row[0]] = local
        for table, keys in by_step.items():
            listed = ", ".join("'" + k.replace("'", "\\'") + "'" for k in keys)
            rows = sf.query_all(f"SELECT Id, ServiceTracker_Id__c FROM {steps[table]['sobject']} "
                                f"WHERE ServiceTracker_Id__c IN ({listed})")["records"]
            lower = {k.lower(): v for k, v in keys.items()}
            for r in rows:
                out[lower[r["ServiceTracker_Id__c"].lower()]] = r["Id"]
        return out

    return resolve


def test_the_datasets_files_upload_verify_and_link(data_path, tmp_path) -> None:
    org, settings, result = fresh_dataset(data_path, "filescheck")
    try:
        database = tmp_path / "load.db"
        shutil.copy(result.database, database)
        run_task(LoadData, make_project(tmp_path / "cci"), org, {
            "mapping": str(result.folder / "filescheck.insert.mapping.yml"), "database_url": f"sqlite:///{database}",
            "set_recently_viewed": False})
        sf = org.simple_salesforce("63.0")
        manifest = json.loads((result.folder / "dataset.json").read_text())
        steps = {s["name"]: s for s in manifest["steps"]}
        summary = manifest["files_summary"]
        assert summary["files"] > 0 and summary["links"] > 0
        ledger = Ledger.open(f"sqlite:///{tmp_path / 'ledger.db'}")
        resolve = _resolver(database, steps, sf)
        blobs = BlobStore(settings.state_dir / "blobs")
        run = ledger.start_run("migrate", {})
        outcome = upload_files(sf, dataset_folder=result.folder, blobs=blobs, resolve=resolve, ledger=ledger,
                               run_id=run.id, step="files")
        assert outcome.errors == ()
        assert (outcome.files, outcome.uploaded, outcome.verified, outcome.failed, outcome.skipped) == (
            summary["files"], summary["files"], summary["files"], 0, 0)
        assert (outcome.links, outcome.links_created, outcome.bytes) == (summary["links"], summary["links"],
                                                                          summary["bytes"])
        entries = [json.loads(line) for line in (result.folder / "files.jsonl").read_text().splitlines()]
        versions = {r["ServiceTracker_Id__c"]: r for r in sf.query_all(
            "SELECT ServiceTracker_Id__c, Checksum, ContentSize, ContentDocumentId, OwnerId, CreatedDate "
            "FROM ContentVersion")["records"]}
        for entry in entries:
            row = versions[entry["values"]["ServiceTracker_Id__c"]]
            body = blobs.path_for(entry["sha256"]).read_bytes()
            assert (row["Checksum"], row["ContentSize"]) == (hashlib.md5(body).hexdigest(), len(body))
            assert row["OwnerId"] == entry["values"].get("OwnerId", org.user_id)  # unmatched: the running user
            if entry["values"].get("CreatedDate"):
                assert row["CreatedDate"][:19] == entry["values"]["CreatedDate"][:19]
            wanted = resolve([link["values"]["LinkedEntityId"] for link in entry["links"]])
            linked = {r["LinkedEntityId"] for r in sf.query(
                f"SELECT LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId = '{row['ContentDocumentId']}'"
            )["records"]}
            assert set(wanted.values()) <= linked and len(wanted) == len(entry["links"])
            assert linked - set(wanted.values()) <= {row["OwnerId"]}  # besides its parents, only its owner's link
        again = upload_files(sf, dataset_folder=result.folder, blobs=blobs, resolve=resolve, ledger=ledger,
                             run_id=ledger.start_run("migrate", {}).id, step="files")
        assert (again.uploaded, again.already_present, again.links_created, again.links_existing) == (
            0, summary["files"], 0, summary["links"])
    finally:
        stop_org(org)
