"""The semantic check: a parsed :class:`Query` + a :class:`SchemaProvider` → :class:`CompiledQuery`.

Resolves every name against the org's schemas and raises the error Salesforce would:

* ``INVALID_TYPE``   unknown sObject; unknown child relationship in a sub-query's FROM
* ``INVALID_TYPE_FOR_OPERATION`` an sObject whose describe says it is not queryable
* ``INVALID_FIELD``  unknown field or relationship; non-filterable / non-sortable / non-groupable
                     fields; a value of the wrong type
* ``INVALID_QUERY_FILTER_OPERATOR`` LIKE / INCLUDES / ordering operators on the wrong types; bad Ids
* ``MALFORMED_QUERY`` fields neither grouped nor aggregated; aggregates on unsupported fields;
                     duplicate fields; semi-join shape; COUNT() mixed with fields
* ``NUMBER_OUTSIDE_VALID_RANGE`` OFFSET over 2000

Aggregate queries (functions or GROUP BY) are checked by :mod:`aggregates_check`.
"""

from __future__ import annotations

from emulators.salesforce.schema.model import ObjectSchema
from emulators.salesforce.schema.provider import SchemaProvider
from emulators.salesforce.soql.aggregates_check import check_aggregate
from emulators.salesforce.soql.conditions import ConditionCompiler
from emulators.salesforce.soql.errors import ErrorCode, Messages, SoqlError, located_message
from emulators.salesforce.soql.ids import normalize_id
from emulators.salesforce.soql.literals import domain
from emulators.salesforce.soql.parser import parse
from emulators.salesforce.soql.plan import (
    AndPlan,
    ChildColumn,
    Column,
    ComparePlan,
    CompiledQuery,
    CondPlan,
    FieldColumn,
    OrderPlan,
    ParentColumn,
    ResolvedPath,
    TypeOfColumn,
)
from emulators.salesforce.soql.resolve import NAME_ENTITY, Resolver, make_getter
from emulators.salesforce.soql.restrictions import check_restrictions
from emulators.salesforce.soql.syntax import Aggregate, FieldPath, FieldsMacro, Query, SelectItem, SubQuery, TypeOf

__all__ = ["compile_query", "compile_parsed", "MAX_OFFSET", "FIELDS_MAX_LIMIT"]

MAX_OFFSET = 2000
FIELDS_MAX_LIMIT = 200


def compile_query(text: str, schemas: SchemaProvider) -> CompiledQuery:
    """Parse and check ``text``; raises :class:`SoqlError` as Salesforce would."""
    return compile_parsed(parse(text), schemas)


def compile_parsed(query: Query, schemas: SchemaProvider) -> CompiledQuery:
    schema = schemas.get(query.sobject)
    if schema is None:
        raise SoqlError(
            ErrorCode.INVALID_TYPE,
            located_message(query.text, query.sobject_pos, Messages.no_such_type(query.sobject)),
        )
    if not schema.queryable:
        raise SoqlError(ErrorCode.INVALID_TYPE_FOR_OPERATION, Messages.not_queryable(schema.name))
    compiled = _Checker(schemas).level(query, schema, nested=False)
    check_restrictions(query, schema)
    return compiled


