"""HTTP routes of the Metadata API.

* ``POST /services/Soap/m/{version}[/…]`` — SOAP (anything after the version — an org Id, or
  simple-salesforce's ``deployRequest/{id}`` — is ignored): deploy, checkDeployStatus, cancelDeploy,
  retrieve, checkRetrieveStatus, checkStatus, listMetadata, describeMetadata, readMetadata,
  dispatched on the Body's element (the sf CLI sends an empty SOAPAction).
* ``POST /services/data/vXX.X/metadata/deployRequest`` — REST deploy: ``multipart/form-data`` with a
  ``json`` part (``{"deployOptions": {…}}``) and a ``file`` part (the zip) → 201
  ``{"id", "deployOptions", "deployResult"}``.
* ``GET /services/data/vXX.X/metadata/deployRequest/{id}[?includeDetails=true]`` — the result.

Every call is one API call (:func:`~emulators.salesforce.http.gate.api_call`).
"""

from __future__ import annotations

import logging
from email import policy
from email.parser import BytesParser
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulators.salesforce.http.context import API_VERSIONS, parse_version
from emulators.salesforce.http.gate import REQUEST_LIMIT_MESSAGE, RequestLimitExceeded, api_call, session_from_headers
from emulators.salesforce.metadata.context import DeployOptions
from emulators.salesforce.metadata.reading import members_of
from emulators.salesforce.metadata.service import MetadataService
from emulators.salesforce.metadata.soap import (
    SoapCall,
    SoapFault,
    as_mapping,
    child,
    child_text,
    children_named,
    fault,
    parse_call,
    response,
)

__all__ = ["metadata_routes"]

log = logging.getLogger("emulators.salesforce.metadata")
_XML = "text/xml; charset=utf-8"
_JSON = "application/json;charset=UTF-8"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _soap(service: MetadataService, call: SoapCall, user_id: str, version: str) -> Any:
    body = call.body
    op = call.operation
    if op == "deploy":
        options = DeployOptions.from_mapping(as_mapping(child(body, "DeployOptions")))
        deploy_id = service.deploy_zip_base64(user_id, child_text(body, "ZipFile") or "", options)
        return {"done": False, "id": deploy_id, "state": "Queued"}
    if op == "checkDeployStatus":
        return service.deploy_status(child_text(body, "asyncProcessId") or "",
                                     include_details=_flag(child_text(body, "includeDetails")))
    if op == "cancelDeploy":
        deploy_id = child_text(body, "String") or child_text(body, "id") or ""
        service.deploy_status(deploy_id, include_details=False)
        return {"done": True, "id": deploy_id}
    if op == "retrieve":
        request = child(body, "retrieveRequest")
        if request is None:
            raise SoapFault("INVALID_ARGUMENT", "retrieve needs a retrieveRequest")
        if children_named(request, "packageNames"):
            raise SoapFault("INVALID_CROSS_REFERENCE_KEY", "No package named "
                            f"'{child_text(request, 'packageNames')}' found: this org has no installed packages")
        unpackaged = child(request, "unpackaged")
        members = members_of(unpackaged) if unpackaged is not None else {}
        api_version = child_text(request, "apiVersion") or version
        retrieve_id = service.retrieve(members, single_package=_flag(child_text(request, "singlePackage")),
                                       api_version=api_version)
        return {"done": False, "id": retrieve_id, "state": "Queued"}
    if op == "checkRetrieveStatus":
        return service.retrieve_status(child_text(body, "asyncProcessId") or "",
                                       include_zip=child_text(body, "includeZip") != "false")
    if op == "checkStatus":
        return service.status([(c.text or "").strip() for c in children_named(body, "asyncProcessId")])
    if op == "listMetadata":
        kinds = [child_text(q, "type") or "" for q in children_named(body, "queries")]
        return service.list_metadata(kinds)
    if op == "describeMetadata":
        return service.describe_metadata()
    if op == "readMetadata":
        kind = child_text(body, "type") or ""
        names = [(c.text or "").strip() for c in children_named(body, "fullNames")]
        return {"records": service.read_metadata(kind, names)}
    raise SoapFault("INVALID_OPERATION", f"The Metadata API has no operation {op!r} in this org emulator")


def _multipart(content_type: str, body: bytes) -> dict[str, bytes]:
    message = BytesParser(policy=policy.default).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + body
    )
    parts: dict[str, bytes] = {}
    if not message.is_multipart():
        return parts
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            payload = part.get_payload(decode=True)
            parts[str(name)] = payload if isinstance(payload, bytes) else b""
    return parts


