"""Value coercion and its record failures, field type by field type."""

from __future__ import annotations

import pytest

from emulators.salesforce.dml.coerce import coerce_value, parse_datetime
from emulators.salesforce.dml.errors import RecordFailure
from emulators.salesforce.schema.model import FieldSchema, PicklistValue


def field(type_: str, **kw) -> FieldSchema:
    return FieldSchema(name=kw.pop("name", "F__c"), type=type_, label=kw.pop("label", "Eff"), **kw)


def failure(f: FieldSchema, value) -> tuple[str, str, list[str]]:
    with pytest.raises(RecordFailure) as got:
        coerce_value(f, value)
    return got.value.status_code, got.value.message, got.value.fields


def test_text_accepts_scalars_and_empty_means_null():
    f = field("string", length=5)
    assert coerce_value(f, "abc") == "abc"
    assert coerce_value(f, 12) == "12"
    assert coerce_value(f, True) == "true"
    assert coerce_value(f, "") is None
    assert failure(f, "abcdef") == ("STRING_TOO_LONG", "Eff: data value too large: abcdef (max length=5)", ["F__c"])
    assert failure(f, {"a": 1})[0] == "INVALID_TYPE_ON_FIELD_IN_RECORD"


def test_email():
    f = field("email", length=80)
    assert coerce_value(f, "a.b+c@example.co.uk") == "a.b+c@example.co.uk"
    for bad in ("plain", "a@b", "a@@b.com", "a b@c.com"):
        assert failure(f, bad) == ("INVALID_EMAIL_ADDRESS", f"Eff: invalid email address: {bad}", ["F__c"])


def test_restricted_picklist_and_multipicklist():
    values = (PicklistValue("A", "A"), PicklistValue("B", "B"), PicklistValue("Old", "Old", active=False))
    single = field("picklist", length=40, restricted_picklist=True, picklist_values=values)
    assert coerce_value(single, "A") == "A"
    assert failure(single, "Old") == (
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        "Eff: bad value for restricted picklist field: Old",
        ["F__c"],
    )
    multi = field("multipicklist", length=100, restricted_picklist=True, picklist_values=values)
    assert coerce_value(multi, "B; A;B") == "B;A"
    assert failure(multi, "A;C")[1] == "Eff: bad value for restricted picklist field: C"
    open_list = field("picklist", length=40, picklist_values=values)
    assert coerce_value(open_list, "Anything") == "Anything"


def test_boolean():
    f = field("boolean")
    assert coerce_value(f, True) is True
    assert coerce_value(f, "FALSE") is False
    assert coerce_value(f, None) is False
    assert failure(f, 1)[0] == "INVALID_TYPE_ON_FIELD_IN_RECORD"


def test_numbers_range_scale_and_types():
    money = field("currency", precision=5, scale=2)
    assert coerce_value(money, "123.455") == 123.46
    assert coerce_value(money, 999.994) == 999.99
    assert failure(money, 1000) == (
        "NUMBER_OUTSIDE_VALID_RANGE",
        "Eff: value outside of valid range on numeric field: 1000",
        ["F__c"],
    )
    assert failure(money, 999.995)[0] == "NUMBER_OUTSIDE_VALID_RANGE"
    assert failure(money, "12x") == ("INVALID_TYPE_ON_FIELD_IN_RECORD", "Eff: value not of required type: 12x", ["F__c"])
    assert failure(money, True)[0] == "INVALID_TYPE_ON_FIELD_IN_RECORD"
    count = field("int", digits=3)
    assert coerce_value(count, "42") == 42 and coerce_value(count, 7.0) == 7
    assert failure(count, 1000)[0] == "NUMBER_OUTSIDE_VALID_RANGE"
    assert failure(count, 1.5)[0] == "INVALID_TYPE_ON_FIELD_IN_RECORD"


def test_dates_datetimes_times():
    d = field("date")
    assert coerce_value(d, "2024-02-29") == "2024-02-29"
    assert coerce_value(d, "2024-02-29T23:00:00Z") == "2024-02-29"
    assert failure(d, "2023-02-29")[0] == "INVALID_TYPE_ON_FIELD_IN_RECORD"
    dt_ = field("datetime")
    assert coerce_value(dt_, "2024-01-31T10:00:00Z") == "2024-01-31T10:00:00.000+0000"
    assert coerce_value(dt_, "2024-01-31T10:00:00.123-0500") == "2024-01-31T15:00:00.123+0000"
    assert coerce_value(dt_, "2024-01-31") == "2024-01-31T00:00:00.000+0000"
    assert failure(dt_, "yesterday")[0] == "INVALID_TYPE_ON_FIELD_IN_RECORD"
    t = field("time")
    assert coerce_value(t, "07:05") == "07:05:00.000Z"
    assert failure(t, "25:00:00")[0] == "INVALID_TYPE_ON_FIELD_IN_RECORD"
    assert parse_datetime("2024-01-31T10:00:00+01:00").utcoffset().total_seconds() == 3600


def test_reference_shape():
    f = field("reference", name="AccountId", label="Account ID", reference_to=("Account",))
    assert coerce_value(f, "001M000000qfPyS") == "001M000000qfPySIAU"
    assert failure(f, "xyz") == ("MALFORMED_ID", "Account ID: id value of incorrect type: xyz", ["AccountId"])
    assert coerce_value(f, "") is None
