"""Field transforms: what happens to a source value on its way to a target field.

A field rule's ``transform`` is a pipeline: a list of steps applied in order (a single step may be
written without the list). Each step is a one-key YAML mapping; the key names the transform::

    value_map: work_order_status                    picklist values, value by value (named or inline)
    concatenate: {sources: [a, b], separator: " "}  several source values joined (blanks skipped)
    coalesce: {sources: [a, b]}                     the first source value that is not blank
    split: {separator: " ", index: 0}               one part of a value (``index``; or ``from``: the rest)
    parse_date: {formats: [...], from_datetime: reject}
    parse_datetime: {naive: reject}                 ISO-8601 with offset → instant (UTC); naive values by policy
    number: {scale: 2, rounding: half_even}         number/currency: parse "1,250.00", scale (× factor), round
    months_between: {start: start_date}             whole months from another date field to this one (ceil)
    boolean: {true: [...], false: [...]}            yes/no spellings → true/false
    truncate: {length: 255}                         shorten: ONLY when the map says so
    constant: "Technicians"                         a fixed value (no source)
    lookup: {rule: client_account}                  a reference → the Id of the record a route made
    lookup: {record: technicians_account}           the Id of one of the map's fixed ``records``
    polymorphic_lookup: {type_field: parent_resource, targets: {work_orders: [a, b], clients: c}}
    polymorphic_lookup: {candidates: [{source: work_order_id, routes: [a, b]}, {source: client_id, routes: [c]}]}
    file_content                                    the attachment body (downloaded by the record's id)
    join_items: {template: "{description} x {quantity}", separator: "\\n"}   array → text
    html_to_text: {format_field: body_format}       HTML → plain text (when format_field says html)

Time zones are explicit: a calendar **date is never shifted** through a zone; a datetime keeps its
instant; a naive datetime (from a custom field) is read in the zone its policy names or refused; a date
taken from a datetime needs a policy saying in which zone the calendar day is read.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Union

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from control.mapping.base import MapModel, RouteName, Scalar
from control.mapping.values import ValueMap

__all__ = [
    "TransformKind",
    "Rounding",
    "NaivePolicy",
    "FromDatetime",
    "ValueMapTransform",
    "ConcatenateTransform",
    "ConcatenateParams",
    "SplitTransform",
    "SplitParams",
    "ParseDateTransform",
    "ParseDateParams",
    "ParseDatetimeTransform",
    "ParseDatetimeParams",
    "NumberTransform",
    "NumberParams",
    "BooleanTransform",
    "BooleanParams",
    "TruncateTransform",
    "TruncateParams",
    "ConstantTransform",
    "LookupTransform",
    "LookupParams",
    "PolymorphicLookupTransform",
    "PolymorphicParams",
    "JoinItemsTransform",
    "JoinItemsParams",
    "HtmlToTextTransform",
    "HtmlToTextParams",
    "CoalesceTransform",
    "CoalesceParams",
    "MonthsBetweenTransform",
    "MonthsBetweenParams",
    "FileContentTransform",
    "Candidate",
    "Transform",
    "transform_kind",
    "normalise_step",
]


class TransformKind(StrEnum):
    VALUE_MAP = "value_map"
    CONCATENATE = "concatenate"
    SPLIT = "split"
    PARSE_DATE = "parse_date"
    PARSE_DATETIME = "parse_datetime"
    NUMBER = "number"
    BOOLEAN = "boolean"
    TRUNCATE = "truncate"
    CONSTANT = "constant"
    LOOKUP = "lookup"
    POLYMORPHIC_LOOKUP = "polymorphic_lookup"
    JOIN_ITEMS = "join_items"
    HTML_TO_TEXT = "html_to_text"
    COALESCE = "coalesce"
    MONTHS_BETWEEN = "months_between"
    FILE_CONTENT = "file_content"


class Rounding(StrEnum):
    """How a number with more decimals than the target's scale is treated."""

    HALF_EVEN = "half_even"
    HALF_UP = "half_up"
    REJECT = "reject"  # quarantine the record rather than lose a digit


class NaivePolicy(StrEnum):
    """How a datetime without an offset is read (custom fields typed by hand have none)."""

    REJECT = "reject"
    TENANT = "tenant"  # the tenant's time zone (settings.tenant_time_zone)
    UTC = "utc"


class FromDatetime(StrEnum):
    """Which calendar day a datetime stands for, when a date is taken from one."""

    REJECT = "reject"
    RECORD_OFFSET = "record_offset"  # the day in the offset the value was written with
    TENANT = "tenant"
    UTC = "utc"


