"""``st2sf dataset build``: staging + the approved map → a CumulusCI dataset under ``datasets/<name>/``.

:func:`build_dataset` is the public function (the CLI only wraps it)::

    prepare (approval, map, org, compile, owners)         control.transform.inputs
    order resources (parents first, cycles deferred)      control.transform.order
    fixed records, sibling counts, then each resource      control.transform.run (batch by batch)
    settle deferred lookups and integrity                  control.transform.deferred
    accounting, gap report, load order, mapping files,     control.datasets, control.plan.graph
    SQL script (small datasets), manifest (last)

The run is recorded in the ledger (``dataset build``, one step per resource). The database is built
beside its final name and renamed into place, and the manifest is written last: a dataset folder
either holds a complete dataset or the previous one. Every source record ends as exactly one of
*dataset*, *quarantined* or *skipped* (matched technicians are skipped as records: they are existing
users), and the three add up to the staged count for every resource.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, NamedTuple

from control.datasets.cci_mapping import mapping_document, write_mapping
from control.datasets.layout import DATASET_FORMAT, DatasetPaths, write_json
from control.datasets.steps import StepKind
from control.datasets.store import DatasetStore
from control.errors import St2sfError, UsageError
from control.ledger import Ledger, RunStatus, utc_now
from control.mapping.conditions import SiblingTest
from control.plan.budget import choose_api
from control.plan.graph import load_order
from control.salesforce.org_data import OrgSnapshot
from control.settings import Settings
from control.staging import StagingStore
from control.transform.compile import staging_resource
from control.transform.deferred import settle
from control.transform.dependencies import always_deferred, dependencies
from control.transform.inputs import BuildInputs, prepare
from control.transform.order import build_order
from control.transform.owners import gap_report
from control.transform.run import Builder
from control.transform.specs import step_specs

__all__ = ["DatasetResult", "build_dataset", "DEFAULT_SQL_LIMIT"]

DEFAULT_SQL_LIMIT = 100_000
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
Progress = Callable[[str, int], None]


class DatasetResult(NamedTuple):
    name: str
    folder: Path
    run_id: str
    map_digest: str
    database: Path
    database_url: str
    sql: Path | None
    mapping: Path
    insert_mapping: Path
    manifest: Path
    records: int
    dataset: int
    quarantined: int
    skipped: int
    rows: int
    accounting: dict[str, dict[str, Any]]
    warnings: tuple[str, ...]
    seconds: float
    org_id: str | None = None   # the Organization Id of the org it was built for

    def as_dict(self) -> dict[str, Any]:
        out = self._asdict()
        for key in ("folder", "database", "sql", "mapping", "insert_mapping", "manifest"):
            out[key] = None if out[key] is None else str(out[key])
        out["warnings"] = list(self.warnings)
        return out


def _sibling_fields(inputs: BuildInputs) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}

    def walk(condition: Any, resource: str) -> None:
        if isinstance(condition, SiblingTest):
            out.setdefault(resource, set()).add(condition.siblings.by)
        for attr in ("all", "any"):
            for sub in getattr(condition, attr, None) or ():
                walk(sub, resource)
        inner = getattr(condition, "not_", None)
        if inner is not None:
            walk(inner, resource)

    for route in inputs.compiled.routes.values():
        walk(route.route.when, route.resource)
    return out


def _coverage(inputs: BuildInputs, staged: dict[str, int]) -> None:
    covered = {staging_resource(r.source) for r in inputs.compiled.rules} | \
              {staging_resource(r) for r in inputs.compiled.skipped}
    missing = sorted(r for r, n in staged.items() if n and r not in covered)
    if missing:
        raise UsageError(f"Staged resources the map does not cover: {', '.join(missing)}; their records would be lost.",
                         hint="Add an object rule (or `skip: <reason>`) for each to the map, refresh "
                              "mapping/source-inventory.json (st2sf audit), and approve the map again.")


def _accounting(store: DatasetStore, staged: dict[str, int], resources: list[str]) -> dict[str, dict[str, Any]]:
    statuses = store.status_counts()
    skipped_notes = store.note_counts("skipped")
    matched_notes = store.note_counts("matched")
    out: dict[str, dict[str, Any]] = {}
    for name in resources:
        resource = staging_resource(name)
        s = statuses.get(resource, {})
        reasons: Counter[str] = Counter(skipped_notes.get(resource, {}))
        for note, n in matched_notes.get(resource, {}).items():
            reasons["matched an existing record (" + note.split(":", 1)[0] + "): referenced, not written"] += n
        row = {"source": staged.get(resource, 0), "dataset": s.get("dataset", 0),
               "quarantined": s.get("quarantined", 0), "skipped": s.get("skipped", 0) + s.get("matched", 0),
               "matched": s.get("matched", 0), "skipped_reasons": dict(reasons)}
        row["balanced"] = row["dataset"] + row["quarantined"] + row["skipped"] == row["source"]
        out[resource] = row
    return out


def build_dataset(settings: Settings, *, name: str | None = None, map_dir: Path | None = None, org: str | None = None,
                  batch: int = 1000, sql_limit: int = DEFAULT_SQL_LIMIT, progress: Progress | None = None,
                  actor: str | None = None, snapshot: OrgSnapshot | None = None) -> DatasetResult:
    """Build the dataset ``name`` (default ``[defaults] dataset``); see the module docstring."""
    started = time.monotonic()
    name = name or settings.defaults.dataset
    if not _NAME.match(name):
        raise UsageError(f"{name!r} is not a dataset name.", hint="Use letters, digits, '-' and '_' (a letter first).")
    staging = StagingStore.open(settings.staging_url)
    try:
        staged = staging.counts()
        if not staged:
            raise UsageError("The staging store is empty; there is nothing to build a dataset from.",
                             hint="Extract first: st2sf extract.")
        inputs = prepare(settings, folder=map_dir, org=org, staging_meta=staging.get_meta("tenant"), snapshot=snapshot)
        _coverage(inputs, staged)
        return _build(settings, inputs, staging, staged, name, batch, sql_limit, progress, actor, started)
    finally:
        staging.close()


def _build(settings: Settings, inputs: BuildInputs, staging: StagingStore, staged: dict[str, int], name: str,
           batch: int, sql_limit: int, progress: Progress | None, actor: str | None, started: float) -> DatasetResult:
    compiled = inputs.compiled
    rules = {rule.source: rule for rule in compiled.rules}
    sizes = {r: staged.get(staging_resource(r), 0) for r in rules}
    order = build_order(list(rules), dependencies(compiled, inputs.inventory), sizes)
    deferred = order.deferred | always_deferred(compiled)
    specs = step_specs(compiled)
    paths = DatasetPaths.of(settings.root, name)
    paths.folder.mkdir(parents=True, exist_ok=True)
    building = paths.database.with_name(paths.database.name + ".building")
    store = DatasetStore(building, fresh=True)
    quarantine_tmp = paths.quarantine.with_name(paths.quarantine.name + ".building")
    files_tmp = paths.files.with_name(paths.files.name + ".building")
    skipped = [r for r in compiled.skipped if staged.get(staging_resource(r))]
    ledger = Ledger.open(settings.ledger_url)
    # a build killed half-way left its database beside the final one (.building): it is rebuilt from scratch,
    # which gives the same end state; the interrupted run is closed as abandoned and named as resumed
    interrupted = ledger.unfinished_runs("dataset build")
    run = ledger.start_run("dataset build", {"dataset": name, "map_digest": inputs.approval.digest,
                                             "org": inputs.org.name, "org_id": inputs.org.org_id, "batch": batch},
                           actor=actor,
                           resumes=interrupted[-1].id if interrupted else None)
    for old in interrupted:
        ledger.finish_run(old.id, RunStatus.ABANDONED)
    try:
        with ledger.finishing(run.id):
            ledger.plan_steps(run.id, [f"transform {r}" for r in order.resources] + [f"skip {r}" for r in skipped]
                              + ["settle lookups", "write dataset"])
            for spec in specs:
                store.create_table(spec.name, spec.columns)
            record_types: dict[str, set[str]] = {}
            for spec in specs:
                if spec.record_types:
                    record_types.setdefault(spec.sobject, set()).update(spec.record_types)
            for sobject, developer_names in record_types.items():
                store.create_record_types(sobject, developer_names)
            with quarantine_tmp.open("wb") as quarantine, files_tmp.open("wb") as files:
                builder = Builder(inputs, store, staging, quarantine, files, deferred=frozenset(deferred), batch=batch,
                                  progress=progress)
                builder.fixed_records()
                for resource, fields in _sibling_fields(inputs).items():
                    builder.count_siblings(resource, sorted(fields))
                for resource in order.resources:
                    with ledger.step(run.id, f"transform {resource}") as counts:
                        counts.update(builder.run_rule(rules[resource]))
                for resource in skipped:
                    with ledger.step(run.id, f"skip {resource}") as counts:
                        counts.update(builder.skip_resource(resource, compiled.skipped[resource]))
                with ledger.step(run.id, "settle lookups") as counts:
                    counts.update(settle(store, compiled, specs, quarantine, builder.row_quarantined))
            with ledger.step(run.id, "write dataset") as counts:
                result = _write(settings, inputs, store, staging, staged, specs, builder, paths, building,
                                quarantine_tmp, files_tmp, name, run.id, list(order.resources) + skipped,
                                sql_limit, started)
                counts.update({"rows": result.rows, "dataset": result.dataset, "quarantined": result.quarantined,
                               "skipped": result.skipped})
            return result
    finally:
        store.close()
        ledger.close()
        for leftover in (building, quarantine_tmp, files_tmp):
            if leftover.exists():
                leftover.unlink()


def _write(settings: Settings, inputs: BuildInputs, store: DatasetStore, staging: StagingStore, staged: dict[str, int],
           specs: list, builder: Builder, paths: DatasetPaths, building: Path, quarantine_tmp: Path, files_tmp: Path,
           name: str, run_id: str, resources: list[str], sql_limit: int, started: float) -> DatasetResult:
    rows = {spec.name: store.count(spec.name) for spec in specs}
    order = load_order(specs, rows)
    apis = {step: choose_api(rows.get(step, 0)) for step in order.steps}
    accounting = _accounting(store, staged, resources)
    unbalanced = [r for r, a in accounting.items() if not a["balanced"]]
    if unbalanced:  # an invariant of the build; a failure here is a bug, never a state to load from
        raise St2sfError(f"Accounting does not add up for {', '.join(unbalanced)}.")
    owners = gap_report(inputs.compiled, inputs.matches, staging, store, inputs.owners,
                        builder.fallback_by_technician, inputs.org.name)
    load_rows = sum(rows[s.name] for s in specs if s.kind == StepKind.LOAD)
    sql_written = load_rows <= sql_limit
    tables = [s.name for s in specs if s.kind == StepKind.LOAD] + \
        [f"{sobject}_rt_mapping" for sobject in sorted({s.sobject for s in specs if s.record_types})]
    store.close()
    if paths.manifest.exists():  # from here on the folder is not a complete dataset until the new manifest lands
        paths.manifest.unlink()
    building.replace(paths.database)
    final = DatasetStore(paths.database)
    try:
        if sql_written:
            final.dump_sql(paths.sql, tables)
        elif paths.sql.exists():
            paths.sql.unlink()
    finally:
        final.close()
    quarantine_tmp.replace(paths.quarantine)
    files_tmp.replace(paths.files)
    write_mapping(paths.mapping, mapping_document(specs, order, apis))
    write_mapping(paths.insert_mapping, mapping_document(specs, order, apis, insert_variant=True))
    write_json(paths.owners, owners)
    totals = Counter()
    for a in accounting.values():
        totals.update({k: a[k] for k in ("source", "dataset", "quarantined", "skipped")})
    warnings = list(inputs.compiled.warnings)
    gaps = sum(r["gaps"] for r in owners["resources"].values())
    if gaps:
        warnings.append(f"{gaps} technician(s) have no active Salesforce user; their records go to the fallback owner "
                        f"(see {paths.owners.name}).")
    manifest = {
        "format": DATASET_FORMAT, "name": name, "built_at": utc_now(), "run_id": run_id,
        "map_digest": inputs.approval.digest, "approved_by": inputs.approval.by, "org": inputs.org.name,
        "org_id": inputs.org.org_id,
        "mapping": paths.mapping.name, "insert_mapping": paths.insert_mapping.name, "database": paths.database.name,
        "sql": paths.sql.name if sql_written else None, "quarantine": paths.quarantine.name,
        "files": paths.files.name, "owners": paths.owners.name,
        "steps": [spec.as_json() | {"rows": rows[spec.name], "api": apis.get(spec.name)} for spec in specs],
        "load_order": list(order.steps), "deferred": [d._asdict() for d in order.deferred],
        "cycles": [list(c) for c in order.cycles],
        "accounting": accounting, "totals": dict(totals), "row_quarantined": dict(builder.row_quarantined),
        "files_summary": {"files": builder.file_stats["files"], "bytes": builder.file_stats["bytes"],
                          "links": builder.file_stats["links"],
                          "quarantined": {k: v for k, v in builder.file_stats.items()
                                          if k not in ("files", "bytes", "links")}},
        "owners_summary": {r: {k: v for k, v in rep.items() if k not in ("unmatched", "matched_users")}
                           for r, rep in owners["resources"].items()},
        "warnings": warnings,
    }
    write_json(paths.manifest, manifest)
    return DatasetResult(name, paths.folder, run_id, inputs.approval.digest, paths.database, paths.database_url,
                         paths.sql if sql_written else None, paths.mapping, paths.insert_mapping, paths.manifest,
                         totals["source"], totals["dataset"], totals["quarantined"], totals["skipped"],
                         sum(rows.values()), accounting, tuple(warnings), time.monotonic() - started,
                         inputs.org.org_id)
