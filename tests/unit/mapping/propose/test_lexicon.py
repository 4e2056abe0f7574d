"""Reading field names: words, abbreviations, glued names, synonym concepts, value shapes."""

from __future__ import annotations

import pytest

from control.mapping.propose.lexicon import concepts, words
from control.mapping.propose.patterns import Pattern, value_pattern


@pytest.mark.parametrize(("name", "expected"), [
    ("BillingPostalCode", ("billing", "zip")),
    ("cust_ph_no", ("customer", "phone")),
    ("custom_fields.Credit Limit", ("credit", "limit")),
    ("numberofemployees", ("employees",)),
    ("associatedcompanyid", ("associated", "company", "id")),
    ("E-mail Address", ("email",)),
    ("cf_1234", ()),
])
def test_words(name: str, expected: tuple[str, ...]) -> None:
    assert words(name) == expected


@pytest.mark.parametrize(("a", "b"), [
    ("billing_address.postal_code", "BillingPostalCode"), ("created_at", "CreatedDate"), ("installed_on", "InstallDate"),
    ("serial_no", "SerialNumber"), ("acct_num", "AccountNumber"), ("ZIPCode", "PostalCode"),
])
def test_synonymous_names_share_concepts(a: str, b: str) -> None:
    assert concepts(a) == concepts(b)


def test_different_things_do_not() -> None:
    assert concepts("mobile") != concepts("Phone")
    assert not concepts("install_date") & {"close"}


@pytest.mark.parametrize(("samples", "pattern"), [
    (["a@b.com", "c@d.org", "e@f.net"], Pattern.EMAIL),
    (["$1,250.00", "$40.00", "12.50"], Pattern.MONEY),
    (["60654", "53202", "02114"], Pattern.POSTAL),
    (["IL", "WI", "MA"], Pattern.REGION),
    (["(312) 555-0142", "312.555.0150"], Pattern.PHONE),
    (["Harbor Dental", "Pike Street Logistics"], Pattern.WORDS),
    (["x"], Pattern.WORDS),
    ([], None),
])
def test_value_patterns(samples: list[str], pattern: Pattern | None) -> None:
    assert value_pattern(samples) == pattern
