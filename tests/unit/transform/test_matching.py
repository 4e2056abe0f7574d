"""Matching technicians to users (control.transform.matching): every outcome the gap report names."""

from __future__ import annotations

from control.mapping.rules import MatchRule
from control.salesforce.org_data import OrgUser
from control.transform.matching import MatchIndex, MatchStatus

RULE = MatchRule(target_field="Email", source="email", case_insensitive=True, where={"IsActive": True})
USERS = [
    OrgUser("005A", "dana@org", "Dana@Example.com", None, True, "Dana"),
    OrgUser("005B", "gone@org", "gone@example.com", None, False, "Gone"),
    OrgUser("005C", "twin1@org", "t1@example.com", "shared@example.com", True, "Twin 1"),
    OrgUser("005D", "twin2@org", "t2@example.com", "shared@example.com", True, "Twin 2"),
    OrgUser("005E", "fed@org", "other@example.com", "sso@example.com", True, "Fed"),
]


def test_outcomes() -> None:
    index = MatchIndex.for_users(RULE, USERS)
    found = index.find("  dana@example.COM ")
    assert (found.status, found.record_id, found.via) == (MatchStatus.MATCHED, "005A", "Email")
    assert index.find("SSO@example.com")[:4] == (MatchStatus.MATCHED, "005E", "fed@org", "FederationIdentifier")
    inactive = index.find("gone@example.com")
    assert inactive.status is MatchStatus.INACTIVE and inactive.candidates == ("gone@org",)
    ambiguous = index.find("shared@example.com")
    assert ambiguous.status is MatchStatus.AMBIGUOUS and ambiguous.candidates == ("twin1@org", "twin2@org")
    assert "2 records have" in ambiguous.reason("shared@example.com")
    assert index.find("nobody@example.com").status is MatchStatus.NO_MATCH
    assert index.find("n/a").status is MatchStatus.INVALID_KEY
    assert index.find("  ").status is MatchStatus.NO_KEY and index.find(None).status is MatchStatus.NO_KEY


def test_case_sensitive_rules_compare_exactly() -> None:
    index = MatchIndex.for_users(RULE.model_copy(update={"case_insensitive": False}), USERS)
    assert index.find("dana@example.com").status is MatchStatus.NO_MATCH
    assert index.find("Dana@Example.com").record_id == "005A"
