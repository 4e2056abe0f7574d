"""Real Salesforce responses recorded by CumulusCI, read from the installed ``cumulusci`` package.

CumulusCI ships VCR cassettes of real describe calls (``cumulusci/tests/shared_cassettes``). We read them
at run time — they are never copied into this repository — and use them as the source of truth for the
objects they cover: :mod:`emulators.salesforce.catalog.describe_convert` turns each into an
:class:`ObjectSchema`, and the tests compare our rendered describes against them.

Each cassette is YAML whose ``response.body.string`` holds the JSON body Salesforce returned.
Missing files or bodies raise :class:`CatalogDataError` naming the file, so a changed dependency fails loudly.
"""

from __future__ import annotations

import json
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import yaml

from emulators.salesforce.catalog.errors import CatalogDataError

__all__ = [
    "RECORDED_DESCRIBE_OBJECTS",
    "recorded_describe",
    "recorded_global_describe",
    "recorded_organization_record",
]

_PACKAGE = "cumulusci"
_FOLDER = ("tests", "shared_cassettes")
# Standard objects with a recorded full describe (Custom__c is a test org's custom setting, not standard).
RECORDED_DESCRIBE_OBJECTS = ("Account", "Contact", "Opportunity", "Case", "Event", "Lead", "OpportunityContactRole")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _package_dir() -> Path:
    # find_spec locates the installed package without importing it (importing cumulusci costs ~1 s).
    spec = find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {_PACKAGE!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _read_body(file_name: str) -> Any:
    try:
        text = _package_dir().joinpath(*_FOLDER, file_name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise CatalogDataError(
            f"recorded response {file_name!r} is not in the installed {_PACKAGE} package ({exc}); "
            f"install the pinned {_PACKAGE} version from pyproject.toml"
        ) from None
    try:
        cassette = yaml.load(text, Loader=_Loader)
        body = cassette["response"]["body"]["string"]
        return json.loads(body)
    except (yaml.YAMLError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise CatalogDataError(f"recorded response {file_name!r} has no JSON body: {exc}") from None


def recorded_describe(sobject: str) -> dict[str, Any]:
    """The real ``GET /sobjects/{sobject}/describe`` body recorded by CumulusCI."""
    return _read_body(f"GET_sobjects_{sobject}_describe.yaml")


def recorded_global_describe() -> dict[str, Any]:
    """The real ``GET /sobjects`` body (an org's global describe) recorded by CumulusCI."""
    return _read_body("GET_sobjects_Global_describe.yaml")


def recorded_organization_record() -> dict[str, Any]:
    """The real ``GET /sobjects/Organization/{id}`` record recorded by CumulusCI."""
    return _read_body("GET_sobjects_Organization.yaml")
