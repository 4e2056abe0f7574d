"""Verifying the ledger: the audit log's hash chain, and the rows its entries vouch for.

:func:`verify_ledger` streams the audit log once, in order, and checks for every entry that

1. its ``seq`` follows the previous one (no entry removed or inserted),
2. its ``prev_hash`` is the previous entry's hash, and its own hash recomputes,
3. the rows it vouches for still match: the last ``run.*``/``step.*`` entry of each run/step carries the
   digest of that row; ``ids.recorded``/``before_images.recorded`` carry count and digest of their batch.

Rows that no entry vouches for (added by hand) are reported against the last entry. The report names
the **first** entry (lowest ``seq``) that no longer holds, with the reason.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select

from control.ledger import chain
from control.ledger.models import VerifyReport
from control.ledger.schema import audit_log, before_images, id_map, runs, steps
from control.ledger.store import Ledger

__all__ = ["verify_ledger"]

_BATCH_TABLES = {"id_map": (id_map, chain.ID_ROW_KEYS), "before_images": (before_images, chain.IMAGE_ROW_KEYS)}


def verify_ledger(ledger: Ledger) -> VerifyReport:
    """Check the whole ledger; never raises for tampering — the report says where it is."""
    problems: list[tuple[int, str]] = []
    run_claims: dict[str, tuple[int, str]] = {}
    step_claims: dict[tuple[str, str], tuple[int, str]] = {}
    batch_rows = {"id_map": 0, "before_images": 0}
    prev_hash, expected_seq, entries, last_seq = chain.GENESIS, 1, 0, 0
    engine = ledger.engine
    with engine.connect() as conn:
        stream = conn.execution_options(stream_results=True).execute(select(audit_log).order_by(audit_log.c.seq))
        for e in stream.mappings():
            entries += 1
            last_seq = e["seq"]
            if e["seq"] != expected_seq:
                problems.append((min(e["seq"], expected_seq), f"entry {expected_seq} is missing (found {e['seq']} next)"))
                break
            if e["prev_hash"] != prev_hash:
                problems.append((e["seq"], "its prev_hash does not match the previous entry's hash"))
                break
            recomputed = chain.entry_hash(seq=e["seq"], at=e["at"], run_id=e["run_id"], actor=e["actor"],
                                          event=e["event"], payload=e["payload"], prev_hash=e["prev_hash"])
            if recomputed != e["hash"]:
                problems.append((e["seq"], "its content no longer matches its hash (the entry was edited)"))
                break
            prev_hash, expected_seq = e["hash"], expected_seq + 1
            try:
                payload = json.loads(e["payload"])
            except ValueError:
                problems.append((e["seq"], "its payload is not JSON"))
                break
            event = e["event"]
            if event.startswith("run."):
                run_claims[e["run_id"]] = (e["seq"], payload.get("row", ""))
            elif event.startswith("step."):
                step_claims[(e["run_id"], payload.get("step"))] = (e["seq"], payload.get("row", ""))
            elif payload.get("table") in _BATCH_TABLES:
                table, keys = _BATCH_TABLES[payload["table"]]
                rows = conn.execute(select(table).where(table.c.audit_seq == e["seq"]).order_by(table.c.id)).mappings()
                count, digest = chain.batch_digest(rows, keys)
                if (count, digest) != (payload.get("count"), payload.get("digest")):
                    change = (f"{payload.get('count')} recorded, {count} found" if count != payload.get("count")
                              else "a row was edited")
                    problems.append((e["seq"], f"the {payload['table']} rows it recorded were changed ({change})"))
                batch_rows[payload["table"]] += payload.get("count", 0)

        if not problems:
            for row in conn.execute(select(runs)).mappings():
                claim = run_claims.get(row["id"])
                if claim is None:
                    problems.append((last_seq, f"run {row['id']} is not in the audit log (added by hand)"))
                elif chain.row_digest(row, chain.RUN_ROW_KEYS) != claim[1]:
                    problems.append((claim[0], f"run {row['id']} was changed after this entry recorded it"))
            for row in conn.execute(select(steps)).mappings():
                claim = step_claims.get((row["run_id"], row["name"]))
                if claim is None:
                    problems.append((last_seq, f"step '{row['name']}' of run {row['run_id']} is not in the audit log"))
                elif chain.row_digest(row, chain.STEP_ROW_KEYS) != claim[1]:
                    problems.append((claim[0], f"step '{row['name']}' of run {row['run_id']} was changed after this entry recorded it"))
            for name, (table, _keys) in _BATCH_TABLES.items():
                total = conn.execute(select(func.count()).select_from(table)).scalar_one()
                if total != batch_rows[name]:
                    problems.append((last_seq, f"{name} holds {total} rows but the audit log recorded {batch_rows[name]}"))

    if not problems:
        return VerifyReport(True, entries, None, None)
    seq, reason = min(problems, key=lambda p: p[0])
    return VerifyReport(False, entries, seq, reason)
