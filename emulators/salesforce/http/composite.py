"""``POST /composite``: up to 25 REST subrequests in one call, with ``@{refId.path}`` references.

Request ``{"allOrNone": bool, "collateSubrequests": bool, "compositeRequest": [{method, url,
referenceId, body?, httpHeaders?}]}``; reply ``{"compositeResponse": [{body, httpHeaders,
httpStatusCode, referenceId}]}`` in request order (``collateSubrequests`` is accepted; subrequests
always run in order here).

A reference ``@{NewAccount.id}`` or ``@{Rows.records[0].Id}`` in a later subrequest's URL or body
is replaced by that value of an earlier subrequest's reply body. A reference that cannot be
resolved (unknown referenceId, a failed subrequest, a missing path) gives that subrequest 400
PROCESSING_HALTED ``"Invalid reference specified. No value for Rows.records[0].Id found in Rows"``.

With ``allOrNone`` the first failing subrequest (status ≥ 400, or an sObject Collections subrequest
with a failed record — the composite's ``allOrNone`` also makes those all-or-none) rolls back everything the call did
(a savepoint); it keeps its own error and every other subrequest reports 400 PROCESSING_HALTED
``"The transaction was rolled back since another operation in the same transaction failed."``.
"""

from __future__ import annotations

import re
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

from emulators.salesforce.dml.errors import ApiError
from emulators.salesforce.http.context import FORCE_ALL_OR_NONE, RequestContext, SubRequest, parse_version
from emulators.salesforce.http.reply import Reply

__all__ = ["composite", "MAX_SUBREQUESTS", "ROLLBACK_MESSAGE"]

MAX_SUBREQUESTS = 25
ROLLBACK_MESSAGE = "The transaction was rolled back since another operation in the same transaction failed."
_REF = re.compile(r"@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}")
_STEP = re.compile(r"\.([A-Za-z0-9_]+)|\[(\d+)\]")

Router = Callable[[RequestContext, SubRequest], Reply]


class _BadReference(Exception):
    def __init__(self, expression: str, ref_id: str) -> None:
        super().__init__(expression)
        self.expression = expression
        self.ref_id = ref_id


def _lookup(results: dict[str, Reply], ref_id: str, path: str) -> Any:
    reply = results.get(ref_id)
    expression = ref_id + path
    if reply is None or reply.status >= 400:
        raise _BadReference(expression, ref_id)
    value: Any = reply.json_body()
    for name, index in _STEP.findall(path):
        if name:
            if not isinstance(value, dict) or name not in value:
                raise _BadReference(expression, ref_id)
            value = value[name]
        else:
            if not isinstance(value, list) or int(index) >= len(value):
                raise _BadReference(expression, ref_id)
            value = value[int(index)]
    if isinstance(value, (dict, list)) or value is None:
        raise _BadReference(expression, ref_id)
    return value


def _substitute_text(text: str, results: dict[str, Reply]) -> Any:
    whole = _REF.fullmatch(text)
    if whole:  # a value that is only a reference keeps the referenced JSON type
        return _lookup(results, whole.group(1), whole.group(2))
    return _REF.sub(lambda m: str(_lookup(results, m.group(1), m.group(2))), text)


def _substitute(value: Any, results: dict[str, Reply]) -> Any:
    if isinstance(value, str):
        return _substitute_text(value, results) if "@{" in value else value
    if isinstance(value, list):
        return [_substitute(v, results) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, results) for k, v in value.items()}
    return value


def _entry(reply: Reply, ref_id: str) -> dict[str, Any]:
    return {"body": reply.json_body(), "httpHeaders": dict(reply.headers), "httpStatusCode": reply.status, "referenceId": ref_id}


def _has_failed_records(reply: Reply) -> bool:
    """An sObject Collections reply (200) in which some record failed."""
    body = reply.body
    return isinstance(body, list) and any(isinstance(r, dict) and r.get("success") is False for r in body)


def _halted(message: str) -> Reply:
    return Reply(400, [{"errorCode": "PROCESSING_HALTED", "message": message}])


