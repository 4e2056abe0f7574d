"""Churn: the field team keeps working during cutover.

``churn(store, creates=…, updates=…, deletes=…, seed=…)`` changes the tenant the sandbox serves, in one
transaction, exactly as the real platform would show it:

* **creates** copy the shape and references of a random existing record of an operational resource
  (work orders, notes, tasks, activities, contacts) under a new id ``<prefix>_7xxxxxx``;
* **updates** change a core field of a random record (a work order moves on in its status, a note is
  edited, a contact's phone changes, …);
* **deletes** remove random leaf records (notes, tasks, parts used, activities, contacts) and add
  their tombstones.

Every change gets ``updated_at``/``deleted_at`` = now (distinct microseconds, written with the offset
of a random zone the tenant's users are in), so it is visible through ``updated_since`` and
``/deleted_records``. The same seed picks the same records from the same tenant state.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone
from typing import Any, Callable
from zoneinfo import ZoneInfo

import orjson

from emulators.servicetracker.clock import format_utc, now_us
from emulators.servicetracker.problems import BadInput
from emulators.servicetracker.store import TenantStore

__all__ = ["churn", "CREATABLE", "DELETABLE"]

CREATABLE = {"work_orders": "wo", "notes": "no", "work_order_tasks": "wt", "activities": "ac", "client_contacts": "cc"}
DELETABLE = ("notes", "work_order_tasks", "parts_used", "activities", "client_contacts")
_UPDATABLE = ("work_orders", "work_orders", "work_order_tasks", "notes", "client_contacts", "clients", "invoices",
              "assets", "mobile_devices")
_NEXT_STATUS = {"new": "scheduled", "scheduled": "dispatched", "dispatched": "in_progress", "in_progress": "completed",
                "on_hold": "in_progress", "completed": "closed"}
_ZONES = ("America/Chicago", "America/New_York", "America/Denver", "America/Los_Angeles", "UTC")


def _stamp(micros: int, rng: random.Random) -> str:
    moment = datetime.fromtimestamp(micros // 1_000_000, tz=timezone.utc).replace(microsecond=micros % 1_000_000)
    return moment.astimezone(ZoneInfo(rng.choice(_ZONES))).isoformat(timespec="microseconds")


def _mutate(resource: str, record: dict[str, Any], rng: random.Random, stamp: str) -> str:
    """Change one core field the way the field team would; return its name."""
    if resource == "work_orders":
        record["status"] = _NEXT_STATUS.get(record.get("status"), "in_progress")
        if record["status"] in ("completed", "closed") and not record.get("completed_at"):
            record["completed_at"] = stamp
        return "status"
    if resource == "work_order_tasks":
        record["status"], record["completed_at"] = "done", stamp
        return "status"
    if resource == "notes":
        record["body"] = f"{record.get('body') or ''}\n[edited on site]"
        return "body"
    if resource in ("client_contacts", "clients"):
        record["phone"] = f"({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"
        return "phone"
    if resource == "invoices":
        record["status"] = "paid"
        record["balance"] = 0.0
        return "status"
    if resource == "assets":
        record["status"] = rng.choice(("active", "in_repair"))
        return "status"
    record["last_seen_at"] = stamp
    return "last_seen_at"


def _random_id(store: TenantStore, resource: str, rng: random.Random, avoid: set[tuple[str, str]]) -> str | None:
    total = store.count(resource)
    for _ in range(20):
        if total == 0:
            return None
        record_id = store.id_at(resource, rng.randrange(total))
        if record_id is not None and (resource, record_id) not in avoid:
            return record_id
    return None


def churn(store: TenantStore, *, creates: int, updates: int, deletes: int, seed: int,
          clock: Callable[[], int] = now_us) -> dict[str, Any]:
    if min(creates, updates, deletes) < 0:
        raise BadInput("--creates, --updates and --deletes must be 0 or more.")
    rng = random.Random(seed)
    base = clock()
    tick = iter(range(base, base + 10_000_000))
    touched: set[tuple[str, str]] = set()
    upserts: list[tuple[str, str, int, bytes]] = []
    removals: list[tuple[str, str, int, bytes]] = []
    created: list[dict[str, str]] = []
    updated: list[dict[str, str]] = []
    deleted: list[dict[str, str]] = []
    sequence = int(store.meta.get("churn_sequence", "0"))

    for _ in range(creates):
        resource = rng.choice(tuple(CREATABLE))
        template_id = _random_id(store, resource, rng, set())
        if template_id is None:
            continue
        record = orjson.loads(store.get(resource, template_id))
        while True:
            sequence += 1
            new_id = f"{CREATABLE[resource]}_{7_000_000 + sequence:07d}"
            if store.get(resource, new_id) is None and not store.is_tombstoned(resource, new_id):
                break
        micros = next(tick)
        stamp = _stamp(micros, rng)
        record.update(id=new_id, created_at=stamp, updated_at=stamp)
        if resource == "work_orders":
            record.update(number=f"WO-M{sequence:06d}", status="new", completed_at=None)
        upserts.append((resource, new_id, micros, orjson.dumps(record)))
        touched.add((resource, new_id))
        created.append({"resource": resource, "id": new_id, "updated_at": stamp})

    for _ in range(updates):
        resource = rng.choice(_UPDATABLE)
        record_id = _random_id(store, resource, rng, touched)
        if record_id is None:
            continue
        record = orjson.loads(store.get(resource, record_id))
        micros = next(tick)
        stamp = _stamp(micros, rng)
        field = _mutate(resource, record, rng, stamp)
        record["updated_at"] = stamp
        upserts.append((resource, record_id, micros, orjson.dumps(record)))
        touched.add((resource, record_id))
        updated.append({"resource": resource, "id": record_id, "field": field, "updated_at": stamp})

    for _ in range(deletes):
        resource = rng.choice(DELETABLE)
        record_id = _random_id(store, resource, rng, touched)
        if record_id is None:
            continue
        micros = next(tick)
        stamp = _stamp(micros, rng)
        tomb = orjson.dumps({"resource": resource, "id": record_id, "deleted_at": stamp})
        removals.append((resource, record_id, micros, tomb))
        touched.add((resource, record_id))
        deleted.append({"resource": resource, "id": record_id, "deleted_at": stamp})

    store.write(upserts, removals, meta={"churn_sequence": str(sequence)})
    return {"created": created, "updated": updated, "deleted": deleted, "as_of": format_utc(next(tick)),
            "counts": {"created": len(created), "updated": len(updated), "deleted": len(deleted)}}
