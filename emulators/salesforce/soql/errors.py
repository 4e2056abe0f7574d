"""SOQL errors with Salesforce's codes and message shapes.

Every problem the engine reports is a :class:`SoqlError` carrying Salesforce's ``errorCode`` and
``message``; the HTTP layer turns it into ``[{"message": …, "errorCode": …}]`` with status 400.

Errors tied to a place in the query text carry Salesforce's positional form::

    \\n<excerpt of the line>\\n<spaces>^\\nERROR at Row:<row>:Column:<column>\\n<text>

Row and column are 1-based and count within the line. Salesforce does not echo a long line whole:
the excerpt starts at the first token beginning at most :data:`CHARS_BEFORE` characters before the
offending one and ends with the last token beginning less than :data:`CHARS_AFTER` characters after
it (both read off real error messages); the caret sits under the offending token in that excerpt.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ErrorCode", "SoqlError", "CHARS_BEFORE", "CHARS_AFTER", "located_message", "Messages"]

CHARS_BEFORE = 32
CHARS_AFTER = 42


class ErrorCode(StrEnum):
    MALFORMED_QUERY = "MALFORMED_QUERY"
    INVALID_TYPE = "INVALID_TYPE"
    INVALID_TYPE_FOR_OPERATION = "INVALID_TYPE_FOR_OPERATION"
    INVALID_FIELD = "INVALID_FIELD"
    INVALID_QUERY_FILTER_OPERATOR = "INVALID_QUERY_FILTER_OPERATOR"
    INVALID_QUERY_LOCATOR = "INVALID_QUERY_LOCATOR"
    NUMBER_OUTSIDE_VALID_RANGE = "NUMBER_OUTSIDE_VALID_RANGE"


class SoqlError(Exception):
    """A query Salesforce would refuse: ``error_code`` is its errorCode, ``message`` its message."""

    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(message)
        self.error_code = str(error_code)
        self.message = message

    def __repr__(self) -> str:
        return f"SoqlError({self.error_code!r}, {self.message!r})"

    def as_rest_error(self) -> list[dict[str, str]]:
        """The REST body Salesforce sends with status 400."""
        return [{"message": self.message, "errorCode": self.error_code}]


def _token_spans(line: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the tokens of one line (a light scan: words, literals, operators)."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c.isspace():
            i += 1
            continue
        start = i
        if c == "'":
            i += 1
            while i < n and line[i] != "'":
                i += 2 if line[i] == "\\" else 1
            i += 1
        elif c.isalnum() or c in "_":
            while i < n and (line[i].isalnum() or line[i] in "_-:+"):
                i += 1
        elif line[i : i + 2] in ("<=", ">=", "!=", "<>"):
            i += 2
        else:
            i += 1
        spans.append((start, min(i, n)))
    return spans


def located_message(text: str, pos: int, message: str) -> str:
    """``message`` in Salesforce's positional form, pointing at offset ``pos`` of ``text``."""
    pos = max(0, min(pos, len(text)))
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    if line_end < 0:
        line_end = len(text)
    line = text[line_start:line_end]
    row = text.count("\n", 0, pos) + 1
    col = pos - line_start
    spans = _token_spans(line)
    begin = min([s for s, _ in spans if col - CHARS_BEFORE <= s <= col] + [col])
    end = max([e for s, e in spans if col <= s < col + CHARS_AFTER] + [col])
    excerpt = line[begin:end]
    caret = " " * (col - begin) + "^"
    return f"\n{excerpt}\n{caret}\nERROR at Row:{row}:Column:{col + 1}\n{message}"


class Messages:
    """Salesforce's wording for the errors the engine raises (one place, so tests can cite them)."""

    @staticmethod
    def unexpected_token(token: str) -> str:
        return f"unexpected token: '{token}'"

    @staticmethod
    def no_such_type(name: str) -> str:
        return (
            f"sObject type '{name}' is not supported. If you are attempting to use a custom object, be sure to "
            "append the '__c' after the entity name. Please reference your WSDL or the describe call for the "
            "appropriate names."
        )

    @staticmethod
    def not_queryable(name: str) -> str:
        return f"entity type {name} does not support query"

    @staticmethod
    def no_such_column(name: str, entity: str) -> str:
        return (
            f"No such column '{name}' on entity '{entity}'. If you are attempting to use a custom field, be sure to "
            "append the '__c' after the custom field name. Please reference your WSDL or the describe call for the "
            "appropriate names."
        )

    @staticmethod
    def bad_relationship(name: str) -> str:
        return (
            f"Didn't understand relationship '{name}' in field path. If you are attempting to use a custom "
            "relationship, be sure to append the '__r' after the custom relationship name. Please reference your "
            "WSDL or the describe call for the appropriate names."
        )

    @staticmethod
    def bad_child_relationship(name: str) -> str:
        return (
            f"Didn't understand relationship '{name}' in FROM part of query call. If you are attempting to use a "
            "custom relationship, be sure to append the '__r' after the custom relationship name. Please reference "
            "your WSDL or the describe call for the appropriate names."
        )

    @staticmethod
    def wrong_value_type(field: str, type_name: str, quoted: bool) -> str:
        quotes = "should be enclosed in quotes" if quoted else "should not be enclosed in quotes"
        return f"value of filter criterion for field '{field}' must be of type {type_name} and {quotes}"

    @staticmethod
    def invalid_operator(field_type: str) -> str:
        return f"invalid operator on {field_type} field"

    @staticmethod
    def includes_only_multipicklist() -> str:
        return "includes or excludes operator only valid on multipicklist field"

    @staticmethod
    def invalid_id(value: str) -> str:
        return f"invalid ID field: {value}"

    @staticmethod
    def not_grouped(field: str) -> str:
        return f"Field must be grouped or aggregated: {field}"

    @staticmethod
    def order_not_grouped(field: str) -> str:
        return f"Ordered field must be grouped or aggregated: {field}"

    @staticmethod
    def grouped_aggregated(field: str) -> str:
        return f"Grouped field should not be aggregated: {field}"

    @staticmethod
    def cannot(field: str, verb: str) -> str:
        return f"field '{field}' can not be {verb} in a query call"

    @staticmethod
    def no_aggregate(field: str, function: str) -> str:
        return f"field {field} does not support aggregate operator {function}"

    @staticmethod
    def duplicate_field(field: str) -> str:
        return f"duplicate field selected: {field}"

    @staticmethod
    def duplicate_alias(alias: str) -> str:
        return f"duplicate alias: {alias}"

    @staticmethod
    def too_deep() -> str:
        return (
            "SOQL statements cannot query relationships that are more than 5 levels away from the root entity "
            "object."
        )

    @staticmethod
    def max_offset(entity: str) -> str:
        return f"Maximum SOQL offset allowed for apiName {entity} is 2000"

    @staticmethod
    def semi_join_field() -> str:
        return "The selected field in a semi join subquery must be an id or a reference field"

    @staticmethod
    def semi_join_same_type() -> str:
        return "The inner and outer selects should not be on the same object type"

    @staticmethod
    def semi_join_left() -> str:
        return "The left operand of a semi join must be an id or a reference field"

    @staticmethod
    def count_with_fields() -> str:
        return "COUNT() and other fields or aggregate functions cannot be used together"

    @staticmethod
    def fields_limit() -> str:
        return "The SOQL FIELDS function must have a LIMIT of at most 200"

    @staticmethod
    def invalid_locator() -> str:
        return "invalid query locator"
