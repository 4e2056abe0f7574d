"""Turning a JSON value a client sent into the stored wire form of a field, or a record failure.

One function per describe type family. The wire forms are the ones
:mod:`emulators.salesforce.schema.provider` documents (dates ``2024-01-31``, datetimes
``2024-01-31T10:00:00.000+0000`` in UTC, times ``10:00:00.000Z``, numbers as JSON numbers).

What each family accepts, as the REST API does:

* text (string, textarea, picklist, email, phone, url, …): strings, and numbers/booleans written
  as text; ``""`` means null; lengths are checked against ``length`` (STRING_TOO_LONG);
  e-mail must look like an address (INVALID_EMAIL_ADDRESS); restricted picklists only take
  their active values (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST).
* boolean: ``true/false`` or the strings ``"true"/"false"``; null is false.
* int / double / currency / percent: numbers or numeric strings, checked against
  precision/scale/digits (NUMBER_OUTSIDE_VALID_RANGE) and rounded half-up to ``scale``.
* date / datetime / time: ISO 8601 text; a datetime without offset is UTC.
* anything of the wrong JSON type or unparseable: INVALID_TYPE_ON_FIELD_IN_RECORD.

Reference fields are only shape-checked here (MALFORMED_ID); whether the target exists and has
the right type is a rule of :mod:`emulators.salesforce.dml.references`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Callable

from emulators.salesforce.dml.errors import RecordFailure
from emulators.salesforce.ids import MalformedId, parse_id
from emulators.salesforce.schema.model import FieldSchema

__all__ = ["coerce_value", "format_datetime", "parse_datetime", "EMAIL_PATTERN"]

EMAIL_PATTERN = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_TIME = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z?$")
_INT32 = 2**31 - 1


def _wrong_type(f: FieldSchema, value: Any) -> RecordFailure:
    shown = value if isinstance(value, str) else _json_text(value)
    return RecordFailure("INVALID_TYPE_ON_FIELD_IN_RECORD", f"{f.label}: value not of required type: {shown}", [f.name])


def _json_text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def format_datetime(moment: dt.datetime) -> str:
    """Wire form of a datetime (UTC, milliseconds, ``+0000``)."""
    utc = moment.astimezone(dt.timezone.utc) if moment.tzinfo else moment
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def parse_datetime(text: str) -> dt.datetime | None:
    """An aware datetime from ISO 8601 text (date-only text is midnight UTC); None when unparseable."""
    m = _DATETIME.match(text.strip())
    if m is None:
        d = _DATE.match(text.strip())
        if d is None:
            return None
        try:
            return dt.datetime(int(d[1]), int(d[2]), int(d[3]), tzinfo=dt.timezone.utc)
        except ValueError:
            return None
    year, month, day, hour, minute = (int(m[i]) for i in range(1, 6))
    second = int(m[6] or 0)
    micro = int((m[7] or "0")[:6].ljust(6, "0"))
    zone = dt.timezone.utc
    if m[8] and m[8] != "Z":
        sign = -1 if m[8][0] == "-" else 1
        digits = m[8][1:].replace(":", "")
        zone = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        return dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=zone)
    except ValueError:
        return None


def _text(f: FieldSchema, value: Any) -> str | None:
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, (int, float)):
        value = _json_text(value)
    elif not isinstance(value, str):
        raise _wrong_type(f, value)
    if value == "":
        return None
    if f.type == "multipicklist":
        parts = [p.strip() for p in value.split(";") if p.strip()]
        value = ";".join(dict.fromkeys(parts))
    limit = f.length
    if limit and len(value) > limit:
        raise RecordFailure(
            "STRING_TOO_LONG", f"{f.label}: data value too large: {value} (max length={limit})", [f.name]
        )
    if f.type == "email" and not EMAIL_PATTERN.match(value):
        raise RecordFailure("INVALID_EMAIL_ADDRESS", f"{f.label}: invalid email address: {value}", [f.name])
    if f.restricted_picklist and f.type in ("picklist", "multipicklist"):
        allowed = set(f.active_picklist_values())
        chosen = value.split(";") if f.type == "multipicklist" else [value]
        for item in chosen:
            if item not in allowed:
                raise RecordFailure(
                    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                    f"{f.label}: bad value for restricted picklist field: {item}",
                    [f.name],
                )
    return value


def _boolean(f: FieldSchema, value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _wrong_type(f, value)


def _decimal(f: FieldSchema, value: Any) -> Decimal:
    if isinstance(value, bool):
        raise _wrong_type(f, value)
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise _wrong_type(f, value) from None
    else:
        raise _wrong_type(f, value)
    if not number.is_finite():
        raise _wrong_type(f, value)
    return number


def _out_of_range(f: FieldSchema, value: Any) -> RecordFailure:
    return RecordFailure(
        "NUMBER_OUTSIDE_VALID_RANGE",
        f"{f.label}: value outside of valid range on numeric field: {_json_text(value)}",
        [f.name],
    )


def _integer_digits(number: Decimal) -> int:
    whole = int(abs(number))  # digits before the point (truncated, not rounded)
    return 0 if whole == 0 else len(str(whole))


def _int(f: FieldSchema, value: Any) -> int:
    number = _decimal(f, value)
    if number != number.to_integral_value():
        raise _wrong_type(f, value)
    whole = int(number)
    if abs(whole) > _INT32 or (f.digits and _integer_digits(number) > f.digits):
        raise _out_of_range(f, value)
    return whole


def _number(f: FieldSchema, value: Any) -> float | int:
    number = _decimal(f, value)
    scale = max(f.scale, 0)
    rounded = number.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP) if scale < 28 else number
    if f.precision and _integer_digits(rounded) > f.precision - scale:
        raise _out_of_range(f, value)
    return float(rounded)


def _date(f: FieldSchema, value: Any) -> str:
    if not isinstance(value, str):
        raise _wrong_type(f, value)
    m = _DATE.match(value.strip())
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            raise _wrong_type(f, value) from None
    moment = parse_datetime(value)
    if moment is None:
        raise _wrong_type(f, value)
    return moment.date().isoformat()


def _datetime(f: FieldSchema, value: Any) -> str:
    if not isinstance(value, str):
        raise _wrong_type(f, value)
    moment = parse_datetime(value)
    if moment is None:
        raise _wrong_type(f, value)
    return format_datetime(moment)


def _time(f: FieldSchema, value: Any) -> str:
    if not isinstance(value, str):
        raise _wrong_type(f, value)
    m = _TIME.match(value.strip())
    if m is None:
        raise _wrong_type(f, value)
    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise _wrong_type(f, value)
    millis = int((m[4] or "0").ljust(3, "0"))
    return f"{hour:02d}:{minute:02d}:{second:02d}.{millis:03d}Z"


def _reference(f: FieldSchema, value: Any) -> str | None:
    if not isinstance(value, str):
        raise _wrong_type(f, value)
    if value == "":
        return None
    try:
        return parse_id(value)
    except MalformedId:
        raise RecordFailure("MALFORMED_ID", f"{f.label}: id value of incorrect type: {value}", [f.name]) from None


def _base64(f: FieldSchema, value: Any) -> str:
    if not isinstance(value, str):
        raise _wrong_type(f, value)
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _wrong_type(f, value) from None
    return value


_BY_TYPE: dict[str, Callable[[FieldSchema, Any], Any]] = {
    "boolean": _boolean,
    "int": _int,
    "long": _int,
    "double": _number,
    "currency": _number,
    "percent": _number,
    "date": _date,
    "datetime": _datetime,
    "time": _time,
    "reference": _reference,
    "id": _reference,
    "base64": _base64,
}


def coerce_value(f: FieldSchema, value: Any) -> Any:
    """The wire form of ``value`` for field ``f``; None for null; :class:`RecordFailure` when invalid."""
    if f.type == "boolean":
        return _boolean(f, value)
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise _wrong_type(f, value)
    convert = _BY_TYPE.get(f.type, _text)
    return convert(f, value)
