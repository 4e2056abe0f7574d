"""WHERE / HAVING conditions → typed :mod:`plan` nodes, with Salesforce's operator and value checks.

Checks, in the order Salesforce reports them: the field exists (resolve.py), is filterable
(``field 'X' can not be filtered in a query call``), the operator suits its type (LIKE only on
text, INCLUDES/EXCLUDES only on multi-select picklists, ``INVALID_QUERY_FILTER_OPERATOR``), and
the value is of the field's type (``INVALID_FIELD`` "value of filter criterion …").
Semi-joins compile their inner query through the callback the checker passes in.
"""

from __future__ import annotations

from typing import Callable

from emulators.salesforce.soql.errors import ErrorCode, Messages, SoqlError, located_message
from emulators.salesforce.soql.literals import domain, like_pattern, normalize_literal
from emulators.salesforce.soql.plan import (
    AndPlan,
    ComparePlan,
    CompiledQuery,
    CondPlan,
    NotPlan,
    OrPlan,
    ResolvedPath,
    SemiJoinPlan,
)
from emulators.salesforce.soql.resolve import Resolver
from emulators.salesforce.soql.syntax import (
    Aggregate,
    And,
    Comparison,
    Condition,
    FieldPath,
    Literal,
    LiteralKind,
    Not,
    Or,
    Query,
    SemiJoin,
    ValueList,
)

__all__ = ["ConditionCompiler"]

_ORDERING_OPS = frozenset({"<", ">", "<=", ">="})


class ConditionCompiler:
    """Compiles the conditions of one query level.

    ``aggregate_path`` (HAVING only) maps an aggregate in the condition to the path of its value;
    ``semi_join`` compiles the inner query of ``… IN (SELECT …)``.
    """

    def __init__(
        self,
        resolver: Resolver,
        *,
        semi_join: Callable[[Query, ResolvedPath], CompiledQuery] | None = None,
        aggregate_path: Callable[[Aggregate], ResolvedPath] | None = None,
        group_path: Callable[[FieldPath], ResolvedPath] | None = None,
    ) -> None:
        self.resolver = resolver
        self.text = resolver.text
        self.semi_join = semi_join
        self.aggregate_path = aggregate_path
        self.group_path = group_path
        self.chains: set[tuple[str, ...]] = set()

    def error(self, code: str, pos: int, message: str) -> SoqlError:
        return SoqlError(code, located_message(self.text, pos, message))

    def compile(self, cond: Condition) -> CondPlan:
        if isinstance(cond, And):
            return AndPlan(tuple(self.compile(c) for c in cond.operands))
        if isinstance(cond, Or):
            return OrPlan(tuple(self.compile(c) for c in cond.operands))
        if isinstance(cond, Not):
            return NotPlan(self.compile(cond.operand))
        if isinstance(cond, SemiJoin):
            return self.semi(cond)
        return self.comparison(cond)

    def field(self, left: FieldPath | Aggregate) -> ResolvedPath:
        if isinstance(left, Aggregate):
            if self.aggregate_path is None:
                raise self.error(ErrorCode.MALFORMED_QUERY, left.pos, Messages.unexpected_token(left.function))
            return self.aggregate_path(left)
        if self.group_path is not None:
            return self.group_path(left)
        path = self.resolver.resolve(left)
        if not path.field.filterable:
            raise self.error(ErrorCode.INVALID_FIELD, left.pos, Messages.cannot(path.name, "filtered"))
        self.note_chain(path)
        return path

    def note_chain(self, path: ResolvedPath) -> None:
        for k in range(1, len(path.refs) + 1):
            self.chains.add(path.refs[:k])

    def semi(self, cond: SemiJoin) -> SemiJoinPlan:
        path = self.field(cond.left)
        if path.type not in ("id", "reference"):
            raise self.error(ErrorCode.MALFORMED_QUERY, cond.left.pos, Messages.semi_join_left())
        assert self.semi_join is not None
        inner = self.semi_join(cond.query, path)
        return SemiJoinPlan(path, cond.negated, inner)

    def comparison(self, cond: Comparison) -> ComparePlan:
        path = self.field(cond.left)
        dom = domain(path.type)
        op = cond.op
        value = cond.value
        type_label = path.type
        if op == "LIKE":
            if dom != "text":
                raise self.error(
                    ErrorCode.INVALID_QUERY_FILTER_OPERATOR, cond.pos, Messages.invalid_operator(type_label)
                )
            assert isinstance(value, Literal)
            if value.kind is LiteralKind.NULL:
                return ComparePlan(path, "=", None)
            if value.kind is not LiteralKind.STRING:
                normalize_literal(value, path, self.text)  # raises the type error
            return ComparePlan(path, "LIKE", like_pattern(value.raw))
        if op in ("INCLUDES", "EXCLUDES"):
            if dom != "multi":
                raise self.error(
                    ErrorCode.INVALID_QUERY_FILTER_OPERATOR, cond.pos, Messages.includes_only_multipicklist()
                )
            assert isinstance(value, ValueList)
            wanted = tuple(normalize_literal(item, path, self.text) or frozenset() for item in value.items)
            return ComparePlan(path, op, wanted)
        if op in ("IN", "NOT IN"):
            assert isinstance(value, ValueList)
            items = frozenset(normalize_literal(item, path, self.text) for item in value.items)
            return ComparePlan(path, op, items)
        assert isinstance(value, Literal)
        if op in _ORDERING_OPS and dom in ("boolean", "multi"):
            message = Messages.invalid_operator(type_label)
            raise self.error(ErrorCode.INVALID_QUERY_FILTER_OPERATOR, cond.op_pos, message)
        if value.kind is LiteralKind.DATE_LITERAL:
            if dom not in ("date", "datetime"):
                normalize_literal(value, path, self.text)  # raises the type error
            return ComparePlan(path, op, None, (str(value.value), value.n))
        return ComparePlan(path, op, normalize_literal(value, path, self.text))
