"""Keyset pagination, updated_since, sparse fields and cursors over a real socket, checked against the files."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from emulators.servicetracker.clock import parse_instant
from tests.contract.servicetracker.sandbox import Sandbox, load_jsonl, paginate


def _order_key(record: dict) -> tuple[int, str]:
    return parse_instant(record["updated_at"]), record["id"]


@pytest.mark.parametrize("resource, limit", [("work_orders", 97), ("notes", 1000), ("clients", 1),
                                             ("custom_tables/inspection_forms/rows", 7)])
def test_pagination_returns_every_record_once_in_the_documented_order(sandbox: Sandbox, st_tenant: Path,
                                                                      resource: str, limit: int) -> None:
    path = st_tenant / (f"{resource.split('/')[0]}/{resource.split('/')[1]}.jsonl" if "/" in resource
                        else f"{resource}.jsonl")
    expected = load_jsonl(path)
    with sandbox.client() as client:
        first = list(paginate(client, f"/{resource}", limit=limit))
        second = list(paginate(client, f"/{resource}", limit=limit))
    ids = [r["id"] for r in first]
    assert len(ids) == len(set(ids)) == len(expected)
    assert set(ids) == {r["id"] for r in expected}
    assert [_order_key(r) for r in first] == sorted(_order_key(r) for r in expected)
    assert first == second  # stable order, identical pages


def test_pages_are_exactly_limit_long_until_the_last(sandbox: Sandbox) -> None:
    sizes, cursor = [], None
    with sandbox.client() as client:
        while True:
            page = client.get("/assets", params={"limit": 50, **({"cursor": cursor} if cursor else {})}).json()
            sizes.append(len(page["data"]))
            cursor = page["next_cursor"]
            if cursor is None:
                break
    assert all(size == 50 for size in sizes[:-1])
    assert 1 <= sizes[-1] <= 50


def test_updated_since_is_inclusive_and_compares_instants(sandbox: Sandbox, st_tenant: Path) -> None:
    records = load_jsonl(st_tenant / "work_orders.jsonl")
    instants = sorted(parse_instant(r["updated_at"]) for r in records)
    pivot = instants[len(instants) // 2]
    # the same instant written with another offset than any record uses
    since = datetime.fromtimestamp(pivot / 1_000_000, tz=timezone(timedelta(hours=5, minutes=45))).isoformat()
    expected = {r["id"] for r in records if parse_instant(r["updated_at"]) >= pivot}
    with sandbox.client() as client:
        got = [r["id"] for r in paginate(client, "/work_orders", limit=200, updated_since=since)]
    assert len(got) == len(set(got))
    assert set(got) == expected
    assert any(parse_instant(r["updated_at"]) == pivot for r in records if r["id"] in got)


def test_sparse_fields_on_lists_and_single_records(sandbox: Sandbox, st_tenant: Path) -> None:
    by_id = {r["id"]: r for r in load_jsonl(st_tenant / "clients.jsonl")}
    with sandbox.client() as client:
        listed = list(paginate(client, "/clients", limit=500, fields="name,custom_fields"))
        one = client.get(f"/clients/{listed[0]['id']}", params={"fields": "status"}).json()["data"]
    assert len(listed) == len(by_id)
    for record in listed:
        assert record == {"id": record["id"], "name": by_id[record["id"]]["name"],
                          "custom_fields": by_id[record["id"]]["custom_fields"]}
    assert one == {"id": listed[0]["id"], "status": by_id[listed[0]["id"]]["status"]}


def test_a_cursor_only_works_with_the_filters_it_was_issued_for(sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        page = client.get("/work_orders", params={"limit": 5, "updated_since": "2020-01-01T00:00:00Z"}).json()
        cursor = page["next_cursor"]
        other_filter = client.get("/work_orders", params={"cursor": cursor, "updated_since": "2021-01-01T00:00:00Z"})
        other_resource = client.get("/notes", params={"cursor": cursor, "updated_since": "2020-01-01T00:00:00Z"})
        payload, tag = cursor.split(".")
        tampered = client.get("/work_orders", params={"cursor": payload[:-2] + "xx." + tag,
                                                      "updated_since": "2020-01-01T00:00:00Z"})
        ok = client.get("/work_orders", params={"cursor": cursor, "updated_since": "2020-01-01T00:00:00Z",
                                                "limit": 3, "fields": "status"})
    for response in (other_filter, other_resource, tampered):
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "invalid_cursor"
    assert ok.status_code == 200 and len(ok.json()["data"]) == 3  # limit and fields may change between pages


def test_deleted_records_feed_filters_and_pages(sandbox: Sandbox, st_tenant: Path) -> None:
    tombs = load_jsonl(st_tenant / "tombstones.jsonl")
    with sandbox.client() as client:
        everything = list(paginate(client, "/deleted_records", limit=3))
        notes_only = list(paginate(client, "/deleted_records", limit=3, resource="notes"))
    assert sorted((t["resource"], t["id"]) for t in everything) == sorted((t["resource"], t["id"]) for t in tombs)
    keys = [(parse_instant(t["deleted_at"]), t["resource"], t["id"]) for t in everything]
    assert keys == sorted(keys)
    assert notes_only == [t for t in everything if t["resource"] == "notes"]
