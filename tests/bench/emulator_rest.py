"""Benchmark of the org emulator over HTTPS (run on demand; prints figures, asserts nothing).

    python -m tests.bench.emulator_rest [--records N] [--state-dir DIR] [--keep]

Starts an org (built-in seed) in a temporary state folder, then:

1. inserts N Accounts through ``POST /composite/sobjects`` (200 per call, one keep-alive connection)
   and prints records/s;
2. pages ``SELECT Id, Name, Phone, Industry, NumberOfEmployees FROM Account`` through every
   ``nextRecordsUrl`` and prints rows/s;
3. prints the emulator process's resident memory (RSS) after each phase.

Targets on a 2-core machine: ≥ 3,000 records/s insert, ≥ 20,000 rows/s query paging, RSS ≤ 300 MB
with 1,000,000 stored records (``--records 1000000``; that run takes several minutes).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import orjson
import psutil
import requests

from tests.support.salesforce_org import client_env, start_org, stop_org

INDUSTRIES = ("Energy", "Retail", "Technology", "Utilities", None)


def _rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--state-dir", type=Path)
    parser.add_argument("--keep", action="store_true", help="leave the org's state folder in place")
    args = parser.parse_args()
    holder = None if args.state_dir else tempfile.TemporaryDirectory(prefix="emulator-bench-")
    state = args.state_dir or Path(holder.name)  # type: ignore[union-attr]
    org = start_org(state, "bench")
    os.environ.update(client_env(org))  # requests prefers REQUESTS_CA_BUNDLE over session.verify
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {org.access_token}", "Content-Type": "application/json"})
    base = f"{org.instance_url}/services/data/v62.0"
    try:
        print(f"emulator pid {org.pid}, RSS at start {_rss_mb(org.pid):.0f} MB")
        started = time.perf_counter()
        done = 0
        while done < args.records:
            size = min(200, args.records - done)
            records = [
                {
                    "attributes": {"type": "Account"},
                    "Name": f"Bench Account {done + i:07d}",
                    "Phone": f"555-{(done + i) % 10000:04d}",
                    "Industry": INDUSTRIES[(done + i) % len(INDUSTRIES)],
                    "NumberOfEmployees": (done + i) % 5000,
                }
                for i in range(size)
            ]
            reply = session.post(f"{base}/composite/sobjects", data=orjson.dumps({"allOrNone": True, "records": records}))
            reply.raise_for_status()
            if not all(r["success"] for r in orjson.loads(reply.content)):
                raise SystemExit(f"insert failed: {reply.text[:500]}")
            done += size
            if done % 50_000 == 0:
                rate = done / (time.perf_counter() - started)
                print(f"  … {done:,} inserted ({rate:,.0f} records/s, RSS {_rss_mb(org.pid):.0f} MB)", flush=True)
        insert_s = time.perf_counter() - started
        print(f"insert: {done:,} records in {insert_s:.1f} s = {done / insert_s:,.0f} records/s "
              f"(composite/sobjects, 200 per call)")
        print(f"RSS after insert: {_rss_mb(org.pid):.0f} MB")

        started = time.perf_counter()
        reply = session.get(f"{base}/query", params={"q": "SELECT Id, Name, Phone, Industry, NumberOfEmployees FROM Account"})
        reply.raise_for_status()
        page = orjson.loads(reply.content)
        rows = len(page["records"])
        total = page["totalSize"]
        while not page["done"]:
            reply = session.get(f"{org.instance_url}{page['nextRecordsUrl']}")
            reply.raise_for_status()
            page = orjson.loads(reply.content)
            rows += len(page["records"])
        query_s = time.perf_counter() - started
        print(f"query: {rows:,} of {total:,} rows in {query_s:.1f} s = {rows / query_s:,.0f} rows/s (2,000-row pages)")
        print(f"RSS after query: {_rss_mb(org.pid):.0f} MB")
        db = org.db_path
        print(f"org database on disk: {db.stat().st_size / 2**20:.0f} MB")
    finally:
        stop_org(org)
        if holder is not None and not args.keep:
            holder.cleanup()


if __name__ == "__main__":
    main()
