"""Field matching details: the one-to-one assignment, second street lines joined into the street field,
a required Name taken by the short text that only matched Description, and what reviewers do to those."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from control.mapping.inventory import FieldOrigin, SourceField, SourceInventory, SourceResource, SourceType
from control.mapping.inventory_adapters import read_inventory
from control.mapping.propose import Decision, Decisions, DecisionKind, Verdict, propose_map
from control.mapping.propose.assignment import best_assignment
from control.mapping.propose.decisions import DECISIONS_FILE
from control.mapping.propose.review import review_map
from control.mapping.propose.workspace import propose_into, repropose
from tests.support.mapping_eval import target_schema

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture(scope="module")
def inventory() -> SourceInventory:
    return read_inventory(ROOT / "mapping" / "source-inventory.json")


@pytest.fixture(scope="module")
def target():
    return target_schema()


def test_assignment_maximises_the_expected_right_matches() -> None:
    # greedy (highest pair first) would give source_type Type and leave category without a field
    weights = {"source_type": {"Type": 0.28, "Origin": 0.21}, "category": {"Type": 0.20, "Origin": 0.01}}
    assert best_assignment(["source_type", "category"], weights) == {"source_type": "Origin", "category": "Type"}


def test_assignment_leaves_a_row_out_rather_than_force_a_zero_weight() -> None:
    weights = {"a": {"X": 0.9}, "b": {"X": 0.5, "Y": 0.0}, "c": {}}
    assert best_assignment(["a", "b", "c"], weights) == {"a": "X"}
    assert best_assignment([], {}) == {}


def test_assignment_is_deterministic_on_ties() -> None:
    weights = {"a": {"X": 0.5, "Y": 0.5}, "b": {"X": 0.5, "Y": 0.5}}
    first = best_assignment(["a", "b"], weights)
    assert first == best_assignment(["a", "b"], weights) and set(first.values()) == {"X", "Y"}


def test_a_second_street_line_is_joined_into_the_street_field(tmp_path, inventory, target) -> None:
    proposal = propose_map(inventory, target)
    picks = {d.key: d for d in proposal.fields}
    line1, line2 = picks["clients:billing_address.line1"], picks["clients:billing_address.line2"]
    assert (line1.kind, line1.target) == (DecisionKind.MAP, "BillingStreet")
    assert line1.transform == ({"concatenate": {"sources": ["billing_address.line1", "billing_address.line2"],
                                                "separator": "\n"}},)
    assert (line2.kind, line2.target) == (DecisionKind.JOIN, "BillingStreet")
    assert "second street line" in line2.reasons[0]
    assert not any(t.endswith("Line2__c") for t in proposal.targets["Account"].fields)
    folder = tmp_path / "mapping"
    assert propose_into(folder, inventory, target).errors == ()
    clients = yaml.safe_load((folder / "010-clients.yml").read_text(encoding="utf-8"))
    street = next(r for r in clients["objects"][0]["routes"][0]["fields"] if r["target"] == "BillingStreet")
    assert "source" not in street and street["transform"]["concatenate"]["sources"][1] == "billing_address.line2"
    rows = {r.key: r for r in review_map(folder).rows}
    assert (rows["clients:billing_address.line1"].kind, rows["clients:billing_address.line2"].kind) == ("map", "join")


def test_a_rejected_join_gets_a_field_of_its_own(tmp_path, inventory, target) -> None:
    folder = tmp_path / "mapping"
    propose_into(folder, inventory, target)
    Decisions().with_decision("fields", "clients:billing_address.line2",
                              Decision(Verdict.REJECT, "join", "BillingStreet", by="Dana")).write(folder / DECISIONS_FILE)
    picks = {d.key: d for d in repropose(folder).proposal.fields}
    assert picks["clients:billing_address.line2"].kind is DecisionKind.CREATE
    assert picks["clients:billing_address.line1"].transform == ()


def test_a_required_name_takes_the_short_text_that_only_matched_description(target) -> None:
    parts = SourceResource("parts", "Part", {
        "id": SourceField("id", SourceType.ID, FieldOrigin.CORE),
        "prt_no": SourceField("prt_no", SourceType.STRING, FieldOrigin.CORE),
        "prt_desc": SourceField("prt_desc", SourceType.STRING, FieldOrigin.CORE),
        "notes": SourceField("notes", SourceType.TEXT, FieldOrigin.CORE)})
    proposal = propose_map(SourceInventory([parts]), target)
    picks = {d.key: (d.kind, d.target) for d in proposal.fields}
    assert picks["parts:prt_desc"] == (DecisionKind.MAP, "Name")
    assert picks["parts:notes"] == (DecisionKind.MAP, "Description")
    reasons = next(d.reasons for d in proposal.fields if d.key == "parts:prt_desc")
    assert reasons[0].startswith("Salesforce requires Name")
