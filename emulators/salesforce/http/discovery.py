"""Discovery: ``/services/data`` (versions), ``/services/data/vXX.X`` (resources), userinfo, identity.

Versions 40.0 … 67.0 are served, oldest first (CumulusCI takes the last entry as the newest).

Identity: as in Salesforce, the ``sub`` of userinfo and the ``id`` of the identity document name
the **login host** — ``https://login.salesforce.com/id/<org>/<user>`` for production,
``https://test.salesforce.com/id/…`` for a sandbox — which is how clients tell them apart; the
``urls`` point at this org's own instance URL (the emulator), and so do the ``identity`` resource
and the ``id`` a token response carries, because clients fetch those.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from emulators.salesforce.http.context import API_VERSIONS

__all__ = ["versions", "resources", "userinfo", "identity_document", "identity_url", "release_label"]

_SEASONS = ("Winter", "Spring", "Summer")


def release_label(version: str) -> str:
    """``"40.0"`` → ``"Summer '17"``: three releases a year, v20.0 was Winter '11."""
    k = int(float(version)) - 20
    return f"{_SEASONS[k % 3]} '{11 + k // 3:02d}"


def versions(instance_url: str) -> list[dict[str, str]]:
    return [{"label": release_label(v), "url": f"/services/data/v{v}", "version": v} for v in API_VERSIONS]


def identity_url(instance_url: str, org_id: str, user_id: str) -> str:
    return f"{instance_url}/id/{org_id}/{user_id}"


def resources(version: str, instance_url: str, org_id: str, user_id: str) -> dict[str, str]:
    base = f"/services/data/v{version}"
    names = (
        "tooling", "metadata", "eclair", "folders", "prechatForms", "chatter", "tabs", "appMenu", "quickActions",
        "queryAll", "commerce", "wave", "iot", "analytics", "search", "composite", "parameterizedSearch", "theme",
        "nouns", "event", "serviceTemplates", "recent", "connect", "licensing", "limits", "process",
        "async-queries", "query", "match", "emailConnect", "compactLayouts", "knowledgeManagement", "sobjects",
        "actions", "support", "jobs",
    )
    out = {name: f"{base}/{name}" for name in names}
    out["identity"] = identity_url(instance_url, org_id, user_id)
    return dict(sorted(out.items()))


def _urls(instance_url: str, org_id: str, user_id: str) -> dict[str, str]:
    data = f"{instance_url}/services/data/v{{version}}"
    return {
        "enterprise": f"{instance_url}/services/Soap/c/{{version}}/{org_id}",
        "metadata": f"{instance_url}/services/Soap/m/{{version}}/{org_id}",
        "partner": f"{instance_url}/services/Soap/u/{{version}}/{org_id}",
        "rest": f"{data}/",
        "sobjects": f"{data}/sobjects/",
        "search": f"{data}/search/",
        "query": f"{data}/query/",
        "recent": f"{data}/recent/",
        "tooling_soap": f"{instance_url}/services/Soap/T/{{version}}/{org_id}",
        "tooling_rest": f"{data}/tooling/",
        "profile": f"{instance_url}/{user_id}",
        "feeds": f"{data}/chatter/feeds",
        "groups": f"{data}/chatter/groups",
        "users": f"{data}/chatter/users",
        "feed_items": f"{data}/chatter/feed-items",
        "feed_elements": f"{data}/chatter/feed-elements",
        "custom_domain": instance_url,
    }


def _utc_offset_ms(zone: str) -> int:
    try:
        offset = dt.datetime.now(ZoneInfo(zone)).utcoffset()
    except ZoneInfoNotFoundError:
        return 0
    return int(offset.total_seconds() * 1000) if offset else 0


def userinfo(user: dict[str, Any], *, instance_url: str, org_id: str, login_url: str) -> dict[str, Any]:
    user_id = user["Id"]
    zone = user.get("TimeZoneSidKey") or "America/Los_Angeles"
    return {
        "sub": f"{login_url}/id/{org_id}/{user_id}",
        "user_id": user_id,
        "organization_id": org_id,
        "preferred_username": user.get("Username"),
        "nickname": user.get("CommunityNickname"),
        "name": user.get("Name"),
        "email": user.get("Email"),
        "email_verified": True,
        "given_name": user.get("FirstName"),
        "family_name": user.get("LastName"),
        "zoneinfo": zone,
        "photos": {
            "picture": f"{instance_url}/profilephoto/005/F",
            "thumbnail": f"{instance_url}/profilephoto/005/T",
        },
        "profile": f"{instance_url}/{user_id}",
        "picture": f"{instance_url}/profilephoto/005/F",
        "address": {"country": "US"},
        "is_salesforce_integration_user": False,
        "urls": _urls(instance_url, org_id, user_id),
        "active": bool(user.get("IsActive")),
        "user_type": "STANDARD",
        "language": user.get("LanguageLocaleKey") or "en_US",
        "locale": user.get("LocaleSidKey") or "en_US",
        "utcOffset": _utc_offset_ms(zone),
        "updated_at": user.get("LastModifiedDate"),
        "is_app_installed": True,
    }


def identity_document(user: dict[str, Any], *, instance_url: str, org_id: str, login_url: str) -> dict[str, Any]:
    info = userinfo(user, instance_url=instance_url, org_id=org_id, login_url=login_url)
    return {
        "id": info["sub"],
        "asserted_user": True,
        "user_id": info["user_id"],
        "organization_id": org_id,
        "username": info["preferred_username"],
        "nick_name": info["nickname"],
        "display_name": info["name"],
        "email": info["email"],
        "email_verified": True,
        "first_name": info["given_name"],
        "last_name": info["family_name"],
        "timezone": info["zoneinfo"],
        "photos": info["photos"],
        "addr_street": None,
        "addr_city": None,
        "addr_state": None,
        "addr_country": "US",
        "addr_zip": None,
        "mobile_phone": None,
        "mobile_phone_verified": False,
        "is_lightning_login_user": False,
        "status": {"created_date": None, "body": None},
        "urls": info["urls"],
        "active": info["active"],
        "user_type": "STANDARD",
        "language": info["language"],
        "locale": info["locale"],
        "utcOffset": info["utcOffset"],
        "last_modified_date": info["updated_at"],
        "is_app_installed": True,
    }
