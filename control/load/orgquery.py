"""Reading what the org already holds: streamed SOQL, literals escaped, errors as :class:`SalesforceError`."""

from __future__ import annotations

from typing import Any, Iterator, Mapping, Sequence

from control.errors import SalesforceError
from control.secrets import redact_text

__all__ = ["literal", "query", "count", "in_list"]


def literal(value: str) -> str:
    """A SOQL string literal (backslash and quote escaped)."""
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def in_list(values: Sequence[str]) -> str:
    return "(" + ", ".join(literal(v) for v in values) + ")"


def query(client: Any, soql: str) -> Iterator[Mapping[str, Any]]:
    from simple_salesforce.exceptions import SalesforceError as SimpleSalesforceError

    try:
        for record in client.query_all_iter(soql):
            yield record
    except SimpleSalesforceError as exc:
        content = exc.content[0] if isinstance(exc.content, list) and exc.content else {}
        code = content.get("errorCode") if isinstance(content, dict) else None
        raise SalesforceError(f"Query failed: {redact_text(str(content.get('message', exc)))}",
                              status=exc.status, code=code) from None


def count(client: Any, sobject: str, where: str = "") -> int:
    from simple_salesforce.exceptions import SalesforceError as SimpleSalesforceError

    try:
        return int(client.query(f"SELECT count() FROM {sobject}{' WHERE ' + where if where else ''}")["totalSize"])
    except SimpleSalesforceError as exc:
        raise SalesforceError(f"Counting {sobject} failed: {redact_text(str(exc))}", status=exc.status) from None
