"""A small map on the same org: duplicate source keys are caught in the transform (case-insensitively, as the
unique external Id compares), and reference-only entities — existing Accounts found by key — are resolved for
lookups and never written."""

from __future__ import annotations

import json

import pytest

from control.mapping.approval import approve_map
from control.settings import load_settings
from control.staging import StagingStore
from control.transform import build_dataset
from tests.e2e.data.conftest import ORG

MAP = """\
version: 1
objects:
  - source: clients
    routes:
      - name: existing_account
        target: Account
        mode: match
        match: {target_field: AccountNumber, source: code, case_insensitive: true}
      - name: account
        target: Account
        external_id: ServiceTracker_Id__c
        fields:
          - {source: code, target: ServiceTracker_Id__c}
          - {source: name, target: Name, required: true}
  - source: client_contacts
    routes:
      - name: contact
        target: Contact
        external_id: ServiceTracker_Id__c
        fields:
          - {source: id, target: ServiceTracker_Id__c}
          - {source: last_name, target: LastName, required: true}
          - {source: client_id, target: AccountId, transform: {lookup: {resource: clients}}, on_missing: quarantine}
"""
T = "2024-01-02T03:04:05+00:00"


def _record(**fields) -> dict:
    return {"created_at": T, "updated_at": T, "custom_fields": {}, **fields}


@pytest.fixture(scope="module")
def small(data_path, tmp_path_factory):
    root = tmp_path_factory.mktemp("small-map")
    (root / "mapping").mkdir()
    (root / "mapping" / "map.yml").write_text(MAP, encoding="utf-8")
    (root / "st2sf.toml").write_text(
        f'[project]\nname = "small"\nstate_dir = "{data_path.settings.state_dir}"\n'
        f'[staging]\nurl = "sqlite:///{root / "staging.db"}"\n[ledger]\nurl = "sqlite:///{root / "ledger.db"}"\n'
        f'[orgs.{ORG}]\nkind = "emulator"\nsandbox = true\n[defaults]\norg = "{ORG}"\n', encoding="utf-8")
    settings = load_settings(root, env={})
    store = StagingStore.open(settings.staging_url)
    store.write_page("clients", [_record(id="c1", code="AC-1", name="First"), _record(id="c2", code="ac-1", name="Second"),
                                 _record(id="c3", code="REF-7", name="Theirs"), _record(id="c4", code="AC-4", name="Fourth")])
    store.write_page("client_contacts", [_record(id="k1", client_id="c3", last_name="Ref"),
                                         _record(id="k2", client_id="c2", last_name="Dup"),
                                         _record(id="k3", client_id="c1", last_name="Ok")])
    store.close()
    sf = data_path.org.simple_salesforce("63.0")
    existing = sf.Account.create({"Name": "Existing Co", "AccountNumber": "ref-7"})["id"]
    approve_map(settings, root / "mapping", by="Small Map Tests")
    result = build_dataset(settings, name="small")
    yield result, existing, sf
    sf.Account.delete(existing)


def test_duplicate_source_keys_are_quarantined_naming_the_first_holder(small) -> None:
    result, _, _ = small
    lines = [json.loads(line) for line in (result.folder / "quarantine.jsonl").read_text().splitlines()]
    by_id = {(q["resource"], q["source_id"]): q for q in lines}
    dup = by_id[("clients", "c2")]
    assert dup["rule"] == "duplicate_key" and dup["field"] == "ServiceTracker_Id__c" and dup["value"] == "ac-1"
    assert "account-c1" in dup["reason"]
    # its contact cannot point at it, and says why
    orphan = by_id[("client_contacts", "k2")]
    assert orphan["rule"] == "missing_parent" and "clients c2 is quarantined (duplicate_key)" in orphan["reason"]
    assert result.accounting["clients"] == {"source": 4, "dataset": 2, "quarantined": 1, "skipped": 1, "matched": 1,
                                            "skipped_reasons": {"matched an existing record (existing_account): "
                                                                "referenced, not written": 1}, "balanced": True}


def test_reference_only_accounts_are_resolved_by_key_and_never_written(small) -> None:
    import sqlite3

    result, existing, _ = small
    conn = sqlite3.connect(result.database)
    assert [r[0] for r in conn.execute("SELECT id FROM account ORDER BY id")] == ["account-c1", "account-c4"]
    contacts = dict(conn.execute('SELECT id, "AccountId" FROM contact'))
    assert contacts == {"contact-k1": existing, "contact-k3": "account-c1"}
    manifest = json.loads((result.folder / "dataset.json").read_text())
    assert [s["name"] for s in manifest["steps"]] == ["account", "contact"]  # nothing for the match route
