"""Benchmark: how long describe rendering takes, cold and memoised (run on demand, prints figures).

    python tests/bench/bench_catalog_describe.py [--calls N]

Figures: catalog build (first call in the process), first Account describe (renders every field),
memoised Account describe and describe JSON per call, and a global describe of the catalog.
"""

from __future__ import annotations

import argparse
import statistics
import time

from emulators.salesforce.catalog import (
    RecordTypeInfo,
    describe_global,
    describe_sobject,
    describe_sobject_json,
    standard_schemas,
)


def _per_call_us(fn, calls: int, repeats: int = 5) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    args = parser.parse_args()

    start = time.perf_counter()
    schemas = standard_schemas()
    build_ms = (time.perf_counter() - start) * 1e3
    account = schemas["Account"]
    rts = (RecordTypeInfo("012000000000001AAA", "Customer", "Customer", default=True),)

    start = time.perf_counter()
    describe_sobject(account, record_types=rts, api_version="62.0")
    cold_ms = (time.perf_counter() - start) * 1e3

    warm_dict = _per_call_us(lambda: describe_sobject(account, record_types=rts, api_version="62.0"), args.calls)
    warm_json = _per_call_us(lambda: describe_sobject_json(account, record_types=rts, api_version="62.0"), args.calls)
    describe_global(schemas.values())
    warm_global = _per_call_us(lambda: describe_global(schemas.values()), max(1, args.calls // 10))

    print(f"standard catalog build (cold): {build_ms:8.1f} ms   ({len(schemas)} objects)")
    print(f"Account describe, first call:  {cold_ms:8.2f} ms   ({len(account.fields)} fields)")
    print(f"Account describe, memoised:    {warm_dict:8.2f} µs per call")
    print(f"Account describe JSON, memo:   {warm_json:8.2f} µs per call")
    print(f"global describe, memoised:     {warm_global:8.2f} µs per call")


if __name__ == "__main__":
    main()
