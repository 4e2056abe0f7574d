"""The value transforms of a field rule's pipeline (docs/mapping.md §6), one function per kind.

Each step takes the current value and the record it came from and returns the next value, or raises
:class:`~control.transform.problems.Problem` with the rule and what to change. Blank values (None,
empty text) pass through every step untouched except ``constant``, ``concatenate``, ``coalesce`` and
``boolean`` (whose ``false`` list may hold ``""``): a blank is not a defect, ``default`` and
``required`` deal with it afterwards.

Lookups are not here: they need the other records (see :mod:`control.transform.lookups`).

Time rules: a calendar date is never shifted through a zone; a datetime keeps its instant and is
written in UTC; a naive datetime is read in the zone its policy names or refused; a date taken from a
datetime needs a policy naming whose calendar day is meant.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree, html as lxml_html

from control.mapping.transforms import (
    BooleanTransform, CoalesceTransform, ConcatenateTransform, ConstantTransform, FromDatetime, HtmlToTextTransform,
    JoinItemsTransform, MonthsBetweenTransform, NaivePolicy, NumberTransform, ParseDatetimeTransform,
    ParseDateTransform, Rounding, SplitTransform, TruncateTransform, ValueMapTransform,
)
from control.mapping.values import Unmapped, ValueMap, source_key
from control.transform.paths import is_blank, read_path
from control.transform.problems import Problem, ReasonCode

__all__ = ["StepContext", "apply_value_step", "parse_instant", "format_instant", "format_number"]

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote",
           "pre", "hr", "section", "article"}


class StepContext:
    """What steps need beyond the value: the map's value maps and the tenant's time zone."""

    def __init__(self, value_maps: Mapping[str, ValueMap], tenant_zone: str | None) -> None:
        self.value_maps = value_maps
        self.tenant_zone_name = tenant_zone
        try:
            self.tenant_zone = ZoneInfo(tenant_zone) if tenant_zone else None
        except (ZoneInfoNotFoundError, ValueError):
            self.tenant_zone = None

    def zone(self, policy: str) -> dt.tzinfo | None:
        if policy == NaivePolicy.UTC:
            return dt.timezone.utc
        if policy == NaivePolicy.TENANT:
            return self.tenant_zone
        try:
            return ZoneInfo(policy)
        except (ZoneInfoNotFoundError, ValueError):
            return None


# ── instants and numbers ─────────────────────────────────────────────────────────────────────
def parse_instant(text: str) -> tuple[dt.datetime, bool] | None:
    """``(datetime, has_offset)`` from ISO-8601 text (a naive result when there is no offset), else None."""
    m = _ISO.match(text.strip())
    if m is None:
        return None
    micro = int((m[7] or "0")[:6].ljust(6, "0"))
    zone: dt.tzinfo | None = None
    if m[8]:
        if m[8] == "Z":
            zone = dt.timezone.utc
        else:
            sign = -1 if m[8][0] == "-" else 1
            digits = m[8][1:].replace(":", "")
            zone = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        moment = dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0), micro, tzinfo=zone)
    except ValueError:
        return None
    return moment, zone is not None


def format_instant(moment: dt.datetime) -> str:
    """UTC with milliseconds, as Salesforce writes datetimes (``2024-01-31T15:00:00.000Z``)."""
    utc = moment.astimezone(dt.timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def format_number(number: Decimal) -> str:
    """Plain decimal text (no exponent), as the APIs read numbers."""
    text = format(number, "f")
    return "0" if text in ("-0", "") else text


def _number(value: Any, params: Any) -> Decimal:
    if isinstance(value, bool):
        raise Problem(ReasonCode.WRONG_TYPE, f"{value!r} is a yes/no value, not a number", value=value,
                      hint="Map this field from a numeric source, or fix the value in ServiceTracker.")
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = str(value).strip().replace(params.thousands, "") if params.thousands else str(value).strip()
        if params.decimal != ".":
            text = text.replace(params.decimal, ".")
        text = text.lstrip("$€£").strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise Problem(ReasonCode.WRONG_TYPE, f"{str(value)!r} is not a number", value=value,
                          hint="Fix the value in ServiceTracker (digits, one decimal point).") from None
    if not number.is_finite():
        raise Problem(ReasonCode.WRONG_TYPE, f"{str(value)!r} is not a finite number", value=value,
                      hint="Fix the value in ServiceTracker.")
    number *= Decimal(repr(params.factor)) if params.factor != 1 else 1
    quantum = Decimal(1).scaleb(-params.scale)
    if params.rounding is Rounding.REJECT:
        if number != number.quantize(quantum, rounding=ROUND_HALF_EVEN):
            raise Problem(ReasonCode.LOST_DIGITS, f"{format_number(number)} has more than {params.scale} decimals",
                          value=value, hint="Round the value in ServiceTracker, or let the rule round "
                                            "(number: {rounding: half_even}).")
        return number.quantize(quantum)
    return number.quantize(quantum, rounding=ROUND_HALF_UP if params.rounding is Rounding.HALF_UP else ROUND_HALF_EVEN)


# ── dates ────────────────────────────────────────────────────────────────────────────────────
def _calendar_date(value: Any, params: Any, ctx: StepContext) -> str:
    text = str(value).strip()
    if _DATE.match(text):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise Problem(ReasonCode.WRONG_TYPE, f"{text!r} is not a calendar date", value=value,
                          hint="Fix the date in ServiceTracker (YYYY-MM-DD).") from None
    instant = parse_instant(text)
    if instant is not None:
        moment, has_offset = instant
        policy = params.from_datetime
        if policy is FromDatetime.REJECT:
            raise Problem(ReasonCode.AMBIGUOUS_DATE, f"{text!r} is a date and time; which day it falls on depends "
                                                     "on the time zone", value=value,
                          hint="Say whose calendar day is meant: parse_date: {from_datetime: record_offset | tenant | utc}.")
        if policy is FromDatetime.RECORD_OFFSET or not has_offset:
            return moment.date().isoformat()
        zone = dt.timezone.utc if policy is FromDatetime.UTC else ctx.tenant_zone
        if zone is None:
            raise Problem(ReasonCode.AMBIGUOUS_DATE, "the tenant's time zone is not known", value=value,
                          hint="Set settings.tenant_time_zone in the map.")
        return moment.astimezone(zone).date().isoformat()
    for fmt in params.formats:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise Problem(ReasonCode.WRONG_TYPE, f"{text!r} is not a date in any of the formats {list(params.formats)}",
                  value=value, hint="Fix the date in ServiceTracker, or add its format to parse_date: {formats: [...]}.")


def _instant(value: Any, params: Any, ctx: StepContext) -> str:
    text = str(value).strip()
    if _DATE.match(text):
        raise Problem(ReasonCode.WRONG_TYPE, f"{text!r} is a date without a time", value=value,
                      hint="Map it to a Date field (parse_date), or give the value a time in ServiceTracker.")
    parsed = parse_instant(text)
    moment: dt.datetime | None = None
    if parsed is not None:
        moment, has_offset = parsed
        if has_offset:
            return format_instant(moment)
    else:
        for fmt in params.formats:
            try:
                moment = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if moment is None:
            raise Problem(ReasonCode.WRONG_TYPE, f"{text!r} is not a date and time", value=value,
                          hint="Fix the value in ServiceTracker (ISO-8601, e.g. 2024-05-01T09:30:00-05:00).")
    policy = str(params.naive)
    if policy == NaivePolicy.REJECT:
        raise Problem(ReasonCode.NAIVE_DATETIME, f"{text!r} has no UTC offset, so its instant is unknown",
                      value=value, hint="Say which zone it was written in: parse_datetime: {naive: tenant | utc | <IANA zone>}.")
    zone = ctx.zone(policy)
    if zone is None:
        raise Problem(ReasonCode.NAIVE_DATETIME, f"the time zone for naive values ({policy}) is not known",
                      value=value, hint="Set settings.tenant_time_zone in the map, or name an IANA zone.")
    return format_instant(moment.replace(tzinfo=zone))


def _months_between(value: Any, record: Mapping[str, Any], start_path: str, item: Any) -> int | None:
    start = read_path(record, start_path, item)
    if is_blank(start):
        return None
    try:
        a = dt.date.fromisoformat(str(start).strip()[:10])
        b = dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise Problem(ReasonCode.WRONG_TYPE, f"{start!r} → {value!r} are not calendar dates", value=value,
                      hint="Fix the dates in ServiceTracker (YYYY-MM-DD).") from None
    months = (b.year - a.year) * 12 + (b.month - a.month) + (1 if b.day > a.day else 0)
    return months


# ── text ─────────────────────────────────────────────────────────────────────────────────────
def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: scripts and styles dropped, blocks on their own lines."""
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return markup
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _BLOCKS:
            parts.append("\n")
        if node.text and tag not in ("script", "style"):
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in _BLOCKS:
            parts.append("\n")

    walk(root)
    lines = [" ".join(line.split()) for line in "".join(parts).splitlines()]
    return "\n".join(line for line in lines if line)


