"""Rows that are computed from the org's schema instead of stored: ``EntityDefinition``.

SFDMU (and other tools) ask ``EntityDefinition`` which objects exist before they move data. Its rows
are a view of the schema, so they are made on demand, one per sObject, with stable Ids
(``000<pod><counter>``, numbered in name order) that the SOQL engine can fetch back.
"""

from __future__ import annotations

from typing import Any, Iterator

from emulators.salesforce.ids import format_id
from emulators.salesforce.org.schemas import OrgSchemas

__all__ = ["VirtualRows", "VIRTUAL_OBJECTS"]

VIRTUAL_OBJECTS = frozenset({"entitydefinition"})


class VirtualRows:
    """Computed rows of the objects in :data:`VIRTUAL_OBJECTS`."""

    def __init__(self, schemas: OrgSchemas, pod: str) -> None:
        self.schemas = schemas
        self.pod = pod
        self._version = -1
        self._rows: dict[str, dict[str, Any]] = {}

    @staticmethod
    def handles(sobject: str) -> bool:
        return sobject.lower() in VIRTUAL_OBJECTS

    def _build(self) -> None:
        if self._version == self.schemas.version:
            return
        rows: dict[str, dict[str, Any]] = {}
        for number, schema in enumerate(sorted(self.schemas.all(), key=lambda s: s.name.lower()), start=1):
            rid = format_id("000", self.pod, number)
            rows[rid] = {
                "Id": rid,
                "DurableId": schema.name,
                "QualifiedApiName": schema.name,
                "DeveloperName": schema.name.removesuffix("__c"),
                "NamespacePrefix": None,
                "MasterLabel": schema.label,
                "Label": schema.label,
                "PluralLabel": schema.label_plural,
                "KeyPrefix": schema.key_prefix,
                "IsCustomizable": True,
                "IsCustomSetting": bool(schema.extra.get("customSetting", False)),
                "IsQueryable": schema.queryable,
                "IsRetrieveable": schema.retrieveable,
                "IsSearchable": schema.searchable,
                "IsTriggerable": schema.triggerable,
                "IsEverCreatable": schema.createable,
                "IsEverUpdatable": schema.updateable,
                "IsEverDeletable": schema.deletable,
                "IsFeedEnabled": schema.feed_enabled,
                "IsIdEnabled": True,
                "IsLayoutable": bool(schema.extra.get("layoutable", True)),
                "IsDeprecatedAndHidden": False,
                "IsReplicateable": True,
                "HasSubtypes": False,
                "IsSubtype": False,
            }
        self._rows = rows
        self._version = self.schemas.version

    def scan(self, sobject: str) -> Iterator[dict[str, Any]]:
        self._build()
        plan = self.schemas.plan(sobject)
        for data in self._rows.values():
            row = plan.blank_row() if plan else {}
            row.update(data)
            yield row

    def get(self, record_id: str) -> dict[str, Any] | None:
        if not record_id.startswith("000"):
            return None
        self._build()
        data = self._rows.get(record_id)
        if data is None:
            return None
        plan = self.schemas.plan("EntityDefinition")
        row = plan.blank_row() if plan else {}
        row.update(data)
        return row

    def count(self) -> int:
        self._build()
        return len(self._rows)
