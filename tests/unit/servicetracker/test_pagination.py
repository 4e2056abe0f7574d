"""The paginator follows cursors and fails loudly instead of looping, stalling or going backwards."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from control.errors import ServiceTrackerError
from control.secrets import Secret
from control.servicetracker.client import ServiceTrackerClient
from control.servicetracker.pacing import Pacer
from control.servicetracker.pagination import Paginator


def rec(i: int, minute: int) -> dict[str, Any]:
    return {"id": f"wo_{i:04d}", "updated_at": f"2024-06-01T09:{minute:02d}:00-06:00"}


def page(records: list[dict], cursor: str | None) -> httpx.Response:
    return httpx.Response(200, json={"data": records, "next_cursor": cursor, "server_time": "2024-06-03T17:00:02Z"})


def _walk(responses: dict[str | None, httpx.Response], **kwargs: Any) -> tuple[list[str], list[httpx.Request]]:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        answer = responses[request.url.params.get("cursor")]
        return answer() if callable(answer) else answer

    async def go() -> list[str]:
        client = ServiceTrackerClient("http://st.test/api/v1", Secret("stk_test_" + "k" * 32), key_env="K",
                                      pacer=Pacer(None, None), transport=httpx.MockTransport(handler))
        async with client:
            paginator = Paginator(client, "work_orders", limit=2, **kwargs)
            ids = []
            while (p := await paginator.next_page()) is not None:
                ids += [r["id"] for r in p.records]
            return ids

    return asyncio.run(go()), requests


def test_follows_cursors_to_the_end_with_the_same_since() -> None:
    ids, requests = _walk({None: page([rec(1, 0), rec(2, 1)], "c1"), "c1": page([rec(3, 2)], None)},
                          since="2024-06-01T00:00:00.000000Z")
    assert ids == ["wo_0001", "wo_0002", "wo_0003"]
    assert [dict(r.url.params) for r in requests] == [
        {"limit": "2", "updated_since": "2024-06-01T00:00:00.000000Z"},
        {"limit": "2", "updated_since": "2024-06-01T00:00:00.000000Z", "cursor": "c1"}]


def test_a_repeated_cursor_is_a_loud_error() -> None:
    with pytest.raises(ServiceTrackerError) as caught:
        _walk({None: page([rec(1, 0), rec(2, 1)], "c1"), "c1": page([rec(3, 2), rec(4, 3)], "c2"),
               "c2": page([rec(5, 4), rec(6, 5)], "c1")})
    assert caught.value.code == "cursor_repeated" and "page 3" in caught.value.message


def test_resuming_from_a_cursor_counts_it_as_seen() -> None:
    with pytest.raises(ServiceTrackerError, match="already followed"):
        _walk({"c5": page([rec(9, 9), rec(10, 10)], "c5")}, cursor="c5")


def test_an_empty_page_that_is_not_the_last_is_a_stall() -> None:
    with pytest.raises(ServiceTrackerError) as caught:
        _walk({None: page([rec(1, 0)], "c1"), "c1": page([], "c2")})
    assert caught.value.code == "pagination_stalled"


def test_records_going_backwards_are_refused() -> None:
    # 09:01-06:00 is 15:01Z; 16:00+01:00 is 15:00Z — earlier, although its text sorts later
    backwards = {"id": "wo_0003", "updated_at": "2024-06-01T16:00:00+01:00"}
    with pytest.raises(ServiceTrackerError) as caught:
        _walk({None: page([rec(1, 0), rec(2, 1)], "c1"), "c1": page([backwards], None)})
    assert caught.value.code == "order_violation"


def test_cursor_stale_restarts_the_pass_from_its_since() -> None:
    stale = httpx.Response(409, json={"error": {"code": "cursor_stale", "message": "restored", "details": None}})
    answers = iter([page([rec(1, 0), rec(2, 1)], "c1"), stale, page([rec(1, 0), rec(2, 1)], "d1"), page([rec(3, 2)], None)])
    ids, requests = _walk({None: lambda: next(answers), "c1": lambda: next(answers), "d1": lambda: next(answers)},
                          since="2024-01-01T00:00:00.000000Z")
    assert ids == ["wo_0001", "wo_0002", "wo_0001", "wo_0002", "wo_0003"]
    assert [r.url.params.get("cursor") for r in requests] == [None, "c1", None, "d1"]
    assert all(r.url.params["updated_since"] == "2024-01-01T00:00:00.000000Z" for r in requests)
