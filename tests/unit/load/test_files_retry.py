"""The file upload's retry rule (control.load.files_http), with requests-mock standing in for Salesforce.

Only the retry and paging logic is tested here; everything else runs against the org emulator
(tests/e2e/files).
"""

from __future__ import annotations

import random

import pytest
import requests
import requests_mock

from control.errors import Disposition, SalesforceError
from control.load.files_http import FilesApi, RetryPolicy, soql_quote

BASE = "https://org.example.com/services/data/v59.0/"


class _Client:
    def __init__(self) -> None:
        self.session = requests.Session()
        self.base_url = BASE
        self.session_id = "token-not-secret"


def _api(attempts: int = 4) -> tuple[FilesApi, list[float]]:
    waits: list[float] = []
    api = FilesApi(_Client(), retry=RetryPolicy(attempts=attempts, base_delay=1.0, max_delay=3.0),
                   sleep=waits.append, rng=random.Random(1))
    return api, waits


def _mock(m: requests_mock.Mocker, *answers: dict) -> None:
    m.post(BASE + "sobjects/ContentVersion", answers)


@pytest.mark.parametrize("failure", [
    {"status_code": 503, "json": [{"errorCode": "SERVER_UNAVAILABLE", "message": "later"}]},
    {"status_code": 400, "json": [{"errorCode": "UNABLE_TO_LOCK_ROW", "message": "unable to obtain exclusive access"}]},
    {"status_code": 403, "json": [{"errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "TotalRequests Limit exceeded."}]},
    {"status_code": 500, "text": "<html>oops</html>"},
    {"exc": requests.ConnectionError},
])
def test_retriable_answers_are_retried_with_backoff(failure):
    api, waits = _api()
    with requests_mock.Mocker() as m:
        _mock(m, failure, failure, {"status_code": 201, "json": {"id": "068000000000001AAA", "success": True}})
        reply = api.request("POST", "sobjects/ContentVersion", body=lambda: b"{}")
        assert reply.json()["id"] == "068000000000001AAA"
        assert m.call_count == 3
    assert api.retried == 2
    # exponential: ~1 s then ~2 s, each within ±25 %
    assert 0.75 <= waits[0] <= 1.25 and 1.5 <= waits[1] <= 2.5


def test_backoff_is_capped():
    policy = RetryPolicy(attempts=10, base_delay=1.0, max_delay=3.0)
    rng = random.Random(3)
    assert all(policy.delay(n, rng) <= 3.0 * 1.25 for n in range(1, 10))
    assert policy.delay(8, random.Random(4)) >= 3.0 * 0.75


def test_gives_up_after_the_attempts_with_the_last_code():
    api, waits = _api(attempts=3)
    with requests_mock.Mocker() as m:
        _mock(m, {"status_code": 400, "json": [{"errorCode": "UNABLE_TO_LOCK_ROW", "message": "locked", "fields": []}]})
        with pytest.raises(SalesforceError) as exc:
            api.request("POST", "sobjects/ContentVersion", body=lambda: b"{}")
        assert m.call_count == 3
    assert (exc.value.code, exc.value.status, exc.value.disposition) == ("UNABLE_TO_LOCK_ROW", 400, Disposition.RETRIABLE)
    assert len(waits) == 2


def test_other_errors_are_not_retried():
    api, waits = _api()
    with requests_mock.Mocker() as m:
        _mock(m, {"status_code": 400, "json": [{"errorCode": "DUPLICATE_VALUE", "message": "dup",
                                                "fields": ["ServiceTracker_Id__c"]}]})
        with pytest.raises(SalesforceError) as exc:
            api.request("POST", "sobjects/ContentVersion", body=lambda: b"{}")
        assert m.call_count == 1
    assert (exc.value.code, exc.value.sf_fields, waits) == ("DUPLICATE_VALUE", ["ServiceTracker_Id__c"], [])


def test_each_try_gets_a_fresh_body_and_its_headers():
    api, _ = _api()
    made: list[bytes] = []

    def body() -> bytes:
        made.append(f"body-{len(made)}".encode())
        return made[-1]

    with requests_mock.Mocker() as m:
        _mock(m, {"status_code": 503, "json": []}, {"status_code": 201, "json": {"id": "068"}})
        api.request("POST", "sobjects/ContentVersion", body=body, headers=lambda b: {"X-Body": b.decode()})
        sent = [(r.body, r.headers["X-Body"], r.headers["Authorization"]) for r in m.request_history]
    assert sent == [(b"body-0", "body-0", "Bearer token-not-secret"), (b"body-1", "body-1", "Bearer token-not-secret")]


def test_queries_follow_next_records_url_and_chunk_in_lists():
    api, _ = _api()
    with requests_mock.Mocker() as m:
        m.get(BASE + "query", [
            {"json": {"done": False, "nextRecordsUrl": "/services/data/v59.0/query/01g-2000",
                      "records": [{"Id": "a"}, {"Id": "b"}]}},
            {"json": {"done": True, "records": [{"Id": "c"}]}},
        ])
        m.get("https://org.example.com/services/data/v59.0/query/01g-2000",
              json={"done": True, "records": [{"Id": "z"}]})
        rows = list(api.query_in("Id", "ContentVersion", "ServiceTracker_Id__c", ["k1", "k2", "k3", "k1", ""], chunk=2))
        queries = [r.qs["q"][0] for r in m.request_history if r.path.endswith("/query")]
    assert [r["Id"] for r in rows] == ["a", "b", "z", "c"]
    assert queries == ["select id from contentversion where servicetracker_id__c in ('k1', 'k2')",
                       "select id from contentversion where servicetracker_id__c in ('k3')"]


def test_soql_quote_escapes():
    assert soql_quote("O'Brien\\x") == "'O\\'Brien\\\\x'"
