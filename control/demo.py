"""``st2sf demo``: the whole pipeline, end to end, against the two local emulators (what ``make demo`` runs).

Stages, each a plain call into the stage's own package (the demo adds no logic of its own to any stage):

1. **tenant** — a ServiceTracker tenant generated with planted defects (``python -m emulators.servicetracker
   generate``, through :mod:`control.emulation`) into ``<state>/demo/tenant-<records>-s<seed>/``;
2. **sandbox** — the ServiceTracker sandbox ``demo`` serves it;
3. **org** — the emulated Salesforce org ``demo`` (created on its first start from a seed holding the tenant's
   field team as Salesforce users, so technicians match by e-mail; a seed the project configures wins);
4. **extract** into staging (incremental when staging already holds the tenant);
5. **audit** against the org (users, the map's target lengths) → spec.json and the audit report;
6. **approve** the default map as ``demo`` (a ``map.approved`` ledger entry; skipped when the map as it is
   now is already the approved one);
7. **deploy** the generated metadata (``force-app``) through CumulusCI;
8. **dataset** build (``datasets/demo/``), 9. **plan**, 10. **migrate** (``control.load.migrate``);
11. the sandbox is stopped; the org stays up for a person to browse.

A second run in the same project regenerates nothing (the tenant folder of the same size and seed is reused:
the same data), extracts incrementally (nothing new), re-deploys (declarative: no change), rebuilds the same
dataset and migrates it again: upserts by ``ServiceTracker_Id__c`` change nothing, the accounting still adds up.
A demo state made with another ``--records``/``--seed`` is refused with how to start over (``make clean-state``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, Mapping, NamedTuple

import yaml

from control.emulation import configured_org_seed, run_emulator
from control.errors import NotApprovedError, St2sfError, UsageError
from control.settings import Settings, load_settings

__all__ = ["DEMO_NAME", "DEFAULT_RECORDS", "DEFAULT_SEED", "DemoResult", "run_demo"]

DEMO_NAME = "demo"            # the org, the sandbox, the dataset and the approver are all called demo
DEFAULT_RECORDS = 5000
DEFAULT_SEED = 1
STAGES = ("tenant", "sandbox", "org", "extract", "audit", "approve", "deploy", "dataset", "plan", "migrate",
          "sandbox stop")

Progress = Callable[[str, Mapping[str, Any]], None]


class DemoResult(NamedTuple):
    ok: bool                     # the migration finished and every object's accounting adds up
    balanced: bool               # every object: source = loaded + quarantined + skipped + failed
    run_id: str                  # the migrate run
    org: str
    dataset: str
    records: int                 # the generated tenant's size (--records)
    seed: int
    accounting: dict[str, Any]   # accounting.json of the migrate run
    report: Path                 # the run report (report.html)
    audit_report: Path
    spec: Path
    plan: Path
    dataset_folder: Path
    tenant: Path
    instance_url: str
    username: str
    stages: dict[str, float]     # stage → seconds
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        out = self._asdict()
        for key in ("report", "audit_report", "spec", "plan", "dataset_folder", "tenant"):
            out[key] = str(out[key])
        return out


def _state(settings: Settings) -> list[str]:
    return ["--state-dir", str(settings.state_dir)]


def _demo_dir(settings: Settings) -> Path:
    return settings.state_dir / DEMO_NAME


def _check_marker(settings: Settings, records: int, seed: int) -> None:
    """One demo state per tenant: a project that ran the demo at another size or seed must start over."""
    marker = _demo_dir(settings) / "demo.json"
    if marker.is_file():
        previous = json.loads(marker.read_text(encoding="utf-8"))
        if (previous.get("records"), previous.get("seed")) != (records, seed):
            raise UsageError(
                f"This project's demo state holds a tenant of {previous.get('records'):,} records (seed "
                f"{previous.get('seed')}); a demo of {records:,} records (seed {seed}) needs a fresh state.",
                hint=f"Run `st2sf emulate salesforce stop {DEMO_NAME}` and `make clean-state` (removes "
                     f"{settings.state_dir.name}/), or pass --records {previous.get('records')} --seed "
                     f"{previous.get('seed')}.")
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"records": records, "seed": seed}) + "\n", encoding="utf-8")


def _tenant(settings: Settings, records: int, seed: int) -> Path:
    folder = _demo_dir(settings) / f"tenant-{records}-s{seed}"
    if not (folder / "tenant.json").is_file():
        run_emulator("servicetracker", ["generate", *_state(settings), "--name", DEMO_NAME, "--out", str(folder),
                                        "--records", str(records), "--seed", str(seed), "--force"], timeout=3600)
    return folder


def _start_sandbox(settings: Settings, tenant: Path) -> dict[str, Any]:
    """The sandbox ``demo`` serving the demo's tenant (one left running, maybe serving another tenant, restarts)."""
    args = ["start", *_state(settings), "--name", DEMO_NAME, "--fixture", str(tenant), "--rate-limit", "0"]
    box = run_emulator("servicetracker", args, timeout=3600)
    if not box.get("started"):
        run_emulator("servicetracker", ["stop", *_state(settings), "--name", DEMO_NAME])
        box = run_emulator("servicetracker", args, timeout=3600)
    return box


