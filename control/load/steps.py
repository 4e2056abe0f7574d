"""One plan step: find what the org already holds, write only what is missing or changed.

* **load steps with an external Id**: the org's records of the step (``ServiceTracker_Id__c`` → local id
  through the dataset's claimed keys) are compared field by field with the dataset rows, lookups resolved
  through the id table. Missing rows are **inserted** with the insert mapping (audit fields kept); changed rows
  are **upserted** on the external Id (before-images recorded first); insert-only steps never update — a row
  already there is left alone. Unchanged rows are only noted in the id table.
* **load steps without an external Id** (CaseComment, Note): rows the ledger recorded as created by earlier
  runs of this dataset into this org (its Organization Id: :mod:`control.load.earlier`) are skipped; if an
  earlier run stopped inside this step, the org's records under the same parents are matched to the remaining
  rows by content first (a kill between the insert and the ledger write), so nothing is inserted twice.
* **update steps** (deferred ``after:`` lookups): rows whose lookup now resolves to another value than the org
  holds are updated (``action: update`` by Id), before-images first.

A step whose object held no records with the external Id when the run started skips the org query.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Mapping, NamedTuple, Sequence

from control.ledger import BeforeImage, Ledger
from control.load.cci_runner import RowResult
from control.load.orgquery import in_list, query
from control.load.values import same
from control.load.workdb import WorkDb, chunks
from control.load.writer import WriteTarget, step_document, write_rows

__all__ = ["StepContext", "StepResult", "run_load_step", "run_update_step"]

_AUDIT = {"CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "OwnerId"}


class StepContext(NamedTuple):
    client: Any
    target: WriteTarget
    types: Mapping[str, Mapping[str, str]]            # sobject → field → describe type
    record_types: Mapping[tuple[str, str], str]       # (sobject, DeveloperName) → Id
    upsert_doc: Mapping[str, Any]
    insert_doc: Mapping[str, Any]
    fresh: frozenset[str]                             # objects with no external-Id records at run start
    earlier: Callable[[str, str], tuple[dict[str, str], bool]]   # (sobject, table) → ({local: sf id}, interrupted)
    required: Mapping[str, frozenset[str]]            # sobject → fields CumulusCI insists a load step names

    @property
    def work(self) -> WorkDb:
        return self.target.work

    @property
    def ledger(self) -> Ledger:
        return self.target.ledger


class StepResult(NamedTuple):
    rows: int
    created: int
    updated: int
    unchanged: int
    failed: tuple[RowResult, ...]
    retried: int


def _fields(doc: Mapping[str, Any]) -> list[str]:
    fields = doc.get("fields") or []
    return list(fields.keys()) if isinstance(fields, Mapping) else list(fields)


def _lookups(doc: Mapping[str, Any]) -> list[str]:
    return [k for k, v in (doc.get("lookups") or {}).items() if not (isinstance(v, Mapping) and v.get("after"))]


def _desired(ctx: StepContext, sobject: str, row: Mapping[str, Any], fields: Sequence[str],
             lookups: Sequence[str], ids: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields:
        value = row[f]
        out[f] = ctx.record_types.get((sobject, value), value) if f == "RecordTypeId" and value else value
    for f in lookups:
        value = row[f]
        out[f] = (ids.get(value) or (value if value and value[:3].isalnum() and "-" not in value else None)) \
            if value else None
    return out


def _differs(ctx: StepContext, sobject: str, desired: Mapping[str, Any], org: Mapping[str, Any]) -> bool:
    types = ctx.types.get(sobject, {})
    return any(not same(v, org.get(f), types.get(f, "string")) for f, v in desired.items())


def _org_rows(ctx: StepContext, sobject: str, table: str, external: str, fields: Sequence[str]) -> None:
    """The org's records of this step into ``temp.st2sf_org`` (local id → sf id, values)."""
    conn = ctx.work.conn
    conn.execute("DROP TABLE IF EXISTS temp.st2sf_org")
    conn.execute("CREATE TEMP TABLE st2sf_org (local_id TEXT PRIMARY KEY, sf_id TEXT, vals TEXT)")
    select = ", ".join(dict.fromkeys(["Id", external, *fields]))
    page: list[Mapping[str, Any]] = []

    def flush() -> None:
        keys = ctx.work.keys_to_local(sobject, [str(r[external]) for r in page])
        rows = []
        for r in page:
            local = keys.get(str(r[external]).casefold())
            if local and local.startswith(table + "-"):
                rows.append((local, r["Id"], json.dumps({f: r.get(f) for f in fields})))
        conn.executemany("INSERT OR REPLACE INTO temp.st2sf_org VALUES (?, ?, ?)", rows)
        page.clear()

    for record in query(ctx.client, f"SELECT {select} FROM {sobject} WHERE {external} != null"):
        page.append(record)
        if len(page) >= 2000:
            flush()
    if page:
        flush()


