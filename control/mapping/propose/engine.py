"""``propose_map``: the whole proposal — routing, field matching, new fields, value maps, required fields.

::

    inventory (+ audit profiles) ─┐
    target org describes ─────────┼─► route resources ─► per route: match columns ─► finish decisions
    reviewer decisions ───────────┘   (routing.py,         (matching.py)             (finish.py: names and
                                       route_split.py)                                specs of new fields,
                                                                                      lookups, value maps,
                                                                                      transforms, required
                                                                                      fields) ─► Proposal

A resource may have several routes (work split by type, people matched to users first); a match route
writes no fields, and the columns of each route with fields are decided against that route's object.

The scorers that run are reported in ``Proposal.scorers``; the embedding scorer only when asked for and
installed (the ``[ai]`` extra). Everything is deterministic: the same inputs give the same proposal.
"""

from __future__ import annotations

from typing import Any, Mapping

from control.errors import UsageError
from control.mapping.document import EXTERNAL_ID_FIELD
from control.mapping.expand import api_name_for
from control.mapping.inventory import SourceInventory
from control.mapping.propose.decisions import Decision, Decisions, Verdict
from control.mapping.propose.finish import NEW_OBJECT_FIELDS, Builder, Landing, fill_required, finish_route
from control.mapping.propose.matching import match_route, score_pairs, target_candidates
from control.mapping.propose.model import Calibration, load_calibration
from control.mapping.propose.proposal import DecisionKind, FieldDecision, ObjectDecision, Proposal
from control.mapping.propose.route_split import owner_rules
from control.mapping.propose.routing import object_concept, resource_concepts, route_resources
from control.mapping.propose.scorers import LexicalScorer, PairContext, TargetCandidate, TypeScorer, ValueScorer, \
    candidate_for, has_address, reference_counts
from control.mapping.propose.source import AuditProfiles, SourceColumn, columns_of, source_prefixes
from control.mapping.target_schema import TargetObject, TargetSchema
from control.mapping.targets import FieldKind, FieldSpec, NameFieldKind, NameFieldSpec, ObjectSpec

__all__ = ["propose_map", "route_context", "ID_FIELD_SPEC", "NEW_OBJECT_FIELDS"]

ID_FIELD_SPEC = FieldSpec(type=FieldKind.TEXT, length=64, label="ServiceTracker Id", external_id=True, unique=True,
                          help="The record's id in ServiceTracker. st2sf matches records by it on re-load and "
                               "delta sync; do not edit.")


def _forced_routes(decisions: Decisions) -> dict[str, tuple[str | None, bool, str | None]]:
    out: dict[str, tuple[str | None, bool, str | None]] = {}
    for resource, d in decisions.items("objects"):
        if d.verdict is Verdict.REJECT or "@" in resource:  # resource@route: about one route of a split
            continue
        if d.kind == "skip":
            out[resource] = (None, False, d.reason or "skipped by a reviewer")
        elif d.target:
            out[resource] = (d.target, d.kind == "create", None)
    return out


def route_context(resource: str, sobject: str, obj: TargetObject | None, landed: Mapping[str, tuple[str, ...]],
                  external_id: str = EXTERNAL_ID_FIELD) -> tuple[list[TargetCandidate], PairContext]:
    """The candidate fields of a route into ``sobject`` (``obj``: its describe; None for a new object) and the
    context its pairs are judged in. Shared with the calibration fit, so the models see what runs."""
    concept = object_concept(resource) or object_concept(sobject)
    candidates = target_candidates(obj, concept, external_id) if obj else [
        candidate_for(sobject, f, None) for f in NEW_OBJECT_FIELDS]
    return candidates, PairContext(concept, landed, reference_counts(candidates), resource_concepts(resource),
                                   has_address(candidates))


def _route_reviews(route: ObjectDecision, reviews: Mapping[str, Decision]) -> dict[str, Decision]:
    """The field decisions that concern ``route``, keyed by column (``resource:path``)."""
    if route.split:
        prefix = route.key + ":"
        return {f"{route.resource}:{k[len(prefix):]}": d for k, d in reviews.items() if k.startswith(prefix)}
    return {k: d for k, d in reviews.items() if "@" not in k.split(":", 1)[0]}


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
    refused = [k.split("@", 1)[1] for k, d in decisions.items("objects") if "@" in k and d.verdict is Verdict.REJECT]
    routed = owner_rules(route_resources(resources, target, _forced_routes(decisions), refused),
                         inventory.resources)
    landing = Landing(routed)
    landed = landing.objects()
    builder = Builder(target)
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
        if route.mode != "insert":
            continue  # a match route finds records and writes no fields
        obj = target.object(route.target) if not route.create else None
        candidates, context = route_context(route.resource, route.target, obj, landed, external_id)
        route_stale: list[str] = []
        match = match_route(columns, candidates, scorers=scorers, context=context, calibration=calibration,
                            external_id=external_id, decisions=_route_reviews(route, field_reviews), extra=extra,
                            stale=route_stale)
        stale += [f"{route.key}:{k.split(':', 1)[1]}" if route.split else k for k in route_stale]
        decided = finish_route(route, match.decisions, builder, landing)

        def rank(column: SourceColumn, cands: list[Any]) -> list[Any]:
            return score_pairs(column, cands, scorers, context, calibration, extra)

        decided += fill_required(route, obj, decided, columns, rank, landing)
        if route.split:
            decided = [d._replace(route_key=route.key) for d in decided]
        spec = builder.obj(route.target)
        spec["fields"].setdefault(external_id, ID_FIELD_SPEC)
        if route.create and not spec["spec"]:
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
                    dict(calibration.thresholds), notes)
