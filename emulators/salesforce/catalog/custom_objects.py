"""Custom objects: a Metadata API object definition → the :class:`ObjectSchema` Salesforce would describe.

A custom object gets Salesforce's standard fields, in describe order::

    Id, OwnerId (→ Group, User; absent when ControlledByParent), IsDeleted, Name,
    CreatedDate, CreatedById, LastModifiedDate, LastModifiedById, SystemModstamp,
    LastActivityDate (when activities are enabled), LastViewedDate, LastReferencedDate,
    …then its custom fields in the order given.

``Name`` is a Text(80) field that is nillable and defaulted on create (a record inserted without a name is
named after its Id), or an AutoNumber (read-only, generated). ``sharing_model="ControlledByParent"``
requires a MasterDetail field and drops OwnerId, as Salesforce does for detail objects.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Iterable

from emulators.salesforce.catalog.custom_fields import CustomFieldSpec, CustomFieldType, check_custom_name, custom_field
from emulators.salesforce.catalog.errors import CustomSpecError
from emulators.salesforce.catalog.field_factory import new_field
from emulators.salesforce.catalog.system_fields import (
    audit_fields,
    id_field,
    is_deleted_field,
    last_activity_field,
    owner_field,
    viewed_fields,
)
from emulators.salesforce.catalog.urls import url_templates
from emulators.salesforce.schema.model import FieldSchema, ObjectSchema

__all__ = ["SharingModel", "NameFieldType", "custom_object", "CUSTOM_OBJECT_URL_KINDS"]

_KEY_PREFIX = re.compile(r"^[A-Za-z0-9]{3}$")
CUSTOM_OBJECT_URL_KINDS = (
    "compactLayouts", "rowTemplate", "approvalLayouts", "uiDetailTemplate", "uiEditTemplate", "defaultValues",
    "listviews", "describe", "uiNewRecord", "quickActions", "layouts", "sobject",
)


class SharingModel(StrEnum):
    PRIVATE = "Private"
    READ = "Read"
    READ_WRITE = "ReadWrite"
    CONTROLLED_BY_PARENT = "ControlledByParent"


class NameFieldType(StrEnum):
    TEXT = "Text"
    AUTO_NUMBER = "AutoNumber"


def _name_field(label: str, kind: NameFieldType) -> FieldSchema:
    if kind is NameFieldType.AUTO_NUMBER:
        return new_field("Name", "string", label=label, length=30, nillable=False, createable=False,
                         updateable=False, defaulted_on_create=True, auto_number=True, id_lookup=True,
                         name_field=True)
    return new_field("Name", "string", label=label, length=80, defaulted_on_create=True, id_lookup=True,
                     name_field=True)


def _choice(enum: type[StrEnum], value: str, what: str, object_name: str) -> StrEnum:
    try:
        return enum(value)
    except ValueError:
        raise CustomSpecError(
            f"custom object {object_name}: {what} must be one of {[m.value for m in enum]}, got {value!r}"
        ) from None


def custom_object(
    api_name: str,
    label: str,
    plural_label: str,
    *,
    key_prefix: str,
    name_field_label: str | None = None,
    name_field_type: str = NameFieldType.TEXT,
    sharing_model: str = SharingModel.READ_WRITE,
    fields: Iterable[CustomFieldSpec] = (),
    enable_activities: bool = True,
) -> ObjectSchema:
    """The :class:`ObjectSchema` of a custom object with its standard fields and ``fields``."""
    check_custom_name(api_name, "custom object")
    if not label or not plural_label:
        raise CustomSpecError(f"custom object {api_name}: label and plural_label must not be empty")
    if not isinstance(key_prefix, str) or not _KEY_PREFIX.match(key_prefix):
        raise CustomSpecError(f"custom object {api_name}: key_prefix must be 3 letters or digits (e.g. 'a0X'), "
                              f"got {key_prefix!r}")
    name_kind = _choice(NameFieldType, name_field_type, "name_field_type", api_name)
    sharing = _choice(SharingModel, sharing_model, "sharing_model", api_name)
    specs = tuple(fields)
    custom_fields = tuple(custom_field(spec) for spec in specs)
    masters = [s for s in specs if s.type == CustomFieldType.MASTER_DETAIL]
    if len(masters) > 2:
        raise CustomSpecError(f"custom object {api_name}: at most two MasterDetail fields, got "
                              f"{[s.api_name for s in masters]}")
    if sharing is SharingModel.CONTROLLED_BY_PARENT and not masters:
        raise CustomSpecError(f"custom object {api_name}: sharing_model ControlledByParent needs a MasterDetail "
                              "field; add one or choose ReadWrite / Read / Private")
    if masters and sharing is not SharingModel.CONTROLLED_BY_PARENT:
        raise CustomSpecError(f"custom object {api_name}: an object with a MasterDetail field "
                              f"({masters[0].api_name}) must use sharing_model ControlledByParent")

    standard: list[FieldSchema] = [id_field(label, label="Record ID")]
    if sharing is not SharingModel.CONTROLLED_BY_PARENT:
        standard.append(owner_field(to=("Group", "User")))
    standard += [is_deleted_field(), _name_field(name_field_label or f"{label} Name", name_kind)]
    standard += audit_fields()
    if enable_activities:
        standard.append(last_activity_field())
    standard += viewed_fields()
    names = {f.name.lower() for f in standard}
    for f in custom_fields:
        if f.name.lower() in names:
            raise CustomSpecError(f"custom object {api_name}: field {f.name} is defined twice")
        names.add(f.name.lower())

    scopes = [{"label": f"All {plural_label.lower()}", "name": "everything"}]
    if sharing is not SharingModel.CONTROLLED_BY_PARENT:
        scopes.append({"label": f"My {plural_label.lower()}", "name": "mine"})
    extra = {
        "compactLayoutable": True,
        "layoutable": True,
        "mruEnabled": True,
        "searchLayoutable": True,
        "supportedScopes": scopes,
        "urls": url_templates(api_name, key_prefix, CUSTOM_OBJECT_URL_KINDS),
    }
    return ObjectSchema(
        name=api_name,
        label=label,
        label_plural=plural_label,
        key_prefix=key_prefix,
        fields=tuple(standard) + custom_fields,
        custom=True,
        mergeable=False,
        extra=extra,
    )
