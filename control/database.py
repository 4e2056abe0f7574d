"""SQLAlchemy engines for st2sf's own stores (ledger, staging) on SQLite or PostgreSQL.

* SQLite: the parent folder is created; WAL journal, a busy timeout, ``synchronous=FULL``; every
  transaction starts with ``BEGIN IMMEDIATE`` so concurrent writers queue instead of failing mid-way.
* PostgreSQL: needs the ``[postgres]`` extra (psycopg2); a missing driver is a clear usage error.

Works with SQLAlchemy 1.4 (cumulusci pins < 2) using the 2.0-style API (``future=True``).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from control.errors import ConfigError

__all__ = ["create_store_engine", "is_sqlite"]


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_store_engine(url: str, *, what: str) -> Engine:
    """An engine for ``url``; ``what`` names the store in error messages ("ledger", "staging store")."""
    from sqlalchemy import create_engine

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            f"The {what} URL is not a database URL.",
            hint="Use sqlite:///path/to/file.db or postgresql://user@host/dbname.",
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(f"The {what} must be SQLite or PostgreSQL, not '{backend}'.",
                          hint="Use sqlite:///… or postgresql://….")
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url, future=True, pool_pre_ping=backend == "postgresql")
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise ConfigError(
            f"The {what} URL needs a database driver that is not installed ({exc}).",
            hint="Install st2sf with the [postgres] extra: pip install 'st2sf[postgres]'.",
        ) from None
    if backend == "sqlite":
        _sqlite_pragmas(engine)
    return engine
