"""Checking a JWT bearer assertion the way Salesforce's OAuth 2.0 JWT flow does.

The assertion is ``base64url(header).base64url(claims).base64url(signature)`` with ``alg`` RS256,
signed with the private key whose certificate was uploaded to the connected app. Checked, in order:

=========================  =========================================================
signature / shape          ``invalid_grant`` — ``invalid assertion``
``iss`` = consumer key      ``invalid_client_id`` — ``client identifier invalid``
``aud``                    one of https://login.salesforce.com, https://test.salesforce.com
                           (sandbox orgs) or the org's own instance URL;
                           else ``invalid_grant`` — ``audience is invalid``
``exp``                    in the future; else ``invalid_grant`` — ``expired authorization code``
``sub``                    an active user's username; else ``invalid_grant`` —
                           ``user hasn't approved this consumer``
=========================  =========================================================
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from typing import Any, Iterable, NamedTuple

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

__all__ = ["JwtRejected", "JwtClaims", "verify_assertion"]


class JwtRejected(Exception):
    """The assertion is not acceptable; ``error``/``description`` are Salesforce's OAuth error."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


class JwtClaims(NamedTuple):
    issuer: str
    subject: str
    audience: str
    expires: float


def _b64(part: str) -> bytes:
    padded = part + "=" * (-len(part) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


def _invalid() -> JwtRejected:
    return JwtRejected("invalid_grant", "invalid assertion")


def verify_assertion(
    assertion: str,
    *,
    certificate_pem: str,
    consumer_key: str,
    audiences: Iterable[str],
    now: float | None = None,
) -> JwtClaims:
    """The checked claims of ``assertion``, or :class:`JwtRejected` (see the module docstring)."""
    parts = assertion.split(".")
    if len(parts) != 3:
        raise _invalid()
    try:
        header = json.loads(_b64(parts[0]))
        claims: dict[str, Any] = json.loads(_b64(parts[1]))
        signature = _b64(parts[2])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _invalid() from None
    if not isinstance(header, dict) or header.get("alg") != "RS256" or not isinstance(claims, dict):
        raise _invalid()
    try:
        key = x509.load_pem_x509_certificate(certificate_pem.encode()).public_key()
    except ValueError:
        raise JwtRejected("invalid_client", "the connected app's certificate cannot be read") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise _invalid()
    try:
        key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise _invalid() from None
    if claims.get("iss") != consumer_key:
        raise JwtRejected("invalid_client_id", "client identifier invalid")
    audience = claims.get("aud")
    allowed = {a.rstrip("/") for a in audiences}
    given = audience if isinstance(audience, list) else [audience]
    if not any(isinstance(a, str) and a.rstrip("/") in allowed for a in given):
        raise JwtRejected("invalid_grant", "audience is invalid")
    expires = claims.get("exp")
    current = time.time() if now is None else now
    if not isinstance(expires, (int, float)) or expires <= current:
        raise JwtRejected("invalid_grant", "expired authorization code")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise JwtRejected("invalid_grant", "user hasn't approved this consumer")
    first_aud = next(a for a in given if isinstance(a, str))
    return JwtClaims(str(claims["iss"]), subject, first_aud, float(expires))