def _org_lookup(ctx: StepContext, local_ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for part in chunks(list(local_ids)):
        for local, sf_id, vals in ctx.work.conn.execute(
                f"SELECT local_id, sf_id, vals FROM temp.st2sf_org WHERE local_id IN ({','.join('?' * len(part))})",
                tuple(part)):
            out[local] = (sf_id, json.loads(vals))
    return out


def run_load_step(ctx: StepContext, *, name: str, sobject: str, external: str | None, api: str) -> StepResult:
    insert_doc, upsert_doc = ctx.insert_doc[name], ctx.upsert_doc[name]
    table = str(insert_doc.get("table", name))
    if not external:
        return _run_keyless(ctx, name=name, sobject=sobject, table=table, api=api)
    upsert = upsert_doc.get("action") == "upsert"
    fields = [f for f in _fields(upsert_doc) if f != external]
    lookups = _lookups(upsert_doc)
    fresh = sobject in ctx.fresh
    if not fresh:
        _org_rows(ctx, sobject, table, external, [*fields, *lookups])
    to_insert: list[str] = []
    to_update: list[str] = []
    images: list[BeforeImage] = []
    rows = unchanged = 0
    for batch in ctx.work.rows(table):
        rows += len(batch)
        if fresh:
            to_insert.extend(r["id"] for r in batch)
            continue
        found = _org_lookup(ctx, [r["id"] for r in batch])
        ids = ctx.work.ids(r[f] for r in batch for f in lookups if r[f])
        known: list[tuple[str, str]] = []
        for row in batch:
            hit = found.get(row["id"])
            if hit is None:
                to_insert.append(row["id"])
                continue
            sf_id, org = hit
            if upsert and _differs(ctx, sobject, _desired(ctx, sobject, row, fields, lookups, ids), org):
                to_update.append(row["id"])
                images.append(BeforeImage(sobject, sf_id, org))
            else:
                unchanged += 1
                known.append((row["id"], sf_id))
        ctx.work.put_ids(known)
    if images:
        for part in range(0, len(images), 2000):
            ctx.ledger.record_before_images(ctx.target.run_id, name, images[part:part + 2000])
    created = updated = retried = 0
    failed: list[RowResult] = []
    if to_insert:
        out = write_rows(ctx.target, step=name, label=f"{name}.insert", sobject=sobject, table=table,
                         document=step_document(insert_doc, api=api), local_ids=to_insert)
        created, updated, retried = out.created, out.updated, out.retried
        failed.extend(out.failed)
    if to_update:
        out = write_rows(ctx.target, step=name, label=f"{name}.upsert", sobject=sobject, table=table,
                         document=step_document(upsert_doc, api=api), local_ids=to_update, update=True)
        updated += out.updated + out.created
        retried += out.retried
        failed.extend(out.failed)
        org_ids = _org_lookup(ctx, [r.local_id for r in out.failed])
        ctx.work.put_ids((local, hit[0]) for local, hit in org_ids.items())  # still in the org, unchanged
    return StepResult(rows, created, updated, unchanged, tuple(failed), retried)


def _fingerprint(ctx: StepContext, sobject: str, values: Mapping[str, Any]) -> tuple[Any, ...]:
    from control.load.values import normalise

    types = ctx.types.get(sobject, {})
    return tuple((f, normalise(values.get(f), types.get(f, "string"))) for f in sorted(values))


def _run_keyless(ctx: StepContext, *, name: str, sobject: str, table: str, api: str) -> StepResult:
    doc = ctx.insert_doc[name]
    earlier, interrupted = ctx.earlier(sobject, table)
    ctx.work.put_ids(earlier.items())
    pending: list[str] = []
    rows = 0
    for batch in ctx.work.rows(table):
        rows += len(batch)
        pending.extend(r["id"] for r in batch if r["id"] not in earlier)
    unchanged = rows - len(pending)
    if interrupted and pending:
        pending = _reconcile(ctx, name, sobject, table, doc, pending, set(earlier.values()))
        unchanged = rows - len(pending)
    if not pending:
        return StepResult(rows, 0, 0, unchanged, (), 0)
    out = write_rows(ctx.target, step=name, label=f"{name}.insert", sobject=sobject, table=table,
                     document=step_document(doc, api=api), local_ids=pending)
    return StepResult(rows, out.created, out.updated, unchanged, out.failed, out.retried)


def _reconcile(ctx: StepContext, name: str, sobject: str, table: str, doc: Mapping[str, Any],
               pending: list[str], known_sf: set[str]) -> list[str]:
    """Match the org's unrecorded records under the pending rows' parents to those rows, by content."""
    from control.ledger import Action, IdMapEntry

    lookups = _lookups(doc)
    fields = [f for f in _fields(doc) if f not in _AUDIT]
    parent = lookups[0] if lookups else None
    if parent is None:
        return pending
    wanted: dict[tuple[Any, ...], list[str]] = {}
    parents: set[str] = set()
    for part in chunks(pending):
        placeholders = ",".join("?" * len(part))
        cur = ctx.work.conn.execute(f'SELECT * FROM ds."{table}" WHERE id IN ({placeholders})', tuple(part))
        cols = [c[0] for c in cur.description]
        batch = [dict(zip(cols, r)) for r in cur.fetchall()]
        ids = ctx.work.ids(r[f] for r in batch for f in lookups if r[f])
        for row in batch:
            desired = _desired(ctx, sobject, row, fields, lookups, ids)
            if desired.get(parent):
                parents.add(str(desired[parent]))
            wanted.setdefault(_fingerprint(ctx, sobject, desired), []).append(row["id"])
    matched: list[tuple[str, str]] = []
    select = ", ".join(dict.fromkeys(["Id", *fields, *lookups]))
    for part in chunks(sorted(parents), 200):
        for record in query(ctx.client, f"SELECT {select} FROM {sobject} WHERE {parent} IN {in_list(part)}"):
            if record["Id"] in known_sf:
                continue
            print_ = _fingerprint(ctx, sobject, {f: record.get(f) for f in [*fields, *lookups]})
            if wanted.get(print_):
                matched.append((wanted[print_].pop(0), record["Id"]))
    if matched:
        ctx.work.put_ids(matched)
        ctx.ledger.record_ids(ctx.target.run_id, name, [IdMapEntry(sobject, local, sf, Action.CREATED)
                                                       for local, sf in matched])
    done = {local for local, _ in matched}
    return [p for p in pending if p not in done]


def run_update_step(ctx: StepContext, *, name: str, step: str, sobject: str, fields: Sequence[str],
                    api: str, fresh: bool) -> StepResult:
    """Set the deferred lookups ``fields`` of step ``step``'s rows that are in the org."""
    doc = ctx.upsert_doc[step]
    table = str(doc.get("table", step))
    lookups = {f: dict(v) for f, v in (doc.get("lookups") or {}).items() if f in fields}
    where = "WHERE " + " OR ".join(f'"{f}" IS NOT NULL' for f in fields)
    want: list[tuple[str, str, dict[str, Any]]] = []   # local id, sf id, desired values
    rows = 0
    for batch in ctx.work.rows(table, where=where):
        rows += len(batch)
        ids = ctx.work.ids([r["id"] for r in batch] + [r[f] for r in batch for f in fields if r[f]])
        for row in batch:
            if row["id"] in ids:
                want.append((row["id"], ids[row["id"]], {f: ids.get(row[f]) if row[f] else None for f in fields}))
    to_write: list[str] = []
    images: list[BeforeImage] = []
    types = ctx.types.get(sobject, {})
    for part in range(0, len(want), 200):
        chunk = want[part:part + 200]
        current: dict[str, Mapping[str, Any]] = {}
        if not fresh:
            soql = f"SELECT Id, {', '.join(fields)} FROM {sobject} WHERE Id IN {in_list([w[1] for w in chunk])}"
            current = {r["Id"][:15]: r for r in query(ctx.client, soql)}
        for local, sf_id, desired in chunk:
            org = current.get(sf_id[:15], {})
            if any(not same(v, org.get(f), types.get(f, "reference")) for f, v in desired.items()):
                to_write.append(local)
                if org:
                    images.append(BeforeImage(sobject, sf_id, {f: org.get(f) for f in fields}))
    if images:
        ctx.ledger.record_before_images(ctx.target.run_id, name, images)
    unchanged = len(want) - len(to_write)
    if not to_write:
        return StepResult(len(want), 0, 0, unchanged, (), 0)
    for lk in lookups.values():
        lk.pop("after", None)
    # CumulusCI checks every load step for the object's required fields: name them (the dataset's values,
    # which the load step itself just wrote or found unchanged)
    required = [f for f in _fields(doc) if f in ctx.required.get(sobject, frozenset())]
    document = {"sf_object": sobject, "table": table, "api": api, "action": "update", "fields": required,
                "lookups": lookups}
    out = write_rows(ctx.target, step=name, label=f"{step}.after", sobject=sobject, table=table,
                     document=document, local_ids=to_write, update=True)
    return StepResult(len(want), 0, out.updated + out.created, unchanged, out.failed, out.retried)

