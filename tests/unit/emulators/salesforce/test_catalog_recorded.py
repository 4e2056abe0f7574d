"""Rendered describes of the recorded standard objects against the real describes CumulusCI recorded.

The recorded describes are read from the installed cumulusci package (never copied into the repo). Custom
fields of the org they were recorded in (``ns__LinkedAccount__c`` …) are not part of Salesforce's standard
objects and are left out on both sides.
"""

from __future__ import annotations

import dataclasses

import pytest

from emulators.salesforce.catalog import RecordTypeInfo, describe_sobject, standard_schemas
from emulators.salesforce.catalog.describe_fields import render_field
from emulators.salesforce.catalog.recorded import recorded_describe

COMPARED = ("Account", "Contact", "Case", "Opportunity", "Event", "Lead", "OpportunityContactRole")


def _version_and_host(recorded: dict) -> tuple[str, str]:
    urls = recorded["urls"]
    version = urls["describe"].split("/")[3][1:]  # /services/data/v48.0/... → 48.0
    ui = urls.get("uiDetailTemplate", "https://x/{ID}")
    return version, ui[: ui.index("/", len("https://"))]


def _render_like(name: str, recorded: dict, record_types=()) -> dict:
    version, host = _version_and_host(recorded)
    return describe_sobject(
        standard_schemas()[name], record_types=record_types, api_version=version, instance_url=host
    )


def _standard_fields(recorded: dict) -> list[dict]:
    return [f for f in recorded["fields"] if not f["name"].endswith("__c")]


@pytest.mark.parametrize("name", COMPARED)
def test_every_field_renders_exactly_as_recorded(name):
    recorded = recorded_describe(name)
    ours = _render_like(name, recorded)["fields"]
    expected = _standard_fields(recorded)
    assert [f["name"] for f in ours] == [f["name"] for f in expected]
    for mine, real in zip(ours, expected):
        assert mine == real, f"{name}.{real['name']} differs"


def test_org_specific_custom_fields_of_the_recording_are_dropped():
    recorded = recorded_describe("Account")
    assert {"ns__LinkedAccount__c", "Primary_Contact__c"} <= {f["name"] for f in recorded["fields"]}
    account = standard_schemas()["Account"]
    assert not [f.name for f in account.fields if f.name.endswith("__c")]
    assert account.field("Name").is_required_on_create
    assert account.field("OwnerId").defaulted_on_create


# Attributes our type rules derive for fields we author (no recorded ``extra``): they must agree with the
# real describes everywhere but these known oddities of individual standard fields.
DERIVED_KEYS = (
    "soapType", "byteLength", "aggregatable", "namePointing", "polymorphicForeignKey", "queryByDistance",
    "dependentPicklist", "cascadeDelete", "restrictedDelete", "searchPrefilterable", "calculatedFormula",
    "encrypted", "highScaleNumber", "deprecatedAndHidden",
)
KNOWN_ODDITIES = {
    ("Case", "Comments", "aggregatable"),  # a 4000-character text area Salesforce aggregates anyway
    ("Case", "Comments", "byteLength"),  # reported as 4000 bytes, not 3 × 4000
    ("Opportunity", "Fiscal", "byteLength"),  # a derived 6-character string reported as 6 bytes
    ("Event", "ActivityDate", "aggregatable"),
}


def test_type_rules_reproduce_real_attributes_without_recorded_extras():
    schemas = standard_schemas()
    mismatches = set()
    for name in COMPARED:
        for real in _standard_fields(recorded_describe(name)):
            bare = dataclasses.replace(schemas[name].field(real["name"]), extra={})
            derived = render_field(bare)
            mismatches |= {(name, real["name"], key) for key in DERIVED_KEYS if derived[key] != real[key]}
    assert mismatches == KNOWN_ODDITIES


@pytest.mark.parametrize("name", COMPARED)
def test_object_level_attributes_and_urls_match(name):
    recorded = recorded_describe(name)
    ours = _render_like(name, recorded)
    for key, value in recorded.items():
        if key in ("fields", "childRelationships", "recordTypeInfos"):
            continue
        assert ours[key] == value, f"{name}: {key}"


def test_account_record_types_render_like_the_recording():
    recorded = recorded_describe("Account")
    household = RecordTypeInfo(
        id="01254000001upcKAAQ", developer_name="Household", name="Household", active=True, default=True
    )
    ours = _render_like("Account", recorded, record_types=[household])
    assert ours["recordTypeInfos"] == recorded["recordTypeInfos"]


@pytest.mark.parametrize("name", ["Contact", "Case", "Opportunity", "Event", "Lead"])
def test_master_record_type_is_added_when_the_org_has_no_other(name):
    recorded = recorded_describe(name)
    assert _render_like(name, recorded)["recordTypeInfos"] == recorded["recordTypeInfos"]


def test_objects_without_record_type_support_describe_none():
    recorded = recorded_describe("OpportunityContactRole")
    assert recorded["recordTypeInfos"] == []
    assert _render_like("OpportunityContactRole", recorded)["recordTypeInfos"] == []


@pytest.mark.parametrize("name", COMPARED)
def test_child_relationships_match_the_recording_for_children_in_the_catalog(name):
    schemas = standard_schemas()
    recorded = recorded_describe(name)
    ours = _render_like(name, recorded)["childRelationships"]
    real = {(c["childSObject"], c["field"]): c for c in recorded["childRelationships"]}
    for rel in ours:
        assert rel == real[(rel["childSObject"], rel["field"])]
    rendered = {(c["childSObject"], c["field"]) for c in ours}
    expected = {
        key for key in real
        if key[0] in schemas and schemas[key[0]].field(key[1]) is not None and not key[1].endswith("__c")
    }
    assert rendered == expected


def test_account_delete_semantics_toward_its_children():
    account = {r.child_sobject + "." + r.field: r for r in standard_schemas()["Account"].child_relationships}
    assert (account["Contact.AccountId"].relationship_name, account["Contact.AccountId"].cascade_delete) == (
        "Contacts", True)
    assert account["Case.AccountId"].restricted_delete and not account["Case.AccountId"].cascade_delete
    assert account["Opportunity.AccountId"].cascade_delete
    assert account["Asset.AccountId"].cascade_delete
    assert account["Contract.AccountId"].cascade_delete and account["Contract.AccountId"].restricted_delete
