"""Running CumulusCI tasks in-process against an emulated org (real CumulusCI, real HTTPS).

:func:`make_project` writes a minimal CumulusCI project (a git repo with ``cumulusci.yml`` and
``sfdx-project.json``) into a folder; :func:`run_task` runs a task class there against an
:class:`~tests.support.salesforce_org.EmulatedOrg`, the way ``cci task run`` would after
``CUMULUSCI_DISABLE_REFRESH=1`` and an org from the environment keychain.

CumulusCI reads ``CUMULUSCI_DISABLE_REFRESH`` once, when it is imported; :func:`run_task` sets the
flag it derives (``org_config.SKIP_REFRESH``) for the duration of the task instead, so the token
the emulator printed is used as is and nothing leaks into other tests.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.support.salesforce_org import EmulatedOrg

__all__ = ["make_project", "run_task"]

_CUMULUSCI_YML = """\
minimum_cumulusci_version: "4.0.0"
project:
    name: {name}
    package:
        name: {name}
        api_version: "{api_version}"
    source_format: sfdx
    git:
        default_branch: main
"""


def make_project(folder: Path, *, name: str = "emulatortests", api_version: str = "59.0") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cumulusci.yml").write_text(_CUMULUSCI_YML.format(name=name, api_version=api_version))
    (folder / "sfdx-project.json").write_text(
        json.dumps({"packageDirectories": [{"path": "force-app", "default": True}], "sourceApiVersion": api_version})
    )
    (folder / "force-app").mkdir(exist_ok=True)
    if not (folder / ".git").exists():
        subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return folder


def run_task(task_class: Any, project: Path, org: EmulatedOrg, options: dict[str, Any]) -> Any:
    """Run ``task_class`` with ``options`` in ``project`` against ``org``; returns the task."""
    from cumulusci.core.config import BaseProjectConfig, OrgConfig, TaskConfig, UniversalConfig
    from cumulusci.core.config import org_config as org_config_module
    from cumulusci.core.keychain import BaseProjectKeychain

    project_config = BaseProjectConfig(
        UniversalConfig(),
        repo_info={"root": str(project), "branch": "main", "name": project.name, "url": "local", "commit": "HEAD"},
    )
    keychain = BaseProjectKeychain(project_config, None)
    project_config.set_keychain(keychain)
    org_config = OrgConfig(
        {
            "instance_url": org.instance_url,
            "access_token": org.access_token,
            "id": f"{org.instance_url}/id/{org.org_id}/{org.user_id}",
            "username": org.username,
        },
        org.name,
        keychain=keychain,
    )
    saved = org_config_module.SKIP_REFRESH
    org_config_module.SKIP_REFRESH = "1"
    try:
        task = task_class(project_config, TaskConfig({"options": options}), org_config)
        task()
    finally:
        org_config_module.SKIP_REFRESH = saved
    return task
