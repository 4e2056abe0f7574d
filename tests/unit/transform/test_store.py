"""The dataset database (control.datasets.store): duplicate external Ids, dangling lookups, the SQL script."""

from __future__ import annotations

import sqlite3

from control.datasets.store import DatasetStore


def test_claims_are_case_insensitive_and_name_the_holder(tmp_path) -> None:
    store = DatasetStore(tmp_path / "d.db", fresh=True)
    store.begin()
    assert store.claim_keys("Account", [("CL-1", "a-1"), ("cl-2", "a-2"), ("cl-1", "b-9")]) == {"b-9": "a-1"}
    assert store.claim_keys("Account", [("Cl-2", "c-3"), ("cl-3", "c-4")]) == {"c-3": "a-2"}
    assert store.claim_keys("Contact", [("cl-1", "k-1")]) == {}  # keys are per object
    store.release_keys("Account", ["a-2"])
    assert store.claim_keys("Account", [("CL-2", "c-3")]) == {}
    store.commit()
    store.close()


def test_dangling_lookups_ignore_salesforce_ids_and_the_dump_keeps_only_named_tables(tmp_path) -> None:
    store = DatasetStore(tmp_path / "d.db", fresh=True)
    store.create_table("account", ["Name", "ParentId", "OwnerId"])
    store.create_table("contact", ["AccountId"])
    store.begin()
    store.insert_rows("account", [{"id": "account-1", "Name": "A", "ParentId": "account-9", "OwnerId": "005000000000001AAA"},
                                  {"id": "account-2", "Name": "B", "ParentId": "account-1"}])
    store.insert_rows("contact", [{"id": "contact-1", "AccountId": "account-2"}, {"id": "contact-2", "AccountId": "001000000000001AAA"}])
    store.commit()
    assert store.dangling("account", "ParentId", ["account"]) == [("account-1", "account-9")]
    assert store.dangling("contact", "AccountId", ["account"]) == []
    store.dump_sql(tmp_path / "d.sql", ["account"])
    store.close()
    conn = sqlite3.connect(":memory:")
    conn.executescript((tmp_path / "d.sql").read_text())
    assert conn.execute('SELECT "Name", "OwnerId" FROM account ORDER BY id').fetchall() == [("A", "005000000000001AAA"),
                                                                                          ("B", None)]
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["account"]
