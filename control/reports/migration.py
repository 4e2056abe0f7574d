"""The migration run report: ``<run_folder>/report.html``, rendered from what the run and its dataset wrote.

Inputs (the run folder's formats: docs/demo.md, "The run report"; the dataset's: docs/data-path.md):

* ``<run_folder>/accounting.json`` — per source resource ``source = loaded + quarantined + skipped + failed``,
  the steps with their counts and timings, the files outcome and warnings (absent when a run failed before it
  wrote one: the report then says so);
* ``<run_folder>/errors.jsonl`` — one line per row Salesforce refused, grouped here by step and error code with
  the first few examples of each;
* ``<dataset_folder>/quarantine.jsonl`` — records held back before the load, grouped by resource and rule with
  the rule's hint; read line by line (the file can hold millions of lines, only counts and a few examples are
  kept);
* ``<dataset_folder>/owners.json`` — the technician → user gap report and the records sent to the fallback owner.

Rendered with jinja2 (autoescaped: values come from the tenant and from Salesforce error messages) into one
self-contained file: inline CSS, no scripts, no external resources. Error messages pass through
:func:`control.secrets.redact_text`, so a token a server echoes never reaches the report.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from control.secrets import redact_text

__all__ = ["render_migration_report", "migration_report_context", "EXAMPLES"]

EXAMPLES = 3          # examples kept per error group and per quarantine group
_COUNTS = ("source", "loaded", "quarantined", "skipped", "failed")


def _env() -> Environment:
    env = Environment(loader=PackageLoader("control.reports", "templates"), autoescape=select_autoescape(["j2", "html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = lambda v: f"{v:,}" if isinstance(v, (int, float)) and not isinstance(v, bool) else v
    env.filters["show"] = _show
    return env


def _show(value: Any, limit: int = 120) -> str:
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = redact_text(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str))
    return text if len(text) <= limit else text[:limit] + "…"


def _read_json(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of a .jsonl file, one at a time (a torn last line, from a killed writer, is skipped)."""
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                yield value


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _balances(counts: dict[str, Any]) -> bool:
    """The arithmetic itself, not only the writer's flag: source = loaded + quarantined + skipped + failed."""
    parts = sum(_int(counts.get(k)) for k in _COUNTS[1:])
    return _int(counts.get("source")) == parts and counts.get("balanced", True) is not False