def _subrequest(ctx: RequestContext, item: dict[str, Any], results: dict[str, Reply]) -> tuple[RequestContext, SubRequest]:
    url = _substitute(str(item.get("url") or ""), results)
    parts = urlsplit(str(url))
    segments = parts.path.split("/")
    # /services/data/vXX.X/<rest>
    if len(segments) < 4 or segments[1:3] != ["services", "data"] or parse_version(segments[3]) is None:
        raise ApiError(400, "INVALID_URL", f"The URL {parts.path} is not a supported REST resource of this org.")
    version = parse_version(segments[3]) or ctx.version
    sub_ctx = RequestContext(ctx.org, ctx.user_id, version, ctx.instance_url, now=ctx.now, extra=dict(ctx.extra))
    headers = {str(k).lower(): str(v) for k, v in (item.get("httpHeaders") or {}).items()}
    body = _substitute(item.get("body"), results)
    rest = "/" + "/".join(segments[4:])
    return sub_ctx, SubRequest(
        method=str(item.get("method") or "GET").upper(),
        path=rest,
        query=dict(parse_qsl(parts.query, keep_blank_values=True)),
        headers=headers,
        body=body,
    )


def composite(ctx: RequestContext, req: SubRequest, route: Router) -> Reply:
    """Run a composite request; ``route`` dispatches each subrequest like a top-level call."""
    body = req.body
    if not isinstance(body, dict) or not isinstance(body.get("compositeRequest"), list):
        raise ApiError(400, "JSON_PARSER_ERROR", "The request body must be an object with a 'compositeRequest' array.")
    items = body["compositeRequest"]
    if len(items) > MAX_SUBREQUESTS:
        raise ApiError(
            400, "LIMIT_EXCEEDED", f"Exceeded max limit of subrequests allowed for a composite request. Max limit: {MAX_SUBREQUESTS}"
        )
    ref_ids = [str((item or {}).get("referenceId") or "") for item in items]
    if any(not r for r in ref_ids) or len(set(ref_ids)) != len(ref_ids):
        raise ApiError(400, "INVALID_INPUT", "Every subrequest needs a referenceId, and referenceIds must be unique.")
    all_or_none = bool(body.get("allOrNone", False))
    if all_or_none:  # the composite's allOrNone overrides that of sObject Collections subrequests
        ctx = RequestContext(ctx.org, ctx.user_id, ctx.version, ctx.instance_url, now=ctx.now,
                             extra={**ctx.extra, FORCE_ALL_OR_NONE: True})
    db = ctx.org.db
    db.savepoint("composite")
    results: dict[str, Reply] = {}
    order: list[tuple[str, Reply]] = []
    failed_at: int | None = None
    for index, item in enumerate(items):
        ref_id = ref_ids[index]
        if not isinstance(item, dict):
            reply = Reply(400, [{"errorCode": "JSON_PARSER_ERROR", "message": "A subrequest must be an object."}])
        else:
            try:
                sub_ctx, sub = _subrequest(ctx, item, results)
                if sub.path.rstrip("/") == "/composite":
                    raise ApiError(400, "INVALID_URL", "A composite request cannot contain another composite request.")
                reply = route(sub_ctx, sub)
            except _BadReference as bad:
                reply = _halted(f"Invalid reference specified. No value for {bad.expression} found in {bad.ref_id}")
            except ApiError as exc:
                reply = Reply(exc.status, exc.body())
        results[ref_id] = reply
        order.append((ref_id, reply))
        if all_or_none and (reply.status >= 400 or _has_failed_records(reply)):
            failed_at = index
            break
    if failed_at is not None:
        db.rollback_to("composite")
        entries = []
        for index, ref_id in enumerate(ref_ids):
            if index == failed_at:
                entries.append(_entry(order[index][1], ref_id))
            else:
                entries.append(_entry(_halted(ROLLBACK_MESSAGE), ref_id))
        return Reply(200, {"compositeResponse": entries})
    db.release("composite")
    return Reply(200, {"compositeResponse": [_entry(reply, ref_id) for ref_id, reply in order]})
