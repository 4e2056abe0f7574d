"""What one execution of a query needs at run time, and the batched access to rows it performs.

:class:`RunContext` bundles the record source, recycle-bin visibility, the REST URL prefix and the
:class:`~emulators.salesforce.soql.filters.RunFacts` (today's date, time zone, semi-join values).

Parent rows are never read one at a time: :func:`resolve_parents` takes a batch of rows and the
reference chains a query walks (``("AccountId",)``, ``("AccountId", "OwnerId")`` …) and fetches
each depth's missing Ids with one ``fetch`` call. Children of a page of parents come from one
scan (``scan_by`` when the source offers the :class:`IndexedRecordSource` hint).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from types import MappingProxyType
from typing import Any, Iterable, Iterator

from emulators.salesforce.schema.provider import IndexedRecordSource, RecordSource, Row
from emulators.salesforce.soql.filters import RunFacts, bind
from emulators.salesforce.soql.plan import CompiledQuery, Parents, SemiJoinPlan

__all__ = ["RunContext", "resolve_parents", "iter_matches", "scan_children", "EMPTY_PARENTS", "CHUNK"]

EMPTY_PARENTS: Parents = MappingProxyType({})
CHUNK = 1000


@dataclass(slots=True)
class RunContext:
    records: RecordSource
    include_deleted: bool
    url_prefix: str  # "/services/data/v62.0/sobjects/"
    facts: RunFacts = field(init=False)
    today: Any = None
    tz: Any = None
    _semi: dict[int, frozenset[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.facts = RunFacts(self.today, self.tz, self.semi_join_values)

    def semi_join_values(self, plan: SemiJoinPlan) -> frozenset[Any]:
        cached = self._semi.get(id(plan))
        if cached is None:
            (path,) = plan.query.select_paths
            get = path.get
            values = {get(row, parents) for row, parents in iter_matches(plan.query, self)}
            values.discard(None)
            cached = frozenset(values)
            self._semi[id(plan)] = cached
        return cached


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def resolve_parents(records: RecordSource, rows: list[Row], chains: frozenset[tuple[str, ...]]) -> Parents:
    parents: dict[str, tuple[str, Row]] = {}
    if not chains or not rows:
        return parents
    depth_max = max(len(c) for c in chains)
    for depth in range(1, depth_max + 1):
        need: set[str] = set()
        for chain in (c for c in chains if len(c) == depth):
            head, last = chain[:-1], chain[-1]
            for row in rows:
                current: Row | None = row
                for ref in head:
                    pid = current.get(ref)
                    entry = parents.get(pid) if pid is not None else None
                    if entry is None:
                        current = None
                        break
                    current = entry[1]
                if current is not None:
                    pid = current.get(last)
                    if pid is not None and pid not in parents:
                        need.add(pid)
        if need:
            parents.update(records.fetch(need))
    return parents


def iter_matches(query: CompiledQuery, ctx: RunContext) -> Iterator[tuple[Row, Parents]]:
    """The rows of ``query``'s sObject its WHERE accepts, in scan order, with their parents.

    The ``parents`` map yielded with a row is shared by its batch: use it before the next row.
    """
    pred = bind(query.where, ctx.facts) if query.where is not None else None
    rows = ctx.records.scan(query.sobject.name, include_deleted=ctx.include_deleted, ids=query.id_filter)
    chains = query.where_chains
    if not chains:
        if pred is None:
            for row in rows:
                yield row, EMPTY_PARENTS
        else:
            for row in rows:
                if pred(row, EMPTY_PARENTS):
                    yield row, EMPTY_PARENTS
        return
    for chunk in _chunks(rows, CHUNK):
        parents = resolve_parents(ctx.records, chunk, chains)
        for row in chunk:
            if pred is None or pred(row, parents):
                yield row, parents


def scan_children(
    ctx: RunContext, sobject: str, link_field: str, parent_ids: set[str]
) -> Iterator[Row]:
    """Rows of ``sobject`` whose ``link_field`` holds one of ``parent_ids``, in creation order."""
    records = ctx.records
    if isinstance(records, IndexedRecordSource):
        yield from records.scan_by(sobject, link_field, parent_ids, include_deleted=ctx.include_deleted)
        return
    for row in records.scan(sobject, include_deleted=ctx.include_deleted):
        if row.get(link_field) in parent_ids:
            yield row
