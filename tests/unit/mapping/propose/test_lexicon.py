"""Reading field names: words, abbreviations, glued names, synonym concepts, value shapes."""

from __future__ import annotations

import pytest

from control.mapping.propose.lexicon import concepts, legibility, second_line, strip_prefix, vendor_prefixes, words
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


@pytest.mark.parametrize(("name", "expected"), [
    ("clnt_nm", ("client", "name")), ("cty", ("city",)), ("dpt", ("department",)), ("rmks", ("remarks",)),
    ("cnt", ("count",)), ("src", ("source",)), ("warr_exp", ("warranty", "expiration")),
    ("ind_cd", ("industry", "code")), ("int_cmts", ("int", "comments")),  # int: internal, intake… left as is
    ("tag", ("tag",)), ("host", ("host",)),  # real words are not clipped words
])
def test_clipped_words_are_spelled_out_only_when_one_reading_wins(name: str, expected: tuple[str, ...]) -> None:
    assert words(name) == expected


def test_vendor_prefixes_are_found_and_stripped() -> None:
    names = ["hs_lead_status", "hs_next_step", "hs_createdate", "amount", "cust_id", "cust_name"]
    found = vendor_prefixes(names)
    assert found == {"hs"}  # cust is an abbreviation the lexicon knows
    assert strip_prefix("hs_next_step", found) == "next_step" and strip_prefix("amount", found) == "amount"


@pytest.mark.parametrize(("name", "qualifies"), [
    ("billing_address.line2", True), ("ADDR_LINE2", True), ("Street 2", True), ("addr_2", True),
    ("line1", False), ("phone2", False),
])
def test_second_street_lines(name: str, qualifies: bool) -> None:
    assert second_line(name) is qualifies


@pytest.mark.parametrize(("name", "score"), [("Gate Code", 1.0), ("tsk_nts", 1.0), ("cf_1234", 0.0), ("x7_qz", 0.0)])
def test_legibility(name: str, score: float) -> None:
    assert legibility(name) == score


@pytest.mark.parametrize(("a", "b"), [
    ("Billing Code", "BillingPostalCode"), ("employee_count", "NumberOfEmployees"), ("revenue_per_year", "annual revenue"),
    ("how_received", "Origin"),
])
def test_more_synonyms(a: str, b: str) -> None:
    assert concepts(a) == concepts(b)