class _Checker:
    def __init__(self, schemas: SchemaProvider) -> None:
        self.schemas = schemas

    def level(self, query: Query, schema: ObjectSchema, *, nested: bool) -> CompiledQuery:
        text = query.text
        resolver = Resolver(self.schemas, schema, text, query.alias)
        if any(isinstance(i, Aggregate) for i in query.select) or query.group_by:
            return check_aggregate(query, schema, resolver, self.semi_join_compiler(resolver, schema))
        columns: list[Column] = []
        select_paths: list[ResolvedPath] = []
        select_chains: set[tuple[str, ...]] = set()
        children: list[ChildColumn] = []
        seen: set[str] = set()
        for item in _expand_fields(query, schema):
            if isinstance(item, FieldPath):
                path = resolver.resolve(item)
                if path.key in seen:
                    raise SoqlError(ErrorCode.MALFORMED_QUERY, Messages.duplicate_field(item.text))
                seen.add(path.key)
                if path.rels:
                    seen.add("typeof:" + path.rels[0].lower())
                    if "typeof-used:" + path.rels[0].lower() in seen:
                        raise SoqlError(ErrorCode.MALFORMED_QUERY, Messages.duplicate_field(item.text))
                select_paths.append(path)
                _add_chains(select_chains, path.refs)
                _insert(columns, path)
            elif isinstance(item, TypeOf):
                col = self.typeof(item, schema, resolver)
                rel_key = col.relationship.lower()
                if "typeof:" + rel_key in seen or "typeof-used:" + rel_key in seen:
                    raise SoqlError(ErrorCode.MALFORMED_QUERY, Messages.duplicate_field(col.relationship))
                seen.add("typeof-used:" + rel_key)
                select_chains.add((col.ref,))
                columns.append(col)
            elif isinstance(item, SubQuery):
                if nested:
                    raise SoqlError(
                        ErrorCode.MALFORMED_QUERY,
                        located_message(text, item.pos, Messages.unexpected_token("(")),
                    )
                child = self.subquery(item, schema)
                columns.append(child)
                children.append(child)
        conditions = ConditionCompiler(resolver, semi_join=self.semi_join_compiler(resolver, schema))
        where = conditions.compile(query.where) if query.where is not None else None
        order = tuple(self.order(query, resolver, conditions))
        self.check_offset(query, schema)
        return CompiledQuery(
            text=text,
            sobject=schema,
            columns=tuple(columns),
            where=where,
            where_chains=frozenset(conditions.chains),
            select_chains=frozenset(select_chains),
            order=order,
            limit=query.limit,
            offset=query.offset,
            count_only=False,
            aggregate=None,
            id_selected="id" in seen,
            id_filter=_id_filter(where),
            children=tuple(children),
            select_paths=tuple(select_paths),
        )

    def check_offset(self, query: Query, schema: ObjectSchema) -> None:
        if query.offset is not None and query.offset > MAX_OFFSET:
            raise SoqlError(ErrorCode.NUMBER_OUTSIDE_VALID_RANGE, Messages.max_offset(schema.name))

    def order(self, query: Query, resolver: Resolver, conditions: ConditionCompiler) -> list[OrderPlan]:
        plans = []
        for item in query.order_by:
            if isinstance(item.expr, Aggregate):
                raise SoqlError(
                    ErrorCode.MALFORMED_QUERY,
                    located_message(query.text, item.expr.pos, Messages.unexpected_token(item.expr.function)),
                )
            path = resolver.resolve(item.expr)
            if not path.field.sortable:
                raise SoqlError(
                    ErrorCode.INVALID_FIELD,
                    located_message(query.text, item.expr.pos, Messages.cannot(path.name, "sorted")),
                )
            conditions.note_chain(path)
            nulls_first = (not item.descending) if item.nulls_first is None else item.nulls_first
            plans.append(OrderPlan(path.get, path.type, item.descending, nulls_first, path.name))
        return plans

    def typeof(self, item: TypeOf, schema: ObjectSchema, resolver: Resolver) -> TypeOfColumn:
        text = resolver.text
        parts, positions = resolver.strip_prefix(item.relationship)
        if len(parts) != 1:
            raise SoqlError(
                ErrorCode.MALFORMED_QUERY, located_message(text, positions[1], Messages.unexpected_token("."))
            )
        ref = resolver.relationship(schema, parts[0], positions[0])
        targets = {t.lower(): t for t in ref.reference_to}
        by_type: dict[str, tuple[Column, ...]] = {}
        for when in item.whens:
            target = self.schemas.get(when.type_name)
            if target is None or target.name.lower() not in targets:
                raise SoqlError(
                    ErrorCode.INVALID_TYPE,
                    located_message(text, when.type_pos, Messages.no_such_type(when.type_name)),
                )
            sub = Resolver(self.schemas, target, text, None)
            by_type[target.name.lower()] = tuple(self.plain_columns(when.fields, sub))
        else_columns: list[Column] = []
        for path in item.else_fields:
            field = NAME_ENTITY.get(path.parts[-1].lower()) if len(path.parts) == 1 else None
            if field is None:
                raise SoqlError(
                    ErrorCode.INVALID_FIELD,
                    located_message(text, path.positions[-1], Messages.no_such_column(path.text, "Name")),
                )
            getter = make_getter((), field.name)
            resolved = ResolvedPath(path.text, (), (), field, "Name", field.name.lower(), getter)
            else_columns.append(FieldColumn(field.name, resolved))
        return TypeOfColumn(ref.relationship_name or parts[0], ref.name, by_type, tuple(else_columns))

    def plain_columns(self, paths: tuple[FieldPath, ...], resolver: Resolver) -> list[Column]:
        columns: list[Column] = []
        for path in paths:
            if len(path.parts) != 1:
                raise SoqlError(
                    ErrorCode.MALFORMED_QUERY,
                    located_message(resolver.text, path.positions[1], Messages.unexpected_token(".")),
                )
            resolved = resolver.resolve(path)
            columns.append(FieldColumn(resolved.name, resolved))
        return columns

    def subquery(self, item: SubQuery, parent: ObjectSchema) -> ChildColumn:
        sub = item.query
        rel = parent.child_relationship(sub.sobject)
        child = self.schemas.get(rel.child_sobject) if rel is not None else None
        if rel is None or child is None:
            raise SoqlError(
                ErrorCode.INVALID_TYPE,
                located_message(sub.text, sub.sobject_pos, Messages.bad_child_relationship(sub.sobject)),
            )
        compiled = self.level(sub, child, nested=True)
        if compiled.aggregate is not None:  # aggregates and GROUP BY have no place in a relationship query
            first = next((i for i in sub.select if isinstance(i, Aggregate)), None)
            pos = first.pos if first is not None else sub.group_by[0].pos
            word = sub.text[pos:].split("(")[0].split()[0]
            raise SoqlError(ErrorCode.MALFORMED_QUERY, located_message(sub.text, pos, Messages.unexpected_token(word)))
        return ChildColumn(rel.relationship_name or sub.sobject, compiled, rel.field)

    def semi_join_compiler(self, resolver: Resolver, outer: ObjectSchema):  # type: ignore[no-untyped-def]
        def compile_inner(inner: Query, left: ResolvedPath) -> CompiledQuery:
            schema = self.schemas.get(inner.sobject)
            if schema is None:
                raise SoqlError(
                    ErrorCode.INVALID_TYPE,
                    located_message(inner.text, inner.sobject_pos, Messages.no_such_type(inner.sobject)),
                )
            if schema.name == outer.name:
                raise SoqlError(ErrorCode.MALFORMED_QUERY, Messages.semi_join_same_type())
            if len(inner.select) != 1 or not isinstance(inner.select[0], FieldPath):
                raise SoqlError(ErrorCode.MALFORMED_QUERY, Messages.semi_join_field())
            compiled = self.level(inner, schema, nested=True)
            (path,) = compiled.select_paths
            if domain(path.type) != "id":
                raise SoqlError(ErrorCode.MALFORMED_QUERY, Messages.semi_join_field())
            return compiled

        return compile_inner


