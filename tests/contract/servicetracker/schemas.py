"""Validators built from docs/servicetracker-api.schema.json (the contract's machine-readable half)."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

__all__ = ["SCHEMA_PATH", "DOC_PATH", "schema_doc", "validator", "sparse_validator", "record_def"]

ROOT = Path(__file__).resolve().parents[3]
SCHEMA_PATH = ROOT / "docs" / "servicetracker-api.schema.json"
DOC_PATH = ROOT / "docs" / "servicetracker-api.md"
_URI = "servicetracker-api.schema.json"


@lru_cache(maxsize=1)
def schema_doc() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _registry() -> Registry:
    return Registry().with_resource(_URI, Resource.from_contents(schema_doc()))


def record_def(resource: str) -> str:
    """The $defs name of a resource's record schema."""
    return "custom_table_row" if resource.startswith("custom_tables/") else resource


@lru_cache(maxsize=None)
def validator(definition: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{_URI}#/$defs/{definition}"}, registry=_registry())


@lru_cache(maxsize=None)
def sparse_validator(definition: str) -> Draft202012Validator:
    """The record schema with only ``id`` required: what a ``fields=`` response must satisfy."""
    schema = copy.deepcopy(schema_doc()["$defs"][definition])
    schema["required"] = ["id"]
    schema["$defs"] = schema_doc()["$defs"]  # the record's own "#/$defs/…" references resolve here
    return Draft202012Validator(schema)
