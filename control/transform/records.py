"""One source record → its rows, or its quarantine entry, or its skip (docs/mapping.md §13).

Per record: the primary routes are tried in order and the first whose ``when`` holds takes it (a
``match`` route that finds nothing falls through to the next); then every ``also`` route whose ``when``
holds adds rows. A route's row is built field rule by field rule — value steps, lookup, ``default``,
the org's describe check (:func:`~control.transform.coerce.coerce`), ``required`` — then record type,
owner and external Id. Every problem of the row is collected; a row with problems is not written.

The primary route decides the record's fate (:class:`Outcome`): in the dataset (its row, or the merge
onto another route's row, or a match), quarantined (with every problem), or skipped (``unrouted: skip``).
Extra rows of ``also`` routes that fail are quarantined as rows; the record stays in the dataset.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Mapping, NamedTuple

from control.mapping.inventory import SourceInventory
from control.mapping.rules import ObjectRule, RecordTypeRule, RouteMode, UnmatchedOwner, Unrouted
from control.mapping.values import source_key
from control.transform.coerce import coerce
from control.transform.compile import CompiledMap, CompiledRoute
from control.transform.lookups import Resolver
from control.transform.matching import MatchIndex
from control.transform.paths import is_blank, read_path
from control.transform.problems import Problem, ReasonCode
from control.transform.refs import BatchRefs, RefKey, condition_refs
from control.transform.routing import holds
from control.transform.steps import apply_value_step

__all__ = ["Row", "Merge", "Outcome", "RecordTransformer", "OwnerPolicy"]


class Row(NamedTuple):
    route: str
    table: str
    sobject: str
    local_id: str
    values: dict[str, str | None]
    key: str | None               # external Id value (duplicate check), None without one
    primary: bool


class Merge(NamedTuple):
    route: str
    table: str
    local_id: str
    values: dict[str, str | None]


class Outcome(NamedTuple):
    source_id: str
    status: str                    # dataset | quarantined | skipped | matched
    route: str | None
    local_id: str | None
    note: str | None
    rows: tuple[Row, ...]
    merge: Merge | None
    problems: tuple[Problem, ...]  # of the primary route (quarantined)
    row_problems: tuple[tuple[str, str | None, tuple[Problem, ...]], ...]  # (route, sobject, problems) of also rows


class OwnerPolicy(NamedTuple):
    fallback_id: str | None
    fallback_label: str | None
    fixed: Mapping[str, str]          # username → user Id (owner: {user: …})


class RecordTransformer:
    """Transforms the records of one object rule against a batch snapshot."""

    def __init__(self, rule: ObjectRule, compiled: CompiledMap, resolver: Resolver, inventory: SourceInventory | None,
                 matches: Mapping[str, MatchIndex], owners: OwnerPolicy) -> None:
        self.rule = rule
        self.compiled = compiled
        self.resolver = resolver
        self.inventory = inventory
        self.matches = matches
        self.owners = owners
        self.resource = rule.source
        self.route_targets = {name: r.route.target for name, r in compiled.routes.items()}
        self.fallback_by_source: Counter[str] = Counter()   # owner source id (technician) → records given the fallback
        self._lookups = {r.name: tuple(cf for cf in compiled.routes[r.name].fields if cf.lookup is not None)
                         for r in rule.all_routes() if r.name in compiled.routes}

    # ── the batch snapshot ──────────────────────────────────────────────────────────────
    def _items(self, route: CompiledRoute, record: Mapping[str, Any]) -> list[Any]:
        if not route.route.each:
            return [None]
        items = read_path(record, route.route.each)
        return list(items) if isinstance(items, list) else []

    def collect(self, record: Mapping[str, Any], refs: set[RefKey], siblings: set[tuple[str, str, str]]) -> None:
        for route in (*self.rule.routes, *self.rule.also):
            compiled = self.compiled.routes.get(route.name)
            if compiled is None:
                continue
            lookups = self._lookups[route.name]
            for item in self._items(compiled, record):
                condition_refs(route.when, record, item, self.resource, self.inventory, refs, siblings)
                for cf in lookups:
                    self.resolver.refs(route.name, cf, record, item, refs)
            if route.merge is not None:
                ref = read_path(record, route.merge.via)
                if not is_blank(ref):
                    refs.add((self.compiled.routes[route.merge.into].resource, source_key(ref)))
            if route.owner is not None and route.owner.via and route.owner.source:
                ref = read_path(record, route.owner.source)
                if not is_blank(ref):
                    refs.add((self.compiled.routes[route.owner.via].resource, source_key(ref)))

    # ── one record ──────────────────────────────────────────────────────────────────────
    def transform(self, source_id: str, record: Mapping[str, Any], refs: BatchRefs) -> Outcome:
        for route in self.rule.routes:
            compiled = self.compiled.routes[route.name]
            if not holds(route.when, record, None, self.resource, refs, self.inventory, self.route_targets):
                continue
            if route.mode is RouteMode.MATCH:
                assert route.match is not None
                found = self.matches[route.name].find(read_path(record, route.match.source))
                if found.record_id is None:
                    continue
                return Outcome(source_id, "matched", route.name, found.record_id, f"{route.name}: {found.label}",
                               (), None, (), ())
            return self._primary(source_id, record, compiled, refs)
        if self.rule.unrouted is Unrouted.SKIP:
            return Outcome(source_id, "skipped", None, None, "unrouted: no route takes it (unrouted: skip)",
                           (), None, (), ())
        problem = Problem(ReasonCode.UNROUTED, f"no route of {self.resource} takes this record",
                          hint="Add a route (or widen a route's when) in the map, or set unrouted: skip if these "
                               "records should stay behind.")
        return Outcome(source_id, "quarantined", None, None, str(ReasonCode.UNROUTED), (), None, (problem,), ())

    def _primary(self, source_id: str, record: Mapping[str, Any], compiled: CompiledRoute, refs: BatchRefs) -> Outcome:
        route = compiled.route
        name = route.name
        if route.mode is RouteMode.MERGE:
            assert route.merge is not None
            problems: list[Problem] = []
            values = self._values(compiled, source_id, record, None, refs, problems)
            into = self.compiled.routes[route.merge.into]
            via = read_path(record, route.merge.via)
            landed = refs.get(into.resource, source_key(via)) if not is_blank(via) else None
            if landed is None or landed.route != into.route.name or landed.status != "dataset":
                why = refs.why_missing(into.resource, source_key(via), into.route.name) if not is_blank(via) \
                    else f"{route.merge.via} is blank"
                problems.insert(0, Problem(ReasonCode.MISSING_PARENT, f"nothing to merge into: {why}",
                                           field=route.merge.via, value=via,
                                           hint="Migrate the record it merges into first (see its own quarantine "
                                                "reason)."))
            if problems:
                return Outcome(source_id, "quarantined", name, None, str(problems[0].rule), (), None,
                               tuple(problems), ())
            assert landed is not None and landed.local_id is not None
            merge = Merge(name, into.table or into.route.name, landed.local_id, values)
            rows, row_problems = self._also(source_id, record, refs)
            return Outcome(source_id, "dataset", name, landed.local_id, None, rows, merge, (), row_problems)
        built, problems = self._rows(compiled, source_id, record, refs, primary=True)
        if problems:
            return Outcome(source_id, "quarantined", name, None, str(problems[0].rule), (), None, tuple(problems), ())
        rows, row_problems = self._also(source_id, record, refs)
        local_id = built[0].local_id if built else None
        return Outcome(source_id, "dataset", name, local_id, None, (*built, *rows), None, (), row_problems)

    def _also(self, source_id: str, record: Mapping[str, Any], refs: BatchRefs) \
            -> tuple[tuple[Row, ...], tuple[tuple[str, str | None, tuple[Problem, ...]], ...]]:
        rows: list[Row] = []
        failed: list[tuple[str, str | None, tuple[Problem, ...]]] = []
        for route in self.rule.also:
            compiled = self.compiled.routes[route.name]
            built, problems = self._rows(compiled, source_id, record, refs, primary=False)
            rows += built
            if problems:
                failed.append((route.name, route.target, tuple(problems)))
        return tuple(rows), tuple(failed)

    def _rows(self, compiled: CompiledRoute, source_id: str, record: Mapping[str, Any], refs: BatchRefs, *,
              primary: bool) -> tuple[list[Row], list[Problem]]:
        route = compiled.route
        rows: list[Row] = []
        problems: list[Problem] = []
        items = self._items(compiled, record)
        for index, item in enumerate(items):
            if not primary and not holds(route.when, record, item, self.resource, refs, self.inventory,
                                         self.route_targets):
                continue
            own: list[Problem] = []
            values = self._values(compiled, source_id, record, item, refs, own)
            self._record_type(compiled, record, values, own)
            self._owner(compiled, record, values, own, refs)
            key = values.get(compiled.external_id) if compiled.external_id else None
            if compiled.external_id and key is None and not any(p.field == compiled.external_id for p in own):
                own.append(Problem(ReasonCode.REQUIRED, f"the external Id {compiled.external_id} is blank",
                                   field=compiled.external_id, hint="Every record needs its ServiceTracker id."))
            suffix = f"#{index + 1}" if route.each else ""
            local_id = f"{compiled.table}-{source_id}{suffix}"
            if own:
                problems += own
                continue
            rows.append(Row(route.name, compiled.table or route.name, route.target, local_id, values, key, primary))
        return rows, problems

    def _values(self, compiled: CompiledRoute, source_id: str, record: Mapping[str, Any], item: Any,
                refs: BatchRefs, problems: list[Problem]) -> dict[str, str | None]:
        values: dict[str, str | None] = {}
        sobject = compiled.route.target
        insert = compiled.route.mode is RouteMode.INSERT
        for cf in compiled.fields:
            try:
                if cf.lookup is not None:
                    text = self.resolver.resolve(compiled.route.name, cf, record, item, refs, source_id)
                else:
                    value = read_path(record, cf.rule.source, item) if cf.rule.source else None
                    for step in cf.value_steps:
                        value = apply_value_step(step, value, record, item, self.resolver.ctx)
                    if is_blank(value) and cf.rule.default is not None:
                        value = cf.rule.default
                    text = coerce(value, sobject, cf.describe)
                if text is None and (cf.rule.required or (insert and cf.describe.required_on_create)):
                    raise Problem(ReasonCode.REQUIRED, f"{sobject}.{cf.target} is required and the value is blank",
                                  hint=f"Fill in {cf.rule.source or 'the value'} in ServiceTracker, or give the rule "
                                       "a default in the map.")
                values[cf.target] = text
            except Problem as problem:
                problems.append(problem.at(cf.target))
        return values

    def _record_type(self, compiled: CompiledRoute, record: Mapping[str, Any], values: dict[str, str | None],
                     problems: list[Problem]) -> None:
        spec = compiled.route.record_type
        if spec is None:
            return
        if isinstance(spec, str):
            values["RecordTypeId"] = spec
            return
        assert isinstance(spec, RecordTypeRule)
        raw = read_path(record, spec.by)
        chosen = spec.values.get(source_key(raw)) if raw is not None else None
        chosen = chosen or spec.default
        if chosen is None:
            problems.append(Problem(ReasonCode.UNMAPPED_VALUE, f"no record type for {spec.by} = {raw!r}",
                                    field="RecordTypeId", value=raw,
                                    hint=f"Add {raw!r} to the route's record_type values (or a default) in the map."))
            return
        values["RecordTypeId"] = chosen

    def _owner(self, compiled: CompiledRoute, record: Mapping[str, Any], values: dict[str, str | None],
               problems: list[Problem], refs: BatchRefs) -> None:
        owner = compiled.route.owner
        if owner is None or not compiled.owner_field:
            return
        if owner.user is not None:
            values["OwnerId"] = self.owners.fixed[owner.user]
            return
        assert owner.source and owner.via
        ref = read_path(record, owner.source)
        if not is_blank(ref):
            route = self.compiled.routes[owner.via]
            landed = refs.get(route.resource, source_key(ref))
            if landed is not None and landed.route == owner.via and landed.status == "matched":
                values["OwnerId"] = landed.local_id
                return
        if owner.unmatched is UnmatchedOwner.RUNNING_USER:
            return
        if owner.unmatched is UnmatchedOwner.FALLBACK and self.owners.fallback_id:
            values["OwnerId"] = self.owners.fallback_id
            self.fallback_by_source[source_key(ref) if not is_blank(ref) else ""] += 1
            return
        problems.append(Problem(
            ReasonCode.MISSING_OWNER, f"{owner.source} {ref!r} has no active Salesforce user"
            + ("" if owner.unmatched is UnmatchedOwner.QUARANTINE else " and no fallback owner is configured"),
            field="OwnerId", value=ref,
            hint="Create (or activate) the user with the technician's e-mail, or set settings.fallback_owner."))
