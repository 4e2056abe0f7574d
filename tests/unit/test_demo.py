"""`run_demo`'s checks before anything starts, and the demo org's seed (no emulator needed here; the whole demo
runs in tests/e2e/demo)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from control.demo import _org_seed, run_demo
from control.emulation import configured_org_seed
from control.errors import UsageError
from control.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]


def _project(root: Path, orgs: str = '[orgs.demo]\nkind = "emulator"\nsandbox = true\n') -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "st2sf.toml").write_text('[project]\nname = "demo-test"\n' + orgs, encoding="utf-8")
    (root / "mapping").mkdir(exist_ok=True)
    return root


def test_a_project_without_the_demo_org_is_refused(tmp_path) -> None:
    root = _project(tmp_path / "p", orgs='[orgs.dev]\nkind = "emulator"\n')
    with pytest.raises(UsageError) as caught:
        run_demo(root, records=600)
    assert caught.value.message == "The project has no org 'demo' configured."
    assert "[orgs.demo]" in caught.value.hint
    assert not (root / ".st2sf").exists()


def test_a_cumulusci_org_named_demo_is_refused(tmp_path) -> None:
    root = _project(tmp_path / "p", orgs='[orgs.demo]\nkind = "cumulusci"\n')
    with pytest.raises(UsageError, match="not an emulated org"):
        run_demo(root, records=600)


def test_too_few_records(tmp_path) -> None:
    with pytest.raises(UsageError, match="--records 399 is too small"):
        run_demo(_project(tmp_path / "p"), records=399)


def test_a_demo_state_of_another_size_is_refused_with_how_to_start_over(tmp_path) -> None:
    root = _project(tmp_path / "p")
    marker = root / ".st2sf" / "demo" / "demo.json"
    marker.parent.mkdir(parents=True)
    marker.write_text(json.dumps({"records": 2000, "seed": 1}))
    with pytest.raises(UsageError) as caught:
        run_demo(root, records=5000)
    assert caught.value.message == ("This project's demo state holds a tenant of 2,000 records (seed 1); a demo of "
                                    "5,000 records (seed 1) needs a fresh state.")
    assert "make clean-state" in caught.value.hint and "--records 2000 --seed 1" in caught.value.hint
    assert json.loads(marker.read_text()) == {"records": 2000, "seed": 1}


def test_the_org_seed_holds_the_field_team_once_each(tmp_path) -> None:
    root = _project(tmp_path / "p")
    tenant = tmp_path / "tenant"
    tenant.mkdir()
    (tenant / "salesforce_users.json").write_text(json.dumps({"users": [
        {"email": "Ann.Lee@field.example.com", "first_name": "Ann", "last_name": "Lee", "active": True},
        {"email": "ann.lee@FIELD.example.com ", "first_name": "Ann", "last_name": "Lee", "active": True},
        {"email": "bo@field.example.com", "first_name": "Bo", "last_name": "Ng", "active": False}]}))
    settings = load_settings(root, env={})
    path = _org_seed(settings, tenant)
    assert path == root / ".st2sf" / "demo" / "org-seed.yml"
    seed = yaml.safe_load(path.read_text())
    assert seed["users"] == [
        {"email": "Ann.Lee@field.example.com", "first_name": "Ann", "last_name": "Lee", "active": True},
        {"email": "bo@field.example.com", "first_name": "Bo", "last_name": "Ng", "active": False}]
    assert seed["organization"]["set_audit_fields_on_create"] is True


def test_a_seed_the_project_names_wins(tmp_path) -> None:
    root = _project(tmp_path / "p")
    (root / "orgs" / "emulator").mkdir(parents=True)
    (root / "orgs" / "emulator" / "demo.yml").write_text("users: []\n")
    settings = load_settings(root, env={})
    assert configured_org_seed(settings, "demo") == root / "orgs" / "emulator" / "demo.yml"
    assert configured_org_seed(settings, "other") is None


def test_the_command_exits_1_with_the_accounting_when_it_does_not_add_up(tmp_path, monkeypatch, capsys) -> None:
    import control.cli.demo as demo_cli
    from control.cli.app import main
    from control.demo import DemoResult

    objects = {"clients": {"source": 5, "loaded": 4, "quarantined": 1, "skipped": 0, "failed": 0, "balanced": True},
               "attachments": {"source": 3, "loaded": 0, "quarantined": 1, "skipped": 0, "failed": 0,
                               "balanced": False}}
    result = DemoResult(False, False, "run-1", "demo", "demo", 600, 1,
                        {"objects": objects, "totals": {"source": 8, "balanced": False}}, tmp_path / "report.html",
                        tmp_path / "a.html", tmp_path / "spec.json", tmp_path / "plan.json", tmp_path, tmp_path,
                        "https://127.0.0.1:1", "admin@demo", {"tenant": 0.1}, 1.0)
    seen = {}

    def fake(settings, *, records, seed, progress):
        seen.update(root=settings.root, records=records, seed=seed)
        progress("stage", {"stage": "tenant", "index": 1, "of": 11, "status": "finished", "seconds": 0.1,
                           "summary": "x"})
        return result

    monkeypatch.setattr(demo_cli, "run_demo", fake)
    root = _project(tmp_path / "p")
    assert main(["demo", "--project", str(root), "--records", "600", "--json"]) == 1
    out, err = capsys.readouterr()
    printed = json.loads(out)
    assert (printed["ok"], printed["balanced"], printed["objects"]) == (False, False, objects)
    assert "[ 1/11] tenant done in 0.1 s — x" in err
    assert seen == {"root": root.resolve(), "records": 600, "seed": 1}
    assert main(["demo", "--project", str(root)]) == 1
    out, _ = capsys.readouterr()
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.split()}
    assert rows["attachments"] == ["3", "0", "1", "0", "0", "NO"]
    assert rows["clients"] == ["5", "4", "1", "0", "0", "yes"]
    assert "The accounting does not add up for every object (see the run report)." in out
