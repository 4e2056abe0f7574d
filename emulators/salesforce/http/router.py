"""Routing of ``/services/data/vXX.X/…`` to the REST handlers (top-level calls and subrequests).

::

    ""                               resource map (GET)
    sobjects                         global describe
    sobjects/O                       basic info (GET), create (POST)
    sobjects/O/describe              describe
    sobjects/O/{id}                  record GET/PATCH/DELETE
    sobjects/O/{field}/{value}       by external Id: GET/PATCH (upsert)/DELETE
    sobjects/ContentVersion/{id}/VersionData   the file's bytes (GET)
    query[/{locator}]                SOQL
    queryAll[/{locator}]             SOQL with deleted rows
    composite                        composite (subrequests routed back through here)
    composite/sobjects[/…]           sObject Collections
    limits, limits/recordCount       limits
    tooling/query                    Tooling API queries (none of the tooling objects exist here yet)
"""

from __future__ import annotations

from dataclasses import dataclass

from emulators.salesforce.dml.errors import ApiError
from emulators.salesforce.http import collections, composite, describe, limits, query, sobjects
from emulators.salesforce.http.context import RequestContext, SubRequest
from emulators.salesforce.http.discovery import resources
from emulators.salesforce.http.reply import Reply, not_found
from emulators.salesforce.org.runtime import Org
from emulators.salesforce.soql import QueryEngine

__all__ = ["OrgService", "route"]


@dataclass
class OrgService:
    """What the HTTP layer holds for the one org a server process serves."""

    org: Org
    engine: QueryEngine


def _not_allowed(req: SubRequest, allowed: str) -> ApiError:
    return ApiError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{req.method}' not allowed. Allowed are {allowed}")


def _sobjects(ctx: RequestContext, segs: list[str], req: SubRequest) -> Reply:
    if not segs:
        if req.method != "GET":
            raise _not_allowed(req, "GET,HEAD")
        return describe.global_describe(ctx, req)
    plan = ctx.org.schemas.plan(segs[0])
    if plan is None:
        return not_found()
    if len(segs) == 1:
        if req.method == "GET":
            return describe.basic_info(ctx, plan, req)
        if req.method == "POST":
            return sobjects.create(ctx, plan, req)
        raise _not_allowed(req, "GET,HEAD,POST")
    if segs[1] == "describe":
        if len(segs) > 2:
            return not_found()
        if req.method != "GET":
            raise _not_allowed(req, "GET,HEAD")
        return describe.sobject_describe(ctx, plan, req)
    if len(segs) == 2:
        return sobjects.by_id(ctx, plan, segs[1], req)
    if len(segs) == 3:
        if plan.name == "ContentVersion" and segs[2] == "VersionData":
            return sobjects.blob(ctx, plan, segs[1], segs[2], req)
        return sobjects.by_external_id(ctx, plan, segs[1], segs[2], req)
    return not_found()


def route(service: OrgService, ctx: RequestContext, req: SubRequest) -> Reply:
    """Dispatch one REST request (path relative to ``/services/data/vXX.X``)."""
    segs = [s for s in req.path.split("/") if s]
    if not segs:
        ident = ctx.org.identity
        return Reply(200, resources(ctx.version, ctx.instance_url, ident.org_id, ctx.user_id))
    head, rest = segs[0], segs[1:]
    if head == "sobjects":
        return _sobjects(ctx, rest, req)
    if head in ("query", "queryAll"):
        if req.method != "GET":
            raise _not_allowed(req, "GET,HEAD")
        deleted = head == "queryAll"
        if rest:
            return query.query_page(ctx, service.engine, rest[0], include_deleted=deleted)
        return query.run_query(ctx, service.engine, req, include_deleted=deleted)
    if head == "composite":
        if not rest:
            if req.method != "POST":
                raise _not_allowed(req, "POST")
            return composite.composite(ctx, req, lambda c, r: route(service, c, r))
        if rest[0] == "sobjects":
            return collections.collections(ctx, rest[1:], req)
        return not_found()
    if head == "limits":
        if not rest:
            return limits.limits(ctx, req)
        if rest == ["recordCount"]:
            return limits.record_count(ctx, req)
        return not_found()
    if head == "tooling" and rest[:1] == ["query"]:
        text = req.query.get("q") or ""
        raise ApiError(
            400,
            "INVALID_TYPE",
            f"sObject type in '{text[:80]}' is not supported by this org's Tooling API.",
        )
    return not_found()
