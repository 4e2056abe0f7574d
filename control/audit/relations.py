"""Findings between records: orphans, duplicates, shared e-mails, hierarchy and project ↔ work-order cycles,
multi-site clients — computed on disk, in bounded memory.

While the audit streams the resources it hands every record to :meth:`Relations.feed`, which buffers

* references (checked in batches against staging: present? tombstoned? never existed?) → orphans;
* matching keys (normalised client names, unique numbers, people's e-mails, locations' clients) and
* reference edges (client → parent client, project → lead work order, work order → project)

into a scratch SQLite file. :meth:`Relations.finish` then groups keys (``GROUP BY … HAVING count > 1``),
walks client parents with indexed look-ups (a loop is reported once, from its smallest id), and joins
project ↔ work-order pairs. Nothing here holds a resource in memory; the scratch file is deleted after.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any, Iterable

from control.audit.findings import FindingKind, FindingSink, Reference
from control.audit.infer import is_email
from control.servicetracker.contract import ResourceRules
from control.staging.store import StagingStore

__all__ = ["Relations", "normalise_name"]

_BATCH = 5000
_MAX_DEPTH = 200
_UNIQUE_NUMBERS = {"work_orders": "number", "invoices": "number", "contracts": "contract_number",
                   "parts": "part_number"}
_PEOPLE = ("client_contacts", "technicians")
_PUNCT = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """A client name as a person would compare it: case, '&' vs 'and', punctuation and spacing ignored."""
    text = name.casefold().replace("&", " and ")
    return _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()


class Relations:
    def __init__(self, scratch: Path, store: StagingStore, sink: FindingSink) -> None:
        self.store = store
        self.sink = sink
        self.path = scratch
        scratch.parent.mkdir(parents=True, exist_ok=True)
        if scratch.exists():
            scratch.unlink()
        self.db = sqlite3.connect(scratch)
        self.db.executescript("""
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE keys (kind TEXT, key TEXT, resource TEXT, id TEXT, value TEXT);
            CREATE TABLE edges (kind TEXT, src TEXT, dst TEXT);
        """)
        self._refs: list[tuple[str, str, str, str, str]] = []  # resource, id, field, target, value
        self._keys: list[tuple[str, str, str, str, str]] = []
        self._edges: list[tuple[str, str, str]] = []
        # a reference can only be judged against a resource that was extracted (by the API or an export)
        feeds = set(store.checkpoints())
        self.extracted = {r for r in store.counts()} | {f.removeprefix("export:") for f in feeds}

    # ── feeding ─────────────────────────────────────────────────────────────────────
    def feed(self, resource: str, rules: ResourceRules | None, record: dict[str, Any]) -> None:
        rid = record["id"]
        if rules is not None:
            for rule in rules.fields:
                if rule.type != "reference" or rule.reference is None:
                    continue
                value = record.get(rule.name)
                if not isinstance(value, str) or not value:
                    continue
                target = record.get("parent_resource") if rule.reference == "*" else rule.reference
                if isinstance(target, str) and target:
                    self._refs.append((resource, rid, rule.name, target, value))
        self._collect_keys(resource, rid, record)
        if len(self._refs) >= _BATCH:
            self._check_refs()
        if len(self._keys) >= _BATCH or len(self._edges) >= _BATCH:
            self._flush()

    def _collect_keys(self, resource: str, rid: str, record: dict[str, Any]) -> None:
        if resource == "clients":
            name = record.get("name")
            if isinstance(name, str) and name.strip():
                self._keys.append(("client_name", normalise_name(name), resource, rid, name))
            parent = record.get("parent_client_id")
            if isinstance(parent, str) and parent:
                self._edges.append(("client_parent", rid, parent))
        if resource in _UNIQUE_NUMBERS:
            field = _UNIQUE_NUMBERS[resource]
            value = record.get(field)
            if isinstance(value, str) and value.strip():
                self._keys.append((f"number:{resource}.{field}", value.strip().casefold(), resource, rid, value))
        if resource in _PEOPLE:
            email = record.get("email")
            if isinstance(email, str) and is_email(email.strip()):
                self._keys.append(("email", email.strip().casefold(), resource, rid, email))
        if resource == "locations":
            client = record.get("client_id")
            if isinstance(client, str) and client:
                self._keys.append(("site", client, resource, rid, client))
        if resource == "projects":
            wo = record.get("primary_work_order_id")
            if isinstance(wo, str) and wo:
                self._edges.append(("project_wo", rid, wo))
        if resource == "work_orders":
            project = record.get("project_id")
            if isinstance(project, str) and project:
                self._edges.append(("wo_project", rid, project))

    def _flush(self) -> None:
        if self._keys:
            self.db.executemany("INSERT INTO keys VALUES (?,?,?,?,?)", self._keys)
            self._keys = []
        if self._edges:
            self.db.executemany("INSERT INTO edges VALUES (?,?,?)", self._edges)
            self._edges = []

    def _check_refs(self) -> None:
        by_target: dict[str, set[str]] = {}
        for _res, _rid, _field, target, value in self._refs:
            by_target.setdefault(target, set()).add(value)
        present: dict[str, set[str]] = {}
        dead: dict[str, dict[str, str]] = {}
        for target, values in by_target.items():
            if target not in self.extracted:
                continue  # the target resource was not extracted: nothing to judge against
            present[target] = self.store.existing_ids(target, values)
            missing = values - present[target]
            dead[target] = self.store.tombstoned_ids(target, missing) if missing else {}
        for resource, rid, field, target, value in self._refs:
            if target not in present or value in present[target]:
                continue
            deleted = dead[target].get(value)
            detail = f"{target} {value} was deleted on {deleted}" if deleted else f"no {target} record {value} ever existed"
            self.sink.add(FindingKind.ORPHANED_REFERENCE, Reference(resource, rid, field, value, None, detail))
        self._refs = []

    # ── results ─────────────────────────────────────────────────────────────────────
    def finish(self) -> None:
        self._check_refs()
        self._flush()
        self.db.execute("CREATE INDEX ix_keys ON keys(kind, key)")
        self.db.execute("CREATE INDEX ix_edges ON edges(kind, src)")
        self._groups("client_name", FindingKind.DUPLICATE_RECORD, "same name once case, spacing, '&' are ignored")
        for kind, in self.db.execute("SELECT DISTINCT kind FROM keys WHERE kind LIKE 'number:%'").fetchall():
            self._groups(kind, FindingKind.DUPLICATE_RECORD, f"same {kind.split('.', 1)[1]}, which must be unique")
        self._groups("email", FindingKind.SHARED_EMAIL, "same e-mail address")
        self._multi_site()
        self._client_cycles()
        self._project_cycles()

    def _groups(self, kind: str, finding: FindingKind, why: str) -> None:
        query = """SELECT k.key, k.resource, k.id, k.value FROM keys k
                   JOIN (SELECT key FROM keys WHERE kind = ? GROUP BY key HAVING count(*) > 1) d ON d.key = k.key
                   WHERE k.kind = ? ORDER BY k.key, k.resource, k.id"""
        for key, resource, rid, value in self.db.execute(query, (kind, kind)):
            field = "name" if kind == "client_name" else "email" if kind == "email" else kind.split(".", 1)[1]
            self.sink.add(finding, Reference(resource, rid, field, value, f"{kind}:{key}", why))

    def _multi_site(self) -> None:
        query = "SELECT key, count(*) FROM keys WHERE kind = 'site' GROUP BY key HAVING count(*) > 1 ORDER BY key"
        for client, n in self.db.execute(query):
            self.sink.add(FindingKind.MULTI_SITE_CLIENT, Reference("clients", client, None, n, None,
                                                                   f"{n} service locations"))

    def _parent(self, node: str) -> str | None:
        row = self.db.execute("SELECT dst FROM edges WHERE kind = 'client_parent' AND src = ?", (node,)).fetchone()
        return row[0] if row else None

    def _client_cycles(self) -> None:
        cursor = self.db.execute("SELECT src, dst FROM edges WHERE kind = 'client_parent' ORDER BY src")
        for start, parent in _batches(cursor):
            self.sink.add(FindingKind.CLIENT_HIERARCHY, Reference("clients", start, "parent_client_id", parent))
            path = [start]
            node: str | None = parent
            while node is not None and len(path) <= _MAX_DEPTH:
                if node == start:
                    if start == min(path):  # report each loop once, from its smallest member
                        group = "cycle:" + " → ".join(path + [start])
                        for member in path:
                            self.sink.add(FindingKind.CLIENT_HIERARCHY_CYCLE,
                                          Reference("clients", member, "parent_client_id", self._parent(member), group,
                                                    f"loop of {len(path)} clients"))
                    break
                if node in path:
                    break  # a loop further up, reported from its own members
                path.append(node)
                node = self._parent(node)

    def _project_cycles(self) -> None:
        query = """SELECT p.src, p.dst FROM edges p JOIN edges w
                   ON w.kind = 'wo_project' AND w.src = p.dst AND w.dst = p.src
                   WHERE p.kind = 'project_wo' ORDER BY p.src"""
        for project, work_order in _batches(self.db.execute(query)):
            group = f"cycle:{project} ↔ {work_order}"
            self.sink.add(FindingKind.PROJECT_WORK_ORDER_CYCLE,
                          Reference("projects", project, "primary_work_order_id", work_order, group,
                                    "the project's lead work order points back to the project"))
            self.sink.add(FindingKind.PROJECT_WORK_ORDER_CYCLE,
                          Reference("work_orders", work_order, "project_id", project, group,
                                    "the work order's project names it as its lead work order"))

    def close(self) -> None:
        self.db.close()
        if self.path.exists():
            self.path.unlink()


def _batches(cursor: sqlite3.Cursor, size: int = 1000) -> Iterable[tuple[str, str]]:
    """Rows of ``cursor`` fetched ``size`` at a time (the walk issues its own queries meanwhile)."""
    rows = cursor.fetchmany(size)
    while rows:
        yield from rows
        rows = cursor.fetchmany(size)
