"""The map's models accept the documented YAML shapes and refuse the wrong ones with a reason."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from control.mapping.conditions import AllOf, FieldTest, LandsInTest, NotCondition, SiblingTest
from control.mapping.rules import FieldRule, MissingParent, ObjectRule, OwnerRule, Route, RouteMode
from control.mapping.targets import FieldKind, FieldSpec, NameFieldSpec
from control.mapping.transforms import (
    LookupTransform,
    NaivePolicy,
    ParseDatetimeTransform,
    PolymorphicLookupTransform,
    TransformKind,
    TruncateTransform,
    ValueMapTransform,
    transform_kind,
)
from control.mapping.values import Unmapped, ValueMap


def test_transform_pipeline_forms() -> None:
    rule = FieldRule.model_validate({"source": "name", "target": "Name",
                                     "transform": [{"truncate": 80}, "parse_datetime", {"value_map": "x"}]})
    assert [transform_kind(s) for s in rule.transform] == [TransformKind.TRUNCATE, TransformKind.PARSE_DATETIME,
                                                           TransformKind.VALUE_MAP]
    assert isinstance(rule.transform[0], TruncateTransform) and rule.transform[0].truncate.length == 80
    assert isinstance(rule.transform[1], ParseDatetimeTransform)
    assert rule.transform[1].parse_datetime.naive is NaivePolicy.REJECT
    single = FieldRule.model_validate({"source": "s", "target": "T", "transform": {"value_map": "m"}})
    assert isinstance(single.transform[0], ValueMapTransform) and single.transform[0].value_map == "m"


def test_unknown_transform_is_refused() -> None:
    with pytest.raises(ValidationError, match="a transform step is a one-key mapping"):
        FieldRule.model_validate({"source": "s", "target": "T", "transform": {"lookupp": {"rule": "x"}}})


def test_sources_rules() -> None:
    with pytest.raises(ValidationError, match="needs a source"):
        FieldRule.model_validate({"target": "T"})
    with pytest.raises(ValidationError, match="drop source"):
        FieldRule.model_validate({"source": "a", "target": "T", "transform": {"constant": 1}})
    fixed = FieldRule.model_validate({"target": "AccountId", "transform": {"lookup": {"record": "techs"}}})
    assert isinstance(fixed.transform[0], LookupTransform) and fixed.transform[0].lookup.record == "techs"
    assert fixed.is_lookup
    with pytest.raises(ValidationError, match="on_missing: default needs a default"):
        FieldRule.model_validate({"source": "a", "target": "T", "on_missing": "default",
                                  "transform": {"lookup": {"rule": "r"}}})


def test_polymorphic_forms() -> None:
    by_type = FieldRule.model_validate({"source": "parent_id", "target": "ParentId", "transform": {
        "polymorphic_lookup": {"type_field": "parent_resource", "targets": {"clients": "a", "projects": ["b", "c"]}}}})
    step = by_type.transform[0]
    assert isinstance(step, PolymorphicLookupTransform)
    assert step.polymorphic_lookup.routes_for("projects") == ("b", "c")
    assert step.polymorphic_lookup.all_routes() == ("a", "b", "c")
    with pytest.raises(ValidationError, match="either type_field"):
        FieldRule.model_validate({"source": "p", "target": "T", "transform": {"polymorphic_lookup": {"type_field": "x"}}})


def test_conditions() -> None:
    route = Route.model_validate({"name": "r", "target": "Case", "external_id": "X__c", "when": {"all": [
        {"field": "type", "in": ["a", "b"]}, {"not": {"field": "body", "longer_than": 4000}},
        {"siblings": {"by": "client_id", "equals": 1}}, {"lands_in": {"field": "parent_id", "targets": ["Case"]}}]}})
    assert isinstance(route.when, AllOf)
    first, second, third, fourth = route.when.all
    assert isinstance(first, FieldTest) and first.operator == "in" and first.operand == ("a", "b")
    assert isinstance(second, NotCondition) and second.not_.longer_than == 4000
    assert isinstance(third, SiblingTest) and third.siblings.equals == 1
    assert isinstance(fourth, LandsInTest) and fourth.lands_in.targets == ("Case",)
    with pytest.raises(ValidationError, match="exactly one operator"):
        Route.model_validate({"name": "r", "target": "Case", "when": {"field": "x", "equals": 1, "in": [1]}})


def test_route_modes() -> None:
    with pytest.raises(ValidationError, match="match: is needed"):
        Route.model_validate({"name": "r", "target": "User", "mode": "match"})
    route = Route.model_validate({"name": "r", "target": "User", "mode": "match",
                                  "match": {"target_field": "Email", "source": "email"}})
    assert route.mode is RouteMode.MATCH and route.match.case_insensitive
    with pytest.raises(ValidationError, match="takes no external_id"):
        Route.model_validate({"name": "r", "target": "Account", "mode": "merge", "external_id": "X__c",
                              "merge": {"into": "a", "via": "client_id"}})
    assert Route.model_validate({"name": "r", "target": "A"}).missing_parent is MissingParent.QUARANTINE


def test_object_rule_needs_routes_or_skip() -> None:
    with pytest.raises(ValidationError, match="needs routes, or skip"):
        ObjectRule.model_validate({"source": "x"})
    with pytest.raises(ValidationError, match="a skipped resource has no routes"):
        ObjectRule.model_validate({"source": "x", "skip": "why", "routes": [{"name": "r", "target": "A"}]})


def test_owner_rule_forms() -> None:
    assert OwnerRule.model_validate({"user": "a@b.c"}).user == "a@b.c"
    with pytest.raises(ValidationError, match="needs user, or both source"):
        OwnerRule.model_validate({"source": "technician_id"})


def test_value_map_normalises_keys_and_entries() -> None:
    vm = ValueMap.model_validate({"values": {True: "Yes", 2: "Two", "a": {"to": "A", "rationale": {"confidence": 0.5}}},
                                  "unmapped": "default", "default": "Other"})
    assert set(vm.values) == {"true", "2", "a"}
    assert vm.values["a"].rationale.confidence == 0.5
    assert vm.target_values() == ("Yes", "Two", "A", "Other")
    assert vm.unmapped is Unmapped.DEFAULT
    with pytest.raises(ValidationError, match="unmapped: default needs a default"):
        ValueMap.model_validate({"values": {}, "unmapped": "default"})


@pytest.mark.parametrize("spec, message", [
    ({"type": "Text", "label": "X"}, "needs length 1..255"),
    ({"type": "LongTextArea", "label": "X", "length": 100}, "needs length 256"),
    ({"type": "Currency", "label": "X", "precision": 10}, "needs precision and scale"),
    ({"type": "Picklist", "label": "X"}, "exactly one of values or value_map"),
    ({"type": "Lookup", "label": "X", "reference_to": "Account"}, "needs reference_to and relationship_name"),
    ({"type": "MasterDetail", "label": "X", "reference_to": "A", "relationship_name": "B", "required": True},
     "always required"),
    ({"type": "Checkbox", "label": "X", "unique": True}, "unique is only"),
])
def test_field_spec_consistency(spec, message) -> None:
    with pytest.raises(ValidationError, match=message):
        FieldSpec.model_validate(spec)


def test_field_spec_and_name_field_ok() -> None:
    spec = FieldSpec.model_validate({"type": "Text", "label": "Id", "length": 64, "external_id": True, "unique": True})
    assert spec.type is FieldKind.TEXT and spec.external_id
    with pytest.raises(ValidationError, match="display_format"):
        NameFieldSpec.model_validate({"label": "N", "type": "AutoNumber"})


def test_api_names_are_checked() -> None:
    with pytest.raises(ValidationError, match="is not a Salesforce API name"):
        FieldRule.model_validate({"source": "a", "target": "Bad__Name__c"})
