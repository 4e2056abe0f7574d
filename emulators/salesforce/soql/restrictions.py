"""Per-object implementation restrictions Salesforce applies to queries before running them.

``ContentDocumentLink`` cannot be queried without a filter that names the files or the records:
the WHERE clause must hold, at its top level (alone or as one operand of an AND), ``ContentDocumentId``
or ``LinkedEntityId`` (or ``Id``) compared with ``=`` to one Id, with ``IN`` to a list of Ids, or ``IN`` a
semi-join. Anything else — no WHERE, the filter under an OR or a NOT, ``!=`` / ``NOT IN`` — fails with
``MALFORMED_QUERY`` and Salesforce's message. (Salesforce lifts the rule for users with the "Query All
Files" permission from API 59.0; the emulator has no such permission, so the rule always holds.)
Sub-queries through a parent's ``ContentDocumentLinks`` relationship are filtered by their parent and
are not checked.
"""

from __future__ import annotations

from emulators.salesforce.schema.model import ObjectSchema
from emulators.salesforce.soql.errors import ErrorCode, SoqlError
from emulators.salesforce.soql.syntax import And, Comparison, FieldPath, Query, SemiJoin
from emulators.salesforce.soql.vocabulary import Operator

__all__ = ["check_restrictions", "CONTENT_DOCUMENT_LINK_MESSAGE"]

CONTENT_DOCUMENT_LINK_MESSAGE = (
    "Implementation restriction: ContentDocumentLink requires a filter by a single Id on ContentDocumentId or "
    "LinkedEntityId using the equals operator or multiple Id's using the IN operator."
)
_LINK_KEYS = frozenset({"contentdocumentid", "linkedentityid", "id"})


def _names_link_key(path: object, alias: str | None) -> bool:
    if not isinstance(path, FieldPath):
        return False
    parts = [p.lower() for p in path.parts]
    if alias and len(parts) == 2 and parts[0] == alias.lower():
        parts = parts[1:]
    if len(parts) == 2 and parts[0] == "contentdocumentlink":
        parts = parts[1:]
    return len(parts) == 1 and parts[0] in _LINK_KEYS


def _is_link_filter(condition: object, alias: str | None) -> bool:
    if isinstance(condition, Comparison):
        return condition.op in (Operator.EQ, Operator.IN) and _names_link_key(condition.left, alias)
    if isinstance(condition, SemiJoin):
        return not condition.negated and _names_link_key(condition.left, alias)
    return False


def check_restrictions(query: Query, schema: ObjectSchema) -> None:
    """Raise :class:`SoqlError` when ``query`` (top level) breaks ``schema``'s query restriction."""
    if schema.name != "ContentDocumentLink":
        return
    where = query.where
    operands = where.operands if isinstance(where, And) else (where,) if where is not None else ()
    if not any(_is_link_filter(op, query.alias) for op in operands):
        raise SoqlError(ErrorCode.MALFORMED_QUERY, CONTENT_DOCUMENT_LINK_MESSAGE)
