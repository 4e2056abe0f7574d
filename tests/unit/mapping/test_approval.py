"""The approval gate: approve records hash, approver and time in the ledger; a changed map is refused
with the change named; the latest approval is the one in force."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from control.errors import NotApprovedError
from control.ledger import Ledger, verify_ledger
from control.mapping.approval import approve_map, latest_approval, require_approved
from control.mapping.digest import map_digest
from control.settings import load_settings

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def project(tmp_path: Path):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "st2sf.toml").write_text('[project]\nname = "gate"\n', encoding="utf-8")
    shutil.copytree(ROOT / "mapping", root / "mapping")
    return load_settings(root, env={})


def test_never_approved_map_is_refused(project) -> None:
    with pytest.raises(NotApprovedError, match="has never been approved") as info:
        require_approved(project, project.root / "mapping")
    assert info.value.exit_code == 2
    assert "st2sf map approve --by NAME" in info.value.hint


def test_approval_is_recorded_in_the_ledger_and_passes_the_gate(project) -> None:
    folder = project.root / "mapping"
    approval = approve_map(project, folder, by="alice")
    assert approval.digest == map_digest(folder)
    assert (approval.by, approval.folder) == ("alice", "mapping")
    assert require_approved(project, folder) == approval
    ledger = Ledger.open(project.ledger_url)
    entries = [e for e in ledger.audit_entries() if e.event == "map.approved"]
    assert [(e.actor, e.payload["digest"]) for e in entries] == [("alice", approval.digest)]
    assert verify_ledger(ledger).ok
    ledger.close()


def test_edited_map_is_refused_naming_the_change(project) -> None:
    folder = project.root / "mapping"
    approve_map(project, folder, by="alice")
    clients = folder / "10-clients.yml"
    text = clients.read_text(encoding="utf-8")
    assert "length: 64" in text
    clients.write_text(text.replace("length: 64", "length: 80", 1), encoding="utf-8")
    with pytest.raises(NotApprovedError) as info:
        require_approved(project, folder)
    message = str(info.value)
    assert "changed since alice approved it" in message
    assert "ServiceTracker_Id__c.length: 64 → 80" in message
    assert info.value.context["changes"] == [c for c in info.value.context["changes"] if "length" in c]


def test_rewording_a_rationale_is_not_a_change(project) -> None:
    folder = project.root / "mapping"
    approve_map(project, folder, by="alice")
    path = folder / "31-work-orders.yml"
    text = path.read_text(encoding="utf-8")
    assert "check with the service desk" in text
    path.write_text(text.replace("check with the service desk", "ask the service desk"), encoding="utf-8")
    assert require_approved(project, folder).by == "alice"


def test_latest_approval_is_in_force(project) -> None:
    folder = project.root / "mapping"
    first = approve_map(project, folder, by="alice")
    path = folder / "10-clients.yml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("length: 64", "length: 80", 1), encoding="utf-8")
    second = approve_map(project, folder, by="bob")
    assert latest_approval(project) == second and second.digest != first.digest
    path.write_text(original, encoding="utf-8")  # back to what alice approved: superseded by bob's approval
    with pytest.raises(NotApprovedError, match="changed since bob approved it"):
        require_approved(project, folder)


def test_the_cli_approves_and_reports_status(project, st2sf_cli) -> None:
    out = st2sf_cli(["map", "status", "--json"], cwd=project.root)
    assert json.loads(out.stdout)["approved"] is False
    out = st2sf_cli(["map", "approve", "--by", "carol", "--json"], cwd=project.root)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["by"] == "carol"
    status = json.loads(st2sf_cli(["map", "status", "--json"], cwd=project.root).stdout)
    assert (status["approved"], status["approval"]["by"], status["changes"]) == (True, "carol", [])
    missing_by = st2sf_cli(["map", "approve"], cwd=project.root)
    assert missing_by.returncode == 2
