"""The org emulator's SOQL engine: parse, check, execute and page SOQL queries.

Public API::

    parse(text) -> Query                         syntax only (MALFORMED_QUERY on bad syntax)
    compile_query(text, schemas) -> CompiledQuery parsed and checked against a SchemaProvider
    QueryEngine(schemas, records, *, clock, time_zone[, cursors])
        .open(text, *, include_deleted, batch_size, api_version) -> Page
        .next_page(locator) -> Page
    Page(total_size, done, records, next_locator)
    CursorRegistry(*, clock, idle_seconds=900, max_open=200)
    column_metadata(text, schemas) -> dict        the ``columns=true`` answer
    SoqlError(error_code, message)                every refusal, with Salesforce's code and message

Pipeline::

    text ─lexer─▶ tokens ─parser─▶ Query (syntax.py) ─checker─▶ CompiledQuery (plan.py)
         ─executor─▶ matching Ids (cursor keeps them packed) ─render─▶ REST records, a page at a time

Supported grammar (keywords case-insensitive; names resolved case-insensitively, returned in
describe casing)::

    query      := SELECT item {, item} FROM name [alias] [USING SCOPE name]
                  [WHERE cond] [WITH name] [GROUP BY [ROLLUP|CUBE] (paths)] [HAVING cond]
                  [ORDER BY order {, order}] [LIMIT int] [OFFSET int]
                  [FOR VIEW|REFERENCE|UPDATE {, …}] [UPDATE TRACKING|VIEWSTAT]
    item       := path | aggregate [alias] | ( query ) | typeof | FIELDS(ALL|STANDARD|CUSTOM)
                                                    (ALL/CUSTOM need LIMIT ≤ 200)
    path       := name {. name}                     up to 5 relationship hops
    aggregate  := COUNT() | COUNT(path) | COUNT_DISTINCT(path) | MIN(path) | MAX(path)
                | SUM(path) | AVG(path)             unaliased ones are named expr0, expr1, …
    typeof     := TYPEOF name WHEN type THEN names {WHEN type THEN names} [ELSE names] END
    cond       := unary {AND unary} | unary {OR unary}   (mixing AND/OR needs parentheses)
    unary      := NOT unary | ( cond ) | operand op value | operand [NOT] IN ( values )
                | operand [NOT] IN ( query )        semi-/anti-join
                | operand INCLUDES|EXCLUDES ( strings )
    operand    := path | aggregate                  (aggregates only in HAVING)
    op         := = | != | <> | < | > | <= | >= | LIKE
    value      := 'string' (escapes \\' \\" \\\\ \\n \\r \\t \\b \\f \\uXXXX, \\% \\_ in LIKE)
                | [+|-] number | TRUE | FALSE | NULL | 2024-01-31 | 2024-01-31T10:00:00[.fff](Z|±hh:mm|±hhmm)
                | date literal: TODAY YESTERDAY TOMORROW {LAST,THIS,NEXT}_{WEEK,MONTH,QUARTER,YEAR}
                  LAST_90_DAYS NEXT_90_DAYS …_FISCAL_… and with ":n" LAST_N_DAYS NEXT_N_DAYS
                  N_DAYS_AGO and the WEEKS/MONTHS/QUARTERS/YEARS/FISCAL_QUARTERS/FISCAL_YEARS forms
    order      := (path | aggregate) [ASC|DESC] [NULLS FIRST|LAST]

``GROUP BY ROLLUP(…)`` and ``CUBE(…)`` produce Salesforce's subtotal rows (GROUPING() is not
supported). Not supported (refused as MALFORMED_QUERY): date functions (CALENDAR_YEAR …),
FORMAT(), toLabel(), convertCurrency(), DISTANCE/GEOLOCATION, bind variables, WITH DATA CATEGORY.
"""

from __future__ import annotations

from emulators.salesforce.soql.checker import compile_query
from emulators.salesforce.soql.cursor import CursorRegistry, Page
from emulators.salesforce.soql.engine import QueryEngine
from emulators.salesforce.soql.errors import ErrorCode, SoqlError
from emulators.salesforce.soql.metadata import column_metadata
from emulators.salesforce.soql.parser import parse
from emulators.salesforce.soql.plan import CompiledQuery
from emulators.salesforce.soql.syntax import Query

__all__ = [
    "parse",
    "Query",
    "SoqlError",
    "ErrorCode",
    "compile_query",
    "CompiledQuery",
    "QueryEngine",
    "Page",
    "CursorRegistry",
    "column_metadata",
]
