"""Insert, update and upsert of one record, with every rule the org enforces.

:class:`Writer` is used by every write surface (REST single-record, ``/composite/sobjects``,
``/composite`` subrequests, and later Bulk). A call validates the whole record **before** it
writes anything, so a failing record leaves no trace even without a rollback; the caller's
transaction (one per HTTP request) makes ``allOrNone`` a plain rollback.

Order of checks for a record (the first failure is returned, as Salesforce returns one error):

1. field names: unknown fields are a call-level INVALID_FIELD (:func:`Writer.resolve_fields`);
2. writability: fields that are not createable (insert) / updateable (update) →
   INVALID_FIELD_FOR_INSERT_UPDATE; audit fields are createable only while the org setting
   "Set Audit Fields upon Record Creation" is on (the schema says so);
3. each value's type, format, length, range and picklist (:mod:`.coerce`);
4. required fields (REQUIRED_FIELD_MISSING), after defaults are applied;
5. lookups (:mod:`.references`);
6. unique fields (DUPLICATE_VALUE, naming the record that holds the value).

System fields are the org's: ``Id``, ``IsDeleted``, ``CreatedDate``/``CreatedById``,
``LastModifiedDate``/``LastModifiedById``, ``SystemModstamp``; ``OwnerId`` defaults to the running
user; auto-number fields are numbered per object; ``Contact.Name``-style compound names are built
from ``FirstName``/``LastName``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from emulators.salesforce.dml.coerce import coerce_value
from emulators.salesforce.dml.errors import ApiError, RecordFailure, RecordMissing
from emulators.salesforce.dml.references import check_reference
from emulators.salesforce.ids import MalformedId, parse_id
from emulators.salesforce.org.schemas import ObjectPlan, OrgSchemas
from emulators.salesforce.schema.model import FieldSchema
from emulators.salesforce.state.records import RecordStore

if TYPE_CHECKING:  # pragma: no cover
    from emulators.salesforce.content import ContentRules, StagedBody

__all__ = ["Writer", "ResolvedRecord", "MultipleMatches", "SYSTEM_FIELDS"]

SYSTEM_FIELDS = frozenset(
    {"Id", "IsDeleted", "CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp"}
)
_NOT_WRITABLE_HINT = "Please check the security settings of this field and verify that it is read/write for your profile or permission set."
# auto-number fields: first number and zero-padded width when the schema gives no display format
_AUTO_NUMBER_START = {("Case", "CaseNumber"): (1001, 8), ("Contract", "ContractNumber"): (100, 8)}


@dataclass(frozen=True)
class ResolvedRecord:
    """A client's record body mapped onto fields: plain values and relationship (external-Id) values."""

    values: Mapping[str, tuple[FieldSchema, Any]]  # field name → (field, raw JSON value)
    by_relationship: Mapping[str, tuple[FieldSchema, Mapping[str, Any]]]  # lookup name → (field, {extField: value})


