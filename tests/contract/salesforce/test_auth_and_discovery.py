"""OAuth grants, sessions, userinfo/identity, versions and resources — over HTTPS with requests."""

from __future__ import annotations

import base64
import json
import sqlite3
import time

import pytest
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.support.salesforce_org import EmulatedOrg


def _token(org: EmulatedOrg, **form: str) -> requests.Response:
    return requests.post(f"{org.instance_url}/services/oauth2/token", data=form, timeout=30)


def _get(org: EmulatedOrg, path: str, token: str) -> requests.Response:
    return requests.get(f"{org.instance_url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt(key_pem: bytes, claims: dict) -> str:
    key = serialization.load_pem_private_key(key_pem, password=None)
    head = _b64(json.dumps({"alg": "RS256"}).encode()) + "." + _b64(json.dumps(claims).encode())
    signature = key.sign(head.encode(), padding.PKCS1v15(), hashes.SHA256())
    return head + "." + _b64(signature)


def test_versions_are_40_to_67_oldest_first(sf_org):
    body = requests.get(f"{sf_org.instance_url}/services/data", timeout=30).json()
    assert [v["version"] for v in body] == [f"{n}.0" for n in range(40, 68)]
    assert body[-1] == {"label": "Summer '26", "url": "/services/data/v67.0", "version": "67.0"}


def test_resource_map_links_identity_on_this_instance(sf_org):
    body = _get(sf_org, "/services/data/v59.0", sf_org.access_token).json()
    assert body["sobjects"] == "/services/data/v59.0/sobjects"
    assert body["identity"] == f"{sf_org.instance_url}/id/{sf_org.org_id}/{sf_org.user_id}"
    identity = _get(sf_org, body["identity"].removeprefix(sf_org.instance_url), sf_org.access_token).json()
    assert identity["username"] == sf_org.username and identity["organization_id"] == sf_org.org_id
    assert identity["id"] == f"https://login.salesforce.com/id/{sf_org.org_id}/{sf_org.user_id}"


def test_password_grant_and_userinfo(sf_org):
    details = sf_org.details
    ok = _token(
        sf_org,
        grant_type="password",
        client_id=details["client_id"],
        client_secret=details["client_secret"],
        username=sf_org.username,
        password="contract-admin-pass",
    )
    assert ok.status_code == 200
    body = ok.json()
    assert body["instance_url"] == sf_org.instance_url and body["token_type"] == "Bearer"
    assert body["id"] == f"{sf_org.instance_url}/id/{sf_org.org_id}/{sf_org.user_id}"
    assert body["access_token"].startswith(sf_org.org_id[:15] + "!")
    info = _get(sf_org, "/services/oauth2/userinfo", body["access_token"]).json()
    assert (info["user_id"], info["organization_id"], info["preferred_username"]) == (
        sf_org.user_id,
        sf_org.org_id,
        sf_org.username,
    )
    assert info["urls"]["rest"] == f"{sf_org.instance_url}/services/data/v{{version}}/"
    assert info["sub"].startswith("https://login.salesforce.com/id/")


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({"username": "nobody@example.com", "password": "contract-admin-pass"}, 400, ("invalid_grant", "authentication failure")),
        ({"password": "wrong-password"}, 400, ("invalid_grant", "authentication failure")),
        ({"client_secret": "nope"}, 400, ("invalid_client", "invalid client credentials")),
        ({"client_id": "nope"}, 400, ("invalid_client_id", "client identifier invalid")),
        ({"grant_type": "authorization_code"}, 400, ("unsupported_grant_type", "grant type not supported")),
    ],
)
def test_bad_token_requests_get_oauth_errors(sf_org, form, status, error):
    base = {
        "grant_type": "password",
        "client_id": sf_org.details["client_id"],
        "client_secret": sf_org.details["client_secret"],
        "username": sf_org.username,
        "password": "contract-admin-pass",
    }
    response = _token(sf_org, **{**base, **form})
    assert response.status_code == status
    assert response.json() == {"error": error[0], "error_description": error[1]}


def test_refresh_token_grant(sf_org):
    good = _token(sf_org, grant_type="refresh_token", refresh_token=sf_org.details["refresh_token"],
                  client_id=sf_org.details["client_id"])
    assert good.status_code == 200 and _get(sf_org, "/services/data/v59.0/limits", good.json()["access_token"]).ok
    bad = _token(sf_org, grant_type="refresh_token", refresh_token="5Aep-not-issued")
    assert bad.json() == {"error": "invalid_grant", "error_description": "expired access/refresh token"}


def test_jwt_bearer_grant_checks_signature_issuer_audience_expiry_and_subject(sf_org):
    key = open(sf_org.details["jwt_key_file"], "rb").read()
    now = int(time.time())
    claims = {"iss": sf_org.details["client_id"], "sub": sf_org.username, "aud": "https://login.salesforce.com", "exp": now + 120}
    ok = _token(sf_org, grant_type="urn:ietf:params:oauth:grant-type:jwt-bearer", assertion=_jwt(key, claims))
    assert ok.status_code == 200 and ok.json()["instance_url"] == sf_org.instance_url

    def refused(changed: dict, signing_key: bytes = key) -> dict:
        response = _token(sf_org, grant_type="urn:ietf:params:oauth:grant-type:jwt-bearer",
                          assertion=_jwt(signing_key, {**claims, **changed}))
        assert response.status_code == 400
        return response.json()

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert refused({}, other_key) == {"error": "invalid_grant", "error_description": "invalid assertion"}
    assert refused({"iss": "someone-else"}) == {"error": "invalid_client_id", "error_description": "client identifier invalid"}
    assert refused({"aud": "https://example.com"}) == {"error": "invalid_grant", "error_description": "audience is invalid"}
    assert refused({"exp": now - 5}) == {"error": "invalid_grant", "error_description": "expired authorization code"}
    assert refused({"sub": "stranger@example.com"}) == {
        "error": "invalid_grant",
        "error_description": "user hasn't approved this consumer",
    }


def test_timed_out_session_is_invalid(sf_org):
    issued = _token(sf_org, grant_type="password", client_id=sf_org.details["client_id"],
                    client_secret=sf_org.details["client_secret"], username=sf_org.username,
                    password="contract-admin-pass").json()["access_token"]
    assert _get(sf_org, "/services/data/v59.0/limits", issued).status_code == 200
    db = sqlite3.connect(sf_org.db_path, timeout=10)
    with db:
        db.execute("UPDATE sessions SET last_used = last_used - 3 * 3600 WHERE token = ?", (issued,))
    db.close()
    expired = _get(sf_org, "/services/data/v59.0/limits", issued)
    assert expired.status_code == 401
    assert expired.json() == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def test_sandbox_org_looks_like_a_sandbox(org_factory):
    uat = org_factory("uat", sandbox=True)
    assert uat.username.endswith(".uat") and uat.details["login_url"] == "https://test.salesforce.com"
    sf = uat.simple_salesforce()
    org = sf.query("SELECT IsSandbox, InstanceName, OrganizationType FROM Organization")["records"][0]
    assert org["IsSandbox"] is True and org["InstanceName"].startswith("CS")
    info = _get(uat, "/services/oauth2/userinfo", uat.access_token).json()
    assert info["sub"] == f"https://test.salesforce.com/id/{uat.org_id}/{uat.user_id}"
    limit = sf.session.get(f"{uat.instance_url}/services/data/v59.0/limits",
                           headers={"Authorization": f"Bearer {uat.access_token}"}).json()
    assert limit["DailyApiRequests"]["Max"] == 5_000_000
