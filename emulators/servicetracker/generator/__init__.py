"""The tenant generator: a realistic ServiceTracker tenant with the defects real ones have, streamed to disk.

``generate(out, records=N, seed=S)`` writes the fixture format of docs/servicetracker-api.md §15 —
one JSON Lines file per resource, ``custom_tables/<key>.jsonl``, ``tombstones.jsonl``, ``files/``,
``tenant.json`` — plus ``defects.json`` (which record carries which planted defect, the true kind of
every custom field) and ``salesforce_users.json`` (technician e-mails that should exist as users).

Order of work (parents first, so children can pick consistent references from compact columns)::

    technicians → parts → clients → locations → contacts → contracts → assets → work orders
    → projects (now that each project's first work order is known: the project ↔ work order cycle)
    → tasks → parts used → invoices → notes → attachments → activities → custom tables
    → workflows → mobile devices → tombstones → salesforce_users.json → tenant.json → defects.json

Everything is written into ``<out>.partial`` and renamed to ``out`` at the end, so an interrupted run
never leaves a folder that looks like a complete tenant. Memory stays flat: records are written as
they are made; only per-record integer columns and small pools are kept.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Callable, Mapping, NamedTuple

import orjson

from emulators.servicetracker.generator import admin, content, people, work
from emulators.servicetracker.generator.context import Context, ascii_slug, derived_random
from emulators.servicetracker.generator.customfields import manifest as custom_manifest
from emulators.servicetracker.generator.defects import DEFAULT_RATES, DefectKind, DefectLog
from emulators.servicetracker.generator.plan import plan_counts
from emulators.servicetracker.generator.plant import Orphans
from emulators.servicetracker.generator import vocab
from emulators.servicetracker.problems import BadInput
from emulators.servicetracker.tenant import ApiKey, RateLimit, Scope, TenantConfig, mint_key, tenant_document

__all__ = ["GenerationResult", "generate", "TENANT_FILES"]

TENANT_FILES = ("tenant.json", "defects.json", "salesforce_users.json", "tombstones.jsonl")


class GenerationResult(NamedTuple):
    out: Path
    records: int
    seed: int
    counts: dict[str, int]
    tombstones: int
    defects: dict[str, int]
    seconds: float


def _prepare(out: Path, force: bool) -> Path:
    if out.exists() and any(out.iterdir()):
        if not (out / "tenant.json").is_file():
            raise BadInput(f"{out} exists and is not a generated tenant; choose an empty or new folder.")
        if not force:
            raise BadInput(f"{out} already holds a tenant; pass --force to replace it.")
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    return partial


def generate(out: Path, *, records: int, seed: int, rates: Mapping[DefectKind, float] | None = None,
             large_attachments: int = 1, force: bool = False,
             progress: Callable[[str, int], None] | None = None) -> GenerationResult:
    started = time.perf_counter()
    try:
        counts = plan_counts(records)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    if large_attachments < 0:
        raise BadInput("--large-attachments must be 0 or more.")
    out = out.resolve()
    work_dir = _prepare(out, force)
    rates = dict(DEFAULT_RATES if rates is None else rates)
    log = DefectLog(work_dir / ".defects", rates)
    rng = derived_random(seed, "tenant")
    tz_name = rng.choice(vocab.TIME_ZONES)
    ctx = Context(work_dir, seed, log, tz_name)
    tenant_name = f"{ctx.pools.last_names[rng.randrange(len(ctx.pools.last_names))]} " \
                  f"{rng.choice(('Mechanical', 'Facility Services', 'Heating & Cooling', 'Field Services'))}"
    domain = f"{ascii_slug(tenant_name)[:30]}.com"
    ctx.counts["projects_planned"] = counts["projects"]
    emails = people.Emails()
    orphans = Orphans(ctx)

    def step(resource: str) -> None:
        if progress:
            progress(resource, ctx.counts.get(resource, 0))

    roster = people.technicians(ctx, counts["technicians"], emails, domain); step("technicians")
    people.parts(ctx, counts["parts"]); step("parts")
    people.clients(ctx, counts["clients"], emails); step("clients")
    people.locations(ctx, counts["locations"], orphans); step("locations")
    people.contacts(ctx, counts["client_contacts"], emails, orphans); step("client_contacts")
    work.contracts(ctx, counts["contracts"]); step("contracts")
    work.assets(ctx, counts["assets"], orphans); step("assets")
    work.work_orders(ctx, counts["work_orders"], orphans); step("work_orders")
    work.projects(ctx); step("projects")
    work.tasks(ctx, counts["work_order_tasks"]); step("work_order_tasks")
    work.parts_used(ctx, counts["parts_used"], orphans); step("parts_used")
    work.invoices(ctx, counts["invoices"], orphans); step("invoices")
    content.notes(ctx, counts["notes"], orphans); step("notes")
    content.attachments(ctx, counts["attachments"], large_attachments); step("attachments")
    content.activities(ctx, counts["activities"]); step("activities")
    content.custom_tables(ctx, {k: v for k, v in counts.items() if k.startswith("custom_tables/")})
    admin.workflows(ctx, counts["workflows"]); step("workflows")
    admin.mobile_devices(ctx, counts["mobile_devices"]); step("mobile_devices")
    tomb_count = admin.tombstones(ctx, orphans, max(1, records // 500))
    invalid = {tech["id"] for tech in roster if not tech["valid_email"]}
    users = admin.salesforce_users(ctx, roster, invalid)
    (work_dir / "salesforce_users.json").write_bytes(orjson.dumps(users, option=orjson.OPT_INDENT_2) + b"\n")

    key_rng = derived_random(seed, "api-keys")
    config = TenantConfig(tenant_name, tz_name, (
        ApiKey(mint_key(key_rng), "migration", frozenset(Scope)),
        ApiKey(mint_key(key_rng), "reporting", frozenset({Scope.RECORDS_READ})),
    ), RateLimit(10.0, 20))
    (work_dir / "tenant.json").write_bytes(orjson.dumps(tenant_document(config), option=orjson.OPT_INDENT_2) + b"\n")

    written = {k: v for k, v in ctx.counts.items() if k != "projects_planned"}
    header = {"seed": seed, "records": records, "large_attachments": large_attachments,
              "rates": {str(k): v for k, v in rates.items()}, "counts": written, "tombstones": tomb_count,
              "tenant_time_zone": tz_name, "as_of": ctx.stamp(ctx.as_of_s)}
    log.finish(work_dir / "defects.json", header, custom_manifest(), {"technician_email_domain": domain})
    if out.exists():
        shutil.rmtree(out)
    work_dir.rename(out)
    return GenerationResult(out, sum(written.values()), seed, written, tomb_count,
                            {str(k): v for k, v in log.counts.items()}, time.perf_counter() - started)
