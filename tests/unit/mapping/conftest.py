"""Shared inputs for map tests: the contract's inventory, small describes, the repository's default map."""

from __future__ import annotations

from pathlib import Path

import pytest

from control.mapping.inventory import SourceInventory
from control.mapping.inventory_adapters import read_inventory
from control.mapping.target_schema import TargetSchema, read_describes

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def contract_inventory() -> SourceInventory:
    return read_inventory(ROOT / "docs" / "servicetracker-api.schema.json")


@pytest.fixture(scope="session")
def small_target() -> TargetSchema:
    return read_describes([FIXTURES / "describes" / "small.json"])


def write_map(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
