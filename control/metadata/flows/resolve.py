"""Where a ServiceTracker field lives on a Salesforce record, per route — for rebuilding workflows.

A workflow speaks ServiceTracker (``status``, ``custom_fields.SLA Tier``, ``contact.first_name``); a Flow
speaks the Salesforce record it runs on (``Work_Order_Status__c``, ``SLA_Tier__c``, ``Contact.FirstName``).
:class:`RouteFields` answers, for one route (one target object), where a source path went and how a
source *value* reads there, by following the route's field rules and value maps:

* a path the route's record-type rule uses is the record type (``RecordType.DeveloperName``);
* ``<ref>.<field>`` goes through the lookup the route makes from ``<ref>_id`` and then through the
  referenced record's own route (``client.industry`` → ``Account.Industry``);
* for conditions a value must translate one-to-one (``dispatched`` and ``in_progress`` both become
  Case ``Working``, so ``status = dispatched`` cannot be tested on Case.Status — but it can on
  Work_Order_Status__c, which keeps every value apart).
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

from control.mapping.document import MigrationMap
from control.mapping.rules import FieldRule, RecordTypeRule, Route, RouteMode
from control.mapping.target_schema import TargetSchema
from control.mapping.transforms import (
    BooleanTransform,
    LookupTransform,
    NumberTransform,
    ParseDatetimeTransform,
    ParseDateTransform,
    ValueMapTransform,
)
from control.mapping.values import Unmapped, ValueMap, source_key

__all__ = ["TargetRef", "RouteFields", "KNOWN_PICKLISTS"]

# standard picklists of the objects the default map writes (used when no describe is at hand)
KNOWN_PICKLISTS: dict[str, frozenset[str]] = {
    "Account": frozenset({"Industry", "Type", "Rating", "Ownership", "AccountSource"}),
    "Asset": frozenset({"Status"}),
    "Case": frozenset({"Status", "Priority", "Origin", "Type", "Reason"}),
    "Contact": frozenset({"LeadSource", "Salutation"}),
    "Contract": frozenset({"Status", "OwnerExpirationNotice"}),
    "Event": frozenset({"ShowAs"}),
    "Opportunity": frozenset({"StageName", "Type", "LeadSource", "ForecastCategoryName"}),
    "Task": frozenset({"Status", "Priority", "TaskSubtype", "CallType"}),
}

Translate = Callable[[Any], Any]
_CANNOT = object()


class TargetRef(NamedTuple):
    """A source field as it reads on the Salesforce record."""

    path: str  # merge-field path under $Record: "Status", "Contact.Email", "RecordType.DeveloperName"
    type: str  # describe type: picklist, string, double, currency, boolean, date, datetime, reference, …
    field: str | None  # the writable field on the record itself (None through a relationship)
    translate: Translate  # source value → Salesforce value (returns _CANNOT when it cannot)
    one_to_one: Callable[[Any], bool]  # whether that value's translation is unambiguous


def _identity(value: Any) -> Any:
    return value


def _always(_: Any) -> bool:
    return True


def _value_map_translation(value_map: ValueMap) -> tuple[Translate, Callable[[Any], bool]]:
    targets: dict[str, list[str]] = {}
    for key, entry in value_map.values.items():
        targets.setdefault(source_key(entry.to), []).append(key)

    def translate(value: Any) -> Any:
        entry = value_map.values.get(source_key(value))
        if entry is not None:
            return entry.to
        if value_map.unmapped is Unmapped.KEEP:
            return value
        if value_map.unmapped is Unmapped.DEFAULT:
            return value_map.default
        return None if value_map.unmapped is Unmapped.NULL else _CANNOT

    def one_to_one(value: Any) -> bool:
        entry = value_map.values.get(source_key(value))
        return entry is not None and entry.to is not None and len(targets.get(source_key(entry.to), ())) == 1

    return translate, one_to_one


def _boolean(value: Any) -> Any:
    text = source_key(value).strip().lower()
    if text in ("true", "yes", "y", "1", "on"):
        return True
    if text in ("false", "no", "n", "0", "off", ""):
        return False
    return _CANNOT


def _number(value: Any) -> Any:
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return _CANNOT


class RouteFields:
    def __init__(self, map_: MigrationMap, route: Route, schema: TargetSchema | None) -> None:
        self.map = map_
        self.route = route
        self.schema = schema
        self.routes = map_.routes()

    CANNOT = _CANNOT

    def _type(self, sobject: str, field: str, rule: FieldRule | None) -> str:
        known = self.schema.field(sobject, field) if self.schema is not None else None
        if known is not None:
            return known.type
        if field in KNOWN_PICKLISTS.get(sobject, ()):
            return "picklist"
        first = rule.transform[0] if rule is not None and rule.transform else None
        if isinstance(first, ValueMapTransform):
            return "picklist"
        if isinstance(first, ParseDatetimeTransform):
            return "datetime"
        if isinstance(first, ParseDateTransform):
            return "date"
        if isinstance(first, NumberTransform):
            return "double"
        if isinstance(first, BooleanTransform):
            return "boolean"
        if isinstance(first, LookupTransform):
            return "reference"
        return "string"

    def _translation(self, rule: FieldRule) -> tuple[Translate, Callable[[Any], bool]] | None:
        if not rule.transform:
            return _identity, _always
        first = rule.transform[0]
        if len(rule.transform) == 1 and isinstance(first, ValueMapTransform):
            vm = first.value_map
            value_map = self.map.value_maps.get(vm) if isinstance(vm, str) else vm
            return _value_map_translation(value_map) if value_map is not None else None
        if len(rule.transform) == 1 and isinstance(first, BooleanTransform):
            return _boolean, _always
        if len(rule.transform) == 1 and isinstance(first, NumberTransform):
            return _number, _always
        if len(rule.transform) == 1 and isinstance(first, (ParseDateTransform, ParseDatetimeTransform)):
            return _identity, _always
        return None

    def _own(self, route: Route, path: str, prefix: str) -> list[TargetRef]:
        refs: list[TargetRef] = []
        rt = route.record_type
        if isinstance(rt, RecordTypeRule) and rt.by == path:
            mapping = {k: v for k, v in rt.values.items()}
            refs.append(TargetRef(f"{prefix}RecordType.DeveloperName", "string", None,
                                  lambda v: mapping.get(source_key(v), rt.default if rt.default else _CANNOT),
                                  lambda v: source_key(v) in mapping and list(mapping.values()).count(
                                      mapping[source_key(v)]) == 1))
        for rule in route.fields:
            if rule.source != path:
                continue
            if rule.is_lookup:  # a reference: it can be tested for blank, not compared with source ids
                refs.append(TargetRef(f"{prefix}{rule.target}", "reference", rule.target if not prefix else None,
                                      lambda v: _CANNOT, lambda v: False))
                continue
            translation = self._translation(rule)
            if translation is None:
                continue
            translate, one_to_one = translation
            refs.append(TargetRef(f"{prefix}{rule.target}", self._type(route.target, rule.target, rule),
                                  rule.target if not prefix else None, translate, one_to_one))
        return refs

    def _relationship(self, rule: FieldRule) -> tuple[str, Route] | None:
        """For a lookup rule: the relationship name on this record and the route it points to."""
        step = rule.transform[0] if rule.transform else None
        if not isinstance(step, LookupTransform) or step.lookup.rule is None:
            return None
        found = self.routes.get(step.lookup.rule)
        if found is None:
            return None
        target = found[1]
        described = self.schema.field(self.route.target, rule.target) if self.schema is not None else None
        if described is not None and described.relationship_name:
            name = described.relationship_name
        elif rule.target.endswith("__c"):
            name = rule.target[:-3] + "__r"
        elif rule.target.endswith("Id"):
            name = rule.target[:-2]
        else:
            return None
        return name, target

    def refs(self, path: str) -> list[TargetRef]:
        """Every place ``path`` landed on this route's record (own fields, then one relationship deep)."""
        own = self._own(self.route, path, "")
        if own or "." not in path or path.startswith("custom_fields."):
            return own
        head, _, rest = path.partition(".")
        for rule in self.route.fields:
            if rule.source == f"{head}_id":
                hop = self._relationship(rule)
                if hop is not None and hop[1].mode is not RouteMode.MATCH:
                    return self._own(hop[1], rest, f"{hop[0]}.")
        return []

    def for_condition(self, path: str, values: tuple[Any, ...]) -> TargetRef | None:
        """The best place to test ``path`` against ``values``: one where each value reads unambiguously."""
        for ref in self.refs(path):
            if all(ref.one_to_one(v) and ref.translate(v) is not _CANNOT for v in values):
                return ref
        return None

    def merge_field(self, path: str) -> str | None:
        """``{!$Record.…}`` for a placeholder: a direct copy preferred, else any translation."""
        refs = self.refs(path)
        if not refs:
            return None
        return "{!$Record." + refs[0].path + "}"

    def relationship_to(self, source_field: str) -> str | None:
        """The relationship name of the lookup this route makes from ``source_field`` (``contact_id``)."""
        for rule in self.route.fields:
            if rule.source == source_field:
                hop = self._relationship(rule)
                if hop is not None:
                    return hop[0]
        return None
