"""The technician → user gap report (``owners.json``), written before anything loads.

Every record of a resource a ``match`` route to ``User`` covers (technicians) is matched again against
the org's users (:class:`~control.transform.matching.MatchIndex`) and reported:

* ``matched`` — exactly one active user (by e-mail, trimmed and case-insensitive, or by
  FederationIdentifier): their records are owned by that user;
* every other technician is a **gap**: no e-mail, an e-mail that is not an address, no user, only
  inactive users, or several active users (ambiguous). The report says which, names the users involved,
  where the technician itself went (a Contact in the Technicians Account, or quarantined) and how many
  records were given to the fallback owner because of them.

Records are streamed from staging; the report's lists are as long as the technician list (small).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Mapping

from control.datasets.store import DatasetStore
from control.mapping.rules import RouteMode
from control.staging import StagingStore
from control.transform.compile import CompiledMap, staging_resource
from control.transform.matching import MatchIndex, MatchStatus
from control.transform.paths import read_path
from control.transform.records import OwnerPolicy

__all__ = ["OWNERS_FORMAT", "gap_report"]

OWNERS_FORMAT = "st2sf.owners/1"


def _name(payload: Mapping[str, Any]) -> str | None:
    parts = [p for p in (payload.get("first_name"), payload.get("last_name")) if isinstance(p, str) and p.strip()]
    if parts:
        return " ".join(parts)
    name = payload.get("name")
    return name if isinstance(name, str) else None


def gap_report(compiled: CompiledMap, matches: Mapping[str, MatchIndex], staging: StagingStore, store: DatasetStore,
               owners: OwnerPolicy, fallback_counts: Counter[str], org: str) -> dict[str, Any]:
    report: dict[str, Any] = {"format": OWNERS_FORMAT, "org": org,
                              "fallback_owner": ({"id": owners.fallback_id, "username": owners.fallback_label}
                                                 if owners.fallback_id else None),
                              "resources": {}}
    for name, route in compiled.routes.items():
        if route.route.mode is not RouteMode.MATCH or route.route.target != "User" or route.route.match is None:
            continue
        index = matches[name]
        statuses: Counter[str] = Counter()
        matched: list[dict[str, Any]] = []
        gaps: list[dict[str, Any]] = []
        page_ids: list[str] = []
        for staged in staging.iter_records(staging_resource(route.resource)):
            value = read_path(staged.payload, route.route.match.source)
            result = index.find(value)
            statuses[str(result.status)] += 1
            entry = {"id": staged.source_id, "name": _name(staged.payload), "email": value}
            if result.status is MatchStatus.MATCHED:
                matched.append(entry | {"user_id": result.record_id, "username": result.label, "via": result.via})
                continue
            gaps.append(entry | {"status": str(result.status), "reason": result.reason(value),
                                 "users": list(result.candidates),
                                 "records_to_fallback": fallback_counts.get(staged.source_id, 0)})
            page_ids.append(staged.source_id)
        landed = store.landed(staging_resource(route.resource), page_ids)
        for gap in gaps:
            where = landed.get(gap["id"])
            gap["landed_as"] = None if where is None else (where.route if where.status == "dataset" else where.status)
        report["resources"][staging_resource(route.resource)] = {
            "route": name, "total": sum(statuses.values()), "matched": statuses.get(MatchStatus.MATCHED, 0),
            "gaps": len(gaps), "by_status": dict(sorted(statuses.items())),
            "records_to_fallback": sum(fallback_counts.values()),
            "records_to_fallback_without_technician": fallback_counts.get("", 0),
            "unmatched": gaps, "matched_users": matched}
    return report
