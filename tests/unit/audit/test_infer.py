"""Type inference for undocumented custom fields, on the contract's own examples (§3.4)."""

from __future__ import annotations

import pytest

from control.audit.infer import Kind, date_format, is_email, is_phone, is_url, salesforce_type, shapes_of
from control.audit.profile import FieldProfile


def _kind(values: list) -> Kind:
    profile = FieldProfile("f", infer=True)
    for v in values:
        profile.add(v)
    return profile.kind()


@pytest.mark.parametrize("values, expected", [
    (["1,250.00", 1250, "980", 12.5, "3,001"], Kind.NUMBER),
    ([True, "Y", "yes", "1", False, "N", 0, "FALSE"], Kind.BOOLEAN),
    (["2023-04-01", "04/01/2023", "2022-12-31", "13/01/2022"], Kind.DATE),
    (["2024-03-10T14:05:00-05:00", "2024-03-10T19:05:00Z"], Kind.DATETIME),
    (["ana@example.com", "bo.li@mail.example.org", "x+tag@example.co.uk"], Kind.EMAIL),
    (["(503) 273-8845", "+1 564 542 2311", "486.664.4030 x86", "326-918-3142"], Kind.PHONE),
    (["https://acme.example/a", "www.example.com", "http://x.example.org/p?q=1"], Kind.URL),
    (["Gold", "Silver", "Gold", "Bronze", "gold", "Silver", "Gold", "Platinum", "Bronze", "Gold", "Silver", "Gold"],
     Kind.PICKLIST),
    (["Gold", "Silver", "Bronze", "Platinum", "Gold"], Kind.TEXT),  # too few repeats to call it a picklist
    (["GIVE-3703", "FOUR-12333", "SCORE-64001", "RICH-80984"], Kind.ID),
    (["Brenda Hutchinson", "Jaime Webster", "Leslie Salas"], Kind.TEXT),
    (["#6499", "#4453", "#1393"], Kind.TEXT),
    ([None, "", "  "], Kind.UNKNOWN),
])
def test_inferred_kinds(values: list, expected: Kind) -> None:
    assert _kind(values) is expected


def test_a_few_bad_values_do_not_hide_the_type() -> None:
    assert _kind(["100", "200", 300, "4,000.50", "n/a"]) is Kind.NUMBER  # 80 % conform
    assert _kind(["100", "n/a", "unknown", 3]) is Kind.TEXT


@pytest.mark.parametrize("value, ok", [
    ("phyllis.salinas@blakeheatingcooling..com", False), ("none", False), ("roy.sanchezclient72.example.com", False),
    (".lead@example.com", False), ("a@b", False), ("ana@example.com", True), ("O'Neil@example.ie", True),
])
def test_email_validation(value: str, ok: bool) -> None:
    assert is_email(value) is ok


def test_phone_url_and_date_shapes() -> None:
    assert is_phone("(367) 559-1516") and is_phone("+44 20 7946 0958") and not is_phone("12345")
    assert not is_phone("call me") and not is_phone("555-CALL-NOW")
    assert is_url("https://example.com") and not is_url("example") and not is_url("http://")
    assert [date_format(v) for v in ("2023-02-29", "2024-02-29", "04/01/2023", "13/01/2023", "12/12/2023")] == \
        [None, "YYYY-MM-DD", "M/D or D/M", "DD/MM/YYYY", "MM/DD/YYYY"]
    assert shapes_of(1) == {Kind.BOOLEAN, Kind.NUMBER} and shapes_of(True) == {Kind.BOOLEAN}


def test_salesforce_recommendations() -> None:
    assert salesforce_type(Kind.NUMBER, int_digits=4, scale=2) == {"type": "Number", "precision": 8, "scale": 2}
    assert salesforce_type(Kind.TEXT, max_length=300) == {"type": "LongTextArea", "length": 32768}
    assert salesforce_type(Kind.ID, max_length=12, unique=True) == {"type": "Text", "length": 40, "externalId": True,
                                                                     "unique": True}
