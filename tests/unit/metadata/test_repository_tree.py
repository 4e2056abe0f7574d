"""The committed force-app/ is what the default map generates, and every file in it is schema-valid."""

from __future__ import annotations

from control.metadata.generate import generate_metadata
from control.metadata.validate_tree import metadata_files, validate_metadata
from tests.unit.metadata.conftest import ROOT


def test_every_committed_metadata_file_validates_against_the_official_schema(md_schema) -> None:
    report = validate_metadata(ROOT, schema=md_schema, strict=False)
    assert report.problems == ()
    assert report.files == len(metadata_files(ROOT)) and report.files > 250


def test_committed_force_app_is_current() -> None:
    result = generate_metadata(ROOT, check=True)  # raises MetadataDriftError on any difference
    assert result.drift == ()
    assert result.components["Flow"] >= 1 and result.components["CustomObject"] >= 9
