"""Benchmark of the SOQL engine alone over the in-memory test org (run on demand, prints figures).

    python -m tests.bench.soql_engine [rows]      (default 100,000 Accounts)

Prints rows/s for paging through every row of: a simple field list, a WHERE on a text field, an
ORDER BY, and a parent path; then the peak memory while opening a 100,000-row ORDER BY cursor and
the memory that cursor keeps while open. Target: ≥ 50,000 rows/s for the simple select.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from datetime import datetime, timezone

from emulators.salesforce.soql import QueryEngine
from tests.unit.emulators.salesforce.soql.memory_org import MemoryRecords, sample_schemas

QUERIES = {
    "simple select": "SELECT Id, Name, Industry, AnnualRevenue, NumberOfEmployees FROM Account",
    "WHERE on text": "SELECT Id, Name, Industry FROM Account WHERE Industry = 'technology'",
    "ORDER BY": "SELECT Id, Name FROM Account ORDER BY Name DESC",
    "parent path": "SELECT Id, Name, Owner.Name, Owner.Manager.Name FROM Account",
}


def build(rows: int) -> tuple[QueryEngine, MemoryRecords]:
    schemas = sample_schemas()
    records = MemoryRecords(schemas)
    boss = records.add("User", Name="Boss", IsActive=True)
    users = [records.add("User", Name=f"User {k}", IsActive=True, ManagerId=boss) for k in range(50)]
    industries = ("Technology", "Finance", "Retail", None)
    for n in range(rows):
        records.add(
            "Account",
            Name=f"Account {(n * 7919) % rows:07d}",
            Industry=industries[n % 4],
            AnnualRevenue=n * 10.5,
            NumberOfEmployees=n % 1000,
            OwnerId=users[n % len(users)],
        )
    engine = QueryEngine(schemas, records, clock=lambda: datetime(2024, 2, 15, tzinfo=timezone.utc))
    return engine, records


def drain(engine: QueryEngine, text: str) -> int:
    page = engine.open(text)
    count = len(page.records)
    while page.next_locator is not None:
        page = engine.next_page(page.next_locator)
        count += len(page.records)
    return count


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    engine, _ = build(rows)
    print(f"SOQL engine benchmark over {rows:,} Accounts (in-memory provider)")
    for label, text in QUERIES.items():
        start = time.perf_counter()
        count = drain(engine, text)
        elapsed = time.perf_counter() - start
        print(f"  {label:<14} {count:>8,} rows  {elapsed:6.2f} s  {count / elapsed:>10,.0f} rows/s")
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    page = engine.open(QUERIES["ORDER BY"])
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  ORDER BY cursor over {page.total_size:,} rows: peak {(peak - before) / 2**20:.1f} MiB while opening, "
          f"{(current - before) / 2**20:.1f} MiB held after the first page (incl. the page itself)")


if __name__ == "__main__":
    main()
