"""From scorer features to a calibrated confidence: three small logistic models, fitted on development data.

::

    pair model    scorer features of one (column, target field) pair     → a raw score s in (0, 1)
                  (name, synonym, type, values[, embedding])                ranks the candidates
    top model     the best candidate's s₁ and its margin over s₂          → P(the best candidate is right)
    none model    the same two numbers                                    → P(no existing field fits)

The proposer maps a column to its best candidate when P(top) ≥ P(none), otherwise proposes a new custom
field (or a skip); the **confidence** it writes is the probability of the decision it took. The top and
none models are Platt scaling (logistic regression on the score) extended with the margin, so that the
numbers are calibrated: of the decisions proposed with confidence 0.9, about nine in ten are right on
the development schemas — and the evaluation measures how well that holds on schemas never used for
fitting (expected calibration error). ``calibration.json`` beside this module holds the fitted weights
and the auto-accept thresholds — one per :class:`AutoClass` (mapping to an existing field; a new field for a
tenant's custom field; a new field for the product's own field, which is never auto-accepted);
``python -m tests.bench.mapping_eval --fit`` refits them from the tuning schemas only, and a unit test checks
the file is what that fit produces.

Pure Python (Newton's method with a small L2 penalty): the feature count is tiny and numpy is not a
dependency of st2sf.
"""

from __future__ import annotations

import json
import math
from enum import StrEnum
from importlib.resources import files
from typing import Mapping, NamedTuple, Sequence

from control.errors import ConfigError

__all__ = ["Logistic", "Calibration", "AutoClass", "NEVER_AUTO_ACCEPTED", "auto_class", "decision_class", "accepted", "describe_thresholds", "fit_logistic",
           "load_calibration", "decision_features", "BASE_FEATURES", "DECISION_FEATURES", "AI_FEATURES",
           "AI_DECISION_FEATURES", "CALIBRATION_FILE"]

BASE_FEATURES = ("name", "synonym", "type", "values", "picklist", "reference")
AI_FEATURES = (*BASE_FEATURES, "embedding")
DECISION_FEATURES = ("logit_s1", "margin", "best_synonym", "best_name", "best_type", "best_values", "lost",
                     "legible", "custom")
