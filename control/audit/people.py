"""People checks that need more than one record: the mobile-sync preflight and the technician → user gap.

**Mobile-sync preflight** (contract §9). Changes a technician makes offline are invisible to every list
endpoint until the device syncs, so the final pass must not start while any device is ``pending`` or
``conflict`` (or reports pending changes). The preflight names each such device and its technician::

    no mobile_devices staged ─► unknown   (extract them: they need the admin:read scope)
    none pending             ─► clear
    some pending, no override ─► blocked  (cutover must wait)
    some pending, override    ─► overridden (the reason is kept in the specification and the ledger)

**Technician → user gap.** Technicians map to Salesforce users by e-mail (case-insensitive). Given the
org's users (:class:`UserDirectory`, e.g. from ``--users FILE``), every technician without an *active*
user with their e-mail is reported; without a directory, only technicians whose e-mail is missing or
invalid — who can never match — are.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from control.audit.findings import FindingKind, FindingSink, Reference
from control.audit.infer import is_email
from control.errors import InputFileError
from control.staging.store import StagingStore

__all__ = ["UserDirectory", "mobile_preflight", "technician_gap"]


class UserDirectory(NamedTuple):
    """Salesforce users by lower-cased e-mail → active."""

    users: dict[str, bool]

    @classmethod
    def from_file(cls, path: Path) -> "UserDirectory":
        """JSON: ``{"users": [{"email", "active"}]}`` or a bare list; or CSV with ``email`` and ``active`` columns."""
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise InputFileError(f"{path} cannot be read: {exc.strerror}.", path=str(path)) from None
        if path.suffix.lower() == ".csv":
            import csv

            rows: Iterable[dict[str, Any]] = list(csv.DictReader(text.splitlines()))
        else:
            try:
                data = json.loads(text)
            except ValueError as exc:
                raise InputFileError(f"{path}: not valid JSON ({exc}).", path=str(path)) from None
            rows = data.get("users", []) if isinstance(data, dict) else data
        users: dict[str, bool] = {}
        for number, row in enumerate(rows, start=1):
            email = row.get("email") if isinstance(row, dict) else None
            if not isinstance(email, str) or not email.strip():
                raise InputFileError(f"{path}: user {number} has no e-mail.", path=str(path), line=number,
                                     hint="Each user needs an 'email' (and optionally 'active').")
            active = row.get("active", True)
            if isinstance(active, str):
                active = active.strip().lower() not in ("false", "0", "no", "n", "")
            users[email.strip().casefold()] = bool(active) or users.get(email.strip().casefold(), False)
        return cls(users)


def mobile_preflight(store: StagingStore, sink: FindingSink, override: str | None) -> dict[str, Any]:
    counts = store.counts()
    if "mobile_devices" not in counts and store.checkpoint("mobile_devices") is None:
        return {"status": "unknown", "blocking": False, "devices": [], "override": override,
                "reason": "mobile devices were not extracted (the key needs the admin:read scope)"}
    devices = []
    for rec in store.iter_records("mobile_devices"):
        d = rec.payload
        pending = d.get("pending_change_count") or 0
        if d.get("sync_status") in ("pending", "conflict") or pending > 0:
            tech_id = d.get("technician_id")
            tech = store.get("technicians", tech_id).payload if isinstance(tech_id, str) and \
                store.get("technicians", tech_id) else {}
            name = " ".join(p for p in (tech.get("first_name"), tech.get("last_name")) if isinstance(p, str)) or None
            devices.append({"id": d["id"], "device_name": d.get("device_name"), "sync_status": d.get("sync_status"),
                            "pending_change_count": pending, "last_synced_at": d.get("last_synced_at"),
                            "last_seen_at": d.get("last_seen_at"), "technician_id": tech_id,
                            "technician_name": name, "technician_email": tech.get("email")})
    if not devices:
        status = "clear"
    else:
        status = "overridden" if override else "blocked"
    return {"status": status, "blocking": status == "blocked", "devices": devices, "override": override,
            "pending_changes": sum(d["pending_change_count"] for d in devices)}


def technician_gap(store: StagingStore, sink: FindingSink, directory: UserDirectory | None) -> dict[str, Any]:
    total = matched = 0
    for rec in store.iter_records("technicians"):
        total += 1
        t = rec.payload
        email = t.get("email")
        reason = None
        if not isinstance(email, str) or not email.strip():
            reason = "no e-mail"
        elif not is_email(email.strip()):
            reason = "invalid e-mail"
        elif directory is not None:
            active = directory.users.get(email.strip().casefold())
            reason = "no user with this e-mail" if active is None else None if active else (
                "the user is inactive" + (" (so is the technician): their records need the fallback owner"
                                          if t.get("active") is False else ""))
        if reason is None:
            matched += directory is not None
            continue
        sink.add(FindingKind.TECHNICIAN_WITHOUT_USER, Reference("technicians", rec.source_id, "email", email, None,
                                                                reason))
    return {"technicians": total, "directory": directory is not None, "matched": matched if directory else None,
            "unmatched": sink.counts.get(FindingKind.TECHNICIAN_WITHOUT_USER, 0)}
