"""Describe: ``/sobjects`` (global), ``/sobjects/{O}`` (basic info), ``/sobjects/{O}/describe``.

The JSON comes from the catalog's renderer (memoised per schema object, so repeated describes
cost a dictionary lookup). Record type infos come from the org's RecordType rows; the org's
default record type of an object (from the seed) is marked ``defaultRecordTypeMapping``.

An object's describe lists only the fields the running user may read (field-level security, see
:mod:`emulators.salesforce.metadata.fls`): admins see all; other users see standard fields and the
custom fields their assigned permission sets make readable.

``If-Modified-Since`` (RFC 1123 date) on a describe answers 304 with no body when the org's schema
has not changed since that moment — also inside ``/composite`` subrequests, which is how
CumulusCI's load checks describes. Replies carry ``Last-Modified``.
"""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime as http_date
from email.utils import parsedate_to_datetime

from emulators.salesforce.catalog import RecordTypeInfo, describe_global, describe_sobject_json
from emulators.salesforce.http.context import RequestContext, SubRequest
from emulators.salesforce.http.reply import Reply
from emulators.salesforce.org.schemas import ObjectPlan

__all__ = ["global_describe", "basic_info", "sobject_describe", "record_type_infos"]


def _not_modified(ctx: RequestContext, req: SubRequest) -> bool:
    text = req.headers.get("if-modified-since")
    if not text:
        return False
    try:
        since = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.timezone.utc)
    return ctx.org.schemas.modified.replace(microsecond=0) <= since


def _last_modified(ctx: RequestContext) -> dict[str, str]:
    return {"Last-Modified": http_date(ctx.org.schemas.modified.astimezone(dt.timezone.utc), usegmt=True)}


def record_type_infos(ctx: RequestContext, sobject: str) -> tuple[RecordTypeInfo, ...]:
    defaults = ctx.org.db.get_meta("default_record_types", {})
    out = []
    for row in ctx.org.store.scan("RecordType"):
        if row.get("SobjectType") != sobject:
            continue
        out.append(
            RecordTypeInfo(
                id=row["Id"],
                developer_name=row.get("DeveloperName") or "",
                name=row.get("Name") or "",
                active=bool(row.get("IsActive")),
                default=defaults.get(sobject) == row["Id"],
                master=False,
                business_process_id=row.get("BusinessProcessId"),
            )
        )
    return tuple(out)


def global_describe(ctx: RequestContext, req: SubRequest) -> Reply:
    if _not_modified(ctx, req):
        return Reply(304, None, _last_modified(ctx))
    body = describe_global(ctx.org.schemas.all(), api_version=ctx.version, instance_url=ctx.instance_url)
    return Reply(200, body, _last_modified(ctx))


def basic_info(ctx: RequestContext, plan: ObjectPlan, req: SubRequest) -> Reply:
    entry = describe_global([plan.schema], api_version=ctx.version, instance_url=ctx.instance_url)["sobjects"][0]
    return Reply(200, {"objectDescribe": entry, "recentItems": []})


def sobject_describe(ctx: RequestContext, plan: ObjectPlan, req: SubRequest) -> Reply:
    if _not_modified(ctx, req):
        return Reply(304, None, _last_modified(ctx))
    raw = describe_sobject_json(
        ctx.org.field_security.visible(ctx.user_id, plan.schema),  # field-level security of the running user
        record_types=record_type_infos(ctx, plan.name),
        api_version=ctx.version,
        instance_url=ctx.instance_url,
    )
    return Reply(200, None, _last_modified(ctx), raw=raw)
