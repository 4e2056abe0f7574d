"""The SOQL abstract syntax tree: immutable dataclasses the parser builds and the checker reads.

::

    Query ── select: SelectItem*       SelectItem = FieldPath | Aggregate | TypeOf | SubQuery
          ├─ sobject, alias
          ├─ where: Condition?         Condition  = Comparison | SemiJoin | Not | And | Or
          ├─ group_by: FieldPath*, having: Condition?
          ├─ order_by: OrderItem*      OrderItem.expr = FieldPath | Aggregate
          └─ limit, offset, with_clause, for_clauses, using_scope

Every node keeps ``pos``, the character offset of its first token, for positional errors.
Values on the right of a comparison are :class:`Literal` (or a :class:`ValueList` for IN/INCLUDES).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Union

from emulators.salesforce.soql.vocabulary import AggregateFunction, Operator

__all__ = [
    "LiteralKind",
    "Literal",
    "ValueList",
    "FieldPath",
    "Aggregate",
    "TypeOfWhen",
    "TypeOf",
    "SubQuery",
    "FieldsMacro",
    "Comparison",
    "SemiJoin",
    "Not",
    "And",
    "Or",
    "OrderItem",
    "Query",
    "SelectItem",
    "Condition",
    "Value",
]


class LiteralKind(StrEnum):
    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    NULL = "null"
    DATE = "date"
    DATETIME = "datetime"
    DATE_LITERAL = "date_literal"  # TODAY, LAST_N_DAYS:n …


@dataclass(frozen=True, slots=True)
class Literal:
    kind: LiteralKind
    value: object  # str for STRING/DATE/DATETIME/DATE_LITERAL name, int|float for NUMBER, bool, None
    raw: str
    pos: int
    n: int | None = None  # the parameter of LAST_N_DAYS:n and friends


@dataclass(frozen=True, slots=True)
class ValueList:
    items: tuple[Literal, ...]
    pos: int


@dataclass(frozen=True, slots=True)
class FieldPath:
    """``Account.Owner.Name``: ``parts`` as written, ``positions`` of each part."""

    parts: tuple[str, ...]
    positions: tuple[int, ...]

    @property
    def pos(self) -> int:
        return self.positions[0]

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True, slots=True)
class Aggregate:
    """``COUNT()`` (arg None), ``COUNT(Id)``, ``COUNT_DISTINCT``, ``MIN``, ``MAX``, ``SUM``, ``AVG``."""

    function: AggregateFunction
    arg: FieldPath | None
    alias: str | None
    pos: int
    text: str  # as written, e.g. "COUNT(Id)"


@dataclass(frozen=True, slots=True)
class TypeOfWhen:
    type_name: str
    type_pos: int
    fields: tuple[FieldPath, ...]


@dataclass(frozen=True, slots=True)
class TypeOf:
    relationship: FieldPath
    whens: tuple[TypeOfWhen, ...]
    else_fields: tuple[FieldPath, ...]
    pos: int


@dataclass(frozen=True, slots=True)
class SubQuery:
    query: "Query"
    pos: int


@dataclass(frozen=True, slots=True)
class FieldsMacro:
    """``FIELDS(ALL)``, ``FIELDS(STANDARD)``, ``FIELDS(CUSTOM)``."""

    kind: str  # upper case
    pos: int


@dataclass(frozen=True, slots=True)
class Comparison:
    """``field op value``; op is one of = != < > <= >= LIKE IN NOT IN INCLUDES EXCLUDES (``<>`` becomes !=)."""

    left: FieldPath | Aggregate
    op: Operator
    value: Literal | ValueList
    pos: int
    op_pos: int


@dataclass(frozen=True, slots=True)
class SemiJoin:
    """``field [NOT] IN (SELECT f FROM O …)``."""

    left: FieldPath
    negated: bool
    query: "Query"
    pos: int


@dataclass(frozen=True, slots=True)
class Not:
    operand: "Condition"
    pos: int


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple["Condition", ...]
    pos: int


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple["Condition", ...]
    pos: int


@dataclass(frozen=True, slots=True)
class OrderItem:
    expr: FieldPath | Aggregate
    descending: bool
    nulls_first: bool | None  # None: Salesforce's default (first when ascending, last when descending)
    pos: int


@dataclass(frozen=True, slots=True)
class Query:
    select: tuple["SelectItem", ...]
    sobject: str
    sobject_pos: int
    alias: str | None = None
    where: "Condition | None" = None
    with_clause: str | None = None  # SECURITY_ENFORCED, …
    group_by: tuple[FieldPath, ...] = ()
    group_by_kind: str | None = None  # ROLLUP / CUBE
    having: "Condition | None" = None
    order_by: tuple[OrderItem, ...] = ()
    limit: int | None = None
    limit_pos: int = -1
    offset: int | None = None
    offset_pos: int = -1
    for_clauses: tuple[str, ...] = ()  # VIEW, REFERENCE, UPDATE
    using_scope: str | None = None
    text: str = ""  # the whole query text, for positional errors
    pos: int = 0


SelectItem = Union[FieldPath, Aggregate, TypeOf, SubQuery, FieldsMacro]
Condition = Union[Comparison, SemiJoin, Not, And, Or]
Value = Union[Literal, ValueList]
