"""The dataset database: one SQLite file CumulusCI reads (``database_url``) and st2sf's own indexes.

Tables::

    <step>                  one per load step (a route, or a fixed record): ``id`` (the local id,
                            ``<step>-<source key>``) then one TEXT column per target field; lookup
                            columns hold the local id of the referenced row, which CumulusCI resolves
                            through its id table, or an existing record's Salesforce Id
    <SObject>_rt_mapping    record types by DeveloperName (``record_type_id`` = DeveloperName), the
                            source side of CumulusCI's record type join
    st2sf_landed            per source record: the route it took, its status (dataset | quarantined |
                            skipped | matched), the local id of its row (or the matched record's Id)
    st2sf_keys              external Id values per sObject (case-folded): a second record with the
                            same key is a duplicate and is quarantined
    st2sf_siblings          how many records of a resource share a value (``siblings:`` conditions)

Everything is written with the stdlib ``sqlite3`` module in batches (one transaction per batch) into a
file built beside the final one and renamed into place when the build completes, so a crashed build
never leaves a half-written dataset where a load would read it. Reads are batched ``IN (…)`` queries:
memory stays flat however many records the dataset holds.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterable, Iterator, Mapping, NamedTuple, Sequence

__all__ = ["DatasetStore", "Landed", "LandedStatus", "INDEX_TABLES"]

_CHUNK = 500
INDEX_TABLES = ("st2sf_landed", "st2sf_keys", "st2sf_siblings")


class LandedStatus:
    DATASET = "dataset"
    QUARANTINED = "quarantined"
    SKIPPED = "skipped"
    MATCHED = "matched"


class Landed(NamedTuple):
    route: str | None
    status: str
    local_id: str | None
    note: str | None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


class DatasetStore:
    """A dataset database being built (``building``) or read."""

    def __init__(self, path: Path, *, fresh: bool = False) -> None:
        self.path = path
        if fresh and path.exists():
            path.unlink()
        self._conn = sqlite3.connect(str(path), isolation_level=None)
        self._conn.execute("PRAGMA synchronous=OFF" if fresh else "PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA journal_mode=MEMORY" if fresh else "PRAGMA journal_mode=DELETE")
        self._conn.execute("PRAGMA cache_size=-16000")  # 16 MB page cache
        self._columns: dict[str, tuple[str, ...]] = {}
        if fresh:
            self._conn.executescript(
                "CREATE TABLE st2sf_landed (resource TEXT NOT NULL, source_id TEXT NOT NULL, route TEXT, "
                "status TEXT NOT NULL, local_id TEXT, note TEXT, PRIMARY KEY (resource, source_id)) WITHOUT ROWID;"
                "CREATE TABLE st2sf_keys (sobject TEXT NOT NULL, key TEXT NOT NULL, local_id TEXT NOT NULL, "
                "PRIMARY KEY (sobject, key)) WITHOUT ROWID;"
                "CREATE TABLE st2sf_siblings (resource TEXT NOT NULL, by_field TEXT NOT NULL, value TEXT NOT NULL, "
                "n INTEGER NOT NULL, PRIMARY KEY (resource, by_field, value)) WITHOUT ROWID;")

    def close(self) -> None:
        self._conn.close()

    # ── step tables ─────────────────────────────────────────────────────────────────────
    def create_table(self, table: str, columns: Sequence[str]) -> None:
        cols = ", ".join(f"{_quote(c)} TEXT" for c in columns)
        self._conn.execute(f"CREATE TABLE {_quote(table)} (id TEXT PRIMARY KEY NOT NULL{', ' + cols if cols else ''})")
        self._columns[table] = tuple(columns)

    def columns(self, table: str) -> tuple[str, ...]:
        if table not in self._columns:
            info = self._conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
            self._columns[table] = tuple(row[1] for row in info if row[1] != "id")
        return self._columns[table]

    def insert_rows(self, table: str, rows: Sequence[Mapping[str, str | None]]) -> None:
        if not rows:
            return
        columns = self.columns(table)
        sql = (f"INSERT INTO {_quote(table)} (id{''.join(', ' + _quote(c) for c in columns)}) "
               f"VALUES (?{', ?' * len(columns)})")
        self._conn.executemany(sql, [(row["id"], *(row.get(c) for c in columns)) for row in rows])

    def update_rows(self, table: str, updates: Sequence[tuple[str, Mapping[str, str | None]]]) -> None:
        """Set the given columns on rows by local id (merge routes)."""
        for local_id, values in updates:
            if not values:
                continue
            sets = ", ".join(f"{_quote(c)} = ?" for c in values)
            self._conn.execute(f"UPDATE {_quote(table)} SET {sets} WHERE id = ?", (*values.values(), local_id))

    def existing(self, table: str, ids: Iterable[str]) -> set[str]:
        wanted = sorted(set(ids))
        found: set[str] = set()
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self._conn.execute(
                f"SELECT id FROM {_quote(table)} WHERE id IN ({marks})", list(chunk)))
        return found

    def count(self, table: str) -> int:
        return int(self._conn.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0])

    def delete_rows(self, table: str, ids: Sequence[str]) -> None:
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            self._conn.execute(f"DELETE FROM {_quote(table)} WHERE id IN ({marks})", list(chunk))

    def dangling(self, table: str, column: str, targets: Sequence[str]) -> list[tuple[str, str]]:
        """``(id, value)`` of rows whose ``column`` names a local id none of ``targets`` holds.

        Values that are Salesforce Ids of existing records (15/18 letters and digits, no ``-``) are not
        local ids and are left alone."""
        union = " UNION ALL ".join(f"SELECT id FROM {_quote(t)}" for t in targets) or "SELECT NULL WHERE 0"
        sql = (f"SELECT id, {_quote(column)} FROM {_quote(table)} WHERE {_quote(column)} IS NOT NULL "
               f"AND instr({_quote(column)}, '-') > 0 AND {_quote(column)} NOT IN ({union})")
        return [(r[0], r[1]) for r in self._conn.execute(sql)]

    def set_column(self, table: str, column: str, ids: Sequence[str], value: str | None) -> None:
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            self._conn.execute(f"UPDATE {_quote(table)} SET {_quote(column)} = ? WHERE id IN ({marks})",
                               [value, *chunk])

    def iter_rows(self, table: str, columns: Sequence[str], *, batch: int = 2000) -> Iterator[tuple]:
        cursor = self._conn.execute(f"SELECT id{''.join(', ' + _quote(c) for c in columns)} FROM {_quote(table)} "
                                    "ORDER BY id")
        while True:
            rows = cursor.fetchmany(batch)
            if not rows:
                return
            yield from rows

    def create_record_types(self, sobject: str, developer_names: Iterable[str]) -> str:
        table = f"{sobject}_rt_mapping"
        self._conn.execute(f"CREATE TABLE {_quote(table)} (record_type_id TEXT PRIMARY KEY NOT NULL, "
                           "developer_name TEXT)")
        self._conn.executemany(f"INSERT INTO {_quote(table)} VALUES (?, ?)", [(n, n) for n in sorted(developer_names)])
        return table

    # ── indexes ─────────────────────────────────────────────────────────────────────────
    def record_landed(self, rows: Sequence[tuple[str, str, str | None, str, str | None, str | None]]) -> None:
        """``(resource, source_id, route, status, local_id, note)`` rows (a later write wins)."""
        self._conn.executemany("INSERT OR REPLACE INTO st2sf_landed VALUES (?, ?, ?, ?, ?, ?)", rows)

    def landed(self, resource: str, ids: Iterable[str]) -> dict[str, Landed]:
        wanted = sorted({i for i in ids if isinstance(i, str)})
        found: dict[str, Landed] = {}
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            for sid, route, status, local_id, note in self._conn.execute(
                    f"SELECT source_id, route, status, local_id, note FROM st2sf_landed WHERE resource = ? "
                    f"AND source_id IN ({marks})", [resource, *chunk]):
                found[sid] = Landed(route, status, local_id, note)
        return found

    def landed_by_local_id(self, local_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """``local_id → (resource, source_id)`` for rows of primary routes."""
        found: dict[str, tuple[str, str]] = {}
        for chunk in _chunks(list(local_ids)):
            marks = ",".join("?" * len(chunk))
            for resource, sid, local_id in self._conn.execute(
                    f"SELECT resource, source_id, local_id FROM st2sf_landed WHERE status = 'dataset' "
                    f"AND local_id IN ({marks})", list(chunk)):
                found[local_id] = (resource, sid)
        return found

    def status_counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for resource, status, n in self._conn.execute(
                "SELECT resource, status, count(*) FROM st2sf_landed GROUP BY resource, status"):
            out.setdefault(resource, {})[status] = n
        return out

    def note_counts(self, status: str) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for resource, note, n in self._conn.execute(
                "SELECT resource, coalesce(note, ''), count(*) FROM st2sf_landed WHERE status = ? "
                "GROUP BY resource, note", (status,)):
            out.setdefault(resource, {})[note] = n
        return out

    def claim_keys(self, sobject: str, keys: Sequence[tuple[str, str]]) -> dict[str, str]:
        """Claim ``(key, local_id)`` pairs; returns ``{local_id: holder local id}`` for keys already taken
        (by an earlier record, or earlier in ``keys``). Keys compare case-insensitively, as Salesforce's
        unique external Ids do."""
        taken: dict[str, str] = {}
        folded = [(k.casefold(), lid) for k, lid in keys]
        existing: dict[str, str] = {}
        for chunk in _chunks(sorted({k for k, _ in folded})):
            marks = ",".join("?" * len(chunk))
            existing.update(self._conn.execute(
                f"SELECT key, local_id FROM st2sf_keys WHERE sobject = ? AND key IN ({marks})", [sobject, *chunk]))
        fresh: list[tuple[str, str, str]] = []
        for key, lid in folded:
            holder = existing.get(key)
            if holder is not None and holder != lid:
                taken[lid] = holder
                continue
            if holder is None:
                existing[key] = lid
                fresh.append((sobject, key, lid))
        self._conn.executemany("INSERT INTO st2sf_keys VALUES (?, ?, ?)", fresh)
        return taken

    def release_keys(self, sobject: str, local_ids: Sequence[str]) -> None:
        for chunk in _chunks(list(local_ids)):
            marks = ",".join("?" * len(chunk))
            self._conn.execute(f"DELETE FROM st2sf_keys WHERE sobject = ? AND local_id IN ({marks})",
                               [sobject, *chunk])

    def add_siblings(self, resource: str, by_field: str, counts: Mapping[str, int]) -> None:
        self._conn.executemany(
            "INSERT INTO st2sf_siblings VALUES (?, ?, ?, ?) ON CONFLICT (resource, by_field, value) "
            "DO UPDATE SET n = n + excluded.n", [(resource, by_field, v, n) for v, n in counts.items()])

    def siblings(self, resource: str, by_field: str, values: Iterable[str]) -> dict[str, int]:
        wanted = sorted(set(values))
        found: dict[str, int] = {}
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            found.update(self._conn.execute(
                f"SELECT value, n FROM st2sf_siblings WHERE resource = ? AND by_field = ? AND value IN ({marks})",
                [resource, by_field, *chunk]))
        return found

    # ── transactions and the SQL script ─────────────────────────────────────────────────
    def begin(self) -> None:
        self._conn.execute("BEGIN")

    def commit(self) -> None:
        self._conn.execute("COMMIT")

    def tables(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]

    def dump_sql(self, out: Path, tables: Sequence[str]) -> None:
        """Write ``tables`` as a SQL script (what CumulusCI's ``sql_path`` reads), streamed."""
        wanted = set(tables)
        tmp = out.with_suffix(out.suffix + ".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write("BEGIN TRANSACTION;\n")
            for line in self._conn.iterdump():
                if line.startswith(("BEGIN TRANSACTION", "COMMIT")):
                    continue
                name = _statement_table(line)
                if name is not None and name in wanted:
                    fh.write(line + "\n")
            fh.write("COMMIT;\n")
        tmp.replace(out)


def _statement_table(line: str) -> str | None:
    for prefix in ('CREATE TABLE "', "CREATE TABLE ", 'INSERT INTO "'):
        if line.startswith(prefix):
            rest = line[len(prefix):]
            if prefix.endswith('"'):
                return rest.split('"', 1)[0]
            return rest.split(" ", 1)[0].split("(", 1)[0].strip('"')
    return None
