"""The error tree: exit codes, dispositions, structured fields without secrets."""

from __future__ import annotations

import pytest

from control import errors as e


def test_every_public_error_is_in_the_tree_and_in_the_docstring() -> None:
    for name in e.__all__:
        obj = getattr(e, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, e.St2sfError)
            assert name in e.__doc__, f"{name} is missing from the tree drawn in control/errors.py"


@pytest.mark.parametrize(("cls", "code"), [(e.UsageError, 2), (e.ConfigError, 2), (e.NotFoundError, 2),
                                           (e.Failure, 1), (e.LedgerError, 1), (e.RemoteError, 1)])
def test_exit_codes(cls: type[e.St2sfError], code: int) -> None:
    assert cls("x").exit_code == code


def test_remote_errors_keep_their_codes_and_disposition() -> None:
    err = e.SalesforceError("Unable to lock row", status=200, code="UNABLE_TO_LOCK_ROW", fields=["AccountId"],
                            disposition=e.Disposition.RETRIABLE)
    assert err.code == "UNABLE_TO_LOCK_ROW"
    assert err.retriable and not err.record_level
    assert err.fields() == {"error": "SalesforceError", "code": "UNABLE_TO_LOCK_ROW", "disposition": "retriable",
                            "message": "Unable to lock row", "status": 200, "remote_code": "UNABLE_TO_LOCK_ROW",
                            "fields_involved": ["AccountId"]}


def test_record_errors_are_record_level() -> None:
    err = e.RecordError("E-mail is not valid", object_name="Contact", source_key="CC-7", reason_code="INVALID_EMAIL",
                        field="Email")
    assert err.record_level
    assert err.fields()["source_key"] == "CC-7"


def test_fields_and_messages_never_carry_secrets() -> None:
    err = e.ConfigError("token 00D5g000004XYZa!AQEAQFakeSessionValue rejected", hint="Check Bearer abcdefghijkl",
                        access_token="00D5g000004XYZa!AQEAQFakeSessionValue")
    text = err.one_line()
    assert "AQEAQFake" not in text and "abcdefghijkl" not in text
    assert err.fields()["access_token"] == "***"
    assert "AQEAQFake" not in repr(err.fields())
