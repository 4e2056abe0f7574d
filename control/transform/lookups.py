"""Resolving a field rule's lookup to what the dataset stores: a local row id, or an existing record's Id.

=============================  =====================================================================
lookup                         resolves to
=============================  =====================================================================
``rule: X`` (inserting route)  ``X-<source id>`` when the referenced record took route X and is in the
                               dataset. A *deferred* lookup (the parent is built later, see
                               :mod:`.order`) writes that id now; :mod:`.deferred` checks it afterwards
``rule: X`` (merge route)      the local id of the row X merged into (a single site → its Account)
``rule: X`` (match route)      the Salesforce Id of the existing record X matched (a technician's User)
``resource: R``                whichever primary route of R the record took
``record: NAME``               the map's fixed record
``polymorphic_lookup``         by ``type_field`` + ``targets``, or the first ``candidates`` entry that is
                               set and resolves
=============================  =====================================================================

A reference that is blank is no lookup (the field stays blank). A reference that does not resolve is
*missing*, and ``on_missing`` decides: ``null`` (blank), ``default`` (the rule's default), ``quarantine``
(a :class:`Problem` saying why the parent is missing) or ``fail`` (the run stops: the map promised the
parent exists).
"""

from __future__ import annotations

from typing import Any, Mapping

from control.errors import Failure
from control.mapping.rules import MissingParent, RouteMode
from control.mapping.transforms import LookupTransform
from control.mapping.values import source_key
from control.transform.compile import CompiledField, CompiledMap
from control.transform.paths import is_blank, read_path
from control.transform.problems import Problem, ReasonCode
from control.transform.refs import BatchRefs, RefKey
from control.transform.steps import StepContext, apply_value_step

__all__ = ["Resolver", "fixed_local_id"]


def fixed_local_id(name: str) -> str:
    return f"{name}-fixed"


class Resolver:
    def __init__(self, compiled: CompiledMap, deferred: frozenset[tuple[str, str]], ctx: StepContext) -> None:
        self.compiled = compiled
        self.deferred = deferred
        self.ctx = ctx
        self.primary_routes: dict[str, tuple[str, ...]] = {}
        for rule in compiled.rules:
            self.primary_routes[rule.source] = tuple(r.name for r in rule.routes)

    # ── what a lookup needs from the batch snapshot ─────────────────────────────────────
    def reference(self, cf: CompiledField, record: Mapping[str, Any], item: Any) -> Any:
        value = read_path(record, cf.rule.source, item) if cf.rule.source else None
        for step in cf.value_steps:
            value = apply_value_step(step, value, record, item, self.ctx)
        return value

    def refs(self, route: str, cf: CompiledField, record: Mapping[str, Any], item: Any, out: set[RefKey]) -> None:
        step = cf.lookup
        if step is None or (route, cf.target) in self.deferred:
            return
        if isinstance(step, LookupTransform):
            params = step.lookup
            if params.record:
                return
            try:
                ref = self.reference(cf, record, item)
            except Problem:
                return
            if is_blank(ref):
                return
            resource = params.resource or self.compiled.routes[params.rule].resource  # type: ignore[index]
            out.add((resource, source_key(ref)))
            return
        params = step.polymorphic_lookup
        if params.candidates:
            for candidate in params.candidates:
                ref = read_path(record, candidate.source, item)
                if not is_blank(ref):
                    for name in candidate.routes:
                        out.add((self.compiled.routes[name].resource, source_key(ref)))
            return
        resource = read_path(record, params.type_field or "", item)
        ref = read_path(record, cf.rule.source or "", item)
        if isinstance(resource, str) and not is_blank(ref):
            out.add((resource, source_key(ref)))

    # ── resolution ──────────────────────────────────────────────────────────────────────
    def _through(self, names: tuple[str, ...], resource: str, ref: str, refs: BatchRefs) -> str | None:
        landed = refs.get(resource, ref)
        if landed is None or landed.route not in names:
            return None
        route = self.compiled.routes.get(landed.route)
        if route is not None and route.route.mode is RouteMode.MATCH:
            return landed.local_id if landed.status == "matched" else None
        return landed.local_id if landed.status == "dataset" else None

    def resolve(self, route: str, cf: CompiledField, record: Mapping[str, Any], item: Any,
                refs: BatchRefs, source_id: str) -> str | None:
        step = cf.lookup
        assert step is not None
        if isinstance(step, LookupTransform):
            params = step.lookup
            if params.record:
                return fixed_local_id(params.record)
            ref = self.reference(cf, record, item)
            if is_blank(ref):
                return None
            key = source_key(ref)
            if params.rule:
                target = self.compiled.routes[params.rule]
                if (route, cf.target) in self.deferred:
                    return f"{target.table}-{key}"
                found = self._through((params.rule,), target.resource, key, refs)
                if found is not None:
                    return found
                return self._missing(cf, target.resource, key, params.rule, refs, route, source_id)
            names = self.primary_routes.get(params.resource or "", ())
            found = self._through(names, params.resource or "", key, refs)
            if found is not None:
                return found
            return self._missing(cf, params.resource or "", key, " or ".join(names), refs, route, source_id)
        params = step.polymorphic_lookup
        if params.candidates:
            first_missing: tuple[str, str, str] | None = None
            for candidate in params.candidates:
                ref = read_path(record, candidate.source, item)
                if is_blank(ref):
                    continue
                key = source_key(ref)
                resource = self.compiled.routes[candidate.routes[0]].resource
                found = self._through(tuple(candidate.routes), resource, key, refs)
                if found is not None:
                    return found
                first_missing = first_missing or (resource, key, " or ".join(candidate.routes))
            if first_missing is None:
                return None
            return self._missing(cf, *first_missing, refs, route, source_id)
        resource = read_path(record, params.type_field or "", item)
        ref = read_path(record, cf.rule.source or "", item)
        if is_blank(ref):
            return None
        key = source_key(ref)
        names = params.routes_for(resource) if isinstance(resource, str) else ()
        if not names:
            return self._missing(cf, str(resource), key, "a route of the polymorphic lookup", refs, route, source_id,
                                 reason=f"the map's polymorphic lookup has no target for {resource!r} records")
        found = self._through(names, str(resource), key, refs)
        if found is not None:
            return found
        return self._missing(cf, str(resource), key, " or ".join(names), refs, route, source_id)

    def _missing(self, cf: CompiledField, resource: str, key: str, wanted: str, refs: BatchRefs, route: str,
                 source_id: str, *, reason: str | None = None) -> str | None:
        policy = cf.on_missing
        if policy is MissingParent.NULL:
            return None
        if policy is MissingParent.DEFAULT:
            return None if cf.rule.default is None else source_key(cf.rule.default)
        why = reason or refs.why_missing(resource, key, wanted)
        if policy is MissingParent.FAIL:
            raise Failure(f"Route {route}, record {source_id}: {cf.target} must reference a migrated record but "
                          f"{why}; the map says on_missing: fail.",
                          hint="Fix the parent record (see quarantine.jsonl), or relax on_missing in the map.")
        raise Problem(ReasonCode.MISSING_PARENT, f"{cf.target} cannot be set: {why}", field=cf.target, value=key,
                      hint="Migrate the parent first (fix its own quarantine reason), or set on_missing: null in the "
                           "map if the record may load without it.")
