"""Making a new org from a seed: identity, Organization/Profile/User/RecordType rows, connected app.

Creation writes everything in one transaction into a fresh database file, then renames it into
place, so an interrupted creation leaves no half-made org. Rows are written straight into the store
(the seed is trusted); from then on every change goes through the write rules.

Usernames: a seed may give each user a ``username``; otherwise it is the e-mail with the org name
put in front of the domain (``admin@dev.example.com`` for org ``dev``), so two orgs from the same
seed never share a username (the sf CLI keys its logins by username). A sandbox appends
``.<sandbox name>`` to every username, as a sandbox copy does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import zlib
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from emulators.salesforce.dml.coerce import format_datetime
from emulators.salesforce.ids import format_id
from emulators.salesforce.org.identity import OrgIdentity, OrgPaths
from emulators.salesforce.org.schemas import OrgSchemas
from emulators.salesforce.org.seed import Seed, SeedUser
from emulators.salesforce.org.sessions import new_refresh_token, new_token
from emulators.salesforce.state.db import Database, open_database
from emulators.salesforce.state.records import RecordStore

__all__ = ["create_org", "hash_password", "base_username"]

_ALNUM = "0123456789abcdefghijklmnopqrstuvwxyz"


def hash_password(password: str, salt: str | None = None) -> dict[str, str]:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 50_000).hex()
    return {"salt": salt, "pbkdf2_sha256": digest}


def base_username(user: SeedUser, org_name: str) -> str:
    if user.username:
        return user.username
    local, _, domain = user.email.partition("@")
    return f"{local}@{org_name.lower()}.{domain}"


def _sandbox_suffix(seed: Seed, org_name: str) -> str:
    if seed.sandbox_name:
        return seed.sandbox_name.lower()
    cleaned = "".join(c for c in org_name.lower() if c.isalnum())
    return (cleaned or "sandbox")[:10]


def _connected_app_material(seed: Seed, paths: OrgPaths) -> dict[str, str]:
    app = seed.connected_app
    consumer_key = app.consumer_key or "3MVG9" + secrets.token_urlsafe(60).replace("-", "A").replace("_", "z")[:80]
    consumer_secret = app.consumer_secret or secrets.token_hex(32).upper()
    if app.certificate:
        return {"consumer_key": consumer_key, "consumer_secret": consumer_secret, "certificate": app.certificate}
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"st2sf emulator connected app ({paths.name})")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    fd = os.open(paths.app_key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key_pem)
    paths.app_cert.write_text(cert_pem)
    return {"consumer_key": consumer_key, "consumer_secret": consumer_secret, "certificate": cert_pem}


def _audit(row: dict, user_id: str, stamp: str) -> dict:
    row.update(
        CreatedDate=stamp, CreatedById=user_id, LastModifiedDate=stamp, LastModifiedById=user_id, SystemModstamp=stamp
    )
    return row


def _user_row(user: SeedUser, user_id: str, username: str, profile_id: str, time_zone: str) -> dict:
    alias = ((user.first_name or "")[:1] + user.last_name)[:8].lower()
    return {
        "Id": user_id,
        "Username": username,
        "FirstName": user.first_name,
        "LastName": user.last_name,
        "Name": " ".join(p for p in (user.first_name, user.last_name) if p),
        "Email": user.email,
        "Alias": alias,
        "CommunityNickname": username.split("@")[0][:40],
        "IsActive": user.active,
        "ProfileId": profile_id,
        "UserType": "Standard",
        "FederationIdentifier": user.federation_id,
        "Title": user.title,
        "TimeZoneSidKey": time_zone,
        "LocaleSidKey": "en_US",
        "LanguageLocaleKey": "en_US",
        "EmailEncodingKey": "UTF-8",
    }


def create_org(
    paths: OrgPaths, seed: Seed, seed_text: str, *, sandbox: bool, schemas: OrgSchemas, now: dt.datetime | None = None
) -> OrgIdentity:
    """Create the org's database from ``seed``; an existing org folder's database is replaced."""
    paths.folder.mkdir(parents=True, exist_ok=True)
    stamp = format_datetime(now or dt.datetime.now(dt.timezone.utc))
    tmp_db = paths.db.with_name(f".org.db.{os.getpid()}.tmp")
    for leftover in (tmp_db, Path(f"{tmp_db}-wal"), Path(f"{tmp_db}-shm")):
        leftover.unlink(missing_ok=True)
    db: Database = open_database(tmp_db)
    pod = secrets.choice("123456789") + secrets.choice("abcdefghijkmnpqrstuvwxyz")
    org_id = format_id("00D", pod, secrets.randbelow(62**6) + 62**5)
    suffix = _sandbox_suffix(seed, paths.name) if sandbox else None
    number = 100 + zlib.crc32(paths.name.encode()) % 800

    def username(user: SeedUser) -> str:
        base = base_username(user, paths.name)
        return f"{base}.{suffix}" if suffix else base

    store = RecordStore(db, schemas, pod=pod)
    with db.transaction():
        admin_profile = store.allocate_id("00e")
        standard_profile = store.allocate_id("00e")
        admin_id = store.allocate_id("005")
        for pid, pname in ((admin_profile, "System Administrator"), (standard_profile, "Standard User")):
            store.insert("Profile", pid, _audit({"Id": pid, "Name": pname, "UserType": "Standard"}, admin_id, stamp))
        profiles = {"System Administrator": admin_profile, "Standard User": standard_profile}
        admin_row = _user_row(seed.admin, admin_id, username(seed.admin), admin_profile, seed.time_zone)
        admin_row["IsActive"] = True
        store.insert("User", admin_id, _audit(admin_row, admin_id, stamp))
        for user in seed.users:
            uid = store.allocate_id("005")
            row = _user_row(user, uid, username(user), profiles[user.profile], seed.time_zone)
            store.insert("User", uid, _audit(row, admin_id, stamp))
        defaults: dict[str, str] = {}
        for rt in seed.record_types:
            rid = store.allocate_id("012")
            row = {
                "Id": rid,
                "Name": rt.name,
                "DeveloperName": rt.developer_name,
                "SobjectType": rt.sobject,
                "IsActive": rt.active,
                "Description": rt.description,
                "NamespacePrefix": None,
                "BusinessProcessId": None,
            }
            store.insert("RecordType", rid, _audit(row, admin_id, stamp))
            if rt.default or rt.sobject not in defaults:
                if rt.active:
                    defaults[rt.sobject] = rid
        identity = OrgIdentity(
            name=paths.name,
            org_id=org_id,
            pod=pod,
            display_name=seed.org_name,
            edition=seed.edition.value,
            licenses=seed.licenses,
            sandbox=sandbox,
            sandbox_name=suffix,
            instance_name=("CS" if sandbox else "NA") + str(number),
            admin_user_id=admin_id,
            username=admin_row["Username"],
            time_zone=seed.time_zone,
            created=stamp,
        )
        organization = {
            "Id": org_id,
            "Name": seed.org_name,
            "Country": "US",
            "PrimaryContact": admin_row["Name"],
            "DefaultLocaleSidKey": "en_US",
            "TimeZoneSidKey": seed.time_zone,
            "LanguageLocaleKey": "en_US",
            "OrganizationType": seed.edition.organization_type,
            "NamespacePrefix": None,
            "InstanceName": identity.instance_name,
            "IsSandbox": sandbox,
            "IsReadOnly": False,
            "TrialExpirationDate": None,
            "FiscalYearStartMonth": 1,
            "UiSkin": "Theme3",
        }
        store.insert("Organization", org_id, _audit(organization, admin_id, stamp))
        db.set_meta("identity", identity.to_json())
        db.set_meta("default_record_types", defaults)
        db.set_meta(
            "settings",
            {
                "set_audit_fields_on_create": seed.set_audit_fields_on_create,
                "session_timeout_minutes": seed.session_timeout_minutes,
            },
        )
        db.set_meta("admin_password", hash_password(seed.admin_password))
        db.set_meta("connected_app", _connected_app_material(seed, paths))
        db.set_meta("schema_modified", stamp)
        token = new_token(org_id)
        db.conn.execute(
            "INSERT INTO sessions (token, kind, user_id, issued, last_used) VALUES (?, 'cli', ?, ?, ?)",
            (token, admin_id, 0.0, 0.0),
        )
        db.set_meta("cli_token", token)
        refresh = new_refresh_token()
        db.conn.execute(
            "INSERT INTO sessions (token, kind, user_id, issued, last_used) VALUES (?, 'refresh', ?, ?, ?)",
            (refresh, admin_id, 0.0, 0.0),
        )
        db.set_meta("cli_refresh_token", refresh)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for old in (paths.db, Path(f"{paths.db}-wal"), Path(f"{paths.db}-shm")):
        old.unlink(missing_ok=True)
    os.replace(tmp_db, paths.db)
    for leftover in (Path(f"{tmp_db}-wal"), Path(f"{tmp_db}-shm")):
        leftover.unlink(missing_ok=True)
    paths.seed.write_text(seed_text, encoding="utf-8")
    return identity