def _expand_fields(query: Query, schema: ObjectSchema) -> list[SelectItem]:
    """The SELECT list with ``FIELDS(…)`` replaced by the fields it stands for.

    A field that FIELDS() brings in and the query also names explicitly is selected once.
    """
    explicit = {i.text.lower() for i in query.select if isinstance(i, FieldPath)}
    items: list[SelectItem] = []
    for item in query.select:
        if not isinstance(item, FieldsMacro):
            items.append(item)
            continue
        if item.kind != "STANDARD" and (query.limit is None or query.limit > FIELDS_MAX_LIMIT):
            raise SoqlError(ErrorCode.MALFORMED_QUERY, Messages.fields_limit())
        for f in schema.fields:
            if (item.kind == "ALL" or f.custom == (item.kind == "CUSTOM")) and f.name.lower() not in explicit:
                explicit.add(f.name.lower())
                items.append(FieldPath((f.name,), (item.pos,)))
    return items


def _add_chains(chains: set[tuple[str, ...]], refs: tuple[str, ...]) -> None:
    for k in range(1, len(refs) + 1):
        chains.add(refs[:k])


def _insert(columns: list[Column], path: ResolvedPath, depth: int = 0) -> None:
    """Place ``path`` in the output tree: parents nest, first mention fixes the position."""
    if depth == len(path.refs):
        columns.append(FieldColumn(path.name, path))
        return
    rel, ref = path.rels[depth], path.refs[depth]
    for k, col in enumerate(columns):
        if isinstance(col, ParentColumn) and col.ref == ref:
            inner = list(col.columns)
            _insert(inner, path, depth + 1)
            columns[k] = ParentColumn(col.relationship, col.ref, tuple(inner))
            return
    inner: list[Column] = []
    _insert(inner, path, depth + 1)
    columns.append(ParentColumn(rel, ref, tuple(inner)))


def _id_filter(where: CondPlan | None) -> tuple[str, ...] | None:
    """Ids a top-level ``Id = x`` / ``Id IN (…)`` restricts the scan to (None: no such filter)."""
    candidates = where.operands if isinstance(where, AndPlan) else (where,)
    for plan in candidates:
        if isinstance(plan, ComparePlan) and not plan.path.refs and plan.path.field.type == "id":
            if plan.op == "=" and plan.value is not None and plan.date_literal is None:
                return (plan.value,)
            if plan.op == "IN" and None not in plan.value:
                return tuple(sorted(v for v in plan.value if normalize_id(v)))
    return None
