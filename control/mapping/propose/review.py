"""``review_map``: the decisions of a map folder as rows a person can sort, filter and act on.

It reads the map as it is now (so hand edits and reviewer decisions show) — every object rule, field rule
and ``skipped`` entry with its ``rationale`` — and joins what ``proposal.json`` knows about each source
column (label, type, sample values, fill rate). A row is **auto** when its confidence reaches the
proposal's threshold for its class (model.AutoClass: an existing field; a new field for a tenant's custom
field; never for a new field for the product's own field), **low** otherwise; **create** rows (a new custom field or object) are flagged too:
those are what a reviewer looks at first. Rendered as a terminal table (``st2sf map review``) or a
self-contained HTML page (``--html``) that sorts and filters by confidence, kind and text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple

from control.errors import UsageError
from control.mapping.loader import load_map
from control.mapping.issues import MapInvalidError
from control.mapping.propose.model import accepted, auto_class, describe_thresholds
from control.mapping.propose.writer import PROPOSAL_FILE
from control.mapping.rules import RouteMode
from control.mapping.transforms import ConcatenateTransform

__all__ = ["ReviewRow", "Review", "review_map", "render_review_html"]


class ReviewRow(NamedTuple):
    key: str                  # resource:source (fields) or resource (objects); resource@route[:source] for one
                              # of several routes
    scope: str                # object | field
    resource: str
    source: str | None
    kind: str                 # map | create | skip | key | join (fields); map | create | skip | match (objects)
    target: str | None
    confidence: float | None
    reasons: tuple[str, ...]
    alternatives: tuple[str, ...]
    samples: tuple[str, ...]
    fill_rate: float | None
    source_type: str | None
    reviewed: str | None      # "accept by Dana at …"
    auto: bool

    def as_dict(self) -> dict[str, Any]:
        out = self._asdict()
        for key in ("reasons", "alternatives", "samples"):
            out[key] = list(out[key])
        return out


class Review(NamedTuple):
    folder: str
    thresholds: Mapping[str, float | None]  # per model.AutoClass; None: never auto-accepted
    rows: tuple[ReviewRow, ...]
    notes: tuple[str, ...]

    def summary(self) -> dict[str, Any]:
        fields = [r for r in self.rows if r.scope == "field"]
        return {"rows": len(self.rows), "fields": len(fields), "auto": sum(r.auto for r in fields),
                "to_review": sum(not r.auto for r in fields), "create": sum(r.kind == "create" for r in self.rows),
                "reviewed": sum(r.reviewed is not None for r in self.rows), "thresholds": dict(self.thresholds)}


def _rationale(node: Any) -> dict[str, Any]:
    r = getattr(node, "rationale", None)
    return r.model_dump(mode="json") if r is not None else {}


def _joined_sources(field: Any) -> list[str]:
    """The source paths a ``concatenate`` rule reads (the proposer joins second address lines so)."""
    first = field.transform[0] if field.transform else None
    if field.source is None and isinstance(first, ConcatenateTransform):
        return list(first.concatenate.sources)
    return []


def _auto(kind: str, column: Mapping[str, Any], confidence: float | None, rationale: Mapping[str, Any],
          thresholds: Mapping[str, float | None]) -> bool:
    """No review needed: a person decided it, or the confidence reaches the threshold of its class — as the
    proposer classed it when the map still holds its decision, else by kind and origin."""
    if rationale.get("review"):
        return True
    if confidence is None:
        return False
    custom = column.get("origin") == "custom"
    cls = column["auto_class"] if column.get("kind") == kind and "auto_class" in column else auto_class(kind, custom)
    return accepted(thresholds, cls, confidence)


def _reviewed(r: dict[str, Any]) -> str | None:
    review = r.get("review")
    if not review:
        return None
    return " ".join(p for p in (review.get("decision"), f"by {review['by']}" if review.get("by") else None,
                                f"at {review['at']}" if review.get("at") else None) if p)


def review_map(folder: Path, *, below: float | None = None, kinds: Iterable[str] = (), resource: str | None = None,
               text: str | None = None) -> Review:
    """Rows of the map in ``folder``, filtered: confidence below ``below``, of ``kinds``, of ``resource``, or
    containing ``text``."""
    loaded = load_map(folder)
    if loaded.map is None:
        raise MapInvalidError(loaded.issues)
    info_path = folder / PROPOSAL_FILE
    if not info_path.is_file():
        raise UsageError(f"{folder} was not written by `st2sf map propose` (no {PROPOSAL_FILE}).",
                         hint="Propose first (st2sf map propose), or read the map with st2sf map validate.")
    info = json.loads(info_path.read_text(encoding="utf-8"))
    columns: dict[str, dict[str, Any]] = info.get("columns", {})
    thresholds: dict[str, float | None] = info.get("summary", {}).get("thresholds") or {}
    targets = loaded.map.targets
    rows: list[ReviewRow] = []

    def add(key: str, scope: str, res: str, source: str | None, kind: str, target: str | None,
            rationale: dict[str, Any]) -> None:
        col = columns.get(key, {})
        confidence = rationale.get("confidence")
        rows.append(ReviewRow(key, scope, res, source, kind, target, confidence, tuple(rationale.get("reasons", ())),
                              tuple(f"{a['target']} ({a['score']:.2f})" for a in rationale.get("alternatives", ())),
                              tuple(str(s) for s in col.get("samples") or col.get("values") or ()),
                              col.get("fill_rate"), col.get("type"), _reviewed(rationale),
                              _auto(kind, col, confidence, rationale, thresholds)))

    for rule in loaded.map.objects:
        r = _rationale(rule)
        if rule.skip is not None:
            add(rule.source, "object", rule.source, None, "skip", None, r)
            continue
        split = sum(1 for route in rule.routes if route.mode is not RouteMode.MATCH) > 1
        for route in rule.routes:
            spec = targets.get(route.target)
            matched = route.mode is RouteMode.MATCH
            own = f"{rule.source}@{route.name}"  # how decisions name this route (and its columns, when split)
            add(own if split or matched else rule.source, "object", rule.source, None,
                "match" if matched else "create" if spec is not None and spec.defines_object else "map",
                route.target, _rationale(route) if len(rule.routes) > 1 else r)
            created = set(spec.fields) if spec is not None else set()
            prefix = own if split else rule.source
            for field in route.fields:
                joined = _joined_sources(field)
                if joined:  # one row per column the rule joins: the first maps, the others join it
                    for n, path in enumerate(joined):
                        add(f"{prefix}:{path}", "field", rule.source, path, "join" if n else "map",
                            f"{route.target}.{field.target}", _rationale(field))
                    continue
                key = f"{prefix}:{field.source}" if field.source else f"{prefix}:={field.target}"
                kind = "key" if field.target == "ServiceTracker_Id__c" else (
                    "create" if field.target in created else "map")
                add(key, "field", rule.source, field.source, kind, f"{route.target}.{field.target}",
                    _rationale(field))
            for skipped in route.skipped:
                add(f"{prefix}:{skipped.source}", "field", rule.source, skipped.source, "skip", None,
                    {**_rationale(skipped), "reasons": [skipped.reason, *_rationale(skipped).get("reasons", [])][:3]})
    wanted = set(kinds)
    selected = [row for row in rows if (below is None or (row.confidence is not None and row.confidence < below))
                and (not wanted or row.kind in wanted) and (resource is None or row.resource == resource)
                and (text is None or text.lower() in " ".join(map(str, row)).lower())]
    return Review(str(folder), thresholds, tuple(selected), tuple(info.get("notes", ())))


def render_review_html(review: Review) -> str:
    """A self-contained page: the rows, sortable and filterable, every value escaped."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("control.reports", "templates"), autoescape=select_autoescape(["j2"]))
    return env.get_template("proposal_review.html.j2").render(review=review, summary=review.summary(),
                                                              thresholds=describe_thresholds(review.thresholds),
                                                              rows=[r.as_dict() for r in review.rows])
