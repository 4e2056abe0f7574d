"""The semantic check of aggregate queries (aggregate functions and/or GROUP BY).

Salesforce's rules enforced here:

* every plain field selected must be grouped — ``MALFORMED_QUERY`` "Field must be grouped or
  aggregated: X"; ORDER BY likewise ("Ordered field must be grouped or aggregated: X");
* GROUP BY fields must be groupable — ``INVALID_FIELD`` "field 'X' can not be grouped in a query call";
* SUM/AVG take numbers only, MIN/MAX no booleans or long text, COUNT no long text —
  ``MALFORMED_QUERY`` "field X does not support aggregate operator F";
* ``COUNT()`` stands alone; aliases are unique.

Unaliased aggregates are named ``expr0``, ``expr1``… in SELECT order. Internally a group row is a
dict keyed ``g<i>`` (group values) and ``a<i>`` (aggregate values); HAVING and ORDER BY read it
through synthetic :class:`ResolvedPath` getters.
"""

from __future__ import annotations

from typing import Callable

from emulators.salesforce.schema.model import FieldSchema, ObjectSchema
from emulators.salesforce.soql.conditions import ConditionCompiler
from emulators.salesforce.soql.errors import ErrorCode, Messages, SoqlError, located_message
from emulators.salesforce.soql.literals import domain
from emulators.salesforce.soql.plan import (
    AggregateColumn,
    AggregatePlan,
    CompiledQuery,
    GroupColumn,
    OrderPlan,
    ResolvedPath,
)
from emulators.salesforce.soql.resolve import Resolver
from emulators.salesforce.soql.syntax import Aggregate, FieldPath, Query

__all__ = ["check_aggregate", "MAX_OFFSET"]

MAX_OFFSET = 2000
_LONG_TYPES = frozenset({"textarea", "base64", "address", "location", "anyType", "complexvalue", "encryptedstring"})


def _internal_path(key: str, field: FieldSchema, written: str) -> ResolvedPath:
    def get(row, parents):  # type: ignore[no-untyped-def]
        return row.get(key)

    return ResolvedPath(written, (), (), field, "AggregateResult", key, get)


def _result_field(function: str, arg: ResolvedPath | None) -> FieldSchema:
    if function in ("COUNT", "COUNT_DISTINCT"):
        return FieldSchema(name=function, type="int", label=function)
    if function == "AVG" or arg is None:
        return FieldSchema(name=function, type="double", label=function)
    return FieldSchema(name=function, type=arg.type, label=function)


def _supports(function: str, field: FieldSchema) -> bool:
    if field.extra.get("aggregatable") is False:
        return False
    long_text = field.type in _LONG_TYPES and not field.groupable
    if function in ("COUNT", "COUNT_DISTINCT"):
        return not long_text
    if function in ("SUM", "AVG"):
        return domain(field.type) == "number"
    return not long_text and field.type not in ("boolean", "multipicklist")


