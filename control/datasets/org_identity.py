"""Which org a dataset and its plan were made for: the org's **Organization Id**, not only its name.

``st2sf dataset build --org X`` records X's Organization Id in ``dataset.json`` (``org_id``), ``st2sf plan``
in ``plan.json``. A sandbox refreshed, or an org deleted and created again under the same name, is another
org (docs/load.md §3): the dataset's owner, user and record-type Ids are the old org's, and the plan's budget
was the old org's limits. So ``st2sf plan`` refuses a dataset, and ``st2sf migrate`` a dataset or plan, whose
recorded Id is not the org's (a usage error saying to rebuild and plan again).

A dataset or plan made before the Id was recorded (no ``org_id``) is accepted, as it was before, by the
org's name alone — with a warning line saying so, and that rebuilding it lets the Id be checked.
"""

from __future__ import annotations

from typing import Any, Mapping

from control.errors import UsageError
from control.salesforce.org_data import same_org

__all__ = ["check_dataset_org", "check_plan_org"]


def _check(recorded: Mapping[str, Any], *, subject: str, made: str, why: str, org: str, org_id: str,
           hint: str) -> str | None:
    """The warning line for a record without an Id; None when it is this org's; a usage error otherwise."""
    then = recorded.get("org_id")
    if not then:
        return (f"{subject[0].upper()}{subject[1:]} records no Organization Id ({made} before st2sf kept it), so "
                f"it is taken to be for the org '{org}' ({org_id}) by that name alone. To have the Id checked, "
                f"{hint[0].lower()}{hint[1:]}")
    if same_org(then, org_id):
        return None
    name = recorded.get("org")
    if name == org:
        message = (f"The org '{org}' was re-created since {subject} was {made} (Organization Id {then} → {org_id}): "
                   f"{why.format(whose='the old org')}")
    else:
        message = (f"{subject[0].upper()}{subject[1:]} was {made} for the org '{name}' (Organization Id {then}), not "
                   f"for '{org}' ({org_id}): {why.format(whose='that org')}")
    raise UsageError(message, hint=hint, recorded_org=name, recorded_org_id=then, org=org, org_id=org_id)


def check_dataset_org(manifest: Mapping[str, Any], *, dataset: str, org: str, org_id: str) -> str | None:
    """Whether dataset ``dataset`` (its manifest) was built for the org ``org`` whose Organization Id is
    ``org_id``: raises a usage error when it was built for another Id, returns a warning line when it records
    none, None when it is this org's."""
    return _check(manifest, subject=f"dataset '{dataset}'", made="built",
                  why="its owner, user and record-type Ids are {whose}'s.", org=org, org_id=org_id,
                  hint=f"Rebuild it for this org: `st2sf dataset build --org {org} --name {dataset}`, then plan "
                       f"again: `st2sf plan --org {org} --name {dataset}`.")


def check_plan_org(plan: Mapping[str, Any], *, dataset: str, org: str, org_id: str) -> str | None:
    """The same for the plan of dataset ``dataset`` (``plan.json``)."""
    return _check(plan, subject=f"the plan of dataset '{dataset}'", made="made",
                  why="its budget was {whose}'s limits.", org=org, org_id=org_id,
                  hint=f"Plan again: `st2sf plan --org {org} --name {dataset}`.")
