"""A read-only web page at the org's root: objects, record counts and records.

``GET /`` lists every object that holds records, with live and recycle-bin counts, the org's
storage and API usage; ``GET /?object=Account[&offset=200]`` shows that object's records, 200 per
page, newest schema columns first-to-last as describe orders them (only columns that hold a value
on the page). It is meant for a person checking what a migration did. The page answers only on
the loopback interface, shows no credentials, and changes nothing. HTML is built with lxml's
element builder, so every value is escaped.
"""

from __future__ import annotations

from typing import Any

import orjson
from lxml import etree
from lxml.html import builder as E
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from emulators.salesforce.admin.routes import LOOPBACK
from emulators.salesforce.org.runtime import Org

__all__ = ["page_routes", "PAGE_SIZE"]

PAGE_SIZE = 200
_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px;text-align:left;vertical-align:top}"
    "th{background:#f0f0f0}.num{text-align:right}"
)


def _counts(org: Org) -> list[tuple[str, int, int]]:
    rows = org.db.conn.execute(
        "SELECT sobject, SUM(deleted = 0), SUM(deleted = 1) FROM records GROUP BY sobject ORDER BY sobject"
    ).fetchall()
    return [(name, int(live), int(deleted)) for name, live, deleted in rows]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _document(title: str, *body: Any) -> bytes:
    page = E.HTML(E.HEAD(E.META(charset="utf-8"), E.TITLE(title), E.STYLE(_STYLE)), E.BODY(*body))
    return etree.tostring(page, method="html", encoding="utf-8", doctype="<!DOCTYPE html>")


def _overview(org: Org) -> bytes:
    ident = org.identity
    snap = org.limits.snapshot()
    data = snap["data_storage"]
    rows = [
        E.TR(E.TD(E.A(name, href=f"?object={name}")), E.TD(str(live), E.CLASS("num")), E.TD(str(dead), E.CLASS("num")))
        for name, live, dead in _counts(org)
    ]
    return _document(
        f"{ident.display_name} — emulated org",
        E.H1(ident.display_name),
        E.P(f"{ident.edition} Edition{' sandbox' if ident.sandbox else ''} · org {ident.org_id} · {ident.username}"),
        E.P(
            f"API requests (24 h): {snap['api_requests']['used']:,} of {snap['api_requests']['max']:,} · "
            f"data storage: {data['used_bytes'] / 1048576:,.2f} MB of {data['max_bytes'] / 1048576:,.2f} MB · "
            f"Bulk batches (24 h): {snap['bulk_batches']['used']:,} of {snap['bulk_batches']['max']:,}"
        ),
        E.TABLE(E.TR(E.TH("Object"), E.TH("Records"), E.TH("In recycle bin")), *rows),
    )


def _records(org: Org, name: str, offset: int) -> bytes | None:
    plan = org.schemas.plan(name)
    if plan is None:
        return None
    total = org.store.count(plan.name)
    cursor = org.db.conn.execute(
        "SELECT data FROM records WHERE sobject = ? AND deleted = 0 ORDER BY seq LIMIT ? OFFSET ?",
        (plan.name, PAGE_SIZE, offset),
    )
    rows = [orjson.loads(data) for (data,) in cursor]
    used = {k for row in rows for k in row}
    columns = [f for f in plan.field_names if f in used]
    table = E.TABLE(
        E.TR(*[E.TH(c) for c in columns]),
        *[E.TR(*[E.TD(_cell(row.get(c))) for c in columns]) for row in rows],
    )
    links = []
    if offset > 0:
        links.append(E.A("previous", href=f"?object={plan.name}&offset={max(0, offset - PAGE_SIZE)}"))
    if offset + PAGE_SIZE < total:
        links.append(E.A("next", href=f"?object={plan.name}&offset={offset + PAGE_SIZE}"))
    shown = f"{offset + 1:,}–{offset + len(rows):,} of {total:,}" if rows else f"none of {total:,}"
    return _document(
        f"{plan.name} — emulated org",
        E.P(E.A("all objects", href="/")),
        E.H1(f"{plan.schema.label_plural} ({plan.name})"),
        E.P(f"Records {shown}"),
        E.P(*links),
        table,
    )


def page_routes(org: Org) -> list[Route]:
    async def root(request: Request) -> Response:
        host = request.client.host if request.client else ""
        if host not in LOOPBACK:
            return Response("the org page answers only on the loopback interface", status_code=403)
        name = request.query_params.get("object")
        if not name:
            return HTMLResponse(_overview(org))
        offset_text = request.query_params.get("offset", "0")
        offset = int(offset_text) if offset_text.isdigit() else 0
        body = _records(org, name, offset)
        if body is None:
            return HTMLResponse(_document("Not found", E.P(f"This org has no object {name}.")), status_code=404)
        return HTMLResponse(body)

    return [Route("/", root, methods=["GET"])]
