"""HTTP routes of Bulk API 2.0, under ``/services/data/vXX.X/jobs/…``.

=======  =========================================  ==============================================
method   path                                       answer
=======  =========================================  ==============================================
POST     /jobs/ingest                               200 job info (Open)
GET      /jobs/ingest                               ``{"done", "records", "nextRecordsUrl"}``
GET      /jobs/ingest/{id}                          job info with counters (``jobType`` V2Ingest)
PATCH    /jobs/ingest/{id}                          ``{"state": "UploadComplete" | "Aborted"}``
DELETE   /jobs/ingest/{id}                          204
PUT      /jobs/ingest/{id}/batches                  201 (CSV body, streamed to disk; ≤ 150 MB a job)
GET      /jobs/ingest/{id}/successfulResults        CSV ``sf__Id,sf__Created,…``
GET      /jobs/ingest/{id}/failedResults            CSV ``sf__Id,sf__Error,…``
GET      /jobs/ingest/{id}/unprocessedrecords       CSV
POST     /jobs/query                                200 job info (UploadComplete)
GET      /jobs/query[/{id}]                         list / job info (``jobType`` V2Query)
PATCH    /jobs/query/{id}                           ``{"state": "Aborted"}``
DELETE   /jobs/query/{id}                           204
GET      /jobs/query/{id}/results                   CSV page; ``?maxRecords=&locator=``;
                                                    headers ``Sforce-Locator``, ``Sforce-NumberOfRecords``
=======  =========================================  ==============================================

Errors are REST-shaped: ``[{"errorCode": "…", "message": "…"}]``. Each request is one API call
(:func:`~emulators.salesforce.http.gate.api_call`); an upload is written to disk before its
transaction starts and dropped again if the call is refused.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from emulators.salesforce.bulk.model import BulkError, JobRow
from emulators.salesforce.bulk2.service import MAX_UPLOAD_BYTES, Bulk2
from emulators.salesforce.http.context import parse_version
from emulators.salesforce.http.gate import (
    REQUEST_LIMIT_MESSAGE,
    RequestLimitExceeded,
    after_reply,
    api_call,
    session_from_headers,
)

__all__ = ["bulk2_routes", "job_document"]

log = logging.getLogger("emulators.salesforce.bulk2")
_JSON = "application/json;charset=UTF-8"


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=_JSON, headers=headers)


def _error(code: str, message: str, status: int) -> Response:
    return _json(status, [{"errorCode": code, "message": message}])


def _bulk_error(exc: BulkError) -> Response:
    code = exc.code if exc.code.isupper() else exc.code.upper()
    message = exc.message if exc.code.isupper() else f"{exc.code} : {exc.message}"
    return _error(code, message, exc.status)


def job_document(job: JobRow, *, detailed: bool) -> dict[str, Any]:
    """A Bulk 2.0 job as Salesforce shows it (``detailed`` adds the counters of GET)."""
    opts = job.options
    doc: dict[str, Any] = {
        "id": job.id,
        "operation": job.operation,
        "object": job.object,
        "createdById": job.created_by,
        "createdDate": job.created,
        "systemModstamp": job.modstamp,
        "state": job.state,
    }
    if job.api == "ingest" and job.external_id:
        doc["externalIdFieldName"] = job.external_id
    doc.update(concurrencyMode=job.concurrency, contentType=job.content_type, apiVersion=float(job.api_version))
    if job.api == "ingest":
        doc["contentUrl"] = f"services/data/v{job.api_version}/jobs/ingest/{job.id}/batches"
    doc.update(lineEnding=opts["lineEnding"], columnDelimiter=opts["columnDelimiter"])
    if detailed:
        if job.api == "ingest":
            doc.update(
                jobType="V2Ingest",
                numberRecordsProcessed=int(opts.get("processed", 0)),
                numberRecordsFailed=int(opts.get("failed", 0)),
                retries=0,
                totalProcessingTime=int(opts.get("total_ms", 0)),
                apiActiveProcessingTime=int(opts.get("total_ms", 0)),
                apexProcessingTime=0,
            )
        else:
            doc.update(
                jobType="V2Query",
                numberRecordsProcessed=int(opts.get("processed", 0)),
                retries=0,
                totalProcessingTime=int(opts.get("total_ms", 0)),
                isPkChunkingSupported=False,
            )
        if opts.get("errorMessage"):
            doc["errorMessage"] = opts["errorMessage"]
    return doc


Handler = Callable[[Request, str, str], Response]


def bulk2_routes(bulk: Bulk2) -> list[Route]:
    org = bulk.org

    def endpoint(op: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def handler(request: Request) -> Response:
            version = parse_version(request.path_params["version"])
            if version is None:
                return _error("NOT_FOUND", "The requested resource does not exist", 404)
            session = session_from_headers(org, {k.lower(): v for k, v in request.headers.items()})
            if session is None:
                return _error("INVALID_SESSION_ID", "Session expired or invalid", 401)
            request.state.body = await request.body() if request.method in ("POST", "PATCH") else b""
            try:
                with api_call(org) as used:
                    try:
                        response = op(request, session.user_id, version)
                    except BulkError as exc:
                        response = _bulk_error(exc)
            except RequestLimitExceeded as exc:
                return _json(403, [{"message": REQUEST_LIMIT_MESSAGE, "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
                             {"Sforce-Limit-Info": f"api-usage={exc.maximum}/{exc.maximum}"})
            except Exception:  # an emulator bug: keep the details in the log
                log.exception("unexpected error on %s %s", request.method, request.url.path)
                return _error("UNKNOWN_EXCEPTION", "An unexpected error occurred; see the emulator log", 500)
            response.headers["Sforce-Limit-Info"] = f"api-usage={used}/{org.api_limit()}"
            return response

        return handler

    def body_of(request: Request) -> dict[str, Any]:
        raw = request.state.body
        try:
            data = orjson.loads(raw) if raw.strip() else {}
        except orjson.JSONDecodeError:
            raise BulkError("JSON_PARSER_ERROR", "The request body is not valid JSON", 400) from None
        if not isinstance(data, dict):
            raise BulkError("JSON_PARSER_ERROR", "The request body must be a JSON object", 400)
        return data

    def listing(jobs: list[JobRow]) -> Response:
        return _json(200, {"done": True, "records": [job_document(j, detailed=False) for j in jobs], "nextRecordsUrl": None})

    def ingest_root(request: Request, user_id: str, version: str) -> Response:
        if request.method == "GET":
            return listing(bulk.jobs("ingest"))
        job = bulk.create_ingest(user_id, version, body_of(request))
        return _json(200, job_document(job, detailed=False))

    def ingest_job(request: Request, user_id: str, version: str) -> Response:
        job_id = request.path_params["job"]
        if request.method == "GET":
            return _json(200, job_document(bulk.job(job_id, "ingest"), detailed=True))
        if request.method == "DELETE":
            bulk.delete(job_id, "ingest")
            return Response(status_code=204)
        job = bulk.set_state(job_id, "ingest", str(body_of(request).get("state") or ""))
        reply = _json(200, job_document(job, detailed=False))
        reply.background = after_reply(org, bulk.process_pending, job.id)
        return reply

    def ingest_results(kind: str) -> Handler:
        def handler(request: Request, user_id: str, version: str) -> Response:
            return StreamingResponse(bulk.ingest_results(request.path_params["job"], kind), media_type="text/csv")

        return handler

    def query_root(request: Request, user_id: str, version: str) -> Response:
        if request.method == "GET":
            return listing(bulk.jobs("query"))
        job = bulk.create_query(user_id, version, body_of(request))
        reply = _json(200, job_document(job, detailed=False))
        reply.background = after_reply(org, bulk.process_pending, job.id)
        return reply

    def query_job(request: Request, user_id: str, version: str) -> Response:
        job_id = request.path_params["job"]
        if request.method == "GET":
            return _json(200, job_document(bulk.job(job_id, "query"), detailed=True))
        if request.method == "DELETE":
            bulk.delete(job_id, "query")
            return Response(status_code=204)
        job = bulk.set_state(job_id, "query", str(body_of(request).get("state") or ""))
        return _json(200, job_document(job, detailed=False))

    def query_results(request: Request, user_id: str, version: str) -> Response:
        text = request.query_params.get("maxRecords", "")
        if text and not text.isdigit():
            raise BulkError("INVALIDQUERYPARAMETER", f"maxRecords must be a positive whole number, got {text!r}", 400)
        page = bulk.query_page(request.path_params["job"], request.query_params.get("locator") or None,
                               int(text) if text else None)
        headers = {"Sforce-Locator": page.locator, "Sforce-NumberOfRecords": str(page.rows)}
        return StreamingResponse(page.chunks, media_type="text/csv", headers=headers)

    async def upload(request: Request) -> Response:
        """PUT …/batches: stream the CSV to disk, then record it in one API call."""
        version = parse_version(request.path_params["version"])
        if version is None:
            return _error("NOT_FOUND", "The requested resource does not exist", 404)
        session = session_from_headers(org, {k.lower(): v for k, v in request.headers.items()})
        if session is None:
            return _error("INVALID_SESSION_ID", "Session expired or invalid", 401)
        job_id = request.path_params["job"]
        try:
            with api_call(org):
                job, name, before = bulk.upload_target(job_id)
        except BulkError as exc:
            return _bulk_error(exc)
        except RequestLimitExceeded:
            return _json(403, [{"message": REQUEST_LIMIT_MESSAGE, "errorCode": "REQUEST_LIMIT_EXCEEDED"}])
        size = before
        path = bulk.store.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab") as out:
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    break
                out.write(chunk)
        if size > MAX_UPLOAD_BYTES:
            with open(path, "r+b") as out:
                out.truncate(before)
            return _error(
                "CLIENTINPUTERROR",
                f"ClientInputError : The job's data exceeds the maximum of {MAX_UPLOAD_BYTES:,} bytes (150 MB); "
                "split it across several jobs",
                400,
            )
        with org.db.transaction():
            bulk.record_upload(job, size)
        return Response(status_code=201)

    base = "/services/data/{version}/jobs"
    return [
        Route(base + "/ingest", endpoint(ingest_root), methods=["GET", "POST"]),
        Route(base + "/ingest/{job}", endpoint(ingest_job), methods=["GET", "PATCH", "DELETE"]),
        Route(base + "/ingest/{job}/batches", upload, methods=["PUT"]),
        Route(base + "/ingest/{job}/successfulResults", endpoint(ingest_results("successful")), methods=["GET"]),
        Route(base + "/ingest/{job}/failedResults", endpoint(ingest_results("failed")), methods=["GET"]),
        Route(base + "/ingest/{job}/unprocessedrecords", endpoint(ingest_results("unprocessed")), methods=["GET"]),
        # simple-salesforce asks for unprocessedRecords; Salesforce answers either spelling
        Route(base + "/ingest/{job}/unprocessedRecords", endpoint(ingest_results("unprocessed")), methods=["GET"]),
        Route(base + "/query", endpoint(query_root), methods=["GET", "POST"]),
        Route(base + "/query/{job}", endpoint(query_job), methods=["GET", "PATCH", "DELETE"]),
        Route(base + "/query/{job}/results", endpoint(query_results), methods=["GET"]),
    ]


