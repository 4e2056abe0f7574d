"""The emulator's streaming multipart reader: every way a request can be cut into network chunks."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from emulators.salesforce.content import ContentBodies
from emulators.salesforce.dml.errors import ApiError
from emulators.salesforce.http.multipart import is_multipart, read_multipart

BOUNDARY = "xYz-42"
BODY = b"\x00\r\n--xYz-4\r\n--xYz-4 binary\r\n-" * 3  # boundary prefixes inside the body


def _request(body: bytes = BODY, entity: bytes = b'{"Title": "t", "PathOnClient": "t.bin"}') -> bytes:
    return (b"preamble\r\n--" + BOUNDARY.encode() + b"\r\nContent-Disposition: form-data; name=\"entity_content\"\r\n"
            b"Content-Type: application/json\r\n\r\n" + entity + b"\r\n--" + BOUNDARY.encode() +
            b"\r\nContent-Disposition: form-data; name=\"VersionData\"; filename=\"t.bin\"\r\n"
            b"Content-Type: application/octet-stream\r\n\r\n" + body + b"\r\n--" + BOUNDARY.encode() + b"--\r\n")


def _read(data: bytes, cuts: list[int], bodies: ContentBodies):
    async def stream():
        last = 0
        for cut in [*cuts, len(data)]:
            yield data[last:cut]
            last = cut

    return asyncio.run(read_multipart(f'multipart/form-data; boundary="{BOUNDARY}"', stream(), bodies))


def test_every_single_cut_gives_the_same_record_and_body(tmp_path):
    bodies = ContentBodies(tmp_path)
    data = _request()
    for cut in range(1, len(data)):
        got = _read(data, [cut], bodies)
        staged = got.files["VersionData"]
        assert got.entity == {"Title": "t", "PathOnClient": "t.bin"}
        assert (staged.path.read_bytes(), staged.size, staged.md5) == (BODY, len(BODY), hashlib.md5(BODY).hexdigest())
        got.discard()
    assert list((tmp_path / "tmp").iterdir()) == []


def test_byte_by_byte(tmp_path):
    data = _request()
    got = _read(data, list(range(1, len(data))), ContentBodies(tmp_path))
    assert got.files["VersionData"].path.read_bytes() == BODY


@pytest.mark.parametrize("data, message", [
    (_request()[:-10], "ends before the closing boundary"),
    (_request().replace(b"\r\nContent-Disposition", b"XContent-Disposition", 1), "not followed by a line break"),
])
def test_malformed_requests_leave_no_staged_file(tmp_path, data, message):
    with pytest.raises(ApiError, match=message) as exc:
        _read(data, [7, 90], ContentBodies(tmp_path))
    assert exc.value.error_code == "INVALID_MULTIPART_REQUEST"
    assert list(tmp_path.rglob("*.part")) == []


def test_bad_entity_json(tmp_path):
    with pytest.raises(ApiError) as exc:
        _read(_request(entity=b"{not json"), [], ContentBodies(tmp_path))
    assert exc.value.error_code == "JSON_PARSER_ERROR"
    assert list(tmp_path.rglob("*.part")) == []


def test_is_multipart():
    assert is_multipart("Multipart/Form-Data; boundary=a") and not is_multipart("application/json") and not is_multipart(None)
