"""Running a compiled (non-aggregate) query: matching Ids first, records a page at a time.

A query runs in two phases so that an open cursor never holds rows:

1. :func:`select_ids` scans the sObject once (parents fetched per batch for paths in WHERE /
   ORDER BY), keeps the Ids the filter accepts — with their sort keys while sorting — orders them,
   applies OFFSET and LIMIT and returns the Id list. Without ORDER BY, a LIMIT stops the scan early.
2. :func:`render_page` reads one page of rows by Id (one ``scan(ids=…)``), fetches the parents the
   SELECT list walks, runs child sub-queries for the whole page at once, and renders records.

Rows deleted between the phases are skipped (a page may then be shorter, as with Salesforce).
"""

from __future__ import annotations

from typing import Any

from emulators.salesforce.schema.provider import Row
from emulators.salesforce.soql.filters import bind
from emulators.salesforce.soql.ordering import key_function, sort_keyed
from emulators.salesforce.soql.plan import ChildColumn, CompiledQuery
from emulators.salesforce.soql.render import ChildResults, make_renderer
from emulators.salesforce.soql.runtime import (
    EMPTY_PARENTS,
    RunContext,
    iter_matches,
    resolve_parents,
    scan_children,
)

__all__ = ["select_ids", "render_page", "count_matches"]


def count_matches(query: CompiledQuery, ctx: RunContext) -> int:
    total = sum(1 for _ in iter_matches(query, ctx))
    total = max(0, total - (query.offset or 0))
    return total if query.limit is None else min(total, query.limit)


def select_ids(query: CompiledQuery, ctx: RunContext) -> list[str]:
    offset = query.offset or 0
    if not query.order:
        stop = None if query.limit is None else offset + query.limit
        ids: list[str] = []
        if stop == 0:
            return ids
        for row, _ in iter_matches(query, ctx):
            ids.append(row["Id"])
            if stop is not None and len(ids) >= stop:
                break
        return ids[offset:] if offset else ids
    plans = query.order
    keyed = [(plan.get, key_function(plan)) for plan in plans]
    entries: list[tuple[Any, ...]]
    if len(keyed) == 1:
        (get, key), = keyed
        entries = [(row["Id"], key(get(row, parents))) for row, parents in iter_matches(query, ctx)]
    else:
        entries = [
            (row["Id"], *[key(get(row, parents)) for get, key in keyed]) for row, parents in iter_matches(query, ctx)
        ]
    sort_keyed(entries, plans)
    end = None if query.limit is None else offset + query.limit
    return [e[0] for e in entries[offset:end]]


def render_page(query: CompiledQuery, ids: list[str], ctx: RunContext) -> list[dict[str, Any]]:
    rows = ctx.records.scan(query.sobject.name, include_deleted=ctx.include_deleted, ids=ids)
    found = {row["Id"]: row for row in rows}
    rows = [found[i] for i in ids if i in found]
    return render_rows(query, rows, ctx)


def render_rows(query: CompiledQuery, rows: list[Row], ctx: RunContext) -> list[dict[str, Any]]:
    parents = resolve_parents(ctx.records, rows, query.select_chains) if query.select_chains else EMPTY_PARENTS
    children: ChildResults = {}
    for child in query.children:
        children[child.relationship] = _child_results(child, rows, ctx)
    render = make_renderer(query.columns, query.sobject.name, ctx.url_prefix)
    return [render(row, parents, children) for row in rows]


def _child_results(child: ChildColumn, parent_rows: list[Row], ctx: RunContext) -> dict[str, Any]:
    sub = child.query
    parent_ids = {row["Id"] for row in parent_rows}
    if not parent_ids:
        return {}
    pred = bind(sub.where, ctx.facts) if sub.where is not None else None
    link = child.link_field
    candidates = list(scan_children(ctx, sub.sobject.name, link, parent_ids))
    parents = resolve_parents(ctx.records, candidates, sub.where_chains) if sub.where_chains else EMPTY_PARENTS
    grouped: dict[str, list[Row]] = {}
    keyed = [(plan.get, key_function(plan)) for plan in sub.order]
    sort_entries: dict[str, list[tuple[Any, ...]]] = {}
    for row in candidates:
        if pred is not None and not pred(row, parents):
            continue
        owner = row.get(link)
        if sub.order:
            sort_entries.setdefault(owner, []).append((row, *[key(get(row, parents)) for get, key in keyed]))
        else:
            grouped.setdefault(owner, []).append(row)
    if sub.order:
        for owner, entries in sort_entries.items():
            sort_keyed(entries, sub.order)
            grouped[owner] = [e[0] for e in entries]
    offset = sub.offset or 0
    end = None if sub.limit is None else offset + sub.limit
    kept: list[Row] = []
    for owner, rows in grouped.items():
        rows = rows[offset:end]
        grouped[owner] = rows
        kept.extend(rows)
    rendered = iter(render_rows(sub, kept, ctx))
    results: dict[str, Any] = {}
    for owner, rows in grouped.items():
        if rows:
            records = [next(rendered) for _ in rows]
            results[owner] = {"totalSize": len(records), "done": True, "records": records}
    return results
