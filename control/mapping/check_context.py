"""The state the map checks share: the map, where its parts came from, the inputs, the findings.

Each check module walks the map and reports through :meth:`CheckContext.error` / :meth:`warning` with
the *merged* path of the offending value; the context turns that into ``file:line:column``.
"""

from __future__ import annotations

from typing import Any, Iterator, NamedTuple

from control.mapping.document import MigrationMap, Origins
from control.mapping.inventory import SourceInventory
from control.mapping.issues import IssueCode, MapIssue, Severity, dotted
from control.mapping.rules import ObjectRule, Route
from control.mapping.target_schema import TargetSchema

__all__ = ["CheckContext", "RouteAt", "NO_CUSTOM_FIELDS", "BUSINESS_PROCESS_OBJECTS"]

# standard objects that cannot hold custom fields (no ServiceTracker_Id__c there)
NO_CUSTOM_FIELDS = frozenset({"CaseComment", "ContentDocumentLink", "Note", "Attachment", "ContentDocument"})
# record types of these objects need a business process (support / sales / lead process)
BUSINESS_PROCESS_OBJECTS = frozenset({"Case", "Opportunity", "Lead", "Solution"})


class RouteAt(NamedTuple):
    rule_index: int
    rule: ObjectRule
    route: Route
    path: tuple[Any, ...]  # merged path of the route: ("objects", i, "routes"|"also", j)
    primary: bool


class CheckContext:
    def __init__(self, map_: MigrationMap, origins: Origins, inventory: SourceInventory | None,
                 schema: TargetSchema | None) -> None:
        self.map = map_
        self.origins = origins
        self.inventory = inventory
        self.schema = schema
        self.issues: list[MapIssue] = []
        self._seen: set[tuple[str, str, tuple[Any, ...]]] = set()
        self.routes_by_name = map_.routes()
        self.audit_fields: dict[str, tuple[Any, ...]] = {}  # sObject → first rule writing an audit field

    def _add(self, severity: Severity, code: IssueCode, path: tuple[Any, ...], message: str) -> None:
        key = (str(code), message, tuple(path))
        if key in self._seen:
            return
        self._seen.add(key)
        self.issues.append(MapIssue(severity, code, message, self.origins.position(tuple(path)), dotted(path)))

    def error(self, code: IssueCode, path: tuple[Any, ...], message: str) -> None:
        self._add(Severity.ERROR, code, path, message)

    def warning(self, code: IssueCode, path: tuple[Any, ...], message: str) -> None:
        self._add(Severity.WARNING, code, path, message)

    def iter_routes(self) -> Iterator[RouteAt]:
        for i, rule in enumerate(self.map.objects):
            for kind in ("routes", "also"):
                for j, route in enumerate(getattr(rule, kind)):
                    yield RouteAt(i, rule, route, ("objects", i, kind, j), kind == "routes")

    def route(self, name: str) -> Route | None:
        found = self.routes_by_name.get(name)
        return found[1] if found else None

    def source_of_route(self, name: str) -> str | None:
        found = self.routes_by_name.get(name)
        return self.map.objects[found[0]].source if found else None
