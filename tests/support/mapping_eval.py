"""The proposer's evaluation: labelled source schemas, the metrics, and the calibration fit.

Schemas live in ``tests/data/mapping_eval/schemas/*.yml``, each a source export with the right answer for
every field (written by hand for this project; no vendor export copied)::

    name: fsm_jobs_export
    split: holdout                  # tune: used to fit the models | holdout: only to report
    description: …
    resources:
      - name: customers
        label: Customer
        target: Account             # the routing answer (an org object, or new)
        fields:                     # [path, type, answer, "sample|sample|…", label?]
          - [cust_name, string, Name, "Harbor Dental|Pike Logistics"]
          - [status, "enum:active|on_hold|closed", ~]       # ~ : no existing field fits (create or skip)
          - [cust_id_parent, "ref:customers", ParentId]
          - [custom_fields.cf_1041, string, ~, "Gate 4|Side door", Gate Code]

Types are the inventory's (``string``, ``email``, ``number``…); ``enum:a|b`` lists the values, ``ref:R``
references resource R. The record ``id`` needs no row (it always becomes the external Id).

Metrics per schema (routing forced to the answer, so field matching is measured on its own; routing
accuracy is reported beside it): **top-1** (the decision equals the answer; for ``~`` a create or skip
decision), **hits@3** (the answer among the decision and its runners-up, ``~`` counting as present when
proposed), **auto precision / coverage** (decisions at or above their class's auto-accept threshold: share
right, share of fields), **ECE** (expected calibration error over 10 confidence bins) and a **names-only baseline**
(rapidfuzz on the raw names, no lexicon, types or values; "no match" below 0.6).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

import yaml
from rapidfuzz import fuzz

from control.mapping.inventory import CUSTOM_PREFIX, COMMON_FIELDS, FieldOrigin, ResourceKind, SourceField, \
    SourceInventory, SourceResource, SourceType
from control.mapping.propose.decisions import Decision, Decisions, Verdict
from control.mapping.propose.engine import propose_map
from control.mapping.propose.model import Calibration, accepted
from control.mapping.propose.proposal import DecisionKind, FieldDecision, Proposal
from control.mapping.propose.source import AuditProfiles
from control.mapping.target_schema import TargetSchema, read_describes

__all__ = ["EVAL_DIR", "Schema", "Scored", "Metrics", "load_schemas", "target_schema", "run_schema", "metrics",
           "baseline", "decision_rows", "routed_object", "auto_accepted"]

EVAL_DIR = Path(__file__).resolve().parents[1] / "data" / "mapping_eval"


class Schema(NamedTuple):
    name: str
    split: str
    inventory: SourceInventory
    profiles: AuditProfiles
    answers: dict[str, str | None]      # resource:path → field API name, or None (no existing field)
    routes: dict[str, str]              # resource → object (or "new")


class Scored(NamedTuple):
    key: str
    answer: str | None
    decision: FieldDecision

    @property
    def predicted(self) -> str | None:
        return self.decision.target if self.decision.kind in (DecisionKind.MAP, DecisionKind.JOIN) else None

    @property
    def correct(self) -> bool:
        return self.predicted == self.answer

    @property
    def in_top3(self) -> bool:
        ranked = [self.predicted, *(a.target for a in self.decision.alternatives[:2])]
        return self.answer in ranked or (self.answer is None and self.predicted is None)


class Metrics(NamedTuple):
    fields: int
    top1: float
    hits3: float
    auto_precision: float
    auto_coverage: float
    ece: float
    baseline_top1: float
    routing: float


def _field(row: Sequence[Any]) -> tuple[SourceField, str | None, tuple[str, ...]]:
    path, kind, answer = str(row[0]), str(row[1]), row[2]
    samples = tuple(s for s in str(row[3]).split("|") if s) if len(row) > 3 and row[3] else ()
    label = str(row[4]) if len(row) > 4 and row[4] else None
    values = reference = None
    if kind.startswith("enum:"):
        values = tuple(kind[5:].split("|"))
        kind = "enum"
    elif kind.startswith("ref:"):
        reference = kind[4:]
        kind = "reference"
    origin = FieldOrigin.CUSTOM if path.startswith(CUSTOM_PREFIX) else FieldOrigin.CORE
    longest = max((len(s) for s in samples), default=0)
    field = SourceField(path, SourceType(kind), origin, max_length=(255 if longest <= 255 else longest)
                        if kind in ("string", "text") and samples else None, values=values, reference=reference,
                        label=label)
    return field, (str(answer) if answer is not None else None), samples


def load_schemas(folder: Path = EVAL_DIR / "schemas") -> list[Schema]:
    out = []
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        resources, answers, routes, profile_fields = [], {}, {}, []
        for res in data["resources"]:
            fields = {f.name: f for f in COMMON_FIELDS if f.name == "id"}
            profiled = []
            for row in res["fields"]:
                field, answer, samples = _field(row)
                fields[field.name] = field
                answers[f"{res['name']}:{field.name}"] = answer
                name = field.name.removeprefix(CUSTOM_PREFIX)
                profiled.append({"name": name, "origin": str(field.origin), "fill_rate": 0.8,
                                 "samples": list(samples), "top_values": []})
            kind = ResourceKind.CUSTOM_TABLE if res["name"].startswith("custom_tables/") else ResourceKind.RESOURCE
            resources.append(SourceResource(res["name"], res.get("label") or res["name"], fields, kind))
            routes[res["name"]] = res["target"]
            profile_fields.append({"resource": res["name"], "fields": profiled})
        out.append(Schema(data["name"], data["split"], SourceInventory(resources),
                          AuditProfiles({"resources": profile_fields}), answers, routes))
    return out


def target_schema() -> TargetSchema:
    return read_describes([EVAL_DIR / "target-org.json"])


def routed_object(schema: Schema, resource: str) -> str:
    """The object the answers route ``resource`` to: an org object, or the new custom object's name."""
    obj = schema.routes[resource]
    return schema.inventory.resources[resource].label.replace(" ", "_") + "__c" if obj == "new" else obj


