"""The proposer on the labelled schemas it was not tuned on: the figures are computed here, every run.

Floors: top-1 ≥ 0.88, auto-accepted precision ≥ 0.98 at coverage ≥ 0.65 (the issue's targets are 0.90 and
0.70: not reached yet, see docs/proposer.md §Evaluation), calibration error ≤ 0.10, and the proposer beats
the names-only baseline on every held-out schema. The calibration file must be what fitting on the tuning
schemas produces, so nobody tunes it by hand (or on held-out data).
"""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from control.mapping.propose.model import CALIBRATION_FILE
from tests.support.mapping_eval import baseline, load_schemas, metrics, run_schema, target_schema
from tests.support.mapping_fit import fit_calibration


@pytest.fixture(scope="module")
def evaluated():
    target = target_schema()
    rows, per_schema, threshold = [], {}, 0.0
    for schema in load_schemas():
        if schema.split != "holdout":
            continue
        proposal, scored = run_schema(schema, target)
        threshold = proposal.threshold
        rows += scored
        per_schema[schema.name] = (metrics(scored, proposal.threshold), baseline(schema, target))
    return metrics(rows, threshold), per_schema


def test_there_are_enough_held_out_schemas_and_fields() -> None:
    schemas = load_schemas()
    assert {s.split for s in schemas} == {"tune", "holdout"}
    held_out = [s for s in schemas if s.split == "holdout"]
    assert len(held_out) >= 4 and sum(len(s.answers) for s in held_out) >= 250
    assert any(answer is None for s in held_out for answer in s.answers.values())  # "no match" answers exist


def test_held_out_accuracy_precision_and_coverage(evaluated) -> None:
    pooled, _ = evaluated
    assert pooled.top1 >= 0.88, pooled
    assert pooled.auto_precision >= 0.98, pooled
    assert pooled.auto_coverage >= 0.65, pooled
    assert pooled.hits3 >= 0.95, pooled
    assert pooled.ece <= 0.10, pooled


def test_better_than_names_alone_on_every_held_out_schema(evaluated) -> None:
    _, per_schema = evaluated
    for name, (m, names_only) in per_schema.items():
        assert m.top1 > names_only + 0.1, (name, m.top1, names_only)


def test_calibration_file_is_the_fit_on_the_tuning_schemas() -> None:
    stored = json.loads(files("control.mapping.propose").joinpath(CALIBRATION_FILE).read_text(encoding="utf-8"))
    fitted = fit_calibration(load_schemas(), target_schema()).as_json()
    assert stored["base"] == fitted
    assert set(fitted["fitted_on"]) == {s.name for s in load_schemas() if s.split == "tune"}
