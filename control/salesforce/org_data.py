"""What the transform and the plan read from the target org: describes, users, existing records, /limits.

:class:`OrgSnapshot` is one read of the org, taken before anything is built or planned:

* ``schema`` — the describes of every object the map writes or matches (a
  :class:`~control.mapping.target_schema.TargetSchema`, without the map's own overlay: what the org *has*);
* ``users`` — every User (active or not) with ``Email``, ``Username`` and ``FederationIdentifier``,
  for owner resolution and the technician gap report;
* ``limits`` — the ``/limits`` reply (``DailyApiRequests``, ``DailyBulkApiBatches``, ``DataStorageMB``,
  ``FileStorageMB``: ``Max`` and ``Remaining``);
* ``org_id`` — the org's **Organization Id** (:func:`organization_id`), what identifies the org: a sandbox
  refreshed or an org created again under the same name is another org (docs/load.md §3).

:func:`match_candidates` reads the records a ``match`` route may find (reference-only entities:
existing Users, Products, Accounts…), streaming the query and keeping only the key, the Id and the
fields the route's ``where`` tests. Queries name fields only (API names the map validated); no value
is ever put into SOQL text.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Sequence

from control.errors import SalesforceError
from control.mapping.target_schema import TargetSchema
from control.salesforce.access import describe_objects
from control.secrets import redact_text

__all__ = ["OrgUser", "OrgSnapshot", "read_org", "read_users", "read_limits", "organization_id", "same_org",
           "match_candidates"]


class OrgUser(NamedTuple):
    id: str
    username: str
    email: str | None
    federation_id: str | None
    active: bool
    name: str | None


class OrgSnapshot(NamedTuple):
    name: str
    schema: TargetSchema
    users: tuple[OrgUser, ...]
    limits: Mapping[str, Mapping[str, int]]
    running_user: str | None
    org_id: str | None = None   # the Organization Id (None only for a snapshot made without an org)

    def user_by_username(self, username: str) -> OrgUser | None:
        folded = username.strip().casefold()
        for user in self.users:
            if user.username.casefold() == folded:
                return user
        return None


def _query(client: Any, soql: str) -> Iterator[Mapping[str, Any]]:
    from simple_salesforce.exceptions import SalesforceError as SimpleSalesforceError

    try:
        yield from client.query_all_iter(soql)
    except SimpleSalesforceError as exc:
        content = exc.content[0] if isinstance(exc.content, list) and exc.content else {}
        code = content.get("errorCode") if isinstance(content, dict) else None
        raise SalesforceError(f"Query failed: {redact_text(str(content.get('message', exc)))}", status=exc.status,
                              code=code) from None


def read_users(client: Any) -> tuple[OrgUser, ...]:
    rows = _query(client, "SELECT Id, Username, Email, FederationIdentifier, IsActive, Name FROM User")
    return tuple(OrgUser(r["Id"], r["Username"], r.get("Email"), r.get("FederationIdentifier"),
                         bool(r.get("IsActive")), r.get("Name")) for r in rows)


def read_limits(client: Any) -> dict[str, dict[str, int]]:
    from simple_salesforce.exceptions import SalesforceError as SimpleSalesforceError

    try:
        body = client.restful("limits")
    except SimpleSalesforceError as exc:
        raise SalesforceError(f"Reading /limits failed: {redact_text(str(exc))}", status=exc.status) from None
    return {k: {"Max": int(v.get("Max", 0)), "Remaining": int(v.get("Remaining", 0))}
            for k, v in body.items() if isinstance(v, Mapping)}


def organization_id(client: Any) -> str:
    """The org's Organization Id (``00D…``, 18 characters): ``SELECT Id FROM Organization``."""
    rows = list(_query(client, "SELECT Id FROM Organization"))
    if not rows or not rows[0].get("Id"):
        raise SalesforceError("The org returned no Organization record; its Organization Id cannot be read.")
    return str(rows[0]["Id"])


def same_org(recorded: Any, org_id: str) -> bool:
    """Whether a recorded Organization Id is ``org_id`` (15- and 18-character forms alike)."""
    return isinstance(recorded, str) and len(recorded) >= 15 and recorded[:15] == org_id[:15]


def read_org(client: Any, name: str, objects: Iterable[str], *, username: str | None = None) -> OrgSnapshot:
    """Describes of ``objects`` (those the org has), all users, ``/limits`` and the Organization Id."""
    schema = TargetSchema.from_describes(describe_objects(client, sorted(set(objects) | {"User"})))
    return OrgSnapshot(name, schema, read_users(client), read_limits(client), username, organization_id(client))


def match_candidates(client: Any, sobject: str, key_field: str, where_fields: Sequence[str]) \
        -> Iterator[tuple[str, str | None, dict[str, Any]]]:
    """``(Id, key value, {where field: value})`` of every record of ``sobject``, streamed."""
    fields = ["Id", key_field, *[f for f in where_fields if f not in ("Id", key_field)]]
    for row in _query(client, f"SELECT {', '.join(fields)} FROM {sobject}"):
        yield row["Id"], row.get(key_field), {f: row.get(f) for f in where_fields}
