"""The approval gate: nothing loads from a map whose content hash is not the approved one.

``st2sf map approve --by NAME`` records, in the run ledger's hash-chained audit log, an entry
``map.approved`` with the map's content hash (:func:`control.mapping.digest.map_digest`), the approver
and the time; the canonical map document it approved is kept content-addressed under
``<state>/approvals/<hex>.json`` so a later refusal can say *what* changed.

The **latest** approval is the approved map: approving B after A supersedes A. Commands that move
data call :func:`require_approved`, which raises :class:`~control.errors.NotApprovedError` naming the
approver, the time, and the first differences between the approved map and the current one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator, NamedTuple

from control.errors import NotApprovedError
from control.ledger import Ledger
from control.mapping.digest import canonical_map, canonical_text, document_digest, map_digest
from control.settings import Settings

__all__ = ["Approval", "approve_map", "latest_approval", "require_approved", "map_changes"]

EVENT = "map.approved"
_MAX_CHANGES = 8


class Approval(NamedTuple):
    digest: str
    by: str
    at: str
    audit_seq: int
    folder: str


def _snapshot_path(settings: Settings, digest: str) -> Path:
    return settings.state_dir / "approvals" / f"{digest.split(':', 1)[-1]}.json"


def _relative(settings: Settings, folder: Path) -> str:
    try:
        return str(folder.resolve().relative_to(settings.root))
    except ValueError:
        return str(folder.resolve())


def approve_map(settings: Settings, folder: Path, *, by: str) -> Approval:
    """Approve the map in ``folder`` as it is now, as ``by``. The map must validate (else it has no hash)."""
    by = by.strip()
    if not by:
        raise NotApprovedError("An approval needs the approver's name.", hint="Pass --by NAME.")
    text = canonical_text(canonical_map(folder))
    digest = document_digest(text)
    snapshot = _snapshot_path(settings, digest)
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    if not snapshot.is_file():
        tmp = snapshot.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(snapshot)  # the snapshot exists before the ledger says it was approved
    ledger = Ledger.open(settings.ledger_url)
    try:
        seq = ledger.append_event(EVENT, {"digest": digest, "by": by, "folder": _relative(settings, folder)}, actor=by)
        entry = next(e for e in ledger.audit_entries() if e.seq == seq)
    finally:
        ledger.close()
    return Approval(digest, by, entry.at, seq, _relative(settings, folder))


def latest_approval(settings: Settings) -> Approval | None:
    """The approval in force (the newest ``map.approved`` entry), or None."""
    ledger = Ledger.open(settings.ledger_url)
    try:
        found: Approval | None = None
        for entry in ledger.audit_entries():
            if entry.event == EVENT:
                p = entry.payload
                found = Approval(p["digest"], p["by"], entry.at, entry.seq, p.get("folder", "mapping"))
        return found
    finally:
        ledger.close()


def _label(item: Any, index: int) -> str:
    if isinstance(item, dict):
        for key in ("name", "source", "target"):
            if isinstance(item.get(key), str):
                return f"[{item[key]}]"
    return f"[{index}]"


def _diff(old: Any, new: Any, path: str) -> Iterator[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in old:
                yield f"{where} added"
            elif key not in new:
                yield f"{where} removed"
            else:
                yield from _diff(old[key], new[key], where)
    elif isinstance(old, list) and isinstance(new, list):
        for i in range(max(len(old), len(new))):
            if i >= len(old):
                yield f"{path}{_label(new[i], i)} added"
            elif i >= len(new):
                yield f"{path}{_label(old[i], i)} removed"
            else:
                yield from _diff(old[i], new[i], f"{path}{_label(new[i], i)}")
    elif old != new:
        yield f"{path}: {json.dumps(old, ensure_ascii=False)[:60]} → {json.dumps(new, ensure_ascii=False)[:60]}"


def map_changes(settings: Settings, approval: Approval, folder: Path) -> list[str]:
    """What differs between the approved map and the map in ``folder`` now (paths, first ones first)."""
    snapshot = _snapshot_path(settings, approval.digest)
    if not snapshot.is_file():
        return [f"the approved snapshot {snapshot.name} is missing, so the change cannot be shown"]
    text = snapshot.read_text(encoding="utf-8")
    if document_digest(text) != approval.digest:
        return [f"the approved snapshot {snapshot.name} was altered, so the change cannot be shown"]
    return list(_diff(json.loads(text), canonical_map(folder), ""))


def require_approved(settings: Settings, folder: Path) -> Approval:
    """The approval of the map in ``folder``; :class:`NotApprovedError` (exit 2) when it has none."""
    digest = map_digest(folder)
    approval = latest_approval(settings)
    if approval is None:
        raise NotApprovedError(
            f"The map in {_relative(settings, folder)}/ has never been approved; nothing moves unapproved.",
            hint="Review it (st2sf map validate), then approve it: st2sf map approve --by NAME.")
    if approval.digest != digest:
        changes = map_changes(settings, approval, folder)
        shown = "; ".join(changes[:_MAX_CHANGES]) + (f"; and {len(changes) - _MAX_CHANGES} more" if len(changes) > _MAX_CHANGES else "")
        raise NotApprovedError(
            f"The map changed since {approval.by} approved it at {approval.at} ({shown}).",
            hint="Review the changes, then approve again: st2sf map approve --by NAME.",
            approved_digest=approval.digest, current_digest=digest, changes=changes[:50])
    return approval