AI_DECISION_FEATURES = (*DECISION_FEATURES, "best_embedding", "max_embedding")
CALIBRATION_FILE = "calibration.json"


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class Logistic(NamedTuple):
    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float

    def predict(self, x: Mapping[str, float]) -> float:
        return _sigmoid(self.bias + sum(w * x.get(f, 0.0) for f, w in zip(self.features, self.weights)))

    def as_json(self) -> dict[str, object]:
        return {"features": list(self.features), "weights": [round(w, 6) for w in self.weights],
                "bias": round(self.bias, 6)}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> "Logistic":
        return cls(tuple(data["features"]), tuple(float(w) for w in data["weights"]),  # type: ignore[union-attr]
                   float(data["bias"]))  # type: ignore[arg-type]


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the systems here are 3×3 to 7×7)."""
    n = len(vector)
    a = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        if abs(a[col][col]) < 1e-12:
            continue
        for r in range(n):
            if r != col:
                factor = a[r][col] / a[col][col]
                for c in range(col, n + 1):
                    a[r][c] -= factor * a[col][c]
    return [a[i][n] / a[i][i] if abs(a[i][i]) >= 1e-12 else 0.0 for i in range(n)]


def fit_logistic(rows: Sequence[tuple[Mapping[str, float], int]], features: Sequence[str], *, l2: float = 0.5,
                 iterations: int = 40) -> Logistic:
    """Logistic regression by Newton's method; ``rows`` are (features, label 0/1). Deterministic."""
    d = len(features) + 1
    beta = [0.0] * d
    xs = [[1.0, *(x.get(f, 0.0) for f in features)] for x, _ in rows]
    ys = [y for _, y in rows]
    for _ in range(iterations):
        grad = [0.0] * d
        hess = [[0.0] * d for _ in range(d)]
        for x, y in zip(xs, ys):
            p = _sigmoid(sum(b * v for b, v in zip(beta, x)))
            w = p * (1.0 - p)
            for i in range(d):
                grad[i] += (y - p) * x[i]
                for j in range(i, d):
                    hess[i][j] += w * x[i] * x[j]
        for i in range(d):
            for j in range(i):
                hess[i][j] = hess[j][i]
            if i:  # no penalty on the bias
                grad[i] -= l2 * beta[i]
                hess[i][i] += l2
        step = _solve(hess, grad)
        beta = [b + s for b, s in zip(beta, step)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return Logistic(tuple(features), tuple(beta[1:]), beta[0])


def decision_features(s1: float, s2: float, best: Mapping[str, float] | None = None, *, lost: float = 0.0,
                      legible: float = 1.0, custom: bool = False, max_embedding: float = 0.0) -> dict[str, float]:
    """What the top and none models read: the assigned candidate's score s₁ (as a logit), its margin over the
    runner-up s₂, the assigned candidate's own evidence (synonym, name, type, values), the score of the
    column's first choice when another column took it (``lost``; 0 when it did not), how legible the column's name is (``legible``: a name
    the lexicon cannot read says little), whether it is a tenant's custom field (``custom``) and, with the
    embedding scorer, the best candidate's embedding similarity and the highest among its candidates (a near
    meaning the lexicon missed)."""
    clipped = min(max(s1, 1e-4), 1 - 1e-4)
    best = best or {}
    return {"logit_s1": math.log(clipped / (1 - clipped)), "margin": s1 - s2,
            "best_synonym": best.get("synonym", 0.0), "best_name": best.get("name", 0.0),
            "best_type": best.get("type", 0.0), "best_values": best.get("values", 0.0),
            "lost": lost, "legible": legible, "custom": 1.0 if custom else 0.0,
            "best_embedding": best.get("embedding", 0.0), "max_embedding": max_embedding}


class AutoClass(StrEnum):
    """Which auto-accept threshold a field decision is held to."""

    MAP = "map"                      # an existing field (and skips and joins)
    CREATE_CUSTOM = "create_custom"  # a new field for a tenant's own custom field
    CREATE_UNFIT = "create_unfit"    # a new field for the product's own field: no existing field can hold it
    CREATE_CORE = "create_core"      # a new field for the product's own field that an existing field could hold


# Never auto-accepted, whatever the confidence: a new field where some existing field could hold the values.
# "No existing field fits" is then a claim about vocabulary, and the lexicon knows only the vocabulary it was
# written from: out of fold on the tuning schemas such decisions looked 98 % right, but on schemas they were
# not fitted on 12 % of the confident new fields for product fields, and 10 of 18 auto-accepted new fields for
# tenants' custom fields, were wrong (docs/proposer.md §Evaluation). A new field no existing field can hold (CREATE_UNFIT) rests on types and is
# fitted as usual.
NEVER_AUTO_ACCEPTED = frozenset({AutoClass.CREATE_CORE, AutoClass.CREATE_CUSTOM})


def auto_class(kind: str, custom: bool, fits: bool = True) -> AutoClass:
    """The class of a decision of ``kind`` (map, create, skip, join, key) on a custom or core column;
    ``fits``: some existing field of the object could hold the column's values (the type scorer)."""
    if kind != "create":
        return AutoClass.MAP
    if custom:
        return AutoClass.CREATE_CUSTOM
    return AutoClass.CREATE_CORE if fits else AutoClass.CREATE_UNFIT


def decision_class(kind: str, custom: bool, scores: tuple[str | None, float, float] | None) -> AutoClass:
    """:func:`auto_class` of a decision from its ``scores`` (assigned candidate, s₁, s₂): the candidate is
    None when no field of the object can hold the values; a decision without scores (made by a rule or a
    person) counts as one some field could hold."""
    return auto_class(kind, custom, fits=scores is None or scores[0] is not None)


class Calibration(NamedTuple):
    """The fitted models of one scorer set (``base`` or ``ai``) and the auto-accept thresholds, one per
    :class:`AutoClass` (``None``: never auto-accepted)."""

    pair: Logistic
    top: Logistic
    none: Logistic
    thresholds: Mapping[str, float | None]
    fitted_on: tuple[str, ...]

    def accepts(self, cls: AutoClass, confidence: float) -> bool:
        return accepted(self.thresholds, cls, confidence)

    def as_json(self) -> dict[str, object]:
        return {"pair": self.pair.as_json(), "top": self.top.as_json(), "none": self.none.as_json(),
                "thresholds": {str(c): (round(t, 4) if t is not None else None)
                               for c, t in sorted(self.thresholds.items())},
                "fitted_on": list(self.fitted_on)}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> "Calibration":
        thresholds = data["thresholds"]
        return cls(Logistic.from_json(data["pair"]), Logistic.from_json(data["top"]),  # type: ignore[arg-type]
                   Logistic.from_json(data["none"]),  # type: ignore[arg-type]
                   {str(c): (float(t) if t is not None else None) for c, t in thresholds.items()},  # type: ignore[union-attr]
                   tuple(data.get("fitted_on", ())))  # type: ignore[arg-type]


def accepted(thresholds: Mapping[str, float | None], cls: str, confidence: float) -> bool:
    """Whether a decision of class ``cls`` is auto-accepted: the class has a threshold and the confidence
    reaches it."""
    threshold = thresholds.get(str(cls))
    return threshold is not None and confidence >= threshold


_CLASS_WORDS = {AutoClass.MAP: "existing field", AutoClass.CREATE_CUSTOM: "new field for a custom field",
                AutoClass.CREATE_UNFIT: "new field no existing field could hold",
                AutoClass.CREATE_CORE: "other new field"}


def describe_thresholds(thresholds: Mapping[str, float | None]) -> str:
    """The auto-accept thresholds in words: ``existing field ≥ 0.50 · … · new field for the product's own
    field: always reviewed``."""
    parts = []
    for cls in AutoClass:
        t = thresholds.get(str(cls))
        parts.append(f"{_CLASS_WORDS[cls]} ≥ {t:.2f}" if t is not None else f"{_CLASS_WORDS[cls]}: always reviewed")
    return " · ".join(parts)


def load_calibration(kind: str) -> Calibration:
    """The packaged calibration for ``base`` (lexical, type, values) or ``ai`` (plus embeddings)."""
    text = files("control.mapping.propose").joinpath(CALIBRATION_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    if kind not in data:
        raise ConfigError(f"The proposer has no calibration for the '{kind}' scorer set.",
                          hint="Refit it: python -m tests.bench.mapping_eval --fit")
    return Calibration.from_json(data[kind])