class ValueMapTransform(MapModel):
    """``value_map: NAME`` (a map under ``value_maps:``) or an inline :class:`ValueMap`."""

    value_map: str | ValueMap


class ConcatenateParams(MapModel):
    sources: Annotated[tuple[str, ...], Field(min_length=2)]
    separator: str = " "
    skip_blank: bool = True


class ConcatenateTransform(MapModel):
    concatenate: ConcatenateParams


class CoalesceParams(MapModel):
    sources: Annotated[tuple[str, ...], Field(min_length=2)]


class CoalesceTransform(MapModel):
    coalesce: CoalesceParams


class MonthsBetweenParams(MapModel):
    start: str


class MonthsBetweenTransform(MapModel):
    months_between: MonthsBetweenParams


class FileContentTransform(MapModel):
    """The attachment body, downloaded from ``/attachments/{id}/content`` (source: the attachment id)."""

    file_content: None = None


class SplitParams(MapModel):
    separator: str = " "
    index: int | None = None
    from_: int | None = Field(default=None, alias="from")

    @model_validator(mode="after")
    def _one_part(self) -> "SplitParams":
        if (self.index is None) == (self.from_ is None):
            raise ValueError("split needs exactly one of index (one part) or from (that part and the rest)")
        return self


class SplitTransform(MapModel):
    split: SplitParams


class ParseDateParams(MapModel):
    formats: tuple[str, ...] = ("%Y-%m-%d",)
    from_datetime: FromDatetime = FromDatetime.REJECT


class ParseDateTransform(MapModel):
    parse_date: ParseDateParams = ParseDateParams()

    @field_validator("parse_date", mode="before")
    @classmethod
    def _empty(cls, value: Any) -> Any:
        return {} if value is None else value


class ParseDatetimeParams(MapModel):
    naive: NaivePolicy | str = NaivePolicy.REJECT  # or an IANA zone name
    formats: tuple[str, ...] = ()  # extra strptime formats for naive values; ISO-8601 is always accepted


class ParseDatetimeTransform(MapModel):
    parse_datetime: ParseDatetimeParams = ParseDatetimeParams()

    @field_validator("parse_datetime", mode="before")
    @classmethod
    def _empty(cls, value: Any) -> Any:
        return {} if value is None else value


class NumberParams(MapModel):
    scale: Annotated[int, Field(ge=0, le=18)] = 2
    factor: float = 1.0
    rounding: Rounding = Rounding.HALF_EVEN
    thousands: str = ","
    decimal: str = "."


class NumberTransform(MapModel):
    number: NumberParams = NumberParams()

    @field_validator("number", mode="before")
    @classmethod
    def _empty(cls, value: Any) -> Any:
        return {} if value is None else value


class BooleanParams(MapModel):
    true: tuple[str, ...] = ("true", "yes", "y", "1", "on")
    false: tuple[str, ...] = ("false", "no", "n", "0", "off", "")


class BooleanTransform(MapModel):
    boolean: BooleanParams = BooleanParams()

    @field_validator("boolean", mode="before")
    @classmethod
    def _empty(cls, value: Any) -> Any:
        return {} if value is None else value


class TruncateParams(MapModel):
    length: Annotated[int, Field(ge=1, le=131072)]
    marker: str = ""


class TruncateTransform(MapModel):
    truncate: TruncateParams

    @field_validator("truncate", mode="before")
    @classmethod
    def _bare_length(cls, value: Any) -> Any:
        return {"length": value} if isinstance(value, int) and not isinstance(value, bool) else value


class ConstantTransform(MapModel):
    constant: Scalar | None


class LookupParams(MapModel):
    """Resolve a source reference to the Salesforce record a route made for it.

    ``rule`` names the route whose records are looked up; ``resource`` instead accepts whichever route
    of that resource the referenced record took (the target field must then accept every such target).
    ``field`` is the target field returned (default the record's Id).
    """

    rule: RouteName | None = None
    resource: str | None = None
    record: RouteName | None = None
    field: str = "Id"

    @model_validator(mode="after")
    def _one_way(self) -> "LookupParams":
        if sum(x is not None for x in (self.rule, self.resource, self.record)) != 1:
            raise ValueError("lookup needs exactly one of rule (a route name), resource (a source resource) "
                             "or record (one of the map's fixed records)")
        return self


class LookupTransform(MapModel):
    lookup: LookupParams


class Candidate(MapModel):
    source: str
    routes: Annotated[tuple[RouteName, ...], Field(min_length=1)]


