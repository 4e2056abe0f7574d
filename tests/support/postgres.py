"""A real PostgreSQL database per test, created on the local server and dropped afterwards.

The server is started by the machine (and by ``.ci/run`` when it is down). Set ``ST2SF_TEST_POSTGRES_URL``
to an admin URL to use another server. A test that needs PostgreSQL **fails** when it is unreachable:
a skipped check must never look like a pass.
"""

from __future__ import annotations

import os
import secrets
from typing import Iterator

import pytest

__all__ = ["admin_url", "postgres_database"]


def admin_url() -> str:
    return os.environ.get("ST2SF_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """The SQLAlchemy URL of a fresh, empty database (dropped after the test)."""
    import psycopg2
    from psycopg2 import sql

    base = admin_url()
    name = f"st2sf_test_{secrets.token_hex(4)}"
    try:
        admin = psycopg2.connect(base, connect_timeout=5)
    except psycopg2.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {base} ({exc}); start it (see .ci/run) or set ST2SF_TEST_POSTGRES_URL.")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()
