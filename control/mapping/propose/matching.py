"""Field matching for one route: every column of a resource against the fields of its target object.

::

    columns ──scorers──► features per (column, field) ──pair model──► score s
            ──one-to-one assignment maximising the summed s (assignment.py; a field is taken once)
            ──per column: s₁ (its field), s₂ (its runner-up) ──top / none models──► P(top), P(none)
            ──P(top) ≥ P(none): map to the field      else: create a custom field (or skip: see below)

Columns that are not values to map get a fixed decision: the record id goes to the external-Id field
(``key``); arrays and objects without parts are skipped (they need an ``each`` route or ``join_items``);
a column the audit never saw filled is skipped; a column whose best match is a field Salesforce sets
itself (``LastModifiedDate``) is skipped with that reason. Reviewer decisions (accept / reject / edit)
are applied before the assignment, so the fields they claim are not offered to other columns.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, NamedTuple, Sequence

from rapidfuzz import fuzz

from control.mapping.inventory import FieldOrigin, SourceType
from control.mapping.propose.assignment import best_assignment
from control.mapping.propose.decisions import Decision, Verdict
from control.mapping.propose.lexicon import legibility, second_line, second_line_stem
from control.mapping.propose.model import Calibration, decision_features
from control.mapping.propose.proposal import Alternative, DecisionKind, FieldDecision
from control.mapping.propose.scorers import PairContext, Scorer, TargetCandidate, candidate_for
from control.mapping.propose.source import ColumnRole, SourceColumn
from control.mapping.target_schema import TargetObject

__all__ = ["Match", "match_route", "SYSTEM_SET", "EXCLUDED_FIELDS", "target_candidates", "score_pairs",
           "join_second_lines"]

# fields Salesforce sets itself: a column that matches one best is skipped with this reason
SYSTEM_SET = frozenset({"LastModifiedDate", "LastModifiedById", "CreatedById", "SystemModstamp"})
# fields the proposer never offers (owner and record type have their own rules; the rest are platform data)
EXCLUDED_FIELDS = frozenset({"Id", "OwnerId", "RecordTypeId", "IsDeleted", "Jigsaw", "CleanStatus", "MasterRecordId",
                             "DandbCompanyId", "OperatingHoursId", "IndividualId", "ExternalDataSourceId",
                             "BillingGeocodeAccuracy", "ShippingGeocodeAccuracy", "MailingGeocodeAccuracy",
                             "OtherGeocodeAccuracy", "GeocodeAccuracy", "ForecastCategoryName", "CampaignId",
                             "Pricebook2Id", "IsConverted", "IsUnreadByOwner", "EmailBouncedReason",
                             "EmailBouncedDate"})
_TOP_PAIRS = 8  # candidates kept per column


class Match(NamedTuple):
    decisions: tuple[FieldDecision, ...]
    used: frozenset[str]  # target fields written by map decisions


class _Scored(NamedTuple):
    score: float
    candidate: TargetCandidate
    reasons: tuple[str, ...]
    features: Mapping[str, float] = {}


def target_candidates(obj: TargetObject, object_concept: str | None, external_id: str) -> list[TargetCandidate]:
    """The fields of ``obj`` a column may map to (writable, not platform-managed), plus the system sinks."""
    out = []
    for field in obj.fields.values():
        if field.name in EXCLUDED_FIELDS or field.name == external_id or field.calculated:
            continue
        if not field.createable and field.name not in SYSTEM_SET:
            continue
        out.append(candidate_for(obj.name, field, object_concept))
    return out


def score_pairs(column: SourceColumn, targets: Sequence[TargetCandidate], scorers: Sequence[Scorer],
                context: PairContext, calibration: Calibration,
                extra: Callable[[SourceColumn, TargetCandidate], Mapping[str, float]] | None = None) -> list[_Scored]:
    """Every compatible target scored for ``column``, best first."""
    out = []
    for target in targets:
        features: dict[str, float] = {}
        reasons: list[str] = []
        for scorer in scorers:
            evidence = scorer.score(column, target, context)
            features.update(evidence.features)
            reasons.extend(evidence.reasons)
        if features.get("type", 1.0) <= 0.0:
            continue
        if extra is not None:
            features.update(extra(column, target))
        out.append(_Scored(calibration.pair.predict(features), target, tuple(reasons), features))
    out.sort(key=lambda s: (-s.score, s.candidate.name))
    return out


def _fixed(column: SourceColumn, external_id: str) -> FieldDecision | None:
    if column.role is ColumnRole.RECORD_KEY:
        return FieldDecision(column, DecisionKind.KEY, external_id, 1.0,
                             ("the source record id, kept as the external Id for re-loads and delta sync",),
                             target_type="string")
    if column.role is ColumnRole.NESTED:
        why = ("an array: one target record per element needs an `each` route (or join_items into text); "
               "left for a person") if column.type is SourceType.ARRAY else "a nested object without known parts"
        return FieldDecision(column, DecisionKind.SKIP, None, 0.9, (why,), skip_reason=why)
    if column.fill_rate is not None and column.fill_rate == 0.0:
        why = "never filled in the audited records"
        return FieldDecision(column, DecisionKind.SKIP, None, 0.9, (why,), skip_reason=why)
    if column.type is SourceType.REFERENCE and column.reference == "*":
        why = "a polymorphic parent reference (parent_resource + parent_id): needs polymorphic_lookup; left for a person"
        return FieldDecision(column, DecisionKind.SKIP, None, 0.9, (why,), skip_reason=why)
    return None


def _reviewed(column: SourceColumn, decision: Decision, scored: list[_Scored]) -> FieldDecision | None:
    """A decision a person made (accept / edit), as the proposer's decision; None for reject / stale."""
    if decision.verdict is Verdict.REJECT:
        return None
    review = decision.review()
    kind = DecisionKind(decision.kind or DecisionKind.MAP)
    if kind is DecisionKind.SKIP:
        why = decision.reason or "skipped by a reviewer"
        return FieldDecision(column, kind, None, 1.0, (why,), skip_reason=why, review=review)
    if kind is DecisionKind.MAP:
        hit = next((s for s in scored if s.candidate.name == decision.target), None)
        if hit is None:
            return None  # the field is gone or cannot hold the values any more: propose afresh (reported)
        return FieldDecision(column, kind, hit.candidate.name, 1.0, ("set by a reviewer", *hit.reasons),
                             review=review, target_type=hit.candidate.field.type)
    if kind is DecisionKind.JOIN:  # placed by join_second_lines (target: the street field, or None: find it)
        return FieldDecision(column, kind, decision.target, 1.0, ("set by a reviewer",), review=review)
    return FieldDecision(column, DecisionKind.CREATE, decision.target, 1.0, ("set by a reviewer",), review=review)


