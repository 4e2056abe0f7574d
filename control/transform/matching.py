"""``match`` routes: finding existing org records for source records (reference-only, never written).

A match route (``mode: match``) compares a source value with a field of existing records —
technicians with active Users by e-mail, say — and, when exactly one eligible record has it, the source
record *is* that record: lookups and owner rules through the route return its Id. Nothing is created.

Keys are trimmed and, with ``case_insensitive``, case-folded. ``where`` narrows the eligible records
(``IsActive: true``). For Users, ``FederationIdentifier`` is an alternative key: a technician whose
e-mail matches no eligible user's ``Email`` still matches a user whose federation Id is that e-mail.

Every outcome is named, for the technician gap report::

    matched      exactly one eligible record (by key or alternative key)
    no_key       the source value is blank
    invalid_key  (e-mail keys) not an e-mail address, so it can never match
    no_match     no record has the key
    inactive     records have the key but none passes ``where`` (an inactive user)
    ambiguous    several eligible records have the key
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Iterable, Mapping, NamedTuple

from control.mapping.rules import MatchRule
from control.mapping.values import source_key
from control.salesforce.org_data import OrgUser
from control.transform.coerce import EMAIL_PATTERN

__all__ = ["MatchStatus", "MatchResult", "MatchIndex", "Candidate"]


class MatchStatus(StrEnum):
    MATCHED = "matched"
    NO_KEY = "no_key"
    INVALID_KEY = "invalid_key"
    NO_MATCH = "no_match"
    INACTIVE = "inactive"
    AMBIGUOUS = "ambiguous"


class Candidate(NamedTuple):
    id: str
    label: str  # a username or the key, for reports
    eligible: bool


class MatchResult(NamedTuple):
    status: MatchStatus
    record_id: str | None = None
    label: str | None = None
    via: str | None = None                 # the field that matched (Email, FederationIdentifier)
    candidates: tuple[str, ...] = ()       # labels of the records involved (inactive or ambiguous ones)

    def reason(self, value: Any) -> str:
        shown = repr(value) if value is not None else "no value"
        return {
            MatchStatus.MATCHED: f"matched {self.label} by {self.via}",
            MatchStatus.NO_KEY: "has no e-mail to match by",
            MatchStatus.INVALID_KEY: f"{shown} is not an e-mail address, so no user can match it",
            MatchStatus.NO_MATCH: f"no record has {shown}",
            MatchStatus.INACTIVE: f"only inactive records have {shown} ({', '.join(self.candidates)})",
            MatchStatus.AMBIGUOUS: f"{len(self.candidates)} records have {shown} ({', '.join(self.candidates)})",
        }[self.status]


def _fold(value: Any, case_insensitive: bool) -> str | None:
    if value is None:
        return None
    text = source_key(value).strip()
    if not text:
        return None
    return text.casefold() if case_insensitive else text


def _passes(where: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    for field, wanted in where.items():
        have = values.get(field)
        if isinstance(wanted, bool):
            if bool(have) is not wanted and str(have).lower() != str(wanted).lower():
                return False
        elif source_key(have) != source_key(wanted):
            return False
    return True


class MatchIndex:
    """Existing records of one match route, by key (and by alternative key)."""

    def __init__(self, rule: MatchRule, email_key: bool) -> None:
        self.rule = rule
        self.email_key = email_key
        self._by_key: dict[str, list[Candidate]] = {}
        self._by_alt: dict[str, list[Candidate]] = {}

    def add(self, record_id: str, key: Any, where_values: Mapping[str, Any], label: str,
            alternative: Any = None) -> None:
        eligible = _passes(self.rule.where, where_values)
        candidate = Candidate(record_id, label, eligible)
        folded = _fold(key, self.rule.case_insensitive)
        if folded is not None:
            self._by_key.setdefault(folded, []).append(candidate)
        alt = _fold(alternative, self.rule.case_insensitive)
        if alt is not None:
            self._by_alt.setdefault(alt, []).append(candidate)

    @classmethod
    def for_users(cls, rule: MatchRule, users: Iterable[OrgUser]) -> "MatchIndex":
        index = cls(rule, email_key=rule.target_field == "Email")
        for user in users:
            values = {"IsActive": user.active, "Username": user.username, "Email": user.email,
                      "FederationIdentifier": user.federation_id, "Id": user.id}
            key = values.get(rule.target_field)
            alternative = user.federation_id if rule.target_field != "FederationIdentifier" else None
            index.add(user.id, key, values, user.username, alternative)
        return index

    def find(self, value: Any) -> MatchResult:
        folded = _fold(value, self.rule.case_insensitive)
        if folded is None:
            return MatchResult(MatchStatus.NO_KEY)
        if self.email_key and not EMAIL_PATTERN.match(source_key(value).strip()):
            return MatchResult(MatchStatus.INVALID_KEY)
        seen: list[Candidate] = []
        for via, table in ((self.rule.target_field, self._by_key), ("FederationIdentifier", self._by_alt)):
            found = table.get(folded, [])
            seen += [c for c in found if c not in seen]
            eligible = [c for c in found if c.eligible]
            if len(eligible) == 1:
                return MatchResult(MatchStatus.MATCHED, eligible[0].id, eligible[0].label, via)
            if len(eligible) > 1:
                return MatchResult(MatchStatus.AMBIGUOUS, candidates=tuple(sorted(c.label for c in eligible)))
        if seen:
            return MatchResult(MatchStatus.INACTIVE, candidates=tuple(sorted(c.label for c in seen)))
        return MatchResult(MatchStatus.NO_MATCH)