def _objects(accounting: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    rows = []
    for resource, counts in (accounting.get("objects") or {}).items():
        row = {"resource": resource, **{k: _int(counts.get(k)) for k in _COUNTS}}
        row["balanced"] = _balances(counts)
        rows.append(row)
    totals = {k: sum(r[k] for r in rows) for k in _COUNTS}
    totals["balanced"] = all(r["balanced"] for r in rows) and _balances(accounting.get("totals") or totals)
    return rows, totals


def _errors(path: Path) -> tuple[list[dict[str, Any]], int]:
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    total = 0
    for entry in _lines(path):
        total += 1
        key = (str(entry.get("step") or "?"), str(entry.get("code") or "UNKNOWN"))
        group = groups.setdefault(key, {"step": key[0], "code": key[1], "sobject": entry.get("sobject"),
                                        "resource": entry.get("resource"), "count": 0, "examples": []})
        group["count"] += 1
        if len(group["examples"]) < EXAMPLES:
            group["examples"].append({"source_id": entry.get("source_id"), "local_id": entry.get("local_id"),
                                      "message": redact_text(str(entry.get("message") or "")),
                                      "fields": list(entry.get("fields") or [])})
    return sorted(groups.values(), key=lambda g: (-g["count"], g["step"], g["code"])), total


def _quarantine(path: Path) -> tuple[list[dict[str, Any]], dict[str, int]]:
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    kinds = {"record": 0, "row": 0}
    for entry in _lines(path):
        kind = "row" if entry.get("kind") == "row" else "record"
        kinds[kind] += 1
        key = (str(entry.get("resource") or "?"), str(entry.get("rule") or "?"))
        group = groups.setdefault(key, {"resource": key[0], "rule": key[1], "count": 0, "records": 0, "rows": 0,
                                        "hint": entry.get("hint"), "fields": {}, "examples": []})
        group["count"] += 1
        group["rows" if kind == "row" else "records"] += 1
        if not group["hint"] and entry.get("hint"):
            group["hint"] = entry.get("hint")
        where = f"{entry.get('object')}.{entry.get('field')}" if entry.get("field") else entry.get("object")
        if where:
            group["fields"][where] = group["fields"].get(where, 0) + 1
        if len(group["examples"]) < EXAMPLES:
            group["examples"].append({"source_id": entry.get("source_id"), "route": entry.get("route"),
                                      "kind": kind, "field": entry.get("field"), "value": entry.get("value"),
                                      "reason": entry.get("reason"), "more": max(len(entry.get("problems") or []) - 1,
                                                                                 0)})
    for group in groups.values():
        group["fields"] = sorted(group["fields"].items(), key=lambda kv: (-kv[1], kv[0]))
    return sorted(groups.values(), key=lambda g: (g["resource"], -g["count"], g["rule"])), kinds


def _owners(owners: dict[str, Any] | None) -> dict[str, Any] | None:
    if owners is None:
        return None
    resources = []
    for name, info in (owners.get("resources") or {}).items():
        unmatched = list(info.get("unmatched") or [])
        resources.append({"resource": name, "route": info.get("route"), "total": _int(info.get("total")),
                          "matched": _int(info.get("matched")), "gaps": _int(info.get("gaps")),
                          "by_status": dict(info.get("by_status") or {}),
                          "records_to_fallback": _int(info.get("records_to_fallback")),
                          "records_to_fallback_without_technician":
                              _int(info.get("records_to_fallback_without_technician")),
                          "unmatched": unmatched,
                          "inactive": [u for u in unmatched if u.get("status") == "inactive"],
                          "ambiguous": [u for u in unmatched if u.get("status") == "ambiguous"]})
    fallback = owners.get("fallback_owner") or {}
    return {"org": owners.get("org"), "fallback_owner": {"id": fallback.get("id"), "username": fallback.get("username")}
            if fallback else None, "resources": resources}


def migration_report_context(run_folder: Path, dataset_folder: Path) -> dict[str, Any]:
    """Everything the template shows, computed from the files (useful on its own to test or print a summary)."""
    run_folder, dataset_folder = Path(run_folder), Path(dataset_folder)
    accounting = _read_json(run_folder / "accounting.json")
    manifest = _read_json(dataset_folder / "dataset.json") or {}
    acc = accounting or {}
    objects, totals = _objects(acc)
    errors, error_total = _errors(run_folder / "errors.jsonl")
    quarantine_file = dataset_folder / str(manifest.get("quarantine") or "quarantine.jsonl")
    quarantine, quarantine_kinds = _quarantine(quarantine_file)
    owners = _owners(_read_json(dataset_folder / str(manifest.get("owners") or "owners.json")))
    steps = list(acc.get("steps") or [])
    ok = bool(acc.get("ok")) and accounting is not None
    balanced = bool(objects) and totals["balanced"]
    return {
        "run_id": acc.get("run_id") or run_folder.name,
        "dataset": acc.get("dataset") or manifest.get("name") or dataset_folder.name,
        "org": acc.get("org") or manifest.get("org"),
        "has_accounting": accounting is not None,
        "ok": ok, "balanced": balanced,
        "started_at": acc.get("started_at"), "finished_at": acc.get("finished_at"), "seconds": acc.get("seconds"),
        "objects": objects, "totals": totals,
        "unbalanced": [o["resource"] for o in objects if not o["balanced"]],
        "steps": steps, "step_seconds": round(sum(float(s.get("seconds") or 0) for s in steps), 3),
        "files": acc.get("files"),
        "warnings": [redact_text(str(w)) for w in acc.get("warnings") or []],
        "errors": errors, "error_total": error_total,
        "quarantine": quarantine, "quarantine_kinds": quarantine_kinds,
        "quarantine_file": str(quarantine_file.name), "owners": owners,
        "map_digest": manifest.get("map_digest"), "approved_by": manifest.get("approved_by"),
        "examples": EXAMPLES,
    }


def render_migration_report(run_folder: Path, dataset_folder: Path) -> Path:
    """Write ``<run_folder>/report.html`` (atomically: a reader never sees half a report) and return its path."""
    run_folder = Path(run_folder)
    context = migration_report_context(run_folder, Path(dataset_folder))
    html = _env().get_template("migration.html.j2").render(**context)
    run_folder.mkdir(parents=True, exist_ok=True)
    target = run_folder / "report.html"
    partial = run_folder / "report.html.tmp"
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, target)
    return target
