"""``st2sf map``: check the migration map against the source inventory and the target org."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from control.cli.context import MapDirOption, map_folder_from, settings_from
from control.cli.output import JsonOption, emit
from control.mapping.approval import approve_map, latest_approval, map_changes
from control.mapping.digest import map_digest
from control.mapping.inventory_adapters import read_inventory
from control.mapping.loader import load_map
from control.mapping.target_schema import TargetSchema, read_describes
from control.mapping.validate import target_schema_for, validate_map
from control.metadata.generate import INVENTORY_FILE
from control.errors import UsageError
from control.mapping.propose.decisions import DECISIONS_FILE, Decision, Decisions, Verdict
from control.mapping.propose.model import describe_thresholds
from control.mapping.propose.review import render_review_html, review_map
from control.mapping.propose.source import AuditProfiles, inventory_from_audit, read_audit_spec
from control.mapping.propose.workspace import propose_into, repropose
from control.salesforce.access import connect, custom_object_names, describe_objects, org_access
from control.settings import Settings

__all__ = ["app", "register"]

app = typer.Typer(help="The migration map: propose it, review it, validate it against the ServiceTracker inventory "
                       "and the Salesforce org, approve it.",
                  no_args_is_help=True)

# validate and propose read the target objects' describes from this org
DescribeOrgOption = Annotated[Optional[str], typer.Option(
    "--org", help="Describe the target objects in this configured org.")]


def _org_schema(settings: Settings, org: str, map_dir: Path) -> TargetSchema:
    loaded = load_map(map_dir, root=settings.root)
    names = {"User"}
    if loaded.map is not None:
        names |= {r.target for rule in loaded.map.objects for r in rule.all_routes()}
        names |= {record.target for record in loaded.map.records.values()}
    client = connect(org_access(settings, org), loaded.map.settings.api_version if loaded.map else "63.0")
    return TargetSchema.from_describes(describe_objects(client, sorted(names)))


@app.command("validate")
def validate(
    ctx: typer.Context,
    map_dir: MapDirOption = None,
    inventory: Annotated[Optional[Path], typer.Option(
        "--inventory", help="Source inventory: the audit's st2sf inventory, the contract's JSON Schema, or a "
                            "GET /schema reply (default: mapping/source-inventory.json).")] = None,
    describe: Annotated[Optional[list[Path]], typer.Option(
        "--describe", help="Describe JSON of target objects (a file or a folder of them; repeatable).")] = None,
    org: DescribeOrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check the map: every unknown object, field, picklist value, type mismatch or unmappable rule, with its
    file:line:column. Errors exit 2, all listed at once; warnings are printed and do not fail."""
    settings = settings_from(ctx)
    folder = map_folder_from(settings, map_dir)
    source = inventory or (folder / INVENTORY_FILE if (folder / INVENTORY_FILE).is_file() else None)
    target: TargetSchema | None = None
    if describe:
        target = read_describes(describe)
    if org:
        from_org = _org_schema(settings, org, folder)
        target = from_org if target is None else TargetSchema([*target.objects.values(), *from_org.objects.values()])
    report = validate_map(folder, inventory=read_inventory(source) if source else None, target=target,
                          root=settings.root)
    result = report.as_dict()
    if report.map is not None:
        result["target_objects"] = len(target_schema_for(report.map, target).objects)

    def human(console: Console) -> None:
        for issue in report.issues:
            console.print(issue.one_line(), highlight=False, markup=False)
        checked = [name for name, done in (("source inventory", report.source_checked),
                                           ("target org", report.target_checked)) if done]
        missing = [name for name, done in (("source inventory", report.source_checked),
                                           ("target org", report.target_checked)) if not done]
        console.print(f"Map OK: {result['objects']} object rules, {result['routes']} routes, "
                      f"{len(report.warnings)} warning(s); checked against {', '.join(checked) or 'itself only'}"
                      + (f" (not checked: {', '.join(missing)} — pass --inventory / --org or --describe)" if missing
                         else "") + ".", highlight=False)

    emit(result, as_json=as_json, human=human)