class PolymorphicParams(MapModel):
    """A reference to one of several kinds of record; the target type is written with the Id.

    Either ``type_field`` names the field holding the resource (``parent_resource``) and ``targets`` lists,
    per resource, the routes whose records may be referenced (the rule's ``source`` holds the id); or
    ``candidates`` lists references in order of preference and the first one that is set is used (the
    rule has no ``source``).
    """

    type_field: str | None = None
    targets: dict[str, RouteName | tuple[RouteName, ...]] = {}
    candidates: tuple[Candidate, ...] = ()

    @model_validator(mode="after")
    def _one_form(self) -> "PolymorphicParams":
        by_type = self.type_field is not None and bool(self.targets)
        if by_type == bool(self.candidates) or (self.type_field is None) != (not self.targets):
            raise ValueError("polymorphic_lookup needs either type_field + targets, or candidates")
        return self

    def routes_for(self, resource: str) -> tuple[str, ...]:
        value = self.targets.get(resource, ())
        return (value,) if isinstance(value, str) else tuple(value)

    def all_routes(self) -> tuple[str, ...]:
        out: list[str] = []
        for resource in self.targets:
            out += self.routes_for(resource)
        for candidate in self.candidates:
            out += candidate.routes
        return tuple(dict.fromkeys(out))


class PolymorphicLookupTransform(MapModel):
    polymorphic_lookup: PolymorphicParams


class JoinItemsParams(MapModel):
    template: str
    separator: str = "\n"


class JoinItemsTransform(MapModel):
    join_items: JoinItemsParams


class HtmlToTextParams(MapModel):
    format_field: str | None = None
    html_value: str = "html"


class HtmlToTextTransform(MapModel):
    html_to_text: HtmlToTextParams = HtmlToTextParams()

    @field_validator("html_to_text", mode="before")
    @classmethod
    def _empty(cls, value: Any) -> Any:
        return {} if value is None else value


_MODELS: dict[str, type[MapModel]] = {
    TransformKind.VALUE_MAP: ValueMapTransform,
    TransformKind.CONCATENATE: ConcatenateTransform,
    TransformKind.SPLIT: SplitTransform,
    TransformKind.PARSE_DATE: ParseDateTransform,
    TransformKind.PARSE_DATETIME: ParseDatetimeTransform,
    TransformKind.NUMBER: NumberTransform,
    TransformKind.BOOLEAN: BooleanTransform,
    TransformKind.TRUNCATE: TruncateTransform,
    TransformKind.CONSTANT: ConstantTransform,
    TransformKind.LOOKUP: LookupTransform,
    TransformKind.POLYMORPHIC_LOOKUP: PolymorphicLookupTransform,
    TransformKind.JOIN_ITEMS: JoinItemsTransform,
    TransformKind.HTML_TO_TEXT: HtmlToTextTransform,
    TransformKind.COALESCE: CoalesceTransform,
    TransformKind.MONTHS_BETWEEN: MonthsBetweenTransform,
    TransformKind.FILE_CONTENT: FileContentTransform,
}
_KIND_OF = {model: kind for kind, model in _MODELS.items()}


def _discriminate(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        return key if key in _MODELS else None
    if isinstance(value, MapModel):
        return _KIND_OF.get(type(value))
    return None


def transform_kind(step: Any) -> TransformKind:
    """The kind of a parsed transform step."""
    return TransformKind(_KIND_OF[type(step)])


Transform = Annotated[
    Union[
        Annotated[ValueMapTransform, Tag("value_map")],
        Annotated[ConcatenateTransform, Tag("concatenate")],
        Annotated[SplitTransform, Tag("split")],
        Annotated[ParseDateTransform, Tag("parse_date")],
        Annotated[ParseDatetimeTransform, Tag("parse_datetime")],
        Annotated[NumberTransform, Tag("number")],
        Annotated[BooleanTransform, Tag("boolean")],
        Annotated[TruncateTransform, Tag("truncate")],
        Annotated[ConstantTransform, Tag("constant")],
        Annotated[LookupTransform, Tag("lookup")],
        Annotated[PolymorphicLookupTransform, Tag("polymorphic_lookup")],
        Annotated[JoinItemsTransform, Tag("join_items")],
        Annotated[HtmlToTextTransform, Tag("html_to_text")],
        Annotated[CoalesceTransform, Tag("coalesce")],
        Annotated[MonthsBetweenTransform, Tag("months_between")],
        Annotated[FileContentTransform, Tag("file_content")],
    ],
    Discriminator(
        _discriminate,
        custom_error_type="transform",
        custom_error_message="a transform step is a one-key mapping whose key is one of "
        + ", ".join(k.value for k in TransformKind),
    ),
]


def normalise_step(value: Any) -> Any:
    """A bare transform name (``parse_datetime``) is the transform with its default parameters."""
    if isinstance(value, str) and value in _MODELS:
        return {value: None}
    return value
