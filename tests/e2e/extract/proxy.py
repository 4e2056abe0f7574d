"""A misbehaving front for the sandbox: a real HTTP server that forwards to it and breaks one thing.

Used to show that the extractor fails loudly when the server breaks the pagination contract — the
sandbox itself never does. It runs in a thread on 127.0.0.1 and is shut down by the test that made it.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator
from contextlib import contextmanager

import httpx

__all__ = ["repeating_cursor_proxy"]


@contextmanager
def repeating_cursor_proxy(upstream: str, path: str, on_page: int) -> Iterator[str]:
    """Forward to ``upstream``; page ``on_page`` of ``path`` answers a cursor already followed. Yields base_url."""
    state: dict[str, object] = {"pages": 0, "first_cursor": None}
    client = httpx.Client(timeout=30.0)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:
            return None

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            tail = self.path.split("/api/v1/", 1)[1]
            response = client.get(f"{upstream}/{tail}", headers={"Authorization": self.headers["Authorization"]})
            body = response.content
            if tail.split("?", 1)[0] == path and response.status_code == 200:
                page = json.loads(body)
                state["pages"] = int(state["pages"]) + 1  # type: ignore[arg-type]
                if state["first_cursor"] is None:
                    state["first_cursor"] = page["next_cursor"]
                if state["pages"] == on_page:
                    page["next_cursor"] = state["first_cursor"]
                body = json.dumps(page).encode("utf-8")
            self.send_response(response.status_code)
            for name in ("Content-Type", "Retry-After", "X-RateLimit-Remaining", "X-Request-Id"):
                if name in response.headers:
                    self.send_header(name, response.headers[name])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        client.close()
