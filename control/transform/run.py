"""The build loop: staged records of each resource, batch by batch, into the dataset database.

For each resource in build order (:mod:`.order`), records are read from staging in source-id order,
``batch`` at a time. Per batch::

    collect references ─► one snapshot (BatchRefs) ─► transform each record (RecordTransformer)
        ─► files: body present, not empty, not corrupted, within max_file_mb
        ─► external Ids claimed (a key already taken → the later record is quarantined as a duplicate)
        ─► rows inserted, merges applied, landed index written, quarantine lines written ─► commit

Nothing but the batch is held in memory. Resources a rule skips are recorded as skipped with the map's
reason; so are technicians matched to existing users (``matched``: referenced, never written).
"""

from __future__ import annotations

from collections import Counter
from typing import IO, Any, Callable, Iterable

import orjson

from control.datasets.store import DatasetStore
from control.mapping.rules import ObjectRule
from control.mapping.values import source_key
from control.staging import FileStatus, StagingStore
from control.transform.compile import staging_resource
from control.transform.inputs import BuildInputs
from control.transform.lookups import Resolver, fixed_local_id
from control.transform.paths import is_blank, read_path
from control.transform.problems import Problem, QuarantineEntry, ReasonCode, RowKind
from control.transform.coerce import coerce
from control.transform.records import Outcome, RecordTransformer, Row
from control.transform.refs import BatchRefs, RefKey
from control.transform.steps import StepContext

__all__ = ["Builder", "ResourceCounts"]

Progress = Callable[[str, int], None]


class ResourceCounts(Counter):  # type: ignore[type-arg]
    """source / dataset / quarantined / skipped / matched, and rows per table."""


