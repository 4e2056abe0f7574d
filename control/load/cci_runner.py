"""CumulusCI's ``LoadData``, in-process, with every row's result handed back.

A :class:`CciSession` (one per ``migrate`` run) builds a CumulusCI project and org config in code (no
keychain on disk, no ``cci`` subprocess) from an :class:`~control.salesforce.access.OrgAccess` — an
emulator session or a ``kind = "cumulusci"`` org's session — once; :func:`run_load` runs ``LoadData`` over a
mapping file and a SQLite database with it. The session's calls share what does not change within a run:
the org config's user and org info (loaded by the first task only) and the describes
(:mod:`control.load.describe_cache`), so each call costs the org its writes, not its validation again.

Row errors never abort the task: :class:`_RecordingLoad` (a LoadData subclass) hands each row's
:class:`RowResult` to a callback and lets the successful ones reach CumulusCI's id table as usual, so
the caller decides what a failure means (lock retries, error budget). ``drop_missing_schema`` stays off:
a field the mapping names and the org lacks fails the task.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Callable, ContextManager, NamedTuple

from control.errors import Failure
from control.load.describe_cache import CachingAdapter, DescribeCache
from control.salesforce.access import OrgAccess, temporary_environ

__all__ = ["RowResult", "CciOrg", "CciSession", "run_load", "parse_error", "ID_TABLE"]

ID_TABLE = "cumulusci_id_table"

_CUMULUSCI_YML = """\
minimum_cumulusci_version: "4.0.0"
project:
    name: st2sf_load
    package:
        name: st2sf_load
        api_version: "{api_version}"
    source_format: sfdx
    git:
        default_branch: main
"""


class RowResult(NamedTuple):
    local_id: str
    success: bool
    salesforce_id: str | None
    created: bool | None
    code: str | None
    message: str | None
    fields: tuple[str, ...]


class CciOrg(NamedTuple):
    """What CumulusCI needs to reach the org, plus the project folder it runs in."""
    access: OrgAccess
    org_id: str
    user_id: str
    project: Path
    api_version: str = "59.0"


class CciSession:
    """CumulusCI's project, keychain and org config for one run, built on first use and shared by the run's
    ``LoadData`` calls, with the run's :class:`DescribeCache`."""

    def __init__(self, org: CciOrg, cache: DescribeCache | None = None) -> None:
        self.org = org
        self.cache = cache if cache is not None else DescribeCache()
        self.credentials_loaded = False   # the org config's user and org info, loaded by the first task
        self._configs: tuple[Any, Any] | None = None

    def configs(self) -> tuple[Any, Any]:
        """``(project config, org config)``."""
        if self._configs is None:
            from cumulusci.core.config import BaseProjectConfig, OrgConfig, UniversalConfig
            from cumulusci.core.keychain import BaseProjectKeychain

            org = self.org
            project = BaseProjectConfig(UniversalConfig(), repo_info={
                "root": str(org.project), "branch": "main", "name": org.project.name, "url": "local",
                "commit": "HEAD"})
            keychain = BaseProjectKeychain(project, None)
            project.set_keychain(keychain)
            access = org.access
            org_config = OrgConfig({"instance_url": access.instance_url,
                                    "access_token": access.access_token.reveal(),
                                    "id": f"{access.instance_url}/id/{org.org_id}/{org.user_id}",
                                    "username": access.username}, access.cci_org, keychain=keychain)
            self._configs = (project, org_config)
        return self._configs


def parse_error(text: str | None) -> tuple[str, str, tuple[str, ...]]:
    """``(code, message, fields)`` from CumulusCI's row error text: REST ``CODE: message (f1,f2)`` lines,
    Bulk ``CODE:message --`` / ``CODE:message:fields --``."""
    text = (text or "").strip()
    first = text.splitlines()[0] if text else ""
    if ":" not in first:
        return "UNKNOWN_ERROR", first or "no error text", ()
    code, rest = first.split(":", 1)
    rest = rest.strip()
    fields: tuple[str, ...] = ()
    if rest.endswith("--"):
        rest = rest[:-2].strip()
        if rest.count(":") >= 1 and not rest.endswith(")"):
            head, tail = rest.rsplit(":", 1)
            if tail and " " not in tail.strip():
                rest, fields = head.strip(), tuple(f for f in tail.split(",") if f)
    elif rest.endswith(")") and " (" in rest:
        head, tail = rest.rsplit(" (", 1)
        rest, fields = head, tuple(f.strip() for f in tail[:-1].split(",") if f.strip())
    return code.strip() or "UNKNOWN_ERROR", rest, fields


