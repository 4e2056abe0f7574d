"""A dataset and its plan are bound to the org's Organization Id: another Id is refused (exit 2, saying to rebuild
and plan again), a record made before the Id was kept is accepted by name with a warning line."""

from __future__ import annotations

import pytest

from control.datasets.org_identity import check_dataset_org, check_plan_org
from control.errors import UsageError

OLD = "00D5e000000AbCdEAA"
NEW = "00D5e000000AbCe0AA"


def test_a_dataset_and_plan_of_this_org_pass_without_a_warning() -> None:
    assert check_dataset_org({"org": "uat", "org_id": OLD}, dataset="demo", org="uat", org_id=OLD) is None
    assert check_plan_org({"org": "uat", "org_id": OLD[:15]}, dataset="demo", org="uat", org_id=OLD) is None


@pytest.mark.parametrize("manifest", [{"org": "uat"}, {"org": "uat", "org_id": None}])
def test_a_dataset_built_before_the_id_was_kept_is_accepted_with_a_warning_line(manifest) -> None:
    assert check_dataset_org(manifest, dataset="demo", org="uat", org_id=OLD) == (
        "Dataset 'demo' records no Organization Id (built before st2sf kept it), so it is taken to be for the org "
        f"'uat' ({OLD}) by that name alone. To have the Id checked, rebuild it for this org: "
        "`st2sf dataset build --org uat --name demo`, then plan again: `st2sf plan --org uat --name demo`.")


def test_a_plan_made_before_the_id_was_kept_is_accepted_with_a_warning_line() -> None:
    assert check_plan_org({"org": "uat"}, dataset="demo", org="uat", org_id=OLD) == (
        "The plan of dataset 'demo' records no Organization Id (made before st2sf kept it), so it is taken to be for "
        f"the org 'uat' ({OLD}) by that name alone. To have the Id checked, plan again: "
        "`st2sf plan --org uat --name demo`.")


def test_a_dataset_built_for_the_org_before_it_was_re_created_is_refused() -> None:
    with pytest.raises(UsageError) as exc:
        check_dataset_org({"org": "uat", "org_id": OLD}, dataset="demo", org="uat", org_id=NEW)
    assert exc.value.exit_code == 2
    assert exc.value.message == (f"The org 'uat' was re-created since dataset 'demo' was built (Organization Id "
                                 f"{OLD} → {NEW}): its owner, user and record-type Ids are the old org's.")
    assert exc.value.hint == ("Rebuild it for this org: `st2sf dataset build --org uat --name demo`, then plan "
                              "again: `st2sf plan --org uat --name demo`.")
    assert (exc.value.fields()["recorded_org_id"], exc.value.fields()["org_id"]) == (OLD, NEW)


def test_a_plan_made_before_the_org_was_re_created_is_refused() -> None:
    with pytest.raises(UsageError) as exc:
        check_plan_org({"org": "uat", "org_id": OLD}, dataset="demo", org="uat", org_id=NEW)
    assert exc.value.message == (f"The org 'uat' was re-created since the plan of dataset 'demo' was made "
                                 f"(Organization Id {OLD} → {NEW}): its budget was the old org's limits.")
    assert exc.value.hint == "Plan again: `st2sf plan --org uat --name demo`."


def test_a_dataset_of_another_org_name_is_named_as_such() -> None:
    with pytest.raises(UsageError) as exc:
        check_dataset_org({"org": "dev", "org_id": OLD}, dataset="demo", org="uat", org_id=NEW)
    assert exc.value.message == (f"Dataset 'demo' was built for the org 'dev' (Organization Id {OLD}), not for "
                                 f"'uat' ({NEW}): its owner, user and record-type Ids are that org's.")
