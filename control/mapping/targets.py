"""The schema the map creates in Salesforce (``targets:``): custom objects, custom fields, record types.

This section is what the metadata generator turns into SFDX source, and what ``map validate`` counts as
present in the org even before it is deployed. Keys are sObject API names; for a standard object only
``fields``, ``record_types`` and ``business_processes`` may be given (its label and settings are
Salesforce's)::

    targets:
      Site__c:
        label: Site
        plural_label: Sites
        name_field: {label: Site Name}
        sharing_model: ControlledByParent
        fields:
          Account__c: {type: MasterDetail, label: Account, reference_to: Account, relationship_name: Sites}
      Case:
        record_types:
          Break_Fix: {label: Break/Fix, business_process: Break_Fix_Process}
        business_processes:
          Break_Fix_Process: {values: [New, Working, Escalated, Closed], default: New}
        fields:
          ServiceTracker_Id__c: {type: Text, length: 64, label: ServiceTracker Id, external_id: true, unique: true}

Custom fields of Task and Event are Activity fields in Salesforce; the generator writes them under
``Activity`` (declare them on Task or Event, identically if on both).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from control.mapping.base import FieldApiName, MapModel, Rationale, SObjectName

__all__ = [
    "FieldKind",
    "SharingModel",
    "DeleteConstraint",
    "NameFieldKind",
    "FieldSpec",
    "NameFieldSpec",
    "RecordTypeSpec",
    "BusinessProcessSpec",
    "ObjectSpec",
    "TEXT_KINDS",
    "NUMBER_KINDS",
    "PICKLIST_KINDS",
    "REFERENCE_KINDS",
]


class FieldKind(StrEnum):
    """Custom field types the generator writes (Metadata API ``FieldType`` names)."""

    TEXT = "Text"
    TEXT_AREA = "TextArea"
    LONG_TEXT_AREA = "LongTextArea"
    HTML = "Html"
    PICKLIST = "Picklist"
    MULTISELECT_PICKLIST = "MultiselectPicklist"
    CHECKBOX = "Checkbox"
    NUMBER = "Number"
    CURRENCY = "Currency"
    PERCENT = "Percent"
    DATE = "Date"
    DATETIME = "DateTime"
    EMAIL = "Email"
    PHONE = "Phone"
    URL = "Url"
    LOOKUP = "Lookup"
    MASTER_DETAIL = "MasterDetail"


TEXT_KINDS = frozenset({FieldKind.TEXT, FieldKind.TEXT_AREA, FieldKind.LONG_TEXT_AREA, FieldKind.HTML})
NUMBER_KINDS = frozenset({FieldKind.NUMBER, FieldKind.CURRENCY, FieldKind.PERCENT})
PICKLIST_KINDS = frozenset({FieldKind.PICKLIST, FieldKind.MULTISELECT_PICKLIST})
REFERENCE_KINDS = frozenset({FieldKind.LOOKUP, FieldKind.MASTER_DETAIL})


class SharingModel(StrEnum):
    PRIVATE = "Private"
    READ = "Read"
    READ_WRITE = "ReadWrite"
    CONTROLLED_BY_PARENT = "ControlledByParent"


class DeleteConstraint(StrEnum):
    SET_NULL = "SetNull"
    RESTRICT = "Restrict"
    CASCADE = "Cascade"


class NameFieldKind(StrEnum):
    TEXT = "Text"
    AUTO_NUMBER = "AutoNumber"


class FieldSpec(MapModel):
    """One custom field to create. Lengths and precision follow Salesforce's limits."""

    type: FieldKind
    label: Annotated[str, Field(min_length=1, max_length=40)]
    description: str | None = None
    help: Annotated[str, Field(max_length=510)] | None = None
    length: Annotated[int, Field(ge=1, le=131072)] | None = None
    precision: Annotated[int, Field(ge=1, le=18)] | None = None
    scale: Annotated[int, Field(ge=0, le=17)] | None = None
    visible_lines: Annotated[int, Field(ge=2, le=50)] | None = None
    required: bool = False
    unique: bool = False
    external_id: bool = False
    default_value: str | None = None
    values: tuple[str, ...] | None = None
    value_map: str | None = None
    restricted: bool = True
    reference_to: SObjectName | None = None
    relationship_name: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")] | None = None
    relationship_label: str | None = None
    delete_constraint: DeleteConstraint | None = None
    rationale: Rationale | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "FieldSpec":
        kind = self.type
        if kind is FieldKind.TEXT and not (self.length and self.length <= 255):
            raise ValueError("a Text field needs length 1..255")
        if kind in (FieldKind.LONG_TEXT_AREA, FieldKind.HTML) and not (self.length and self.length >= 256):
            raise ValueError(f"a {kind} field needs length 256..131072")
        if kind in NUMBER_KINDS:
            if self.precision is None or self.scale is None:
                raise ValueError(f"a {kind} field needs precision and scale")
            if self.scale > self.precision:
                raise ValueError("scale cannot exceed precision")
        if kind in PICKLIST_KINDS and (self.values is None) == (self.value_map is None):
            raise ValueError(f"a {kind} field needs exactly one of values or value_map")
        if kind not in PICKLIST_KINDS and (self.values is not None or self.value_map is not None):
            raise ValueError("values and value_map are only for picklists")
        if kind in REFERENCE_KINDS:
            if not self.reference_to or not self.relationship_name:
                raise ValueError(f"a {kind} field needs reference_to and relationship_name")
            if kind is FieldKind.MASTER_DETAIL and (self.delete_constraint or self.required):
                raise ValueError("a MasterDetail field is always required and cascades; drop required/delete_constraint")
        elif self.reference_to or self.relationship_name or self.delete_constraint:
            raise ValueError("reference_to, relationship_name and delete_constraint are only for Lookup/MasterDetail")
        if self.unique and kind not in (FieldKind.TEXT, FieldKind.EMAIL, FieldKind.NUMBER):
            raise ValueError("unique is only for Text, Email and Number fields")
        if self.external_id and kind not in (FieldKind.TEXT, FieldKind.EMAIL, FieldKind.NUMBER):
            raise ValueError("external_id is only for Text, Email and Number fields")
        return self