def make_project(folder: Path, api_version: str = "59.0") -> Path:
    """A minimal CumulusCI project (git repo, cumulusci.yml, sfdx-project.json) CumulusCI can run tasks in."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cumulusci.yml").write_text(_CUMULUSCI_YML.format(api_version=api_version), encoding="utf-8")
    (folder / "sfdx-project.json").write_text(json.dumps(
        {"packageDirectories": [{"path": "force-app", "default": True}], "sourceApiVersion": api_version}),
        encoding="utf-8")
    (folder / "force-app").mkdir(exist_ok=True)
    if not (folder / ".git").exists():
        subprocess.run(["git", "init", "-q", str(folder)], check=True, capture_output=True)
    return folder


def _trust(access: OrgAccess) -> ContextManager[None]:
    """Let CumulusCI's requests sessions trust the emulator's certificate for the duration of a task."""
    bundle = access.ca_bundle
    return temporary_environ({"REQUESTS_CA_BUNDLE": bundle, "SSL_CERT_FILE": bundle} if bundle else {})


def _recording_task_class() -> Any:
    from cumulusci.tasks.bulkdata import LoadData

    from cumulusci.tasks.bulkdata.mapping_parser import MappingLookup, parse_from_yaml, validate_and_inject_mapping
    from cumulusci.tasks.bulkdata.step import DataOperationType

    class _RecordingLoad(LoadData):
        """LoadData whose row results go to ``self.row_sink`` instead of raising on the first error.

        An ``action: update`` step finds each row's record by its local id in the id table — the way
        CumulusCI's own deferred-lookup steps do; the ``Id`` lookup is added after validation."""
        row_sink: Callable[[RowResult], None]
        cci_session: CciSession

        def _update_credentials(self) -> None:
            # the session's org config keeps the user and org info the first task loaded (the token is
            # never refreshed: SKIP_REFRESH) — later tasks of the run need not ask again
            if not self.cci_session.credentials_loaded:
                super()._update_credentials()
                self.cci_session.credentials_loaded = True

        def _init_api(self, base_url: str | None = None) -> Any:
            sf = super()._init_api(base_url)
            sf.session.mount("https://", CachingAdapter(self.cci_session.cache))
            return sf

        def _init_mapping(self) -> None:
            # CumulusCI validates lookups against the other steps of the same file; st2sf runs one step per
            # file (the org's Ids of earlier steps are in the id table), so its lookups are validated as the
            # fields they are (exist, writable, required ones present) on a copy, strictly, then kept as lookups
            self.mapping = parse_from_yaml(self.options["mapping"])
            shadow = parse_from_yaml(self.options["mapping"])
            for step in shadow.values():
                for field in list(step.lookups):
                    step.fields_[field] = field
                step.lookups.clear()
            validate_and_inject_mapping(mapping=shadow, sf=self.sf, namespace=None,
                                        data_operation=DataOperationType.INSERT, inject_namespaces=False,
                                        drop_missing=False)
            for step in self.mapping.values():
                if step.action == DataOperationType.UPDATE and "Id" not in step.lookups:
                    step.lookups["Id"] = MappingLookup(name="Id", table=step.table, key_field="id")

        def _generate_results_id_map(self, step: Any, local_ids: Any) -> list[list[str]]:
            ids = (lid.strip("\n") for lid in local_ids)
            out: list[list[str]] = []
            for result, local_id in zip(step.get_results(), ids):
                if result.success:
                    out.append([local_id, result.id])
                    self.row_sink(RowResult(local_id, True, result.id, result.created, None, None, ()))
                else:
                    code, message, fields = parse_error(result.error)
                    self.row_sink(RowResult(local_id, False, None, None, code, message, fields))
            return out

    return _RecordingLoad


def run_load(session: CciSession, *, mapping: Path, database_url: str, sink: Callable[[RowResult], None],
             bulk_mode: str | None = None) -> dict[str, Any]:
    """Run LoadData over ``mapping`` and ``database_url`` (its id table kept between calls); every row's
    result goes to ``sink``. Returns CumulusCI's step results. A job-level failure raises :class:`Failure`."""
    from cumulusci.core.config import TaskConfig
    from cumulusci.core.config import org_config as org_config_module
    from cumulusci.core.exceptions import BulkDataException, CumulusCIException

    project, org_config = session.configs()
    access = session.org.access
    options: dict[str, Any] = {"mapping": str(mapping), "database_url": database_url, "reset_oids": False,
                               "set_recently_viewed": False, "ignore_row_errors": True,
                               "drop_missing_schema": False, "inject_namespaces": False}
    if bulk_mode:
        options["bulk_mode"] = bulk_mode
    task_class = _recording_task_class()
    saved = org_config_module.SKIP_REFRESH
    org_config_module.SKIP_REFRESH = "1"  # the session is used as is; st2sf never refreshes tokens itself
    try:
        with _trust(access):
            task = task_class(project, TaskConfig({"options": options}), org_config)
            task.row_sink = sink
            task.cci_session = session
            task()
    except (BulkDataException, CumulusCIException) as exc:
        raise Failure(f"CumulusCI's LoadData failed: {exc}", hint="See the run's errors.jsonl and the log above; "
                      "re-run `st2sf migrate` to resume once the cause is fixed.") from None
    finally:
        org_config_module.SKIP_REFRESH = saved
    return dict(task.return_values.get("step_results") or {})