def _org_seed(settings: Settings, tenant: Path) -> Path | None:
    """The demo org's seed when the project names none: the tenant's field team as users."""
    users_file = tenant / "salesforce_users.json"
    users: list[dict[str, Any]] = []
    seen: set[str] = set()
    listed = json.loads(users_file.read_text(encoding="utf-8")).get("users", []) if users_file.is_file() else []
    for user in listed:
        key = str(user.get("email") or "").strip().lower()
        if not key or key in seen:  # the org refuses an e-mail twice; the generator varies only its case
            continue
        seen.add(key)
        users.append({"email": user["email"].strip(), "first_name": user.get("first_name") or "Field",
                      "last_name": user.get("last_name") or "Technician", "active": bool(user.get("active", True))})
    seed = {"organization": {"name": "ServiceTracker Demo Org", "edition": "Enterprise", "licenses": 50,
                             "set_audit_fields_on_create": True},
            "admin": {"email": "admin@st2sf-demo.example.com", "first_name": "Demo", "last_name": "Admin",
                      "password": "st2sf-demo-admin"},
            "users": users}
    path = _demo_dir(settings) / "org-seed.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(seed, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _start_org(settings: Settings, tenant: Path) -> dict[str, Any]:
    args = ["start", DEMO_NAME, *_state(settings)]
    configured = settings.orgs.get(DEMO_NAME)
    seed = configured_org_seed(settings, DEMO_NAME) or _org_seed(settings, tenant)
    if seed is not None:
        args += ["--seed", str(seed)]
    args.append("--sandbox" if configured is None or configured.sandbox else "--production")
    return run_emulator("salesforce", args)


def _project_settings(root: Path | Settings) -> Settings:
    settings = root if isinstance(root, Settings) else load_settings(root)
    if DEMO_NAME not in settings.orgs:
        raise UsageError(f"The project has no org '{DEMO_NAME}' configured.",
                         hint=f"Add to {settings.root / 'st2sf.toml'}:\n[orgs.{DEMO_NAME}]\nkind = \"emulator\"\n"
                              "sandbox = true")
    if settings.orgs[DEMO_NAME].kind != "emulator":
        raise UsageError(f"[orgs.{DEMO_NAME}] is not an emulated org; the demo only runs against the emulator.",
                         hint=f"Set kind = \"emulator\" in [orgs.{DEMO_NAME}], or use another project.")
    if not (settings.root / "mapping").is_dir():
        raise UsageError(f"{settings.root} has no mapping/ folder (the default map the demo approves).",
                         hint="Run the demo in the st2sf repository or a project made by `st2sf init`.")
    return settings


def _approve(settings: Settings) -> tuple[str, bool]:
    from control.mapping.approval import approve_map, require_approved

    folder = settings.root / "mapping"
    try:
        return require_approved(settings, folder).digest, False
    except NotApprovedError:
        return approve_map(settings, folder, by=DEMO_NAME).digest, True


def _audit(settings: Settings) -> Any:
    from control.audit import audit
    from control.audit.from_map import limits_from_map, users_from_org
    from control.mapping.validate import target_schema_for
    from control.transform.inputs import load_expanded, read_org_snapshot

    expanded, _ = load_expanded(settings, settings.root / "mapping")
    snapshot = read_org_snapshot(settings, DEMO_NAME, expanded)
    return audit(settings, limits=limits_from_map(expanded, target_schema_for(expanded, snapshot.schema)),
                 users=users_from_org(snapshot.users),
                 override_mobile_sync="demo tenant: its unsynced mobile devices are planted defects")


