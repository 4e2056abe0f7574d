"""The content hash approvals bind to: stable across formatting, changed by any decision."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from control.mapping.digest import map_digest
from control.mapping.issues import MapInvalidError
from tests.unit.mapping.conftest import FIXTURES


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "m"
    shutil.copytree(FIXTURES / "maps" / "golden", target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_formatting_comments_and_rationale_do_not_change_the_hash(folder: Path) -> None:
    before = map_digest(folder)
    assert before.startswith("sha256:") and len(before) == 7 + 64
    _edit(folder / "map.yml", "# A small map", "# A reformatted, re-commented small map")
    _edit(folder / "map.yml", "{source: summary, target: Subject}",
          "{target: Subject,   source: summary, rationale: {confidence: 0.9, reasons: [obvious]}}")
    assert map_digest(folder) == before


def test_any_decision_changes_the_hash(folder: Path) -> None:
    before = map_digest(folder)
    _edit(folder / "map.yml", "urgent: High", "urgent: Medium")
    changed = map_digest(folder)
    assert changed != before
    _edit(folder / "map.yml", "urgent: Medium", "urgent: High")
    assert map_digest(folder) == before
    _edit(folder / "workflows.jsonl", '"Follow up"', '"Follow up now"')
    assert map_digest(folder) != before


def test_an_invalid_map_has_no_hash(folder: Path) -> None:
    _edit(folder / "map.yml", "  - source: clients", "  - sourc: clients")
    with pytest.raises(MapInvalidError):
        map_digest(folder)
