"""The map's content hash — what an approval is bound to (``st2sf map approve``, issue 8).

``sha256:<hex>`` over a canonical JSON document of everything that decides what moves and what is
generated:

* the merged map (all ``mapping/*.yml`` files), as the models read it — so formatting, comments, key
  order, YAML anchors and the split into files do not change the hash, while any changed rule, value,
  target or setting does;
* minus every ``rationale`` (the proposer's confidence and reasons beside a decision: rewording a reason
  is not a change to approve);
* plus the snapshots the map folder keeps: ``source-inventory.json`` (it decides auto-mapped custom
  fields and tables) and ``workflows.jsonl`` (it decides the Flows), each canonicalised.

A map whose shape is invalid has no hash: approve only what validates.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from control.mapping.issues import MapInvalidError
from control.mapping.loader import load_map

__all__ = ["map_digest", "canonical_map", "canonical_text", "document_digest"]

_SNAPSHOTS = ("source-inventory.json", "workflows.jsonl")


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k != "rationale"}
    if isinstance(value, (list, tuple)):
        return [_strip(v) for v in value]
    return value


def _snapshot(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


def canonical_map(folder: Path) -> dict[str, Any]:
    """The document the hash is taken over."""
    loaded = load_map(folder)
    if loaded.map is None:
        raise MapInvalidError(loaded.issues)
    document: dict[str, Any] = {"map": _strip(loaded.map.model_dump(mode="json", by_alias=True))}
    for name in _SNAPSHOTS:
        path = folder / name
        document[name] = _snapshot(path) if path.is_file() else None
    return document


def canonical_text(document: dict[str, Any]) -> str:
    """The one JSON text of a canonical map document (sorted keys, no spaces, UTF-8 kept)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def document_digest(text: str) -> str:
    """``sha256:<hex>`` of a canonical text."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def map_digest(folder: Path) -> str:
    """``sha256:<hex>`` of the map folder's content (see the module docstring)."""
    return document_digest(canonical_text(canonical_map(folder)))
