"""Auto-accept thresholds per class of decision: which decisions a person must look at.

A new field is auto-accepted only when no existing field can hold the values; a new field that an existing
field could replace is always reviewed, whatever its confidence (docs/proposer.md §What confidence means).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from control.mapping.inventory_adapters import read_inventory
from control.mapping.propose import Decision, Decisions, DecisionKind, Verdict
from control.mapping.propose.decisions import DECISIONS_FILE
from control.mapping.propose.model import (
    NEVER_AUTO_ACCEPTED,
    AutoClass,
    accepted,
    auto_class,
    decision_class,
    describe_thresholds,
    load_calibration,
)
from control.mapping.propose.review import render_review_html, review_map
from control.mapping.propose.workspace import propose_into
from tests.support.mapping_eval import target_schema

ROOT = Path(__file__).resolve().parents[4]
THRESHOLDS = {"map": 0.6, "create_custom": None, "create_core": None, "create_unfit": 0.5}


def test_classes_of_decisions() -> None:
    assert auto_class("map", custom=False) is AutoClass.MAP
    assert auto_class("skip", custom=True) is AutoClass.MAP
    assert auto_class("join", custom=False) is AutoClass.MAP
    assert auto_class("create", custom=True) is AutoClass.CREATE_CUSTOM
    assert auto_class("create", custom=True, fits=False) is AutoClass.CREATE_CUSTOM
    assert auto_class("create", custom=False) is AutoClass.CREATE_CORE
    assert auto_class("create", custom=False, fits=False) is AutoClass.CREATE_UNFIT
    # a proposed decision's assigned candidate is None when no field can hold the values
    assert decision_class("create", False, (None, 0.0, 0.0)) is AutoClass.CREATE_UNFIT
    assert decision_class("create", False, ("Description", 0.02, 0.01)) is AutoClass.CREATE_CORE
    assert decision_class("create", False, None) is AutoClass.CREATE_CORE  # made by a rule: could be held


def test_a_class_without_threshold_is_never_accepted() -> None:
    assert accepted(THRESHOLDS, AutoClass.MAP, 0.6) and not accepted(THRESHOLDS, AutoClass.MAP, 0.59)
    assert not accepted(THRESHOLDS, AutoClass.CREATE_CUSTOM, 1.0)
    assert not accepted(THRESHOLDS, AutoClass.CREATE_CORE, 1.0)
    assert accepted(THRESHOLDS, AutoClass.CREATE_UNFIT, 0.5)
    assert describe_thresholds(THRESHOLDS) == (
        "existing field ≥ 0.60 · new field for a custom field: always reviewed · "
        "new field no existing field could hold ≥ 0.50 · other new field: always reviewed")


@pytest.mark.parametrize("kind", ["base", "ai"])
def test_the_packaged_calibration_never_accepts_new_fields_an_existing_field_could_hold(kind: str) -> None:
    calibration = load_calibration(kind)
    assert set(calibration.thresholds) == {str(c) for c in AutoClass}
    assert NEVER_AUTO_ACCEPTED == {AutoClass.CREATE_CORE, AutoClass.CREATE_CUSTOM}
    for cls in NEVER_AUTO_ACCEPTED:
        assert calibration.thresholds[str(cls)] is None
    assert 0.5 <= calibration.thresholds["map"] < 1.0


def test_a_proposal_counts_and_records_what_it_auto_accepts(tmp_path: Path) -> None:
    inventory = read_inventory(ROOT / "mapping" / "source-inventory.json")
    folder = tmp_path / "mapping"
    proposed = propose_into(folder, inventory, target_schema())
    proposal = proposed.proposal
    creates = [d for d in proposal.fields if d.kind is DecisionKind.CREATE and d.scores and d.scores[0] is not None]
    assert creates, "ServiceTracker's custom fields get new fields an existing field could hold"
    assert not any(proposal.auto_accepted(d) for d in creates)
    auto = [d for d in proposal.fields if proposal.auto_accepted(d)]
    assert proposal.summary()["auto_accepted"] == len(auto)
    assert proposal.summary()["to_review"] == len(proposal.fields) - len(auto)
    info = json.loads((folder / "proposal.json").read_text(encoding="utf-8"))
    for d in proposal.fields:
        if d.column.path and d.key in info["columns"]:
            assert info["columns"][d.key]["auto_class"] == str(d.auto_class)
            assert info["columns"][d.key]["auto"] is proposal.auto_accepted(d)
    review = review_map(folder)
    rows = {r.key: r for r in review.rows if r.scope == "field"}
    for d in creates:
        assert rows[d.key].auto is False
    assert review.summary()["auto"] == sum(1 for r in rows.values() if r.auto)
    page = render_review_html(review)
    assert "new field for a custom field: always reviewed" in page


def test_a_decision_a_person_made_needs_no_review(tmp_path: Path) -> None:
    inventory = read_inventory(ROOT / "mapping" / "source-inventory.json")
    folder = tmp_path / "mapping"
    first = propose_into(folder, inventory, target_schema()).proposal
    create = next(d for d in first.fields if d.kind is DecisionKind.CREATE and d.column.path.startswith("custom_"))
    assert not first.auto_accepted(create)
    Decisions().with_decision("fields", create.key, Decision(Verdict.ACCEPT, "create", None, by="Dana")).write(
        folder / DECISIONS_FILE)
    again = propose_into(folder, inventory, target_schema()).proposal
    decided = again.field(create.key)
    assert decided is not None and decided.review is not None and again.auto_accepted(decided)
    assert {r.key: r for r in review_map(folder).rows}[create.key].auto is True
