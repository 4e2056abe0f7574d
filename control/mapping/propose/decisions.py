"""A reviewer's decisions, kept in ``mapping/decisions.json`` so they survive ``st2sf map propose`` re-runs.

The proposer rewrites the map files each time it runs on new data; what a person decided must not be
lost. Each decision names what it is about and what the person chose::

    {"format": "st2sf.map-decisions/1",
     "objects": {"clients": {"decision": "edit", "target": "Account", "by": "Dana", "at": "2025-…"}},
     "fields":  {"clients:custom_fields.Credit Limit": {"decision": "accept", "kind": "create",
                                                        "target": "Credit_Limit__c", "by": …, "at": …},
                 "clients:fax": {"decision": "reject", "target": "Fax", …},
                 "clients:legacy_code": {"decision": "edit", "kind": "skip", "reason": "retired", …}},
     "values":  {"clients:industry=industrial": {"decision": "edit", "target": "Manufacturing", …}}}

``accept`` pins the proposal as it is (kind and target); ``reject`` rules the named target out (the next
candidate, or a new field, is proposed instead); ``edit`` sets kind and target (or the skip reason) by
hand. One route of a resource with several is ``resource@route`` (rejecting it drops that split or user
match), and a column of one of several routes with fields ``resource@route:path``. A decision about a column or resource that no longer exists in the inventory is kept in the file
and reported as stale, never applied to something else.

The file is not part of the map's content hash: its effect is in the map files it shapes, and those are
what an approval covers. It is JSON so that the map loader (which reads every ``*.yml``) ignores it.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any, Mapping, NamedTuple

from control.errors import InputFileError, UsageError
from control.ledger import utc_now

__all__ = ["Verdict", "Decision", "Decisions", "DECISIONS_FILE", "DECISIONS_FORMAT"]

DECISIONS_FILE = "decisions.json"
DECISIONS_FORMAT = "st2sf.map-decisions/1"


class Verdict(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    EDIT = "edit"


class Decision(NamedTuple):
    verdict: Verdict
    kind: str | None = None      # map | create | skip (fields); map | create | skip (objects)
    target: str | None = None
    reason: str | None = None
    by: str | None = None
    at: str | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"decision": str(self.verdict)}
        for key in ("kind", "target", "reason", "by", "at"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Decision":
        return cls(Verdict(data["decision"]), data.get("kind"), data.get("target"), data.get("reason"),
                   data.get("by"), data.get("at"))

    def review(self) -> dict[str, str]:
        """What the map's rationale says about this decision."""
        out = {"decision": str(self.verdict)}
        if self.by:
            out["by"] = self.by
        if self.at:
            out["at"] = self.at
        return out


class Decisions:
    """Decisions by scope (``objects``, ``fields``, ``values``) and key. Immutable: ``with_*`` returns a copy."""

    SCOPES = ("objects", "fields", "values")

    def __init__(self, entries: Mapping[str, Mapping[str, Decision]] | None = None) -> None:
        self._entries: dict[str, dict[str, Decision]] = {s: dict((entries or {}).get(s, {})) for s in self.SCOPES}

    def get(self, scope: str, key: str) -> Decision | None:
        return self._entries[scope].get(key)

    def items(self, scope: str) -> list[tuple[str, Decision]]:
        return sorted(self._entries[scope].items())

    def __len__(self) -> int:
        return sum(len(v) for v in self._entries.values())

    def with_decision(self, scope: str, key: str, decision: Decision) -> "Decisions":
        if scope not in self.SCOPES:
            raise UsageError(f"Unknown decision scope {scope!r}.", hint=f"Use one of {', '.join(self.SCOPES)}.")
        stamped = decision if decision.at else decision._replace(at=utc_now())
        entries = {s: dict(v) for s, v in self._entries.items()}
        entries[scope][key] = stamped
        return Decisions(entries)

    def without(self, scope: str, key: str) -> "Decisions":
        entries = {s: dict(v) for s, v in self._entries.items()}
        entries[scope].pop(key, None)
        return Decisions(entries)

    def as_json(self) -> dict[str, Any]:
        return {"format": DECISIONS_FORMAT,
                **{s: {k: d.as_json() for k, d in sorted(v.items())} for s, v in self._entries.items()}}

    @classmethod
    def read(cls, path: Path) -> "Decisions":
        if not path.is_file():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{path} is not JSON: {exc.msg}.", path=str(path), line=exc.lineno,
                                 hint="Fix the file by hand or remove the broken decision.") from None
        if not isinstance(data, dict) or data.get("format") != DECISIONS_FORMAT:
            raise InputFileError(f"{path} is not a decisions file (format {DECISIONS_FORMAT}).", path=str(path))
        try:
            return cls({s: {k: Decision.from_json(v) for k, v in (data.get(s) or {}).items()} for s in cls.SCOPES})
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise InputFileError(f"{path} holds a malformed decision: {exc}.", path=str(path)) from None

    def write(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.as_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(path)
