"""Which pass a feed runs next: resume first, then the mode; incremental passes overlap by the commit lag."""

from __future__ import annotations

import pytest

from control.errors import UsageError
from control.servicetracker.results import ExtractMode, PassKind, plan_pass
from control.staging import Checkpoint, PassStatus

DONE = Checkpoint("clients", PassStatus.COMPLETE, None, None, "2024-06-03T17:00:02.311027Z",
                  "2024-06-03T17:00:02.311027Z", 4, 3200)
RUNNING = Checkpoint("clients", PassStatus.RUNNING, "2024-06-01T00:00:00.000000Z", "cur-7",
                     "2024-06-04T08:00:00.000000Z", "2024-06-03T17:00:02.311027Z", 7, 7000)


def test_an_interrupted_pass_is_resumed_whatever_the_mode() -> None:
    for mode in ExtractMode:
        plan = plan_pass("clients", RUNNING, mode, "2020-01-01T00:00:00Z")
        assert plan == (PassKind.RESUMED, "2024-06-01T00:00:00.000000Z", "cur-7", "2024-06-04T08:00:00.000000Z",
                        "2024-06-03T17:00:02.311027Z", 7, 7000)


def test_auto_is_full_first_then_incremental_from_the_watermark_minus_60_s() -> None:
    assert plan_pass("clients", None, ExtractMode.AUTO).kind is PassKind.FULL
    plan = plan_pass("clients", DONE, ExtractMode.AUTO)
    assert (plan.kind, plan.since, plan.cursor) == (PassKind.INCREMENTAL, "2024-06-03T16:59:02.311027Z", None)


def test_full_and_since() -> None:
    assert plan_pass("clients", DONE, ExtractMode.FULL).since is None
    plan = plan_pass("clients", DONE, ExtractMode.SINCE, "2024-06-01T09:00:00-05:00")
    assert (plan.kind, plan.since) == (PassKind.SINCE, "2024-06-01T14:00:00.000000Z")


def test_incremental_without_a_watermark_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="never been extracted completely"):
        plan_pass("clients", None, ExtractMode.INCREMENTAL)
