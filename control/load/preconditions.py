"""What must hold before anything moves (each a usage error, exit 2, saying what to do).

1. the dataset is complete (its manifest ``dataset.json`` is there);
2. ``plan.json`` is there and says ``fits: true``, for this dataset and map;
3. the map is still approved and its digest is the one the dataset was built from;
4. the dataset was built for this org (owner Ids, picklists and lengths are that org's);
4b. once the org is reached: the dataset and its plan were made for this org's **Organization Id**, not only
   for an org of its name (:mod:`control.datasets.org_identity`; a sandbox refresh makes another org);
5. every field a step writes is writable by the running user per the org's describe: createable for the
   rows the loader inserts, updateable for the rows it updates — strict: never dropped silently.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping, NamedTuple

import yaml

from control.datasets.layout import DatasetPaths, read_manifest
from control.datasets.org_identity import check_dataset_org, check_plan_org
from control.errors import ConfigError, InputFileError, LimitExceededError, UsageError
from control.mapping.approval import require_approved
from control.settings import Settings

__all__ = ["Inputs", "read_inputs", "check_org", "check_writable"]


class Inputs(NamedTuple):
    paths: DatasetPaths
    manifest: dict[str, Any]
    plan: dict[str, Any]
    upsert_doc: dict[str, Any]
    insert_doc: dict[str, Any]
    org: str


def _yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputFileError(f"{path} cannot be read: {exc}.", path=str(path),
                             hint="Rebuild the dataset: st2sf dataset build.") from None
    if not isinstance(data, dict):
        raise InputFileError(f"{path} is not a CumulusCI mapping.", path=str(path),
                             hint="Rebuild the dataset: st2sf dataset build.")
    return data


def read_inputs(settings: Settings, *, dataset: str, org: str | None) -> Inputs:
    """Checks 1–4; returns what the load reads."""
    paths = DatasetPaths.of(settings.root, dataset)
    manifest = read_manifest(paths)
    if not paths.plan.is_file():
        raise UsageError(f"Dataset '{dataset}' has no load plan ({paths.plan.name} is missing).",
                         hint=f"Plan it first: st2sf plan --dataset {dataset}.")
    try:
        plan = json.loads(paths.plan.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputFileError(f"{paths.plan} cannot be read: {exc}.", hint="Plan again: st2sf plan.") from None
    approval = require_approved(settings, (settings.root / "mapping").resolve())
    if manifest.get("map_digest") != approval.digest:
        raise UsageError(f"Dataset '{dataset}' was built from map {manifest.get('map_digest')}, but the approved "
                         f"map is {approval.digest}.", hint=f"Rebuild it: st2sf dataset build --name {dataset}, "
                                                            "then st2sf plan.")
    if plan.get("map_digest") != manifest.get("map_digest") or plan.get("dataset") != dataset:
        raise UsageError(f"The plan of dataset '{dataset}' was made for another build of it.",
                         hint=f"Plan again: st2sf plan --dataset {dataset}.")
    if not plan.get("fits"):
        raise LimitExceededError(f"The load plan of dataset '{dataset}' does not fit the org's limits.",
                                 hint="Run `st2sf plan` again once the allocations recover (it names each limit).")
    chosen, _ = settings.org(org or manifest.get("org"))
    if manifest.get("org") != chosen:
        raise ConfigError(f"Dataset '{dataset}' was built for org '{manifest.get('org')}', not '{chosen}': its "
                          f"owner Ids, picklists and lengths are that org's.",
                          hint=f"Rebuild it for this org: st2sf dataset build --org {chosen}, then st2sf plan.")
    if plan.get("org") != chosen:
        raise UsageError(f"The plan of dataset '{dataset}' was made for org '{plan.get('org')}', not '{chosen}'.",
                         hint=f"Plan again: st2sf plan --org {chosen}.")
    return Inputs(paths, manifest, plan, _yaml(paths.mapping), _yaml(paths.insert_mapping), chosen)


def check_org(inputs: Inputs, org_id: str) -> list[str]:
    """Check 4b: a usage error when the dataset or its plan was made for another Organization Id than
    ``org_id`` (the org's, read at the start of the run); a warning line for each that records none."""
    dataset = inputs.paths.name
    lines = [check_dataset_org(inputs.manifest, dataset=dataset, org=inputs.org, org_id=org_id),
             check_plan_org(inputs.plan, dataset=dataset, org=inputs.org, org_id=org_id)]
    return [line for line in lines if line]


def _names(doc: Mapping[str, Any]) -> list[str]:
    fields = doc.get("fields") or []
    names = list(fields.keys()) if isinstance(fields, Mapping) else list(fields)
    return names + list((doc.get("lookups") or {}).keys())


def check_writable(inputs: Inputs, describes: Mapping[str, Mapping[str, Any]]) -> None:
    """Check 5: one usage error naming every field the running user cannot write."""
    problems: list[str] = []
    for step in inputs.plan.get("steps", ()):
        if step.get("kind") != "load":
            continue
        name = step["name"]
        for doc, flag in ((inputs.insert_doc.get(name), "createable"), (inputs.upsert_doc.get(name), "updateable")):
            if not doc:
                continue
            if flag == "updateable" and doc.get("action") != "upsert":
                continue
            sobject = doc["sf_object"]
            fields = describes.get(sobject)
            if fields is None:
                problems.append(f"{sobject} (step {name}) is not in the org or not visible to the running user")
                continue
            for field in _names(doc):
                found = fields.get(field)
                if found is None:
                    problems.append(f"{sobject}.{field} (step {name}) does not exist or is not visible")
                elif not found.get(flag) and field != doc.get("update_key"):
                    problems.append(f"{sobject}.{field} (step {name}) is not {flag} by the running user")
    if problems:
        shown = "; ".join(sorted(set(problems))[:20])
        more = len(set(problems)) - 20
        raise UsageError(f"The running user cannot write every field the load needs: {shown}"
                         + (f"; and {more} more" if more > 0 else "") + ".",
                         hint="Grant the migration permission set (field-level security: edit) or deploy the "
                              "schema, then run `st2sf migrate` again; fields are never dropped silently.",
                         fields=sorted(set(problems)))
