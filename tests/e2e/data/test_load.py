"""The dataset loads: CumulusCI's own LoadData, in-process, reads the insert mapping and the SQLite database and
loads every step into a fresh org with the same schema — parents first, deferred updates after, record types by
DeveloperName, owners, original create dates. (Loading with ledger, retries and resumption is `st2sf migrate`.)"""

from __future__ import annotations

import shutil
from collections import Counter

import pytest
from cumulusci.tasks.bulkdata import LoadData

from tests.support.cumulusci_project import make_project, run_task
from tests.e2e.data.migrate_support import fresh_dataset
from tests.support.salesforce_org import stop_org

pytestmark = pytest.mark.slow


def test_cumulusci_loads_the_whole_dataset_into_a_fresh_org(data_path, tmp_path) -> None:
    org, _, result = fresh_dataset(data_path, "loadcheck")
    try:
        assert result.accounting == data_path.result.accounting
        database = tmp_path / "load.db"
        shutil.copy(result.database, database)
        manifest = data_path.manifest()
        folder = result.folder
        run_task(LoadData, make_project(tmp_path / "cci"), org, {
            "mapping": str(folder / "loadcheck.insert.mapping.yml"), "database_url": f"sqlite:///{database}",
            "set_recently_viewed": False})
        sf = org.simple_salesforce("63.0")
        expected: Counter[str] = Counter()
        for spec in manifest["steps"]:
            if spec["kind"] == "load":
                expected[spec["sobject"]] += spec["rows"]
        for sobject, rows in expected.items():
            assert sf.query(f"SELECT count() FROM {sobject}")["totalSize"] == rows, sobject
        child = data_path.defects["defects"]["client_hierarchy"][0]
        parent_landed = data_path.landed("clients", child["parent_client_id"])
        if data_path.landed("clients", child["id"])["status"] == "dataset" and parent_landed["status"] == "dataset":
            record = sf.query(f"SELECT Parent.ServiceTracker_Id__c FROM Account WHERE ServiceTracker_Id__c = "
                              f"'{child['id']}'")["records"][0]
            assert record["Parent"]["ServiceTracker_Id__c"] == child["parent_client_id"]
        types = {r["DeveloperName"]: r["expr0"] for r in sf.query(
            "SELECT RecordType.DeveloperName, count(Id) FROM Case GROUP BY RecordType.DeveloperName")["records"]}
        with data_path.db() as conn:
            local = dict(conn.execute('SELECT "RecordTypeId", count(*) FROM work_order_case GROUP BY 1').fetchall())
        assert types == local
        with data_path.db() as conn:
            row = conn.execute('SELECT "ServiceTracker_Id__c", "CreatedDate" FROM client_account LIMIT 1').fetchone()
        loaded = sf.query(f"SELECT CreatedDate FROM Account WHERE ServiceTracker_Id__c = '{row[0]}'")["records"][0]
        assert loaded["CreatedDate"][:19] == row[1][:19]  # the original create date, not the load's
    finally:
        stop_org(org)