def match_route(columns: Iterable[SourceColumn], targets: Sequence[TargetCandidate], *, scorers: Sequence[Scorer],
                context: PairContext, calibration: Calibration, external_id: str,
                decisions: Mapping[str, Decision] | None = None,
                extra: Callable[[SourceColumn, TargetCandidate], Mapping[str, float]] | None = None,
                stale: list[str] | None = None) -> Match:
    """Decide every column of one route (see the module docstring). Create decisions carry no spec yet."""
    decisions = decisions or {}
    fixed: dict[str, FieldDecision] = {}
    must_map: set[str] = set()  # a reviewer rejected a new field for these
    ranked: dict[str, list[_Scored]] = {}
    order: list[SourceColumn] = []
    for column in columns:
        order.append(column)
        decision = _fixed(column, external_id)
        if decision is not None:
            fixed[column.key] = decision
            continue
        scored = score_pairs(column, targets, scorers, context, calibration, extra)
        review = decisions.get(column.key)
        if review is not None:
            if review.verdict is Verdict.REJECT and review.kind == str(DecisionKind.JOIN):
                why = "a reviewer rejected joining this line into a street field: a field of its own"
                fixed[column.key] = FieldDecision(column, DecisionKind.CREATE, None, 1.0, (why,),
                                                  review=review.review())
                continue
            if review.verdict is Verdict.REJECT:
                if review.kind == str(DecisionKind.CREATE):
                    must_map.add(column.key)
                scored = [s for s in scored if s.candidate.name != review.target]
            else:
                made = _reviewed(column, review, scored)
                if made is not None:
                    fixed[column.key] = made
                    continue
                if stale is not None:
                    stale.append(column.key)
        ranked[column.key] = scored[:_TOP_PAIRS]
    fixed_targets = {d.target for d in fixed.values() if d.kind is DecisionKind.MAP and d.target}
    keys = [c.key for c in order if c.key in ranked]
    free = {k: {s.candidate.name: s for s in ranked[k] if s.candidate.name not in fixed_targets} for k in keys}
    pinned: dict[str, str] = {}
    while True:
        rest = [k for k in keys if k not in pinned]
        chosen = {**pinned, **best_assignment(rest, {k: {n: s.score for n, s in free[k].items()
                                                        if n not in pinned.values()} for k in rest})}
        assigned = {k: free[k][name] for k, name in chosen.items()}
        for key in pinned:
            hit = assigned[key]
            assigned[key] = hit._replace(reasons=(
                f"Salesforce requires {hit.candidate.name} and no column is named for it: this short text, which "
                "otherwise only matched a long-text field, names the record", *hit.reasons))
        used = fixed_targets | set(chosen.values())
        out: list[FieldDecision] = []
        written: set[str] = set()
        for column in order:
            if column.key in fixed:
                out.append(fixed[column.key])
                if fixed[column.key].kind is DecisionKind.MAP:
                    written.add(fixed[column.key].target or "")
                continue
            out.append(_decide(column, assigned.get(column.key), ranked[column.key], used, calibration, written,
                               must_map=column.key in must_map or column.key in pinned))
        mover = None if pinned else _title_mover(out, targets, free, fixed_targets)
        if mover is None:
            break
        pinned = {mover[0]: mover[1]}
    out = join_second_lines(out, decisions)
    written = {d.target for d in out if d.kind is DecisionKind.MAP and d.target}
    return Match(tuple(out), frozenset(written))


