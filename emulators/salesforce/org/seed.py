"""The seed an org starts from: organization, users, record types, connected app, settings.

A seed is YAML (documented with an example in ``emulators/salesforce/README.md``). Everything is
optional; :data:`DEFAULT_SEED` fills what a file leaves out. Loading validates the whole file and
reports every problem with its place (``users[2].email: …``), so a bad seed never makes half an org.

The seed is read once, when the org is created (first ``start``, or ``reset``); a copy is kept as
``seed.yml`` in the org folder so ``reset`` without ``--seed`` rebuilds the same org.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

__all__ = [
    "Edition",
    "SeedError",
    "SeedUser",
    "SeedRecordType",
    "SeedConnectedApp",
    "Seed",
    "load_seed",
    "parse_seed",
    "DEFAULT_SEED",
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DEV_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class Edition(StrEnum):
    ENTERPRISE = "Enterprise"
    DEVELOPER = "Developer"
    UNLIMITED = "Unlimited"

    @property
    def organization_type(self) -> str:
        return f"{self.value} Edition"


class SeedError(ValueError):
    """The seed file is not valid; the message lists every problem with its location."""


@dataclass(frozen=True)
class SeedUser:
    email: str
    first_name: str | None
    last_name: str
    active: bool = True
    profile: str = "Standard User"
    username: str | None = None
    federation_id: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class SeedRecordType:
    sobject: str
    developer_name: str
    name: str
    active: bool = True
    default: bool = False
    description: str | None = None


@dataclass(frozen=True)
class SeedConnectedApp:
    consumer_key: str | None = None  # generated at creation when absent
    consumer_secret: str | None = None
    certificate: str | None = None  # PEM text; a key pair is generated when absent


@dataclass(frozen=True)
class Seed:
    org_name: str
    edition: Edition = Edition.ENTERPRISE
    licenses: int = 10
    sandbox: bool | None = None  # None: decided by --sandbox/--production (default production)
    sandbox_name: str | None = None
    time_zone: str = "America/Los_Angeles"
    set_audit_fields_on_create: bool = True
    session_timeout_minutes: int = 120
    admin: SeedUser = field(default_factory=lambda: SeedUser("admin@example.com", "Admin", "User", profile="System Administrator"))
    admin_password: str = "emulator-admin-1"
    users: tuple[SeedUser, ...] = ()
    record_types: tuple[SeedRecordType, ...] = ()
    connected_app: SeedConnectedApp = SeedConnectedApp()
    custom_objects: tuple[dict[str, Any], ...] = ()  # custom_object() arguments (fields: CustomFieldSpec dicts)
    custom_fields: tuple[dict[str, Any], ...] = ()  # {object: …, plus CustomFieldSpec attributes}


DEFAULT_SEED_TEXT = """\
organization:
  name: st2sf Field Services
  edition: Enterprise
  licenses: 25
  time_zone: America/Los_Angeles
  set_audit_fields_on_create: true
admin:
  email: admin@st2sf-fieldservices.example.com
  first_name: Alex
  last_name: Admin
  password: emulator-admin-1
users:
  - {email: dana.reyes@st2sf-fieldservices.example.com, first_name: Dana, last_name: Reyes, federation_id: TECH-0001}
  - {email: sam.okafor@st2sf-fieldservices.example.com, first_name: Sam, last_name: Okafor, federation_id: TECH-0002}
  - {email: lee.chen@st2sf-fieldservices.example.com, first_name: Lee, last_name: Chen}
  - {email: jo.murphy@st2sf-fieldservices.example.com, first_name: Jo, last_name: Murphy, active: false}
  - {email: priya.nair@st2sf-fieldservices.example.com, first_name: Priya, last_name: Nair, active: false, federation_id: TECH-0005}
  - {email: dispatch@st2sf-fieldservices.example.com, first_name: Field, last_name: Dispatch, title: Dispatcher}
record_types:
  - {sobject: Case, developer_name: Break_Fix, name: Break/Fix, default: true}
  - {sobject: Case, developer_name: Support_Request, name: Support Request}