def _forced(schema: Schema, target: TargetSchema) -> Decisions:
    decisions = Decisions()
    for resource, obj in schema.routes.items():
        if obj == "new":
            decisions = decisions.with_decision("objects", resource, Decision(
                Verdict.EDIT, "create", routed_object(schema, resource), at="eval"))
            continue
        decisions = decisions.with_decision("objects", resource, Decision(Verdict.EDIT, "map", obj, at="eval"))
    return decisions


def run_schema(schema: Schema, target: TargetSchema, *, embedder: Any = None,
               calibration: Calibration | None = None) -> tuple[Proposal, list[Scored]]:
    """Propose with routing forced to the answers; score every labelled field. ``embedder``: run the
    embedding scorer with this (loaded) ``EmbeddingScorer``."""
    proposal = propose_map(schema.inventory, target, profiles=schema.profiles, decisions=_forced(schema, target),
                           embeddings=embedder is not None, embedder=embedder, calibration=calibration)
    return proposal, decision_rows(proposal, schema.answers)


def decision_rows(proposal: Proposal, answers: dict[str, str | None]) -> list[Scored]:
    seen: set[str] = set()
    rows = []
    for d in proposal.fields:
        if d.key in answers and d.key not in seen and d.kind is not DecisionKind.KEY:
            seen.add(d.key)
            rows.append(Scored(d.key, answers[d.key], d))
    return rows


def routing_accuracy(schema: Schema, target: TargetSchema) -> float:
    proposal = propose_map(schema.inventory, target, profiles=schema.profiles)
    right = sum(1 for o in proposal.objects if (schema.routes[o.resource] == "new") == o.create and
                (o.create or o.target == schema.routes[o.resource]))
    return right / len(proposal.objects)


def ece(pairs: Iterable[tuple[float, bool]], bins: int = 10) -> float:
    items = list(pairs)
    total = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [(p, c) for p, c in items if (low <= p < high) or (b == bins - 1 and p == 1.0)]
        if members:
            confidence = sum(p for p, _ in members) / len(members)
            accuracy = sum(1 for _, c in members if c) / len(members)
            total += len(members) / len(items) * abs(confidence - accuracy)
    return total


def baseline(schema: Schema, target: TargetSchema) -> float:
    """Top-1 of matching raw names only (rapidfuzz ratio of lower-cased names, 'no match' below 0.6)."""
    right = total = 0
    for key, answer in schema.answers.items():
        resource, path = key.split(":", 1)
        obj = target.object(schema.routes[resource]) if schema.routes[resource] != "new" else None
        best, best_score = None, 0.0
        for field in (obj.fields.values() if obj else ()):
            if not field.createable:
                continue
            score = max(fuzz.ratio(path.lower(), field.name.lower()), fuzz.ratio(path.lower(), field.label.lower())) / 100
            if score > best_score:
                best, best_score = field.name, score
        predicted = best if best_score >= 0.6 else None
        right += predicted == answer
        total += 1
    return right / total if total else 0.0


def auto_accepted(row: Scored, thresholds: Mapping[str, float | None]) -> bool:
    return accepted(thresholds, row.decision.auto_class, row.decision.confidence)


def metrics(rows: Sequence[Scored], thresholds: Mapping[str, float | None], *, baseline_top1: float = 0.0,
            routing: float = 0.0) -> Metrics:
    """``thresholds``: the proposal's auto-accept thresholds per class (model.AutoClass)."""
    n = len(rows)
    auto = [r for r in rows if auto_accepted(r, thresholds)]
    return Metrics(n, sum(r.correct for r in rows) / n, sum(r.in_top3 for r in rows) / n,
                   sum(r.correct for r in auto) / len(auto) if auto else 1.0, len(auto) / n,
                   ece((r.decision.confidence, r.correct) for r in rows), baseline_top1, routing)
