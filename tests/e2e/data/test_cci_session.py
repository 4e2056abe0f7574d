"""A run's LoadData calls share one CumulusCI session: the org's user and org info and every describe are
asked for once per run, so a later call costs the org only its writes (counted by the emulator's API request
count, which every REST/Bulk call spends)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import yaml

from control.load.cci_runner import CciOrg, CciSession, RowResult, make_project, run_load
from control.salesforce.access import OrgAccess, connect
from control.secrets import Secret
from tests.support.salesforce_admin import EmulatorAdmin
from tests.support.salesforce_org import EmulatedOrg, start_org, stop_org


def _session(org: EmulatedOrg, folder: Path) -> CciSession:
    access = OrgAccess(org.name, "emulator", org.instance_url, Secret(org.access_token), org.username,
                       org.ca_bundle, org.name, None)
    return CciSession(CciOrg(access, org.org_id, org.user_id, make_project(folder)))


def _mapping(folder: Path, table: str) -> Path:
    path = folder / f"{table}.mapping.yml"
    path.write_text(yaml.safe_dump({f"Insert {table}": {"sf_object": "Account", "table": table, "api": "rest",
                                                        "fields": ["Name"]}}))
    return path


def test_a_runs_loaddata_calls_ask_for_each_describe_once(tmp_path: Path) -> None:
    org = start_org(tmp_path / "state", "cachecheck")
    try:
        database = tmp_path / "load.db"
        with sqlite3.connect(database) as conn:
            for table in ("first", "second", "third"):
                conn.execute(f'CREATE TABLE "{table}" (id VARCHAR(255) PRIMARY KEY, "Name" VARCHAR(255))')
                conn.executemany(f'INSERT INTO "{table}" VALUES (?, ?)',
                                 [(f"{table}-{i}", f"Cache {table} {i}") for i in range(3)])
        admin = EmulatorAdmin(org)
        session = _session(org, tmp_path / "cci")
        rows: list[RowResult] = []

        def load(run_session: CciSession, table: str) -> int:
            before = admin.limits()["api_requests"]["used"]
            run_load(run_session, mapping=_mapping(tmp_path, table), database_url=f"sqlite:///{database}",
                     sink=rows.append)
            return int(admin.limits()["api_requests"]["used"]) - int(before)

        # the first call: the org info (Organization), the global and Account describes, one insert
        assert load(session, "first") == 4
        # LoadData itself asks for each describe twice (validating the mapping, then loading the step)
        assert (session.cache.fetched, session.cache.served) == (2, 2)
        # the second: the insert only — the describes come from the session's cache
        assert load(session, "second") == 1
        assert (session.cache.fetched, session.cache.served) == (2, 6)
        # a new session (another run) asks again
        other = _session(org, tmp_path / "cci")
        assert load(other, "third") == 4
        assert (other.cache.fetched, other.cache.served) == (2, 2)

        assert [r.success for r in rows] == [True] * 9
        sf = connect(session.org.access)
        names = {r["Name"] for r in sf.query("SELECT Name FROM Account WHERE Name LIKE 'Cache %'")["records"]}
        assert names == {f"Cache {t} {i}" for t in ("first", "second", "third") for i in range(3)}
    finally:
        stop_org(org)
