"""The org emulator's admin endpoint from tests: limits, faults, clock, sessions, export.

::

    admin = EmulatorAdmin(org)
    admin.set_limits(api_requests=50)
    admin.set_faults(seed=7, error_rate=1.0, paths=["/services/data"])
    admin.advance_clock(hours=24)

Every call goes over HTTPS to ``/_emulator/…`` with the org's admin token (``start --json`` prints
it as ``admin_token``) and raises on anything but 200.
"""

from __future__ import annotations

from typing import Any

import requests

from tests.support.salesforce_org import EmulatedOrg

__all__ = ["EmulatorAdmin"]


class EmulatorAdmin:
    def __init__(self, org: EmulatedOrg) -> None:
        self.org = org
        self.session = requests.Session()
        self.session.verify = org.ca_bundle
        self.session.headers["X-Emulator-Admin-Token"] = str(org.details["admin_token"])

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        # verify is passed per request: requests lets REQUESTS_CA_BUNDLE override a session's verify
        response = self.session.request(method, f"{self.org.instance_url}/_emulator/{path}", json=body, timeout=60,
                                        verify=self.org.ca_bundle)
        if response.status_code != 200:
            raise AssertionError(f"admin {method} {path} answered {response.status_code}: {response.text}")
        return response.json()

    def limits(self) -> dict[str, Any]:
        return self._call("GET", "limits")

    def set_limits(self, **overrides: Any) -> dict[str, Any]:
        return self._call("PATCH", "limits", overrides)

    def faults(self) -> dict[str, Any]:
        return self._call("GET", "faults")

    def set_faults(self, **config: Any) -> dict[str, Any]:
        return self._call("PUT", "faults", config)

    def clear_faults(self) -> dict[str, Any]:
        return self._call("PUT", "faults", {})

    def advance_clock(self, *, seconds: float = 0, hours: float = 0) -> dict[str, Any]:
        return self._call("POST", "clock", {"advance_seconds": seconds + hours * 3600})

    def session_for(self, username: str) -> str:
        return str(self._call("POST", "sessions", {"username": username})["access_token"])

    def export(self, *, system_fields: bool = True) -> dict[str, Any]:
        suffix = "" if system_fields else "?system_fields=false"
        return self._call("GET", f"export{suffix}")
