"""Writing a proposal as the map folder every other st2sf stage reads.

::

    mapping/
      00-settings.yml          settings (the defaults; edit them like any map file)
      010-<route>.yml …        one file per resource: its object rule (routing rationale), its route(s) with
                               a field rule per mapped column, ``skipped`` entries with reasons, the value
                               maps it uses and the custom fields / objects it creates. A resource with
                               several routes (work split by type: a ``when`` on the first; a ``match``
                               route to Users before a Contact route) has the rationale on each route
      source-inventory.json    the inventory the proposal was made from (part of the content hash)
      proposal.json            what the reviewer shows beside the decisions: samples, fill rates, field
                               labels and types, the scorers that ran (not part of the hash)
      decisions.json           the reviewer's decisions (written by ``st2sf map review``, kept across runs)

Every decision carries ``rationale: {confidence, reasons, proposed_by, alternatives, review}``. Files the
proposer wrote start with :data:`MARKER`; a re-run replaces those and nothing else, and refuses to write
into a folder that holds a hand-written map (pass another folder, or ``force``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from control.errors import UsageError
from control.mapping.inventory import SourceInventory
from control.mapping.loader import MAP_SUFFIXES
from control.mapping.propose.proposal import PROPOSED_BY, DecisionKind, FieldDecision, ObjectDecision, Proposal
from control.mapping.propose.routing import route_name_for
from control.mapping.targets import ObjectSpec

__all__ = ["write_proposal", "MARKER", "PROPOSAL_FILE", "rationale_of"]

MARKER = "# Proposed by `st2sf map propose`."
PROPOSAL_FILE = "proposal.json"
_HEADER = (MARKER + " Review it (st2sf map review), then approve it (st2sf map approve --by NAME).\n"
           "# Change decisions with `st2sf map review --accept/--reject/--set` (kept in decisions.json across\n"
           "# re-runs); a hand edit here is overwritten by the next `st2sf map propose`.\n")


def rationale_of(confidence: float, reasons: tuple[str, ...], alternatives: tuple[Any, ...] = (),
                 review: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {"confidence": round(float(confidence), 3), "reasons": list(reasons),
                           "proposed_by": PROPOSED_BY}
    if alternatives:
        out["alternatives"] = [{"target": a.target, "score": round(a.score, 3)} for a in alternatives]
    if review:
        out["review"] = dict(review)
    return out


def _rule(d: FieldDecision) -> dict[str, Any]:
    rule: dict[str, Any] = {"target": d.target}
    sourceless = bool(d.transform) and isinstance(d.transform[0], dict) and "concatenate" in d.transform[0]
    if d.column.path and not sourceless:
        rule = {"source": d.column.path, **rule}
    if d.transform:
        rule["transform"] = list(d.transform) if len(d.transform) > 1 else d.transform[0]
    if any(isinstance(step, dict) and "lookup" in step for step in d.transform):
        rule["on_missing"] = "quarantine" if d.column.required else "null"
    rule["rationale"] = rationale_of(d.confidence, d.reasons, d.alternatives, d.review)
    return rule


def _uses(d: FieldDecision, value_map: str) -> bool:
    return any(isinstance(step, dict) and step.get("value_map") == value_map for step in d.transform)


def _route_doc(route: ObjectDecision, decisions: list[FieldDecision], *, rationale: bool) -> dict[str, Any]:
    """One route of an object rule: its condition or match rule, owner rule, field rules and skipped fields."""
    doc: dict[str, Any] = {"name": route.route, "target": route.target}
    if route.when:
        doc["when"] = dict(route.when)
    if route.mode == "match":
        doc["mode"] = "match"
        doc["match"] = dict(route.match or {})
    else:
        doc["external_id"] = "ServiceTracker_Id__c"
        if route.owner:
            doc["owner"] = {**route.owner, "rationale": rationale_of(0.8, (
                f"the {route.owner['source']} person's Salesforce user (route {route.owner['via']}) owns the record",
                "no user: the fallback owner (settings fallback_owner); work is never left without an owner"))}
        doc["fields"] = [_rule(d) for d in decisions if d.kind in (DecisionKind.MAP, DecisionKind.CREATE,
                                                                    DecisionKind.KEY)]
        skipped = [{"source": d.column.path, "reason": d.skip_reason or "not moved",
                    "rationale": rationale_of(d.confidence, d.reasons, d.alternatives, d.review)}
                   for d in decisions if d.kind is DecisionKind.SKIP and d.column.path]
        if skipped:
            doc["skipped"] = skipped
    if rationale:  # one of several routes: the decision to route these records here
        doc["rationale"] = rationale_of(route.confidence, route.reasons, route.alternatives, route.review)
    return doc


def _target_part(proposal: Proposal, route: ObjectDecision, decisions: list[FieldDecision],
                 declared: set[tuple[str, str]], defined: set[str]) -> dict[str, Any] | None:
    """What this route adds to ``targets``: the object (first time) and the fields its decisions create."""
    spec = proposal.targets.get(route.target or "")
    if spec is None or route.target is None:
        return None
    mine = {name: f for name, f in spec.fields.items() if (route.target, name) not in declared and (
        name == "ServiceTracker_Id__c" or any(d.target == name and d.kind is DecisionKind.CREATE for d in decisions))}
    declared.update((route.target, name) for name in mine)
    part = spec.model_copy(update={"fields": mine})
    if route.target in defined or not spec.defines_object:
        part = ObjectSpec(fields=mine)
    defined.add(route.target)
    return _spec(part) if mine or part.defines_object else None


def _merge_spec(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    if old is None:
        return new
    return {**new, **old, "fields": {**old.get("fields", {}), **new.get("fields", {})}}


def _spec(spec: ObjectSpec) -> dict[str, Any]:
    return spec.model_dump(mode="json", exclude_defaults=True, exclude_none=True)


def _check_folder(folder: Path, force: bool) -> list[Path]:
    if not folder.exists():
        return []
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder.", hint="Pass --out DIR (a folder for the proposed map).")
    ours, theirs = [], []
    for path in sorted(folder.iterdir()):
        if path.suffix in MAP_SUFFIXES and path.is_file():
            (ours if path.read_text(encoding="utf-8").startswith(MARKER) else theirs).append(path)
    if theirs and not force:
        raise UsageError(
            f"{folder} holds a map the proposer did not write ({', '.join(p.name for p in theirs[:3])}"
            + (" …" if len(theirs) > 3 else "") + "); proposing there would mix two maps.",
            hint="Pass --out NEW_FOLDER, or --force to write beside (and possibly clash with) those files.")
    return ours


def _dump(path: Path, document: dict[str, Any]) -> None:
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False)
    path.write_text(_HEADER + text, encoding="utf-8")


def _column_info(d: FieldDecision, auto: bool) -> dict[str, Any]:
    c = d.column
    return {"resource": c.resource, "source": c.path, "label": c.label, "type": str(c.type), "origin": str(c.origin),
            "samples": list(c.samples), "values": list(c.values) if c.values else None, "fill_rate": c.fill_rate,
            "kind": str(d.kind), "target": d.target, "target_type": d.target_type, "confidence": d.confidence,
            "auto_class": str(d.auto_class), "auto": auto}


def write_proposal(proposal: Proposal, inventory: SourceInventory, folder: Path, *, force: bool = False) -> list[Path]:
    """Write the map files, the inventory snapshot and ``proposal.json``; return the files written."""
    old = _check_folder(folder, force)
    folder.mkdir(parents=True, exist_ok=True)
    for path in old:
        path.unlink()
    written: list[Path] = []
    settings = folder / "00-settings.yml"
    _dump(settings, {"version": 1, "settings": {"external_id_field": "ServiceTracker_Id__c", "api_version": "63.0"}})
    written.append(settings)
    fields_by: dict[str, list[FieldDecision]] = {}
    for d in proposal.fields:
        fields_by.setdefault(d.column.resource, []).append(d)
    declared: set[tuple[str, str]] = set()
    defined_objects: set[str] = set()
    value_maps = {vm.field_key + "→" + vm.target: vm for vm in proposal.value_maps}
    by_resource: dict[str, list[ObjectDecision]] = {}
    for route in proposal.objects:
        by_resource.setdefault(route.resource, []).append(route)
    for index, (resource, routes) in enumerate(by_resource.items()):
        decisions = fields_by.get(resource, [])
        document: dict[str, Any] = {"version": 1}
        first = routes[0]
        rule: dict[str, Any] = {"source": resource}
        if first.target is None:
            rule["skip"] = first.skip_reason or "not migrated"
            rule["rationale"] = rationale_of(first.confidence, first.reasons, first.alternatives, first.review)
            document["objects"] = [rule]
        else:
            route_docs, all_values, specs = [], {}, {}
            for route in routes:
                mine = [d for d in decisions if (d.route_key or None) == (route.key if route.split else None)]
                route_docs.append(_route_doc(route, mine if route.mode == "insert" else [], rationale=len(routes) > 1))
                used = [vm for key, vm in value_maps.items() if key.split(":", 1)[0] == resource
                        and vm.target.split(".", 1)[0] == route.target
                        and any(_uses(d, vm.name) for d in mine)]
                all_values.update({vm.name: {"description": f"{vm.field_key} → {vm.target}", "values": {
                    e.source: {"to": e.target, "rationale": rationale_of(e.confidence, e.reasons)}
                    for e in vm.entries}} for vm in used})
                part = _target_part(proposal, route, mine, declared, defined_objects)
                if part is not None:
                    specs[route.target] = _merge_spec(specs.get(route.target), part)
            if all_values:
                document["value_maps"] = all_values
            if specs:
                document["targets"] = specs
            rule["description"] = f"ServiceTracker {first.label} → " + " / ".join(
                f"{r.target}" + (" (new)" if r.create else "") + (" (matched)" if r.mode == "match" else "")
                for r in routes)
            if len(routes) == 1:
                rule["rationale"] = rationale_of(first.confidence, first.reasons, first.alternatives, first.review)
            rule["routes"] = route_docs
            document["objects"] = [rule]
        stem = (first.route or resource.replace("/", "-")) if len(routes) == 1 else route_name_for(resource)
        path = folder / f"{index + 10:03d}-{stem}.yml"
        _dump(path, document)
        written.append(path)
    snapshot = folder / "source-inventory.json"
    snapshot.write_text(json.dumps(inventory.as_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    info = folder / PROPOSAL_FILE
    info.write_text(json.dumps({"format": "st2sf.proposal/1", "summary": proposal.summary(), "notes": list(proposal.notes),
                                "columns": {d.key: _column_info(d, proposal.auto_accepted(d))
                                            for d in proposal.fields if d.column.path}},
                               indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    written += [snapshot, info]
    return written
