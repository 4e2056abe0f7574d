"""Evaluate the map proposer on the labelled schemas; refit its models; time it on 60 objects / 2,000 fields.

::

    python -m tests.bench.mapping_eval                 # per-schema metrics, tune vs held-out, beside the baseline
    python -m tests.bench.mapping_eval --embeddings    # the same with the embedding scorer ([ai] extra)
    python -m tests.bench.mapping_eval --fit           # refit calibration.json from the tuning schemas only
    python -m tests.bench.mapping_eval --speed         # time propose_map on a synthetic 60 × ~33 tenant

Metrics are defined in ``tests/support/mapping_eval.py``. Nothing here asserts: the unit test
``tests/unit/mapping/propose/test_eval.py`` pins the held-out figures.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from control.mapping.inventory import CUSTOM_PREFIX, COMMON_FIELDS, FieldOrigin, SourceField, SourceInventory, \
    SourceResource, SourceType
from control.mapping.propose.engine import propose_map
from control.mapping.propose.model import AI_FEATURES, CALIBRATION_FILE, describe_thresholds
from control.mapping.propose.source import AuditProfiles
from tests.support.mapping_eval import baseline, load_schemas, metrics, routing_accuracy, run_schema, \
    target_schema

_CALIBRATION = Path(__file__).resolve().parents[2] / "control" / "mapping" / "propose" / CALIBRATION_FILE


def _embedder(embeddings: bool):  # type: ignore[no-untyped-def]
    if not embeddings:
        return None
    from control.mapping.propose.embedding import EmbeddingScorer

    return EmbeddingScorer.load()


def evaluate(embeddings: bool) -> dict[str, object]:
    target = target_schema()
    embedder = _embedder(embeddings)
    out: dict[str, object] = {"scorers": "lexical, type, values" + (", embedding" if embeddings else ""), "schemas": {}}
    pooled: dict[str, list] = {"tune": [], "holdout": []}
    thresholds: dict[str, float | None] = {}
    for schema in load_schemas():
        proposal, rows = run_schema(schema, target, embedder=embedder)
        thresholds = dict(proposal.thresholds)
        pooled[schema.split] += rows
        m = metrics(rows, proposal.thresholds, baseline_top1=baseline(schema, target),
                    routing=routing_accuracy(schema, target))
        out["schemas"][schema.name] = {"split": schema.split, **m._asdict()}  # type: ignore[index]
    for split, rows in pooled.items():
        if rows:
            out[split] = metrics(rows, thresholds)._asdict()
    out["thresholds"] = thresholds
    return out


def _print(result: dict[str, object]) -> None:
    print(f"scorers: {result['scorers']}; auto-accepted: {describe_thresholds(result['thresholds'])}")  # type: ignore[arg-type]
    head = f"{'schema':24} {'split':8} {'fields':>6} {'top1':>6} {'hits3':>6} {'auto-P':>7} {'auto-cov':>8} " \
           f"{'ECE':>6} {'names':>6} {'route':>6}"
    print(head)
    for name, m in result["schemas"].items():  # type: ignore[union-attr]
        print(f"{name:24} {m['split']:8} {m['fields']:>6} {m['top1']:>6.3f} {m['hits3']:>6.3f} "
              f"{m['auto_precision']:>7.3f} {m['auto_coverage']:>8.3f} {m['ece']:>6.3f} {m['baseline_top1']:>6.3f} "
              f"{m['routing']:>6.2f}")
    for split in ("tune", "holdout"):
        if split not in result:
            continue
        m = result[split]  # type: ignore[assignment]
        print(f"{'ALL ' + split:24} {'':8} {m['fields']:>6} {m['top1']:>6.3f} {m['hits3']:>6.3f} "  # type: ignore[index]
              f"{m['auto_precision']:>7.3f} {m['auto_coverage']:>8.3f} {m['ece']:>6.3f}")  # type: ignore[index]


def fit(embeddings: bool) -> None:
    from tests.support.mapping_fit import fit_calibration

    target = target_schema()
    schemas = load_schemas()
    data = json.loads(_CALIBRATION.read_text(encoding="utf-8")) if _CALIBRATION.is_file() else {}
    data["base"] = fit_calibration(schemas, target).as_json()
    if embeddings:
        embedder = _embedder(True)
        embedder.prepare([], target)
        data["ai"] = fit_calibration(schemas, target, features=AI_FEATURES, embedder=embedder).as_json()
    _CALIBRATION.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {_CALIBRATION.name}: " + "; ".join(f"{k}: {describe_thresholds(v['thresholds'])}" for k, v in data.items()))


_WORDS = ("gate", "code", "van", "zone", "rating", "tier", "reading", "pressure", "permit", "label", "route", "bin",
          "shift", "badge", "crew", "meter", "tank", "valve", "filter", "cycle", "window", "dock", "key", "lockbox")
_TYPES = (SourceType.STRING, SourceType.NUMBER, SourceType.DATE, SourceType.BOOLEAN, SourceType.EMAIL,
          SourceType.PHONE, SourceType.ENUM, SourceType.DATETIME, SourceType.URL)
_BASES = ("clients", "client_contacts", "assets", "contracts", "work_orders", "projects", "parts")


def synthetic_tenant(objects: int = 60, fields: int = 2000, seed: int = 7) -> SourceInventory:
    """A tenant of ``objects`` resources and ``fields`` columns: the labelled schemas' resources repeated,
    padded with custom fields of made-up names and every type."""
    rng = random.Random(seed)
    donors = [r for s in load_schemas() for r in s.inventory.resources.values()]
    per = fields // objects
    resources = []
    for i in range(objects):
        donor = donors[i % len(donors)]
        name = f"{_BASES[i % len(_BASES)]}_{i}" if i >= len(_BASES) else _BASES[i]
        cols = {f.name: f for f in COMMON_FIELDS[:1]}
        for f in list(donor.fields.values())[:per]:
            cols[f.name] = f._replace(reference=None, type=SourceType.STRING) if f.type is SourceType.REFERENCE else f
        while len(cols) < per:
            kind = rng.choice(_TYPES)
            key = f"{CUSTOM_PREFIX}{rng.choice(_WORDS).title()} {rng.choice(_WORDS).title()} {len(cols)}"
            cols[key] = SourceField(key, kind, FieldOrigin.CUSTOM, values=("a", "b", "c") if kind is SourceType.ENUM
                                    else None)
        resources.append(SourceResource(name, name.replace("_", " ").title(), cols))
    return SourceInventory(resources)


def speed(embeddings: bool) -> dict[str, float]:
    inventory = synthetic_tenant()
    target = target_schema()
    n_fields = sum(len(r.fields) for r in inventory.resources.values())
    start = time.perf_counter()
    proposal = propose_map(inventory, target, profiles=AuditProfiles(), embeddings=embeddings)
    elapsed = time.perf_counter() - start
    return {"objects": len(inventory.resources), "fields": n_fields, "decisions": len(proposal.fields),
            "seconds": round(elapsed, 2), "embeddings": embeddings}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embeddings", action="store_true", help="use the embedding scorer ([ai] extra)")
    parser.add_argument("--fit", action="store_true", help="refit calibration.json from the tuning schemas")
    parser.add_argument("--speed", action="store_true", help="time propose_map on 60 objects / 2,000 fields")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.fit:
        fit(args.embeddings)
        return 0
    if args.speed:
        result = speed(args.embeddings)
        print(json.dumps(result) if args.json else
              f"propose_map: {result['objects']} objects, {result['fields']} fields → {result['decisions']} decisions "
              f"in {result['seconds']} s ({'with' if args.embeddings else 'without'} the embedding scorer)")
        return 0
    result = evaluate(args.embeddings)
    if args.json:
        print(json.dumps(result))
    else:
        _print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
