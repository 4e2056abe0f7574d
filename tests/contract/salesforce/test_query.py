"""SOQL over REST: paging at 2,000 rows, queryAll, columns=true, batch size, the probes clients send."""

from __future__ import annotations

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

ROWS = 5_000


@pytest.fixture(scope="module")
def paged_accounts(sf):
    """5,000 Accounts tagged ``Legacy_Code__c = 'PAGE'`` inserted through sObject Collections."""
    ids = []
    for start in range(0, ROWS, 200):
        records = [
            {"attributes": {"type": "Account"}, "Name": f"Paged {i:05d}", "Legacy_Code__c": "PAGE", "NumberOfEmployees": i}
            for i in range(start, min(start + 200, ROWS))
        ]
        result = sf.restful("composite/sobjects", method="POST", json={"allOrNone": True, "records": records})
        assert all(r["success"] for r in result)
        ids += [r["id"] for r in result]
    return ids


def test_query_pages_at_2000_rows_with_next_records_url(sf, paged_accounts):
    first = sf.query("SELECT Id, Name FROM Account WHERE Legacy_Code__c = 'PAGE' ORDER BY NumberOfEmployees")
    assert first["totalSize"] == ROWS and first["done"] is False and len(first["records"]) == 2000
    assert first["nextRecordsUrl"].startswith("/services/data/v59.0/query/01g")
    assert first["nextRecordsUrl"].endswith("-2000")
    second = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert len(second["records"]) == 2000 and second["nextRecordsUrl"].endswith("-4000")
    third = sf.query_more(second["nextRecordsUrl"], identifier_is_url=True)
    assert third["done"] is True and len(third["records"]) == 1000 and "nextRecordsUrl" not in third
    names = [r["Name"] for page in (first, second, third) for r in page["records"]]
    assert names == [f"Paged {i:05d}" for i in range(ROWS)]


def test_query_all_returns_every_row_in_order(sf, paged_accounts):
    result = sf.query_all("SELECT Id FROM Account WHERE Legacy_Code__c = 'PAGE'")
    assert result["totalSize"] == ROWS and [r["Id"] for r in result["records"]] == paged_accounts


def test_query_all_endpoint_includes_deleted_rows(sf, paged_accounts):
    victim = paged_accounts[-1]
    sf.Account.delete(victim)
    live = sf.query("SELECT COUNT() FROM Account WHERE Legacy_Code__c = 'PAGE'")
    assert live["totalSize"] == ROWS - 1 and live["records"] == []
    everything = sf.query_all("SELECT Id, IsDeleted FROM Account WHERE Legacy_Code__c = 'PAGE'", include_deleted=True)
    assert everything["totalSize"] == ROWS
    assert [r["IsDeleted"] for r in everything["records"] if r["Id"] == victim] == [True]


def test_batch_size_header_is_honoured(sf, sf_org, paged_accounts):
    response = sf.session.get(
        f"{sf_org.instance_url}/services/data/v59.0/query",
        params={"q": "SELECT Id FROM Account WHERE Legacy_Code__c = 'PAGE'"},
        headers={"Authorization": f"Bearer {sf_org.access_token}", "Sforce-Query-Options": "batchSize=500"},
    )
    body = response.json()
    assert len(body["records"]) == 500 and body["nextRecordsUrl"].endswith("-500")


def test_unknown_locator_is_invalid_query_locator(sf):
    with pytest.raises(SalesforceMalformedRequest) as got:
        sf.query_more("01gZZ0000000001AAA-2000")
    assert got.value.content[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_columns_metadata(sf, sf_org):
    response = sf.session.get(
        f"{sf_org.instance_url}/services/data/v59.0/query",
        params={"q": "SELECT Id, Name, Owner.Name FROM Account", "columns": "true"},
        headers={"Authorization": f"Bearer {sf_org.access_token}"},
    )
    body = response.json()
    assert body["entityName"] == "Account" and body["idSelected"] is True and body["keyPrefix"] == "001"
    assert [c["columnName"] for c in body["columnMetadata"]] == ["Id", "Name", "Owner"]


def test_probes_clients_send_on_connect(sf):
    with pytest.raises(SalesforceMalformedRequest) as devhub:
        sf.query("SELECT Id FROM ScratchOrgInfo limit 1")
    assert devhub.value.content[0]["errorCode"] == "INVALID_TYPE"
    assert "sObject type 'ScratchOrgInfo' is not supported" in devhub.value.content[0]["message"]
    with pytest.raises(SalesforceMalformedRequest) as person:
        sf.query("SELECT IsPersonAccount FROM Account LIMIT 1")
    assert person.value.content[0]["errorCode"] == "INVALID_FIELD"
    count = sf.query("SELECT COUNT(Id) CNT FROM Account")
    assert count["records"][0]["attributes"] == {"type": "AggregateResult"} and count["records"][0]["CNT"] >= 1
    org = sf.query("SELECT Id, OrganizationType, IsSandbox, InstanceName, NamespacePrefix FROM Organization")["records"][0]
    assert (org["OrganizationType"], org["IsSandbox"], org["NamespacePrefix"]) == ("Enterprise Edition", False, None)
    assert org["InstanceName"].startswith("NA")


def test_malformed_query(sf):
    with pytest.raises(SalesforceMalformedRequest) as got:
        sf.query("SELECT FROM Account")
    assert got.value.content[0]["errorCode"] == "MALFORMED_QUERY"


def test_entity_definition_lists_the_orgs_objects(sf):
    rows = sf.query(
        "SELECT QualifiedApiName, KeyPrefix, IsCustomSetting FROM EntityDefinition "
        "WHERE QualifiedApiName IN ('Account', 'Site__c', 'Nope__c') ORDER BY QualifiedApiName"
    )["records"]
    assert [(r["QualifiedApiName"], r["KeyPrefix"][:1], r["IsCustomSetting"]) for r in rows] == [
        ("Account", "0", False),
        ("Site__c", "a", False),
    ]
