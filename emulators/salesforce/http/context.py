"""The per-request context every REST handler receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from emulators.salesforce.dml.writer import Writer
from emulators.salesforce.org.runtime import Org

__all__ = ["RequestContext", "SubRequest", "API_VERSIONS", "parse_version", "FORCE_ALL_OR_NONE"]

# RequestContext.extra key: set by an allOrNone composite for its sObject Collections subrequests
FORCE_ALL_OR_NONE = "force_all_or_none"

API_VERSIONS: tuple[str, ...] = tuple(f"{major}.0" for major in range(40, 68))


def parse_version(text: str) -> str | None:
    """``"v59.0"`` → ``"59.0"`` when the org serves that version, else None."""
    if not text.startswith("v"):
        return None
    version = text[1:]
    return version if version in API_VERSIONS else None


@dataclass(frozen=True)
class SubRequest:
    """One REST request, top-level or inside ``/composite``."""

    method: str
    path: str  # after /services/data/vXX.X, without query string, e.g. "/sobjects/Account/001…"
    query: Mapping[str, str]
    headers: Mapping[str, str]  # lower-cased names
    body: Any  # parsed JSON (None when empty)
    files: Mapping[str, Any] = field(default_factory=dict)  # multipart binary parts: name → StagedBody


@dataclass
class RequestContext:
    org: Org
    user_id: str
    version: str
    instance_url: str
    now: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.now:
            self.now = self.org.now_wire()

    @property
    def base_path(self) -> str:
        return f"/services/data/v{self.version}"

    def record_url(self, sobject: str, record_id: str) -> str:
        return f"{self.base_path}/sobjects/{sobject}/{record_id}"

    def writer(self) -> Writer:
        return Writer(self.org.store, self.org.schemas, user_id=self.user_id, now=self.now,
                      content=self.org.content, api_version=self.version)