"""


def _problem(problems: list[str], where: str, message: str) -> None:
    problems.append(f"{where}: {message}")


def _str(data: Mapping[str, Any], key: str, where: str, problems: list[str], *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            _problem(problems, f"{where}.{key}" if where else key, "is required")
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        _problem(problems, f"{where}.{key}" if where else key, f"must be text, not {type(value).__name__}")
        return None
    return str(value)


def _bool(data: Mapping[str, Any], key: str, where: str, problems: list[str], default: bool | None) -> bool | None:
    value = data.get(key, default)
    if value is not None and not isinstance(value, bool):
        _problem(problems, f"{where}.{key}", "must be true or false")
        return default
    return value


def _user(data: Any, where: str, problems: list[str], *, profile: str) -> SeedUser | None:
    if not isinstance(data, Mapping):
        _problem(problems, where, "must be a mapping with at least email and last_name")
        return None
    unknown = set(data) - {"email", "first_name", "last_name", "active", "profile", "username", "federation_id", "title", "password"}
    if unknown:
        _problem(problems, where, f"unknown keys {sorted(unknown)}")
    email = _str(data, "email", where, problems, required=True)
    if email and not _EMAIL.match(email):
        _problem(problems, f"{where}.email", f"{email!r} is not an e-mail address")
    last = _str(data, "last_name", where, problems) or (email.split("@")[0] if email else "User")
    chosen_profile = _str(data, "profile", where, problems) or profile
    if chosen_profile not in ("System Administrator", "Standard User"):
        _problem(problems, f"{where}.profile", "must be 'System Administrator' or 'Standard User'")
    return SeedUser(
        email=email or "",
        first_name=_str(data, "first_name", where, problems),
        last_name=last,
        active=bool(_bool(data, "active", where, problems, True)),
        profile=chosen_profile,
        username=_str(data, "username", where, problems),
        federation_id=_str(data, "federation_id", where, problems),
        title=_str(data, "title", where, problems),
    )


def _mappings(data: Mapping[str, Any], key: str, required: tuple[str, ...], problems: list[str]) -> tuple[dict, ...]:
    items = data.get(key) or []
    if not isinstance(items, list):
        _problem(problems, key, "must be a list")
        return ()
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            _problem(problems, f"{key}[{i}]", "must be a mapping")
            continue
        for name in required:
            if not item.get(name):
                _problem(problems, f"{key}[{i}].{name}", "is required")
        out.append(dict(item))
    return tuple(out)


def parse_seed(data: Any, *, source: str = "seed") -> Seed:
    """A :class:`Seed` from parsed YAML; :class:`SeedError` listing every problem."""
    problems: list[str] = []
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise SeedError(f"{source}: the top level must be a mapping (organization:, admin:, users:, …)")
    unknown = set(data) - {"organization", "admin", "users", "record_types", "connected_app", "custom_objects", "custom_fields"}
    if unknown:
        _problem(problems, "top level", f"unknown keys {sorted(unknown)}")
    org = data.get("organization") or {}
    if not isinstance(org, Mapping):
        _problem(problems, "organization", "must be a mapping")
        org = {}
    edition_text = _str(org, "edition", "organization", problems) or "Enterprise"
    try:
        edition = Edition(edition_text.capitalize())
    except ValueError:
        _problem(problems, "organization.edition", f"{edition_text!r} is not one of Enterprise, Developer, Unlimited")
        edition = Edition.ENTERPRISE
    licenses = org.get("licenses", 10)
    if not isinstance(licenses, int) or isinstance(licenses, bool) or licenses < 1:
        _problem(problems, "organization.licenses", "must be a whole number ≥ 1")
        licenses = 10
    timeout = org.get("session_timeout_minutes", 120)
    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout < 1:
        _problem(problems, "organization.session_timeout_minutes", "must be a whole number ≥ 1")
        timeout = 120
    time_zone = _str(org, "time_zone", "organization", problems) or "America/Los_Angeles"
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        _problem(problems, "organization.time_zone", f"{time_zone!r} is not an IANA time zone (e.g. Europe/London)")
    sandbox_name = _str(org, "sandbox_name", "organization", problems)
    if sandbox_name and not re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,9}", sandbox_name):
        _problem(problems, "organization.sandbox_name", "must be a letter then up to 9 letters/digits")

    admin_data = data.get("admin") or {"email": "admin@example.com", "last_name": "User"}
    admin = _user(admin_data, "admin", problems, profile="System Administrator")
    password = admin_data.get("password", "emulator-admin-1") if isinstance(admin_data, Mapping) else None
    if not isinstance(password, str) or len(password) < 8:
        _problem(problems, "admin.password", "must be text of at least 8 characters")
        password = "emulator-admin-1"

    users_data = data.get("users") or []
    users: list[SeedUser] = []
    if not isinstance(users_data, list):
        _problem(problems, "users", "must be a list")
        users_data = []
    for i, item in enumerate(users_data):
        user = _user(item, f"users[{i}]", problems, profile="Standard User")
        if user:
            users.append(user)
    emails = [u.email.lower() for u in users] + ([admin.email.lower()] if admin else [])
    dupes = sorted({e for e in emails if emails.count(e) > 1})
    if dupes:
        _problem(problems, "users", f"e-mail addresses used twice: {dupes}")

    record_types: list[SeedRecordType] = []
    rts = data.get("record_types") or []
    if not isinstance(rts, list):
        _problem(problems, "record_types", "must be a list")
        rts = []
    for i, item in enumerate(rts):
        where = f"record_types[{i}]"
        if not isinstance(item, Mapping):
            _problem(problems, where, "must be a mapping with sobject, developer_name, name")
            continue
        sobject = _str(item, "sobject", where, problems, required=True)
        dev = _str(item, "developer_name", where, problems, required=True)
        if dev and not _DEV_NAME.match(dev):
            _problem(problems, f"{where}.developer_name", "must start with a letter and hold only letters, digits, _")
        record_types.append(
            SeedRecordType(
                sobject=sobject or "",
                developer_name=dev or "",
                name=_str(item, "name", where, problems) or (dev or "").replace("_", " "),
                active=bool(_bool(item, "active", where, problems, True)),
                default=bool(_bool(item, "default", where, problems, False)),
                description=_str(item, "description", where, problems),
            )
        )
    app_data = data.get("connected_app") or {}
    if not isinstance(app_data, Mapping):
        _problem(problems, "connected_app", "must be a mapping")
        app_data = {}
    cert = _str(app_data, "certificate", "connected_app", problems)
    if cert and "BEGIN CERTIFICATE" not in cert:
        _problem(problems, "connected_app.certificate", "must be a PEM certificate (-----BEGIN CERTIFICATE-----)")
    custom_objects = _mappings(data, "custom_objects", ("api_name", "label", "plural_label"), problems)
    custom_fields = _mappings(data, "custom_fields", ("object", "api_name", "type"), problems)
    if problems:
        raise SeedError(f"{source} is not a valid seed:\n  " + "\n  ".join(problems))
    assert admin is not None
    return Seed(
        org_name=_str(org, "name", "organization", problems) or "Emulated Org",
        edition=edition,
        licenses=licenses,
        sandbox=_bool(org, "sandbox", "organization", problems, None),
        sandbox_name=sandbox_name,
        time_zone=time_zone,
        set_audit_fields_on_create=bool(_bool(org, "set_audit_fields_on_create", "organization", problems, True)),
        session_timeout_minutes=timeout,
        admin=admin,
        admin_password=password,
        users=tuple(users),
        record_types=tuple(record_types),
        connected_app=SeedConnectedApp(
            consumer_key=_str(app_data, "consumer_key", "connected_app", problems),
            consumer_secret=_str(app_data, "consumer_secret", "connected_app", problems),
            certificate=cert,
        ),
        custom_objects=custom_objects,
        custom_fields=custom_fields,
    )


def load_seed(path: Path | None) -> tuple[Seed, str]:
    """The seed in ``path`` (or the built-in default) and its text."""
    if path is None:
        return parse_seed(yaml.safe_load(DEFAULT_SEED_TEXT), source="built-in seed"), DEFAULT_SEED_TEXT
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SeedError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SeedError(f"{path}: not valid YAML ({exc})") from None
    return parse_seed(data, source=str(path)), text


DEFAULT_SEED = parse_seed(yaml.safe_load(DEFAULT_SEED_TEXT), source="built-in seed")
