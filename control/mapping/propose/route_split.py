"""Routes beyond one object per resource: work split by its type, and people matched to Salesforce users.

Two patterns of the field-service → Sales Cloud migration need more than "resource → object":

**Work split by type.** A work resource (work orders, jobs, service orders) whose type enumeration mixes
*reactive* work (break-fix, repair, support requests, emergencies) with *planned* work (preventive
maintenance, scheduled service, installation, inspections) goes to two objects: reactive work to Case
(Status, Priority, Description), planned work to a work-order object — the org's own when it has one
(``Work_Order__c``, ``WorkOrder``), else a new ``Work_Order__c``::

    work_orders ── type in [break_fix, support_request] ──► Case            route work_orders_case
                └─ every other record ─────────────────────► Work_Order__c   route work_orders_work_order

The first route has a ``when`` on the type column; the second takes the rest (unknown types included), so
no record is left unrouted. Proposed only when the type's values fall on both sides; values the
vocabulary below cannot place go to the second route and lower the confidence.

**People matched to users.** A people resource the proposer routes to Contact (technicians, employees,
staff) with an e-mail column gets a ``match`` route first: an active Salesforce User with the same e-mail
(case-insensitive) is that person, and nothing is created; the Contact route takes the people with no
user. Owner rules elsewhere can then point at the match route.

Both are proposals with a confidence and reasons like any other; a reviewer takes them or sets a single
route (``st2sf map review --set work_orders=Case``, or ``--reject work_orders@<route>``).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from control.mapping.expand import api_name_for
from control.mapping.inventory import SourceResource, SourceType
from control.mapping.propose.lexicon import concept_of, concepts, words
from control.mapping.propose.proposal import Alternative, ObjectDecision
from control.mapping.target_schema import TargetSchema

__all__ = ["REACTIVE", "PLANNED", "WORK_CONCEPTS", "work_kind", "type_column", "split_by_type", "user_match",
           "expand_routes", "owner_rules"]

# words of a work type's value that say which kind of work it is
REACTIVE = frozenset({"break", "fix", "breakfix", "repair", "support", "request", "incident", "emergency",
                      "callout", "call", "breakdown", "problem", "complaint", "reactive", "corrective",
                      "troubleshoot", "troubleshooting", "warranty", "rma", "bf", "sr"})
PLANNED = frozenset({"preventive", "preventative", "maintenance", "pm", "scheduled", "schedule", "install",
                     "inspection", "inspect", "planned", "recurring", "routine", "commissioning", "startup",
                     "survey", "tune", "service", "seasonal", "inst", "ppm"})
# concepts of a resource that is work to do (its head noun)
WORK_CONCEPTS = frozenset({"workorder", "case", "job", "order", "visit", "ticket"})
_PEOPLE = frozenset({"technician", "employee", "staff", "worker", "engineer"})


def work_kind(value: str) -> str | None:
    """``reactive``, ``planned`` or None for a work type's value (``break_fix`` → reactive)."""
    found = {w for w in (*words(value), *value.lower().replace("-", "_").split("_")) if w}
    reactive, planned = bool(found & REACTIVE), bool(found & PLANNED)
    if reactive and planned:  # "repair service", "pm request": the more specific word decides
        reactive = bool(found & (REACTIVE - {"request", "call", "service", "support"}))
        planned = bool(found & (PLANNED - {"service"}))
        if reactive == planned:
            return None
    return "reactive" if reactive else "planned" if planned else None


def type_column(resource: SourceResource) -> tuple[str, tuple[str, ...]] | None:
    """The resource's type enumeration: (field name, values), or None."""
    for field in resource.fields.values():
        if field.type is SourceType.ENUM and field.values and len(field.values) >= 2 and \
                "type" in concepts(field.name) and field.origin.value == "core":
            return field.name, tuple(field.values)
    return None


def _work_object(schema: TargetSchema) -> str | None:
    """The org's own work-order object, when it has one."""
    for obj in schema.objects.values():
        if obj.createable and obj.name != "Case" and "workorder" in concepts(obj.name) | concepts(obj.label):
            return obj.name
    return None


