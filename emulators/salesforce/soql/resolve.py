"""Field paths → :class:`~emulators.salesforce.soql.plan.ResolvedPath`, with Salesforce's errors.

``Account.Owner.Name`` on Contact walks ``AccountId`` (relationship ``Account``) then ``OwnerId``
(``Owner``) and reads ``Name``. Names match case-insensitively; the result carries describe casing.
A leading object alias (``FROM Contact c`` … ``c.Name``) or the object's own name is dropped.

Behind a polymorphic relationship (``What``, ``Who``, a multi-target ``Owner``) Salesforce exposes
only the fields of its ``Name`` entity (``What.Name``, ``What.Type`` …); :data:`NAME_ENTITY` lists
them. ``Type`` there reads the parent's actual sObject type. More than five hops is refused.
"""

from __future__ import annotations

from emulators.salesforce.schema.model import FieldSchema, ObjectSchema
from emulators.salesforce.schema.provider import SchemaProvider
from emulators.salesforce.soql.errors import ErrorCode, Messages, SoqlError, located_message
from emulators.salesforce.soql.plan import Getter, ResolvedPath
from emulators.salesforce.soql.syntax import FieldPath

__all__ = ["NAME_ENTITY", "MAX_HOPS", "Resolver", "make_getter"]

MAX_HOPS = 5


def _name_field(name: str, type_: str, **kw: object) -> FieldSchema:
    return FieldSchema(
        name=name, type=type_, label=name, createable=False, updateable=False, **kw  # type: ignore[arg-type]
    )


NAME_ENTITY: dict[str, FieldSchema] = {
    f.name.lower(): f
    for f in (
        _name_field("Id", "id"),
        _name_field("Name", "string", name_field=True),
        _name_field("Type", "picklist"),
        _name_field("Alias", "string"),
        _name_field("Email", "email"),
        _name_field("FirstName", "string"),
        _name_field("LastName", "string"),
        _name_field("MiddleName", "string"),
        _name_field("Suffix", "string"),
        _name_field("IsActive", "boolean"),
        _name_field("Phone", "phone"),
        _name_field("Title", "string"),
        _name_field("Username", "string"),
        _name_field("UserRoleId", "reference"),
        _name_field("ProfileId", "reference"),
        _name_field("RecordTypeId", "reference"),
        _name_field("CommunityNickname", "string"),
        _name_field("NameOrAlias", "string"),
        _name_field("SmallPhotoUrl", "url"),
        _name_field("MediumPhotoUrl", "url"),
        _name_field("FullPhotoUrl", "url"),
        _name_field("LastReferencedDate", "datetime"),
        _name_field("LastViewedDate", "datetime"),
    )
}


def make_getter(refs: tuple[str, ...], leaf: str, *, type_leaf: bool = False) -> Getter:
    """A function ``(row, parents) → value`` walking ``refs`` through ``parents`` and reading ``leaf``.

    With ``type_leaf`` the value is the sObject type of the last parent (``What.Type``).
    """
    if not refs:

        def direct(row, parents):  # type: ignore[no-untyped-def]
            return row.get(leaf)

        return direct
    if len(refs) == 1 and not type_leaf:
        ref = refs[0]

        def one_hop(row, parents):  # type: ignore[no-untyped-def]
            pid = row.get(ref)
            if pid is None:
                return None
            entry = parents.get(pid)
            return None if entry is None else entry[1].get(leaf)

        return one_hop

    def walk(row, parents):  # type: ignore[no-untyped-def]
        entry = None
        for ref in refs:
            pid = row.get(ref)
            if pid is None:
                return None
            entry = parents.get(pid)
            if entry is None:
                return None
            row = entry[1]
        return entry[0] if type_leaf and entry is not None else row.get(leaf)

    return walk


class Resolver:
    """Resolves paths relative to one sObject of one query (``text`` is for error positions)."""

    def __init__(self, schemas: SchemaProvider, root: ObjectSchema, text: str, alias: str | None) -> None:
        self.schemas = schemas
        self.root = root
        self.text = text
        self.alias = alias.lower() if alias else None

    def error(self, code: str, pos: int, message: str) -> SoqlError:
        return SoqlError(code, located_message(self.text, pos, message))

    def strip_prefix(self, path: FieldPath) -> tuple[tuple[str, ...], tuple[int, ...]]:
        parts, positions = path.parts, path.positions
        if len(parts) > 1:
            head = parts[0].lower()
            if head == self.alias or (
                head == self.root.name.lower() and self.root.field_by_relationship(parts[0]) is None
            ):
                return parts[1:], positions[1:]
        return parts, positions

    def relationship(self, schema: ObjectSchema, name: str, pos: int) -> FieldSchema:
        ref = schema.field_by_relationship(name)
        if ref is None or not ref.is_reference or not ref.reference_to:
            raise self.error(ErrorCode.INVALID_FIELD, pos, Messages.bad_relationship(name))
        return ref

    def resolve(self, path: FieldPath) -> ResolvedPath:
        parts, positions = self.strip_prefix(path)
        schema: ObjectSchema | None = self.root
        refs: list[str] = []
        rels: list[str] = []
        for part, pos in zip(parts[:-1], positions[:-1]):
            if schema is None:  # behind a polymorphic relationship: the Name entity has no relationships
                raise self.error(ErrorCode.INVALID_FIELD, pos, Messages.bad_relationship(part))
            ref = self.relationship(schema, part, pos)
            refs.append(ref.name)
            rels.append(ref.relationship_name or part)
            if len(refs) > MAX_HOPS:
                raise SoqlError(ErrorCode.MALFORMED_QUERY, Messages.too_deep())
            if ref.polymorphic:
                schema = None
            else:
                schema = self.schemas.get(ref.reference_to[0])
                if schema is None:
                    raise self.error(ErrorCode.INVALID_FIELD, pos, Messages.bad_relationship(part))
        leaf, leaf_pos = parts[-1], positions[-1]
        if schema is None:
            field = NAME_ENTITY.get(leaf.lower())
            owner = "Name"
        else:
            field = schema.field(leaf)
            owner = schema.name
        if field is None:
            raise self.error(ErrorCode.INVALID_FIELD, leaf_pos, Messages.no_such_column(leaf, owner))
        type_leaf = schema is None and field.name == "Type"
        key = ".".join([r.lower() for r in rels] + [field.name.lower()])
        return ResolvedPath(
            written=path.text,
            refs=tuple(refs),
            rels=tuple(rels),
            field=field,
            owner=owner,
            key=key,
            get=make_getter(tuple(refs), field.name, type_leaf=type_leaf),
        )
