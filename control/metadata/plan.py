"""The schema plan: what the generator will write, derived from the (expanded) map.

:func:`plan_schema` reads the map's ``targets`` and routes and decides, object by object, which
components exist: the custom object itself (custom objects only — a standard object's own settings are
Salesforce's), its custom fields (Task/Event fields go on ``Activity``), record types with the business
processes Case and Opportunity need, and one page layout per record type (or one per custom object
without record types) listing the fields the map writes, in map order. The XML writers
(:mod:`control.metadata.components`) only render this plan; every decision is made here.
"""

from __future__ import annotations

from typing import NamedTuple

from control.mapping.document import MigrationMap
from control.mapping.rules import RecordTypeRule, RouteMode
from control.mapping.target_schema import ACTIVITY_OBJECTS, AUDIT_FIELDS
from control.mapping.targets import (
    PICKLIST_KINDS,
    BusinessProcessSpec,
    FieldKind,
    FieldSpec,
    NameFieldKind,
    ObjectSpec,
    RecordTypeSpec,
    SharingModel,
)

__all__ = [
    "Behavior",
    "PlannedField",
    "PlannedRecordType",
    "PlannedBusinessProcess",
    "LayoutItem",
    "LayoutSection",
    "PlannedLayout",
    "PlannedObject",
    "SchemaPlan",
    "plan_schema",
    "metadata_object",
]

# fields a layout never shows (set by the system or only through the API)
_NOT_ON_LAYOUT = AUDIT_FIELDS | {"RecordTypeId", "Id", "VersionData"}


class Behavior:
    EDIT = "Edit"
    REQUIRED = "Required"
    READONLY = "Readonly"


class PlannedField(NamedTuple):
    object: str  # the metadata object the field file lives under (Activity for Task/Event fields)
    name: str
    spec: FieldSpec
    picklist_values: tuple[str, ...]

    @property
    def full_name(self) -> str:
        return f"{self.object}.{self.name}"

    @property
    def permissionable(self) -> bool:
        """Field-level security can be granted (not on required or master-detail fields)."""
        return not (self.spec.required or self.spec.type is FieldKind.MASTER_DETAIL)


class PlannedBusinessProcess(NamedTuple):
    object: str
    name: str
    spec: BusinessProcessSpec


class PlannedRecordType(NamedTuple):
    object: str
    name: str
    spec: RecordTypeSpec
    picklists: tuple[tuple[str, tuple[str, ...]], ...]  # custom picklist field → its values

    @property
    def full_name(self) -> str:
        return f"{self.object}.{self.name}"


class LayoutItem(NamedTuple):
    field: str
    behavior: str


class LayoutSection(NamedTuple):
    label: str
    items: tuple[LayoutItem, ...]
    columns: int = 2


class PlannedLayout(NamedTuple):
    object: str
    name: str  # "Break-Fix Layout"; the component is "<object>-<name>"
    record_type: str | None
    sections: tuple[LayoutSection, ...]

    @property
    def full_name(self) -> str:
        return f"{self.object}-{self.name}"


class PlannedObject(NamedTuple):
    name: str
    custom: bool
    spec: ObjectSpec | None  # set for custom objects the map defines
    fields: tuple[PlannedField, ...]
    record_types: tuple[PlannedRecordType, ...]
    business_processes: tuple[PlannedBusinessProcess, ...]
    has_owner: bool


class SchemaPlan(NamedTuple):
    objects: tuple[PlannedObject, ...]
    layouts: tuple[PlannedLayout, ...]

    def fields(self) -> list[PlannedField]:
        return [f for o in self.objects for f in o.fields]

    def record_types(self) -> list[PlannedRecordType]:
        return [r for o in self.objects for r in o.record_types]

    def custom_objects(self) -> list[PlannedObject]:
        return [o for o in self.objects if o.custom and o.spec is not None]


def metadata_object(sobject: str) -> str:
    """Where an sObject's custom fields live in metadata (Task/Event → Activity)."""
    return "Activity" if sobject in ACTIVITY_OBJECTS else sobject


def _values(spec: FieldSpec, map_: MigrationMap) -> tuple[str, ...]:
    if spec.type not in PICKLIST_KINDS:
        return ()
    if spec.values is not None:
        return tuple(spec.values)
    value_map = map_.value_maps.get(spec.value_map or "")
    return value_map.target_values() if value_map else ()


