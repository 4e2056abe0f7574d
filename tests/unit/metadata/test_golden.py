"""Golden files pin the XML the generator writes for a small map that uses every component kind.

A deliberate change to the generator updates them with ``python -m tests.golden.refresh``; the diff of
tests/golden/ is then what a reviewer reads.
"""

from __future__ import annotations

from control.metadata.generate import render_tree
from tests.unit.metadata.conftest import GOLDEN, GOLDEN_MAP


def test_generated_files_equal_the_golden_files() -> None:
    tree = render_tree(GOLDEN_MAP, root=GOLDEN_MAP.parent)
    golden = {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(tree.files) == sorted(golden)
    for path, content in tree.files.items():
        assert content == golden[path], f"{path} differs from its golden file"


def test_generation_is_deterministic() -> None:
    first = render_tree(GOLDEN_MAP, root=GOLDEN_MAP.parent).files
    second = render_tree(GOLDEN_MAP, root=GOLDEN_MAP.parent).files
    assert first == second
