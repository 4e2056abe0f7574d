"""The run's working database: ``<run_folder>/load.db`` (SQLite), what CumulusCI's LoadData reads.

It holds CumulusCI's id table (``cumulusci_id_table``: local id → Salesforce Id of every row that is in
the org, found or written), copies of the dataset's record-type tables, and — per write — a copy of one
step's table holding only the rows to write. The dataset database is attached read-only (``ds``) and never
written. Ids are looked up in batches; nothing holds a whole object in memory.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from control.load.cci_runner import ID_TABLE

__all__ = ["WorkDb", "chunks"]

_BATCH = 500


def chunks(items: Sequence[str], size: int = _BATCH) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class WorkDb:
    def __init__(self, path: Path, dataset_db: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(str(path), isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("ATTACH DATABASE ? AS ds", (f"file:{dataset_db.resolve()}?mode=ro",))
        self.conn.execute(f"CREATE TABLE IF NOT EXISTS {ID_TABLE} (id VARCHAR(255) PRIMARY KEY, sf_id VARCHAR(18))")
        for (name, sql) in self.conn.execute(
                "SELECT name, sql FROM ds.sqlite_master WHERE type = 'table' AND name LIKE '%_rt_mapping'").fetchall():
            if not self._exists(name):
                self.conn.execute(sql)
                self.conn.execute(f"INSERT INTO main.{_q(name)} SELECT * FROM ds.{_q(name)}")

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path.resolve()}"

    def close(self) -> None:
        self.conn.close()

    def _exists(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?",
                                 (name,)).fetchone() is not None

    # ── ids ──────────────────────────────────────────────────────────────────────────
    def put_ids(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.conn.execute("BEGIN")
        self.conn.executemany(f"INSERT OR REPLACE INTO {ID_TABLE} (id, sf_id) VALUES (?, ?)", pairs)
        self.conn.execute("COMMIT")

    def drop_ids(self, local_ids: Sequence[str]) -> None:
        for part in chunks(local_ids):
            self.conn.execute(f"DELETE FROM {ID_TABLE} WHERE id IN ({','.join('?' * len(part))})", tuple(part))

    def ids(self, local_ids: Iterable[str]) -> dict[str, str]:
        wanted = sorted({i for i in local_ids if i})
        out: dict[str, str] = {}
        for part in chunks(wanted):
            out.update(self.conn.execute(f"SELECT id, sf_id FROM {ID_TABLE} WHERE id IN ({','.join('?' * len(part))})",
                                         tuple(part)).fetchall())
        return out

    def known_count(self, prefix: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {ID_TABLE} WHERE id >= ? AND id < ?",
                                 (prefix + "-", prefix + ".")).fetchone()[0]

    # ── dataset rows ─────────────────────────────────────────────────────────────────
    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.conn.execute(f"PRAGMA ds.table_info({_q(table)})")]

    def rows(self, table: str, *, where: str = "", batch: int = 2000) -> Iterator[list[sqlite3.Row]]:
        cur = self.conn.cursor()
        cur.row_factory = sqlite3.Row
        cur.execute(f"SELECT * FROM ds.{_q(table)} {where} ORDER BY id")
        while True:
            part = cur.fetchmany(batch)
            if not part:
                return
            yield part

    def stage(self, table: str, local_ids: Iterable[str]) -> int:
        """Replace the working copy of ``table`` by the dataset rows named (in the dataset's order)."""
        sql = self.conn.execute("SELECT sql FROM ds.sqlite_master WHERE type = 'table' AND name = ?",
                                (table,)).fetchone()[0]
        self.conn.execute("BEGIN")
        # CumulusCI makes <SObject>_rt_target_mapping on every run that loads record types; drop its last one
        for (name,) in self.conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table' AND "
                                         "name LIKE '%_rt_target_mapping'").fetchall():
            self.conn.execute(f"DROP TABLE main.{_q(name)}")
        self.conn.execute(f"DROP TABLE IF EXISTS main.{_q(table)}")
        self.conn.execute("DROP TABLE IF EXISTS temp.st2sf_pick")
        self.conn.execute(sql)
        self.conn.execute("CREATE TEMP TABLE st2sf_pick (id TEXT PRIMARY KEY)")
        self.conn.executemany("INSERT OR IGNORE INTO temp.st2sf_pick VALUES (?)", ((i,) for i in local_ids))
        self.conn.execute(f"INSERT INTO main.{_q(table)} SELECT * FROM ds.{_q(table)} "
                          f"WHERE id IN (SELECT id FROM temp.st2sf_pick) ORDER BY id")
        count = self.conn.execute(f"SELECT count(*) FROM main.{_q(table)}").fetchone()[0]
        self.conn.execute("COMMIT")
        return count

    def landed_counts(self) -> dict[str, dict[str, int]]:
        """Per resource: primary rows in the org (``loaded``) — joined through the id table."""
        out: dict[str, dict[str, int]] = {}
        query = (f"SELECT l.resource, count(DISTINCT l.source_id) FROM ds.st2sf_landed l JOIN {ID_TABLE} i "
                 f"ON i.id = l.local_id WHERE l.status = 'dataset' GROUP BY l.resource")
        for resource, n in self.conn.execute(query):
            out.setdefault(resource, {})["loaded"] = n
        return out

    def resources_of(self, local_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """local id → (resource, source id) of the source records whose primary row it is."""
        out: dict[str, tuple[str, str]] = {}
        for part in chunks(list(local_ids)):
            for local_id, resource, source_id in self.conn.execute(
                    f"SELECT local_id, resource, source_id FROM ds.st2sf_landed WHERE status = 'dataset' AND "
                    f"local_id IN ({','.join('?' * len(part))})", tuple(part)):
                out.setdefault(local_id, (resource, source_id))
        return out

    def keys_to_local(self, sobject: str, keys: Sequence[str]) -> dict[str, str]:
        """External Id value (case-folded) → local id, as the build claimed them."""
        out: dict[str, str] = {}
        for part in chunks(list({k.casefold() for k in keys})):
            out.update(self.conn.execute(
                f"SELECT key, local_id FROM ds.st2sf_keys WHERE sobject = ? AND key IN ({','.join('?' * len(part))})",
                (sobject, *part)).fetchall())
        return out
