"""Describe checks (control.transform.coerce): what Salesforce would refuse is refused before any load."""

from __future__ import annotations

from decimal import Decimal

import pytest

from control.mapping.target_schema import TargetField
from control.transform.coerce import coerce
from control.transform.problems import Problem, ReasonCode


def refused(value, field) -> Problem:
    with pytest.raises(Problem) as caught:
        coerce(value, "Account", field)
    return caught.value


def test_text_length_email_and_picklists() -> None:
    name = TargetField("Name", "string", length=10)
    assert coerce("Acme", "Account", name) == "Acme"
    assert coerce("", "Account", name) is None
    problem = refused("x" * 11, name)
    assert problem.rule is ReasonCode.TOO_LONG and "holds at most 10" in problem.message and "truncate" in problem.hint
    email = TargetField("Email", "email", length=80)
    assert coerce(" a.b+c@ex-ample.co.uk ", "Account", email) == "a.b+c@ex-ample.co.uk"
    for bad in ("n/a", "a@b", "a@@b.com", "a b@c.com", "a@b..com", "x@y.com; z@y.com"):
        assert refused(bad, email).rule is ReasonCode.BAD_EMAIL
    tier = TargetField("Tier__c", "picklist", picklist_values=("Gold", "Silver"), restricted=True)
    assert coerce("Gold", "Account", tier) == "Gold"
    assert refused("gold", tier).rule is ReasonCode.BAD_PICKLIST
    open_list = TargetField("Region__c", "picklist", picklist_values=("East",), restricted=False)
    assert coerce("North", "Account", open_list) == "North"
    assert coerce(12, "Account", TargetField("Code", "string", length=5)) == "12"


def test_numbers_booleans_dates() -> None:
    amount = TargetField("Amount", "currency", precision=6, scale=2)
    assert coerce(Decimal("1234.565"), "Account", amount) == "1234.57"  # half up, as Salesforce rounds
    assert refused(Decimal("12345.5"), amount).rule is ReasonCode.OUT_OF_RANGE
    assert refused("abc", amount).rule is ReasonCode.WRONG_TYPE
    count = TargetField("Employees", "int")
    assert coerce(3.0, "Account", count) == "3"
    assert refused(3.5, count).rule is ReasonCode.WRONG_TYPE
    flag = TargetField("Flag__c", "boolean")
    assert coerce(True, "Account", flag) == "true" and coerce("FALSE", "Account", flag) == "false"
    assert refused("Y", flag).rule is ReasonCode.WRONG_TYPE
    day = TargetField("Day__c", "date")
    assert coerce("2024-02-29", "Account", day) == "2024-02-29"
    assert refused("02/29/2024", day).rule is ReasonCode.WRONG_TYPE
    when = TargetField("When__c", "datetime")
    assert coerce("2024-03-01T23:30:00-05:00", "Account", when) == "2024-03-02T04:30:00.000Z"
    assert refused("2024-03-01T23:30:00", when).rule is ReasonCode.WRONG_TYPE
