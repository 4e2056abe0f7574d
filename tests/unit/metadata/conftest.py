"""The compiled Metadata API schema, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from control.metadata.xsd import MetadataSchema

ROOT = Path(__file__).resolve().parents[3]
GOLDEN_MAP = ROOT / "tests" / "fixtures" / "maps" / "golden"
GOLDEN = ROOT / "tests" / "golden" / "metadata"


@pytest.fixture(scope="session")
def md_schema() -> MetadataSchema:
    return MetadataSchema.load()
