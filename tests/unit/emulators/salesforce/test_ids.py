"""Salesforce Ids: checksum vectors, parsing both lengths, case repair, formatting."""

from __future__ import annotations

import pytest

from emulators.salesforce.ids import MalformedId, checksum, format_id, parse_id, to18

VECTORS = [
    ("a01M00000062mPg", "a01M00000062mPgIAI"),
    ("001M000000qfPyS", "001M000000qfPySIAU"),
    ("a0FE000000D6r3F", "a0FE000000D6r3FMAR"),
    ("0F9E000000092w2", "0F9E000000092w2KAA"),
    ("a0D30000001n7Pi", "a0D30000001n7PiEAI"),
]


@pytest.mark.parametrize(("id15", "id18"), VECTORS)
def test_checksum_vectors(id15, id18):
    assert to18(id15) == id18
    assert checksum(id15) == id18[15:]
    assert parse_id(id15) == id18
    assert parse_id(id18) == id18


@pytest.mark.parametrize(("id15", "id18"), VECTORS)
def test_an_18_character_id_with_lost_case_is_repaired(id15, id18):
    assert parse_id(id18.lower()) == id18
    assert parse_id(id18.upper()) == id18


@pytest.mark.parametrize("text", ["", "001", "001M000000qfPy", "001M000000qfPyS-", "001M000000qfPySIAU1", "001M000000qfPyS!AU", 15])
def test_malformed_ids(text):
    with pytest.raises(MalformedId):
        parse_id(text)


def test_a_checksum_the_first_15_characters_cannot_have_is_malformed():
    with pytest.raises(MalformedId):
        parse_id("001M000000qfPyS5AU")  # '5' asks for five upper-case letters in "001M0"


def test_the_checksum_decides_the_case():
    assert parse_id("001M000000QFPYSIAA") == "001M000000qfpysIAA"


def test_format_id_counts_in_base62_and_appends_the_checksum():
    assert format_id("001", "5g", 1) == to18("0015g0000000001")
    assert format_id("001", "5g", 62) == to18("0015g0000000010")
    assert format_id("003", "5g", 61)[:15] == "0035g000000000z"
    with pytest.raises(OverflowError):
        format_id("001", "5g", 62**10)
