"""Benchmark: `st2sf extract` against the sandbox — records/s against the rate limit, and peak RSS.

    python tests/bench/extract.py                      # 1,000,000 records (generated once, then reused)
    python tests/bench/extract.py --records 100000     # while developing
    python tests/bench/extract.py --rate-limit 20 --page-size 1000 --files

Generates a tenant with the sandbox's generator (kept under --work, reused when it exists), serves it with
the given rate limit, runs the real CLI (`python -m control.cli.app extract --json`) in a child process
against it, and prints:

* records/s of the extraction, and the ceiling the rate limit allows (requests/s × page size);
* the share of that ceiling reached (target ≥ 90 %), and the same against the ideal schedule
  (every request the run needed, sent at exactly the rate after the first burst);
* the child's peak RSS (target ≤ 250 MB whatever the volume).

Nothing is asserted: this prints figures. The sandbox it starts is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _sandbox(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "emulators.servicetracker", *args, "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=7200)
    if proc.returncode != 0:
        raise SystemExit(f"sandbox {args[0]} failed: {proc.stderr[-2000:]}")
    return json.loads([line for line in proc.stdout.splitlines() if line.strip()][-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rate-limit", type=float, default=10.0, help="sandbox requests/s (default 10)")
    parser.add_argument("--burst", type=int, default=20)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--files", action="store_true", help="also download attachment bodies")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "st2sf-bench-extract")
    args = parser.parse_args()

    work = args.work.resolve()
    tenant = work / f"tenant-{args.records}-{args.seed}"
    if not (tenant / "tenant.json").is_file():
        print(f"generating {args.records:,} records into {tenant} …", file=sys.stderr, flush=True)
        _sandbox("generate", "--state-dir", str(work / "state"), "--out", str(tenant), "--records", str(args.records),
                 "--seed", str(args.seed), "--force")
    name = f"bench{os.getpid()}"
    box = _sandbox("start", "--state-dir", str(work / "state"), "--name", name, "--fixture", str(tenant),
                   "--rate-limit", str(args.rate_limit), "--burst", str(args.burst), "--timeout", "3600")
    project = Path(tempfile.mkdtemp(prefix="project-", dir=work))
    (project / "st2sf.toml").write_text(
        f'[project]\nname = "bench"\n[source]\nbase_url = "{box["base_url"]}"\npage_size = {args.page_size}\n'
        f"max_concurrency = {args.concurrency}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ST2SF_")}
    env.update(ST2SF_PROJECT=str(project), ST2SF_SERVICETRACKER_API_KEY=box["api_key"])
    try:
        time.sleep(1.0 + args.burst / max(args.rate_limit, 1))  # let the bucket refill after start-up probes
        started = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "control.cli.app", "extract", "--json",
                               *([] if args.files else ["--no-files"])], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=7200)
        wall = time.monotonic() - started
        peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    finally:
        _sandbox("stop", "--state-dir", str(work / "state"), "--name", name)
    if proc.returncode != 0:
        raise SystemExit(f"extract failed ({proc.returncode}): {proc.stderr[-3000:]}")
    result = json.loads(proc.stdout)
    records = sum(f["fetched"] for f in result["feeds"] if f["feed"] != "deleted_records")
    requests = result["requests"]["requests"]
    ceiling = args.rate_limit * args.page_size
    ideal = max(0.0, (requests - args.burst) / args.rate_limit)
    own = result["elapsed_seconds"]
    print(f"records             {records:,} ({requests:,} requests, {result['requests']['rate_limited']} answered 429)")
    print(f"rate limit          {args.rate_limit:g} requests/s × {args.page_size} per page = {ceiling:,.0f} records/s ceiling")
    print(f"extract (in-run)    {records / own:,.0f} records/s over {own:.1f} s = {records / own / ceiling:.1%} of the ceiling")
    print(f"extract (process)   {records / wall:,.0f} records/s over {wall:.1f} s = {records / wall / ceiling:.1%} of the ceiling")
    print(f"ideal schedule      {ideal:.1f} s for those requests → run at {ideal / own:.1%} of it")
    print(f"peak RSS            {peak_rss_mb:,.0f} MB")


if __name__ == "__main__":
    main()
