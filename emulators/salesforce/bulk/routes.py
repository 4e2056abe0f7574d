"""HTTP routes of the Bulk API (v1): ``/services/async/{version}/job…``.

=======  ==========================================  ========================================
method   path (under /services/async/{version})      answer
=======  ==========================================  ========================================
POST     /job                                        201 jobInfo (create)
GET      /job/{job}                                  jobInfo
POST     /job/{job}                                  jobInfo (``state`` Closed / Aborted)
POST     /job/{job}/batch                            201 batchInfo (Queued)
GET      /job/{job}/batch                            batchInfoList
GET      /job/{job}/batch/{batch}                    batchInfo
GET      /job/{job}/batch/{batch}/request            the batch's data as uploaded
GET      /job/{job}/batch/{batch}/result             DML results, or the query's result-list
GET      /job/{job}/batch/{batch}/result/{result}    one query result file
=======  ==========================================  ========================================

The session travels in ``X-SFDC-Session`` (or ``Authorization: Bearer``). Every request is one API
call in one transaction (:func:`~emulators.salesforce.http.gate.api_call`). A refused call answers
``<error><exceptionCode>…`` (JSON ``{"exceptionCode", "exceptionMessage"}`` for JSON jobs and
JSON requests) with status 400; an exhausted API allocation is 403 ``ExceededQuota``. Refusals
that Salesforce still counts (a batch offered to a closed job spends a batch) commit what they
counted.
"""

from __future__ import annotations

import logging
from typing import Callable

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from emulators.salesforce.bulk.model import BulkError, ContentType, QUERY_OPERATIONS, JobRow
from emulators.salesforce.bulk.service import BulkV1
from emulators.salesforce.bulk.wire import (
    CSV_TYPE,
    JSON_TYPE,
    XML_TYPE,
    batch_info,
    batch_info_list,
    error_document,
    job_info,
    parse_job_request,
    result_list,
)
from emulators.salesforce.http.context import API_VERSIONS
from emulators.salesforce.http.gate import (
    REQUEST_LIMIT_MESSAGE,
    RequestLimitExceeded,
    after_reply,
    api_call,
    session_from_headers,
)

__all__ = ["bulk_v1_routes"]

log = logging.getLogger("emulators.salesforce.bulk")
_MEDIA = {ContentType.CSV: CSV_TYPE, ContentType.JSON: JSON_TYPE, ContentType.XML: XML_TYPE}


