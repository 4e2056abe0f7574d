"""Object rules, routes and field rules: how records move from a source resource to Salesforce.

An **object rule** covers one source resource. Its **routes** are tried in order; a record takes the
first route whose ``when`` holds (a route without ``when`` takes everything that reaches it). A record
no route takes is quarantined (``unrouted: quarantine``) or deliberately skipped (``unrouted: skip``).
Routes under ``also`` are extra records made *in addition* (a link record, a history row), each when
its own ``when`` holds. A resource that is not migrated says so: ``skip: <reason>``.

A route's **mode**::

    insert   make one target record per source record (upsert by ``external_id``)       [default]
    match    find an existing target record (``match:``), create nothing; unmatched records
             fall through to the next route
    merge    write this route's fields onto the record another route made (``merge: {into, via}``)

``each: <array field>`` makes one record per element of an array (``$item.<key>`` reads the element).

A **field rule** moves one value: ``source`` (a core field, ``address.city``, ``custom_fields.<key>``,
``$item.<key>``) through ``transform`` steps into ``target``. Lookups resolve source references to
Salesforce Ids; when the referenced record did not arrive, ``on_missing`` decides (``fail`` the run,
``quarantine`` the record, write ``null``, or write ``default``); the route's ``missing_parent`` is the
default for its lookups.

Record type by DeveloperName (``record_type: Break_Fix`` or ``{by: type, values: {…}}``), owner by
rule (``owner:``), discovered custom fields by policy (``custom_fields: auto | explicit | ignore``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from control.mapping.base import FieldApiName, MapModel, Rationale, RouteName, Scalar, SObjectName
from control.mapping.conditions import Condition
from control.mapping.transforms import (
    CoalesceTransform,
    ConcatenateTransform,
    ConstantTransform,
    LookupTransform,
    PolymorphicLookupTransform,
    Transform,
    normalise_step,
)

__all__ = [
    "RouteMode",
    "MissingParent",
    "Unrouted",
    "CustomFieldPolicy",
    "UnmatchedOwner",
    "FieldRule",
    "SkippedField",
    "OwnerRule",
    "MatchRule",
    "MergeRule",
    "RecordTypeRule",
    "Route",
    "ObjectRule",
]


class RouteMode(StrEnum):
    INSERT = "insert"
    MATCH = "match"
    MERGE = "merge"


class MissingParent(StrEnum):
    """What a lookup does when the record it references did not arrive in Salesforce."""

    FAIL = "fail"  # stop the run: the map promised the parent exists
    QUARANTINE = "quarantine"  # hold the record back with the reason
    NULL = "null"  # load it with the lookup blank
    DEFAULT = "default"  # load it with the field rule's default


class Unrouted(StrEnum):
    QUARANTINE = "quarantine"
    SKIP = "skip"


class CustomFieldPolicy(StrEnum):
    """Discovered custom fields the route does not map explicitly."""

    AUTO = "auto"  # each becomes a custom field on the target, typed from the audit
    EXPLICIT = "explicit"  # only mapped ones move; the rest are listed as warnings
    IGNORE = "ignore"  # deliberately left behind


class UnmatchedOwner(StrEnum):
    FALLBACK = "fallback"  # the fallback owner (settings.fallback_owner)
    QUARANTINE = "quarantine"
    RUNNING_USER = "running_user"  # leave OwnerId unset: the loading user owns it


class FieldRule(MapModel):
    """``default`` is written when the value is blank, and when a lookup's parent is missing and
    ``on_missing: default``. ``required: true`` quarantines the record when the value ends up blank."""

    target: FieldApiName
    source: str | None = None
    transform: tuple[Transform, ...] = ()
    on_missing: "MissingParent | None" = None
    default: Scalar | None = None
    required: bool = False
    rationale: Rationale | None = None

    @field_validator("transform", mode="before")
    @classmethod
    def _pipeline(cls, value: Any) -> Any:
        if value is None:
            return ()
        if isinstance(value, (dict, str)):
            value = [value]
        if isinstance(value, list):
            return [normalise_step(step) for step in value]
        return value

    @model_validator(mode="after")
    def _source_needed(self) -> "FieldRule":
        first = self.transform[0] if self.transform else None
        sourceless = isinstance(first, (ConstantTransform, ConcatenateTransform, CoalesceTransform)) or (
            isinstance(first, LookupTransform) and first.lookup.record is not None) or (
            isinstance(first, PolymorphicLookupTransform) and bool(first.polymorphic_lookup.candidates))
        if self.source is None and not sourceless:
            raise ValueError("a field rule needs a source unless its first transform is constant, concatenate, "
                             "coalesce, lookup of a fixed record, or polymorphic_lookup with candidates")
        if self.source is not None and sourceless:
            raise ValueError("this rule's first transform reads its own sources; drop source")
        if self.on_missing is MissingParent.DEFAULT and self.default is None:
            raise ValueError("on_missing: default needs a default value")
        return self

    @property
    def is_lookup(self) -> bool:
        return any(isinstance(step, (LookupTransform, PolymorphicLookupTransform)) for step in self.transform)


class SkippedField(MapModel):
    """A source field the route deliberately does not move, and why (the proposer writes one for every
    field it neither maps nor creates a field for, so nothing is left out silently)."""

    source: Annotated[str, Field(min_length=1)]
    reason: Annotated[str, Field(min_length=1)]
    rationale: Rationale | None = None


class OwnerRule(MapModel):
    """OwnerId: a fixed user, or the user a source reference resolves to through a match route."""

    user: str | None = None
    source: str | None = None
    via: RouteName | None = None
    unmatched: UnmatchedOwner = UnmatchedOwner.FALLBACK
    rationale: Rationale | None = None

    @model_validator(mode="after")
    def _one_way(self) -> "OwnerRule":
        if self.user is not None and (self.source or self.via):
            raise ValueError("owner is either user (a fixed username) or source + via, not both")
        if self.user is None and not (self.source and self.via):
            raise ValueError("owner needs user, or both source (a reference field) and via (a match route to User)")
        return self


class MatchRule(MapModel):
    """Find existing target records: ``target_field`` equals the value of ``source``."""

    target_field: FieldApiName
    source: str
    case_insensitive: bool = True
    where: dict[FieldApiName, Scalar] = {}


class MergeRule(MapModel):
    """Write onto the record route ``into`` made for the source record that ``via`` references."""

    into: RouteName
    via: str


class RecordTypeRule(MapModel):
    """Record type chosen by a source value: ``{by: type, values: {break_fix: Break_Fix}}``."""

    by: str
    values: dict[str, FieldApiName]
    default: FieldApiName | None = None


class Route(MapModel):
    name: RouteName
    target: SObjectName
    when: Condition | None = None
    mode: RouteMode = RouteMode.INSERT
    each: str | None = None
    external_id: FieldApiName | None = None
    record_type: FieldApiName | RecordTypeRule | None = None
    owner: OwnerRule | None = None
    match: MatchRule | None = None
    merge: MergeRule | None = None
    custom_fields: CustomFieldPolicy = CustomFieldPolicy.EXPLICIT
    custom_field_prefix: str | None = None  # prefix of auto fields' names and labels ("Site" → Site_Gate_Code__c)
    missing_parent: MissingParent = MissingParent.QUARANTINE
    fields: tuple[FieldRule, ...] = ()
    skipped: tuple[SkippedField, ...] = ()
    description: str | None = None
    rationale: Rationale | None = None

    @model_validator(mode="after")
    def _mode_parts(self) -> "Route":
        if (self.mode is RouteMode.MATCH) != (self.match is not None):
            raise ValueError("match: is needed for, and only for, mode: match")
        if (self.mode is RouteMode.MERGE) != (self.merge is not None):
            raise ValueError("merge: is needed for, and only for, mode: merge")
        if self.mode is not RouteMode.INSERT and (self.external_id or self.record_type or self.each):
            raise ValueError(f"mode: {self.mode} takes no external_id, record_type or each")
        return self

    def field_rule(self, target: str) -> FieldRule | None:
        for rule in self.fields:
            if rule.target == target:
                return rule
        return None


class ObjectRule(MapModel):
    source: Annotated[str, Field(min_length=1)]
    skip: str | None = None
    routes: tuple[Route, ...] = ()
    also: tuple[Route, ...] = ()
    unrouted: Unrouted = Unrouted.QUARANTINE
    description: str | None = None
    rationale: Rationale | None = None

    @model_validator(mode="after")
    def _skip_or_routes(self) -> "ObjectRule":
        if self.skip is not None and (self.routes or self.also):
            raise ValueError("a skipped resource has no routes")
        if self.skip is None and not self.routes:
            raise ValueError("an object rule needs routes, or skip: <reason> when the resource is not migrated")
        return self

    def all_routes(self) -> tuple[Route, ...]:
        return (*self.routes, *self.also)
