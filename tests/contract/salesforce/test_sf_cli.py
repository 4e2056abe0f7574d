"""The official sf CLI (installed by ``make bootstrap`` under node_modules) against the emulated org."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.support.salesforce_org import EmulatedOrg, environ_for
from tests.support.toolchain import NODE_BIN, SF


pytestmark = [
    pytest.mark.sfcli,
    pytest.mark.slow,
]


def _sf(args: list[str], org: EmulatedOrg, home: Path, *, as_json: bool = True, cwd: str | None = None) -> dict | str:
    env = environ_for(org)
    env.update(
        HOME=str(home),
        SF_ACCESS_TOKEN=org.access_token,
        SF_DISABLE_TELEMETRY="true",
        SF_AUTOUPDATE_DISABLE="true",
        SF_DOMAIN_RETRY="0",
        PATH=":".join(str(p) for p in NODE_BIN) + ":" + env.get("PATH", ""),
    )
    proc = subprocess.run(
        [str(SF), *args, *(["--json"] if as_json else [])],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
    )
    if not as_json:
        assert proc.returncode == 0, proc.stderr
        return proc.stdout
    result = json.loads(proc.stdout)
    assert proc.returncode == 0 and result["status"] == 0, proc.stdout[-3000:]
    return result["result"]


def test_login_create_query_display(org_factory, tmp_path: Path):
    org: EmulatedOrg = org_factory("sfcli")
    home = tmp_path / "home"
    home.mkdir()
    login = _sf(["org", "login", "access-token", "--instance-url", org.instance_url, "--no-prompt", "--alias", "emu"], org, home)
    assert login["orgId"] == org.org_id and login["username"] == org.username
    assert login["isDevHub"] is False and login["isSandbox"] is False
    assert login["orgEdition"] == "Enterprise Edition"

    created = _sf(["data", "create", "record", "--sobject", "Account", "--values", "Name='From CLI' Phone=555",
                   "--target-org", "emu"], org, home)
    assert created["success"] is True and created["id"].startswith("001")

    queried = _sf(["data", "query", "--query", "SELECT Id, Name, Phone FROM Account WHERE Name = 'From CLI'",
                   "--target-org", "emu"], org, home)
    assert queried["totalSize"] == 1
    assert [(r["Id"], r["Name"], r["Phone"]) for r in queried["records"]] == [(created["id"], "From CLI", "555")]

    table = _sf(["data", "query", "--query", "SELECT Name, Owner.Name FROM Account WHERE Name = 'From CLI'",
                 "--target-org", "emu"], org, home, as_json=False)
    assert "From CLI" in table and "Ada Admin" in table

    shown = _sf(["org", "display", "--target-org", "emu"], org, home)
    assert shown["connectedStatus"] == "Connected"
    assert shown["id"] == org.org_id and shown["username"] == org.username
