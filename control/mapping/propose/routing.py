"""Object routing: which Salesforce object each source resource lands in.

For every resource the candidates are the org's objects that can take inserted records (standard ones
such as Account, Case, Asset, and custom objects already deployed). Each is scored by

* **name** — the resource's name and label against the object's name and label: shared concepts through
  the lexicon's object vocabulary (``clients``/``customers`` → Account, ``tickets`` → Case, ``equipment`` →
  Asset), or string similarity;
* **field fit** — the share of the resource's columns whose concepts some field of the object carries
  (``serial_no`` and ``install_date`` fit Asset; they fit Account poorly).

The best object wins when its combined score clears :data:`ROUTE_THRESHOLD`; otherwise the resource gets a
**new custom object** named after it (``invoices`` → ``Invoice__c``). Resources that are not records to
move (workflows, device sync states) and resources whose records need routes the proposer does not build
(files with bodies, notes on polymorphic parents) are skipped with the reason, for a person to take over.

A routed resource may then get more routes (:mod:`~control.mapping.propose.route_split`): work split into
Case and a work-order object by its type, people matched to Salesforce users before their Contact route.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from rapidfuzz import fuzz

from control.mapping.expand import api_name_for
from control.mapping.inventory import ResourceKind, SourceResource
from control.mapping.propose.lexicon import OBJECT_CONCEPTS, concept_of, concepts, expand, words
from control.mapping.propose.proposal import Alternative, ObjectDecision
from control.mapping.propose.route_split import expand_routes
from control.mapping.target_schema import TargetObject, TargetSchema

__all__ = ["route_resources", "ROUTE_THRESHOLD", "NOT_INSERTABLE", "SKIPPED_RESOURCES", "object_concept",
           "route_name_for", "resource_concepts"]

ROUTE_THRESHOLD = 0.5

# objects records are not inserted into by a plain route (users are matched; the rest need parents/bodies)
NOT_INSERTABLE = frozenset({"User", "Profile", "RecordType", "Organization", "Group", "PermissionSet",
                            "PermissionSetAssignment", "TabDefinition", "EntityDefinition", "BusinessProcess",
                            "UserRole", "RecentlyViewed", "ContentDocument", "ContentDocumentLink", "Attachment",
                            "ContentVersion", "Note", "CaseComment", "OpportunityContactRole"})

# resource words that mean "not records to move as they are", with the reason a reviewer reads
SKIPPED_RESOURCES: dict[str, str] = {
    "custom_tables": "the list of custom tables; their rows are the custom_tables/<key> resources",
    "workflow": "workflows are rebuilt as Salesforce Flows by `st2sf metadata generate`, not moved as records",
    "automation": "automations are rebuilt as Salesforce Flows, not moved as records",
    "mobile": "device sync state is checked by the audit's mobile-sync preflight; it has no place in Salesforce",
    "attachment": "files need ContentVersion + ContentDocumentLink routes with file_content; take them from the "
                  "default map (50-notes-attachments.yml)",
    "file": "files need ContentVersion + ContentDocumentLink routes with file_content; take them from the "
            "default map (50-notes-attachments.yml)",
    "note": "notes hang on several kinds of parent (a polymorphic lookup to CaseComment / Note); take the routes "
            "from the default map (50-notes-attachments.yml)",
}


def object_concept(name: str) -> str | None:
    """The concept naming a Salesforce object in an sObject or resource name, the head noun (last word)
    first: ``client_contacts`` → contact, ``work_order_tasks`` → activity."""
    for word in reversed(words(name.rsplit("/", 1)[-1])):
        concept = concept_of(word)
        if concept in OBJECT_CONCEPTS:
            return concept
    return None


def resource_concepts(name: str) -> frozenset[str]:
    """The concept of a resource's head noun (``service_visits`` → activity, ``jobs`` → job): a column
    repeating it (``visit_start``, ``job_status``) is read without it."""
    head = words(name.rsplit("/", 1)[-1])[-1:]
    return frozenset(concept_of(w) for w in head)


def route_name_for(resource: str) -> str:
    """A route name (``[a-z][a-z0-9_]*``) for a resource: ``custom_tables/inspection_forms`` → ``inspection_forms``."""
    base = api_name_for(resource.rsplit("/", 1)[-1], limit=60).lower()
    return base if base[:1].isalpha() else "r_" + base


def _name_score(resource: SourceResource, obj: TargetObject) -> float:
    mine = concepts(resource.name.rsplit("/", 1)[-1]) | concepts(resource.label)
    theirs = concepts(obj.name) | concepts(obj.label)
    head = words(resource.name.rsplit("/", 1)[-1])[-1:] or ("",)
    head_concept = concept_of(head[0])
    if obj.name in OBJECT_CONCEPTS.get(head_concept, ()):
        return 1.0
    if head_concept in theirs:
        return 0.9
    if mine & theirs:
        return 0.6
    text = expand(resource.label or resource.name)
    return max(fuzz.token_sort_ratio(text, expand(obj.label)), fuzz.token_sort_ratio(text, expand(obj.name))) / 100 * 0.7


def _field_fit(resource: SourceResource, obj: TargetObject) -> float:
    own = concepts(obj.name)
    targets = [concepts(f.name) - own for f in obj.fields.values() if f.createable and not f.name.endswith("Id")]
    columns = [concepts(name) for name in resource.fields if name not in ("id", "created_at", "updated_at",
                                                                         "custom_fields")]
    columns = [c for c in columns if c]
    if not columns:
        return 0.0
    hits = sum(1 for c in columns if any(t and (c & t) and len(c & t) >= min(len(c), len(t)) for t in targets))
    return hits / len(columns)


def _skip_reason(resource: SourceResource) -> str | None:
    if resource.kind is ResourceKind.CUSTOM_TABLE:
        return None
    if resource.name in SKIPPED_RESOURCES:
        return SKIPPED_RESOURCES[resource.name]
    for word in concepts(resource.name) | {w.rstrip("s") for w in resource.name.split("_")}:
        for key, reason in SKIPPED_RESOURCES.items():
            if word == key or word.startswith(key):
                return reason
    return None


def custom_object_for(resource: SourceResource, taken: Iterable[str]) -> str:
    """The custom object a resource becomes: its label, singular, as an API name (``invoices`` → ``Invoice__c``)."""
    label = (resource.label or resource.name.rsplit("/", 1)[-1]).strip()
    if resource.kind is ResourceKind.CUSTOM_TABLE:
        label = resource.name.rsplit("/", 1)[-1]
    base = api_name_for(label, limit=37)
    if base.endswith("s") and not base.endswith("ss") and resource.kind is not ResourceKind.CUSTOM_TABLE:
        base = base[:-1]
    return api_name_for(base, taken={t.removesuffix("__c") for t in taken}, limit=37) + "__c"


def route_resources(resources: Iterable[SourceResource], schema: TargetSchema,
                    forced: Mapping[str, tuple[str | None, bool, str | None]] | None = None,
                    refused: Iterable[str] = ()) -> list[ObjectDecision]:
    """The routing decisions of every resource: one each, or several where work splits by type or people
    are matched to users (:mod:`~control.mapping.propose.route_split`). ``forced``: resource → (target,
    create, skip reason) set by a reviewer (one route, no split); ``refused``: route names a reviewer
    rejected (those splits and matches are not proposed)."""
    forced = forced or {}
    refused = set(refused)
    candidates = [o for o in schema.objects.values() if o.createable and o.name not in NOT_INSERTABLE]
    out: list[ObjectDecision] = []
    taken = set(schema.objects)
    used_routes: set[str] = set()
    for resource in resources:
        route = route_name_for(resource.name)
        while route in used_routes:
            route += "_2"
        used_routes.add(route)
        decided = _route_one(resource, route, candidates, taken, forced.get(resource.name))
        if resource.name in forced or decided.target is None:
            out.append(decided)
            continue
        expanded = expand_routes(resource, decided, schema, taken, refused)
        for extra in expanded:
            name = extra.route or route
            while extra is not decided and name in used_routes:
                name += "_2"
            used_routes.add(name)
            out.append(extra._replace(route=name))
    return out


def _route_one(resource: SourceResource, route: str, candidates: list[TargetObject], taken: set[str],
               forced: tuple[str | None, bool, str | None] | None) -> ObjectDecision:
    label = resource.label or resource.name
    if forced is not None:
        target, create, reason = forced
        if create and target:
            taken.add(target)
        return ObjectDecision(resource.name, label, target, create, 1.0, ("set by a reviewer",),
                              route=route if target else None, skip_reason=reason)
    reason = _skip_reason(resource)
    if reason is not None:
        return ObjectDecision(resource.name, label, None, False, 0.9, (reason,), skip_reason=reason)
    own = custom_object_for(resource, ())
    deployed = next((o for o in candidates if o.name == own and o.custom), None)
    if deployed is not None:  # the custom object an earlier map created for this resource
        return ObjectDecision(resource.name, label, own, False, 0.95,
                              (f"the org already has {own}, the custom object st2sf makes for {label} "
                               "(deployed from an earlier map)",), (), route)
    scored = []
    if resource.kind is not ResourceKind.CUSTOM_TABLE:
        for obj in candidates:
            name = _name_score(resource, obj)
            fit = _field_fit(resource, obj)
            scored.append((0.65 * name + 0.35 * fit, name, fit, obj))
    scored.sort(key=lambda s: (-s[0], s[3].name))
    alternatives = tuple(Alternative(s[3].name, round(s[0], 3)) for s in scored[1:4])
    if scored and scored[0][0] >= ROUTE_THRESHOLD:
        score, name, fit, obj = scored[0]
        margin = score - (scored[1][0] if len(scored) > 1 else 0.0)
        confidence = round(min(0.99, 0.35 + 0.5 * score + 0.6 * margin), 3)
        reasons = (f"name: {label} ~ {obj.label} ({name:.0%})", f"{fit:.0%} of its fields fit {obj.name}")
        return ObjectDecision(resource.name, label, obj.name, False, confidence, reasons, alternatives, route)
    obj_name = custom_object_for(resource, taken)
    taken.add(obj_name)
    best = f"best existing object {scored[0][3].name} scored {scored[0][0]:.0%}" if scored else \
        "a custom table: its own custom object"
    return ObjectDecision(resource.name, label, obj_name, True,
                          0.9 if not scored else round(min(0.95, 1.0 - scored[0][0]), 3),
                          (f"no Salesforce object fits ({best}): a new custom object",), alternatives, route)
