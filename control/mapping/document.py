"""The map as a whole: one or more YAML files merged into one :class:`MigrationMap`.

Each file under ``mapping/`` (``*.yml``, read in name order) is a :class:`MapDocument` with any of
``version``, ``settings`` (at most one file), ``value_maps``, ``targets`` and ``objects``. Merging keeps
every object rule in file order; value maps and target fields must be defined once; a target object's
fields, record types and business processes may be spread over files (Contact gets ``Is_Primary__c``
from the contacts file and ``Role__c`` from the technicians file) but its own settings (label, sharing…)
are given in one place.

:class:`Origins` remembers, for each merged path, the file and in-file path it came from, so a problem
found in the merged map is reported at ``file:line:column``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal, NamedTuple

from pydantic import Field

from control.mapping.base import FieldApiName, MapModel, Rationale, Scalar, SObjectName
from control.mapping.rules import ObjectRule, Route
from control.mapping.targets import ObjectSpec, SharingModel
from control.mapping.values import ValueMap
from control.mapping.yaml_source import Position, YamlDocument

__all__ = [
    "MapSettings",
    "FixedRecord",
    "CustomTableMode",
    "CustomTablePolicy",
    "MapDocument",
    "MigrationMap",
    "Origins",
    "EXTERNAL_ID_FIELD",
]

EXTERNAL_ID_FIELD = "ServiceTracker_Id__c"


class MapSettings(MapModel):
    """Map-wide choices. Every name here is an API name the generator uses."""

    tenant_time_zone: str | None = None
    fallback_owner: str | None = None
    external_id_field: FieldApiName = EXTERNAL_ID_FIELD
    permission_set: FieldApiName = "ServiceTracker_Migration"
    access_permission_set: FieldApiName = "ServiceTracker_Data_Access"
    bypass_permission: FieldApiName = "ServiceTracker_Bypass_Automation"
    api_version: str = Field(default="63.0", pattern=r"^\d{2}\.0$")
    create_tabs: bool = True  # a tab per custom object, so users can open its records
    # attachments larger than this many MB are quarantined, not uploaded (Salesforce's default file limit;
    # 0: no limit); empty, missing and corrupted bodies are always quarantined
    max_file_mb: int = Field(default=25, ge=0, le=2048)


class FixedRecord(MapModel):
    """A record the map itself creates once (the "Technicians" Account); its external Id is
    ``st2sf:<name>``. Field rules reach it with ``lookup: {record: <name>}``."""

    target: SObjectName
    fields: dict[FieldApiName, Scalar]
    description: str | None = None
    rationale: Rationale | None = None


class CustomTableMode(StrEnum):
    AUTO = "auto"  # every custom table without its own object rule becomes a custom object
    SKIP = "skip"  # custom tables without their own object rule are deliberately not migrated


class CustomTablePolicy(MapModel):
    """Custom tables the audit discovers: each becomes ``<Table_Key>__c`` with its columns as fields."""

    mode: CustomTableMode = CustomTableMode.AUTO
    sharing_model: SharingModel = SharingModel.READ_WRITE
    link_parent: bool = True  # a lookup to each Salesforce object the table's parent resource lands in
    rationale: Rationale | None = None


class MapDocument(MapModel):
    """One YAML file of the map."""

    version: Literal[1] = 1
    settings: MapSettings | None = None
    custom_tables: CustomTablePolicy | None = None
    records: dict[str, FixedRecord] = {}
    value_maps: dict[str, ValueMap] = {}
    targets: dict[SObjectName, ObjectSpec] = {}
    objects: tuple[ObjectRule, ...] = ()


class _Origin(NamedTuple):
    document: int
    path: tuple[Any, ...]


class Origins:
    """Where each part of the merged map came from."""

    def __init__(self, documents: tuple[YamlDocument, ...]) -> None:
        self.documents = documents
        self._prefixes: dict[tuple[Any, ...], _Origin] = {}

    def add(self, merged: tuple[Any, ...], document: int, path: tuple[Any, ...]) -> None:
        self._prefixes.setdefault(merged, _Origin(document, path))

    def resolve(self, merged: tuple[Any, ...]) -> tuple[YamlDocument, tuple[Any, ...]] | None:
        probe = tuple(merged)
        while True:
            origin = self._prefixes.get(probe)
            if origin is not None:
                return self.documents[origin.document], (*origin.path, *merged[len(probe):])
            if not probe:
                return None
            probe = probe[:-1]

    def position(self, merged: tuple[Any, ...]) -> Position:
        found = self.resolve(merged)
        if found is None:
            first = self.documents[0].file if self.documents else "<map>"
            return Position(first, 1, 1)
        document, path = found
        return document.position(path)


class MigrationMap(MapModel):
    """The merged map: what the validator, the generator and the transform read."""

    settings: MapSettings = MapSettings()
    custom_tables: CustomTablePolicy = CustomTablePolicy()
    records: dict[str, FixedRecord] = {}
    value_maps: dict[str, ValueMap] = {}
    targets: dict[SObjectName, ObjectSpec] = {}
    objects: tuple[ObjectRule, ...] = ()

    def routes(self) -> dict[str, tuple[int, Route]]:
        """Every route (primary and ``also``) by name, with the index of its object rule."""
        out: dict[str, tuple[int, Route]] = {}
        for index, rule in enumerate(self.objects):
            for route in rule.all_routes():
                out.setdefault(route.name, (index, route))
        return out

    def route_paths(self) -> dict[str, tuple[Any, ...]]:
        """The merged path of every route by name (``("objects", i, "routes", j)``)."""
        out: dict[str, tuple[Any, ...]] = {}
        for i, rule in enumerate(self.objects):
            for kind in ("routes", "also"):
                for j, route in enumerate(getattr(rule, kind)):
                    out.setdefault(route.name, ("objects", i, kind, j))
        return out

    def rules_for(self, resource: str) -> list[ObjectRule]:
        return [rule for rule in self.objects if rule.source == resource]
