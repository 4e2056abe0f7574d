"""Seed parsing: defaults, every problem reported with its place, the built-in seed."""

from __future__ import annotations

import pytest
import yaml

from emulators.salesforce.org.seed import DEFAULT_SEED, Edition, SeedError, parse_seed


def test_built_in_seed_has_active_inactive_and_federated_users():
    assert DEFAULT_SEED.edition is Edition.ENTERPRISE and DEFAULT_SEED.set_audit_fields_on_create is True
    assert [u.active for u in DEFAULT_SEED.users].count(False) == 2
    assert sum(1 for u in DEFAULT_SEED.users if u.federation_id) == 3
    assert [(r.sobject, r.developer_name, r.default) for r in DEFAULT_SEED.record_types] == [
        ("Case", "Break_Fix", True),
        ("Case", "Support_Request", False),
    ]


def test_minimal_seed_gets_defaults():
    seed = parse_seed({"organization": {"edition": "developer"}})
    assert seed.edition is Edition.DEVELOPER and seed.licenses == 10 and seed.sandbox is None
    assert seed.admin.profile == "System Administrator" and seed.users == ()


def test_every_problem_is_listed_with_its_place():
    text = """
organization: {edition: Gold, licenses: 0, sandbox_name: "9bad", time_zone: Mars/Olympus}
admin: {email: boss@example.com, password: short}
users:
  - {email: not-an-email, last_name: X}
  - {first_name: NoEmail}
  - {email: boss@example.com, profile: Janitor}
record_types:
  - {sobject: Case, developer_name: "has space"}
surprise: true
"""
    with pytest.raises(SeedError) as got:
        parse_seed(yaml.safe_load(text), source="team.yml")
    message = str(got.value)
    for expected in (
        "team.yml is not a valid seed",
        "organization.edition: 'Gold' is not one of Enterprise, Developer, Unlimited",
        "organization.licenses: must be a whole number ≥ 1",
        "organization.time_zone: 'Mars/Olympus' is not an IANA time zone",
        "organization.sandbox_name: must be a letter then up to 9 letters/digits",
        "admin.password: must be text of at least 8 characters",
        "users[0].email: 'not-an-email' is not an e-mail address",
        "users[1].email: is required",
        "users[2].profile: must be 'System Administrator' or 'Standard User'",
        "users: e-mail addresses used twice: ['boss@example.com']",
        "record_types[0].developer_name: must start with a letter",
        "top level: unknown keys ['surprise']",
    ):
        assert expected in message, expected
