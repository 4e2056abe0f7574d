"""Fault and limit settings handed to ``start``/``serve`` as files (``--faults FILE``, ``--limits FILE``).

Each file is YAML (or JSON) holding one mapping: the fault configuration
(:mod:`emulators.salesforce.faults.config`) or the limit overrides
(:mod:`emulators.salesforce.limits.allocations`). Both are validated before the server starts, so a
bad file is a usage error naming the file and the key; once applied they are kept in the org
database and survive restarts until changed (through another file or the admin endpoint).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from emulators.salesforce.faults.config import FaultConfig, FaultConfigError, parse_faults
from emulators.salesforce.faults.injector import FAULTS_META_KEY
from emulators.salesforce.limits import AllocationError
from emulators.salesforce.limits.allocations import parse_overrides
from emulators.salesforce.org.runtime import Org

__all__ = ["SettingsFileError", "read_faults_file", "read_limits_file", "apply_startup_settings"]


class SettingsFileError(ValueError):
    """A settings file cannot be used; the message names the file and what to change."""


def _load(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsFileError(f"{path}: cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise SettingsFileError(f"{path}: not valid YAML/JSON ({exc})") from None


def read_faults_file(path: Path) -> FaultConfig:
    try:
        return parse_faults(_load(path) or {})
    except FaultConfigError as exc:
        raise SettingsFileError(f"{path}: {exc}") from None


def read_limits_file(path: Path) -> dict[str, Any]:
    try:
        return parse_overrides(_load(path) or {})
    except AllocationError as exc:
        raise SettingsFileError(f"{path}: {exc}") from None


def apply_startup_settings(org: Org, *, faults_file: Path | None, limits_file: Path | None) -> None:
    """Keep the files' settings in the org database (before the server reads them)."""
    if limits_file is not None:
        org.limits.set_overrides(read_limits_file(limits_file))
    if faults_file is not None:
        config = read_faults_file(faults_file)
        with org.db.transaction():
            org.db.set_meta(FAULTS_META_KEY, config.to_json())
