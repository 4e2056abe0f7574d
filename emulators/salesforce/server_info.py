"""``server.json``: how a running org server tells others its pid and port (written by the server)."""

from __future__ import annotations

import json

from emulators.salesforce.org.identity import OrgPaths

__all__ = ["read_server_info"]


def read_server_info(paths: OrgPaths) -> dict | None:
    """``{pid, port, instance_url, started}`` of the org's running server, or None."""
    try:
        return json.loads(paths.server.read_text())
    except (OSError, ValueError):
        return None
