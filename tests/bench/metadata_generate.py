"""Benchmark: metadata generation for a large map (default 60 objects, 2,000 fields). Prints figures.

    python -m tests.bench.metadata_generate [--objects 60] [--fields 2000] [--workflows 40]

Builds a synthetic map (custom objects with every field type, lookups between them, record types,
picklists through value maps) plus workflows, then times ``st2sf metadata generate`` into a temporary
project: schema load, map checks, rendering, schema validation of every file, writing. The target is
under 5 s for 60 objects / 2,000 fields.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import yaml

from control.metadata.generate import generate_metadata

_KINDS = [
    {"type": "Text", "length": 255}, {"type": "Number", "precision": 18, "scale": 2},
    {"type": "Currency", "precision": 16, "scale": 2}, {"type": "Checkbox"}, {"type": "Date"},
    {"type": "DateTime"}, {"type": "Email"}, {"type": "Phone"}, {"type": "Url"},
    {"type": "LongTextArea", "length": 32768, "visible_lines": 4}, {"type": "Picklist", "value_map": "status"},
    {"type": "TextArea"},
]


def build_map(folder: Path, objects: int, fields: int, workflows: int) -> None:
    targets: dict[str, dict] = {}
    rules = []
    for n in range(objects):
        per_object = fields // objects + (1 if n < fields % objects else 0)  # exactly `fields` in all
        name = f"Bench_{n:03d}__c"
        spec_fields: dict[str, dict] = {"ServiceTracker_Id__c": {"type": "Text", "length": 64, "label": "ServiceTracker Id",
                                                                  "external_id": True, "unique": True}}
        field_rules = [{"source": "id", "target": "ServiceTracker_Id__c"}]
        if n:
            spec_fields["Parent__c"] = {"type": "Lookup", "label": "Parent", "reference_to": f"Bench_{n - 1:03d}__c",
                                        "relationship_name": f"Children_{n:03d}", "delete_constraint": "SetNull"}
        for k in range(per_object - len(spec_fields)):
            kind = dict(_KINDS[k % len(_KINDS)])
            spec_fields[f"Field_{k:03d}__c"] = {**kind, "label": f"Field {k}", "help": f"Benchmark field {k}."}
        field_rules.append({"source": "status", "target": "Field_010__c", "transform": {"value_map": "status"}}
                           if per_object > 12 else {"source": "summary", "target": "Name"})
        targets[name] = {"label": f"Bench {n}", "plural_label": f"Benches {n}", "name_field": {"label": "Name"},
                         "sharing_model": "ReadWrite",
                         "record_types": {"Type_A": {"label": "Type A"}, "Type_B": {"label": "Type B"}},
                         "fields": spec_fields}
        rules.append({"name": f"bench_{n:03d}", "target": name, "external_id": "ServiceTracker_Id__c",
                      "when": {"field": "priority", "equals": ["low", "normal", "high", "urgent"][n % 4]},
                      "record_type": "Type_A", "fields": field_rules})
    document = {
        "version": 1,
        "value_maps": {"status": {"values": {s: s.replace("_", " ").title() for s in (
            "new", "scheduled", "dispatched", "in_progress", "on_hold", "completed", "cancelled", "closed")}}},
        "targets": targets,
        "objects": [{"source": "work_orders", "routes": rules[:4]}] + [
            {"source": f"custom_tables/bench_{n:03d}", "routes": [rule]} for n, rule in enumerate(rules[4:], 4)],
    }
    folder.mkdir(parents=True)
    (folder / "map.yml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    with (folder / "workflows.jsonl").open("w", encoding="utf-8") as out:
        for n in range(workflows):
            out.write(json.dumps({
                "id": f"wf_{n:05d}", "name": f"Bench rule {n}", "active": True, "category": "dispatch",
                "trigger": {"type": "record_created", "resource": "work_orders", "field": None, "schedule": None,
                            "offset_minutes": None},
                "condition_logic": "all", "conditions": [{"index": 1, "field": "status", "operator": "equals",
                                                          "value": "dispatched"}],
                "actions": [{"index": 1, "type": "create_task", "params": {"subject": "Check", "due_in_minutes": 60}},
                            {"index": 2, "type": "set_field", "params": {"field": "status", "value": "in_progress"}}],
            }) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=60)
    parser.add_argument("--fields", type=int, default=2000)
    parser.add_argument("--workflows", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        build_map(project / "mapping", args.objects, args.fields, args.workflows)
        started = time.perf_counter()
        first = generate_metadata(project)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        check = generate_metadata(project, check=True)
        check_s = time.perf_counter() - started
    fields = first.components.get("CustomField", 0)
    print(f"map: {args.objects} objects, {fields} custom fields, {args.workflows} workflows")
    print(f"generate: {first.files} files ({first.components}) in {first_s:.2f} s "
          f"({first.files / first_s:.0f} files/s); target < 5 s: {'met' if first_s < 5 else 'MISSED'}")
    print(f"generate --check: {check.files} files compared in {check_s:.2f} s")


if __name__ == "__main__":
    main()
