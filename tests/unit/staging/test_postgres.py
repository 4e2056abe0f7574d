"""The staging store on a real PostgreSQL server: same rules, and the same digest as SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from control.staging import Checkpoint, PageCounts, PassStatus, StagingStore, Tombstone, staging_digest

pytestmark = pytest.mark.postgres


def _records() -> list[dict]:
    # ids whose byte order differs from a locale's collation order ("B" < "a" < "ä" by bytes)
    ids = ["a", "B", "ä", "a-1", "a_1", "Z9", "wo_0000010", "wo_0000002"]
    return [{"id": i, "created_at": "2024-01-01T00:00:00Z", "updated_at": f"2024-01-0{n % 9 + 1}T00:00:00+02:00",
             "custom_fields": {"Gate Code": f"#{n}"}, "name": f"n{n}"} for n, i in enumerate(ids)]


def test_postgres_staging_matches_sqlite(postgres_database: str, tmp_path: Path) -> None:
    pg = StagingStore.open(postgres_database)
    lite = StagingStore.open(f"sqlite:///{tmp_path / 'staging.db'}")
    for store in (pg, lite):
        cp = Checkpoint("clients", PassStatus.COMPLETE, None, None, "t", "t", 1, 8)
        assert store.write_page("clients", _records(), cp) == PageCounts(8, 0, 0, 0)
        assert store.write_page("clients", _records()[:3]) == PageCounts(0, 0, 3, 0)
        store.write_tombstones([Tombstone("clients", "Z9", "2024-02-01T00:00:00Z")])
        assert store.checkpoint("clients") == cp
    assert [r.source_id for r in pg.iter_records("clients", batch=3)] == \
        [r.source_id for r in lite.iter_records("clients", batch=3)] == sorted(i for i in
                                                                              ["a", "B", "ä", "a-1", "a_1", "wo_0000010", "wo_0000002"])
    assert staging_digest(pg) == staging_digest(lite)
    pg.close()
    lite.close()
