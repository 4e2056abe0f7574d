"""The emulator's TLS identity: one self-signed certificate for 127.0.0.1 shared by every emulated org.

simple-salesforce and CumulusCI only speak https, so the emulator serves TLS. On first start it
makes (with ``cryptography``) an RSA key and a self-signed certificate whose subject alternative
names are the IP address 127.0.0.1 and the DNS name localhost, and writes a **CA bundle** beside
them: the system trust store (``certifi``'s bundle) followed by that certificate. Pointing
``REQUESTS_CA_BUNDLE``, ``SSL_CERT_FILE`` and ``NODE_EXTRA_CA_CERTS`` at the bundle lets every client
trust the emulator while still reaching real hosts.

Layout under ``<state>/certs/``::

    emulator.key      PEM private key (0600)
    emulator.crt      PEM certificate
    ca-bundle.pem     system CAs + emulator.crt

Two orgs starting at once must not make two different key pairs: creation holds an exclusive
``flock`` on ``certs/.lock`` and files are written to temporary names then renamed.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import ipaddress
import os
from pathlib import Path
from typing import NamedTuple

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["TlsFiles", "ensure_tls_files", "certs_dir"]

_VALID_DAYS = 3650
_RENEW_BEFORE = dt.timedelta(days=30)


class TlsFiles(NamedTuple):
    key: Path
    cert: Path
    ca_bundle: Path


def certs_dir(state_dir: Path) -> Path:
    return state_dir / "certs"


def _system_bundle() -> bytes:
    try:
        import certifi

        return Path(certifi.where()).read_bytes()
    except (ImportError, OSError):
        for candidate in ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"):
            if Path(candidate).is_file():
                return Path(candidate).read_bytes()
    return b""


def _write(path: Path, data: bytes, mode: int = 0o644) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _still_good(cert_path: Path, key_path: Path) -> bool:
    if not (cert_path.is_file() and key_path.is_file()):
        return False
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound):
        return False
    if ipaddress.ip_address("127.0.0.1") not in san.get_values_for_type(x509.IPAddress):
        return False
    return cert.not_valid_after_utc - _RENEW_BEFORE > dt.datetime.now(dt.timezone.utc)


def _make_certificate() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "st2sf local Salesforce emulator"),
            x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
        ]
    )
    now = dt.datetime.now(dt.timezone.utc)
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=_VALID_DAYS))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def ensure_tls_files(state_dir: Path) -> TlsFiles:
    """The key, certificate and CA bundle under ``<state>/certs``, created (or renewed) when needed."""
    folder = certs_dir(state_dir)
    folder.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(folder / "emulator.key", folder / "emulator.crt", folder / "ca-bundle.pem")
    with open(folder / ".lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _still_good(files.cert, files.key):
            key_pem, cert_pem = _make_certificate()
            _write(files.key, key_pem, 0o600)
            _write(files.cert, cert_pem)
            _write(files.ca_bundle, _system_bundle().rstrip(b"\n") + b"\n" + cert_pem)
        elif not files.ca_bundle.is_file():
            _write(files.ca_bundle, _system_bundle().rstrip(b"\n") + b"\n" + files.cert.read_bytes())
    return files
