"""Nothing moves unapproved: a changed map makes both `dataset build` and `plan` refuse (exit 2) and name what
changed; the CLI prints exactly one JSON object with --json."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from control.errors import NotApprovedError
from control.plan import make_plan
from control.settings import load_settings
from control.transform import build_dataset


def _cli(root, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ST2SF_")}
    return subprocess.run([sys.executable, "-m", "control.cli.app", "-C", str(root), *args], capture_output=True,
                          text=True, env=env, timeout=300)


def test_a_changed_map_is_refused_by_build_and_plan(data_path, tmp_path) -> None:
    changed = tmp_path / "mapping"
    shutil.copytree(data_path.root / "mapping", changed)
    text = (changed / "10-clients.yml").read_text(encoding="utf-8")
    (changed / "10-clients.yml").write_text(text.replace("source: name, target: Name, required: true",
                                                         "source: name, target: Name, required: false"))
    settings = load_settings(data_path.root, env={})
    with pytest.raises(NotApprovedError) as caught:
        build_dataset(settings, map_dir=changed, name="never")
    assert "required" in str(caught.value) and caught.value.exit_code == 2
    assert not (data_path.root / "datasets" / "never").exists()
    with pytest.raises(NotApprovedError):
        make_plan(settings, map_dir=changed)
    proc = _cli(data_path.root, "dataset", "build", "--map", str(changed), "--name", "never", "--json")
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["error"]["code"] == "NOT_APPROVED"


def test_cli_build_prints_one_json_object(data_path) -> None:
    proc = _cli(data_path.root, "dataset", "build", "--name", "cli-copy", "--json")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert out["records"] == data_path.result.records and out["dataset"] == data_path.result.dataset
    assert out["quarantined"] == data_path.result.quarantined
    assert out["accounting"] == data_path.result.accounting  # deterministic: the same staging, map and org
    assert out["mapping"].endswith("cli-copy/cli-copy.mapping.yml")
