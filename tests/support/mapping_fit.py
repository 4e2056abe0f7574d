"""Fitting the proposer's models on the tuning schemas (``python -m tests.bench.mapping_eval --fit``).

Three steps, all on ``split: tune`` schemas only:

1. **pair model** — every compatible (column, field) pair of every labelled column, label 1 for the answer;
2. **top / none models** — fitted **out of fold** (stacking): each tuning schema is proposed with a pair
   model fitted on the *other* tuning schemas, and its columns' decision features (s₁, margin, the best
   candidate's evidence, legibility…) are labelled "the assigned candidate is the answer" (top) and "the
   answer is no existing field" (none). A pair model scores the schemas it was fitted on too well; fitted
   on those scores, the decision models would be sure of themselves on every new tenant's vocabulary;
3. **thresholds**, one per class of decision (``model.AutoClass``: an existing field; a new field for a
   tenant's custom field) — the lowest confidence at which that class's out-of-fold decisions are at least
   :data:`TARGET_PRECISION` right (and so auto-accepted). A new field for one of the product's own fields is
   never auto-accepted (``model.NEVER_AUTO_ACCEPTED``: out of fold cannot measure what the lexicon does not
   know).

The pair model used at run time is the one fitted on all tuning schemas.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from control.mapping.propose.engine import route_context
from control.mapping.propose.lexicon import second_line
from control.mapping.propose.model import (
    AI_DECISION_FEATURES,
    BASE_FEATURES,
    DECISION_FEATURES,
    NEVER_AUTO_ACCEPTED,
    AutoClass,
    Calibration,
    Logistic,
    fit_logistic,
)
from control.mapping.propose.proposal import DecisionKind
from control.mapping.propose.scorers import LexicalScorer, TypeScorer, ValueScorer
from control.mapping.propose.source import ColumnRole, columns_of, source_prefixes
from control.mapping.target_schema import TargetSchema
from tests.support.mapping_eval import Schema, routed_object, run_schema

__all__ = ["fit_calibration", "pair_rows", "TARGET_PRECISION", "MIN_SUPPORT"]

TARGET_PRECISION = 0.985
MIN_SUPPORT = 30  # out-of-fold decisions a class needs above its threshold to get one


def pair_rows(schemas: Sequence[Schema], target: TargetSchema,
              extra: Callable[[Any, Any], Mapping[str, float]] | None = None) -> list[tuple[dict[str, float], int]]:
    scorers = [LexicalScorer(), TypeScorer(), ValueScorer()]
    rows: list[tuple[dict[str, float], int]] = []
    for schema in schemas:
        landed = {r: (routed_object(schema, r),) for r in schema.routes}
        noise = source_prefixes(schema.inventory)
        for resource in schema.inventory.resources.values():
            sobject = routed_object(schema, resource.name)
            obj = target.object(sobject) if schema.routes[resource.name] != "new" else None
            candidates, context = route_context(resource.name, sobject, obj, landed)
            for column in columns_of(resource, schema.profiles, noise):
                if column.role is not ColumnRole.DATA or column.key not in schema.answers or second_line(column.path):
                    continue  # (a second street line is joined by rule, not matched)
                answer = schema.answers[column.key]
                for candidate in candidates:
                    features: dict[str, float] = {}
                    for scorer in scorers:
                        features.update(scorer.score(column, candidate, context).features)
                    if features["type"] <= 0.0:
                        continue
                    if extra is not None:
                        features.update(extra(column, candidate))
                    rows.append((features, int(candidate.name == answer)))
    return rows


def _threshold(pairs: Sequence[tuple[float, bool]]) -> float | None:
    """The lowest confidence (in hundredths from 0.50) at which the decisions at or above it are at least
    :data:`TARGET_PRECISION` right, with at least :data:`MIN_SUPPORT` of them; None when there is none."""
    for step in range(50, 100):
        t = step / 100
        auto = [c for p, c in pairs if p >= t]
        if len(auto) < MIN_SUPPORT:
            return None
        if sum(auto) / len(auto) >= TARGET_PRECISION:
            return t
    return None


def _thresholds(pairs: Sequence[tuple[AutoClass, float, bool]]) -> dict[str, float | None]:
    """One threshold per class, each from that class's out-of-fold decisions; the classes in
    :data:`NEVER_AUTO_ACCEPTED` get none."""
    return {str(cls): None if cls in NEVER_AUTO_ACCEPTED else _threshold([(p, c) for k, p, c in pairs if k is cls])
            for cls in AutoClass}


def _decision_rows(schemas: Sequence[Schema], target: TargetSchema, calibration: Calibration, embedder: Any
                   ) -> tuple[list[tuple[dict[str, float], int]], list[tuple[dict[str, float], int]]]:
    """(top rows, none rows): each labelled column's decision features, labelled "its assigned candidate is
    the answer" and "the answer is no existing field"."""
    top_rows, none_rows = [], []
    for schema in schemas:
        _, rows = run_schema(schema, target, embedder=embedder, calibration=calibration)
        for row in rows:
            if row.decision.scores is None or row.decision.evidence is None or row.decision.kind is DecisionKind.JOIN:
                continue
            best = row.decision.scores[0]
            x = dict(row.decision.evidence)
            top_rows.append((x, int(best is not None and best == row.answer)))
            none_rows.append((x, int(row.answer is None)))
    return top_rows, none_rows


def _provisional(pair: Logistic) -> Calibration:
    return Calibration(pair, Logistic(DECISION_FEATURES[:2], (1.0, 4.0), 0.0),
                       Logistic(DECISION_FEATURES[:2], (-1.0, -2.0), 0.0), {}, ())


def fit_calibration(schemas: Sequence[Schema], target: TargetSchema, *, features: Sequence[str] = BASE_FEATURES,
                    embedder: Any = None) -> Calibration:
    """The models of one scorer set, fitted on the ``tune`` schemas only (module docstring); ``embedder``: the
    ``ai`` set (the loaded embedding scorer)."""
    extra = embedder.features if embedder is not None else None
    tune = [s for s in schemas if s.split == "tune"]
    pair = fit_logistic(pair_rows(tune, target, extra), features)
    folds: list[tuple[Schema, Logistic]] = []
    top_rows, none_rows = [], []
    for held in tune:  # out of fold: each tuning schema's decisions from a pair model fitted on the others
        others = [s for s in tune if s is not held]
        fold_pair = fit_logistic(pair_rows(others, target, extra), features) if others else pair
        folds.append((held, fold_pair))
        top, none = _decision_rows([held], target, _provisional(fold_pair), embedder)
        top_rows += top
        none_rows += none
    decision = AI_DECISION_FEATURES if embedder is not None else DECISION_FEATURES
    top_model = fit_logistic(top_rows, decision, l2=0.1)
    none_model = fit_logistic(none_rows, decision, l2=0.1)
    pairs = []
    for held, fold_pair in folds:
        _, rows = run_schema(held, target, embedder=embedder,
                             calibration=Calibration(fold_pair, top_model, none_model, {}, ()))
        pairs += [(r.decision.auto_class, r.decision.confidence, r.correct) for r in rows]
    return Calibration(pair, top_model, none_model, _thresholds(pairs), tuple(s.name for s in tune))
