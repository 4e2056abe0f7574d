"""Value transforms (control.transform.steps): every kind, with the refusals and what they tell a person."""

from __future__ import annotations

from decimal import Decimal

import pytest

from control.mapping.rules import FieldRule
from control.mapping.values import ValueMap
from control.transform.problems import Problem, ReasonCode
from control.transform.steps import StepContext, apply_value_step, html_to_text

CTX = StepContext({"status": ValueMap.model_validate({"values": {"open": "Open", "done": "Closed", "x": None}})},
                  "America/Chicago")


def run(transform, value, record=None, ctx=CTX):
    rule = FieldRule.model_validate({"target": "F__c", "source": "v", "transform": transform})
    for step in rule.transform:
        value = apply_value_step(step, value, record or {}, None, ctx)
    return value


def refused(transform, value, record=None) -> Problem:
    with pytest.raises(Problem) as caught:
        run(transform, value, record)
    return caught.value


def test_value_maps_by_policy() -> None:
    assert run({"value_map": "status"}, "done") == "Closed"
    assert run({"value_map": "status"}, "x") is None
    assert run({"value_map": "status"}, None) is None  # blank is not a defect
    problem = refused({"value_map": "status"}, "Waiting")
    assert problem.rule is ReasonCode.UNMAPPED_VALUE and "'Waiting'" in problem.message
    assert "value_maps.status" in problem.hint
    assert run({"value_map": {"values": {"a": "A"}, "unmapped": "keep"}}, "b") == "b"
    assert run({"value_map": {"values": {"a": "A"}, "unmapped": "null"}}, "b") is None
    assert run({"value_map": {"values": {"a": "A"}, "unmapped": "default", "default": "Z"}}, "b") == "Z"
    assert run({"value_map": {"values": {"true": "Y"}}}, True) == "Y"


def test_dates_never_shift_and_datetimes_need_a_policy() -> None:
    assert run("parse_date", "2024-02-29") == "2024-02-29"
    assert refused("parse_date", "2023-02-29").rule is ReasonCode.WRONG_TYPE
    assert refused("parse_date", "2024-03-01T23:30:00-05:00").rule is ReasonCode.AMBIGUOUS_DATE
    assert run({"parse_date": {"from_datetime": "record_offset"}}, "2024-03-01T23:30:00-05:00") == "2024-03-01"
    assert run({"parse_date": {"from_datetime": "utc"}}, "2024-03-01T23:30:00-05:00") == "2024-03-02"
    assert run({"parse_date": {"from_datetime": "tenant"}}, "2024-03-02T03:30:00+00:00") == "2024-03-01"
    assert run({"parse_date": {"formats": ["%m/%d/%Y"]}}, "04/01/2023") == "2023-04-01"


def test_datetimes_keep_their_instant_in_utc() -> None:
    assert run("parse_datetime", "2024-03-01T23:30:00-05:00") == "2024-03-02T04:30:00.000Z"
    assert run("parse_datetime", "2024-03-01T23:30:00.123456+13:00") == "2024-03-01T10:30:00.123Z"
    assert refused("parse_datetime", "2024-03-01T23:30:00").rule is ReasonCode.NAIVE_DATETIME
    assert run({"parse_datetime": {"naive": "tenant"}}, "2024-07-01T08:00:00") == "2024-07-01T13:00:00.000Z"
    assert run({"parse_datetime": {"naive": "Europe/Paris"}}, "2024-01-15 08:00") == "2024-01-15T07:00:00.000Z"
    problem = refused("parse_datetime", "2024-03-01")
    assert problem.rule is ReasonCode.WRONG_TYPE and "parse_date" in problem.hint


def test_numbers() -> None:
    assert run({"number": {"scale": 2}}, "1,250.005") == Decimal("1250.00")  # half even
    assert run({"number": {"scale": 2, "rounding": "half_up"}}, "1,250.005") == Decimal("1250.01")
    assert run({"number": {"scale": 0, "factor": 60}}, 2.5) == Decimal("150")
    assert run({"number": {"scale": 2, "thousands": ".", "decimal": ","}}, "1.250,5") == Decimal("1250.50")
    assert refused({"number": {"scale": 1, "rounding": "reject"}}, "1.25").rule is ReasonCode.LOST_DIGITS
    assert refused({"number": {}}, "twelve").rule is ReasonCode.WRONG_TYPE
    assert refused({"number": {}}, True).rule is ReasonCode.WRONG_TYPE


def test_booleans_truncation_constants_and_text() -> None:
    assert [run("boolean", v) for v in ("Y", "no", 1, "0", True, "")] == [True, False, True, False, True, False]
    assert refused("boolean", "maybe").rule is ReasonCode.WRONG_TYPE
    assert run({"truncate": {"length": 5, "marker": "…"}}, "abcdefgh") == "abcd…"
    assert run({"truncate": 10}, "short") == "short"
    rule = FieldRule.model_validate({"target": "A", "transform": {"concatenate": {"sources": ["a", "b"], "separator": "\n"}}})
    assert apply_value_step(rule.transform[0], None, {"a": "1 Main St", "b": None}, None, CTX) == "1 Main St"
    rule = FieldRule.model_validate({"target": "A", "transform": {"coalesce": {"sources": ["a", "b"]}}})
    assert apply_value_step(rule.transform[0], None, {"a": " ", "b": "2024-01-01"}, None, CTX) == "2024-01-01"
    assert run({"split": {"separator": " ", "index": -1}}, "Ada King Lovelace") == "Lovelace"
    assert run({"split": {"separator": " ", "from": 1}}, "Ada King Lovelace") == "King Lovelace"
    assert run({"join_items": {"template": "{name} <{email}>"}}, [{"name": "A", "email": None}, {"name": "B", "email": "b@x.io"}]) \
        == "A <>\nB <b@x.io>"
    assert run({"join_items": {"template": "{}", "separator": ", "}}, ["x", "y"]) == "x, y"
    assert run({"months_between": {"start": "s"}}, "2025-09-25", {"s": "2023-09-27"}) == 24
    assert run({"months_between": {"start": "s"}}, "2025-09-28", {"s": "2023-09-27"}) == 25


def test_html_becomes_text_only_when_the_note_says_html() -> None:
    html = "<p>Checked the <b>filters</b>.</p><ul><li>OK &amp; paid</li></ul><script>alert(1)</script>"
    assert html_to_text(html) == "Checked the filters.\nOK & paid"
    assert html_to_text("<p>unclosed <b>bold") == "unclosed bold"
    rule = {"html_to_text": {"format_field": "body_format"}}
    assert run(rule, "a < b & c", {"body_format": "text"}) == "a < b & c"
    assert run(rule, "<i>x</i>", {"body_format": "html"}) == "x"
