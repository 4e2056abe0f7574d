"""propose_map on ServiceTracker's inventory: a valid map, a decision for every field, decisions kept
across re-runs, and the approval gate applied to a proposed map."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from control.errors import NotApprovedError, UsageError
from control.mapping.approval import approve_map, require_approved
from control.mapping.inventory import SourceField, SourceType
from control.mapping.inventory_adapters import read_inventory
from control.mapping.loader import load_map
from control.mapping.propose import Decision, Decisions, DecisionKind, Verdict, propose_map
from control.mapping.propose.decisions import DECISIONS_FILE
from control.mapping.propose.review import render_review_html, review_map
from control.mapping.propose.source import columns_of
from control.mapping.propose.workspace import propose_into, repropose
from control.mapping.validate import check_map
from control.settings import load_settings
from tests.support.mapping_eval import target_schema

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture(scope="module")
def inventory():
    return read_inventory(ROOT / "mapping" / "source-inventory.json")


@pytest.fixture(scope="module")
def target():
    return target_schema()


@pytest.fixture
def project(tmp_path: Path):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "st2sf.toml").write_text('[project]\nname = "proposal"\n', encoding="utf-8")
    return load_settings(root, env={})


def test_every_source_field_gets_a_decision_on_every_route(inventory, target) -> None:
    proposal = propose_map(inventory, target)
    decided = [d.key for d in proposal.fields if d.column.path]
    expected = []
    for resource in inventory.resources.values():
        for route in proposal.objects:
            if route.resource == resource.name and route.mode != "match":  # a match route writes no fields
                prefix = route.key if route.split else resource.name
                expected += [f"{prefix}:{c.path}" for c in columns_of(resource)]
    assert sorted(set(decided)) == sorted(expected)
    for d in proposal.fields:
        assert 0.0 <= d.confidence <= 1.0 and d.reasons, d
        if d.kind is DecisionKind.SKIP:
            assert d.skip_reason, d


def test_known_fields_land_where_a_person_would_put_them(inventory, target) -> None:
    proposal = propose_map(inventory, target)
    route = {o.resource: o.target for o in proposal.objects}
    assert (route["clients"], route["client_contacts"], route["assets"], route["contracts"]) == \
        ("Account", "Contact", "Asset", "Contract")
    assert route["workflows"] is None and route["mobile_devices"] is None
    picks = {d.key: (d.kind, d.target) for d in proposal.fields}
    assert picks["clients:name"] == (DecisionKind.MAP, "Name")
    assert picks["clients:billing_address.postal_code"] == (DecisionKind.MAP, "BillingPostalCode")
    assert picks["client_contacts:client_id"] == (DecisionKind.MAP, "AccountId")
    assert picks["assets:serial_number"] == (DecisionKind.MAP, "SerialNumber")
    assert picks["clients:updated_at"][0] is DecisionKind.SKIP
    assert picks["clients:custom_fields.Credit Limit"] == (DecisionKind.CREATE, "Credit_Limit__c")
    industry = next(vm for vm in proposal.value_maps if vm.target == "Account.Industry")
    assert {e.source: e.target for e in industry.entries}["healthcare"] == "Healthcare"


def test_the_written_map_validates_and_carries_rationales(tmp_path, inventory, target) -> None:
    proposed = propose_into(tmp_path / "mapping", inventory, target)
    assert proposed.errors == ()
    loaded = load_map(tmp_path / "mapping")
    assert check_map(loaded, inventory=inventory, target=target).errors == ()
    clients = yaml.safe_load((tmp_path / "mapping" / "010-clients.yml").read_text(encoding="utf-8"))
    rules = {r["source"]: r for r in clients["objects"][0]["routes"][0]["fields"] if "source" in r}
    assert rules["phone"]["rationale"]["confidence"] >= 0.9
    assert rules["phone"]["rationale"]["proposed_by"] == "st2sf-proposer/1"
    assert rules["phone"]["rationale"]["alternatives"][0]["target"] == "Fax"
    skipped = clients["objects"][0]["routes"][0]["skipped"]
    assert {"source": "updated_at"}.items() <= skipped[0].items()


def test_refuses_to_write_over_a_hand_written_map(tmp_path, inventory, target) -> None:
    folder = tmp_path / "mapping"
    shutil.copytree(ROOT / "mapping", folder)
    with pytest.raises(UsageError, match="did not write"):
        propose_into(folder, inventory, target)


def test_reviewer_decisions_survive_a_new_proposal_on_new_data(tmp_path, inventory, target) -> None:
    folder = tmp_path / "mapping"
    propose_into(folder, inventory, target)
    decisions = (Decisions()
                 .with_decision("fields", "clients:status", Decision(Verdict.EDIT, "map", "Type", by="Dana"))
                 .with_decision("fields", "clients:phone", Decision(Verdict.REJECT, "map", "Phone", by="Dana"))
                 .with_decision("fields", "clients:custom_fields.Region",
                                Decision(Verdict.EDIT, "skip", reason="retired field", by="Dana")))
    decisions.write(folder / DECISIONS_FILE)
    clients = inventory.resources["clients"]
    grown = {**clients.fields, "custom_fields.Fax Line": SourceField("custom_fields.Fax Line", SourceType.PHONE)}
    newer = type(inventory)([clients._replace(fields=grown), *(r for n, r in inventory.resources.items()
                                                                if n != "clients")])
    proposed = propose_into(folder, newer, target)
    picks = {d.key: d for d in proposed.proposal.fields}
    assert (picks["clients:status"].kind, picks["clients:status"].target) == (DecisionKind.MAP, "Type")
    assert picks["clients:status"].review["by"] == "Dana"
    assert picks["clients:phone"].target != "Phone"
    assert picks["clients:custom_fields.Region"].skip_reason == "retired field"
    assert "clients:custom_fields.Fax Line" in picks
    rows = {r.key: r for r in review_map(folder).rows}
    assert rows["clients:status"].reviewed.startswith("edit by Dana")
    page = render_review_html(review_map(folder))
    assert "clients:status" in page and "<script>" in page


def test_review_filters(tmp_path, inventory, target) -> None:
    propose_into(tmp_path / "m", inventory, target)
    low = review_map(tmp_path / "m", below=0.8)
    assert low.rows and all(r.confidence < 0.8 for r in low.rows)
    created = review_map(tmp_path / "m", kinds=["create"], resource="clients")
    assert created.rows and {r.kind for r in created.rows} == {"create"} and {r.resource for r in created.rows} == {"clients"}


@pytest.mark.slow
def test_a_proposed_map_goes_through_the_approval_gate(project, inventory, target) -> None:
    folder = project.root / "mapping"
    propose_into(folder, inventory, target)
    approval = approve_map(project, folder, by="Dana Reyes")
    assert require_approved(project, folder) == approval
    Decisions().with_decision("fields", "clients:status", Decision(Verdict.EDIT, "map", "Type", by="Sam")) \
        .write(folder / DECISIONS_FILE)
    repropose(folder)
    with pytest.raises(NotApprovedError) as info:
        require_approved(project, folder)
    assert "changed since Dana Reyes approved it" in str(info.value)
    changes = info.value.context["changes"]
    assert any("clients" in c and "Type" in c for c in changes), changes
    assert "Type" in str(info.value)
    again = approve_map(project, folder, by="Dana Reyes")
    assert require_approved(project, folder) == again
