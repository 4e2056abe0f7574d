"""Streaming ``multipart/form-data`` for inserting a record with a binary body.

Salesforce takes a ContentVersion with a large body as ``POST /sobjects/ContentVersion`` in
``multipart/form-data``: one part holds the record as JSON (named ``entity_content`` in Salesforce's
examples — any ``entity_*`` name, or a part sent as ``application/json``, is taken), one part holds
the binary body, named after the blob field (``VersionData``). The request is read as it arrives: the
JSON part is kept (at most 1 MB), the body part goes straight to a staged file while its MD5 and size
are computed — the body is never held in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from typing import Any, AsyncIterator

import orjson

from emulators.salesforce.content import ContentBodies, StagedBody
from emulators.salesforce.content.bodies import BodyWriter
from emulators.salesforce.dml.errors import ApiError

__all__ = ["MultipartRecord", "is_multipart", "read_multipart"]

_JSON_LIMIT = 1 << 20
_HEADER_LIMIT = 16 << 10
_ERROR = "INVALID_MULTIPART_REQUEST"


@dataclass
class MultipartRecord:
    entity: Any  # the record JSON
    files: dict[str, StagedBody]  # part name → staged body

    def discard(self) -> None:
        for staged in self.files.values():
            staged.discard()


def _params(content_type: str) -> tuple[str, dict[str, str]]:
    msg = Message()
    msg["content-type"] = content_type
    return msg.get_content_type(), {k.lower(): v for k, v in msg.get_params()[1:]}


def is_multipart(content_type: str | None) -> bool:
    return bool(content_type) and content_type.lower().lstrip().startswith("multipart/form-data")


def _disposition(headers: dict[str, str]) -> tuple[str | None, str | None]:
    value = headers.get("content-disposition")
    if not value:
        return None, None
    msg = Message()
    msg["content-disposition"] = value
    return msg.get_param("name", header="content-disposition"), msg.get_param("filename", header="content-disposition")


def _bad(message: str) -> ApiError:
    return ApiError(400, _ERROR, message)


class _Sink:
    def __init__(self, name: str | None, content_type: str, filename: str | None, bodies: ContentBodies) -> None:
        self.name = name or ""
        self.is_entity = self.name.lower().startswith("entity") or (content_type.startswith("application/json") and not filename)
        self.buffer = bytearray()
        self.writer: BodyWriter | None = None if self.is_entity else bodies.writer()

    def write(self, block: bytes) -> None:
        if self.writer is not None:
            self.writer.write(block)
            return
        self.buffer += block
        if len(self.buffer) > _JSON_LIMIT:
            raise _bad(f"The '{self.name}' part is over {_JSON_LIMIT} bytes; send the record as JSON of a normal size")


async def read_multipart(content_type: str, stream: AsyncIterator[bytes], bodies: ContentBodies) -> MultipartRecord:
    """Read a multipart request (see the module docstring); staged files are removed when it is malformed."""
    _, params = _params(content_type)
    boundary = params.get("boundary")
    if not boundary:
        raise _bad("multipart/form-data needs a boundary parameter in Content-Type")
    delim = b"--" + boundary.encode("latin-1")
    closing = b"\r\n" + delim
    files: dict[str, StagedBody] = {}
    entity: Any = None
    sinks: list[_Sink] = []
    buf = b""
    state = "preamble"
    sink: _Sink | None = None
    try:
        async for chunk in stream:
            buf += chunk
            while True:
                if state == "preamble":
                    at = buf.find(delim)
                    if at < 0:
                        buf = buf[-len(delim):]
                        break
                    buf, state = buf[at + len(delim):], "after"
                elif state == "after":
                    if len(buf) < 2:
                        break
                    if buf[:2] == b"--":
                        state, buf = "done", b""
                        break
                    if buf[:2] != b"\r\n":
                        raise _bad("malformed multipart body: a boundary is not followed by a line break")
                    buf, state = buf[2:], "headers"
                elif state == "headers":
                    at = buf.find(b"\r\n\r\n")
                    if at < 0:
                        if len(buf) > _HEADER_LIMIT:
                            raise _bad("malformed multipart body: part headers too long")
                        break
                    headers = {}
                    for line in buf[:at].decode("latin-1").split("\r\n"):
                        key, _, value = line.partition(":")
                        headers[key.strip().lower()] = value.strip()
                    name, filename = _disposition(headers)
                    sink = _Sink(name, headers.get("content-type", "").lower(), filename, bodies)
                    sinks.append(sink)
                    buf, state = buf[at + 4:], "body"
                elif state == "body":
                    assert sink is not None
                    at = buf.find(closing)
                    if at < 0:
                        safe = len(buf) - len(closing)
                        if safe > 0:
                            sink.write(buf[:safe])
                            buf = buf[safe:]
                        break
                    sink.write(buf[:at])
                    buf, state = buf[at + len(closing):], "after"
                else:
                    buf = b""
                    break
        if state != "done":
            raise _bad("malformed multipart body: it ends before the closing boundary")
        for item in sinks:
            if item.is_entity:
                try:
                    entity = orjson.loads(bytes(item.buffer)) if item.buffer.strip() else None
                except orjson.JSONDecodeError:
                    raise ApiError(400, "JSON_PARSER_ERROR", f"The '{item.name}' part is not valid JSON") from None
            elif item.writer is not None:
                files[item.name] = item.writer.finish()
                item.writer = None
        return MultipartRecord(entity, files)
    except BaseException:
        for item in sinks:
            if item.writer is not None:
                item.writer.abort()
        for staged in files.values():
            staged.discard()
        raise