class _Stages:
    """Times each stage and reports it through ``progress`` (``stage`` events: started, then finished)."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.seconds: dict[str, float] = {}

    def run(self, name: str, work: Callable[[], Any], summary: Callable[[Any], str] | None = None) -> Any:
        index = STAGES.index(name) + 1
        if self.progress:
            self.progress("stage", {"stage": name, "index": index, "of": len(STAGES), "status": "started"})
        started = time.monotonic()
        result = work()
        self.seconds[name] = round(time.monotonic() - started, 2)
        if self.progress:
            self.progress("stage", {"stage": name, "index": index, "of": len(STAGES), "status": "finished",
                                    "seconds": self.seconds[name], "summary": summary(result) if summary else ""})
        return result


def run_demo(settings_or_root: Settings | Path, *, records: int = DEFAULT_RECORDS, seed: int = DEFAULT_SEED,
             progress: Progress | None = None) -> DemoResult:
    """Run the whole migration against the local emulators; see the module docstring."""
    if records < 400:
        raise UsageError(f"--records {records} is too small for a tenant.", hint="Pass --records 400 or more.")
    started = time.monotonic()
    settings = _project_settings(settings_or_root)
    _check_marker(settings, records, seed)
    stages = _Stages(progress)
    tenant = stages.run("tenant", lambda: _tenant(settings, records, seed), lambda p: str(p))
    box = stages.run("sandbox", lambda: _start_sandbox(settings, tenant), lambda b: str(b.get("base_url")))
    try:
        org = stages.run("org", lambda: _start_org(settings, tenant),
                         lambda o: f"{o.get('instance_url')} as {o.get('username')}")
        settings = _with_demo_source(settings, box, org)
        return _pipeline(settings, stages, tenant, org, records, seed, started)
    finally:
        stages.run("sandbox stop", lambda: run_emulator("servicetracker", ["stop", *_state(settings), "--name",
                                                                           DEMO_NAME]))


def _with_demo_source(settings: Settings, box: Mapping[str, Any], org: Mapping[str, Any]) -> Settings:
    """The project's settings pointed at the sandbox (its key in the environment only) and, unless the project
    names one, with the org's admin as the fallback owner of records whose technician has no user."""
    source = settings.source.model_copy(update={"kind": "api", "base_url": str(box["base_url"])})
    defaults = settings.defaults
    if not defaults.fallback_owner:
        defaults = defaults.model_copy(update={"fallback_owner": str(org["username"])})
    env = {**settings.env, settings.source.api_key_env: str(box["api_key"])}
    return settings.model_copy(update={"source": source, "defaults": defaults, "env": env})


def _pipeline(settings: Settings, stages: _Stages, tenant: Path, org: Mapping[str, Any], records: int, seed: int,
              started: float) -> DemoResult:
    from control.metadata.deploy import deploy_metadata
    from control.plan import make_plan
    from control.servicetracker.extract import extract
    from control.transform import build_dataset

    stages.run("extract", lambda: extract(settings, page_size=1000, actor=DEMO_NAME),
               lambda r: _extract_summary(r))
    audited = stages.run("audit", lambda: _audit(settings), lambda a: f"grade {a.grade}, {a.records:,} records")
    stages.run("approve", lambda: _approve(settings),
               lambda d: f"{d[0]} approved as {DEMO_NAME}" if d[1] else f"{d[0]} already approved")
    stages.run("deploy", lambda: deploy_metadata(settings, DEMO_NAME), lambda d: f"{d.files} files")
    built = stages.run("dataset", lambda: build_dataset(settings, name=DEMO_NAME, org=DEMO_NAME, actor=DEMO_NAME),
                       lambda b: f"{b.dataset:,} in the dataset, {b.quarantined:,} quarantined, "
                                 f"{b.skipped:,} skipped of {b.records:,}")
    plan = stages.run("plan", lambda: make_plan(settings, name=DEMO_NAME, org=DEMO_NAME, actor=DEMO_NAME),
                      lambda p: f"{len(p.steps)} steps, fits: {'yes' if p.fits else 'NO'}")
    migrated = stages.run("migrate", lambda: _migrate(settings, stages.progress),
                          lambda m: f"run {m.run_id}: {'ok' if m.ok else 'FAILED'}")
    balanced = _balanced(migrated.accounting)
    return DemoResult(bool(migrated.ok) and balanced, balanced, migrated.run_id, DEMO_NAME, DEMO_NAME, records, seed,
                      dict(migrated.accounting), Path(migrated.report), Path(audited.report_path),
                      Path(audited.spec_path), Path(plan.path), Path(built.folder), tenant,
                      str(org.get("instance_url")), str(org.get("username")), dict(stages.seconds),
                      round(time.monotonic() - started, 2))


def _balanced(accounting: Mapping[str, Any]) -> bool:
    objects = accounting.get("objects") or {}
    return bool(objects) and all(
        c.get("balanced") is True and c.get("source") == sum(c.get(k, 0) for k in ("loaded", "quarantined", "skipped",
                                                                                  "failed"))
        for c in objects.values())


def _extract_summary(result: Any) -> str:
    return (f"{sum(f.fetched for f in result.feeds):,} records read, "
            f"{sum(f.inserted + f.updated for f in result.feeds):,} new or changed, "
            f"{sum(result.staging_counts.values()):,} in staging")


def _migrate(settings: Settings, progress: Progress | None) -> Any:
    from control.load import migrate  # imports CumulusCI: only when the demo gets this far

    started = time.time()
    try:
        return migrate(settings, dataset=DEMO_NAME, org=DEMO_NAME, progress=progress)
    except St2sfError as exc:  # the loader still wrote the run's report: say where it is
        reports = [p for p in (settings.state_dir / "runs").glob("*/report.html") if p.stat().st_mtime >= started]
        if reports:
            newest = max(reports, key=lambda p: p.stat().st_mtime)
            exc.hint = f"{exc.hint + ' ' if exc.hint else ''}The run report: {newest}"
        raise
