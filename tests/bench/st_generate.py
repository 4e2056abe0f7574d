"""Benchmark: ServiceTracker tenant generation and sandbox page serving (run on demand; prints figures).

    python tests/bench/st_generate.py                 # 200,000 records
    python tests/bench/st_generate.py 200000 2000000  # both sizes

For each size: generation records/s and the generator's peak RSS; database build (index) time and
peak RSS; then a full extraction of every resource through the API at limit=1000 with no rate limit
— records/s and the server's RSS before and after (it must stay flat whatever the tenant size).
Everything runs as separate processes, like the real thing; the temporary folder is removed at the end.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[2]


class PeakRss:
    """Samples a process (and its children) every 50 ms; .peak in MB."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                rss = sum(p.memory_info().rss for p in [self.proc, *self.proc.children(recursive=True)])
                self.peak = max(self.peak, rss / 2**20)
            except psutil.Error:
                pass
            time.sleep(0.05)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def _run(args: list[str]) -> tuple[dict, float, float]:
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "emulators.servicetracker", *args, "--json"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    sampler = PeakRss(proc.pid)
    out, _ = proc.communicate()
    peak = sampler.stop()
    if proc.returncode:
        raise SystemExit(f"{args[0]} failed: {out}")
    return json.loads(out.strip().splitlines()[-1]), time.perf_counter() - started, peak


def bench(records: int, work: Path) -> None:
    tenant, state = work / f"tenant-{records}", work / "state"
    result, seconds, peak = _run(["generate", "--out", str(tenant), "--records", str(records), "--seed", "1",
                                  "--state-dir", str(state)])
    print(f"[{records:,}] generate: {result['records']:,} records in {seconds:.1f} s = "
          f"{result['records'] / seconds:,.0f} records/s; peak RSS {peak:.0f} MB; "
          f"disk {sum(p.stat().st_blocks * 512 for p in tenant.rglob('*') if p.is_file()) / 2**20:.0f} MB")
    name = f"bench{records}"
    info, seconds, peak = _run(["start", "--state-dir", str(state), "--name", name, "--fixture", str(tenant),
                                "--rate-limit", "0"])
    print(f"[{records:,}] index + start: {seconds:.1f} s; peak RSS of the build {peak:.0f} MB")
    server = psutil.Process(info["pid"])
    rss_before = server.memory_info().rss / 2**20
    total, requests = 0, 0
    started = time.perf_counter()
    with httpx.Client(base_url=info["base_url"], headers={"Authorization": f"Bearer {info['api_key']}"},
                      timeout=60) as client:
        counts = client.get("/tenant").json()["data"]["record_counts"]
        for resource in counts:
            cursor = None
            while True:
                params = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
                page = client.get(f"/{resource}", params=params).json()
                total += len(page["data"])
                requests += 1
                cursor = page["next_cursor"]
                if cursor is None:
                    break
    seconds = time.perf_counter() - started
    rss_after = server.memory_info().rss / 2**20
    print(f"[{records:,}] serve: {total:,} records in {requests:,} pages, {seconds:.1f} s = {total / seconds:,.0f} "
          f"records/s ({requests / seconds:,.0f} pages/s); server RSS {rss_before:.0f} MB -> {rss_after:.0f} MB")
    assert total == sum(counts.values()), (total, counts)
    _run(["stop", "--state-dir", str(state), "--name", name])


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [200_000]
    work = Path(tempfile.mkdtemp(prefix="st-bench-"))
    try:
        for size in sizes:
            bench(size, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
