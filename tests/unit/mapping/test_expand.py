"""Auto-mapped custom fields and custom tables: names, types and transforms from the audit."""

from __future__ import annotations

from control.mapping.document import MigrationMap
from control.mapping.expand import api_name_for, custom_table_object, expand_map
from control.mapping.inventory import SourceInventory
from control.mapping.targets import FieldKind
from control.mapping.transforms import BooleanTransform, NumberTransform, ParseDateTransform, ValueMapTransform

MAP = {
    "objects": [
        {"source": "work_orders", "routes": [{"name": "wo", "target": "Work_Order__c", "external_id": "ST__c",
                                              "custom_fields": "auto",
                                              "fields": [{"source": "custom_fields.PO Number", "target": "PO__c"}]}]},
        {"source": "locations", "routes": [{"name": "loc", "target": "Account", "mode": "merge",
                                            "merge": {"into": "wo", "via": "client_id"}, "custom_fields": "auto",
                                            "custom_field_prefix": "Site"}]},
    ],
}
INVENTORY = {"resources": [
    {"name": "work_orders", "fields": [
        {"name": "custom_fields.PO Number", "type": "string", "origin": "custom"},
        {"name": "custom_fields.NTE Amount", "type": "number", "origin": "custom", "scale": 3},
        {"name": "custom_fields.Requires Lift", "type": "boolean", "origin": "custom"},
        {"name": "custom_fields.Follow-up Date", "type": "date", "origin": "custom"},
        {"name": "custom_fields.SLA Tier", "type": "enum", "origin": "custom", "values": ["Gold", "Silver", "gold"]},
        {"name": "custom_fields.Notes", "type": "string", "origin": "custom", "max_length": 900}]},
    {"name": "locations", "fields": [{"name": "custom_fields.Gate Code", "type": "string", "origin": "custom"}]},
    {"name": "custom_tables/inspection_forms", "label": "Inspection Forms", "kind": "custom_table",
     "parent_resource": "work_orders", "fields": [
         {"name": "custom_fields.Passed", "type": "boolean", "origin": "custom"}]},
]}


def test_api_names() -> None:
    assert api_name_for("Gate Code") == "Gate_Code"
    assert api_name_for("PO Required?") == "PO_Required"
    assert api_name_for("Follow-up Date") == "Follow_Up_Date"
    assert api_name_for("2nd contact") == "X2nd_Contact"
    assert api_name_for("Gate Code", taken={"gate_code"}) == "Gate_Code_2"
    assert api_name_for("Pressure (psi)") == "Pressure_Psi"
    assert len(api_name_for("a very long label " * 5)) <= 40
    assert custom_table_object("inspection_forms") == "Inspection_Forms__c"


def test_auto_fields_and_tables() -> None:
    base = MigrationMap.model_validate(MAP)
    expanded = expand_map(base, SourceInventory.from_json(INVENTORY))
    fields = expanded.map.targets["Work_Order__c"].fields
    assert list(fields) == ["Follow_Up_Date__c", "NTE_Amount__c", "Notes__c", "Requires_Lift__c", "SLA_Tier__c"]
    assert fields["NTE_Amount__c"].type is FieldKind.NUMBER and fields["NTE_Amount__c"].scale == 3
    assert fields["Notes__c"].type is FieldKind.LONG_TEXT_AREA and fields["Notes__c"].length == 32768
    assert fields["SLA_Tier__c"].values == ("Gold", "Silver") and not fields["SLA_Tier__c"].restricted
    route = expanded.map.objects[0].routes[0]
    by_target = {r.target: r for r in route.fields}
    assert by_target["PO__c"].source == "custom_fields.PO Number"  # explicitly mapped: not duplicated
    assert isinstance(by_target["NTE_Amount__c"].transform[0], NumberTransform)
    assert isinstance(by_target["Requires_Lift__c"].transform[0], BooleanTransform)
    assert isinstance(by_target["Follow_Up_Date__c"].transform[0], ParseDateTransform)
    folding = by_target["SLA_Tier__c"].transform[0]
    assert isinstance(folding, ValueMapTransform) and folding.value_map.values["gold"].to == "Gold"
    merged = expanded.map.objects[1].routes[0]
    assert [r.target for r in merged.fields] == ["Site_Gate_Code__c"]
    assert expanded.map.targets["Account"].fields["Site_Gate_Code__c"].label == "Site Gate Code"
    table = expanded.map.objects[2]
    assert table.source == "custom_tables/inspection_forms"
    assert table.routes[0].target == "Inspection_Forms__c"
    spec = expanded.map.targets["Inspection_Forms__c"]
    assert spec.label == "Inspection Forms" and spec.name_field.display_format == "INSPECTION-{0000000}"
    assert list(spec.fields) == ["ServiceTracker_Id__c", "Work_Order__c", "Passed__c"]
    assert spec.fields["Work_Order__c"].reference_to == "Work_Order__c"
    assert [(e.kind, e.name) for e in expanded.added][:2] == [("object", "Inspection_Forms__c"),
                                                              ("field", "Follow_Up_Date__c")]


def test_no_inventory_means_no_expansion() -> None:
    base = MigrationMap.model_validate(MAP)
    assert expand_map(base, None).map is base