class Builder:
    def __init__(self, inputs: BuildInputs, store: DatasetStore, staging: StagingStore, quarantine: IO[bytes],
                 files: IO[bytes], *, deferred: frozenset[tuple[str, str]], batch: int = 1000,
                 progress: Progress | None = None) -> None:
        self.inputs = inputs
        self.store = store
        self.staging = staging
        self.quarantine = quarantine
        self.files = files
        self.batch = batch
        self.progress = progress
        self.ctx = StepContext(inputs.compiled.map.value_maps, inputs.tenant_zone)
        self.resolver = Resolver(inputs.compiled, deferred, self.ctx)
        self.row_quarantined: Counter[str] = Counter()
        self.fallback_by_technician: Counter[str] = Counter()
        self.file_stats: Counter[str] = Counter()
        self.max_file_bytes = inputs.compiled.map.settings.max_file_mb * 1024 * 1024

    # ── fixed records ───────────────────────────────────────────────────────────────────
    def fixed_records(self) -> None:
        m = self.inputs.compiled.map
        ext = m.settings.external_id_field
        self.store.begin()
        for name, record in m.records.items():
            obj = self.inputs.compiled.fixed_records[name]
            values = {field: coerce(value, record.target, obj.fields[field]) for field, value in record.fields.items()}
            if ext in obj.fields:
                values[ext] = f"st2sf:{name}"
                self.store.claim_keys(record.target, [(values[ext] or "", fixed_local_id(name))])
            self.store.insert_rows(name, [{"id": fixed_local_id(name), **values}])
        self.store.commit()

    # ── siblings ────────────────────────────────────────────────────────────────────────
    def count_siblings(self, resource: str, by_fields: Iterable[str]) -> None:
        fields = tuple(by_fields)
        pending: dict[str, Counter[str]] = {f: Counter() for f in fields}
        seen = 0
        self.store.begin()
        for staged in self.staging.iter_records(staging_resource(resource), batch=self.batch):
            for field in fields:
                value = read_path(staged.payload, field)
                if not is_blank(value):
                    pending[field][source_key(value)] += 1
            seen += 1
            if seen % (self.batch * 20) == 0:
                for field in fields:
                    self.store.add_siblings(resource, field, pending[field])
                    pending[field].clear()
        for field in fields:
            self.store.add_siblings(resource, field, pending[field])
        self.store.commit()

    # ── skipped resources ───────────────────────────────────────────────────────────────
    def skip_resource(self, resource: str, reason: str) -> ResourceCounts:
        counts = ResourceCounts()
        after: str | None = None
        staged_name = staging_resource(resource)
        while True:
            page = self.staging.records_after(staged_name, after, self.batch)
            if not page:
                break
            self.store.begin()
            self.store.record_landed([(staged_name, r.source_id, None, "skipped", None, reason) for r in page])
            self.store.commit()
            counts["source"] += len(page)
            counts["skipped"] += len(page)
            after = page[-1].source_id
            if self.progress:
                self.progress(resource, len(page))
        return counts

    # ── one resource ────────────────────────────────────────────────────────────────────
    def run_rule(self, rule: ObjectRule) -> ResourceCounts:
        transformer = RecordTransformer(rule, self.inputs.compiled, self.resolver, self.inputs.inventory,
                                        self.inputs.matches, self.inputs.owners)
        counts = ResourceCounts()
        after: str | None = None
        staged_name = staging_resource(rule.source)
        while True:
            page = self.staging.records_after(staged_name, after, self.batch)
            if not page:
                break
            refs: set[RefKey] = set()
            siblings: set[tuple[str, str, str]] = set()
            for staged in page:
                transformer.collect(staged.payload, refs, siblings)
            snapshot = BatchRefs(self.store, self.staging, refs, siblings)
            outcomes = [transformer.transform(s.source_id, s.payload, snapshot) for s in page]
            outcomes = self._check_files(rule.source, outcomes, {s.source_id: s.payload for s in page})
            self._write(staged_name, outcomes, counts)
            counts["source"] += len(page)
            after = page[-1].source_id
            if self.progress:
                self.progress(rule.source, len(page))
        self.fallback_by_technician.update(transformer.fallback_by_source)
        return counts

    def _quarantine(self, entry: QuarantineEntry) -> None:
        self.quarantine.write(orjson.dumps(entry.as_json()) + b"\n")

    def _check_files(self, resource: str, outcomes: list[Outcome], payloads: dict[str, Any]) -> list[Outcome]:
        file_fields = {name: [cf.target for cf in r.fields if cf.file] for name, r in self.inputs.compiled.routes.items()}
        wanted = [o.source_id for o in outcomes if o.status == "dataset" and any(file_fields.get(r.route) for r in o.rows)]
        if not wanted:
            return outcomes
        states = self.staging.file_states(wanted)
        out: list[Outcome] = []
        for outcome in outcomes:
            rows = [r for r in outcome.rows if file_fields.get(r.route)]
            if outcome.status != "dataset" or not rows:
                out.append(outcome)
                continue
            payload = payloads[outcome.source_id]
            state = states.get(outcome.source_id)
            problem = self._file_problem(outcome.source_id, payload, state)
            if problem is not None:
                self.file_stats[str(problem.rule)] += 1
                out.append(outcome._replace(status="quarantined", local_id=None, note=str(problem.rule), rows=(),
                                            problems=(problem,)))
                continue
            assert state is not None
            for row in rows:
                for field in file_fields[row.route]:
                    row.values[field] = state.blob_sha256
            self._file_line(outcome, payload, state)
            out.append(outcome)
        return out

    def _file_problem(self, source_id: str, payload: dict[str, Any], state: Any) -> Problem | None:
        name = payload.get("file_name")
        if state is None or state.status is FileStatus.MISSING:
            return Problem(ReasonCode.FILE_MISSING, f"the body of {name!r} was never received from ServiceTracker",
                           field="VersionData", value=source_id,
                           hint="Re-extract the attachment (st2sf extract); if ServiceTracker lost it, upload the file "
                                "by hand or accept it as lost.")
        if state.status is FileStatus.MISMATCH:
            return Problem(ReasonCode.FILE_MISMATCH, f"the body of {name!r} does not match the sha256 ServiceTracker "
                                                     f"recorded ({state.expected_sha256} ≠ {state.blob_sha256})",
                           field="VersionData", value=source_id,
                           hint="Re-extract the attachment; check the file in ServiceTracker before uploading it.")
        size = state.blob_size if state.blob_size is not None else payload.get("size_bytes") or 0
        if size == 0:
            return Problem(ReasonCode.FILE_EMPTY, f"{name!r} is an empty file; Salesforce does not store empty files",
                           field="VersionData", value=source_id,
                           hint="Replace the file in ServiceTracker, or accept that it is not migrated.")
        if self.max_file_bytes and size > self.max_file_bytes:
            return Problem(ReasonCode.FILE_TOO_LARGE,
                           f"{name!r} is {size / 1048576:.1f} MB, over the map's limit of "
                           f"{self.inputs.compiled.map.settings.max_file_mb} MB", field="VersionData", value=source_id,
                           hint="Upload it by hand after the migration (and check it renders), or raise "
                                "settings.max_file_mb in the map.")
        return None

    def _file_line(self, outcome: Outcome, payload: dict[str, Any], state: Any) -> None:
        main = next(r for r in outcome.rows if r.primary)
        links = [{"table": r.table, "local_id": r.local_id, "values": r.values} for r in outcome.rows if not r.primary]
        self.files.write(orjson.dumps({
            "attachment_id": outcome.source_id, "table": main.table, "local_id": main.local_id,
            "file_name": payload.get("file_name"), "content_type": payload.get("content_type"),
            "sha256": state.blob_sha256, "size": state.blob_size,
            "parent_resource": payload.get("parent_resource"), "parent_id": payload.get("parent_id"),
            "values": main.values, "links": links}) + b"\n")
        self.file_stats["files"] += 1
        self.file_stats["bytes"] += state.blob_size or 0
        self.file_stats["links"] += len(links)

    def _write(self, resource: str, outcomes: list[Outcome], counts: ResourceCounts) -> None:
        # duplicate external Ids: primary rows first (a duplicate quarantines its record), then extra rows
        by_object: dict[str, list[Row]] = {}
        for outcome in outcomes:
            for row in outcome.rows:
                if row.key is not None:
                    by_object.setdefault(row.sobject, []).append(row)
        self.store.begin()
        rejected: dict[str, str] = {}
        for sobject, rows in by_object.items():
            ordered = sorted(rows, key=lambda r: not r.primary)
            rejected.update(self.store.claim_keys(sobject, [(r.key or "", r.local_id) for r in ordered]))
        landed: list[tuple[str, str, str | None, str, str | None, str | None]] = []
        inserts: dict[str, list[dict[str, Any]]] = {}
        merges: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for outcome in outcomes:
            primary = next((r for r in outcome.rows if r.primary), None)
            if primary is not None and primary.local_id in rejected:
                problem = Problem(ReasonCode.DUPLICATE_KEY, f"{primary.sobject} external Id {primary.key!r} is already "
                                                            f"used by {rejected[primary.local_id]}",
                                  field=self.inputs.compiled.routes[primary.route].external_id, value=primary.key,
                                  hint="Two ServiceTracker records have the same id; remove the duplicate in the "
                                       "source (or in staging) and rebuild.")
                mine = [r.local_id for r in outcome.rows if r.key is not None and r.local_id not in rejected]
                if mine:
                    self.store.release_keys(primary.sobject, mine)
                outcome = outcome._replace(status="quarantined", local_id=None, note=str(ReasonCode.DUPLICATE_KEY),
                                           rows=(), merge=None, problems=(problem,), row_problems=())
            counts[outcome.status] += 1
            landed.append((resource, outcome.source_id, outcome.route, outcome.status, outcome.local_id, outcome.note))
            if outcome.status == "quarantined":
                sobject = self.inputs.compiled.routes[outcome.route].route.target if outcome.route else None
                self._quarantine(QuarantineEntry.from_problems(resource, outcome.source_id, RowKind.RECORD,
                                                               outcome.route, sobject, list(outcome.problems)))
                continue
            for row in outcome.rows:
                if row.local_id in rejected:
                    self.row_quarantined[row.route] += 1
                    self._quarantine(QuarantineEntry.from_problems(resource, outcome.source_id, RowKind.ROW, row.route,
                                                                   row.sobject, [Problem(
                                                                       ReasonCode.DUPLICATE_KEY,
                                                                       f"external Id {row.key!r} is already used by "
                                                                       f"{rejected[row.local_id]}", value=row.key,
                                                                       hint="Remove the duplicate in ServiceTracker.")]))
                    continue
                inserts.setdefault(row.table, []).append({"id": row.local_id, **row.values})
                counts["rows:" + row.table] += 1
            if outcome.merge is not None:
                merges.setdefault(outcome.merge.table, []).append((outcome.merge.local_id, outcome.merge.values))
            for route, sobject, problems in outcome.row_problems:
                self.row_quarantined[route] += 1
                self._quarantine(QuarantineEntry.from_problems(resource, outcome.source_id, RowKind.ROW, route,
                                                               sobject, list(problems)))
        for table, rows in inserts.items():
            self.store.insert_rows(table, rows)
        for table, updates in merges.items():
            self.store.update_rows(table, updates)
        self.store.record_landed(landed)
        self.store.commit()
