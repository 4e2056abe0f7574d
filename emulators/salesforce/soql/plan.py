"""The compiled form of a query: what the checker hands the executor.

A :class:`CompiledQuery` holds only schema-derived facts — resolved field paths with their getters,
the output column tree, typed filter plans — and nothing that depends on the clock or the data, so
one compiled query can be run many times (the engine binds dates and semi-joins at run time).

Row access goes through ``getter(row, parents)``: ``parents`` maps an Id to ``(sobject, row)`` for
every parent row the executor fetched for the current batch (relationship paths walk it hop by hop).

Output columns form a tree mirroring the REST record shape::

    FieldColumn("Name")                              → "Name": value
    ParentColumn("Account", ref "AccountId", [...])  → "Account": {attributes, …} | null
    TypeOfColumn("What", ref "WhatId", {type: [...]})→ "What": {attributes, fields of its actual type}
    ChildColumn("Contacts", child query, "AccountId")→ "Contacts": {totalSize, done, records} | null
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Union

from emulators.salesforce.schema.model import FieldSchema, ObjectSchema
from emulators.salesforce.schema.provider import Row

__all__ = [
    "Parents",
    "Getter",
    "ResolvedPath",
    "FieldColumn",
    "ParentColumn",
    "TypeOfColumn",
    "ChildColumn",
    "Column",
    "ComparePlan",
    "SemiJoinPlan",
    "NotPlan",
    "AndPlan",
    "OrPlan",
    "CondPlan",
    "OrderPlan",
    "AggregateColumn",
    "GroupColumn",
    "AggregatePlan",
    "CompiledQuery",
]

Parents = Mapping[str, tuple[str, Row]]
Getter = Callable[[Row, Parents], Any]


@dataclass(frozen=True, slots=True)
class ResolvedPath:
    written: str  # as the query wrote it
    refs: tuple[str, ...]  # reference fields walked, hop by hop (describe casing)
    rels: tuple[str, ...]  # their relationship names (describe casing)
    field: FieldSchema  # the leaf field
    owner: str  # the sObject the leaf belongs to ("Name" behind a polymorphic relationship)
    key: str  # canonical lower-case "account.owner.name" (duplicates, grouping)
    get: Getter = field(compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def type(self) -> str:
        return self.field.type


@dataclass(frozen=True, slots=True)
class FieldColumn:
    name: str
    path: ResolvedPath


@dataclass(frozen=True, slots=True)
class ParentColumn:
    relationship: str
    ref: str  # the reference field on the row that holds the parent's Id
    columns: tuple["Column", ...]


@dataclass(frozen=True, slots=True)
class TypeOfColumn:
    relationship: str
    ref: str
    by_type: dict[str, tuple["Column", ...]]  # lower-case sObject name → columns
    else_columns: tuple["Column", ...]


@dataclass(frozen=True, slots=True)
class ChildColumn:
    relationship: str
    query: "CompiledQuery"
    link_field: str  # the child's reference field pointing at the parent


Column = Union[FieldColumn, ParentColumn, TypeOfColumn, ChildColumn]


@dataclass(frozen=True, slots=True)
class ComparePlan:
    """``path op value``; ``value`` is already normalised for the field type (see conditions.py)."""

    path: ResolvedPath
    op: str
    value: Any  # normalised literal, frozenset for IN, tuple of frozensets for INCLUDES, None for null
    date_literal: tuple[str, int | None] | None = None  # (name, n) when the value is relative


@dataclass(frozen=True, slots=True)
class SemiJoinPlan:
    path: ResolvedPath
    negated: bool
    query: "CompiledQuery"  # selects exactly one id/reference field


@dataclass(frozen=True, slots=True)
class NotPlan:
    operand: "CondPlan"


@dataclass(frozen=True, slots=True)
class AndPlan:
    operands: tuple["CondPlan", ...]


@dataclass(frozen=True, slots=True)
class OrPlan:
    operands: tuple["CondPlan", ...]


CondPlan = Union[ComparePlan, SemiJoinPlan, NotPlan, AndPlan, OrPlan]


@dataclass(frozen=True, slots=True)
class OrderPlan:
    get: Getter = field(repr=False)
    type: str  # field type, or "aggregate"
    descending: bool
    nulls_first: bool
    label: str  # for aggregate queries: the output key it sorts on


@dataclass(frozen=True, slots=True)
class AggregateColumn:
    name: str  # alias or exprN
    function: str
    path: ResolvedPath | None  # None for COUNT()
    text: str  # as written, e.g. COUNT(Id)


@dataclass(frozen=True, slots=True)
class GroupColumn:
    name: str  # output key: the leaf field name
    path: ResolvedPath


@dataclass(frozen=True, slots=True)
class AggregatePlan:
    groups: tuple[GroupColumn, ...]  # GROUP BY fields, in GROUP BY order
    output: tuple[GroupColumn | AggregateColumn, ...]  # SELECT order
    aggregates: tuple[AggregateColumn, ...]  # every aggregate computed (SELECT, HAVING, ORDER BY)
    having: CondPlan | None
    group_kind: str | None


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    text: str
    sobject: ObjectSchema
    columns: tuple[Column, ...]
    where: CondPlan | None
    where_chains: frozenset[tuple[str, ...]]  # reference chains the filter and ordering walk
    select_chains: frozenset[tuple[str, ...]]  # reference chains the output walks
    order: tuple[OrderPlan, ...]
    limit: int | None
    offset: int | None
    count_only: bool  # SELECT COUNT() …
    aggregate: AggregatePlan | None
    id_selected: bool
    id_filter: tuple[str, ...] | None = None  # top-level ``Id = x`` / ``Id IN (…)``: scan only these
    children: tuple[ChildColumn, ...] = ()
    select_paths: tuple[ResolvedPath, ...] = ()
