"""Bearer keys and scopes, the per-key token bucket (429 + Retry-After), and the seeded 429 storm."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from emulators.servicetracker.ratelimit import seeded_fraction
from tests.contract.servicetracker.sandbox import Sandbox, start_sandbox, stop_sandbox
from tests.contract.servicetracker.schemas import validator


def _reporting_key(tenant: Path) -> str:
    keys = json.loads((tenant / "tenant.json").read_text())["api_keys"]
    return next(k["key"] for k in keys if k["scopes"] == ["records:read"])


def test_missing_and_wrong_keys_are_401(sandbox: Sandbox) -> None:
    bare = httpx.get(f"{sandbox.base_url}/clients")
    basic = httpx.get(f"{sandbox.base_url}/clients", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    wrong = httpx.get(f"{sandbox.base_url}/clients", headers={"Authorization": "Bearer stk_test_" + "x" * 32})
    assert [r.status_code for r in (bare, basic, wrong)] == [401, 401, 401]
    assert [r.json()["error"]["code"] for r in (bare, basic, wrong)] == [
        "authentication_required", "authentication_required", "invalid_api_key"]
    assert "x-ratelimit-limit" not in bare.headers


def test_scopes_are_enforced_with_403(sandbox: Sandbox, st_tenant: Path) -> None:
    with sandbox.client(_reporting_key(st_tenant)) as client:
        assert client.get("/clients", params={"limit": 1}).status_code == 200
        files = client.get("/attachments/at_0000002/content")
        admin = client.get("/mobile_devices")
    assert files.status_code == 403 and files.json()["error"]["details"] == {"required_scope": "files:read"}
    assert admin.status_code == 403 and admin.json()["error"]["details"] == {"required_scope": "admin:read"}


@pytest.fixture(scope="module")
def limited(st_tenant: Path, st_state: Path) -> Iterator[Sandbox]:
    box = start_sandbox(st_state, "limited", "--fixture", str(st_tenant), "--rate-limit", "1", "--burst", "3")
    yield box
    stop_sandbox(box)


@pytest.mark.slow
def test_token_bucket_answers_429_with_retry_after_then_recovers(limited: Sandbox) -> None:
    with limited.client() as client:
        responses = [client.get("/parts", params={"limit": 1}) for _ in range(4)]
        assert [r.status_code for r in responses] == [200, 200, 200, 429]
        assert [r.headers["x-ratelimit-remaining"] for r in responses[:3]] == ["2", "1", "0"]
        assert all(r.headers["x-ratelimit-limit"] == "3" for r in responses)
        refused = responses[3]
        body = refused.json()
        assert list(validator("error").iter_errors(body)) == []
        assert body["error"]["code"] == "rate_limited" and body["error"]["details"]["reason"] == "bucket_empty"
        retry_after = int(refused.headers["retry-after"])
        assert retry_after >= 1
        assert 0 < body["error"]["details"]["retry_after_seconds"] <= retry_after
        time.sleep(retry_after)
        again = client.get("/parts", params={"limit": 1})
    assert again.status_code == 200


@pytest.fixture(scope="module")
def stormy(st_tenant: Path, st_state: Path) -> Iterator[Sandbox]:
    box = start_sandbox(st_state, "stormy", "--fixture", str(st_tenant), "--rate-limit", "0", "--storm-rate", "0.4",
                        "--storm-seed", "9", "--storm-retry-after", "0")
    yield box
    stop_sandbox(box)


def test_storm_mode_refuses_a_seeded_deterministic_share(stormy: Sandbox) -> None:
    expected = [429 if seeded_fraction(9, "storm", "migration", n) < 0.4 else 200 for n in range(1, 31)]
    with stormy.client() as client:
        responses = [client.get("/clients", params={"limit": 1}) for _ in range(30)]
    assert [r.status_code for r in responses] == expected
    assert 5 < expected.count(429) < 25
    refused = [r for r in responses if r.status_code == 429]
    assert all(r.headers["retry-after"] == "0" for r in refused)
    assert all(r.json()["error"]["details"]["reason"] == "throttled" for r in refused)
