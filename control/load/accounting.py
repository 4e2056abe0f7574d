"""The run folder's accounting (``accounting.json``) and failed rows (``errors.jsonl``).

Per source resource (as the dataset's accounting): ``source = loaded + quarantined + skipped + failed``;
*loaded* counts the source records whose primary row is in the org after the run, *failed* those whose row
Salesforce refused. A run that stopped before a resource's step is not balanced (its rows are neither).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping, Sequence

from control.load.cci_runner import RowResult

__all__ = ["ACCOUNTING_FORMAT", "ErrorLog", "object_accounting", "totals", "empty_files"]

ACCOUNTING_FORMAT = "st2sf.accounting/1"


class ErrorLog:
    """``errors.jsonl``: one line per failed row, appended as steps finish."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.touch()

    def write(self, *, step: str, sobject: str, failed: Sequence[RowResult],
              sources: Mapping[str, tuple[str, str]]) -> None:
        if not failed:
            return
        with self.path.open("a", encoding="utf-8") as out:
            for row in failed:
                resource, source_id = sources.get(row.local_id, (None, None))
                out.write(json.dumps({"step": step, "sobject": sobject, "local_id": row.local_id,
                                      "resource": resource, "source_id": source_id, "code": row.code,
                                      "message": row.message, "fields": list(row.fields)}) + "\n")

    def write_lines(self, lines: Sequence[Mapping[str, Any]]) -> None:
        """Lines already in errors.jsonl's shape (the file uploader's)."""
        if lines:
            with self.path.open("a", encoding="utf-8") as out:
                for line in lines:
                    out.write(json.dumps(dict(line)) + "\n")


def object_accounting(dataset: Mapping[str, Mapping[str, Any]], loaded: Mapping[str, int],
                      failed: Mapping[str, int], files: Mapping[str, tuple[int, int, int]] | None = None
                      ) -> dict[str, dict[str, Any]]:
    """Per resource. ``dataset`` is dataset.json's accounting; ``files`` (resource → files in the org, skipped
    by the size policy, failed — the uploader's counts) for the resource whose rows are files."""
    out: dict[str, dict[str, Any]] = {}
    for resource, entry in dataset.items():
        source, quarantined, skipped = int(entry["source"]), int(entry["quarantined"]), int(entry["skipped"])
        in_org, file_skipped, file_failed = (files or {}).get(resource, (0, 0, 0))
        done = int(loaded.get(resource, 0)) + in_org
        skipped += file_skipped
        bad = int(failed.get(resource, 0)) + file_failed
        out[resource] = {"source": source, "loaded": done, "quarantined": quarantined, "skipped": skipped,
                         "failed": bad, "balanced": source == done + quarantined + skipped + bad}
    return out


def totals(objects: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    keys = ("source", "loaded", "quarantined", "skipped", "failed")
    out: dict[str, Any] = {k: sum(int(o[k]) for o in objects.values()) for k in keys}
    out["balanced"] = all(o["balanced"] for o in objects.values())
    return out


def empty_files() -> dict[str, Any]:
    return {"files": 0, "uploaded": 0, "already_present": 0, "skipped": 0, "failed": 0, "links": 0,
            "links_created": 0, "links_existing": 0, "bytes": 0, "verified": 0, "api_requests": 0,
            "skipped_reasons": {}}
