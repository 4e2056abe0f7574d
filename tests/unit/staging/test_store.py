"""The staging store: upsert by instant, checkpoints in the page's transaction, tombstones, the digest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from control.staging import (
    Checkpoint, FileRecord, FileStatus, PageCounts, PassStatus, StagingStore, Tombstone, TombstoneCounts,
    staging_digest,
)
from control.staging.store import DuplicateIdError


def rec(i: int | str, updated: str = "2024-03-10T14:05:00-05:00", **fields: object) -> dict:
    return {"id": f"cl_{i}" if isinstance(i, int) else i, "created_at": "2024-01-01T00:00:00Z", "updated_at": updated,
            "custom_fields": {}, "name": f"Client {i}", **fields}


@pytest.fixture
def store(tmp_path: Path):
    s = StagingStore.open(f"sqlite:///{tmp_path / 'staging.db'}")
    yield s
    s.close()


def test_upsert_keeps_the_latest_instant_not_the_latest_string(store: StagingStore) -> None:
    assert store.write_page("clients", [rec(1, "2024-03-10T14:05:00-05:00", name="old")]) == PageCounts(1, 0, 0, 0)
    # 19:05Z is the same instant as 14:05-05:00; "2024-03-10T20:00:00+01:00" is *earlier* (19:00Z) though it sorts later
    assert store.write_page("clients", [rec(1, "2024-03-10T20:00:00+01:00", name="stale")]) == PageCounts(0, 0, 1, 0)
    assert store.get("clients", "cl_1").payload["name"] == "old"
    assert store.write_page("clients", [rec(1, "2024-03-10T19:06:00Z", name="new")]) == PageCounts(0, 1, 0, 0)
    assert store.get("clients", "cl_1").payload["name"] == "new"
    assert store.write_page("clients", [rec(1, "2024-03-10T19:06:00Z", name="new")]) == PageCounts(0, 0, 1, 0)


def test_a_page_and_its_checkpoint_commit_together(store: StagingStore) -> None:
    cp = Checkpoint("clients", PassStatus.RUNNING, None, "cursor-2", "2024-06-03T17:00:02.311027Z", None, 1, 2)
    store.write_page("clients", [rec(1), rec(2)], cp)
    assert store.checkpoint("clients") == cp
    bad = [rec(3), {"id": "cl_4", "updated_at": "not a date"}]
    with pytest.raises(ValueError, match="updated_at"):
        store.write_page("clients", bad, cp._replace(cursor="cursor-3"))
    assert store.checkpoint("clients").cursor == "cursor-2"  # nothing of the bad page, nor its checkpoint
    assert store.counts() == {"clients": 2}


def test_tombstones_delete_and_refuse_the_id_for_ever(store: StagingStore) -> None:
    store.write_page("work_orders", [rec("wo_1"), rec("wo_2")])
    got = store.write_tombstones([Tombstone("work_orders", "wo_1", "2024-05-01T00:00:00Z"),
                                  Tombstone("work_orders", "wo_9", "2024-05-01T00:00:00Z")])
    assert got == TombstoneCounts(recorded=2, deleted=1)
    assert store.write_tombstones([Tombstone("work_orders", "wo_1", "2024-05-01T00:00:00Z")]) == TombstoneCounts(0, 0)
    assert store.write_page("work_orders", [rec("wo_1", "2025-01-01T00:00:00Z")]) == PageCounts(0, 0, 0, 1)
    assert store.existing_ids("work_orders", ["wo_1", "wo_2", "wo_9"]) == {"wo_2"}
    assert store.tombstoned_ids("work_orders", ["wo_1", "wo_2"]) == {"wo_1": "2024-05-01T00:00:00Z"}


def test_iter_records_streams_in_id_order_across_batches(store: StagingStore) -> None:
    store.write_page("clients", [rec(f"id{n:04d}") for n in reversed(range(2500))])
    ids = [r.source_id for r in store.iter_records("clients", batch=300)]
    assert ids == [f"id{n:04d}" for n in range(2500)]


def test_digest_ignores_how_the_content_got_there(tmp_path: Path) -> None:
    one = StagingStore.open(f"sqlite:///{tmp_path / 'a.db'}")
    two = StagingStore.open(f"sqlite:///{tmp_path / 'b.db'}")
    records = [rec(n) for n in range(50)]
    one.write_page("clients", records, Checkpoint("clients", PassStatus.COMPLETE, None, None, "t", "t", 1, 50))
    for chunk in (records[30:], records[:10], records[10:30], records[:5]):  # other order, other pages, replays
        two.write_page("clients", chunk)
    for s in (one, two):
        s.write_tombstones([Tombstone("clients", "cl_99", "2024-05-01T00:00:00Z")])
        s.record_file(FileRecord("at_1", "a" * 64, 3, FileStatus.STORED, "a" * 64, 3))
    assert staging_digest(one) == staging_digest(two)
    two.write_page("clients", [rec(7, "2030-01-01T00:00:00Z", name="changed")])
    assert staging_digest(one).digest != staging_digest(two).digest
    assert staging_digest(one).per_resource["clients"] != staging_digest(two).per_resource["clients"]


def test_export_ids_refuse_a_repeated_id_and_write_nothing(store: StagingStore) -> None:
    store.write_page("clients", [rec(1), rec(2)], unique_in=("export:clients", [2, 3]))
    with pytest.raises(DuplicateIdError) as caught:
        store.write_page("clients", [rec(3), rec(1)], unique_in=("export:clients", [4, 5]))
    assert (caught.value.source_id, caught.value.first_line, caught.value.line) == ("cl_1", 2, 5)
    assert store.counts() == {"clients": 2}
    with pytest.raises(DuplicateIdError):
        store.write_page("clients", [rec(5), rec(5)], unique_in=("export:clients", [6, 7]))


_WRITER = textwrap.dedent(
    """
    import sys
    from control.staging import StagingStore, Checkpoint, PassStatus
    store = StagingStore.open(sys.argv[1])
    print("ready", flush=True)
    page = 0
    while True:
        records = [{"id": f"r{page:05d}-{i:03d}", "created_at": "2024-01-01T00:00:00Z",
                    "updated_at": "2024-01-01T00:00:00Z", "custom_fields": {}, "n": i} for i in range(500)]
        page += 1
        store.write_page("clients", records, Checkpoint("clients", PassStatus.RUNNING, None, f"c{page}", "t", None,
                                                         page, page * 500))
    """
)


def test_kill9_mid_write_leaves_the_checkpoint_exactly_at_the_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'staging.db'}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, url], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    import time

    time.sleep(0.8)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    store = StagingStore.open(url)
    cp = store.checkpoint("clients")
    assert cp is not None and cp.pages > 0
    assert store.counts()["clients"] == cp.records == cp.pages * 500
    assert cp.cursor == f"c{cp.pages}"
    store.close()


def test_an_empty_last_page_still_saves_its_checkpoint(store: StagingStore) -> None:
    cp = Checkpoint("export:clients", PassStatus.COMPLETE, "12:34", '{"rows": 0}', None, None, 1, 0)
    assert store.write_page("clients", [], cp, unique_in=("export:clients", [])) == PageCounts()
    assert store.checkpoint("export:clients") == cp
