"""Planting field-level defects into a record, and recording each one in the manifest.

One record carries at most one of the field-value defects (missing required value, over-long
string, unknown picklist value, invalid e-mail), so each manifest entry names exactly one field and
the value it holds; references (orphans) and text (non-ASCII) are planted independently.
"""

from __future__ import annotations

import random
from typing import Any, Sequence

from emulators.servicetracker.generator import vocab
from emulators.servicetracker.generator.context import Context
from emulators.servicetracker.generator.defects import DefectKind
from emulators.servicetracker.model import resource_spec

__all__ = ["field_defects", "overlong", "invalid_email", "Orphans"]

_FILLER = ("per customer request", "see attached e-mail thread", "do not schedule before 7am",
           "call ahead", "escalated by regional manager", "ref. previous visit")


def overlong(base: str, max_length: int, rng: random.Random) -> str:
    """An ASCII string longer than ``max_length`` that starts like ``base``."""
    target = max_length + rng.randint(1, 80)
    parts = [base or "Untitled"]
    while len(" - ".join(parts)) < target:
        parts.append(rng.choice(_FILLER))
    return " - ".join(parts)[:target]


def invalid_email(valid: str, rng: random.Random) -> str:
    local, _, domain = valid.partition("@")
    variants = (
        f"{local}{domain}",                      # @ lost
        f"{local}@@{domain}",
        f"{local[:len(local) // 2 or 1]} {local[len(local) // 2 or 1:]}@{domain}",   # space inside
        f"{local}@{domain.rsplit('.', 1)[0]}",   # no top-level domain
        f"{local}@{domain.replace('.', '..')}",
        f"{valid},",
        f"{valid}; accounts@{domain}",
        "n/a",
        "none",
    )
    return rng.choice(variants)


def field_defects(ctx: Context, rng: random.Random, resource: str, record: dict[str, Any], *,
                  required: Sequence[str] = (), long: Sequence[str] = (), picklists: Sequence[str] = (),
                  emails: Sequence[str] = ()) -> None:
    """Maybe plant one field-value defect in ``record`` (drawing from ``rng`` the same way every time)."""
    log = ctx.log
    spec = resource_spec(resource)
    if required and log.hit(DefectKind.MISSING_REQUIRED, rng.random()):
        field = rng.choice(required)
        record[field] = "" if rng.random() < 0.2 and spec.field(field).type != "enum" else None
        log.add(DefectKind.MISSING_REQUIRED, {"resource": resource, "id": record["id"], "field": field,
                                              "value": record[field]})
        return
    candidates = [f for f in long if isinstance(record.get(f), str)]
    if candidates and log.hit(DefectKind.OVERLONG_STRING, rng.random()):
        field = rng.choice(candidates)
        max_length = spec.field(field).max_length
        record[field] = overlong(record[field], max_length, rng)
        log.add(DefectKind.OVERLONG_STRING, {"resource": resource, "id": record["id"], "field": field,
                                             "length": len(record[field]), "max_length": max_length})
        return
    if picklists and log.hit(DefectKind.UNKNOWN_PICKLIST_VALUE, rng.random()):
        field = rng.choice(picklists)
        record[field] = rng.choice(vocab.UNKNOWN_PICKLIST[(resource, field)])
        log.add(DefectKind.UNKNOWN_PICKLIST_VALUE, {"resource": resource, "id": record["id"], "field": field,
                                                    "value": record[field]})
        return
    candidates = [f for f in emails if isinstance(record.get(f), str)]
    if candidates and log.hit(DefectKind.INVALID_EMAIL, rng.random()):
        field = rng.choice(candidates)
        record[field] = invalid_email(record[field], rng)
        log.add(DefectKind.INVALID_EMAIL, {"resource": resource, "id": record["id"], "field": field,
                                           "value": record[field]})


class Orphans:
    """References to records that do not exist: deleted ones (tombstoned) or ids that never existed.

    Live ids are ``<prefix>_0000001`` upwards; deleted ones are ``<prefix>_8xxxxxx`` (each gets a tombstone),
    never-existing ones ``<prefix>_9xxxxxx``.
    """

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.tombstones: list[tuple[str, str, int]] = []  # resource, id, deleted seconds
        self._next = 1

    def maybe(self, rng: random.Random, resource: str, record: dict[str, Any], field: str, target: str,
              prefix: str) -> None:
        """With the orphan rate, point ``record[field]`` at a missing ``target`` record."""
        if not self.ctx.log.hit(DefectKind.ORPHANED_REFERENCE, rng.random()):
            return
        n = self._next
        self._next += 1
        deleted = rng.random() < 0.5
        ref = f"{prefix}_{(8 if deleted else 9) * 1_000_000 + n:07d}"
        if deleted:
            self.tombstones.append((target, ref, self.ctx.instant(rng)))
        record[field] = ref
        self.ctx.log.add(DefectKind.ORPHANED_REFERENCE, {"resource": resource, "id": record["id"], "field": field,
                                                         "value": ref, "target": target, "tombstoned": deleted})

    def deleted_id(self, rng: random.Random, target: str, prefix: str) -> None:
        """A deleted record nobody references any more (history in the tombstone feed)."""
        n = self._next
        self._next += 1
        self.tombstones.append((target, f"{prefix}_{8_000_000 + n:07d}", self.ctx.instant(rng)))
