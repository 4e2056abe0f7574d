"""What a proposal is made of: one decision per resource, per source column and per picklist value.

::

    Proposal
     ├─ objects: ObjectDecision   resource → an sObject of the org | a new custom object | skip (reason)
     ├─ fields:  FieldDecision    column → map (existing field) | create (new custom field) | skip (reason)
     │                            | key (the record id → the external-Id field)
     │                            | join (appended to the field another column maps to: concatenate)
     ├─ value_maps: ValueMapProposal   source value → picklist value | a new value | blank
     └─ targets: the custom objects and fields to create (map format ``targets``)

Every decision carries a calibrated ``confidence`` (the probability it is right), the ``reasons`` behind
it, the runners-up (``alternatives``) and, when a person decided it, ``review`` (who, what, when). The
writer (:mod:`control.mapping.propose.writer`) turns a proposal into map YAML; the reviewer
(:mod:`control.mapping.propose.review`) reads it back from there.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Mapping, NamedTuple

from control.mapping.inventory import FieldOrigin
from control.mapping.propose.model import AutoClass, accepted, decision_class
from control.mapping.propose.source import SourceColumn
from control.mapping.targets import ObjectSpec

__all__ = ["DecisionKind", "Alternative", "FieldDecision", "ObjectDecision", "ValueDecision", "ValueMapProposal",
           "Proposal", "PROPOSED_BY"]

PROPOSED_BY = "st2sf-proposer/1"


class DecisionKind(StrEnum):
    MAP = "map"        # an existing field of the target object
    CREATE = "create"  # a new custom field (its spec is in targets)
    SKIP = "skip"      # not moved, with the reason
    KEY = "key"        # the record id, kept in the external-Id field
    JOIN = "join"      # joined into the field another column maps to (a second address line → …Street)


class Alternative(NamedTuple):
    target: str
    score: float  # the pair model's score (ranks; not a probability)


class FieldDecision(NamedTuple):
    column: SourceColumn
    kind: DecisionKind
    target: str | None
    confidence: float
    reasons: tuple[str, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    transform: tuple[Any, ...] = ()        # the map's transform steps (plain YAML data)
    skip_reason: str | None = None
    review: Mapping[str, str] | None = None
    target_type: str | None = None         # the describe type (or the new field's type)
    scores: tuple[str | None, float, float] | None = None  # the assigned candidate, s₁, s₂
    evidence: Mapping[str, float] | None = None  # what the top / none models read (model.decision_features)
    route_key: str | None = None            # resource@route when the resource has several routes with fields

    @property
    def auto_class(self) -> AutoClass:
        """Which auto-accept threshold this decision is held to (model.AutoClass)."""
        return decision_class(str(self.kind), self.column.origin is FieldOrigin.CUSTOM, self.scores)

    @property
    def key(self) -> str:
        """``resource:path``, or ``resource@route:path`` for a column of one of several routes."""
        return f"{self.route_key}:{self.column.path}" if self.route_key else self.column.key


class ObjectDecision(NamedTuple):
    """One route of a resource (most resources have one; see :mod:`~control.mapping.propose.route_split`)."""

    resource: str
    label: str
    target: str | None              # None: skipped
    create: bool                    # a new custom object
    confidence: float
    reasons: tuple[str, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    route: str | None = None        # the route name
    skip_reason: str | None = None
    review: Mapping[str, str] | None = None
    when: Mapping[str, Any] | None = None    # the route's condition (map format §4); None: every record left
    mode: str = "insert"                     # insert | match (a User found by e-mail; no fields)
    match: Mapping[str, Any] | None = None   # the match rule of a match route
    split: bool = False                      # one of several routes with fields: keys name the route
    owner: Mapping[str, Any] | None = None   # the route's owner rule (the technician's matched user)

    @property
    def key(self) -> str:
        """How decisions name this routing decision: ``resource``, or ``resource@route`` for one of several."""
        return f"{self.resource}@{self.route}" if self.split or self.mode == "match" else self.resource


class ValueDecision(NamedTuple):
    source: str
    target: str | None
    confidence: float
    reasons: tuple[str, ...] = ()
    new_value: bool = False  # the target picklist does not have it yet


class ValueMapProposal(NamedTuple):
    name: str
    field_key: str              # resource:path of the column it belongs to
    target: str                 # sObject.Field
    entries: tuple[ValueDecision, ...]


class Proposal(NamedTuple):
    objects: tuple[ObjectDecision, ...]
    fields: tuple[FieldDecision, ...]
    value_maps: tuple[ValueMapProposal, ...]
    targets: Mapping[str, ObjectSpec]
    scorers: tuple[str, ...]
    thresholds: Mapping[str, float | None]  # auto-accept threshold per model.AutoClass (None: never)
    notes: tuple[str, ...] = ()

    def field(self, key: str) -> FieldDecision | None:
        for decision in self.fields:
            if decision.key == key:
                return decision
        return None

    def auto_accepted(self, decision: FieldDecision) -> bool:
        """Whether ``decision`` needs no review: a person made it, or its class's threshold
        (model.AutoClass) is reached."""
        return decision.review is not None or accepted(self.thresholds, decision.auto_class, decision.confidence)

    def summary(self) -> dict[str, Any]:
        kinds: dict[str, int] = {}
        for d in self.fields:
            kinds[str(d.kind)] = kinds.get(str(d.kind), 0) + 1
        auto = sum(1 for d in self.fields if self.auto_accepted(d))
        return {"objects": len(self.objects),
                "objects_created": sum(1 for o in self.objects if o.create),
                "objects_skipped": sum(1 for o in self.objects if o.target is None),
                "fields": len(self.fields), "decisions": kinds,
                "auto_accepted": auto, "to_review": len(self.fields) - auto,
                "thresholds": dict(self.thresholds), "scorers": list(self.scorers),
                "value_maps": len(self.value_maps)}
