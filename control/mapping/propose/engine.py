"""``propose_map``: the whole proposal — routing, field matching, new fields, value maps, required fields.

::

    inventory (+ audit profiles) ─┐
    target org describes ─────────┼─► route resources ─► per route: match columns ─► finish decisions
    reviewer decisions ───────────┘                                   (names and specs of new fields,
                                                                        lookups, value maps, transforms)
                                   ─► fill fields Salesforce requires ─► Proposal

The scorers that run are reported in ``Proposal.scorers``; the embedding scorer only when asked for and
installed (the ``[ai]`` extra). Everything is deterministic: the same inputs give the same proposal.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from control.errors import UsageError
from control.mapping.document import EXTERNAL_ID_FIELD
from control.mapping.expand import api_name_for
from control.mapping.inventory import SourceInventory, SourceType
from control.mapping.propose.create import new_field_name, new_field_spec, steps_for
from control.mapping.propose.decisions import Decisions, Verdict
from control.mapping.propose.matching import match_route, score_pairs, target_candidates
from control.mapping.propose.model import Calibration, load_calibration
from control.mapping.propose.picklists import map_values, new_picklist_values
from control.mapping.propose.proposal import (
    DecisionKind,
    FieldDecision,
    ObjectDecision,
    Proposal,
    ValueMapProposal,
)
from control.mapping.propose.routing import object_concept, resource_concepts, route_resources
from control.mapping.propose.scorers import LexicalScorer, PairContext, TypeScorer, ValueScorer, candidate_for, \
    has_address, reference_counts
from control.mapping.propose.source import AuditProfiles, SourceColumn, columns_of, source_prefixes
from control.mapping.target_schema import TargetField, TargetObject, TargetSchema
from control.mapping.targets import FieldKind, FieldSpec, NameFieldKind, NameFieldSpec, ObjectSpec

__all__ = ["propose_map", "ID_FIELD_SPEC", "NEW_OBJECT_FIELDS"]

ID_FIELD_SPEC = FieldSpec(type=FieldKind.TEXT, length=64, label="ServiceTracker Id", external_id=True, unique=True,
                          help="The record's id in ServiceTracker. st2sf matches records by it on re-load and "
                               "delta sync; do not edit.")
_NAME_FIELD = TargetField("Name", "string", "Name", length=80, nillable=True)
# what a new custom object offers a column besides the fields created for it
NEW_OBJECT_FIELDS = (_NAME_FIELD, TargetField("CreatedDate", "datetime", "Created Date", defaulted_on_create=True),
                      TargetField("LastModifiedDate", "datetime", "Last Modified Date", createable=False))


def _forced_routes(decisions: Decisions) -> dict[str, tuple[str | None, bool, str | None]]:
    out: dict[str, tuple[str | None, bool, str | None]] = {}
    for resource, d in decisions.items("objects"):
        if d.verdict is Verdict.REJECT:
            continue
        if d.kind == "skip":
            out[resource] = (None, False, d.reason or "skipped by a reviewer")
        elif d.target:
            out[resource] = (d.target, d.kind == "create", None)
    return out


class _Builder:
    """Accumulates targets (custom objects and fields) and value maps while routes are finished."""

    def __init__(self, schema: TargetSchema) -> None:
        self.schema = schema
        self.targets: dict[str, dict[str, Any]] = {}  # sObject → {"spec": kwargs, "fields": {name: FieldSpec}}
        self.value_maps: list[ValueMapProposal] = []
        self.vm_names: set[str] = set()
        self.relationships: dict[str, set[str]] = {}

    def obj(self, name: str) -> dict[str, Any]:
        return self.targets.setdefault(name, {"spec": {}, "fields": {}})

    def taken(self, sobject: str) -> set[str]:
        # Task and Event custom fields are one set (Activity fields in Salesforce)
        shared = ("Task", "Event") if sobject in ("Task", "Event") else (sobject,)
        names: set[str] = set()
        for name in shared:
            existing = self.schema.object(name)
            names |= set(existing.fields) if existing else set()
            names |= set(self.targets.get(name, {}).get("fields", {}))
        return {n.removesuffix("__c") for n in names} | {"Name"}

    def value_map_name(self, route: str, field: str) -> str:
        base = f"{route}_{api_name_for(field.removesuffix('__c'), limit=40).lower()}"[:80]
        name, n = base, 2
        while name in self.vm_names:
            name = f"{base}_{n}"
            n += 1
        self.vm_names.add(name)
        return name

    def relationship(self, parent: str, child: str, field: str) -> str:
        used = self.relationships.setdefault(parent, set())
        base = api_name_for(f"{child.removesuffix('__c')} {field.removesuffix('__c')}", limit=38)
        name = api_name_for(base, taken=used, limit=38)
        used.add(name)
        return name


def _finish_route(route: ObjectDecision, decisions: tuple[FieldDecision, ...], builder: _Builder,
                  landed: Mapping[str, tuple[str, ...]], routes: Mapping[str, str]) -> list[FieldDecision]:
    """Names, specs, transforms and value maps for the route's decisions."""
    assert route.target and route.route
    sobject = route.target
    existing = builder.schema.object(sobject)
    out: list[FieldDecision] = []
    joined: dict[str, list[str]] = {}
    for d in decisions:
        if d.kind is DecisionKind.JOIN and d.target:
            joined.setdefault(d.target, []).append(d.column.path)
    for d in decisions:
        column = d.column
        if d.kind is DecisionKind.MAP and d.target in joined:
            sources = [column.path, *joined[d.target]]
            out.append(d._replace(transform=({"concatenate": {"sources": sources, "separator": "\n"}},),
                                  reasons=(*d.reasons, f"joined with {', '.join(sources[1:])} (a second street line)")))
            continue
        if d.kind is DecisionKind.MAP and d.target:
            field = existing.fields.get(d.target) if existing else None
            field = field or next((f for f in NEW_OBJECT_FIELDS if f.name == d.target), None)
            describe = field.type if field else "string"
            value_map = None
            if column.type is SourceType.ENUM and column.values and field is not None and \
                    describe in ("picklist", "multipicklist", "combobox") and field.picklist_values:
                value_map = builder.value_map_name(route.route, d.target)
                builder.value_maps.append(ValueMapProposal(value_map, column.key, f"{sobject}.{d.target}",
                                                           map_values(column.values, field)))
            lookup = routes.get(column.reference or "") if column.type is SourceType.REFERENCE else None
            out.append(d._replace(transform=steps_for(column, describe, value_map=value_map, lookup_route=lookup)))
            continue
        if d.kind is not DecisionKind.CREATE:
            out.append(d)
            continue
        name = d.target or new_field_name(column, builder.taken(sobject))
        if column.type is SourceType.REFERENCE:
            parent = (landed.get(column.reference or "") or (None,))[0]
            if parent is None:
                why = f"references {column.reference}, which is not migrated"
                out.append(d._replace(kind=DecisionKind.SKIP, target=None, skip_reason=why, reasons=(why,)))
                continue
            spec = new_field_spec(column, reference_to=parent,
                                  relationship=builder.relationship(parent, sobject, name))
            steps = steps_for(column, "reference", lookup_route=routes[column.reference or ""])
        elif column.type is SourceType.ENUM and column.values:
            vm = builder.value_map_name(route.route, name)
            builder.value_maps.append(ValueMapProposal(vm, column.key, f"{sobject}.{name}",
                                                       new_picklist_values(column.values)))
            spec = new_field_spec(column, value_map=vm)
            steps = ({"value_map": vm},)
        else:
            spec = new_field_spec(column)
            steps = steps_for(column, _describe_of(spec.type))
        builder.obj(sobject)["fields"][name] = spec
        out.append(d._replace(target=name, transform=steps, target_type=str(spec.type)))
    return out


