"""Turning one line of an export file into an API-shaped record (contract §3), or a clear error.

Two line formats, one result — the record exactly as the API would return it:

* **JSON Lines** (the contract's fixture format, §15): one JSON object per line, as the API returns it.
  Core keys missing from a hand-made line become ``null`` (``[]`` for arrays).
* **CSV** with a header row. Columns are core field names; ``id``, ``created_at`` and ``updated_at`` are
  required. Tenant-defined fields come as ``cf:<key>`` columns (an empty cell = the key is absent, as
  in the API) or as one ``custom_fields`` column holding a JSON object — not both. Cells are converted by
  the core field's type: ``integer``/``number`` as numbers, ``boolean`` from
  ``true/false/yes/no/1/0`` (any case), ``object``/``address``/``array`` as JSON text; every other type is
  text. An empty cell is ``null`` (``[]`` for arrays).

Every problem raises :class:`control.errors.InputFileError` naming the file, the line and what to change.
"""

from __future__ import annotations

from typing import Any, Mapping

import orjson

from control.errors import InputFileError
from control.servicetracker.contract import ResourceRules
from control.servicetracker.instants import parse_instant

__all__ = ["record_from_json_line", "record_from_csv_row", "check_csv_header", "tombstone_from_json_line",
           "tombstone_from_csv_row", "CF_PREFIX"]

CF_PREFIX = "cf:"
_SCALARS = (str, int, float, bool, type(None))
_JSON_TYPES = {"object", "address", "array"}
_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


def _fail(path: str, line: int, message: str, hint: str | None = None) -> InputFileError:
    return InputFileError(f"{path}, line {line}: {message}", path=path, line=line, hint=hint)


def _check_common(path: str, line: int, record: dict[str, Any]) -> None:
    rid = record.get("id")
    if not isinstance(rid, str) or not 1 <= len(rid) <= 64:
        raise _fail(path, line, "'id' must be a string of 1 to 64 characters.")
    for key in ("created_at", "updated_at"):
        try:
            parse_instant(record.get(key))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise _fail(path, line, f"'{key}' must be an ISO-8601 datetime with an offset, not {record.get(key)!r}.",
                        "For example 2024-03-10T14:05:00-05:00.") from None
    custom = record.get("custom_fields")
    if not isinstance(custom, dict) or not all(isinstance(v, _SCALARS) for v in custom.values()):
        raise _fail(path, line, "'custom_fields' must be an object whose values are strings, numbers, booleans or null.")


def _complete(rules: ResourceRules, record: dict[str, Any], path: str, line: int) -> dict[str, Any]:
    known = {f.name for f in rules.fields}
    unknown = [k for k in record if k not in known]
    if unknown:
        raise _fail(path, line, f"{', '.join(map(repr, unknown))} is not a core field of {rules.resource}.",
                    "Move tenant-defined values into 'custom_fields' (or cf:<key> columns in CSV).")
    for rule in rules.fields:
        if rule.name not in record:
            record[rule.name] = [] if rule.type == "array" else None
    return record


def record_from_json_line(raw: bytes, rules: ResourceRules, path: str, line: int) -> dict[str, Any]:
    if not raw.strip():
        raise _fail(path, line, "blank line; JSON Lines files hold one record per line.")
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _fail(path, line, f"not valid JSON ({exc}).") from None
    if not isinstance(record, dict):
        raise _fail(path, line, "each line must be one JSON object (a record).")
    missing = [k for k in ("id", "created_at", "updated_at", "custom_fields") if k not in record]
    if missing:
        raise _fail(path, line, f"the record lacks {', '.join(missing)}; every line carries the common keys (§3).",
                    "Use \"custom_fields\": {} for a record without tenant-defined fields.")
    _check_common(path, line, record)
    return _complete(rules, record, path, line)


def check_csv_header(header: list[str], rules: ResourceRules, path: str) -> None:
    known = {f.name for f in rules.fields}
    problems = [c for c in header if c not in known and not c.startswith(CF_PREFIX)]
    if problems:
        raise InputFileError(f"{path}, line 1: column(s) {', '.join(map(repr, problems))} are neither core fields of "
                             f"{rules.resource} nor cf:<key> custom-field columns.", path=path, line=1,
                             hint="Rename tenant-defined columns to cf:<field name>, or fix the typo.")
    missing = [k for k in ("id", "created_at", "updated_at") if k not in header]
    if missing:
        raise InputFileError(f"{path}, line 1: the header lacks {', '.join(missing)}.", path=path, line=1,
                             hint="Every export row needs its id, created_at and updated_at.")
    if "custom_fields" in header and any(c.startswith(CF_PREFIX) for c in header):
        raise InputFileError(f"{path}, line 1: use either a custom_fields column or cf:<key> columns, not both.",
                             path=path, line=1)
    if len(set(header)) != len(header):
        raise InputFileError(f"{path}, line 1: a column name appears twice.", path=path, line=1)


def _convert(value: str, type_: str, column: str, path: str, line: int) -> Any:
    if value == "":
        return [] if type_ == "array" else None
    if type_ == "integer":
        try:
            return int(value)
        except ValueError:
            raise _fail(path, line, f"column {column!r} must be a whole number, not {value!r}.") from None
    if type_ == "number":
        try:
            number = float(value)
        except ValueError:
            raise _fail(path, line, f"column {column!r} must be a number, not {value!r}.") from None
        return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
    if type_ == "boolean":
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise _fail(path, line, f"column {column!r} must be true/false (or yes/no, 1/0), not {value!r}.")
    if type_ in _JSON_TYPES:
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            raise _fail(path, line, f"column {column!r} must hold JSON text (an {type_}), not {value[:60]!r}.") from None
    return value


def record_from_csv_row(row: Mapping[str, str], rules: ResourceRules, path: str, line: int) -> dict[str, Any]:
    types = {f.name: f.type for f in rules.fields}
    record: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    for column, value in row.items():
        if column is None or value is None:
            raise _fail(path, line, "the row has a different number of cells than the header.")
        if column.startswith(CF_PREFIX):
            if value != "":
                custom[column[len(CF_PREFIX):]] = value
        elif column == "custom_fields":
            parsed = _convert(value, "object", column, path, line) if value else {}
            if not isinstance(parsed, dict):
                raise _fail(path, line, "column 'custom_fields' must hold a JSON object.")
            custom = parsed
        else:
            record[column] = _convert(value, types[column], column, path, line)
    record["custom_fields"] = custom
    _check_common(path, line, record)
    return _complete(rules, record, path, line)


def _tombstone(data: Any, path: str, line: int) -> tuple[str, str, str]:
    if not isinstance(data, dict) or set(data) != {"resource", "id", "deleted_at"}:
        raise _fail(path, line, "a tombstone is exactly {\"resource\", \"id\", \"deleted_at\"}.")
    if not all(isinstance(data[k], str) and data[k] for k in ("resource", "id", "deleted_at")):
        raise _fail(path, line, "'resource', 'id' and 'deleted_at' must be non-empty strings.")
    try:
        parse_instant(data["deleted_at"])
    except ValueError:
        raise _fail(path, line, f"'deleted_at' must be an ISO-8601 datetime with an offset, not {data['deleted_at']!r}.") from None
    return data["resource"], data["id"], data["deleted_at"]


def tombstone_from_json_line(raw: bytes, path: str, line: int) -> tuple[str, str, str]:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _fail(path, line, f"not valid JSON ({exc}).") from None
    return _tombstone(data, path, line)


def tombstone_from_csv_row(row: Mapping[str, str], path: str, line: int) -> tuple[str, str, str]:
    return _tombstone(dict(row), path, line)

