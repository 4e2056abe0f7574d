"""``tenant.json``: the tenant's name, time zone, API keys (with scopes) and rate limit.

The file is part of the fixture format (docs/servicetracker-api.md §15). Keys may be omitted; the
sandbox then mints one full-scope key and keeps it in its state folder (see :mod:`.process`).
"""

from __future__ import annotations

import re
import secrets
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson

from emulators.servicetracker.problems import BadInput

__all__ = ["Scope", "ApiKey", "RateLimit", "TenantConfig", "KEY_PATTERN", "read_tenant", "mint_key",
           "tenant_document"]

KEY_PATTERN = re.compile(r"^stk_(live|test)_[A-Za-z0-9]{32}$")


class Scope(StrEnum):
    RECORDS_READ = "records:read"
    FILES_READ = "files:read"
    ADMIN_READ = "admin:read"


ALL_SCOPES = frozenset(Scope)


class ApiKey(NamedTuple):
    key: str
    name: str
    scopes: frozenset[str]


class RateLimit(NamedTuple):
    requests_per_second: float | None  # None: unlimited
    burst: int | None


class TenantConfig(NamedTuple):
    name: str
    time_zone: str
    api_keys: tuple[ApiKey, ...]
    rate_limit: RateLimit


def mint_key(rng: Any = None) -> str:
    """A fresh ``stk_test_`` key (``rng``: a random.Random for deterministic keys)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    if rng is None:
        return "stk_test_" + "".join(secrets.choice(alphabet) for _ in range(32))
    return "stk_test_" + "".join(rng.choice(alphabet) for _ in range(32))


def _fail(path: Path, message: str) -> BadInput:
    return BadInput(f"{path}: {message}")


def read_tenant(folder: Path) -> TenantConfig:
    """Read and check ``folder/tenant.json``."""
    path = folder / "tenant.json"
    if not path.is_file():
        raise BadInput(f"{folder} is not a ServiceTracker fixture: it has no tenant.json "
                       "(see docs/servicetracker-api.md §15).")
    try:
        data = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise _fail(path, f"not valid JSON ({exc}).") from None
    if not isinstance(data, dict):
        raise _fail(path, "must hold one JSON object.")
    if data.get("format", 1) != 1:
        raise _fail(path, f"format {data.get('format')!r} is not supported (expected 1).")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(path, "'name' must be a non-empty string.")
    tz = data.get("time_zone", "UTC")
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(path, f"'time_zone' {tz!r} is not an IANA time zone name (e.g. America/Chicago).") from None
    keys: list[ApiKey] = []
    for index, entry in enumerate(data.get("api_keys") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str) or not KEY_PATTERN.match(entry["key"]):
            raise _fail(path, f"api_keys[{index}].key must look like stk_test_ followed by 32 letters or digits.")
        scopes = entry.get("scopes", sorted(ALL_SCOPES))
        unknown = sorted(set(scopes) - ALL_SCOPES) if isinstance(scopes, list) else ["(not a list)"]
        if unknown:
            raise _fail(path, f"api_keys[{index}].scopes has unknown scopes {unknown}; "
                              f"allowed: {sorted(ALL_SCOPES)}.")
        keys.append(ApiKey(entry["key"], str(entry.get("name") or f"key{index + 1}"), frozenset(scopes)))
    limit = data.get("rate_limit") or {}
    rps, burst = limit.get("requests_per_second"), limit.get("burst")
    if rps is not None and (not isinstance(rps, (int, float)) or rps <= 0):
        raise _fail(path, "rate_limit.requests_per_second must be a positive number or null.")
    if burst is not None and (not isinstance(burst, int) or burst < 1):
        raise _fail(path, "rate_limit.burst must be a positive integer or null.")
    if rps is not None and burst is None:
        burst = max(1, int(rps))
    return TenantConfig(name.strip(), str(tz), tuple(keys), RateLimit(float(rps) if rps else None, burst))


def tenant_document(config: TenantConfig) -> dict[str, Any]:
    """``config`` as the JSON object tenant.json holds."""
    return {
        "format": 1,
        "name": config.name,
        "time_zone": config.time_zone,
        "api_keys": [{"key": k.key, "name": k.name, "scopes": sorted(k.scopes)} for k in config.api_keys],
        "rate_limit": {"requests_per_second": config.rate_limit.requests_per_second, "burst": config.rate_limit.burst},
    }
