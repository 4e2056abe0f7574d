"""The proposal's working folder: propose into it, and propose again from what it keeps.

``propose_into`` runs :func:`~control.mapping.propose.engine.propose_map` with the reviewer's decisions
from ``decisions.json``, writes the map (:mod:`control.mapping.propose.writer`) and keeps what a re-run
needs beside it: the source inventory snapshot, ``target-describes.json`` (the org's describes the
proposal was made against) and the value profiles in ``proposal.json``. ``repropose`` reads those back, so
``st2sf map review --reject/--set`` can apply a decision at once, without the org or the audit at hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

from control.errors import UsageError
from control.mapping.inventory_adapters import read_inventory
from control.mapping.propose.decisions import DECISIONS_FILE, Decisions
from control.mapping.propose.engine import propose_map
from control.mapping.propose.proposal import Proposal
from control.mapping.propose.source import AuditProfiles
from control.mapping.propose.writer import PROPOSAL_FILE, write_proposal
from control.mapping.inventory import SourceInventory
from control.mapping.loader import load_map
from control.mapping.target_schema import TargetSchema, read_describes
from control.mapping.validate import check_map

__all__ = ["Proposed", "propose_into", "repropose", "TARGET_FILE", "schema_as_describes"]

TARGET_FILE = "target-describes.json"


class Proposed(NamedTuple):
    proposal: Proposal
    folder: Path
    files: tuple[str, ...]
    errors: tuple[str, ...]    # validation errors of the written map (a proposal should have none)
    warnings: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"folder": str(self.folder), **self.proposal.summary(), "files": list(self.files),
                "errors": list(self.errors), "warnings": len(self.warnings), "notes": list(self.proposal.notes)}


def schema_as_describes(schema: TargetSchema) -> list[dict[str, Any]]:
    """The schema written back as describe dicts (what ``read_describes`` reads)."""
    out = []
    for obj in schema.objects.values():
        fields = [{"name": f.name, "type": f.type, "label": f.label, "length": f.length, "precision": f.precision,
                   "scale": f.scale, "picklistValues": [{"value": v, "active": True} for v in f.picklist_values],
                   "restrictedPicklist": f.restricted, "referenceTo": list(f.reference_to),
                   "relationshipName": f.relationship_name, "createable": f.createable, "updateable": f.updateable,
                   "nillable": f.nillable, "defaultedOnCreate": f.defaulted_on_create, "externalId": f.external_id,
                   "unique": f.unique, "custom": f.custom, "calculated": f.calculated} for f in obj.fields.values()]
        out.append({"name": obj.name, "label": obj.label, "custom": obj.custom, "createable": obj.createable,
                    "fields": fields, "recordTypeInfos": [{"developerName": r, "master": False}
                                                          for r in sorted(obj.record_types)]})
    return out


def _profiles_from(folder: Path) -> AuditProfiles:
    path = folder / PROPOSAL_FILE
    if not path.is_file():
        return AuditProfiles()
    columns = json.loads(path.read_text(encoding="utf-8")).get("columns", {})
    by_resource: dict[str, list[dict[str, Any]]] = {}
    for info in columns.values():
        custom = info["origin"] == "custom"
        by_resource.setdefault(info["resource"], []).append({
            "name": info["source"].removeprefix("custom_fields.") if custom else info["source"],
            "origin": info["origin"], "samples": info.get("samples") or [], "fill_rate": info.get("fill_rate")})
    return AuditProfiles({"resources": [{"resource": r, "fields": f} for r, f in by_resource.items()]})


def propose_into(folder: Path, inventory: SourceInventory, target: TargetSchema, *,
                 profiles: AuditProfiles | None = None, embeddings: bool = False, force: bool = False) -> Proposed:
    """Propose, write the map into ``folder``, keep the describes, validate what was written."""
    decisions = Decisions.read(folder / DECISIONS_FILE)
    proposal = propose_map(inventory, target, profiles=profiles, decisions=decisions, embeddings=embeddings)
    files = write_proposal(proposal, inventory, folder, force=force)
    (folder / TARGET_FILE).write_text(json.dumps({"sobjects": schema_as_describes(target)}, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    report = check_map(load_map(folder), inventory=inventory, target=target)
    return Proposed(proposal, folder, tuple(p.name for p in files) + (TARGET_FILE,),
                    tuple(i.one_line() for i in report.errors), tuple(i.one_line() for i in report.warnings))


def repropose(folder: Path, *, embeddings: bool = False) -> Proposed:
    """Propose again from the snapshots ``folder`` keeps (after a reviewer's decision)."""
    inventory_path, target_path = folder / "source-inventory.json", folder / TARGET_FILE
    if not inventory_path.is_file() or not target_path.is_file():
        raise UsageError(f"{folder} holds no proposal to redo (source-inventory.json and {TARGET_FILE} are needed).",
                         hint="Run `st2sf map propose` first.")
    return propose_into(folder, read_inventory(inventory_path), read_describes([target_path]),
                        profiles=_profiles_from(folder), embeddings=embeddings)
