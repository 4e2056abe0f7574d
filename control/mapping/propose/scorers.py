"""Scorers: small, composable judges of one (source column, target field) pair.

Each scorer looks at one kind of evidence and returns a :class:`Evidence` — named feature values in
[0, 1] and, when the evidence is notable, a reason a reviewer can check::

    lexical   rapidfuzz similarity of the expanded names (abbreviations spelled out) and the share of
              concepts they have in common through the field-service / CRM synonym lexicon    name, synonym
    type      whether the target's type can hold the source's (0 rules the pair out)            type
    values    the samples' shape against what the target expects (e-mail, phone, money, postal
              code…); the share of source values the target's picklist has (a feature of its own:
              a picklist holding every value is strong evidence whatever the names say)    values, picklist
    embedding cosine similarity of sentence embeddings (optional, the [ai] extra)               embedding

The features are combined by :mod:`control.mapping.propose.model` (a logistic model fitted on the
development schemas); a scorer never decides alone. Scorers are stateless apart from caches.
"""

from __future__ import annotations

import re

from typing import Iterable, Mapping, NamedTuple, Protocol

from rapidfuzz import fuzz

from control.mapping.inventory import SourceType
from control.mapping.propose.lexicon import ADDRESS_QUALIFIERS, PRIMARY_ADDRESS, concept_of, concepts, expand, words
from control.mapping.propose.patterns import TARGET_PATTERNS, Pattern, value_pattern
from control.mapping.propose.source import SourceColumn
from control.mapping.target_schema import TargetField

__all__ = ["Evidence", "TargetCandidate", "PairContext", "Scorer", "LexicalScorer", "TypeScorer", "ValueScorer",
           "type_fit", "values_overlap", "candidate_for", "reference_counts", "VALUE_SYNONYMS", "normalise_value",
           "has_address"]


class Evidence(NamedTuple):
    features: Mapping[str, float]
    reasons: tuple[str, ...] = ()


class TargetCandidate(NamedTuple):
    """A target field with what the scorers read, computed once per field."""

    sobject: str
    field: TargetField
    text: str                     # expanded words of name and label
    label_text: str
    concepts: frozenset[str]

    @property
    def name(self) -> str:
        return self.field.name


# people objects' Title is a job title, not a subject
_JOB_TITLE_OBJECTS = frozenset({"Contact", "Lead", "User"})


# resource concepts whose records are people: their "title" is a job title
_PEOPLE = frozenset({"contact", "technician", "lead"})
# what some standard fields hold beyond what their names say (Salesforce conventions)
_FIELD_CONCEPTS: dict[tuple[str, str], frozenset[str]] = {
    ("Asset", "UsageEndDate"): frozenset({"end", "contract"}),    # where a warranty's end goes
    ("Event", "Location"): frozenset({"site", "street"}),          # an address, often
    ("Event", "StartDateTime"): frozenset({"start", "date", "scheduled"}),
    ("Contract", "CustomerSignedDate"): frozenset({"signed", "date"}),  # a contract "signed" unqualified: the customer
    ("Contract", "CompanySignedDate"): frozenset({"company_signer", "signed", "date"}),
    ("Product2", "QuantityUnitOfMeasure"): frozenset({"uom"}),
}
# clipped words that mean something else on a person: fn / ln / ttl are first name, last name, title
_PERSON_CLIPS = {"fn": "first", "ln": "last", "ttl": "job", "fnm": "first", "lnm": "last"}


def candidate_for(sobject: str, field: TargetField, object_concept: str | None) -> TargetCandidate:
    name_concepts = concepts(field.name) | concepts(field.label or field.name)
    if field.name == "Title" and sobject in _JOB_TITLE_OBJECTS:
        name_concepts = frozenset({"job"})
    name_concepts = _FIELD_CONCEPTS.get((sobject, field.name), name_concepts)
    if field.name == "Name" and field.label == "Name" and sobject.endswith("__c"):
        name_concepts = frozenset({"name", "number"})  # a new custom object's record name: its name or number
    if object_concept and len(name_concepts) > 1:
        name_concepts = name_concepts - {object_concept}
    return TargetCandidate(sobject, field, expand(field.name), expand(field.label or field.name), frozenset(name_concepts))


class PairContext(NamedTuple):
    """What a pair is judged in: the object concept of the resource, where references land."""

    resource_concept: str | None
    reference_objects: Mapping[str, tuple[str, ...]]  # source resource → the sObjects its records land in
    reference_fields: Mapping[tuple[str, ...], int] = {}  # (sObject,) → how many target fields can reference it
    resource_words: frozenset[str] = frozenset()  # concepts of the resource's own name ("jobs" → job)
    has_address: bool = True  # the target object has address fields (else "state" means a status)


def has_address(targets: Iterable[TargetCandidate]) -> bool:
    """Whether the candidate fields include an address (a street field)."""
    return any(t.name.endswith("Street") for t in targets)


