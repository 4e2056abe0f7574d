"""Who an org is: its Ids, edition, sandbox-ness and the files it keeps.

Production and sandbox orgs differ the way Salesforce's do:

============================  ==========================  ================================
                              production                  sandbox
============================  ==========================  ================================
``Organization.IsSandbox``    false                       true
``InstanceName``              ``NA<n>``                   ``CS<n>``
login URL (identity ``urls``) https://login.salesforce.com https://test.salesforce.com
usernames                     as seeded                   seeded username + ``.<sandbox>``
============================  ==========================  ================================

``OrganizationType`` comes from the edition (``Enterprise Edition``, ``Developer Edition``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Mapping

__all__ = ["OrgPaths", "OrgIdentity", "LOGIN_URL", "TEST_LOGIN_URL", "org_paths", "valid_org_name"]

LOGIN_URL = "https://login.salesforce.com"
TEST_LOGIN_URL = "https://test.salesforce.com"


def valid_org_name(name: str) -> bool:
    """Org names are folder names and env-var suffixes: letters, digits, ``-`` and ``_``."""
    return bool(name) and len(name) <= 40 and name[0].isalnum() and all(c.isalnum() or c in "-_" for c in name)


@dataclass(frozen=True)
class OrgPaths:
    """Files of one org under ``<state>/orgs/<name>/``."""

    state_dir: Path
    name: str

    @property
    def folder(self) -> Path:
        return self.state_dir / "orgs" / self.name

    @property
    def db(self) -> Path:
        return self.folder / "org.db"

    @property
    def seed(self) -> Path:
        return self.folder / "seed.yml"

    @property
    def server(self) -> Path:
        return self.folder / "server.json"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    @property
    def app_key(self) -> Path:
        return self.folder / "connected-app.key"

    @property
    def app_cert(self) -> Path:
        return self.folder / "connected-app.crt"

    @property
    def lock(self) -> Path:
        return self.folder / ".lock"


def org_paths(state_dir: Path, name: str) -> OrgPaths:
    return OrgPaths(state_dir, name)


@dataclass(frozen=True)
class OrgIdentity:
    """The fixed facts of an org, stored in its ``meta`` table as ``identity``."""

    name: str
    org_id: str
    pod: str
    display_name: str
    edition: str
    licenses: int
    sandbox: bool
    sandbox_name: str | None
    instance_name: str
    admin_user_id: str
    username: str
    time_zone: str
    created: str

    @property
    def organization_type(self) -> str:
        return f"{self.edition} Edition"

    @property
    def login_url(self) -> str:
        return TEST_LOGIN_URL if self.sandbox else LOGIN_URL

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "OrgIdentity":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})