def _wants_json(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip().lower() == "application/json"


def _doc(body: bytes, as_json: bool, status: int = 200) -> Response:
    return Response(body, status_code=status, media_type=JSON_TYPE if as_json else XML_TYPE)


def _error(exc: BulkError, as_json: bool) -> Response:
    return _doc(error_document(exc, as_json=as_json), as_json, exc.status)


def _is_json(job: JobRow) -> bool:
    return job.content_type == ContentType.JSON


Op = Callable[[Request, str, str, bytes], Response]


def bulk_v1_routes(bulk: BulkV1) -> list[Route]:
    """The Bulk API routes of one org."""
    org = bulk.org

    def endpoint(op: Op) -> Callable:
        async def handler(request: Request) -> Response:
            as_json = _wants_json(request)
            version = request.path_params["version"]
            if version not in API_VERSIONS:
                return _error(BulkError("InvalidUrl", f"Unsupported API version: {version}", 404), as_json)
            session = session_from_headers(org, {k.lower(): v for k, v in request.headers.items()})
            if session is None:
                return _error(BulkError("InvalidSessionId", "Invalid session id"), as_json)
            body = await request.body()
            try:
                with api_call(org):
                    try:
                        return op(request, session.user_id, version, body)
                    except BulkError as exc:
                        job_id = request.path_params.get("job")
                        json_job = _job_is_json(bulk, job_id) if job_id else None
                        return _error(exc, as_json if json_job is None else json_job)
            except RequestLimitExceeded:
                return _error(BulkError("ExceededQuota", f"REQUEST_LIMIT_EXCEEDED: {REQUEST_LIMIT_MESSAGE}", 403), as_json)
            except Exception:  # an emulator bug: keep the details in the log
                log.exception("unexpected error on %s %s", request.method, request.url.path)
                return _error(BulkError("Unknown", "An unexpected error occurred; see the emulator log", 500), as_json)

        return handler

    def create_job(request: Request, user_id: str, version: str, body: bytes) -> Response:
        as_json = _wants_json(request)
        job = bulk.create_job(user_id, version, parse_job_request(body, as_json), as_json=as_json)
        return _doc(job_info(job, [], as_json=_is_json(job) or as_json), _is_json(job) or as_json, 201)

    def job(request: Request, user_id: str, version: str, body: bytes) -> Response:
        job_id = request.path_params["job"]
        if request.method == "GET":
            found, batches = bulk.job(job_id)
        else:
            as_json = _job_is_json(bulk, job_id) or _wants_json(request)
            found, batches = bulk.change_state(job_id, parse_job_request(body, as_json))
        return _doc(job_info(found, batches, as_json=_is_json(found)), _is_json(found))

    def batches(request: Request, user_id: str, version: str, body: bytes) -> Response:
        job_id = request.path_params["job"]
        if request.method == "POST":
            batch = bulk.add_batch(job_id, body, request.headers.get("content-type", ""))
            found = bulk.store.job(batch.job_id)
            reply = _doc(batch_info(batch, as_json=_is_json(found)), _is_json(found), 201)
            reply.background = after_reply(org, bulk.process_pending, found.id)
            return reply
        found, rows = bulk.job(job_id)
        return _doc(batch_info_list(rows, as_json=_is_json(found)), _is_json(found))

    def batch(request: Request, user_id: str, version: str, body: bytes) -> Response:
        job_id, batch_id = request.path_params["job"], request.path_params["batch"]
        row = bulk.batch(job_id, batch_id)
        found = bulk.store.job(row.job_id)
        return _doc(batch_info(row, as_json=_is_json(found)), _is_json(found))

    def request_data(request: Request, user_id: str, version: str, body: bytes) -> Response:
        job_id, batch_id = request.path_params["job"], request.path_params["batch"]
        chunks = bulk.request_body(job_id, batch_id)
        found = bulk.store.job(job_id)
        media = "text/plain" if found.operation in QUERY_OPERATIONS else _MEDIA[ContentType(found.content_type)]
        return StreamingResponse(chunks, media_type=media)

    def result(request: Request, user_id: str, version: str, body: bytes) -> Response:
        job_id, batch_id = request.path_params["job"], request.path_params["batch"]
        found, row = bulk.results(job_id, batch_id)
        if found.operation in QUERY_OPERATIONS:
            return _doc(result_list(row.result_ids, as_json=_is_json(found)), _is_json(found))
        _, chunks = bulk.dml_result(job_id, batch_id)
        return StreamingResponse(chunks, media_type=_MEDIA[ContentType(found.content_type)])

    def result_file(request: Request, user_id: str, version: str, body: bytes) -> Response:
        p = request.path_params
        found, chunks = bulk.query_result(p["job"], p["batch"], p["result"])
        return StreamingResponse(chunks, media_type=_MEDIA[ContentType(found.content_type)])

    base = "/services/async/{version}/job"
    return [
        Route(base, endpoint(create_job), methods=["POST"]),
        Route(base + "/{job}", endpoint(job), methods=["GET", "POST"]),
        Route(base + "/{job}/batch", endpoint(batches), methods=["GET", "POST"]),
        Route(base + "/{job}/batch/{batch}", endpoint(batch), methods=["GET"]),
        Route(base + "/{job}/batch/{batch}/request", endpoint(request_data), methods=["GET"]),
        Route(base + "/{job}/batch/{batch}/result", endpoint(result), methods=["GET"]),
        Route(base + "/{job}/batch/{batch}/result/{result}", endpoint(result_file), methods=["GET"]),
    ]


def _job_is_json(bulk: BulkV1, job_id: str) -> bool | None:
    try:
        return bulk.store.job(job_id).content_type == ContentType.JSON
    except BulkError:
        return None
