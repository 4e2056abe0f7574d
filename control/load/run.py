"""``migrate``: the plan's steps in order into an org, one ledger run, a run folder with its accounting.

See docs/load.md. Preconditions first (:mod:`control.load.preconditions`); then per plan step a ledger step
(:mod:`control.load.steps`); then accounting.json, the report, and the result.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, Mapping, NamedTuple

from control.datasets.layout import write_json
from control.errors import Failure
from control.ledger import Ledger, utc_now
from control.load.accounting import ACCOUNTING_FORMAT, ErrorLog, empty_files, object_accounting, totals
from control.load.cci_runner import CciOrg, CciSession, make_project
from control.load.describe_cache import CachingAdapter
from control.load.earlier import earlier_runs
from control.load.orgquery import count, literal, query
from control.load.preconditions import Inputs, check_org, check_writable, read_inputs
from control.load.steps import StepContext, StepResult, run_load_step, run_update_step
from control.load.workdb import WorkDb
from control.load.writer import WriteTarget
from control.salesforce.access import connect, describe_objects, org_access
from control.salesforce.org_data import organization_id
from control.settings import Settings

__all__ = ["MigrationResult", "migrate"]

Progress = Callable[[str, Mapping[str, Any]], None]


class MigrationResult(NamedTuple):
    run_id: str
    dataset: str
    org: str
    ok: bool
    run_folder: Path
    accounting: dict
    report: Path


class _BudgetSpent(Failure):
    """A step's failed rows exceeded the error budget; later steps did not run."""


def _types(describes: list[Mapping[str, Any]]) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, Any]]]:
    types: dict[str, dict[str, str]] = {}
    fields: dict[str, dict[str, Any]] = {}
    for d in describes:
        types[d["name"]] = {f["name"]: f.get("type", "string") for f in d.get("fields", ())}
        fields[d["name"]] = {f["name"]: f for f in d.get("fields", ())}
    return types, fields


def _fresh(client: Any, inputs: Inputs) -> frozenset[str]:
    """Objects holding no record with the external Id: one ``limits/recordCount`` request for all of them
    (an object with no records at all is fresh), then a ``count()`` only for the objects that hold some."""
    steps = [s for s in inputs.manifest["steps"] if s.get("kind") == "load"]
    objects = sorted({s["sobject"] for s in steps})
    try:  # objects with no records are left out of the answer
        listed = client.restful("limits/recordCount", params={"sObjects": ",".join(objects)}).get("sObjects", ())
        counts = {o: 0 for o in objects} | {o["name"]: int(o["count"]) for o in listed}
    except Exception:  # noqa: BLE001 — an org without the resource: count each object
        counts = {}
    out: set[str] = set()
    for step in steps:
        sobject = step["sobject"]
        if sobject in out:
            continue
        if counts.get(sobject) == 0:
            out.add(sobject)
            continue
        external = step.get("external_id")
        if count(client, sobject, f"{external} != null" if external else "") == 0:
            out.add(sobject)
    return frozenset(out)


def _cci_org(settings: Settings, access: Any, client: Any) -> CciOrg:
    org_id = organization_id(client)
    users = list(query(client, f"SELECT Id FROM User WHERE Username = {literal(access.username or '')}"))
    user_id = users[0]["Id"] if users else "005000000000000AAA"
    return CciOrg(access, org_id, user_id, make_project(settings.state_dir / "cumulusci"))


def _describes(session: CciSession, sobjects: set[str]) -> list[Mapping[str, Any]]:
    """The objects' describes at CumulusCI's API version, through the run's describe cache, so the LoadData
    calls that follow validate their mappings without asking the org again."""
    describer = connect(session.org.access, api_version=session.org.api_version)
    describer.session.mount("https://", CachingAdapter(session.cache))
    return describe_objects(describer, sobjects)


