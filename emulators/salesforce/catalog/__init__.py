"""The org emulator's schema catalog: standard objects, custom-object builders and describe rendering.

Public API (everything else in this package is an implementation module):

* :func:`standard_schemas` — ``{name: ObjectSchema}`` of the standard objects, child relationships linked.
  Account, Contact, Opportunity, Case, Event, Lead and OpportunityContactRole come from real describes
  recorded by CumulusCI (read from the installed package); the rest from our ``standard/*.yaml`` files.
* :func:`custom_object`, :func:`custom_field`, :class:`CustomFieldSpec` — schemas for what a Metadata
  deploy creates; then :func:`link_child_relationships` over the org's full set re-links parents.
* :func:`with_audit_fields_writable` — the schema as seen with "Set Audit Fields upon Record Creation".
* :func:`with_record_type_field` — adds ``RecordTypeId`` when an object gets its first non-master record type;
  :func:`supports_record_types` says which objects can have them.
* :func:`describe_sobject`, :func:`describe_sobject_json`, :func:`describe_global` — Salesforce's describe
  JSON (memoised per schema object), with :class:`RecordTypeInfo` inputs from the org's RecordType rows.
* :data:`ACTIVITY`, :func:`field_hosts` — custom fields defined on ``Activity`` belong to Task and Event.
* :class:`CatalogError` and its subclasses for bad specs and unusable data.

Data flow::

    recorded describes ─┐
                        ├─► ObjectSchema (immutable) ─► link_child_relationships ─► describe_sobject ─► JSON
    standard/*.yaml ────┤                                         ▲
    custom_object() ────┘                 org runtime adds custom objects and re-links
"""

from __future__ import annotations

from emulators.salesforce.catalog.activities import ACTIVITY, ACTIVITY_OBJECTS, field_hosts, is_activity, is_activity_host
from emulators.salesforce.catalog.audit import AUDIT_FIELD_OBJECTS, supports_audit_fields, with_audit_fields_writable
from emulators.salesforce.catalog.custom_fields import CustomFieldSpec, CustomFieldType, DeleteConstraint, custom_field
from emulators.salesforce.catalog.custom_objects import NameFieldType, SharingModel, custom_object
from emulators.salesforce.catalog.describe_render import (
    DEFAULT_API_VERSION,
    describe_global,
    describe_sobject,
    describe_sobject_json,
)
from emulators.salesforce.catalog.errors import CatalogDataError, CatalogError, CustomSpecError, UnknownObjectError
from emulators.salesforce.catalog.linking import link_child_relationships
from emulators.salesforce.catalog.record_types import (
    MASTER_RECORD_TYPE_ID,
    RecordTypeInfo,
    supports_record_types,
    with_record_type_field,
)
from emulators.salesforce.catalog.standard_catalog import STANDARD_OBJECT_NAMES, standard_schemas

__all__ = [
    "ACTIVITY",
    "ACTIVITY_OBJECTS",
    "field_hosts",
    "is_activity",
    "is_activity_host",
    "standard_schemas",
    "STANDARD_OBJECT_NAMES",
    "link_child_relationships",
    "custom_object",
    "custom_field",
    "CustomFieldSpec",
    "CustomFieldType",
    "DeleteConstraint",
    "SharingModel",
    "NameFieldType",
    "with_audit_fields_writable",
    "supports_audit_fields",
    "AUDIT_FIELD_OBJECTS",
    "describe_sobject",
    "describe_sobject_json",
    "describe_global",
    "DEFAULT_API_VERSION",
    "RecordTypeInfo",
    "MASTER_RECORD_TYPE_ID",
    "supports_record_types",
    "with_record_type_field",
    "CatalogError",
    "CustomSpecError",
    "CatalogDataError",
    "UnknownObjectError",
]