def metadata_routes(service: MetadataService, *, instance_url: str) -> list[Route]:
    org = service.org

    async def soap(request: Request) -> Response:
        version = request.path_params["version"]
        data = await request.body()
        try:
            call = parse_call(data)
        except SoapFault as exc:
            return Response(fault(exc.code, exc.message), status_code=500, media_type=_XML)
        session = org.sessions.check(call.session_id) if call.session_id else None
        if session is None:
            return Response(fault("INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader: Illegal Session"),
                            status_code=500, media_type=_XML)
        if version not in API_VERSIONS:
            return Response(fault("UNSUPPORTED_API_VERSION", f"Invalid Api version specified on URL: {version}"),
                            status_code=500, media_type=_XML)
        try:
            with api_call(org):
                try:
                    result = _soap(service, call, session.user_id, version)
                except SoapFault as exc:
                    return Response(fault(exc.code, exc.message), status_code=500, media_type=_XML)
        except RequestLimitExceeded:
            return Response(fault("REQUEST_LIMIT_EXCEEDED", REQUEST_LIMIT_MESSAGE), status_code=500, media_type=_XML)
        except Exception:  # an emulator bug: keep the details in the log
            log.exception("unexpected error in Metadata %s", call.operation)
            return Response(fault("UNKNOWN_EXCEPTION", "An unexpected error occurred; see the emulator log"),
                            status_code=500, media_type=_XML)
        return Response(response(call.operation, result), media_type=_XML)

    def _rest_error(status: int, code: str, message: str) -> Response:
        return Response(orjson.dumps([{"errorCode": code, "message": message}]), status_code=status, media_type=_JSON)

    def _document(deploy_id: str, result: dict[str, Any]) -> dict[str, Any]:
        return {"id": deploy_id, "validatedDeployRequestId": None,
                "deployOptions": service.deploy_options(deploy_id), "deployResult": result}

    async def deploy_request(request: Request) -> Response:
        version = parse_version(request.path_params["version"])
        if version is None:
            return _rest_error(404, "NOT_FOUND", "The requested resource does not exist")
        session = session_from_headers(org, {k.lower(): v for k, v in request.headers.items()})
        if session is None:
            return _rest_error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        data = await request.body()
        try:
            with api_call(org):
                deploy_id = request.path_params.get("deploy")
                if request.method == "GET":
                    if not deploy_id:
                        return _rest_error(405, "METHOD_NOT_ALLOWED", "HTTP Method 'GET' not allowed. Allowed are POST")
                    try:
                        result = service.deploy_status(deploy_id, include_details=_flag(request.query_params.get("includeDetails")))
                    except SoapFault:
                        return _rest_error(404, "NOT_FOUND", "The requested resource does not exist")
                    return Response(orjson.dumps(_document(deploy_id, result)), media_type=_JSON)
                parts = _multipart(request.headers.get("content-type", ""), data)
                if "file" not in parts:
                    return _rest_error(400, "INVALID_MULTIPART_REQUEST",
                                       "Send multipart/form-data with a 'json' part (deployOptions) and a 'file' part (the zip)")
                try:
                    options_json = orjson.loads(parts.get("json") or b"{}")
                except orjson.JSONDecodeError:
                    return _rest_error(400, "JSON_PARSER_ERROR", "The 'json' part is not valid JSON")
                options = DeployOptions.from_mapping(dict((options_json or {}).get("deployOptions") or {}))
                new_id = service.deploy(session.user_id, parts["file"], options)
                pending = {"id": new_id, "status": "Pending", "done": False, "success": False,
                           "checkOnly": options.check_only}
                return Response(orjson.dumps(_document(new_id, pending)), status_code=201, media_type=_JSON)
        except RequestLimitExceeded:
            return _rest_error(403, "REQUEST_LIMIT_EXCEEDED", REQUEST_LIMIT_MESSAGE)
        except Exception:  # an emulator bug: keep the details in the log
            log.exception("unexpected error in the REST deploy")
            return _rest_error(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred; see the emulator log")

    return [
        Route("/services/Soap/m/{version}", soap, methods=["POST"]),
        Route("/services/Soap/m/{version}/{rest:path}", soap, methods=["POST"]),  # /{orgId}, simple-salesforce's /deployRequest[/id]
        Route("/services/data/{version}/metadata/deployRequest", deploy_request, methods=["POST", "GET"]),
        Route("/services/data/{version}/metadata/deployRequest/{deploy}", deploy_request, methods=["GET", "PATCH"]),
    ]
