"""One resource's inventory: its core and discovered custom fields, profiled while staging streams by.

:func:`audit_resource` reads a resource once (profiles, record checks, relation feeding) and, only
when a discovered custom field has values that do not fit its inferred type or picklist values that
differ only in case, a second time to name those records. Memory: one bounded
:class:`~control.audit.profile.FieldProfile` per field (custom keys per resource capped at
:data:`MAX_CUSTOM_KEYS`; more are counted and reported, not profiled).
"""

from __future__ import annotations

from typing import Any, Callable

from control.audit.checks import RecordChecks
from control.audit.findings import FindingKind, FindingSink, Reference
from control.audit.infer import Kind
from control.audit.profile import FieldProfile
from control.audit.relations import Relations
from control.servicetracker.contract import COMMON_KEYS, ResourceRules
from control.staging.store import StagingStore

__all__ = ["audit_resource", "MAX_CUSTOM_KEYS"]

MAX_CUSTOM_KEYS = 500
_PROFILED_CORE = {"string", "text", "email", "phone", "url", "enum", "integer", "number", "boolean", "date",
                  "datetime", "reference", "id"}


def _case_variants(profile: FieldProfile) -> dict[str, list[str]]:
    """Values of a picklist that differ only in case: ``{canonical: [variants…]}`` (most used first)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for value, count in profile.value_counts():
        if isinstance(value, str):
            groups.setdefault(value.strip().casefold(), []).append((count, value))
    return {k: [v for _, v in sorted(vs, key=lambda cv: (-cv[0], cv[1]))] for k, vs in groups.items() if len(vs) > 1}


def audit_resource(store: StagingStore, resource: str, rules: ResourceRules | None, checks: RecordChecks,
                   relations: Relations, sink: FindingSink,
                   on_record: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    core = [f for f in (rules.fields if rules else ()) if f.name not in COMMON_KEYS and f.type in _PROFILED_CORE]
    core_profiles = {f.name: FieldProfile(f.name, infer=False) for f in core}
    custom: dict[str, FieldProfile] = {}
    overflow: set[str] = set()
    records = 0
    for staged in store.iter_records(resource):
        record = staged.payload
        records += 1
        for name, profile in core_profiles.items():
            profile.add(record.get(name))
        for key, value in (record.get("custom_fields") or {}).items():
            profile = custom.get(key)
            if profile is None:
                if len(custom) >= MAX_CUSTOM_KEYS:
                    if len(overflow) < 1000:
                        overflow.add(key)
                    continue
                profile = custom[key] = FieldProfile(key, infer=True)
            profile.add(value)
        checks.check(record)
        relations.feed(resource, rules, record)
        if on_record is not None:
            on_record(record)

    kinds = {key: p.kind() for key, p in custom.items()}
    variants = {key: _case_variants(p) for key, p in custom.items() if kinds[key] is Kind.PICKLIST}
    variants = {k: v for k, v in variants.items() if v}
    misfits = {key for key, p in custom.items()
               if kinds[key] not in (Kind.TEXT, Kind.ID, Kind.PICKLIST, Kind.UNKNOWN)
               and p.votes.get(kinds[key], 0) < p.non_empty}
    if misfits or variants:
        _name_records(store, resource, custom, kinds, misfits, variants, sink)

    fields = []
    rules_by_name = {f.name: f for f in core}
    for name, profile in core_profiles.items():
        rule = rules_by_name[name]
        entry = {"origin": "core", "declared_type": rule.type, "required": rule.required,
                 "max_length": rule.max_length, "reference": rule.reference, **profile.summary(records)}
        if rule.type == "enum" and rule.enum is not None:
            entry["picklist"] = _picklist(profile, rule.enum)
        fields.append(entry)
    for key in sorted(custom):
        profile = custom[key]
        entry = {"origin": "custom", **profile.summary(records)}
        if kinds[key] is Kind.PICKLIST:
            entry["picklist"] = _picklist(profile, None)
            if key in variants:
                entry["picklist"]["case_variants"] = list(variants[key].values())
        fields.append(entry)
    return {"resource": resource, "records": records, "fields": fields,
            "custom_fields": len(custom), "custom_fields_not_profiled": sorted(overflow)}


def _picklist(profile: FieldProfile, allowed: tuple[str, ...] | None) -> dict[str, Any]:
    values = [{"value": v, "count": n, **({"in_list": v in allowed} if allowed is not None else {})}
              for v, n in profile.value_counts()]
    out: dict[str, Any] = {"values": values, "complete": profile.top_exact}
    if allowed is not None:
        used = {v["value"] for v in values}
        out["allowed"] = list(allowed)
        out["unused"] = [v for v in allowed if v not in used]
    return out


def _name_records(store: StagingStore, resource: str, custom: dict[str, FieldProfile], kinds: dict[str, Kind],
                  misfits: set[str], variants: dict[str, dict[str, list[str]]], sink: FindingSink) -> None:
    minority = {key: {v for vs in groups.values() for v in vs[1:]} for key, groups in variants.items()}
    for staged in store.iter_records(resource):
        values = staged.payload.get("custom_fields") or {}
        for key in misfits:
            if key in values and not custom[key].fits(values[key], kinds[key]):
                sink.add(FindingKind.CUSTOM_VALUE_MISMATCH,
                         Reference(resource, staged.source_id, f"custom_fields.{key}", values[key], None,
                                   f"the field holds {kinds[key]} values"))
        for key, rare in minority.items():
            value = values.get(key)
            if isinstance(value, str) and value in rare:
                canonical = variants[key][value.strip().casefold()][0]
                sink.add(FindingKind.PICKLIST_CASE_VARIANTS,
                         Reference(resource, staged.source_id, f"custom_fields.{key}", value, f"{key}:{canonical}",
                                   f"most records write {canonical!r}"))