@app.command("approve")
def approve(
    ctx: typer.Context,
    by: Annotated[str, typer.Option("--by", help="Who approves (recorded in the ledger's audit log).")],
    map_dir: MapDirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve the map as it is now: its content hash, the approver and the time go into the ledger.
    Nothing loads from a map whose hash is not the latest approved one."""
    settings = settings_from(ctx)
    approval = approve_map(settings, map_folder_from(settings, map_dir), by=by)
    emit(approval._asdict(), as_json=as_json, human=lambda c: c.print(
        f"Approved {approval.digest} by {approval.by} at {approval.at} (audit entry {approval.audit_seq}).",
        highlight=False))


@app.command("status")
def status(ctx: typer.Context, map_dir: MapDirOption = None, as_json: JsonOption = False) -> None:
    """Whether the map is approved as it is now; if not, what changed since the last approval."""
    settings = settings_from(ctx)
    folder = map_folder_from(settings, map_dir)
    current = map_digest(folder)
    approval = latest_approval(settings)
    changes = map_changes(settings, approval, folder) if approval and approval.digest != current else []
    result = {"digest": current, "approved": bool(approval and approval.digest == current),
              "approval": approval._asdict() if approval else None, "changes": changes}

    def human(console: Console) -> None:
        if approval is None:
            console.print(f"Not approved: {current} has never been approved (st2sf map approve --by NAME).",
                          highlight=False)
        elif result["approved"]:
            console.print(f"Approved: {current} by {approval.by} at {approval.at}.", highlight=False)
        else:
            console.print(f"Not approved: changed since {approval.by} approved {approval.digest} at {approval.at}:",
                          highlight=False)
            for change in changes:
                console.print(f"  {change}", highlight=False, markup=False)

    emit(result, as_json=as_json, human=human)


# the standard objects a proposal may route to (custom objects of the org are added)
PROPOSAL_OBJECTS = ("Account", "Contact", "Lead", "Opportunity", "Case", "Asset", "Contract", "Task", "Event",
                    "Product2", "User")


def _latest_audit(settings: Settings) -> Path | None:
    specs = sorted((settings.state_dir / "audit").glob("*/spec.json"), key=lambda p: p.stat().st_mtime)
    return specs[-1] if specs else None


def _proposal_target(settings: Settings, org: str | None, describe: list[Path] | None) -> TargetSchema:
    if describe:
        return read_describes(describe)
    if not org:
        raise UsageError("The proposer needs the target org's schema.",
                         hint="Pass --org NAME (a configured org) or --describe FILE (describe JSON).")
    client = connect(org_access(settings, org))
    return TargetSchema.from_describes(describe_objects(client, [*PROPOSAL_OBJECTS, *custom_object_names(client)]))


@app.command("propose")
def propose(
    ctx: typer.Context,
    audit_spec: Annotated[Optional[Path], typer.Option(
        "--audit", help="The audit's spec.json (value profiles and discovered fields; default: the latest audit).")] = None,
    inventory: Annotated[Optional[Path], typer.Option(
        "--inventory", help="Source inventory (st2sf inventory, contract JSON Schema or GET /schema reply); "
                            "default: built from the audit.")] = None,
    describe: Annotated[Optional[list[Path]], typer.Option(
        "--describe", help="Describe JSON of the target org's objects (a file or a folder; repeatable).")] = None,
    org: DescribeOrgOption = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Folder to write the map into (default: mapping/).")] = None,
    embeddings: Annotated[bool, typer.Option(
        "--embeddings", help="Also run the embedding scorer (needs the [ai] extra: pip install 'st2sf[ai]').")] = False,
    force: Annotated[bool, typer.Option("--force", help="Write even where a hand-written map already is.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Propose the whole map from the audit's inventory and the org's describe: object routing, field → field
    with a calibrated confidence and reasons, runners-up, new custom fields, picklist value maps. Decisions
    recorded with `st2sf map review` are kept. Nothing loads until the map is approved."""
    settings = settings_from(ctx)
    folder = map_folder_from(settings, out)
    spec_path = audit_spec or _latest_audit(settings)
    spec = read_audit_spec(spec_path) if spec_path else None
    if inventory is not None:
        source = read_inventory(inventory)
        if spec is not None:
            source = inventory_from_audit(spec).merged(source)
    elif spec is not None:
        source = inventory_from_audit(spec)
    else:
        raise UsageError("Nothing to propose from: no audit specification and no inventory.",
                         hint="Run `st2sf audit` first, or pass --audit spec.json or --inventory FILE.")
    target = _proposal_target(settings, org, describe)
    proposed = propose_into(folder, source, target, profiles=AuditProfiles(spec), embeddings=embeddings, force=force)
    result = proposed.as_dict()

    def human(console: Console) -> None:
        s = proposed.proposal.summary()
        console.print(f"Proposed {s['objects']} object rules ({s['objects_created']} new objects, "
                      f"{s['objects_skipped']} skipped) and {s['fields']} field decisions into {folder}: "
                      f"{s['auto_accepted']} auto-accepted ({describe_thresholds(s['thresholds'])}), "
                      f"{s['to_review']} to review. Scorers: {', '.join(s['scorers'])}.", highlight=False)
        for line in (*proposed.errors, *proposed.proposal.notes):
            console.print(f"  {line}", highlight=False, markup=False)
        console.print("Next: st2sf map review (or --html review.html), then st2sf map approve --by NAME.",
                      highlight=False)

    emit(result, as_json=as_json, human=human)


def _set_decision(value: str, scope: str, by: str) -> Decision:
    kind, _, rest = value.partition(":")
    if kind == "skip":
        return Decision(Verdict.EDIT, "skip", None, rest or None, by)
    if kind == "create":
        return Decision(Verdict.EDIT, "create", rest or None, None, by)
    if kind == "join" and scope == "fields":
        return Decision(Verdict.EDIT, "join", rest or None, None, by)
    if kind == "map" and rest:
        return Decision(Verdict.EDIT, "map", rest, None, by)
    return Decision(Verdict.EDIT, "map", value, None, by)


@app.command("review")
def review(
    ctx: typer.Context,
    map_dir: MapDirOption = None,
    below: Annotated[Optional[float], typer.Option("--below", help="Only decisions with a confidence below this.")] = None,
    kind: Annotated[Optional[list[str]], typer.Option("--kind", help="Only these kinds: map, create, skip, key, join, match.")] = None,
    resource: Annotated[Optional[str], typer.Option("--resource", help="Only this source resource.")] = None,
    html: Annotated[Optional[Path], typer.Option("--html", help="Also write a sortable, filterable HTML page here.")] = None,
    accept: Annotated[Optional[list[str]], typer.Option(
        "--accept", help="Pin a decision as proposed (KEY: resource:field, or resource for routing).")] = None,
    reject: Annotated[Optional[list[str]], typer.Option(
        "--reject", help="Rule out the proposed target (KEY); the next candidate or a new field is proposed.")] = None,
    set_: Annotated[Optional[list[str]], typer.Option(
        "--set", help="KEY=VALUE with VALUE a field (or map:Field), create[:Name__c], skip:REASON or (a second "
                      "address line) join[:Street field]; for a resource: an object, create:Name__c or "
                      "skip:REASON.")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Who decides (needed with --accept/--reject/--set).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Show the proposal's decisions (lowest confidence first) with sample values, reasons and runners-up;
    record accept / reject / edit decisions in mapping/decisions.json and re-propose so the map follows them."""
    settings = settings_from(ctx)
    folder = map_folder_from(settings, map_dir)
    changes = [("accept", k) for k in accept or ()] + [("reject", k) for k in reject or ()] + \
        [("set", k) for k in set_ or ()]
    if changes:
        if not by or not by.strip():
            raise UsageError("A decision needs the reviewer's name.", hint="Pass --by NAME.")
        decisions = Decisions.read(folder / DECISIONS_FILE)
        current = review_map(folder)
        by_key = {r.key: r for r in current.rows}
        for verb, item in changes:
            key, _, value = item.partition("=") if verb == "set" else (item, "", "")
            row = by_key.get(key)
            if row is None:
                raise UsageError(f"No decision is keyed {key!r} in {folder}.",
                                 hint="Keys are resource:field (fields) or resource (routing); see st2sf map review.")
            scope = "objects" if row.scope == "object" else "fields"
            target = row.target.split(".", 1)[-1] if row.target and scope == "fields" else row.target
            if verb == "accept":
                decision = Decision(Verdict.ACCEPT, row.kind, target, None, by.strip())
            elif verb == "reject":
                decision = Decision(Verdict.REJECT, row.kind, target, None, by.strip())
            else:
                decision = _set_decision(value, scope, by.strip())
            decisions = decisions.with_decision(scope, key, decision)
        decisions.write(folder / DECISIONS_FILE)
        repropose(folder)
    result_review = review_map(folder, below=below, kinds=kind or (), resource=resource)
    rows = sorted(result_review.rows, key=lambda r: (r.confidence if r.confidence is not None else 2.0, r.key))
    if html is not None:
        html.write_text(render_review_html(result_review._replace(rows=tuple(rows))), encoding="utf-8")
    result = {**result_review.summary(), "decided": len(changes), "html": str(html) if html else None,
              "rows": [r.as_dict() for r in rows]}

    def human(console: Console) -> None:
        title = f"{folder} — auto-accepted: {describe_thresholds(result_review.thresholds)}"
        table = Table(show_lines=False, title=title)
        for head in ("key", "decision", "target", "conf", "samples", "reasons"):
            table.add_column(head, overflow="fold")
        for r in rows:
            style = "yellow" if not r.auto else None
            table.add_row(r.key, r.kind + (" ✓" if r.reviewed else ""), r.target or "—",
                          f"{r.confidence:.2f}" if r.confidence is not None else "", " · ".join(r.samples[:3]),
                          "; ".join(r.reasons[:2]), style=style)
        console.print(table)
        s = result_review.summary()
        console.print(f"{s['fields']} field decisions: {s['auto']} auto-accepted, {s['to_review']} to review, "
                      f"{s['create']} to create" + (f"; page written to {html}" if html else "") + ".", highlight=False)

    emit(result, as_json=as_json, human=human)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="map")