def _describe_of(kind: FieldKind) -> str:
    from control.mapping.target_schema import DESCRIBE_TYPE

    return DESCRIBE_TYPE[kind]


def _fill_required(route: ObjectDecision, obj: TargetObject | None, decided: list[FieldDecision],
                   columns: list[SourceColumn], rank: Callable[[SourceColumn, list[Any]], list[Any]],
                   routes: Mapping[str, str]) -> list[FieldDecision]:
    """Extra rules for fields Salesforce requires on insert that no decision writes."""
    if obj is None:
        return []
    written = {d.target for d in decided if d.kind is DecisionKind.MAP}
    extra: list[FieldDecision] = []
    for field in obj.fields.values():
        if not field.required_on_create or field.name in written or field.name in ("OwnerId", "RecordTypeId"):
            continue
        candidate = candidate_for(obj.name, field, object_concept(obj.name))
        best = None
        for column in columns:
            if column.role.value != "data":
                continue
            scored = rank(column, [candidate])
            if scored and (best is None or scored[0].score > best[0]):
                best = (scored[0].score, column, scored[0])
        if best is not None:
            _, column, hit = best
            lookup = routes.get(column.reference or "") if column.type is SourceType.REFERENCE else None
            extra.append(FieldDecision(column, DecisionKind.MAP, field.name, round(min(0.5, hit.score), 3),
                                       (f"Salesforce requires {obj.name}.{field.name}; the best column for it",
                                        *hit.reasons), transform=steps_for(column, field.type, lookup_route=lookup),
                                       target_type=field.type))
        elif field.picklist_values:
            extra.append(FieldDecision(columns[0]._replace(path="", label=field.name), DecisionKind.MAP, field.name,
                                       0.3, (f"Salesforce requires {obj.name}.{field.name} and no column fits: "
                                             f"the constant '{field.picklist_values[0]}'; review",),
                                       transform=({"constant": field.picklist_values[0]},), target_type=field.type))
    return extra