class Writer:
    """Validating writes for one request: the running user and the request's timestamp are fixed."""

    def __init__(
        self,
        store: RecordStore,
        schemas: OrgSchemas,
        *,
        user_id: str,
        now: str,
        content: "ContentRules | None" = None,
        api_version: str = "62.0",
    ) -> None:
        self.store = store
        self.schemas = schemas
        self.user_id = user_id
        self.now = now
        self.content = content  # the Content objects' rules (ContentVersion bodies, links)
        self.api_version = api_version

    # ── step 1: names ───────────────────────────────────────────────────────────────
    def plan_for(self, sobject: str) -> ObjectPlan:
        plan = self.schemas.plan(sobject)
        if plan is None:
            raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
        return plan

    def resolve_fields(self, plan: ObjectPlan, body: Mapping[str, Any]) -> ResolvedRecord:
        """Map body keys onto fields; an unknown key is a call-level INVALID_FIELD (HTTP 400)."""
        if not isinstance(body, Mapping):
            raise ApiError(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of sObject from a non-object value")
        values: dict[str, tuple[FieldSchema, Any]] = {}
        by_rel: dict[str, tuple[FieldSchema, Mapping[str, Any]]] = {}
        for key, raw in body.items():
            if key == "attributes":
                continue
            f = plan.field(key)
            if f is not None:
                values[f.name] = (f, raw)
                continue
            rel = plan.schema.field_by_relationship(key)
            if rel is not None and isinstance(raw, Mapping):
                by_rel[rel.name] = (rel, raw)
                continue
            raise ApiError(400, "INVALID_FIELD", f"No such column '{key}' on sobject of type {plan.name}")
        return ResolvedRecord(values, by_rel)

    # ── insert ──────────────────────────────────────────────────────────────────────
    def insert(self, plan: ObjectPlan, record: ResolvedRecord, *, body: "StagedBody | None" = None) -> str:
        """Validate and store a new record; return its Id.

        ``body`` is a ContentVersion's file already received (a multipart upload); a ContentVersion's
        ``VersionData`` never goes into the row (see :mod:`emulators.salesforce.content.rules`).
        """
        if not plan.schema.createable:
            raise RecordFailure("INVALID_TYPE", f"entity type {plan.name} does not support insert", [])
        blocked = [f.name for f, _ in record.values.values() if not f.createable]
        if blocked:
            raise _not_writable(blocked)
        content = self.content if self.content is not None and self.content.handles(plan.name) else None
        values: Mapping[str, tuple[FieldSchema, Any]] = record.values
        pending = None
        if content is not None:
            values, pending = content.take_body(plan, record.values, body)
        try:
            data: dict[str, Any] = {}
            for name, (f, raw) in values.items():
                data[name] = coerce_value(f, raw)
            self._resolve_relationships(record, data)
            self._apply_defaults(plan, data, given=set(record.values) | set(record.by_relationship))
            self._check_required(plan, data)
            self._check_references(plan, data, data.keys())
            self._check_unique(plan, data, None)
            if content is not None:
                content.check(self, plan, data, pending)
            record_id = self.store.allocate_id(plan.schema.key_prefix or "a00")
            self._stamp_new(plan, data, record_id)
            if content is not None:
                content.before_store(self, plan, record_id, data, pending)
            self.store.insert(plan.name, record_id, data)
            if content is not None:
                content.after_store(self, plan, record_id, data)
        finally:
            if pending is not None:
                pending.discard()
        return record_id

    # ── update ──────────────────────────────────────────────────────────────────────
    def update(self, plan: ObjectPlan, record_id: str, record: ResolvedRecord) -> None:
        """Validate and apply changes to an existing live record of ``plan``."""
        current = self.load_live(plan, record_id)
        changes = {n: v for n, v in record.values.items() if n != "Id"}
        blocked = [f.name for f, _ in changes.values() if not f.updateable]
        if blocked:
            raise _not_writable(blocked)
        data = dict(current)
        touched: dict[str, Any] = {}
        for name, (f, raw) in changes.items():
            touched[name] = coerce_value(f, raw)
        self._resolve_relationships(record, touched)
        data.update(touched)
        self._compute_names(plan, data)
        self._check_required(plan, data, only=touched.keys())
        changed_refs = [n for n in touched if touched[n] != current.get(n)]
        self._check_references(plan, data, changed_refs)
        self._check_unique(plan, data, record_id, only=touched.keys())
        data["LastModifiedDate"] = self.now
        data["LastModifiedById"] = self.user_id
        if plan.field("SystemModstamp") is not None:
            data["SystemModstamp"] = self.now
        self.store.update(plan.name, record_id, data)

    def load_live(self, plan: ObjectPlan, record_id: str) -> dict[str, Any]:
        """Stored data of a live record of ``plan`` (ENTITY_IS_DELETED / INVALID_CROSS_REFERENCE_KEY otherwise)."""
        found = self.store.get(record_id)
        if found is None or found.sobject != plan.name:
            raise RecordMissing()
        if found.deleted:
            raise RecordFailure("ENTITY_IS_DELETED", "entity is deleted", [])
        return found.data

    # ── upsert ──────────────────────────────────────────────────────────────────────
    def match_external(self, plan: ObjectPlan, field: FieldSchema, value: Any) -> list[str]:
        """Live Ids of ``plan`` whose ``field`` matches ``value`` (indexed fields use the key index)."""
        if field.name == "Id":
            try:
                rid = parse_id(str(value))
            except MalformedId:
                raise RecordFailure("MALFORMED_ID", f"{field.label}: id value of incorrect type: {value}", ["Id"]) from None
            found = self.store.get(rid)
            return [rid] if found is not None and found.sobject == plan.name and not found.deleted else []
        if field in plan.key_fields:
            return self.store.ids_by_key(plan.name, field, value)
        wanted = coerce_value(field, value)
        return [row["Id"] for row in self.store.scan(plan.name) if row.get(field.name) == wanted]

    def upsert(self, plan: ObjectPlan, field: FieldSchema, value: Any, record: ResolvedRecord) -> tuple[str, bool]:
        """Insert or update by ``field`` = ``value``; returns ``(id, created)``.

        Several matches raise :class:`ApiError` 300 (its ``matches`` attribute lists the Ids).
        """
        if value is None or value == "":
            if field.name == "Id":
                return self.insert(plan, record), True
            raise RecordFailure("MISSING_ARGUMENT", f"{field.name} not specified", [])
        matches = self.match_external(plan, field, value)
        if len(matches) > 1:
            raise MultipleMatches(matches)
        if matches:
            self.update(plan, matches[0], _without(record, field.name))
            return matches[0], False
        if field.name == "Id":
            raise RecordFailure("NOT_FOUND", "The requested resource does not exist", [])
        values = dict(record.values)
        values[field.name] = (field, value)
        return self.insert(plan, ResolvedRecord(values, record.by_relationship)), True

    # ── helpers ─────────────────────────────────────────────────────────────────────
    def _resolve_relationships(self, record: ResolvedRecord, data: dict[str, Any]) -> None:
        for name, (f, ref) in record.by_relationship.items():
            target_name = str((ref.get("attributes") or {}).get("type") or (f.reference_to[0] if f.reference_to else ""))
            target = self.schemas.plan(target_name)
            keys = [k for k in ref if k != "attributes"]
            if target is None or len(keys) != 1 or target.field(keys[0]) is None:
                raise RecordFailure("INVALID_FIELD", f"Invalid foreign key relationship name {f.relationship_name}", [])
            ext = target.field(keys[0])
            assert ext is not None
            if not (ext.external_id or ext.id_lookup):
                raise RecordFailure(
                    "INVALID_FIELD", f"Field name provided, {ext.name} is not an External ID or indexed field for {target.name}", []
                )
            value = ref[keys[0]]
            found = self.match_external(target, ext, value)
            if not found:
                raise RecordFailure(
                    "INVALID_FIELD", f"Foreign key external ID: {value} not found for field {ext.name} in entity {target.name}", []
                )
            if len(found) > 1:
                raise RecordFailure(
                    "DUPLICATE_EXTERNAL_ID", f"Foreign key external ID: {value} matched more than one record", []
                )
            data[name] = found[0]

    def _apply_defaults(self, plan: ObjectPlan, data: dict[str, Any], *, given: set[str]) -> None:
        for f in plan.schema.fields:
            if f.name in given or f.name in SYSTEM_FIELDS:
                continue
            if f.auto_number:
                data[f.name] = self._next_auto_number(plan, f)
            elif f.type == "boolean":
                data[f.name] = bool(f.default_value) if f.default_value is not None else False
            elif f.default_value is not None:
                data[f.name] = f.default_value
            elif f.defaulted_on_create and f.picklist_values:
                default = next((p.value for p in f.picklist_values if p.default and p.active), None)
                if default is not None:
                    data[f.name] = default
        if plan.field("RecordTypeId") is not None and "RecordTypeId" not in given:
            default_rt = self._default_record_type(plan.name)
            if default_rt:
                data["RecordTypeId"] = default_rt
        self._compute_names(plan, data)

    def _default_record_type(self, sobject: str) -> str | None:
        defaults = self.store.db.get_meta("default_record_types", {})
        return defaults.get(sobject)

    @staticmethod
    def _compute_names(plan: ObjectPlan, data: dict[str, Any]) -> None:
        name = plan.field("Name")
        if name is not None and not name.createable and plan.field("LastName") is not None:
            parts = [data.get("FirstName"), data.get("LastName")]
            data["Name"] = " ".join(p for p in parts if p) or None

    def _next_auto_number(self, plan: ObjectPlan, f: FieldSchema) -> str:
        start, width = _AUTO_NUMBER_START.get((plan.name, f.name), (1, 8))
        key = f"auto_number:{plan.name}.{f.name}"
        number = int(self.store.db.get_meta(key, start))
        self.store.db.set_meta(key, number + 1)
        fmt = f.extra.get("displayFormat") if f.extra else None
        if isinstance(fmt, str) and "{" in fmt and "}" in fmt:
            head, rest = fmt.split("{", 1)
            digits, tail = rest.split("}", 1)
            return f"{head}{number:0{len(digits)}d}{tail}"
        return f"{number:0{width}d}"

    @staticmethod
    def _check_required(plan: ObjectPlan, data: dict[str, Any], only: Any = None) -> None:
        wanted = None if only is None else set(only)
        missing = [
            f.name
            for f in plan.schema.fields
            if f.is_required_on_create
            and f.name not in SYSTEM_FIELDS
            and f.name != "OwnerId"
            and not f.auto_number
            and (wanted is None or f.name in wanted)
            and (data.get(f.name) is None or data.get(f.name) == "")
        ]
        if missing:
            raise RecordFailure("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]", missing)

    def _check_references(self, plan: ObjectPlan, data: dict[str, Any], names: Any) -> None:
        for name in list(names):
            f = plan.field(name)
            value = data.get(name)
            if f is None or f.type != "reference" or not value:
                continue
            if name in ("CreatedById", "LastModifiedById") and value == self.user_id:
                continue
            check_reference(self.store, self.schemas, plan.name, f, value)

    def _check_unique(self, plan: ObjectPlan, data: dict[str, Any], record_id: str | None, only: Any = None) -> None:
        wanted = None if only is None else set(only)
        for f in plan.key_fields:
            if not f.unique or (wanted is not None and f.name not in wanted):
                continue
            value = data.get(f.name)
            if value is None or value == "":
                continue
            others = [rid for rid in self.store.ids_by_key(plan.name, f, value) if rid != record_id]
            if others:
                raise RecordFailure(
                    "DUPLICATE_VALUE",
                    f"duplicate value found: {f.name} duplicates value on record with id: {others[0][:15]}",
                    [],
                )

    def _stamp_new(self, plan: ObjectPlan, data: dict[str, Any], record_id: str) -> None:
        data["Id"] = record_id
        for name, value in (
            ("IsDeleted", False),
            ("CreatedDate", self.now),
            ("CreatedById", self.user_id),
            ("LastModifiedDate", self.now),
            ("LastModifiedById", self.user_id),
            ("SystemModstamp", self.now),
            ("OwnerId", self.user_id),
        ):
            if plan.field(name) is not None and data.get(name) is None:
                data[name] = value
        if plan.field("LastModifiedDate") is not None and data.get("CreatedDate") and data["LastModifiedDate"] < data["CreatedDate"]:
            data["LastModifiedDate"] = data["CreatedDate"]


class MultipleMatches(Exception):
    """An upsert key matched several records (HTTP 300)."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__(f"{len(ids)} records match")
        self.ids = ids


def _without(record: ResolvedRecord, name: str) -> ResolvedRecord:
    return ResolvedRecord({k: v for k, v in record.values.items() if k != name}, record.by_relationship)


def _not_writable(names: list[str]) -> RecordFailure:
    return RecordFailure(
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        f"Unable to create/update fields: {', '.join(names)}. {_NOT_WRITABLE_HINT}",
        names,
    )
