"""Project settings: ``st2sf.toml`` at the project root, environment overrides, secrets from env or keyring.

Resolution order for every setting (later wins)::

    built-in default  <  st2sf.toml  <  environment variable

Environment overrides (documented in docs/configuration.md):

=============================  ===============================================
``ST2SF_PROJECT``              the project root (else: nearest st2sf.toml upwards)
``ST2SF_STATE_DIR``            working state folder (default ``.st2sf``)
``ST2SF_STAGING_URL``          staging store SQLAlchemy URL
``ST2SF_LEDGER_URL``           run ledger SQLAlchemy URL
``ST2SF_SOURCE_URL``           ServiceTracker API base URL
``ST2SF_SOURCE_EXPORT_DIR``    a ServiceTracker CSV/JSON export folder
``ST2SF_DEFAULT_ORG``          the org commands use without ``--org``
=============================  ===============================================

Secrets are **never** read from st2sf.toml: a secret-looking key there is a :class:`ConfigError`.
The ServiceTracker API key comes from the variable named by ``source.api_key_env``
(default ``ST2SF_SERVICETRACKER_API_KEY``) or the OS keyring (service ``st2sf``, user ``<project>:servicetracker``).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from control.errors import ConfigError
from control.secrets import Secret, is_secret_key

__all__ = [
    "PROJECT_FILE",
    "KEYRING_SERVICE",
    "SourceSettings",
    "OrgSettings",
    "DefaultSettings",
    "Settings",
    "find_project_root",
    "load_settings",
]

PROJECT_FILE = "st2sf.toml"
KEYRING_SERVICE = "st2sf"

_ENV_OVERRIDES: dict[str, tuple[str, ...]] = {
    "ST2SF_STATE_DIR": ("project", "state_dir"),
    "ST2SF_STAGING_URL": ("staging", "url"),
    "ST2SF_LEDGER_URL": ("ledger", "url"),
    "ST2SF_SOURCE_URL": ("source", "base_url"),
    "ST2SF_SOURCE_EXPORT_DIR": ("source", "export_dir"),
    "ST2SF_DEFAULT_ORG": ("defaults", "org"),
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceSettings(_Model):
    """Where ServiceTracker data comes from: its API, or an export folder."""

    kind: Literal["api", "export"] = "api"
    base_url: str | None = None
    export_dir: str | None = None
    api_key_env: str = "ST2SF_SERVICETRACKER_API_KEY"
    page_size: int = Field(default=500, ge=1, le=1000)
    max_concurrency: int = Field(default=4, ge=1, le=32)


class OrgSettings(_Model):
    """A named Salesforce org: an emulated one, or an org CumulusCI knows by name."""

    kind: Literal["emulator", "cumulusci"] = "emulator"
    cci_org: str | None = None
    sandbox: bool = True
    seed: str | None = None  # emulator seed file, relative to the project root


class DefaultSettings(_Model):
    org: str | None = None
    dataset: str = "migration"
    fallback_owner: str | None = None  # a Salesforce username


class ProjectSection(_Model):
    name: str = "st2sf-migration"
    state_dir: str = ".st2sf"


class StagingSection(_Model):
    url: str | None = None


class LedgerSection(_Model):
    url: str | None = None


class _File(_Model):
    project: ProjectSection = ProjectSection()
    source: SourceSettings = SourceSettings()
    staging: StagingSection = StagingSection()
    ledger: LedgerSection = LedgerSection()
    orgs: dict[str, OrgSettings] = {}
    defaults: DefaultSettings = DefaultSettings()


class Settings(_Model):
    """Resolved settings for one project."""

    root: Path
    name: str
    state_dir: Path
    source: SourceSettings
    staging_url: str
    ledger_url: str
    orgs: dict[str, OrgSettings]
    defaults: DefaultSettings
    env: Mapping[str, str] = Field(default_factory=dict, repr=False, exclude=True)

    def org(self, name: str | None) -> tuple[str, OrgSettings]:
        """The named org (or the default one); a clear usage error when it is not configured."""
        chosen = name or self.defaults.org
        if not chosen:
            raise ConfigError(
                "No org given and st2sf.toml sets no default org.",
                hint="Pass --org NAME or set [defaults] org = \"NAME\" in st2sf.toml.",
            )
        if chosen not in self.orgs:
            known = ", ".join(sorted(self.orgs)) or "none"
            raise ConfigError(
                f"Org '{chosen}' is not configured (configured: {known}).",
                hint=f"Add an [orgs.{chosen}] table to {self.root / PROJECT_FILE}.",
            )
        return chosen, self.orgs[chosen]

    def servicetracker_api_key(self) -> Secret:
        """The ServiceTracker API key, from the environment or the OS keyring — never from the file."""
        value = self.env.get(self.source.api_key_env)
        if value:
            return Secret(value)
        from_keyring = _keyring_get(f"{self.name}:servicetracker")
        if from_keyring:
            return Secret(from_keyring)
        raise ConfigError(
            "No ServiceTracker API key found.",
            hint=(f"Set the environment variable {self.source.api_key_env}, or store it in the OS keyring "
                  f"(service '{KEYRING_SERVICE}', user '{self.name}:servicetracker')."),
        )


def _keyring_get(user: str) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # keyring is a dependency, but a broken install must not crash config loading
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, user)
    except (KeyringError, RuntimeError):
        return None


def find_project_root(start: Path | None = None, env: Mapping[str, str] | None = None) -> Path:
    """``$ST2SF_PROJECT``, else the nearest folder at or above ``start`` holding st2sf.toml, else ``start``."""
    env = os.environ if env is None else env
    if env.get("ST2SF_PROJECT"):
        return Path(env["ST2SF_PROJECT"]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return here


def _reject_secrets(data: Any, path: str, where: Path) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            dotted = f"{path}.{key}" if path else key
            if is_secret_key(str(key)) and value not in (None, ""):
                raise ConfigError(
                    f"{where}: '{dotted}' holds a secret; st2sf never reads secrets from its project file.",
                    hint="Remove it from the file and set it in the environment or the OS keyring instead.",
                )
            _reject_secrets(value, dotted, where)


def _set(data: dict[str, Any], dotted: tuple[str, ...], value: str) -> None:
    section = data.setdefault(dotted[0], {})
    section[dotted[1]] = value


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.", hint="Fix the syntax at the position named.") from None
    except OSError as exc:
        raise ConfigError(f"{path} cannot be read: {exc.strerror}.") from None


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def load_settings(root: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Resolve the settings of the project at ``root`` (default: :func:`find_project_root`)."""
    env = dict(os.environ if env is None else env)
    root = (root or find_project_root(env=env)).resolve()
    file = root / PROJECT_FILE
    data: dict[str, Any] = _read_file(file) if file.is_file() else {}
    _reject_secrets(data, "", file)
    for var, dotted in _ENV_OVERRIDES.items():
        if env.get(var):
            _set(data, dotted, env[var])
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)
        )
        raise ConfigError(f"{file}: {problems}.", hint="Correct those keys (see docs/configuration.md).") from None

    state_dir = Path(parsed.project.state_dir)
    if not state_dir.is_absolute():
        state_dir = root / state_dir
    source = parsed.source
    if source.export_dir and not Path(source.export_dir).is_absolute():
        source = source.model_copy(update={"export_dir": str(root / source.export_dir)})
    return Settings(
        root=root,
        name=parsed.project.name,
        state_dir=state_dir,
        source=source,
        staging_url=parsed.staging.url or _sqlite_url(state_dir / "staging.db"),
        ledger_url=parsed.ledger.url or _sqlite_url(state_dir / "ledger.db"),
        orgs=dict(parsed.orgs),
        defaults=parsed.defaults,
        env=env,
    )