class _Blanks(string.Formatter):
    def get_value(self, key: Any, args: Any, kwargs: Any) -> Any:
        if isinstance(key, int):
            return args[key] if key < len(args) else ""
        value = kwargs.get(key)
        return "" if value is None else value

    def format_field(self, value: Any, format_spec: str) -> Any:
        return super().format_field("" if value is None else value, format_spec)


_FORMATTER = _Blanks()


def _join_items(value: Any, params: Any) -> str | None:
    if not isinstance(value, list):
        raise Problem(ReasonCode.WRONG_TYPE, "join_items needs a list", value=value,
                      hint="Point join_items at an array field.")
    lines = []
    for element in value:
        if isinstance(element, Mapping):
            lines.append(_FORMATTER.format(params.template, **element))
        else:
            lines.append(_FORMATTER.format(params.template, "" if element is None else element))
    text = params.separator.join(line for line in lines if line.strip())
    return text or None


def _value_map(value: Any, step: ValueMapTransform, ctx: StepContext) -> Any:
    vm = step.value_map
    name = vm if isinstance(vm, str) else None
    table = ctx.value_maps[vm] if isinstance(vm, str) else vm
    key = source_key(value)
    entry = table.values.get(key)
    if entry is not None:
        return entry.to
    if table.unmapped is Unmapped.NULL:
        return None
    if table.unmapped is Unmapped.KEEP:
        return value
    if table.unmapped is Unmapped.DEFAULT:
        return table.default
    where = f"value_maps.{name}" if name else "the rule's inline value map"
    raise Problem(ReasonCode.UNMAPPED_VALUE, f"{key!r} has no entry in {where}", value=value,
                  hint=f"Add {key!r} to {where} in the map (or fix the value in ServiceTracker), then approve the map again.")


