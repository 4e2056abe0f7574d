"""Field-level security for describe: a user sees the custom fields their permission sets let them read.

Salesforce answers ``/sobjects/O/describe`` with only the fields the running user may read. Here:

* a **System Administrator** (the profile of the org's admin, and of seeded admins) sees every field;
* any other user sees the standard fields (their profile grants those) and the **custom** fields
  that a permission set assigned to them (``PermissionSetAssignment``) makes readable
  (``<fieldPermissions><readable>true``), as deployed through the Metadata API.

The filtered schema is an ordinary :class:`ObjectSchema` without the hidden fields, memoised per
(schema, visible fields) so the describe renderer's own memo keeps working.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from emulators.salesforce.schema.model import ObjectSchema

if TYPE_CHECKING:  # the org runtime creates this object: no import cycle at run time
    from emulators.salesforce.org.runtime import Org

__all__ = ["FieldSecurity"]

_ADMIN_PROFILE = "System Administrator"
_MEMO_SIZE = 256


class FieldSecurity:
    """Which fields of an object a user may see (see the module docstring)."""

    def __init__(self, org: "Org") -> None:
        self.org = org
        # (id(schema), visible names) → (schema, filtered): the entry keeps the schema alive, so its id stays its own
        self._memo: dict[tuple[int, frozenset[str]], tuple[ObjectSchema, ObjectSchema]] = {}

    def _is_admin(self, user: dict[str, Any]) -> bool:
        profile = self.org.store.get(str(user.get("ProfileId") or ""))
        return profile is not None and profile.data.get("Name") == _ADMIN_PROFILE

    def _permission_sets(self, user_id: str) -> list[str]:
        set_ids = [row["PermissionSetId"] for row in self.org.store.scan("PermissionSetAssignment")
                   if row.get("AssigneeId") == user_id and row.get("PermissionSetId")]
        rows = self.org.store.get_many(set_ids)
        return [str(r.data.get("Name")) for r in rows.values() if not r.deleted]

    def _readable(self, permission_sets: list[str]) -> set[str]:
        if not permission_sets:
            return set()
        conn = self.org.db.conn
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'metadata_grants'").fetchone() is None:
            return set()
        marks = ",".join("?" * len(permission_sets))
        rows = conn.execute(
            f"SELECT name FROM metadata_grants WHERE kind = 'field' AND readable = 1 AND permission_set IN ({marks})",
            permission_sets,
        )
        return {r[0].lower() for r in rows}

    def visible(self, user_id: str, schema: ObjectSchema) -> ObjectSchema:
        """``schema`` as ``user_id`` may see it."""
        user = self.org.store.get(user_id)
        if user is None or self._is_admin(user.data) or not any(f.custom for f in schema.fields):
            return schema
        readable = self._readable(self._permission_sets(user_id))
        prefix = schema.name.lower() + "."
        kept = frozenset(f.name for f in schema.fields if not f.custom or prefix + f.name.lower() in readable)
        if len(kept) == len(schema.fields):
            return schema
        key = (id(schema), kept)
        entry = self._memo.get(key)
        if entry is None or entry[0] is not schema:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            entry = (schema, dataclasses.replace(schema, fields=tuple(f for f in schema.fields if f.name in kept)))
            self._memo[key] = entry
        return entry[1]
