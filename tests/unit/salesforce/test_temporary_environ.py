"""control.salesforce.access.temporary_environ: variables set for a block, then exactly as they were."""

from __future__ import annotations

import os

import pytest

from control.salesforce.access import temporary_environ

SET = "ST2SF_TEST_TEMPORARY_ENVIRON_SET"
UNSET = "ST2SF_TEST_TEMPORARY_ENVIRON_UNSET"
UNTOUCHED = "ST2SF_TEST_TEMPORARY_ENVIRON_UNTOUCHED"


@pytest.fixture(autouse=True)
def known_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SET, "before")
    monkeypatch.setenv(UNTOUCHED, "kept")
    monkeypatch.delenv(UNSET, raising=False)


def test_sets_for_the_block_and_restores_values_and_absence() -> None:
    with temporary_environ({SET: "/ca/bundle.pem", UNSET: "/ca/bundle.pem"}):
        assert (os.environ[SET], os.environ[UNSET], os.environ[UNTOUCHED]) == (
            "/ca/bundle.pem", "/ca/bundle.pem", "kept")
    assert (os.environ[SET], os.environ[UNTOUCHED]) == ("before", "kept")
    assert UNSET not in os.environ


def test_restores_when_the_block_raises() -> None:
    with pytest.raises(RuntimeError, match="task failed"):
        with temporary_environ({SET: "during", UNSET: "during"}):
            raise RuntimeError("task failed")
    assert os.environ[SET] == "before"
    assert UNSET not in os.environ


def test_a_variable_the_block_changes_or_removes_is_put_back_too() -> None:
    with temporary_environ({SET: "during", UNSET: "during"}):
        del os.environ[SET]
        os.environ[UNSET] = "changed inside"
    assert os.environ[SET] == "before"
    assert UNSET not in os.environ


def test_nothing_to_set_changes_nothing() -> None:
    before = dict(os.environ)
    with temporary_environ({}):
        assert dict(os.environ) == before
    assert dict(os.environ) == before


def test_nested_blocks_unwind_to_the_outer_values() -> None:
    with temporary_environ({SET: "outer"}):
        with temporary_environ({SET: "inner", UNSET: "inner"}):
            assert (os.environ[SET], os.environ[UNSET]) == ("inner", "inner")
        assert os.environ[SET] == "outer"
        assert UNSET not in os.environ
    assert os.environ[SET] == "before"
