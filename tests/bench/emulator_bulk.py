"""Bulk API (v1) insert throughput through CumulusCI, and the emulator's memory while it loads.

    python -m tests.bench.emulator_bulk [rows ...]      (default: 100000 1000000)

For each size: a fresh emulated org in a temporary folder, a CumulusCI dataset (SQLite) of that
many Accounts written row by row, then CumulusCI's ``LoadData`` with ``api: bulk`` (10,000-row
batches, CSV, Parallel) in this process. Prints records/s for the load (wall clock, CumulusCI and
emulator together on this machine) and the emulator process's peak resident memory, sampled
every 0.2 s from /proc. Targets: ≥ 5,000 records/s sustained; emulator RSS ≤ 400 MB at 1,000,000.

Measured on the 2-core development machine (CumulusCI and the emulator sharing it)::

      100,000 Accounts: load   8.0 s = 12,544 records/s | emulator peak RSS 107.2 MB
    1,000,000 Accounts: load  71.5 s = 13,995 records/s | emulator peak RSS 107.9 MB
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.support.cumulusci_project import make_project, run_task
from tests.support.salesforce_org import client_env, start_org, stop_org

MAPPING = """\
Accounts:
    sf_object: Account
    api: bulk
    fields:
        - Name
        - Phone
        - Industry
        - NumberOfEmployees
        - BillingCity
"""
INDUSTRIES = ("Technology", "Finance", "Retail", "Energy", "Healthcare")


def _dataset(path: Path, rows: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute('CREATE TABLE "Account" (id VARCHAR(255) PRIMARY KEY, "Name" VARCHAR(255), "Phone" VARCHAR(255), '
                 '"Industry" VARCHAR(255), "NumberOfEmployees" VARCHAR(255), "BillingCity" VARCHAR(255))')
    chunk = 50_000
    for start in range(0, rows, chunk):
        conn.executemany(
            'INSERT INTO "Account" VALUES (?, ?, ?, ?, ?, ?)',
            ((str(i), f"Bench Client {i:07d}", f"555-{i % 10000:04d}", INDUSTRIES[i % 5], str(i % 900), "Leeds")
             for i in range(start + 1, min(rows, start + chunk) + 1)),
        )
    conn.commit()
    conn.close()


class _RssSampler:
    """Peak VmRSS of a process, sampled from /proc in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))
            except OSError:
                return
            self._stop.wait(0.2)

    def __enter__(self) -> "_RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run(rows: int) -> None:
    import os

    with tempfile.TemporaryDirectory(prefix="st2sf-bench-") as tmp:
        folder = Path(tmp)
        project = make_project(folder / "project", name="bench")
        (project / "mapping.yml").write_text(MAPPING)
        started = time.perf_counter()
        _dataset(project / "dataset.db", rows)
        prepared = time.perf_counter() - started
        org = start_org(folder / "state", "bench")
        saved = {k: os.environ.get(k) for k in client_env(org)}
        os.environ.update(client_env(org))
        try:
            with _RssSampler(org.pid) as rss:
                started = time.perf_counter()
                run_task(__import__("cumulusci.tasks.bulkdata", fromlist=["LoadData"]).LoadData, project, org, {
                    "database_url": f"sqlite:///{project / 'dataset.db'}",
                    "mapping": str(project / "mapping.yml"),
                    "set_recently_viewed": False,
                })
                elapsed = time.perf_counter() - started
            loaded = org.simple_salesforce().query("SELECT COUNT() FROM Account WHERE Name LIKE 'Bench Client %'")
        finally:
            stop_org(org)
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        assert loaded["totalSize"] == rows, f"only {loaded['totalSize']} of {rows} rows arrived"
        print(f"{rows:>9,} Accounts: dataset {prepared:5.1f} s | load {elapsed:6.1f} s = {rows / elapsed:8,.0f} records/s "
              f"| emulator peak RSS {rss.peak_kb / 1024:6.1f} MB", flush=True)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING)
    sizes = [int(a.replace("_", "").replace(",", "")) for a in argv] or [100_000, 1_000_000]
    for rows in sizes:
        run(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
