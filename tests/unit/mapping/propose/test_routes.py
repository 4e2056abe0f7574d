"""Routes beyond one object per resource: work orders split into Case and a work-order object by their
type, technicians matched to Salesforce users by e-mail (and owning the work they are assigned), and the
reviewer's way out of both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from control.mapping.inventory import SourceInventory
from control.mapping.inventory_adapters import read_inventory
from control.mapping.loader import load_map
from control.mapping.propose import Decision, Decisions, DecisionKind, Verdict, propose_map
from control.mapping.propose.decisions import DECISIONS_FILE
from control.mapping.propose.review import review_map
from control.mapping.propose.route_split import work_kind
from control.mapping.propose.workspace import propose_into, repropose, schema_as_describes
from control.mapping.target_schema import read_describes
from control.mapping.validate import check_map
from tests.support.mapping_eval import target_schema

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture(scope="module")
def inventory() -> SourceInventory:
    return read_inventory(ROOT / "mapping" / "source-inventory.json")


@pytest.fixture(scope="module")
def target():
    return target_schema()


@pytest.mark.parametrize(("value", "kind"), [
    ("break_fix", "reactive"), ("support_request", "reactive"), ("Repair", "reactive"), ("EMERGENCY", "reactive"),
    ("preventive_maintenance", "planned"), ("scheduled_service", "planned"), ("installation", "planned"),
    ("Inspection", "planned"), ("PM", "planned"), ("consultation", None),
])
def test_work_kinds(value: str, kind: str | None) -> None:
    assert work_kind(value) == kind


def test_work_orders_split_by_type_into_case_and_a_work_order_object(inventory, target) -> None:
    proposal = propose_map(inventory, target)
    routes = [o for o in proposal.objects if o.resource == "work_orders"]
    assert [(o.route, o.target, o.create) for o in routes] == [
        ("work_orders_case", "Case", False), ("work_orders_work_order", "Work_Order__c", True)]
    case, rest = routes
    assert case.when == {"field": "type", "in": ["break_fix", "support_request"]} and rest.when is None
    assert "reactive work" in case.reasons[0] and "planned work" in case.reasons[1]
    assert 0.5 <= case.confidence <= 0.9
    picks = {d.key: (d.kind, d.target) for d in proposal.fields if d.column.resource == "work_orders"}
    assert picks["work_orders@work_orders_case:status"] == (DecisionKind.MAP, "Status")
    assert picks["work_orders@work_orders_case:summary"] == (DecisionKind.MAP, "Subject")
    assert picks["work_orders@work_orders_work_order:status"] == (DecisionKind.CREATE, "Status__c")
    type_map = next(vm for vm in proposal.value_maps if vm.target == "Case.Type")
    assert [e.source for e in type_map.entries] == ["break_fix", "support_request"]  # only what reaches Case


def test_the_org_s_own_work_order_object_takes_planned_work(tmp_path, inventory, target) -> None:
    describes = schema_as_describes(target)
    describes.append({"name": "Work_Order__c", "label": "Work Order", "custom": True, "createable": True,
                      "fields": [{"name": "Name", "type": "string", "label": "Work Order Number", "length": 80,
                                  "createable": True, "nillable": False, "defaultedOnCreate": False},
                                 {"name": "Status__c", "type": "picklist", "label": "Status", "createable": True,
                                  "nillable": True, "custom": True,
                                  "picklistValues": [{"value": v, "active": True} for v in
                                                     ("Scheduled", "In Progress", "Completed")]}]})
    path = tmp_path / "describes.json"
    path.write_text(json.dumps({"sobjects": describes}), encoding="utf-8")
    org = read_describes([path])
    proposal = propose_map(inventory, org)
    rest = [o for o in proposal.objects if o.resource == "work_orders"][1]
    assert (rest.target, rest.create) == ("Work_Order__c", False)
    picks = {d.key: (d.kind, d.target) for d in proposal.fields}
    assert picks["work_orders@work_orders_work_order:status"] == (DecisionKind.MAP, "Status__c")


def test_technicians_are_matched_to_users_and_own_their_work(inventory, target) -> None:
    proposal = propose_map(inventory, target)
    user, contact = [o for o in proposal.objects if o.resource == "technicians"]
    assert (user.route, user.target, user.mode) == ("technicians_user", "User", "match")
    assert user.match == {"target_field": "Email", "source": "email", "case_insensitive": True,
                          "where": {"IsActive": True}}
    assert (contact.route, contact.target, contact.mode) == ("technicians_contact", "Contact", "insert")
    assert not any(d.key.startswith("technicians@") for d in proposal.fields)  # the match route writes nothing
    owners = {o.route: o.owner for o in proposal.objects if o.owner}
    assert owners["work_orders_case"] == {"source": "technician_id", "via": "technicians_user",
                                          "unmatched": "fallback"}
    assert owners["work_order_tasks"]["source"] == "technician_id"


def test_the_split_map_validates_and_the_review_names_each_route(tmp_path, inventory, target) -> None:
    folder = tmp_path / "mapping"
    proposed = propose_into(folder, inventory, target)
    assert proposed.errors == ()
    assert check_map(load_map(folder), inventory=inventory, target=target).errors == ()
    doc = yaml.safe_load(next(folder.glob("*-work_orders.yml")).read_text(encoding="utf-8"))
    rule = doc["objects"][0]
    assert [r["name"] for r in rule["routes"]] == ["work_orders_case", "work_orders_work_order"]
    assert rule["routes"][0]["when"] == {"field": "type", "in": ["break_fix", "support_request"]}
    assert rule["routes"][0]["owner"]["via"] == "technicians_user"
    assert "reactive work" in rule["routes"][0]["rationale"]["reasons"][0]
    tech = yaml.safe_load(next(folder.glob("*-technicians.yml")).read_text(encoding="utf-8"))["objects"][0]
    assert tech["routes"][0]["mode"] == "match" and "fields" not in tech["routes"][0]
    rows = {r.key: r for r in review_map(folder).rows}
    assert rows["work_orders@work_orders_case"].target == "Case"
    assert rows["work_orders@work_orders_work_order:status"].kind == "create"
    assert rows["technicians@technicians_user"].kind == "match"
    assert rows["technicians:email"].target == "Contact.Email"


def test_a_reviewer_rejects_the_split_or_sets_one_object(tmp_path, inventory, target) -> None:
    folder = tmp_path / "mapping"
    propose_into(folder, inventory, target)
    Decisions().with_decision("objects", "work_orders@work_orders_case", Decision(Verdict.REJECT, "map", "Case",
                                                                                  by="Dana")) \
        .with_decision("objects", "technicians@technicians_user", Decision(Verdict.REJECT, "match", "User", by="Dana")) \
        .write(folder / DECISIONS_FILE)
    proposal = repropose(folder).proposal
    assert [o.target for o in proposal.objects if o.resource == "work_orders"] == ["Work_Order__c"]
    assert [o.target for o in proposal.objects if o.resource == "technicians"] == ["Contact"]
    assert not any(o.owner for o in proposal.objects)  # no user match, no owner rule through it
    Decisions().with_decision("objects", "work_orders", Decision(Verdict.EDIT, "map", "Case", by="Dana")) \
        .write(folder / DECISIONS_FILE)
    proposal = repropose(folder).proposal
    assert [(o.target, o.when) for o in proposal.objects if o.resource == "work_orders"] == [("Case", None)]
    assert {d.key for d in proposal.fields if d.column.resource == "work_orders"} >= {"work_orders:status"}


def test_proposing_again_after_a_deploy_uses_the_objects_it_made(tmp_path, inventory, target) -> None:
    first = propose_map(inventory, target)
    made = sorted({o.target for o in first.objects if o.create and o.target})
    assert {"Work_Order__c", "Invoice__c"} <= set(made)
    describes = schema_as_describes(target) + [  # the org after the generated metadata is deployed
        {"name": name, "label": name.removesuffix("__c").replace("_", " "), "custom": True, "createable": True,
         "fields": [{"name": "Name", "type": "string", "label": "Name", "length": 80, "createable": True,
                     "nillable": False, "defaultedOnCreate": False}]} for name in made]
    path = tmp_path / "deployed.json"
    path.write_text(json.dumps({"sobjects": describes}), encoding="utf-8")
    again = propose_map(inventory, read_describes([path]))
    routes = {(o.resource, o.route): (o.target, o.create) for o in again.objects}
    assert not any(create for _, create in routes.values())
    assert routes[("invoices", "invoices")] == ("Invoice__c", False)
    assert routes[("work_orders", "work_orders_work_order")] == ("Work_Order__c", False)
    assert not any("_2__c" in (o.target or "") for o in again.objects)
