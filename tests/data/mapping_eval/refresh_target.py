"""Regenerate ``target-org.json``: the describes of a fresh emulated org's data objects.

The evaluation proposes maps against the objects a Sales Cloud org has out of the box. This script starts
an emulated org (a real process, real HTTPS), describes those objects with simple-salesforce and keeps the
describe keys the target-schema protocol reads, so the fixture stays small and diffable::

    python -m tests.data.mapping_eval.refresh_target
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests.support.salesforce_org import start_org, stop_org

__all__ = ["OBJECTS", "refresh"]

OBJECTS = ("Account", "Contact", "Lead", "Opportunity", "Case", "CaseComment", "Asset", "Contract", "Task",
           "Event", "Product2", "Note", "User")
_FIELD_KEYS = ("name", "type", "label", "length", "precision", "scale", "picklistValues", "restrictedPicklist",
               "referenceTo", "relationshipName", "createable", "updateable", "nillable", "defaultedOnCreate",
               "externalId", "unique", "custom", "calculated")
_HERE = Path(__file__).resolve().parent


def _trim(describe: dict) -> dict:
    fields = []
    for field in describe["fields"]:
        kept = {k: field.get(k) for k in _FIELD_KEYS if k in field}
        kept["picklistValues"] = [{"value": v["value"], "active": v.get("active", True)}
                                  for v in field.get("picklistValues") or ()]
        fields.append(kept)
    return {"name": describe["name"], "label": describe.get("label"), "custom": describe.get("custom", False),
            "createable": describe.get("createable", True), "fields": fields,
            "recordTypeInfos": [{"developerName": r.get("developerName"), "master": r.get("master")}
                                for r in describe.get("recordTypeInfos") or ()]}


def refresh(out: Path = _HERE / "target-org.json") -> Path:
    with tempfile.TemporaryDirectory() as state:
        org = start_org(Path(state), "eval")
        try:
            sf = org.simple_salesforce("63.0")
            sf.session.trust_env = False  # the machine's CA bundle variable would win over verify
            sf.session.verify = org.ca_bundle
            describes = [_trim(sf.restful(f"sobjects/{name}/describe")) for name in OBJECTS]
        finally:
            stop_org(org)
    out.write_text(json.dumps({"sobjects": describes}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    print(refresh(Path(sys.argv[1]) if len(sys.argv) > 1 else _HERE / "target-org.json"))