def _written_fields(map_: MigrationMap, sobject: str, record_type: str | None) -> list[str]:
    """Fields the map's insert routes write on ``sobject`` (for ``record_type``), in map order."""
    out: dict[str, None] = {}
    for rule in map_.objects:
        for route in rule.all_routes():
            if route.target != sobject or route.mode is RouteMode.MATCH:
                continue
            if record_type is not None:
                rt = route.record_type
                covers = rt == record_type if isinstance(rt, str) else (
                    isinstance(rt, RecordTypeRule) and record_type in (*rt.values.values(), rt.default))
                if not covers:
                    continue
            for field in route.fields:
                out.setdefault(field.target, None)
    return list(out)


def _layout(map_: MigrationMap, obj: PlannedObject, record_type: str | None, name: str) -> PlannedLayout:
    ext = map_.settings.external_id_field
    spec_fields = {f.name: f.spec for f in obj.fields}
    auto_fields = {f.name for f in obj.fields if (f.spec.help or "").startswith("ServiceTracker custom field ")}
    written = [f for f in _written_fields(map_, obj.name, record_type) if f not in _NOT_ON_LAYOUT]
    ordered = [f for f in written if f not in auto_fields and f != ext]
    ordered += [f.name for f in obj.fields if f.name not in ordered and f.name not in auto_fields and f.name != ext]
    if obj.custom and "Name" in ordered:
        ordered.remove("Name")
    if obj.custom:
        ordered.insert(0, "Name")
    autonumber = obj.spec is not None and obj.spec.name_field is not None and \
        obj.spec.name_field.type is NameFieldKind.AUTO_NUMBER

    def behavior(field: str) -> str:
        spec = spec_fields.get(field)
        if field == "Name" and obj.custom:
            return Behavior.READONLY if autonumber else Behavior.REQUIRED
        if field == ext:
            return Behavior.READONLY
        if spec is not None and (spec.required or spec.type is FieldKind.MASTER_DETAIL):
            return Behavior.REQUIRED
        return Behavior.EDIT

    sections = [LayoutSection("Information", tuple(LayoutItem(f, behavior(f)) for f in ordered))]
    extra = sorted(auto_fields)
    if extra:
        sections.append(LayoutSection("ServiceTracker Custom Fields", tuple(LayoutItem(f, Behavior.EDIT) for f in extra)))
    if ext in spec_fields:
        sections.append(LayoutSection("ServiceTracker", (LayoutItem(ext, Behavior.READONLY),), columns=1))
    system = ([LayoutItem("OwnerId", Behavior.EDIT)] if obj.has_owner else []) + [
        LayoutItem("CreatedById", Behavior.READONLY), LayoutItem("LastModifiedById", Behavior.READONLY)]
    sections.append(LayoutSection("System Information", tuple(system)))
    return PlannedLayout(obj.name, name, record_type, tuple(sections))


def _plan_object(map_: MigrationMap, name: str, spec: ObjectSpec) -> PlannedObject:
    custom = name.endswith("__c")
    fields = tuple(PlannedField(metadata_object(name), field_name, field_spec, _values(field_spec, map_))
                   for field_name, field_spec in spec.fields.items())
    picklists = tuple((f.name, f.picklist_values) for f in fields if f.spec.type in PICKLIST_KINDS)
    record_types = tuple(PlannedRecordType(name, rt_name, rt, picklists) for rt_name, rt in spec.record_types.items())
    processes = tuple(PlannedBusinessProcess(name, bp_name, bp) for bp_name, bp in spec.business_processes.items())
    has_owner = not custom or spec.sharing_model is not SharingModel.CONTROLLED_BY_PARENT
    return PlannedObject(name, custom, spec if (custom and spec.defines_object) else None, fields, record_types,
                         processes, has_owner)


def plan_schema(map_: MigrationMap) -> SchemaPlan:
    """Everything the generator writes for ``map_`` (expand the map first for auto fields/tables)."""
    objects: list[PlannedObject] = []
    activity_fields: dict[str, PlannedField] = {}
    for name in sorted(map_.targets):
        planned = _plan_object(map_, name, map_.targets[name])
        if name in ACTIVITY_OBJECTS:
            for field in planned.fields:
                activity_fields.setdefault(field.name, field)
            planned = planned._replace(fields=())
        objects.append(planned)
    if activity_fields:
        objects.append(PlannedObject("Activity", False, None, tuple(activity_fields[k] for k in sorted(activity_fields)),
                                     (), (), True))
    objects.sort(key=lambda o: o.name)
    layouts: list[PlannedLayout] = []
    for obj in objects:
        if obj.record_types:
            for rt in obj.record_types:
                layouts.append(_layout(map_, obj, rt.name, f"{rt.spec.label} Layout"))
        elif obj.spec is not None:
            layouts.append(_layout(map_, obj, None, f"{obj.spec.label} Layout"))
    return SchemaPlan(tuple(objects), tuple(layouts))
