"""The audit's inputs taken from the real targets: field lengths from the map + the org, users from the org.

* :func:`limits_from_map` — "strings longer than the target field" checks each source field a route moves
  *as it is* (no transform) into a text field of the org, against that field's length (the org's describe,
  with the map's own custom fields laid over it). A source field moved into several fields is checked
  against the shortest. Fields a rule transforms (truncate, value maps, joins…) are not: their length is
  not the source's.
* :func:`users_from_org` — the technician → user gap against the org's users (e-mail → active).
"""

from __future__ import annotations

from typing import Iterable

from control.audit.limits import TargetLimits
from control.audit.people import UserDirectory
from control.mapping.document import MigrationMap
from control.mapping.inventory import ITEM
from control.mapping.rules import RouteMode
from control.mapping.target_schema import TargetSchema
from control.salesforce.org_data import OrgUser

__all__ = ["limits_from_map", "users_from_org"]

_TEXT = frozenset({"string", "textarea", "email", "phone", "url", "picklist", "multipicklist", "combobox"})


def _staged(resource: str) -> str:
    if resource.startswith("custom_tables/") and not resource.endswith("/rows"):
        return resource + "/rows"
    return resource


def limits_from_map(m: MigrationMap, schema: TargetSchema) -> TargetLimits:
    """``resource.field`` → (``Object.Field``, length) for every untransformed move into a text field."""
    found: dict[str, tuple[str, int]] = {}
    for rule in m.objects:
        for route in rule.all_routes():
            if route.mode is RouteMode.MATCH:
                continue
            sobject = route.target  # a merge route writes onto a record of its own target object
            for field_rule in route.fields:
                source = field_rule.source
                if not source or field_rule.transform or source.startswith(ITEM):
                    continue
                described = schema.field(sobject, field_rule.target)
                if described is None or described.type not in _TEXT or not described.length:
                    continue
                key = f"{_staged(rule.source)}.{source}"
                current = found.get(key)
                if current is None or described.length < current[1]:
                    found[key] = (f"{sobject}.{field_rule.target}", described.length)
    return TargetLimits.from_mapping(found)


def users_from_org(users: Iterable[OrgUser]) -> UserDirectory:
    directory: dict[str, bool] = {}
    for user in users:
        if user.email and user.email.strip():
            key = user.email.strip().casefold()
            directory[key] = directory.get(key, False) or user.active
    return UserDirectory(directory)
