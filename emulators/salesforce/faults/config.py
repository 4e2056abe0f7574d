"""What faults to inject: a validated, immutable configuration.

A configuration is a mapping (YAML/JSON)::

    seed: 7                  # every random choice below comes from this seed
    latency_ms: 250          # added before answering each matching request
    latency_jitter_ms: 100   # plus a seeded 0..jitter extra
    error_rate: 0.1          # fraction of matching requests answered 500/503 without being handled
    error_statuses: [500, 503]
    drop_rate: 0.05          # fraction of matching responses cut off mid-body (connection closed)
    lock_row_rate: 0.02      # fraction of Bulk rows failing UNABLE_TO_LOCK_ROW
    request_limit: 1000      # API request ceiling over the rolling 24 hours (403 REQUEST_LIMIT_EXCEEDED)
    slow_batch_seconds: 30   # Bulk batches / Bulk 2.0 jobs stay in progress this long (org clock)
    paths: [/services/data, /services/async, /services/Soap]   # where request faults apply

Everything is optional; an empty mapping means no faults. :func:`parse_faults` checks every key
and reports every problem in one :class:`FaultConfigError`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

__all__ = ["FaultConfig", "FaultConfigError", "parse_faults", "NO_FAULTS", "DEFAULT_PATHS"]

DEFAULT_PATHS: tuple[str, ...] = ("/services/data", "/services/async", "/services/Soap")
_RATES = ("error_rate", "drop_rate", "lock_row_rate")
_COUNTS = ("latency_ms", "latency_jitter_ms", "slow_batch_seconds")


class FaultConfigError(ValueError):
    """The fault configuration is not valid; the message names each bad key."""


@dataclass(frozen=True)
class FaultConfig:
    seed: int = 0
    latency_ms: int = 0
    latency_jitter_ms: int = 0
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 503)
    drop_rate: float = 0.0
    lock_row_rate: float = 0.0
    request_limit: int | None = None
    slow_batch_seconds: int = 0
    paths: tuple[str, ...] = field(default=DEFAULT_PATHS)

    @property
    def active(self) -> bool:
        return self != NO_FAULTS

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["error_statuses"] = list(self.error_statuses)
        data["paths"] = list(self.paths)
        return data

    def applies_to(self, path: str) -> bool:
        return any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.paths)


NO_FAULTS = FaultConfig()


def parse_faults(data: Any) -> FaultConfig:
    """A :class:`FaultConfig` from a mapping; :class:`FaultConfigError` listing every problem."""
    if data is None:
        return NO_FAULTS
    if not isinstance(data, Mapping):
        raise FaultConfigError("faults must be a mapping (seed, latency_ms, error_rate, …)")
    known = set(FaultConfig.__dataclass_fields__)
    problems = [f"unknown key {k!r} (known: {sorted(known)})" for k in sorted(set(data) - known)]
    values: dict[str, Any] = {}

    def whole(key: str, value: Any, *, allow_none: bool = False) -> None:
        if value is None and allow_none:
            values[key] = None
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(f"{key} must be a whole number ≥ 0, got {value!r}")
        else:
            values[key] = value

    for key, value in data.items():
        if key == "seed":
            whole(key, value)
        elif key in _COUNTS:
            whole(key, value)
        elif key == "request_limit":
            whole(key, value, allow_none=True)
        elif key in _RATES:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                problems.append(f"{key} must be a fraction from 0 to 1, got {value!r}")
            else:
                values[key] = float(value)
        elif key == "error_statuses":
            ok = isinstance(value, list) and value and all(v in (500, 502, 503, 504) for v in value)
            if not ok:
                problems.append(f"error_statuses must be a non-empty list of 500, 502, 503, 504, got {value!r}")
            else:
                values[key] = tuple(value)
        elif key == "paths":
            ok = isinstance(value, list) and all(isinstance(v, str) and v.startswith("/") for v in value)
            if not ok:
                problems.append(f"paths must be a list of URL path prefixes starting with '/', got {value!r}")
            else:
                values[key] = tuple(value)
    if problems:
        raise FaultConfigError("invalid fault configuration: " + "; ".join(problems))
    return FaultConfig(**values)
