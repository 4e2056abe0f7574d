"""`st2sf demo --json` as a person runs it: a subprocess in a copy of the repository (its tracked and new files —
no .venv, node_modules, state or built datasets — using this interpreter and the node tools on PATH).

Checked: exit 0; every object's accounting balances and equals the dataset manifest's numbers; the run report
exists and names the run; the org `demo` is still running afterwards and its SOQL counts are the rows loaded;
a second run exits 0 and changes nothing (nothing created, the same counts). The org is stopped at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

import lxml.html
import pytest

from tests.support.salesforce_org import EmulatedOrg, client_env, start_org, stop_org

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
RECORDS = 600      # small: the demo's default size is for people, this is for the suite
_SKIP = (".venv", "node_modules", ".st2sf", ".git")


def _copy_repository(target: Path) -> Path:
    """The working tree as a fresh clone would have it (plus uncommitted edits): git's tracked and unignored files,
    committed into a new repository (CumulusCI runs only inside one; and `git status` must stay clean)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if not source.is_file() or name.split("/", 1)[0] in _SKIP:
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)
    git = ["git", "-c", "user.name=st2sf tests", "-c", "user.email=tests@st2sf.example.com"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "copy of the working tree"]):
        subprocess.run([*git, *args], cwd=target, check=True, capture_output=True)
    return target


def _demo(root: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ST2SF_")}
    return subprocess.run([sys.executable, "-m", "control.cli.app", "demo", "--records", str(RECORDS), "--json"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=1200)


def _emulator(root: Path, *args: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "emulators.salesforce", *args, "--state-dir",
                           str(root / ".st2sf"), "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _git_status(root: Path) -> str:
    return subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True,
                          check=True).stdout


def _counts(org: EmulatedOrg, sobjects: list[str]) -> dict[str, int]:
    sf = org.simple_salesforce("63.0")
    return {name: sf.query(f"SELECT count() FROM {name}")["totalSize"] for name in sobjects}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = _copy_repository(tmp_path_factory.mktemp("demo") / "st2sf")
    yield root
    if (root / ".st2sf" / "orgs" / "demo").is_dir():
        _emulator(root, "stop", "demo")
    subprocess.run([sys.executable, "-m", "emulators.servicetracker", "stop", "--state-dir", str(root / ".st2sf"),
                    "--name", "demo"], cwd=ROOT, capture_output=True, timeout=120)


def test_demo_migrates_everything_and_a_second_run_changes_nothing(repo: Path, monkeypatch) -> None:
    first = _demo(repo)
    assert first.returncode == 0, first.stderr[-4000:]
    result = json.loads(first.stdout)
    assert result["ok"] is True and result["org"] == "demo" and result["dataset"] == "demo"
    assert "[ 1/11] tenant" in first.stderr and "[10/11] migrate done in" in first.stderr

    manifest = json.loads((repo / "datasets" / "demo" / "dataset.json").read_text(encoding="utf-8"))
    assert set(result["objects"]) == set(manifest["accounting"])
    for resource, counts in result["objects"].items():
        built = manifest["accounting"][resource]
        assert counts["source"] == counts["loaded"] + counts["quarantined"] + counts["skipped"] + counts["failed"]
        assert counts["balanced"] is True, resource
        assert (counts["source"], counts["quarantined"], counts["skipped"]) == (
            built["source"], built["quarantined"], built["skipped"]), resource
        assert (counts["loaded"], counts["failed"]) == (built["dataset"], 0), resource
    assert result["totals"]["source"] == sum(c["source"] for c in result["objects"].values()) > RECORDS * 0.9
    assert result["totals"]["balanced"] is True

    report = Path(result["report"])
    assert report == repo / ".st2sf" / "runs" / result["run_id"] / "report.html"
    doc = lxml.html.fromstring(report.read_text(encoding="utf-8"))
    assert " ".join(doc.xpath("//h1")[0].text_content().split()) == f"Migration run {result['run_id']}"
    assert doc.get_element_by_id("status").text_content() == "OK"
    for key in ("audit_report", "spec", "plan"):
        assert Path(result[key]).is_file(), key

    assert _git_status(repo) == ""          # everything the demo made is in ignored folders

    status = _emulator(repo, "status", "demo")["orgs"]
    assert [(o["org"], o["running"]) for o in status] == [("demo", True)]
    org = start_org(repo / ".st2sf", "demo")          # already running: only its details
    assert org.instance_url == result["instance_url"]
    for key, value in client_env(org).items():
        monkeypatch.setenv(key, value)
    expected: Counter[str] = Counter()
    for step in manifest["steps"]:
        if step["kind"] == "load":
            expected[step["sobject"]] += step["rows"]
    loaded = _counts(org, sorted(expected))
    assert loaded == dict(expected)
    files = result["files"]
    file_rows = {s["sobject"]: s["rows"] for s in manifest["steps"] if s["kind"] == "file"}
    assert (files["files"], files["failed"], files["verified"]) == (file_rows["ContentVersion"], 0, files["uploaded"])
    assert files["uploaded"] == files["files"] - files["skipped"] > 0
    assert _counts(org, ["ContentVersion"]) == {"ContentVersion": files["uploaded"]}

    second = _demo(repo)
    assert second.returncode == 0, second.stderr[-4000:]
    again = json.loads(second.stdout)
    assert again["run_id"] != result["run_id"]
    assert again["objects"] == result["objects"] and again["totals"] == result["totals"]
    assert "already approved" in second.stderr
    accounting = json.loads((repo / ".st2sf" / "runs" / again["run_id"] / "accounting.json").read_text())
    assert [(s["name"], s["created"]) for s in accounting["steps"] if s["created"]] == []
    assert _counts(org, sorted(expected)) == loaded
    assert (again["files"]["uploaded"], again["files"]["already_present"]) == (0, files["uploaded"])
    assert _counts(org, ["ContentVersion"]) == {"ContentVersion": files["uploaded"]}
    assert _git_status(repo) == ""
    stop_org(org)
    assert [o["running"] for o in _emulator(repo, "status", "demo")["orgs"]] == [False]
