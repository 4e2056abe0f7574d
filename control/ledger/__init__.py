"""The run ledger: every run, step, created Id and before-image, in a hash-chained audit log.

Public API::

    ledger = Ledger.open(settings.ledger_url)
    run = ledger.start_run("migrate", options, actor="alice")
    ledger.plan_steps(run.id, ["load Account", "load Contact"])
    with ledger.step(run.id, "load Account") as counts:
        ...                                  # the work; it commits before the block ends
        counts["created"] = 120
    ledger.finish_run(run.id, RunStatus.COMPLETED)
    verify_ledger(ledger)                    # VerifyReport(ok, entries, first_bad_seq, reason)
"""

from control.ledger.models import (
    Action, AuditEntry, BeforeImage, IdMapEntry, RunRecord, RunStatus, StepRecord, StepStatus, VerifyReport,
)
from control.ledger.store import Ledger, new_run_id, utc_now
from control.ledger.verify import verify_ledger

__all__ = [
    "Action", "AuditEntry", "BeforeImage", "IdMapEntry", "Ledger", "RunRecord", "RunStatus", "StepRecord",
    "StepStatus", "VerifyReport", "new_run_id", "utc_now", "verify_ledger",
]
