"""CumulusCI's own data tasks against the org emulator over the Bulk API: load, extract, delete.

CumulusCI's "smart" mode picks the Bulk API at 2,000 records or more (the dataset's size for a
load, ``/limits/recordCount`` for an extract), so every step here moves 2,100 rows per object and
the tests check that Bulk batches were spent, not REST calls.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.support.cumulusci_project import make_project, run_task
from tests.support.salesforce_admin import EmulatorAdmin

ROWS = 2_100
MAPPING = """\
Insert Accounts:
    sf_object: Account
    fields:
        - Name
        - Phone
        - NumberOfEmployees
Insert Contacts:
    sf_object: Contact
    fields:
        - LastName
        - Email
    lookups:
        AccountId:
            table: Account
"""


def _dataset(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute('CREATE TABLE "Account" (id VARCHAR(255) PRIMARY KEY, "Name" VARCHAR(255), "Phone" VARCHAR(255), '
                 '"NumberOfEmployees" VARCHAR(255))')
    conn.execute('CREATE TABLE "Contact" (id VARCHAR(255) PRIMARY KEY, "LastName" VARCHAR(255), "Email" VARCHAR(255), '
                 '"AccountId" VARCHAR(255))')
    conn.executemany('INSERT INTO "Account" VALUES (?, ?, ?, ?)',
                     [(str(i), f"Bulk Client {i:05d}", f"555-{i:04d}", str(i % 50)) for i in range(1, ROWS + 1)])
    conn.executemany('INSERT INTO "Contact" VALUES (?, ?, ?, ?)',
                     [(str(i), f"Person {i:05d}", f"p{i}@bulk.example.com", str(i)) for i in range(1, ROWS + 1)])
    conn.commit()
    conn.close()


@pytest.fixture(scope="module")
def bulk_org(org_factory):
    return org_factory("cci-bulk")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = make_project(tmp_path_factory.mktemp("cci-bulk-project"))
    (folder / "mapping.yml").write_text(MAPPING)
    _dataset(folder / "dataset.db")
    return folder


@pytest.mark.slow
def test_load_extract_and_delete_with_the_bulk_api(bulk_org, project):
    from cumulusci.tasks.bulkdata import DeleteData, ExtractData, LoadData

    admin = EmulatorAdmin(bulk_org)
    sf = bulk_org.simple_salesforce()
    batches_before = admin.limits()["bulk_batches"]["used"]

    run_task(LoadData, project, bulk_org, {
        "database_url": f"sqlite:///{project / 'dataset.db'}",
        "mapping": str(project / "mapping.yml"),
        "set_recently_viewed": False,
    })
    assert sf.query("SELECT COUNT() FROM Account WHERE Name LIKE 'Bulk Client %'")["totalSize"] == ROWS
    assert sf.query("SELECT COUNT() FROM Contact WHERE Account.Name LIKE 'Bulk Client %'")["totalSize"] == ROWS
    linked = sf.query("SELECT LastName, Email, Account.Name, Account.NumberOfEmployees FROM Contact "
                      "WHERE LastName = 'Person 01234'")["records"]
    assert [(r["Email"], r["Account"]["Name"], r["Account"]["NumberOfEmployees"]) for r in linked] == [
        ("p1234@bulk.example.com", "Bulk Client 01234", 34)
    ]
    loaded = admin.limits()["bulk_batches"]["used"]
    assert loaded - batches_before == 2  # one Bulk batch per object: 2,100 rows fit in one 10,000-row batch

    extract_db = project / "extract.db"
    run_task(ExtractData, project, bulk_org, {
        "database_url": f"sqlite:///{extract_db}",
        "mapping": str(project / "mapping.yml"),
    })
    conn = sqlite3.connect(extract_db)
    try:
        assert conn.execute('SELECT count(*) FROM "Account"').fetchone()[0] == ROWS
        assert conn.execute('SELECT count(*) FROM "Contact"').fetchone()[0] == ROWS
        pairs = conn.execute(
            'SELECT c."Email", a."Name", a."NumberOfEmployees" FROM "Contact" c JOIN "Account" a ON a.id = c."AccountId" '
            'WHERE c."LastName" = \'Person 00007\''
        ).fetchall()
    finally:
        conn.close()
    assert pairs == [("p7@bulk.example.com", "Bulk Client 00007", "7")]
    extracted = admin.limits()["bulk_batches"]["used"]
    assert extracted - loaded == 2  # one Bulk query batch per object

    run_task(DeleteData, project, bulk_org, {"objects": "Contact,Account"})
    assert sf.query("SELECT COUNT() FROM Contact")["totalSize"] == 0
    assert sf.query("SELECT COUNT() FROM Account")["totalSize"] == 0
    assert sf.query("SELECT COUNT() FROM Account WHERE IsDeleted = true", include_deleted=True)["totalSize"] == ROWS
    assert admin.limits()["bulk_batches"]["used"] > extracted  # the deletes went through Bulk too
