"""Route conditions: which records of a source resource a route takes (``when:``).

A condition is one YAML mapping; the key that is present says which kind it is::

    {field: type, in: [break_fix, support_request]}        a test on one source value
    {field: billable, equals: true}
    {field: custom_fields, is_not_blank: true}             (an empty object is blank)
    {field: body, longer_than: 4000}
    {all: [cond, …]}   {any: [cond, …]}   {not: cond}      combinations
    {siblings: {by: client_id, equals: 1}}                 how many records of this resource share
                                                           this record's value of ``by`` (itself included)
    {lands_in: {field: parent_id, targets: [Case]}}        where the record that ``field`` references
                                                           was routed (for polymorphic parents the
                                                           resource comes from ``parent_resource``)

Exactly one operator per field test. Values compare as the source stores them (strings, numbers,
booleans); ``in``/``not_in`` take lists.
"""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import Discriminator, Field, Tag, model_validator

from control.mapping.base import MapModel, Scalar, SObjectName

__all__ = [
    "FieldTest",
    "AllOf",
    "AnyOf",
    "NotCondition",
    "SiblingCount",
    "SiblingTest",
    "LandsIn",
    "LandsInTest",
    "Condition",
    "FIELD_OPERATORS",
    "condition_fields",
]

FIELD_OPERATORS = ("equals", "not_equals", "in", "not_in", "is_blank", "is_not_blank", "longer_than")


class FieldTest(MapModel):
    """A test on one source value; exactly one operator."""

    field: str
    equals: Scalar | None = None
    not_equals: Scalar | None = None
    in_: tuple[Scalar, ...] | None = Field(default=None, alias="in")
    not_in: tuple[Scalar, ...] | None = None
    is_blank: bool | None = None
    is_not_blank: bool | None = None
    longer_than: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_operator(cls, data: Any) -> Any:
        if isinstance(data, dict):
            given = [op for op in FIELD_OPERATORS if op in data]
            if len(given) != 1:
                raise ValueError(
                    f"a field test needs exactly one operator of {', '.join(FIELD_OPERATORS)}"
                    + (f" (found {', '.join(given)})" if given else "")
                )
        return data

    @property
    def operator(self) -> str:
        for op in FIELD_OPERATORS:
            if getattr(self, "in_" if op == "in" else op) is not None:
                return op
        raise AssertionError("validated FieldTest without operator")  # pragma: no cover

    @property
    def operand(self) -> Any:
        return getattr(self, "in_" if self.operator == "in" else self.operator)


class AllOf(MapModel):
    all: tuple["Condition", ...]


class AnyOf(MapModel):
    any: tuple["Condition", ...]


class NotCondition(MapModel):
    not_: "Condition" = Field(alias="not")


class SiblingCount(MapModel):
    by: str
    equals: Annotated[int, Field(ge=0)] | None = None
    at_least: Annotated[int, Field(ge=0)] | None = None
    at_most: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> "SiblingCount":
        if sum(v is not None for v in (self.equals, self.at_least, self.at_most)) != 1:
            raise ValueError("siblings needs exactly one of equals, at_least, at_most")
        return self


class SiblingTest(MapModel):
    siblings: SiblingCount


class LandsIn(MapModel):
    field: str
    targets: tuple[SObjectName, ...]


class LandsInTest(MapModel):
    lands_in: LandsIn


_KINDS = {"field": "field", "all": "all", "any": "any", "not": "not", "siblings": "siblings", "lands_in": "lands_in"}


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for key, kind in _KINDS.items():
            if key in value:
                return kind
        return None
    if isinstance(value, MapModel):
        return {FieldTest: "field", AllOf: "all", AnyOf: "any", NotCondition: "not", SiblingTest: "siblings",
                LandsInTest: "lands_in"}.get(type(value))
    return None


Condition = Annotated[
    Union[
        Annotated[FieldTest, Tag("field")],
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[NotCondition, Tag("not")],
        Annotated[SiblingTest, Tag("siblings")],
        Annotated[LandsInTest, Tag("lands_in")],
    ],
    Discriminator(
        _condition_kind,
        custom_error_type="condition",
        custom_error_message="a condition is one of {field: …}, {all: […]}, {any: […]}, {not: …}, "
        "{siblings: …}, {lands_in: …}",
    ),
]

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotCondition.model_rebuild()


def condition_fields(condition: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], str]]:
    """Every source field a condition reads, with the model path (relative to the condition) naming it."""
    out: list[tuple[tuple[Any, ...], str]] = []
    if isinstance(condition, FieldTest):
        out.append(((*path, "field"), condition.field))
    elif isinstance(condition, AllOf):
        for i, sub in enumerate(condition.all):
            out += condition_fields(sub, (*path, "all", i))
    elif isinstance(condition, AnyOf):
        for i, sub in enumerate(condition.any):
            out += condition_fields(sub, (*path, "any", i))
    elif isinstance(condition, NotCondition):
        out += condition_fields(condition.not_, (*path, "not"))
    elif isinstance(condition, SiblingTest):
        out.append(((*path, "siblings", "by"), condition.siblings.by))
    elif isinstance(condition, LandsInTest):
        out.append(((*path, "lands_in", "field"), condition.lands_in.field))
    return out