class NameFieldSpec(MapModel):
    label: Annotated[str, Field(min_length=1, max_length=40)]
    type: NameFieldKind = NameFieldKind.TEXT
    display_format: str | None = None

    @model_validator(mode="after")
    def _format(self) -> "NameFieldSpec":
        if (self.type is NameFieldKind.AUTO_NUMBER) != (self.display_format is not None):
            raise ValueError("display_format is needed for, and only for, an AutoNumber name field")
        return self


class RecordTypeSpec(MapModel):
    label: Annotated[str, Field(min_length=1, max_length=80)]
    description: str | None = None
    business_process: str | None = None
    rationale: Rationale | None = None


class BusinessProcessSpec(MapModel):
    """A Case support process / Opportunity sales process: the Status (Stage) values a record type offers."""

    values: Annotated[tuple[str, ...], Field(min_length=1)]
    default: str | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _default_listed(self) -> "BusinessProcessSpec":
        if self.default is not None and self.default not in self.values:
            raise ValueError(f"default {self.default!r} is not one of the values")
        return self


class ObjectSpec(MapModel):
    """A target sObject the map creates (custom) or extends (standard)."""

    label: Annotated[str, Field(max_length=40)] | None = None
    plural_label: Annotated[str, Field(max_length=40)] | None = None
    description: str | None = None
    name_field: NameFieldSpec | None = None
    sharing_model: SharingModel | None = None
    enable_activities: bool = True
    enable_reports: bool = True
    enable_search: bool = True
    enable_history: bool = False
    record_types: dict[FieldApiName, RecordTypeSpec] = {}
    business_processes: dict[FieldApiName, BusinessProcessSpec] = {}
    fields: dict[FieldApiName, FieldSpec] = {}
    rationale: Rationale | None = None

    @property
    def defines_object(self) -> bool:
        """True when this entry creates the object (it has a label), not only extends one."""
        return self.label is not None