def _decide(column: SourceColumn, hit: _Scored | None, ranked: list[_Scored], used: set[str],
            calibration: Calibration, written: set[str], *, must_map: bool = False) -> FieldDecision:
    others = [s for s in ranked if hit is None or s.candidate.name != hit.candidate.name]
    alternatives = tuple(Alternative(s.candidate.name, round(s.score, 3)) for s in others[:3])
    s1 = hit.score if hit else 0.0
    s2 = others[0].score if others else 0.0
    lost = ranked[0].score if ranked and (hit is None or ranked[0].candidate.name != hit.candidate.name) else 0.0
    features = decision_features(s1, s2, hit.features if hit else None, lost=lost, legible=legibility(column.label),
                                 custom=column.origin is FieldOrigin.CUSTOM,
                                 max_embedding=max((s.features.get("embedding", 0.0) for s in ranked), default=0.0))
    p_top = calibration.top.predict(features) if hit else 0.0
    p_none = calibration.none.predict(features)
    scores = (hit.candidate.name if hit else None, s1, s2)
    evidence = dict(features)
    if hit is None and must_map:
        hit = next((s for s in ranked if s.candidate.name not in used), None)
        if hit is not None:
            used.add(hit.candidate.name)
            hit = hit._replace(reasons=("a reviewer rejected a new field: the best free existing field",
                                        *hit.reasons))
    if hit is not None and (p_top >= p_none or must_map):
        name = hit.candidate.name
        if name in SYSTEM_SET:
            why = f"Salesforce sets {name} itself"
            return FieldDecision(column, DecisionKind.SKIP, None, round(p_top, 3), (why, *hit.reasons), alternatives,
                                 skip_reason=why, scores=scores, evidence=evidence)
        written.add(name)
        return FieldDecision(column, DecisionKind.MAP, name, round(p_top, 3), hit.reasons, alternatives,
                             target_type=hit.candidate.field.type, scores=scores,
                             evidence=evidence)
    if hit is not None:
        used.discard(hit.candidate.name)
    best = f"best existing field {hit.candidate.name} scored {s1:.2f}" if hit else "no existing field can hold it"
    alternatives = tuple(Alternative(s.candidate.name, round(s.score, 3)) for s in ranked[:3])
    return FieldDecision(column, DecisionKind.CREATE, None, round(p_none, 3), (f"no existing field fits ({best})",),
                         alternatives, scores=scores, evidence=evidence)