def _files_step(client: Any, settings: Settings, inputs: Inputs, work: WorkDb, ledger: Ledger, run_id: str,
                name: str) -> tuple[dict[str, Any], list[dict[str, Any]], str | None]:
    """The plan's files step: control.load.files uploads files.jsonl (idempotent, resumable: docs/files.md)."""
    from control.load.files import upload_files
    from control.staging import BlobStore

    outcome = upload_files(client, dataset_folder=inputs.paths.folder, blobs=BlobStore(settings.state_dir / "blobs"),
                           resolve=work.ids, ledger=ledger, run_id=run_id, step=name)
    return outcome.as_dict(), list(outcome.errors), None


def _render_report(run_folder: Path, dataset_folder: Path) -> tuple[Path, str | None]:
    from control.reports.migration import render_migration_report

    return render_migration_report(run_folder, dataset_folder), None


def migrate(settings: Settings, *, dataset: str, org: str | None = None, error_budget: float | None = None,
            progress: Progress | None = None) -> MigrationResult:
    """Load dataset ``dataset`` into ``org`` as its plan says; see docs/load.md."""
    inputs = read_inputs(settings, dataset=dataset, org=org)
    budget = float(error_budget or 0.0)
    access = org_access(settings, inputs.org)
    client = connect(access)
    sobjects = {s["sobject"] for s in inputs.manifest["steps"] if s.get("kind") == "load"}
    cci = CciSession(_cci_org(settings, access, client))
    org_id = cci.org.org_id   # the org is this Organization Id: a re-created org of the same name is another one
    identity = check_org(inputs, org_id)
    types, fields = _types(_describes(cci, sobjects))
    check_writable(inputs, fields)
    record_types = {(r["SobjectType"], r["DeveloperName"]): r["Id"]
                    for r in query(client, "SELECT Id, SobjectType, DeveloperName FROM RecordType")}
    fresh = _fresh(client, inputs)
    ledger = Ledger.open(settings.ledger_url)
    run = ledger.start_run("migrate", {"dataset": dataset, "org": inputs.org, "org_id": org_id,
                                       "error_budget": budget, "map_digest": inputs.manifest.get("map_digest")})
    folder = settings.state_dir / "runs" / run.id
    folder.mkdir(parents=True, exist_ok=True)
    started, clock = utc_now(), time.monotonic()
    errors = ErrorLog(folder / "errors.jsonl")
    work = WorkDb(folder / "load.db", inputs.paths.database)
    target = WriteTarget(cci, work, ledger, run.id, folder / "mappings")
    required = {o: frozenset(n for n, f in fs.items() if f.get("createable") and not f.get("nillable")
                             and f.get("defaultValue") is None and not f.get("defaultedOnCreate"))
                for o, fs in fields.items()}
    ctx = StepContext(client, target, types, record_types, inputs.upsert_doc, inputs.insert_doc, fresh,
                      earlier_runs(ledger, client, run_id=run.id, dataset=dataset, org=inputs.org,
                                   org_id=org_id), required)
    by_name = {s["name"]: s for s in inputs.manifest["steps"]}
    results: dict[str, StepResult] = {}
    entries: list[dict[str, Any]] = []
    failed_by_resource: dict[str, int] = {}
    files: dict[str, Any] = empty_files()
    files_by_resource: dict[str, tuple[int, int, int]] = {}    # resource → (in the org, skipped, failed)
    warnings: list[str] = list(dict.fromkeys([*inputs.plan.get("warnings", ()), *identity]))
    ok = True
    report = folder / "report.html"
    accounting: dict[str, Any] = {}
    try:
        with ledger.finishing(run.id):
            ledger.plan_steps(run.id, [s["name"] for s in inputs.plan["steps"]])
            for planned in inputs.plan["steps"]:
                name, kind = planned["name"], planned["kind"]
                if progress:
                    progress("step", {"name": name, "kind": kind, "rows": planned.get("rows")})
                t0 = time.monotonic()
                with ledger.step(run.id, name) as counts:
                    if kind == "files":
                        files, file_errors, note = _files_step(client, settings, inputs, work, ledger, run.id, name)
                        warnings.extend([note] if note else [])
                        errors.write_lines(file_errors)
                        result = StepResult(int(files["files"]), int(files["uploaded"]), 0,
                                            int(files["already_present"]), (), 0)
                        file_resource = next((s["resource"] for s in inputs.manifest["steps"]
                                              if s.get("kind") == "file" and s["sobject"] == "ContentVersion"), None)
                        if file_resource:
                            files_by_resource = {file_resource: (int(files["uploaded"]) + int(files["already_present"]),
                                                                 int(files["skipped"]), int(files["failed"]))}
                    elif kind == "update":
                        source = name.split(" ", 2)[1]
                        spec = by_name[source]
                        before = results.get(source)
                        was_fresh = before is not None and before.created == before.rows and before.rows > 0
                        result = run_update_step(ctx, name=name, step=source, sobject=spec["sobject"],
                                                 fields=list(planned.get("fields") or ()), api=planned["api"],
                                                 fresh=was_fresh)
                    else:
                        spec = by_name[name]
                        result = run_load_step(ctx, name=name, sobject=spec["sobject"],
                                               external=spec.get("external_id"), api=planned["api"])
                    counts.update({"rows": result.rows, "created": result.created, "updated": result.updated,
                                   "unchanged": result.unchanged, "failed": len(result.failed),
                                   "retried": result.retried})
                results[name] = result
                sobject = planned.get("sobject") or by_name.get(name, {}).get("sobject")
                sources = work.resources_of([r.local_id for r in result.failed])
                errors.write(step=name, sobject=str(sobject), failed=result.failed, sources=sources)
                for resource, _ in sources.values():
                    failed_by_resource[resource] = failed_by_resource.get(resource, 0) + 1
                entries.append({"name": name, "sobject": sobject, "kind": kind, "action": planned.get("action"),
                                "api": planned.get("api"), "rows": result.rows, "created": result.created,
                                "updated": result.updated, "unchanged": result.unchanged,
                                "failed": len(result.failed), "retried": result.retried,
                                "seconds": round(time.monotonic() - t0, 3)})
                if progress:
                    progress("step_done", entries[-1])
                share = 100.0 * len(result.failed) / result.rows if result.rows else 0.0
                if result.failed and share > budget:
                    ok = False
                    raise _BudgetSpent(f"Step {name}: {len(result.failed)} of {result.rows} rows failed "
                                       f"({share:.2f}%), over the error budget of {budget:g}%; later steps did not run.",
                                       hint=f"See {folder / 'errors.jsonl'}; fix the data or the org and run "
                                            "`st2sf migrate` again (it resumes), or raise --error-budget.")
    except _BudgetSpent as exc:
        warnings.append(exc.message)
    except BaseException:
        ok = False
        raise
    finally:
        objects = object_accounting(inputs.manifest.get("accounting", {}),
                                    {k: v["loaded"] for k, v in work.landed_counts().items()}, failed_by_resource,
                                    files_by_resource)
        work.close()
        accounting = {"format": ACCOUNTING_FORMAT, "run_id": run.id, "dataset": dataset, "org": inputs.org,
                      "org_id": org_id, "ok": ok, "started_at": started, "finished_at": utc_now(),
                      "seconds": round(time.monotonic() - clock, 3), "objects": objects, "totals": totals(objects),
                      "steps": entries, "files": files, "warnings": warnings}
        write_json(folder / "accounting.json", accounting)
        try:
            report, note = _render_report(folder, inputs.paths.folder)
            if note:
                accounting["warnings"].append(note)
                write_json(folder / "accounting.json", accounting)
        finally:
            ledger.close()
    return MigrationResult(run.id, dataset, inputs.org, ok, folder, json.loads(json.dumps(accounting)), report)
