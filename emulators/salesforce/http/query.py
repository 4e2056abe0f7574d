"""``/query`` and ``/queryAll`` (with ``/query/{locator}`` paging and ``columns=true``).

Pages hold 2,000 rows unless ``Sforce-Query-Options: batchSize=N`` (200–2,000) asks otherwise.
A page with more to come carries ``nextRecordsUrl: /services/data/vXX.X/query/<locator>``
(``queryAll/…`` for queryAll). ``columns=true`` answers the column metadata instead of rows
(the sf CLI asks for it before ``sf data query``).

SOQL is the :mod:`emulators.salesforce.soql` engine's; its refusals become 400
``[{"message", "errorCode"}]``. Objects the org does not have — ``ScratchOrgInfo`` (this org is not
a Dev Hub), ``Account.IsPersonAccount`` (person accounts are off) — get the INVALID_TYPE /
INVALID_FIELD answers the sf CLI and SFDMU expect from such orgs.
"""

from __future__ import annotations

from typing import Any

from emulators.salesforce.dml.errors import ApiError
from emulators.salesforce.http.context import RequestContext, SubRequest
from emulators.salesforce.http.reply import Reply
from emulators.salesforce.soql import QueryEngine, SoqlError, column_metadata

__all__ = ["run_query", "query_page"]


def _batch_size(req: SubRequest) -> int:
    options = req.headers.get("sforce-query-options", "")
    for part in options.split(","):
        name, _, value = part.partition("=")
        if name.strip().lower() == "batchsize" and value.strip().isdigit():
            return int(value.strip())
    return 2000


def _page_body(ctx: RequestContext, page: Any, resource: str) -> dict[str, Any]:
    body: dict[str, Any] = {"totalSize": page.total_size, "done": page.done}
    if page.next_locator:
        body["nextRecordsUrl"] = f"{ctx.base_path}/{resource}/{page.next_locator}"
    body["records"] = page.records
    return body


def _soql_error(exc: SoqlError) -> Reply:
    return Reply(400, [{"message": exc.message, "errorCode": exc.error_code}])


def run_query(ctx: RequestContext, engine: QueryEngine, req: SubRequest, *, include_deleted: bool) -> Reply:
    """``GET /query?q=…`` (or ``/queryAll``)."""
    text = req.query.get("q")
    resource = "queryAll" if include_deleted else "query"
    if not text:
        raise ApiError(400, "MALFORMED_QUERY", "A query string has to be specified")
    try:
        if req.query.get("columns", "").lower() == "true":
            return Reply(200, column_metadata(text, ctx.org.schemas))
        page = engine.open(
            text, include_deleted=include_deleted, batch_size=_batch_size(req), api_version=ctx.version
        )
    except SoqlError as exc:
        return _soql_error(exc)
    return Reply(200, _page_body(ctx, page, resource))


def query_page(ctx: RequestContext, engine: QueryEngine, locator: str, *, include_deleted: bool) -> Reply:
    """``GET /query/{locator}``: the next page of an open cursor."""
    try:
        page = engine.next_page(locator)
    except SoqlError as exc:
        return _soql_error(exc)
    return Reply(200, _page_body(ctx, page, "queryAll" if include_deleted else "query"))