def _constant(step: Any, value: Any, record: Mapping[str, Any], item: Any, ctx: StepContext) -> Any:
    return step.constant


def _concatenate(step: Any, value: Any, record: Mapping[str, Any], item: Any, ctx: StepContext) -> Any:
    params = step.concatenate
    parts = [read_path(record, p, item) for p in params.sources]
    texts = [source_key(p) for p in parts if not (params.skip_blank and is_blank(p)) and p is not None]
    return params.separator.join(texts) or None


def _coalesce(step: Any, value: Any, record: Mapping[str, Any], item: Any, ctx: StepContext) -> Any:
    for path in step.coalesce.sources:
        candidate = read_path(record, path, item)
        if not is_blank(candidate):
            return candidate
    return None


def _boolean(step: Any, value: Any, record: Mapping[str, Any], item: Any, ctx: StepContext) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    text = source_key(value).strip().lower()
    if text in (t.lower() for t in step.boolean.true):
        return True
    if text in (f.lower() for f in step.boolean.false):
        return False
    raise Problem(ReasonCode.WRONG_TYPE, f"{value!r} is not a yes/no value", value=value,
                  hint="Fix the value in ServiceTracker, or add its spelling to boolean: {true: [...], false: [...]}.")


def _split(step: Any, value: Any, record: Mapping[str, Any], item: Any, ctx: StepContext) -> Any:
    params = step.split
    parts = str(value).split(params.separator)
    if params.index is not None:
        return parts[params.index] if -len(parts) <= params.index < len(parts) else None
    return params.separator.join(parts[params.from_:]) or None


def _truncate(step: Any, value: Any, record: Mapping[str, Any], item: Any, ctx: StepContext) -> Any:
    params = step.truncate
    text = str(value)
    if len(text) <= params.length:
        return text
    return text[: max(params.length - len(params.marker), 0)] + params.marker


def _html(step: Any, value: Any, record: Mapping[str, Any], item: Any, ctx: StepContext) -> Any:
    params = step.html_to_text
    if params.format_field is not None and read_path(record, params.format_field, item) != params.html_value:
        return value
    return html_to_text(str(value)) or None


# steps that also see blank values (they read their own sources, or map blank to false)
_ANY_VALUE: dict[type, Any] = {ConstantTransform: _constant, ConcatenateTransform: _concatenate,
                               CoalesceTransform: _coalesce, BooleanTransform: _boolean}
# steps a blank value passes through untouched
_NON_BLANK: dict[type, Any] = {
    ValueMapTransform: lambda step, value, record, item, ctx: _value_map(value, step, ctx),
    SplitTransform: _split,
    ParseDateTransform: lambda step, value, record, item, ctx: _calendar_date(value, step.parse_date, ctx),
    ParseDatetimeTransform: lambda step, value, record, item, ctx: _instant(value, step.parse_datetime, ctx),
    NumberTransform: lambda step, value, record, item, ctx: _number(value, step.number),
    TruncateTransform: _truncate,
    JoinItemsTransform: lambda step, value, record, item, ctx: _join_items(value, step.join_items),
    HtmlToTextTransform: _html,
    MonthsBetweenTransform: lambda step, value, record, item, ctx: _months_between(
        value, record, step.months_between.start, item),
}


def apply_value_step(step: Any, value: Any, record: Mapping[str, Any], item: Any, ctx: StepContext) -> Any:
    """The value after ``step`` (a parsed transform model other than a lookup)."""
    kind = type(step)
    handler = _ANY_VALUE.get(kind)
    if handler is not None:
        return handler(step, value, record, item, ctx)
    if value is None or is_blank(value):
        return None
    handler = _NON_BLANK.get(kind)
    if handler is None:
        raise AssertionError(f"not a value step: {kind.__name__}")  # pragma: no cover
    return handler(step, value, record, item, ctx)
