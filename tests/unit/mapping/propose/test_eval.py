"""The proposer on the labelled schemas it was not tuned on: the figures are computed here, every run.

The held-out schemas (``split: holdout``, the fourth blind batch) were written by someone who had not seen
the proposer's lexicon, and were first run after the method was frozen (docs/proposer.md §Evaluation). The
issue's targets on them — top-1 ≥ 0.90, and auto-accepted decisions right ≥ 98 % of the time while covering
≥ 70 % of the fields — are **not met**: top-1 0.876, auto precision 0.972 at coverage 0.645. Each target is
asserted exactly by a test marked as an expected failure (strict: the day it passes, pytest reports it and
the mark must go); ``test_held_out_floors`` pins today's figures so a regression fails the suite. The
calibration file must be what fitting on the tuning schemas produces, so nobody tunes it by hand (or on
held-out data).
"""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from control.mapping.propose.model import CALIBRATION_FILE
from tests.support.mapping_eval import Metrics, baseline, load_schemas, metrics, run_schema, target_schema
from tests.support.mapping_fit import fit_calibration

TOP1_TARGET = 0.90
PRECISION_TARGET, COVERAGE_TARGET = 0.98, 0.70
PRECISION_FLOOR, COVERAGE_FLOOR = 0.965, 0.63  # measured 0.972 at 0.645 (base scorers); the target is not reached
TOP1_FLOOR, HITS3_FLOOR = 0.87, 0.91  # measured 0.876 and 0.919


@pytest.fixture(scope="module")
def evaluated() -> tuple[Metrics, dict[str, tuple[Metrics, float]]]:
    target = target_schema()
    rows, per_schema, threshold = [], {}, {}
    for schema in load_schemas():
        if schema.split != "holdout":
            continue
        proposal, scored = run_schema(schema, target)
        threshold = proposal.thresholds
        rows += scored
        per_schema[schema.name] = (metrics(scored, proposal.thresholds), baseline(schema, target))
    return metrics(rows, threshold), per_schema


def test_there_are_enough_held_out_schemas_and_fields() -> None:
    schemas = load_schemas()
    assert {s.split for s in schemas} == {"tune", "holdout"}
    held_out = [s for s in schemas if s.split == "holdout"]
    assert len(held_out) >= 6 and sum(len(s.answers) for s in held_out) >= 450
    assert sum(1 for s in held_out if "_st_" not in s.name) >= 4  # not mostly ServiceTracker variants
    assert any(answer is None for s in held_out for answer in s.answers.values())  # "no match" answers exist


@pytest.mark.xfail(strict=True, reason="not reached on the fourth blind batch: top-1 0.876 (target 0.90); "
                                       "see docs/proposer.md §Evaluation")
def test_held_out_top1_reaches_the_target(evaluated) -> None:
    pooled, _ = evaluated
    assert pooled.top1 >= TOP1_TARGET, pooled


@pytest.mark.xfail(strict=True, reason="not reached: held-out auto-accepted precision 0.972 at coverage 0.645 "
                                       "(target 0.98 at 0.70); see docs/proposer.md §Evaluation")
def test_held_out_auto_accept_target(evaluated) -> None:
    pooled, _ = evaluated
    assert pooled.auto_precision >= PRECISION_TARGET and pooled.auto_coverage >= COVERAGE_TARGET, pooled


def test_held_out_floors(evaluated) -> None:
    pooled, _ = evaluated
    assert pooled.top1 >= TOP1_FLOOR and pooled.hits3 >= HITS3_FLOOR, pooled
    assert pooled.auto_precision >= PRECISION_FLOOR, pooled
    assert pooled.auto_coverage >= COVERAGE_FLOOR, pooled
    assert pooled.ece <= 0.07, pooled


def test_better_than_names_alone_on_every_held_out_schema(evaluated) -> None:
    _, per_schema = evaluated
    for name, (m, names_only) in per_schema.items():
        assert m.top1 > names_only + 0.1, (name, m.top1, names_only)


@pytest.mark.slow
def test_calibration_file_is_the_fit_on_the_tuning_schemas() -> None:
    stored = json.loads(files("control.mapping.propose").joinpath(CALIBRATION_FILE).read_text(encoding="utf-8"))
    fitted = fit_calibration(load_schemas(), target_schema()).as_json()
    assert stored["base"] == fitted
    assert set(fitted["fitted_on"]) == {s.name for s in load_schemas() if s.split == "tune"}