def reference_counts(targets: Iterable[TargetCandidate]) -> dict[tuple[str, ...], int]:
    """How many of the candidate fields can reference each object (``(Account,)`` → 2 on Account: ParentId…)."""
    counts: dict[tuple[str, ...], int] = {}
    for target in targets:
        if target.field.type == "reference":
            for obj in target.field.reference_to:
                counts[(obj,)] = counts.get((obj,), 0) + 1
    return counts


class Scorer(Protocol):
    name: str

    def score(self, column: SourceColumn, target: TargetCandidate, context: PairContext) -> Evidence: ...


def _column_concepts(column: SourceColumn, context: PairContext) -> frozenset[str]:
    # the path adds what a separate label leaves out (cf_1041 "Gate Code"); not a vendor prefix the label dropped
    found = concepts(column.label) | (concepts(column.path) if not column.path.endswith(column.label) else frozenset())
    if context.resource_concept in _PEOPLE and "title" in words(column.label):
        found = (found - {"subject"}) | {"job"}  # a person's title is their job title
    if context.resource_concept in _PEOPLE:
        clips = [t for t in re.split(r"[^a-z0-9]+", column.label.lower()) if t in _PERSON_CLIPS]
        if clips:  # read as a person's: not "line" or "total"
            found = (found - {concept_of(w) for t in clips for w in words(t)}) | {_PERSON_CLIPS[t] for t in clips}
    elif context.resource_concept not in _PEOPLE and found == {"job"}:
        found = frozenset({"subject"})  # a job's title is its subject
    if not context.has_address and "state" in found:
        found = (found - {"state"}) | {"status"}  # an incident's state is its status
    own = context.resource_words | ({context.resource_concept} if context.resource_concept else set())
    if len(found) > 1 and found - own:
        found = found - own  # "job_status" on jobs: the status
    return found


class LexicalScorer:
    """Name similarity (rapidfuzz over expanded words) and shared concepts (synonym lexicon)."""

    name = "lexical"

    def score(self, column: SourceColumn, target: TargetCandidate, context: PairContext) -> Evidence:
        source_text = expand(column.label)
        if column.reference and source_text.endswith(" id"):
            source_text = source_text[:-3]
        if not source_text:
            return Evidence({"name": 0.0, "synonym": 0.0})
        name = max(fuzz.token_sort_ratio(source_text, target.text), fuzz.token_sort_ratio(source_text, target.label_text)) / 100.0
        mine = _column_concepts(column, context) - {"id"} if column.reference else _column_concepts(column, context)
        theirs = target.concepts - {"id"} if column.reference else target.concepts
        if target.sobject == "Account" and "mailing" in mine:
            mine = (mine - {"mailing"}) | {"billing"}  # an account's mailing address is its billing address
        if theirs & PRIMARY_ADDRESS and not mine & ADDRESS_QUALIFIERS:
            theirs = theirs - PRIMARY_ADDRESS  # "city" alone means the primary (billing / mailing) address
        union = mine | theirs
        shared = mine & theirs
        synonym = len(shared) / len(union) if union else 0.0
        reasons: list[str] = []
        if name >= 0.95:
            reasons.append(f"name matches {target.name}")
        elif synonym >= 0.5 and shared:
            reasons.append(f"synonym: '{source_text}' ~ {target.field.label or target.name} "
                           f"({', '.join(sorted(shared))})")
        elif name >= 0.75:
            reasons.append(f"similar name ({name:.0%})")
        return Evidence({"name": name, "synonym": synonym}, tuple(reasons))


# how well a target describe type holds a source type (0: the validator would refuse it)
_FIT: dict[SourceType, Mapping[str, float]] = {
    SourceType.STRING: {"string": 1.0, "textarea": 0.85, "combobox": 0.9, "picklist": 0.5, "multipicklist": 0.3,
                        "phone": 0.35, "email": 0.3, "url": 0.3},
    SourceType.ID: {"string": 1.0, "textarea": 0.5},
    SourceType.TEXT: {"textarea": 1.0, "string": 0.6, "combobox": 0.4},
    SourceType.EMAIL: {"email": 1.0, "string": 0.55, "textarea": 0.2},
    SourceType.PHONE: {"phone": 1.0, "string": 0.55},
    SourceType.URL: {"url": 1.0, "string": 0.55, "textarea": 0.2},
    SourceType.INTEGER: {"int": 1.0, "double": 0.95, "currency": 0.8, "percent": 0.7, "string": 0.3, "long": 1.0},
    SourceType.NUMBER: {"double": 1.0, "currency": 1.0, "percent": 0.8, "int": 0.6, "string": 0.25},
    SourceType.BOOLEAN: {"boolean": 1.0, "string": 0.15},
    SourceType.DATE: {"date": 1.0, "string": 0.15},
    SourceType.DATETIME: {"datetime": 1.0, "date": 0.6, "string": 0.15},
    SourceType.ENUM: {"picklist": 1.0, "combobox": 0.85, "multipicklist": 0.6, "string": 0.55},
    SourceType.REFERENCE: {},
}