def propose_map(inventory: SourceInventory, target: TargetSchema, *, profiles: AuditProfiles | None = None,
                decisions: Decisions | None = None, embeddings: bool = False, embedder: Any = None,
                external_id: str = EXTERNAL_ID_FIELD, calibration: Calibration | None = None) -> Proposal:
    """Propose the whole map for ``inventory`` into the org described by ``target`` (module docstring).
    ``embeddings`` runs the embedding scorer: ``embedder`` (an ``EmbeddingScorer``) or one loaded now."""
    if not target.objects:
        raise UsageError("The proposer needs the target org's describe to propose a map.",
                         hint="Pass --org NAME (a configured org) or --describe FILE.")
    decisions = decisions or Decisions()
    scorers: list[Any] = [LexicalScorer(), TypeScorer(), ValueScorer()]
    names = ["lexical", "type", "values"]
    extra = None
    if embeddings:
        from control.mapping.propose.embedding import EmbeddingScorer

        embedder = embedder or EmbeddingScorer.load()
        extra = embedder.features
        names.append("embedding")
    calibration = calibration or load_calibration("ai" if embeddings else "base")
    resources = list(inventory.resources.values())
    routed = route_resources(resources, target, _forced_routes(decisions))
    landed = {r.resource: (r.target,) for r in routed if r.target}
    routes = {r.resource: r.route for r in routed if r.route}
    builder = _Builder(target)
    field_reviews = dict(decisions.items("fields"))
    all_fields: list[FieldDecision] = []
    stale: list[str] = []
    profiles = profiles or AuditProfiles()
    noise = source_prefixes(inventory)
    columns_by = {r.name: columns_of(r, profiles, noise) for r in resources}
    if embeddings and extra is not None:
        embedder.prepare(columns_by.values(), target)
    for route in routed:
        columns = columns_by[route.resource]
        if route.target is None:
            why = route.skip_reason or "the resource is not migrated"
            all_fields.extend(FieldDecision(c, DecisionKind.SKIP, None, route.confidence, (why,), skip_reason=why)
                              for c in columns)
            continue
        obj = target.object(route.target) if not route.create else None
        concept = object_concept(route.resource) or object_concept(route.target)
        candidates = target_candidates(obj, concept, external_id) if obj else [
            candidate_for(route.target, f, None) for f in NEW_OBJECT_FIELDS]
        context = PairContext(concept, landed, reference_counts(candidates), resource_concepts(route.resource),
                              has_address(candidates))
        match = match_route(columns, candidates, scorers=scorers, context=context, calibration=calibration,
                            external_id=external_id, decisions=field_reviews, extra=extra, stale=stale)
        decided = _finish_route(route, match.decisions, builder, landed, routes)

        def rank(column: SourceColumn, cands: list[Any]) -> list[Any]:
            return score_pairs(column, cands, scorers, context, calibration, extra)

        decided += _fill_required(route, obj, decided, columns, rank, routes)
        spec = builder.obj(route.target)
        spec["fields"].setdefault(external_id, ID_FIELD_SPEC)
        if route.create:
            named = any(d.kind is DecisionKind.MAP and d.target == "Name" for d in decided)
            label = route.target.removesuffix("__c").replace("_", " ")[:40]
            spec["spec"] = {"label": label, "plural_label": (label + "s")[:40],
                            "description": f"ServiceTracker {route.resource}.",
                            "name_field": NameFieldSpec(label=f"{label} Name"[:40]) if named else
                            NameFieldSpec(label=f"{label} Number"[:40], type=NameFieldKind.AUTO_NUMBER,
                                          display_format=api_name_for(label, limit=10).upper() + "-{0000000}"),
                            "sharing_model": "ReadWrite"}
        all_fields.extend(decided)
    targets = {name: ObjectSpec(**entry["spec"], fields=entry["fields"]) for name, entry in builder.targets.items()}
    notes = tuple(f"a reviewer's decision on {key} no longer applies (the field is gone or cannot hold the values); "
                  "proposed afresh" for key in stale)
    return Proposal(tuple(routed), tuple(all_fields), tuple(builder.value_maps), targets, tuple(names),
                    calibration.threshold, notes)
