"""The audit, wired to the real targets: over-long values are measured against the map's target fields in the
org (not the built-in defaults), and the technician gap against the org's users."""

from __future__ import annotations


def test_target_limits_come_from_the_map_and_the_org(data_path) -> None:
    limits = data_path.audit_spec["target_limits"]
    assert limits["client_contacts.title"] == {"target": "Contact.Title", "max_length": 128}
    assert limits["clients.name"] == {"target": "Account.Name", "max_length": 255}
    # a custom field the map creates, at the length the map gives it
    assert limits["locations.name"] == {"target": "Site__c.Full_Name__c", "max_length": 255}
    assert limits["contracts.contract_number"] == {"target": "Contract.Contract_Number__c", "max_length": 40}
    # the built-in default mapped parts to Product2; the map sends them to Product__c
    assert "Product2" not in " ".join(v["target"] for v in limits.values())
    # a value a rule transforms is not measured against the target (Site Name is truncated by the map)
    assert all(v["target"] != "Site__c.Name" for v in limits.values())


def test_overlong_findings_use_those_limits(data_path) -> None:
    findings = {f["kind"]: f for f in data_path.audit_spec["findings"]}
    overlong = {(r["resource"], r["id"], r["field"]) for r in findings["overlong_value"]["records"]}
    for entry in data_path.defects["defects"]["overlong_string"]:
        key = f"{entry['resource']}.{entry['field']}"
        if key in data_path.audit_spec["target_limits"] and \
                entry["length"] > data_path.audit_spec["target_limits"][key]["max_length"]:
            assert (entry["resource"], entry["id"], entry["field"]) in overlong


def test_technician_gap_is_measured_against_the_orgs_users(data_path) -> None:
    gap = data_path.audit_spec["technician_users"]
    assert gap["directory"] is True
    expected = {e["id"] for e in data_path.defects["defects"]["technician_without_user"]}
    assert gap["unmatched"] == len(expected)
    findings = {f["kind"]: f for f in data_path.audit_spec["findings"]}
    named = {r["id"]: r for r in findings["technician_without_user"]["records"]}
    assert set(named) == expected
    assert named[data_path.inactive_tech]["detail"].startswith("the user is inactive")
    assert named[data_path.ambiguous_tech]["detail"] == "no user with this e-mail"  # the audit matches by e-mail only
