"""The ``st2sf runs`` commands as plain functions: each takes settings, returns a JSON-ready dict."""

from __future__ import annotations

from typing import Any

from control.errors import LedgerTamperedError
from control.ledger.store import Ledger
from control.ledger.verify import verify_ledger
from control.settings import Settings

__all__ = ["list_runs", "show_run", "verify_log"]


def _summary(run) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {"id": run.id, "command": run.command, "status": str(run.status), "actor": run.actor,
            "started_at": run.started_at, "ended_at": run.ended_at, "resumes": run.resumes}


def list_runs(settings: Settings, *, limit: int = 50, command: str | None = None) -> dict[str, Any]:
    """The newest runs first: id, command, status (``interrupted`` when its process died), times."""
    ledger = Ledger.open(settings.ledger_url)
    try:
        return {"runs": [_summary(r) for r in ledger.list_runs(limit=limit, command=command)]}
    finally:
        ledger.close()


def show_run(settings: Settings, run_id: str) -> dict[str, Any]:
    """One run: its options, steps with their states and counts, and Ids recorded per object and action."""
    ledger = Ledger.open(settings.ledger_url)
    try:
        run = ledger.get_run(run_id)
        counts: dict[str, dict[str, int]] = {}
        for (sobject, action), n in sorted(ledger.id_counts(run_id).items()):
            counts.setdefault(sobject, {})[action] = n
        return {
            **_summary(run),
            "options": run.options,
            "error": run.error,
            "steps": [{"seq": s.seq, "name": s.name, "status": str(s.status), "started_at": s.started_at,
                       "ended_at": s.ended_at, "counts": s.counts, "error": s.error} for s in ledger.steps(run_id)],
            "ids": counts,
        }
    finally:
        ledger.close()


def verify_log(settings: Settings) -> dict[str, Any]:
    """Recompute the audit log's hash chain and the rows it vouches for.

    Raises :class:`LedgerTamperedError` naming the first entry that no longer holds.
    """
    ledger = Ledger.open(settings.ledger_url)
    try:
        report = verify_ledger(ledger)
    finally:
        ledger.close()
    if not report.ok:
        raise LedgerTamperedError(
            f"The ledger has been tampered with: audit entry {report.first_bad_seq}: {report.reason}.",
            entry_seq=report.first_bad_seq or 0, reason=report.reason or "",
        )
    return {"ok": True, "entries": report.entries}