def split_by_type(resource: SourceResource, decided: ObjectDecision, schema: TargetSchema,
                  taken: set[str]) -> list[ObjectDecision] | None:
    """Two routes for a work resource whose types are reactive and planned (module docstring), or None."""
    head = words(resource.name.rsplit("/", 1)[-1])[-1:]
    work = any(concept_of(w) in WORK_CONCEPTS for w in head) or decided.target == "Case" or (
        decided.target is not None and "workorder" in concepts(decided.target))
    typed = type_column(resource)
    case = schema.object("Case")
    if not work or typed is None or case is None or not case.createable or decided.route is None:
        return None
    column, values = typed
    kinds = {v: work_kind(v) for v in values}
    reactive = [v for v in values if kinds[v] == "reactive"]
    planned = [v for v in values if kinds[v] == "planned"]
    if not reactive or not planned:
        return None
    existing = _work_object(schema)
    if existing is not None:
        target, create = existing, False
    elif decided.create and decided.target:
        target, create = decided.target, True
    else:
        target, create = api_name_for("Work Order", taken={t.removesuffix("__c") for t in taken}) + "__c", True
        taken.add(target)
    unplaced = [v for v in values if kinds[v] is None]
    confidence = round(max(0.5, min(0.9, 0.9 - 0.4 * len(unplaced) / len(values))), 3)
    why_case = (f"{column} values {', '.join(reactive)} are reactive work: Case (Status, Priority, Description)",
                f"{', '.join(planned)} are planned work: {target}" + (" (new)" if create else " (the org's)")
                + ", whose scheduling and site fields Case lacks")
    if unplaced:
        why_case += (f"{', '.join(unplaced)}: kind not recognised, routed with the planned work; review",)
    single = (Alternative(decided.target or "Case", round(decided.confidence, 3)),)
    base = decided.route
    case_route = ObjectDecision(resource.name, decided.label, "Case", False, confidence, why_case, single,
                                f"{base}_case", when={"field": column, "in": list(reactive)}, split=True)
    rest_route = ObjectDecision(resource.name, decided.label, target, create, confidence,
                                (f"the records no earlier route takes ({', '.join(planned + unplaced)}): {target}",),
                                single, f"{base}_{api_name_for(target.removesuffix('__c'), limit=30).lower()}",
                                split=True)
    return [case_route, rest_route]


def _email_column(resource: SourceResource) -> str | None:
    for field in resource.fields.values():
        if field.type is SourceType.EMAIL and field.origin.value == "core":
            return field.name
    return None


def user_match(resource: SourceResource, decided: ObjectDecision, schema: TargetSchema) -> ObjectDecision | None:
    """A match route to active Users by e-mail before a people resource's Contact route (module docstring)."""
    head = {concept_of(w) for w in words(resource.name.rsplit("/", 1)[-1])[-1:]} | set(
        words(resource.name.rsplit("/", 1)[-1])[-1:])
    user = schema.object("User")
    email = _email_column(resource)
    if decided.target != "Contact" or not head & _PEOPLE or user is None or email is None or decided.route is None:
        return None
    if "Email" not in user.fields:
        return None
    where: dict[str, Any] = {"IsActive": True} if "IsActive" in user.fields else {}
    return ObjectDecision(
        resource.name, decided.label, "User", False, 0.85,
        (f"{decided.label} records are people who may have a Salesforce login: matched to an active User by "
         f"{email} (case-insensitive), nothing created",
         "people with no user fall through to the Contact route; your team decides who gets a licence"),
        (Alternative("Contact", round(decided.confidence, 3)),), f"{decided.route}_user", mode="match",
        match={"target_field": "Email", "source": email, "case_insensitive": True, "where": where})


def expand_routes(resource: SourceResource, decided: ObjectDecision, schema: TargetSchema, taken: set[str],
                  refused: Iterable[str]) -> list[ObjectDecision]:
    """The resource's routes: the split or the user match when they apply and no reviewer refused them."""
    refused = set(refused)
    split = split_by_type(resource, decided, schema, taken)
    if split and not any(r.route in refused for r in split):
        return split
    matched = user_match(resource, decided, schema)
    if matched is not None and matched.route not in refused:
        return [matched, decided._replace(route=f"{decided.route}_contact", reasons=(
            *decided.reasons, "the people the user match does not find"))]
    return [decided]


_OWNER_WORDS = ("owner", "assigned", "technician", "tech", "rep", "agent", "assignee", "dispatched")


def owner_rules(routes: list[ObjectDecision], resources: Mapping[str, SourceResource]) -> list[ObjectDecision]:
    """Each insert route with a reference to people matched to users gets an owner rule: the record is owned
    by that person's user, or by the fallback owner when they have none (``owner: {source, via}``)."""
    users = {r.resource: r.route for r in routes if r.mode == "match" and r.target == "User" and r.route}
    if not users:
        return routes
    out = []
    for route in routes:
        resource = resources.get(route.resource)
        if route.mode != "insert" or route.target is None or resource is None or route.owner:
            out.append(route)
            continue
        refs = [f for f in resource.fields.values() if f.type is SourceType.REFERENCE and f.reference in users]
        refs.sort(key=lambda f: (not any(w in words(f.name) or w in f.name.lower() for w in _OWNER_WORDS), f.name))
        if refs:
            field = refs[0]
            route = route._replace(owner={"source": field.name, "via": users[field.reference or ""],
                                          "unmatched": "fallback"})
        out.append(route)
    return out
