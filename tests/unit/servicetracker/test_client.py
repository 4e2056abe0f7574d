"""The client's retry and error mapping, driven by httpx.MockTransport (unit level; the sandbox tests cover
the same behaviour over real sockets)."""

from __future__ import annotations

import asyncio
import json
from typing import Callable

import httpx
import pytest

from control.errors import ConfigError, Disposition, ServiceTrackerError
from control.secrets import Secret
from control.servicetracker.client import ServiceTrackerClient
from control.servicetracker.pacing import Pacer
from control.servicetracker.retry import RetryPolicy

KEY = "stk_test_" + "A" * 32


def _client(handler: Callable[[httpx.Request], httpx.Response], slept: list[float], **policy: float) -> ServiceTrackerClient:
    now = [0.0]

    async def sleep(seconds: float) -> None:  # virtual time: waiting is recorded, not spent
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(None, None, clock=lambda: now[0], sleep=sleep)
    return ServiceTrackerClient("http://st.test/api/v1", Secret(KEY), key_env="MY_KEY_VAR", pacer=pacer,
                                policy=RetryPolicy(**policy), transport=httpx.MockTransport(handler), sleep=sleep)


def _error(status: int, code: str, headers: dict[str, str] | None = None, **details: object) -> httpx.Response:
    return httpx.Response(status, headers=headers or {},
                          json={"error": {"code": code, "message": f"{code} happened", "details": details or None}})


def _run(client: ServiceTrackerClient, path: str = "clients") -> dict:
    async def go() -> dict:
        async with client:
            return await client.get_json(path, {"limit": 1})

    return asyncio.run(go())


def test_sends_the_key_as_bearer_and_parses_json() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": [], "next_cursor": None, "server_time": "2024-01-01T00:00:00Z"})

    assert _run(_client(handler, []))["data"] == []
    assert seen[0].headers["Authorization"] == f"Bearer {KEY}"
    assert str(seen[0].url) == "http://st.test/api/v1/clients?limit=1"


def test_429_waits_retry_after_then_succeeds() -> None:
    answers = [_error(429, "rate_limited", {"Retry-After": "2"}), _error(429, "rate_limited", {"Retry-After": "1"}),
               httpx.Response(200, json={"ok": True})]
    slept: list[float] = []
    client = _client(lambda r: answers.pop(0), slept)
    assert _run(client) == {"ok": True}
    assert slept == [2.0, 1.0]  # the pacer paused everyone for exactly Retry-After
    assert client.stats.as_dict() == {"requests": 3, "rate_limited": 2, "unavailable": 0, "server_errors": 0,
                                      "transport_errors": 0}


def test_500_retries_a_few_times_with_backoff_then_fails_retriable() -> None:
    slept: list[float] = []
    client = _client(lambda r: _error(500, "internal_error"), slept, max_server_errors=3, base_delay=1.0)
    with pytest.raises(ServiceTrackerError) as caught:
        _run(client)
    assert caught.value.code == "internal_error" and caught.value.disposition is Disposition.RETRIABLE
    assert client.stats.requests == 4 and len(slept) == 3
    assert [0.75 <= s / (2 ** i) <= 1.25 for i, s in enumerate(slept)] == [True] * 3


def test_transport_errors_are_retried() -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] < 3:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"ok": 1})

    slept: list[float] = []
    assert _run(_client(handler, slept)) == {"ok": 1}
    assert calls["n"] == 3 and len(slept) == 2


@pytest.mark.parametrize("code", ["authentication_required", "invalid_api_key"])
def test_401_is_a_usage_error_naming_the_variable(code: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _run(_client(lambda r: _error(401, code), []))
    assert caught.value.exit_code == 2
    assert "MY_KEY_VAR" in caught.value.one_line() and KEY not in caught.value.one_line()


def test_403_names_the_missing_scope_and_the_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        _run(_client(lambda r: _error(403, "insufficient_scope", required_scope="admin:read"), []), "mobile_devices")
    text = caught.value.one_line()
    assert "admin:read" in text and "MY_KEY_VAR" in text and "/mobile_devices" in text


def test_other_errors_keep_their_code_and_do_not_retry() -> None:
    client = _client(lambda r: _error(422, "invalid_parameter", parameter="limit"), [])
    with pytest.raises(ServiceTrackerError) as caught:
        _run(client)
    assert (caught.value.status, caught.value.code, client.stats.requests) == (422, "invalid_parameter", 1)
    assert caught.value.fields()["details"] == {"parameter": "limit"}


def test_a_body_that_is_not_json_is_a_clear_failure() -> None:
    with pytest.raises(ServiceTrackerError, match="not JSON"):
        _run(_client(lambda r: httpx.Response(200, text="<html>"), []))


def test_the_key_never_appears_in_error_fields() -> None:
    with pytest.raises(ConfigError) as caught:
        _run(_client(lambda r: _error(401, "invalid_api_key"), []))
    assert KEY not in json.dumps(caught.value.fields())


def test_retry_after_zero_is_honoured_then_backs_off_when_it_persists() -> None:
    answers = [_error(503, "service_unavailable", {"Retry-After": "0"}) for _ in range(7)] + \
        [httpx.Response(200, json={"ok": True})]
    slept: list[float] = []
    client = _client(lambda r: answers.pop(0), slept, base_delay=1.0)
    assert _run(client) == {"ok": True}
    assert client.stats.unavailable == 7
    assert len(slept) == 2 and all(s >= 0.75 for s in slept)  # five immediate retries, then it waits