def check_aggregate(
    query: Query,
    schema: ObjectSchema,
    resolver: Resolver,
    semi_join: Callable[[Query, ResolvedPath], CompiledQuery],
) -> CompiledQuery:
    text = query.text
    chains: set[tuple[str, ...]] = set()

    def note(path: ResolvedPath) -> None:
        for k in range(1, len(path.refs) + 1):
            chains.add(path.refs[:k])

    groups: list[GroupColumn] = []
    for item in query.group_by:
        path = resolver.resolve(item)
        if not path.field.groupable:
            message = Messages.cannot(path.name, "grouped")
            raise SoqlError(ErrorCode.INVALID_FIELD, located_message(text, item.pos, message))
        note(path)
        groups.append(GroupColumn(f"g{len(groups)}", path))
    group_by_key = {g.path.key: g for g in groups}

    aggregates: list[AggregateColumn] = []

    def add_aggregate(agg: Aggregate, name: str | None) -> AggregateColumn:
        arg = None
        if agg.arg is not None:
            arg = resolver.resolve(agg.arg)
            if not _supports(agg.function, arg.field):
                raise SoqlError(
                    ErrorCode.MALFORMED_QUERY,
                    located_message(text, agg.arg.pos, Messages.no_aggregate(arg.name, agg.function)),
                )
            note(arg)
        col = AggregateColumn(name or f"a{len(aggregates)}", agg.function, arg, agg.text)
        aggregates.append(col)
        return col

    output: list[GroupColumn | AggregateColumn] = []
    internal_of: dict[int, str] = {}
    aliases: set[str] = set()
    expr_n = 0
    count_only = False
    for item in query.select:
        if isinstance(item, Aggregate):
            if item.function == "COUNT" and item.arg is None:
                if len(query.select) != 1:
                    raise SoqlError(ErrorCode.MALFORMED_QUERY, Messages.count_with_fields())
                count_only = True
                continue
            if item.alias is not None:
                if item.alias.lower() in aliases:
                    raise SoqlError(ErrorCode.MALFORMED_QUERY, Messages.duplicate_alias(item.alias))
                aliases.add(item.alias.lower())
                label = item.alias
            else:
                label = f"expr{expr_n}"
                expr_n += 1
            col = add_aggregate(item, None)
            output.append(AggregateColumn(label, col.function, col.path, col.text))
            internal_of[len(output) - 1] = col.name
        elif isinstance(item, FieldPath):
            path = resolver.resolve(item)
            group = group_by_key.get(path.key)
            if group is None:
                raise SoqlError(ErrorCode.MALFORMED_QUERY, Messages.not_grouped(item.text))
            output.append(GroupColumn(path.name, path))
            internal_of[len(output) - 1] = group.name
        else:  # TYPEOF, a sub-query or FIELDS() cannot be grouped
            word = text[item.pos :].split()[0]
            raise SoqlError(ErrorCode.MALFORMED_QUERY, located_message(text, item.pos, Messages.unexpected_token(word)))

    def aggregate_path(agg: Aggregate) -> ResolvedPath:
        col = add_aggregate(agg, None)
        return _internal_path(col.name, _result_field(col.function, col.path), agg.text)

    def group_path(path: FieldPath) -> ResolvedPath:
        resolved = resolver.resolve(path)
        group = group_by_key.get(resolved.key)
        if group is None:
            raise SoqlError(ErrorCode.MALFORMED_QUERY, Messages.not_grouped(path.text))
        return _internal_path(group.name, resolved.field, path.text)

    where_compiler = ConditionCompiler(resolver, semi_join=semi_join)
    where = where_compiler.compile(query.where) if query.where is not None else None
    chains |= where_compiler.chains
    having = None
    if query.having is not None:
        having = ConditionCompiler(resolver, aggregate_path=aggregate_path, group_path=group_path).compile(query.having)

    order: list[OrderPlan] = []
    for item in query.order_by:
        nulls_first = (not item.descending) if item.nulls_first is None else item.nulls_first
        if isinstance(item.expr, Aggregate):
            path = aggregate_path(item.expr)
        else:
            resolved = resolver.resolve(item.expr)
            group = group_by_key.get(resolved.key)
            if group is None:
                raise SoqlError(ErrorCode.MALFORMED_QUERY, Messages.order_not_grouped(item.expr.text))
            path = _internal_path(group.name, resolved.field, item.expr.text)
        order.append(OrderPlan(path.get, path.type, item.descending, nulls_first, path.key))
    if query.offset is not None and query.offset > MAX_OFFSET:
        raise SoqlError(ErrorCode.NUMBER_OUTSIDE_VALID_RANGE, Messages.max_offset(schema.name))

    # Output columns read the internal keys; keep their public names for rendering.
    rendered: list[GroupColumn | AggregateColumn] = []
    for k, col in enumerate(output):
        if isinstance(col, GroupColumn):
            rendered.append(GroupColumn(col.name, _internal_path(internal_of[k], col.path.field, col.path.written)))
        else:
            result = _internal_path(internal_of[k], _result_field(col.function, col.path), col.text)
            rendered.append(AggregateColumn(col.name, col.function, result, col.text))
    plan = AggregatePlan(
        groups=tuple(groups),
        output=tuple(rendered),
        aggregates=tuple(aggregates),
        having=having,
        group_kind=query.group_by_kind,
    )
    return CompiledQuery(
        text=text,
        sobject=schema,
        columns=(),
        where=where,
        where_chains=frozenset(chains),
        select_chains=frozenset(),
        order=tuple(order),
        limit=query.limit,
        offset=query.offset,
        count_only=count_only,
        aggregate=plan,
        id_selected=False,
        select_paths=tuple(c.path for c in output if isinstance(c, GroupColumn)),
    )
