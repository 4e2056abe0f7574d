"""Benchmark: `st2sf dataset build` — transform records/s and the build's peak RSS.

    python tests/bench/transform.py                         # 100,000 and 1,000,000 source records
    python tests/bench/transform.py --records 100000        # one size while developing
    python tests/bench/transform.py --records 100000 --plan # also time `st2sf plan`

Per size, prepared once under --work and reused: a generated tenant (the sandbox's generator), staged
through its export folder (`st2sf extract --export`), a project with the default map (approved) and an
emulated org seeded with that map's schema and the tenant's users. Then the real CLI (`python -m
control.cli.app dataset build --json`) runs in a child process and the script prints:

* source records per second of the build (the whole build: routing, checks, lookups, writing, settling,
  the mapping files and, under the SQL limit, the SQL script);
* the child's peak RSS (the target for the whole of a 1,000,000-record migration is ≤ 1 GB of control
  plane; the transform should stay flat, far below it);
* the dataset's counts (dataset / quarantined / skipped, rows).

Nothing is asserted: this prints figures. The org it starts is stopped at the end.

Figures on the 2-core development machine (shared with other work), default map, generator seed 11:

=============  ==============  ==================  ===============================================
records        build           peak RSS            result
=============  ==============  ==================  ===============================================
100,000        13 s (7,600/s)  134 MB              96,459 in the dataset, 3,162 quarantined, 110,388 rows
1,000,000      189 s (5,300/s) 159 MB              962,529 in the dataset, 34,732 quarantined, 1,101,140 rows
=============  ==============  ==================  ===============================================
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _run(args: list[str], env: dict[str, str] | None = None) -> dict:
    proc = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=14400, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[:4])} failed ({proc.returncode}): {proc.stdout[-1500:]} {proc.stderr[-3000:]}")
    return json.loads([line for line in proc.stdout.splitlines() if line.strip()][-1])


def _prepare(work: Path, records: int, seed: int) -> Path:
    from control.mapping.approval import approve_map
    from control.settings import load_settings
    from control.transform.inputs import load_expanded
    from tests.support.migration_org import write_seed

    tenant = work / f"tenant-{records}-{seed}"
    if not (tenant / "tenant.json").is_file():
        print(f"generating {records:,} records …", file=sys.stderr, flush=True)
        _run(["-m", "emulators.servicetracker", "generate", "--state-dir", str(work / "gen-state"), "--out",
              str(tenant), "--records", str(records), "--seed", str(seed), "--force", "--json"])
    project = work / f"project-{records}-{seed}"
    if not (project / "staged.ok").is_file():
        import shutil

        shutil.rmtree(project, ignore_errors=True)
        project.mkdir(parents=True)
        shutil.copytree(ROOT / "mapping", project / "mapping")
        (project / "st2sf.toml").write_text('[project]\nname = "bench"\nstate_dir = ".st2sf"\n[orgs.bench]\n'
                                            'kind = "emulator"\nsandbox = true\n[defaults]\norg = "bench"\n'
                                            'dataset = "bench"\n', encoding="utf-8")
        print(f"staging {records:,} records from the export folder …", file=sys.stderr, flush=True)
        _run(["-m", "control.cli.app", "-C", str(project), "extract", "--export", str(tenant), "--json"],
             env={k: v for k, v in os.environ.items() if not k.startswith("ST2SF_")})
        settings = load_settings(project, env={})
        approve_map(settings, project / "mapping", by="bench")
        expanded, _ = load_expanded(settings, project / "mapping")
        write_seed(project / "seed.yml", expanded, tenant / "salesforce_users.json")
        (project / "staged.ok").write_text("ok")
    return project


_WRAPPER = ("import resource, sys\nfrom control.cli.app import main\ncode = main(sys.argv[1:])\n"
            "print(f'PEAK_RSS_KB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}', file=sys.stderr)\n"
            "raise SystemExit(code)\n")


def _child_rss_build(project: Path, env: dict[str, str]) -> tuple[dict, float, int]:
    """Run the CLI build in a child that reports its own peak RSS."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, "-C", str(project), "dataset", "build", "--json"],
                          cwd=ROOT, capture_output=True, env=env, text=True, timeout=14400)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"build failed: {proc.stdout[-1500:]} {proc.stderr[-3000:]}")
    peak_kb = int(proc.stderr.rsplit("PEAK_RSS_KB=", 1)[1].split()[0])
    return json.loads([line for line in proc.stdout.splitlines() if line.strip()][-1]), seconds, peak_kb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, action="append", help="source records (repeatable; default 100,000 "
                                                                      "and 1,000,000)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--plan", action="store_true", help="also run `st2sf plan` and time it")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "st2sf-bench-transform")
    args = parser.parse_args()
    sizes = args.records or [100_000, 1_000_000]
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    from tests.support.salesforce_org import client_env, start_org, stop_org

    for records in sizes:
        project = _prepare(work, records, args.seed)
        from control.settings import load_settings

        settings = load_settings(project, env={})
        org = start_org(settings.state_dir, "bench", seed=project / "seed.yml")
        try:
            toml = (project / "st2sf.toml").read_text(encoding="utf-8")
            if "fallback_owner" not in toml:
                toml = toml.replace('dataset = "bench"', f'dataset = "bench"\nfallback_owner = "{org.username}"')
                (project / "st2sf.toml").write_text(toml, encoding="utf-8")
            env = {k: v for k, v in os.environ.items() if not k.startswith("ST2SF_")} | client_env(org)
            result, seconds, peak_kb = _child_rss_build(project, env)
            print(f"{records:>9,} source records: build {seconds:7.1f} s = {records / seconds:8,.0f} records/s, "
                  f"peak RSS {peak_kb / 1024:6.0f} MB; dataset {result['dataset']:,}, quarantined "
                  f"{result['quarantined']:,}, skipped {result['skipped']:,}, rows {result['rows']:,}, "
                  f"SQL script {'yes' if result['sql'] else 'no'}", flush=True)
            if args.plan:
                started = time.perf_counter()
                plan = _run(["-m", "control.cli.app", "-C", str(project), "plan", "--json"], env=env)
                print(f"{'':>9}  plan {time.perf_counter() - started:5.1f} s: {len(plan['steps'])} steps, estimated "
                      f"load {plan['seconds'] / 60:.1f} min, fits: {plan['fits']}", flush=True)
        finally:
            stop_org(org)


if __name__ == "__main__":
    main()