def type_fit(column: SourceColumn, field: TargetField, reference_objects: Mapping[str, tuple[str, ...]]) -> float:
    """0..1: how well ``field`` holds the column's values (0 = it cannot)."""
    if column.type is SourceType.REFERENCE:
        if field.type != "reference":
            return 0.0
        landed = reference_objects.get(column.reference or "", ())
        return 1.0 if landed and any(o in field.reference_to for o in landed) else 0.0
    if field.type == "reference":
        return 0.0
    fit = _FIT.get(column.type, {}).get(field.type, 0.0)
    if fit and field.length and column.max_length and field.type in ("string", "textarea") and \
            column.max_length > field.length:
        fit *= 0.6  # longer values than the field holds: they would be quarantined
    return fit


class TypeScorer:
    """Type compatibility (the validator's rules, graded)."""

    name = "type"

    def score(self, column: SourceColumn, target: TargetCandidate, context: PairContext) -> Evidence:
        fit = type_fit(column, target.field, context.reference_objects)
        reasons: tuple[str, ...] = ()
        reference = 0.0
        if fit >= 1.0:
            if column.type is SourceType.REFERENCE:
                landed = [o for o in context.reference_objects.get(column.reference or "", ())
                          if o in target.field.reference_to]
                reasons = (f"references {column.reference} → {'/'.join(landed)}",)
                # a lookup is strong evidence when few fields of the object can point at that object
                reference = 1.0 / max(1, context.reference_fields.get(tuple(context.reference_objects.get(
                    column.reference or "", ()))[:1], 1))
            else:
                reasons = (f"type fits ({column.type} → {target.field.type})",)
        return Evidence({"type": fit, "reference": reference}, reasons)


VALUE_SYNONYMS: tuple[frozenset[str], ...] = tuple(frozenset(g) for g in (
    {"normal", "medium", "standard", "moderate", "routine"}, {"urgent", "critical", "emergency", "high", "asap"},
    {"low", "minor", "trivial"}, {"new", "open", "created", "submitted", "received"},
    {"in progress", "working", "started", "in work", "dispatched", "active", "on site", "en route"},
    {"completed", "closed", "done", "resolved", "finished", "complete"}, {"cancelled", "canceled", "void", "voided"},
    {"on hold", "escalated", "waiting", "pending", "paused"}, {"phone", "call", "telephone"},
    {"email", "e-mail", "mail"}, {"portal", "web", "website", "online"}, {"draft", "pending", "not started"},
    {"activated", "active", "in effect"}, {"expired", "ended", "terminated", "inactive"},
    {"prospect", "prospecting", "lead"}, {"won", "closed won"}, {"lost", "closed lost"},
))


def normalise_value(value: str) -> str:
    return " ".join(words(value.replace("_", " ").replace("-", " "))) or value.strip().lower()


def _same_value(source: str, target: str) -> float:
    a, b = source.strip().casefold().replace("_", " "), target.strip().casefold()
    if a == b:
        return 1.0
    for group in VALUE_SYNONYMS:
        if a in group and b in group:
            return 0.85
    ratio = fuzz.ratio(normalise_value(source), normalise_value(target)) / 100.0
    return ratio if ratio >= 0.85 else 0.0


def values_overlap(values: Iterable[str], picklist: Iterable[str]) -> float:
    """Share of source values that have a counterpart in the target picklist."""
    source = [v for v in values if v]
    options = list(picklist)
    if not source or not options:
        return 0.0
    hits = sum(1 for v in source if max((_same_value(v, o) for o in options), default=0.0) >= 0.85)
    return hits / len(source)


class ValueScorer:
    """Sample shapes against the target's expectations; picklist value overlap."""

    name = "values"

    def __init__(self) -> None:
        self._patterns: dict[str, Pattern | None] = {}

    def _pattern(self, column: SourceColumn) -> Pattern | None:
        if column.key not in self._patterns:
            self._patterns[column.key] = value_pattern(column.samples)
        return self._patterns[column.key]

    def score(self, column: SourceColumn, target: TargetCandidate, context: PairContext) -> Evidence:
        field = target.field
        values = column.values or (column.samples if column.type is SourceType.ENUM else ())
        if field.type in ("picklist", "multipicklist", "combobox") and field.picklist_values and values:
            overlap = values_overlap(values, field.picklist_values)
            reason = (f"{overlap:.0%} of the values are in the {target.name} picklist",) if overlap >= 0.5 else ()
            return Evidence({"values": 0.5 + 0.5 * overlap if overlap else 0.2, "picklist": overlap}, reason)
        pattern = self._pattern(column)
        if pattern is None:
            return Evidence({"values": 0.5})
        expected: set[Pattern] = set(TARGET_PATTERNS.get(field.type, ()))
        for concept in target.concepts:
            if concept in ("zip", "state", "country", "serial", "street", "city"):
                expected = set(TARGET_PATTERNS[concept])
        if not expected:
            return Evidence({"values": 0.5})
        if pattern in expected:
            return Evidence({"values": 1.0}, (f"values look like {pattern}",))
        return Evidence({"values": 0.1})


def concept_words(text: str) -> tuple[str, ...]:
    """The concepts of a name in word order (for reports)."""
    return tuple(concept_of(w) for w in words(text))
