"""Shared state of one generation run: seeded random streams, name pools, clocks, writers.

Determinism: every random choice comes from a :class:`random.Random` seeded from ``(seed, stream
name)`` through SHA-256 (never Python's salted ``hash``), and Faker is seeded the same way. Each
resource has its own stream, so changing how one resource is generated does not shift another's
values. Same seed, same Faker version → byte-identical files.

Memory: the context keeps small pools (a few thousand names and addresses) and, per parent
resource, compact ``array`` columns (one machine integer per record) that children need to pick
consistent references — never record dicts.
"""

from __future__ import annotations

import hashlib
import random
import re
from array import array
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any, NamedTuple
from zoneinfo import ZoneInfo

import orjson
from faker import Faker

from emulators.servicetracker.generator.defects import DefectKind, DefectLog
from emulators.servicetracker.generator import vocab

__all__ = ["Context", "Pools", "JsonlWriter", "derived_random", "record_id", "ascii_slug"]

AS_OF = datetime(2025, 6, 30, 18, 0, tzinfo=timezone.utc)
HISTORY_START = datetime(2018, 1, 1, tzinfo=timezone.utc)
_AS_OF_S = int(AS_OF.timestamp())
_START_S = int(HISTORY_START.timestamp())


def derived_random(seed: int, stream: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}:{stream}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def record_id(prefix: str, n: int) -> str:
    return f"{prefix}_{n:07d}"


def ascii_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


class Pools(NamedTuple):
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    companies: tuple[str, ...]
    streets: tuple[str, ...]
    places: tuple[tuple[str, str, str], ...]  # city, state, postal code
    words: tuple[str, ...]


def _pools(seed: int) -> Pools:
    fake = Faker("en_US")
    fake.seed_instance(int.from_bytes(hashlib.sha256(f"{seed}:faker".encode()).digest()[:8], "big"))

    def unique(make: Any, n: int) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for _ in range(n * 3):
            value = make()
            if value.isascii():
                seen.setdefault(value, None)
            if len(seen) >= n:
                break
        return tuple(seen)

    return Pools(
        first_names=unique(fake.first_name, 600),
        last_names=unique(fake.last_name, 800),
        companies=unique(fake.company, 3000),
        streets=unique(fake.street_address, 3000),
        places=tuple((fake.city(), fake.state_abbr(include_territories=False), fake.postcode()) for _ in range(800)),
        words=unique(fake.word, 600),
    )


class JsonlWriter:
    """Appends records to ``<resource>.jsonl``; counts lines."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._fh: IO[bytes] = path.open("wb", buffering=1 << 20)
        self.count = 0

    def write(self, record: dict[str, Any]) -> None:
        self._fh.write(orjson.dumps(record) + b"\n")
        self.count += 1

    def close(self) -> None:
        self._fh.close()


class Context:
    def __init__(self, out: Path, seed: int, log: DefectLog, tenant_tz: str) -> None:
        self.out = out
        self.seed = seed
        self.log = log
        self.tz_name = tenant_tz
        self.tz = ZoneInfo(tenant_tz)
        self.foreign = tuple(ZoneInfo(name) for name in vocab.FOREIGN_TIME_ZONES[tenant_tz])
        self.pools = _pools(seed)
        self.columns: dict[str, array] = {}
        self.counts: dict[str, int] = {}
        self.as_of_s = _AS_OF_S
        self.start_s = _START_S

    def rng(self, stream: str) -> random.Random:
        return derived_random(self.seed, stream)

    def writer(self, resource: str) -> JsonlWriter:
        return JsonlWriter(self.out / f"{resource}.jsonl")

    def column(self, name: str, typecode: str = "l") -> array:
        col = self.columns.get(name)
        if col is None:
            col = self.columns[name] = array(typecode)
        return col

    # ── time ────────────────────────────────────────────────────────────────────────────

    def instant(self, rng: random.Random, lo: int | None = None, hi: int | None = None) -> int:
        """A whole second in [lo, hi] (default: the tenant's history)."""
        lo = self.start_s if lo is None else lo
        hi = self.as_of_s if hi is None else min(hi, self.as_of_s)
        return rng.randint(lo, max(lo, hi))

    def stamp(self, seconds: int, zone: ZoneInfo | None = None) -> str:
        moment = datetime.fromtimestamp(seconds, tz=zone or self.tz)
        return moment.isoformat()

    def day(self, seconds: int) -> str:
        return datetime.fromtimestamp(seconds, tz=self.tz).date().isoformat()

    def future_day(self, seconds: int, days: int) -> str:
        return (datetime.fromtimestamp(seconds, tz=self.tz) + timedelta(days=days)).date().isoformat()

    def timestamps(self, rng: random.Random, resource: str, rid: str, lo: int | None = None,
                   hi: int | None = None) -> tuple[int, str, str]:
        """created (seconds), created_at, updated_at — in the tenant zone, or (a planted defect) a foreign one."""
        created = self.instant(rng, lo, hi)
        updated = created if rng.random() < 0.35 else min(self.as_of_s, created + rng.randint(60, 400 * 86_400))
        zone = None
        if self.log.hit(DefectKind.MIXED_TIME_ZONES, rng.random()):
            zone = self.foreign[rng.randrange(len(self.foreign))]
            self.log.add(DefectKind.MIXED_TIME_ZONES, {"resource": resource, "id": rid, "time_zone": zone.key})
        return created, self.stamp(created, zone), self.stamp(updated, zone)

    # ── people and places ───────────────────────────────────────────────────────────────

    def person(self, rng: random.Random) -> tuple[str, str]:
        p = self.pools
        return p.first_names[rng.randrange(len(p.first_names))], p.last_names[rng.randrange(len(p.last_names))]

    def phone(self, rng: random.Random) -> str:
        area, mid, last = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
        style = rng.random()
        if style < 0.6:
            return f"({area}) {mid}-{last:04d}"
        if style < 0.8:
            return f"{area}-{mid}-{last:04d}"
        if style < 0.95:
            return f"+1 {area} {mid} {last:04d}"
        return f"{area}.{mid}.{last:04d} x{rng.randint(10, 999)}"

    def address(self, rng: random.Random) -> dict[str, Any]:
        p = self.pools
        city, state, postal = p.places[rng.randrange(len(p.places))]
        line2 = f"Suite {rng.randint(100, 999)}" if rng.random() < 0.2 else None
        return {"line1": p.streets[rng.randrange(len(p.streets))], "line2": line2, "city": city, "region": state,
                "postal_code": postal, "country": "US"}
