"""Benchmark: `st2sf migrate` end to end — records/s, API requests per 10,000 records, peak RSS.

    python tests/bench/migrate.py                         # 100,000 and 1,000,000 source records
    python tests/bench/migrate.py --records 100000        # one size

Per size: the tenant, staging and project of tests/bench/transform.py (prepared once under --work, reused),
then a **fresh** emulated org (its old state removed) seeded with the map's schema and the tenant's users,
`st2sf dataset build` and `st2sf plan` for it (timed and reported **separately**, not in the migrate
figures), and the real CLI (`python -m control.cli.app migrate --json`) in a child process that reports its
own peak RSS. Printed:

* migrate seconds and source records per second (source records of the tenant / migrate wall time; the
  dataset build is excluded and printed on its own line);
* API requests the migrate used (the org's ``/limits`` DailyApiRequests remaining, read before and after;
  the two reads are subtracted) per 10,000 source records, split into the files step's (the count the
  step keeps of the requests it sent, ``accounting.files.api_requests``: one upload per file, which no
  Bulk API carries) and the rest — the record steps, the run's describes and checks — which is set
  against the minimum a Bulk load of the same steps needs (per written step: create job, close job, one
  status poll, and per 10,000-row batch one upload and one result download — ``3 + 2·batches``);
* the child's peak RSS (target ≤ 1 GB for the control plane).

A second run of migrate over the loaded org is timed too (idempotent: it writes nothing).
Nothing is asserted: this prints figures. Figures measured on this machine are in docs/load.md (1,000,000:
migrate 545 s = 1,835 records/s, 36,185 API requests of which ~34,500 are the files step's one request per
file, peak RSS 216 MB).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.transform import _WRAPPER, _prepare, _run  # noqa: E402  (same tenant and project)


def _child(project: Path, env: dict[str, str], *args: str) -> tuple[dict, float, int, int]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, "-C", str(project), *args, "--json"],
                          cwd=ROOT, capture_output=True, env=env, text=True, timeout=14400)
    seconds = time.perf_counter() - started
    peak_kb = int(proc.stderr.rsplit("PEAK_RSS_KB=", 1)[1].split()[0]) if "PEAK_RSS_KB=" in proc.stderr else 0
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if not lines:
        raise SystemExit(f"{args[0]} failed ({proc.returncode}): {proc.stderr[-3000:]}")
    return json.loads(lines[-1]), seconds, peak_kb, proc.returncode


def _remaining(org) -> int:
    sf = org.simple_salesforce("63.0")
    return int(sf.restful("limits")["DailyApiRequests"]["Remaining"])


def _minimum_bulk(plan: dict) -> int:
    need = 0
    for step in plan["steps"]:
        if step["kind"] in ("load", "update") and step["rows"]:
            need += 3 + 2 * math.ceil(step["rows"] / 10_000)
    return need


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, action="append", help="source records (repeatable; default 100,000 "
                                                                      "and 1,000,000)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "st2sf-bench-transform")
    args = parser.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    from control.settings import load_settings
    from tests.support.salesforce_org import client_env, start_org, stop_org

    for records in args.records or [100_000, 1_000_000]:
        project = _prepare(work, records, args.seed)
        settings = load_settings(project, env={})
        # a new org name per run, so each measured org is plainly new (the CaseComment/Note steps trust earlier
        # runs only by Organization Id, which a re-created org changes, so a reused name would load them too)
        name = f"benchload{int(time.time())}"
        toml = re.sub(r'\n\[orgs\.benchload\d*\]\nkind = "emulator"\nsandbox = true\n', "",
                      (project / "st2sf.toml").read_text(encoding="utf-8"))
        toml += f'\n[orgs.{name}]\nkind = "emulator"\nsandbox = true\n'
        org = start_org(settings.state_dir, name, seed=project / "seed.yml")
        try:
            lines = [ln for ln in toml.splitlines() if not ln.startswith("fallback_owner")]
            toml = "\n".join(lines).replace('dataset = "bench"', f'dataset = "bench"\nfallback_owner = "{org.username}"')
            (project / "st2sf.toml").write_text(toml + "\n", encoding="utf-8")
            env = {k: v for k, v in os.environ.items() if not k.startswith("ST2SF_")} | client_env(org)
            os.environ.update(client_env(org))   # this script's own /limits reads trust the org's certificate
            started = time.perf_counter()
            _run(["-m", "control.cli.app", "-C", str(project), "dataset", "build", "--org", name, "--json"], env=env)
            build = time.perf_counter() - started
            started = time.perf_counter()
            plan = _run(["-m", "control.cli.app", "-C", str(project), "plan", "--org", name, "--json"], env=env)
            planned = time.perf_counter() - started
            print(f"{records:>9,} source records: dataset build {build:6.1f} s, plan {planned:5.1f} s (not in the "
                  f"figures below); plan: {plan['budget']['api_requests']['need']:,} API requests", flush=True)
            before = _remaining(org)
            result, seconds, peak_kb, code = _child(project, env, "migrate", "--org", name)
            after = _remaining(org)
            used = before - after - 1   # the second /limits read counts itself
            totals = result.get("accounting", {}).get("totals", {})
            files = int(result.get("accounting", {}).get("files", {}).get("api_requests", 0))
            minimum = _minimum_bulk(plan)
            print(f"{'':>9}  migrate {seconds:7.1f} s = {records / seconds:7,.0f} source records/s "
                  f"({totals.get('loaded', 0):,} loaded, {totals.get('failed', 0):,} failed, exit {code}); "
                  f"peak RSS {peak_kb / 1024:,.0f} MB", flush=True)
            print(f"{'':>9}  API requests {used:,} = {used * 10_000 / records:,.1f} per 10,000 records: files step "
                  f"{files:,} (its own count: one upload per file, which no Bulk API carries), record steps "
                  f"{used - files:,} = {(used - files) / minimum:.2f}× the Bulk minimum ({minimum:,})", flush=True)
            before = _remaining(org)
            again, seconds, peak_kb, code = _child(project, env, "migrate", "--org", name)
            used = before - _remaining(org) - 1
            written = sum(s["created"] + s["updated"] for s in again.get("accounting", {}).get("steps", []))
            files = int(again.get("accounting", {}).get("files", {}).get("api_requests", 0))
            print(f"{'':>9}  re-run  {seconds:7.1f} s, {written:,} rows written, API requests {used:,} (files step "
                  f"{files:,}), "
                  f"peak RSS {peak_kb / 1024:,.0f} MB (exit {code})", flush=True)
        finally:
            stop_org(org)
            shutil.rmtree(settings.state_dir / "orgs" / name, ignore_errors=True)


if __name__ == "__main__":
    main()
