"""Everything the build needs before it reads a record, checked up front.

:func:`prepare` runs, in order: the approval gate (nothing moves from an unapproved map), loading and
expanding the map with the source inventory (``mapping/source-inventory.json``), reading the org
(describes, users, ``/limits``), compiling the map against the org (:mod:`.compile`), resolving owners
(the fallback owner and fixed owners must be active users) and the ``match`` routes' indexes.
Any of these failing is a usage error before a single record is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from control.errors import UsageError
from control.mapping.approval import Approval, require_approved
from control.mapping.inventory import SourceInventory
from control.mapping.inventory_adapters import read_inventory
from control.mapping.issues import MapInvalidError
from control.mapping.loader import load_map
from control.mapping.rules import RouteMode, UnmatchedOwner
from control.mapping.validate import check_map
from control.salesforce.org_data import OrgSnapshot, OrgUser, match_candidates
from control.settings import Settings
from control.transform.compile import CompiledMap, compile_map
from control.transform.matching import MatchIndex
from control.transform.records import OwnerPolicy

__all__ = ["BuildInputs", "prepare", "map_folder", "load_expanded", "read_org_snapshot", "INVENTORY_FILE"]

INVENTORY_FILE = "source-inventory.json"


class BuildInputs(NamedTuple):
    approval: Approval
    folder: Path
    inventory: SourceInventory | None
    org: OrgSnapshot
    compiled: CompiledMap
    matches: dict[str, MatchIndex]
    owners: OwnerPolicy
    tenant_zone: str | None


def map_folder(settings: Settings, folder: Path | None) -> Path:
    return (folder or settings.root / "mapping").resolve()


def load_expanded(settings: Settings, folder: Path) -> tuple[Any, SourceInventory | None]:
    """The expanded map (auto custom fields and tables filled in) and the inventory it was expanded with."""
    inventory_path = folder / INVENTORY_FILE
    inventory = read_inventory(inventory_path) if inventory_path.is_file() else None
    report = check_map(load_map(folder, root=settings.root), inventory=inventory)
    if report.errors or report.map is None:
        raise MapInvalidError(report.issues)
    return report.map, inventory


def read_org_snapshot(settings: Settings, org: str | None, expanded: Any) -> OrgSnapshot:
    from control.salesforce.access import connect, org_access
    from control.salesforce.org_data import read_org

    access = org_access(settings, org)
    client = connect(access, expanded.settings.api_version)
    names = {r.target for rule in expanded.objects for r in rule.all_routes()}
    names |= {record.target for record in expanded.records.values()}
    return read_org(client, access.name, names, username=access.username)


def _user(org: OrgSnapshot, name: str, what: str) -> OrgUser:
    user = org.user_by_username(name)
    if user is None:
        by_email = [u for u in org.users if (u.email or "").strip().casefold() == name.strip().casefold() and u.active]
        user = by_email[0] if len(by_email) == 1 else None
    if user is None:
        raise UsageError(f"The {what} '{name}' is not a user of the org '{org.name}'.",
                         hint="Name an existing active user's username (settings.fallback_owner in the map, or "
                              "[defaults] fallback_owner in st2sf.toml).")
    if not user.active:
        raise UsageError(f"The {what} '{name}' is an inactive user of the org '{org.name}'; inactive users cannot "
                         "own records.", hint="Activate the user, or name another one.")
    return user


def _owners(settings: Settings, compiled: CompiledMap, org: OrgSnapshot) -> OwnerPolicy:
    routes = [r.route for r in compiled.routes.values()]
    fixed = {r.owner.user: _user(org, r.owner.user, "owner").id for r in routes if r.owner and r.owner.user}
    wants_fallback = any(r.owner and r.owner.unmatched is UnmatchedOwner.FALLBACK and r.owner.via for r in routes)
    name = compiled.map.settings.fallback_owner or settings.defaults.fallback_owner
    if not name:
        if wants_fallback:
            raise UsageError("The map gives unmatched technicians' records to a fallback owner, but none is "
                             "configured; no record loads without a valid owner.",
                             hint="Set settings.fallback_owner in the map, or [defaults] fallback_owner in st2sf.toml, "
                                  "to an active user's username.")
        return OwnerPolicy(None, None, fixed)
    user = _user(org, name, "fallback owner")
    return OwnerPolicy(user.id, user.username, fixed)


def _matches(settings: Settings, compiled: CompiledMap, org: OrgSnapshot, org_name: str | None) -> dict[str, MatchIndex]:
    out: dict[str, MatchIndex] = {}
    client = None
    for name, route in compiled.routes.items():
        if route.route.mode is not RouteMode.MATCH or route.route.match is None:
            continue
        rule = route.route.match
        if route.route.target == "User":
            out[name] = MatchIndex.for_users(rule, org.users)
            continue
        if client is None:
            from control.salesforce.access import connect, org_access

            client = connect(org_access(settings, org_name), compiled.map.settings.api_version)
        index = MatchIndex(rule, email_key=rule.target_field == "Email")
        for record_id, key, where in match_candidates(client, route.route.target, rule.target_field, list(rule.where)):
            index.add(record_id, key, where, str(key))
        out[name] = index
    return out


def prepare(settings: Settings, *, folder: Path | None, org: str | None, staging_meta: Any = None,
            snapshot: OrgSnapshot | None = None) -> BuildInputs:
    where = map_folder(settings, folder)
    approval = require_approved(settings, where)
    expanded, inventory = load_expanded(settings, where)
    org_snapshot = snapshot or read_org_snapshot(settings, org, expanded)
    compiled = compile_map(expanded, org_snapshot)
    owners = _owners(settings, compiled, org_snapshot)
    matches = _matches(settings, compiled, org_snapshot, org)
    zone = expanded.settings.tenant_time_zone
    if not zone and isinstance(staging_meta, dict):
        zone = staging_meta.get("time_zone")
    return BuildInputs(approval, where, inventory, org_snapshot, compiled, matches, owners, zone)
