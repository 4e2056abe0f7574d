"""The ASGI layer that applies request faults in front of the org's application.

For each HTTP request whose path the configuration covers (``/services/data``, ``/services/async``,
``/services/Soap`` by default — never the admin endpoint or the OAuth flow), the injector decides:

* **latency** — the answer waits ``latency_ms`` (+ seeded jitter); other requests still proceed;
* **error** — the request is not handled; the client gets 500/503 in the shape of the API it
  called: REST ``[{"message","errorCode"}]``, Bulk ``<error><exceptionCode>``, or a SOAP fault;
* **drop** — the request is handled (its changes commit), then the response is cut off after half
  its body and the connection closed, as a proxy or load balancer failing mid-response does.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

import orjson
from lxml import etree

from emulators.salesforce.faults.injector import FaultInjector

__all__ = ["FaultMiddleware"]

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_ASYNC_NS = "http://www.force.com/2009/06/asyncapi/dataload"
_SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
_MESSAGES = {
    500: ("UNKNOWN_EXCEPTION", "An unexpected error occurred. Please try again later."),
    502: ("SERVER_UNAVAILABLE", "Bad gateway: the server did not answer in time."),
    503: ("SERVER_UNAVAILABLE", "Service temporarily unavailable: the server is undergoing maintenance or is overloaded."),
    504: ("SERVER_UNAVAILABLE", "Gateway timeout: the server did not answer in time."),
}


def _error_body(path: str, status: int) -> tuple[bytes, str]:
    code, message = _MESSAGES[status]
    if path.startswith("/services/async"):
        root = etree.Element(f"{{{_ASYNC_NS}}}error", nsmap={None: _ASYNC_NS})
        etree.SubElement(root, f"{{{_ASYNC_NS}}}exceptionCode").text = "Unknown"
        etree.SubElement(root, f"{{{_ASYNC_NS}}}exceptionMessage").text = message
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8"), "application/xml"
    if path.startswith("/services/Soap"):
        env = etree.Element(f"{{{_SOAP_NS}}}Envelope", nsmap={"soapenv": _SOAP_NS, "sf": "urn:fault.partner.soap.sforce.com"})
        fault = etree.SubElement(etree.SubElement(env, f"{{{_SOAP_NS}}}Body"), f"{{{_SOAP_NS}}}Fault")
        etree.SubElement(fault, "faultcode").text = f"sf:{code}"
        etree.SubElement(fault, "faultstring").text = f"{code}: {message}"
        return etree.tostring(env, xml_declaration=True, encoding="UTF-8"), "text/xml; charset=utf-8"
    return orjson.dumps([{"message": message, "errorCode": code}]), "application/json;charset=UTF-8"


class FaultMiddleware:
    """Wraps the org's ASGI app (see the module docstring)."""

    def __init__(self, app: ASGIApp, injector: FaultInjector) -> None:
        self.app = app
        self.injector = injector

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        while "//" in path:  # the sf CLI may send //services/… (the app collapses it the same way)
            path = path.replace("//", "/")
        plan = self.injector.for_request(path)
        if plan.delay_seconds:
            await asyncio.sleep(plan.delay_seconds)
        if plan.error_status is not None:
            body, media = _error_body(path, plan.error_status)
            headers = [(b"content-type", media.encode()), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": plan.error_status, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        if not plan.drop:
            await self.app(scope, receive, send)
            return
        cut = {"done": False}

        async def cutting_send(message: dict[str, Any]) -> None:
            if cut["done"]:
                return
            if message["type"] == "http.response.body":
                body = message.get("body", b"")
                await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
                cut["done"] = True  # nothing more is sent; the server closes the unfinished response
                return
            await send(message)

        await self.app(scope, receive, cutting_send)
