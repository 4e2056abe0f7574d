"""``POST /services/oauth2/token`` (password, refresh_token, JWT bearer grants) and ``/revoke``.

Success (form-encoded request, JSON reply)::

    {"access_token": "00D…!…", "instance_url": "https://127.0.0.1:PORT",
     "id": "https://127.0.0.1:PORT/id/<org>/<user>", "token_type": "Bearer",
     "issued_at": "<ms>", "signature": "<base64 HMAC-SHA256(consumer secret, id + issued_at)>",
     "scope": "api web refresh_token"}

Failures are HTTP 400 with Salesforce's OAuth error body ``{"error": …, "error_description": …}``:
``unsupported_grant_type``, ``invalid_client_id`` (unknown consumer key), ``invalid_client``
(wrong secret), ``invalid_grant`` (``authentication failure`` for a wrong username/password,
``expired access/refresh token`` for an unknown refresh token, the JWT reasons of
:mod:`emulators.salesforce.org.jwt_bearer`, ``inactive user`` for deactivated users).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any, Mapping

from emulators.salesforce.http.discovery import identity_url
from emulators.salesforce.org.identity import LOGIN_URL, TEST_LOGIN_URL
from emulators.salesforce.org.jwt_bearer import JwtRejected, verify_assertion
from emulators.salesforce.org.runtime import Org

__all__ = ["token_grant", "OAuthError", "JWT_GRANT"]

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def _check_client(org: Org, form: Mapping[str, str], *, secret_required: bool) -> None:
    app = org.connected_app()
    client_id = form.get("client_id")
    if client_id is not None and client_id != app.get("consumer_key"):
        raise OAuthError("invalid_client_id", "client identifier invalid")
    secret = form.get("client_secret")
    if secret_required and client_id is None:
        raise OAuthError("invalid_client_id", "client identifier invalid")
    if (secret_required or secret is not None) and not hmac.compare_digest(
        str(secret or ""), str(app.get("consumer_secret", ""))
    ):
        raise OAuthError("invalid_client", "invalid client credentials")


def _reply(org: Org, user_id: str, instance_url: str, token: str, refresh: str | None) -> dict[str, Any]:
    issued = str(int(time.time() * 1000))
    ident = identity_url(instance_url, org.identity.org_id, user_id)
    secret = org.connected_app().get("consumer_secret", "").encode()
    signature = base64.b64encode(hmac.new(secret, (ident + issued).encode(), hashlib.sha256).digest()).decode()
    out: dict[str, Any] = {
        "access_token": token,
        "instance_url": instance_url,
        "id": ident,
        "token_type": "Bearer",
        "issued_at": issued,
        "signature": signature,
        "scope": "api web refresh_token",
    }
    if refresh:
        out["refresh_token"] = refresh
    return out


def _active(user: dict[str, Any] | None) -> dict[str, Any]:
    if user is None:
        raise OAuthError("invalid_grant", "authentication failure")
    if not user.get("IsActive"):
        raise OAuthError("invalid_grant", "inactive user")
    return user


def token_grant(org: Org, form: Mapping[str, str], instance_url: str) -> dict[str, Any]:
    """Handle one token request; :class:`OAuthError` on failure."""
    grant = form.get("grant_type")
    if grant == "password":
        _check_client(org, form, secret_required=True)
        user = org.check_password(form.get("username", ""), form.get("password", ""))
        user = _active(user)
        token, _ = org.sessions.issue(user["Id"])
        return _reply(org, user["Id"], instance_url, token, None)
    if grant == "refresh_token":
        _check_client(org, form, secret_required=False)
        user_id = org.sessions.user_for_refresh(form.get("refresh_token", ""))
        if user_id is None:
            raise OAuthError("invalid_grant", "expired access/refresh token")
        user = org.store.get(user_id)
        if user is None or not user.data.get("IsActive"):
            raise OAuthError("invalid_grant", "inactive user")
        token, _ = org.sessions.issue(user_id)
        return _reply(org, user_id, instance_url, token, None)
    if grant == JWT_GRANT:
        app = org.connected_app()
        audiences = [TEST_LOGIN_URL if org.identity.sandbox else LOGIN_URL, instance_url]
        if not org.identity.sandbox:
            audiences.append(TEST_LOGIN_URL.replace("test.", "login.", 1))
        try:
            claims = verify_assertion(
                form.get("assertion", ""),
                certificate_pem=app.get("certificate", ""),
                consumer_key=app.get("consumer_key", ""),
                audiences=audiences,
            )
        except JwtRejected as rejected:
            raise OAuthError(rejected.error, rejected.description) from None
        user = org.user_by_username(claims.subject)
        if user is None:
            raise OAuthError("invalid_grant", "user hasn't approved this consumer")
        user = _active(user)
        token, _ = org.sessions.issue(user["Id"])
        return _reply(org, user["Id"], instance_url, token, None)
    raise OAuthError("unsupported_grant_type", "grant type not supported")
