"""What the default map says should happen to a field of a record, read from the map and the org's describe
(not hard-coded): which target fields a source field feeds on the route the record took, whether the map or
the org requires them, how long they are, which value map and which ``on_missing`` apply."""

from __future__ import annotations

from typing import Any, Iterator, NamedTuple

from control.mapping.rules import FieldRule, Route
from control.mapping.transforms import LookupTransform, TruncateTransform, ValueMapTransform


class Feed(NamedTuple):
    route: Route
    rule: FieldRule
    target: Any   # TargetField of the org (or None when the org lacks it)


def route(dp: Any, name: str) -> Route:
    return dp.expanded.routes()[name][1]


def feeds(dp: Any, route_name: str, source: str) -> Iterator[Feed]:
    r = route(dp, route_name)
    obj = dp.snapshot.schema.object(r.target)
    for rule in r.fields:
        if rule.source == source:
            yield Feed(r, rule, obj.fields.get(rule.target) if obj else None)


def plain(feed: Feed) -> bool:
    """The value moves unchanged (no transform at all)."""
    return not feed.rule.transform


def truncated(feed: Feed) -> bool:
    return any(isinstance(s, TruncateTransform) for s in feed.rule.transform)


def value_map(dp: Any, feed: Feed) -> Any:
    for step in feed.rule.transform:
        if isinstance(step, ValueMapTransform):
            vm = step.value_map
            return dp.expanded.value_maps[vm] if isinstance(vm, str) else vm
    return None


def lookup(feed: Feed) -> Any:
    for step in feed.rule.transform:
        if isinstance(step, LookupTransform):
            return step.lookup
    return None


def problems(quarantine: dict[tuple[str, str], list[dict[str, Any]]], resource: str,
             source_id: str) -> list[dict[str, Any]]:
    """Every problem of the record's own quarantine entry (kind record)."""
    out: list[dict[str, Any]] = []
    for entry in quarantine.get((resource, source_id), []):
        if entry["kind"] == "record":
            out += entry["problems"]
    return out
