"""The st2sf command line as a user runs it: a real process, exit codes, --json output."""

from __future__ import annotations

import json
import sqlite3
import tomllib
from pathlib import Path

import yaml

from control import __version__
from control.ledger import Ledger, RunStatus

ROOT = Path(__file__).resolve().parents[3]


def test_version_and_help(st2sf_cli) -> None:
    out = st2sf_cli(["--version"])
    assert (out.returncode, out.stdout.strip()) == (0, f"st2sf {__version__}")
    out = st2sf_cli(["--help"])
    assert out.returncode == 0
    for group in ("init", "runs"):
        assert group in out.stdout


def test_unknown_option_is_a_usage_error(st2sf_cli) -> None:
    out = st2sf_cli(["runs", "--bogus"])
    assert out.returncode == 2
    assert "No such option" in out.stderr


def test_init_scaffolds_a_project_and_never_overwrites(st2sf_cli, tmp_path: Path) -> None:
    target = tmp_path / "acme-migration"
    out = st2sf_cli(["init", str(target), "--json"])
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["name"] == "acme-migration"
    for rel in ("st2sf.toml", "cumulusci.yml", "sfdx-project.json", "orgs/dev.json", "mapping/README.md", ".gitignore"):
        assert (target / rel).is_file(), rel
    default_map = sorted(p.name for p in (ROOT / "mapping").glob("*.yml"))
    assert len(default_map) == 16 and default_map[0] == "00-settings.yml"
    for name in default_map:  # the default map, byte for byte: the starting point the project reviews
        assert (target / "mapping" / name).read_bytes() == (ROOT / "mapping" / name).read_bytes(), name
    assert [rel for rel in result["files"] if rel.startswith("mapping/") and rel.endswith(".yml")] == [
        f"mapping/{name}" for name in default_map]
    assert not (target / "mapping" / "source-inventory.json").exists()  # the demo tenant's audit stays behind
    assert (target / "force-app/main/default").is_dir() and (target / "datasets").is_dir()
    toml = tomllib.loads((target / "st2sf.toml").read_text())
    assert toml["project"]["name"] == "acme-migration" and toml["defaults"]["org"] == "dev"
    cci = yaml.safe_load((target / "cumulusci.yml").read_text())
    assert cci["project"]["name"] == "acme-migration" and cci["project"]["source_format"] == "sfdx"
    sfdx = json.loads((target / "sfdx-project.json").read_text())
    assert sfdx["packageDirectories"] == [{"path": "force-app", "default": True}]
    json.loads((target / "orgs/dev.json").read_text())

    (target / "st2sf.toml").write_text("# mine\n")
    again = st2sf_cli(["init", str(target)])
    assert again.returncode == 2
    assert "never overwrites" in again.stderr
    assert (target / "st2sf.toml").read_text() == "# mine\n"  # nothing lost

    edited = tmp_path / "edited-map"
    (edited / "mapping").mkdir(parents=True)
    (edited / "mapping" / "22-contracts.yml").write_text("# our contracts\n")
    refused = st2sf_cli(["init", str(edited)])
    assert refused.returncode == 2 and "mapping/22-contracts.yml" in refused.stderr
    assert (edited / "mapping" / "22-contracts.yml").read_text() == "# our contracts\n"
    assert not (edited / "st2sf.toml").exists() and not (edited / "mapping" / "00-settings.yml").exists()


def test_init_rejects_a_bad_name(st2sf_cli, tmp_path: Path) -> None:
    out = st2sf_cli(["init", str(tmp_path / "x"), "--name", "bad name!"])
    assert out.returncode == 2
    assert "cannot be a project name" in out.stderr


def test_runs_json_and_verify_log_through_the_cli(st2sf_cli, project: Path) -> None:
    led = Ledger.open(f"sqlite:///{project / '.st2sf' / 'ledger.db'}")
    run = led.start_run("migrate", {"org": "dev"})
    led.plan_steps(run.id, ["load Account"])
    with led.step(run.id, "load Account") as counts:
        counts["created"] = 5
    led.finish_run(run.id, RunStatus.COMPLETED)
    led.close()

    listed = st2sf_cli(["runs", "--json"], cwd=project)
    assert listed.returncode == 0
    assert [r["id"] for r in json.loads(listed.stdout)["runs"]] == [run.id]
    assert len(listed.stdout.strip().splitlines()) == 1  # exactly one JSON object, nothing else

    shown = json.loads(st2sf_cli(["runs", "show", run.id, "--json"], cwd=project).stdout)
    assert [(s["name"], s["status"], s["counts"]) for s in shown["steps"]] == [("load Account", "completed", {"created": 5})]

    ok = st2sf_cli(["runs", "verify-log", "--json"], cwd=project)
    assert (ok.returncode, json.loads(ok.stdout)) == (0, {"ok": True, "entries": 5})

    con = sqlite3.connect(project / ".st2sf" / "ledger.db")
    con.execute("UPDATE steps SET counts = '{\"created\":50}'")
    con.commit()
    con.close()
    bad = st2sf_cli(["runs", "verify-log"], cwd=project)
    assert bad.returncode == 1
    assert "audit entry 4" in bad.stderr and "load Account" in bad.stderr
    bad_json = st2sf_cli(["runs", "verify-log", "--json"], cwd=project)
    payload = json.loads(bad_json.stdout)
    assert payload["ok"] is False and payload["error"]["entry_seq"] == 4


def test_unknown_run_exits_2(st2sf_cli, project: Path) -> None:
    out = st2sf_cli(["runs", "show", "20990101T000000000Z-abcdef"], cwd=project)
    assert out.returncode == 2
    assert out.stderr.strip() == ("error: No run '20990101T000000000Z-abcdef' in the ledger. "
                                  "List runs with `st2sf runs`.")