def _title_mover(out: Sequence[FieldDecision], targets: Sequence[TargetCandidate],
                 free: Mapping[str, Mapping[str, _Scored]], taken: set[str]) -> tuple[str, str] | None:
    """(column key, Name) when the object requires ``Name``, no decision fills it, and a short text column
    was mapped to a long-text field (``prt_desc`` → Description): that column names the record instead."""
    title = next((t.name for t in targets if t.name == "Name" and t.field.required_on_create), None)
    if title is None or title in taken or any(d.kind is DecisionKind.MAP and d.target == title for d in out):
        return None
    movers = [(free[d.key][title].score, d.key) for d in out if d.kind is DecisionKind.MAP and d.key in free
              and title in free[d.key] and d.target_type == "textarea" and d.column.type is SourceType.STRING]
    return (max(movers)[1], title) if movers else None


def _first_line(column: SourceColumn, streets: Sequence[FieldDecision]) -> FieldDecision | None:
    """The street decision a second address line belongs to: same parent (``billing_address.``), else the
    street column whose name is closest."""
    parent = column.path.rpartition(".")[0]
    same = [d for d in streets if d.column.path.rpartition(".")[0] == parent]
    if parent:
        return same[0] if len(same) == 1 else None
    if not same:
        return None
    bare = second_line_stem(column.label)
    return max(same, key=lambda d: (fuzz.ratio(bare, second_line_stem(d.column.label)), -streets.index(d)))


def join_second_lines(out: Sequence[FieldDecision], reviews: Mapping[str, Decision]) -> list[FieldDecision]:
    """A second street line (``line2``, ``address2``) is appended to the street field its first line maps to
    (the map's ``concatenate``), not given a field of its own — unless a reviewer decided otherwise (a
    rejected join, or another decision set by hand)."""
    streets = [d for d in out if d.kind is DecisionKind.MAP and d.target and d.target.endswith("Street")
               and not second_line(d.column.path) and d.column.path]
    result: list[FieldDecision] = []
    for d in out:
        review = reviews.get(d.key)
        if d.kind is DecisionKind.KEY or not second_line(d.column.path):
            result.append(d)
            continue
        if review is not None and (review.kind == str(DecisionKind.JOIN)) is (review.verdict is Verdict.REJECT):
            result.append(d)  # a join rejected, or another decision made by hand
            continue
        first = next((s for s in streets if s.target == d.target), None) if d.kind is DecisionKind.JOIN and d.target \
            else _first_line(d.column, streets)
        if first is None:
            if d.kind is DecisionKind.JOIN:  # a reviewer's join with no street field to join: a field of its own
                why = "no mapped street field to join into: a field of its own"
                d = d._replace(kind=DecisionKind.CREATE, target=None, reasons=(why,))
            result.append(d)
            continue
        why = (f"a second street line: appended to {first.target} after {first.column.path} (concatenate, "
               "a line break between)",)
        reviewed = d.kind is DecisionKind.JOIN and d.review is not None
        result.append(FieldDecision(d.column, DecisionKind.JOIN, first.target, 1.0 if reviewed else first.confidence,
                                    ("set by a reviewer", *why) if reviewed else why, d.alternatives, review=d.review,
                                    target_type=first.target_type, scores=d.scores, evidence=d.evidence))
    return result
