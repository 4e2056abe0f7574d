"""One open org: its database, schemas, record store, sessions and settings, for the server to use.

:class:`Org` is created once per server process (:meth:`Org.open`) and handed to the HTTP layer.
It holds no module-level state; tests open an org on a temporary folder the same way.

The schema comes from a **schema builder** — a function ``(db, audit_fields_writable) →
{name: ObjectSchema}`` — so the org runtime does not hard-wire where schemas come from: the
server uses :func:`emulators.salesforce.org.schema_source.build_schemas` (the standard catalog plus
the custom objects and fields recorded in the org's ``schema_changes``); unit tests pass small
hand-built schemas.

API usage: every authenticated API call adds one to the org's rolling 24-hour count, committed
with the request; the maximum follows the edition (Enterprise 100,000 + 1,000 per licence,
Unlimited 100,000 + 5,000 per licence, Developer 15,000, any sandbox 5,000,000) unless the org's
limits override it. Counting, allocations and storage live in :class:`OrgLimits` (``org.limits``);
the storage check runs before every record the store inserts.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any, Callable, Mapping

from emulators.salesforce.content import ContentBodies, ContentRules
from emulators.salesforce.dml.coerce import format_datetime, parse_datetime
from emulators.salesforce.limits import OrgLimits
from emulators.salesforce.limits.allocations import default_allocations
from emulators.salesforce.metadata.fls import FieldSecurity
from emulators.salesforce.org.create import hash_password
from emulators.salesforce.org.identity import OrgIdentity, OrgPaths
from emulators.salesforce.org.schemas import OrgSchemas
from emulators.salesforce.org.sessions import Sessions
from emulators.salesforce.schema.model import ObjectSchema
from emulators.salesforce.state.db import Database, open_database
from emulators.salesforce.state.records import RecordStore

__all__ = ["Org", "SchemaBuilder", "Clock", "api_request_limit"]

SchemaBuilder = Callable[[Database, bool], Mapping[str, ObjectSchema]]
Clock = Callable[[], dt.datetime]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def api_request_limit(identity: OrgIdentity) -> int:
    """Daily API requests the org may make (see the module docstring)."""
    return default_allocations(identity).api_requests


class Org:
    """An open org (see the module docstring)."""

    def __init__(
        self,
        paths: OrgPaths,
        db: Database,
        identity: OrgIdentity,
        schema_builder: SchemaBuilder,
        clock: Clock = _utc_now,
    ) -> None:
        self.paths = paths
        self.db = db
        self.identity = identity
        self.clock = clock
        self._schema_builder = schema_builder
        settings = db.get_meta("settings", {})
        self.audit_fields_writable = bool(settings.get("set_audit_fields_on_create", False))
        self.session_timeout_seconds = 60.0 * float(settings.get("session_timeout_minutes", 120))
        modified = parse_datetime(db.get_meta("schema_modified", identity.created)) or clock()
        self.schemas = OrgSchemas(schema_builder(db, self.audit_fields_writable), modified=modified)
        self.store = RecordStore(db, self.schemas, pod=identity.pod)
        self.limits = OrgLimits(db, identity, clock)
        self.store.insert_checks.append(self.limits.check_storage)
        self.content = ContentRules(ContentBodies(paths.folder / "content"))  # file bodies beside org.db
        self.field_security = FieldSecurity(self)  # which fields describe shows each user
        self.sessions = Sessions(db, org_id=identity.org_id, timeout_seconds=self.session_timeout_seconds)

    @classmethod
    def open(cls, paths: OrgPaths, schema_builder: SchemaBuilder, *, clock: Clock = _utc_now) -> "Org":
        db = open_database(paths.db)
        data = db.get_meta("identity")
        if data is None:
            db.close()
            raise FileNotFoundError(f"no org database at {paths.db}")
        return cls(paths, db, OrgIdentity.from_json(data), schema_builder, clock)

    def close(self) -> None:
        self.db.close()

    # ── time ────────────────────────────────────────────────────────────────────────
    def now(self) -> dt.datetime:
        return self.clock()

    def now_wire(self) -> str:
        return format_datetime(self.clock())

    # ── schema ──────────────────────────────────────────────────────────────────────
    def reload_schemas(self, *, touched: str | None = None) -> None:
        """Rebuild schemas after a change (and re-index ``touched``'s keys and lookups)."""
        stamp = self.clock().replace(microsecond=0)
        self.db.set_meta("schema_modified", format_datetime(stamp))
        self.schemas.replace_all(self._schema_builder(self.db, self.audit_fields_writable), modified=stamp)
        if touched:
            self.store.reindex(touched)

    # ── credentials ─────────────────────────────────────────────────────────────────
    def connected_app(self) -> dict[str, str]:
        return dict(self.db.get_meta("connected_app", {}))

    def cli_token(self) -> str:
        return str(self.db.get_meta("cli_token"))

    def user_by_username(self, username: str) -> dict[str, Any] | None:
        """The User row whose Username matches (case-insensitively), or None."""
        wanted = username.strip().lower()
        for row in self.store.scan("User"):
            if str(row.get("Username") or "").lower() == wanted:
                return row
        return None

    def check_password(self, username: str, password: str) -> dict[str, Any] | None:
        """The admin User row when ``username``/``password`` are the admin's credentials."""
        user = self.user_by_username(username)
        if user is None or user.get("Id") != self.identity.admin_user_id:
            return None
        stored = self.db.get_meta("admin_password", {})
        expected = stored.get("pbkdf2_sha256", "")
        given = hash_password(password, stored.get("salt", ""))["pbkdf2_sha256"]
        return user if expected and hmac.compare_digest(expected, given) else None

    # ── API usage ───────────────────────────────────────────────────────────────────
    def api_limit(self) -> int:
        return self.limits.api_request_max()

    def api_usage(self) -> int:
        return self.limits.api_requests_used()

    def count_api_call(self) -> int:
        """Add one call to the rolling 24-hour usage (inside the caller's transaction); return the new count."""
        return self.limits.count_api_request()
