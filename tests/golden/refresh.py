"""Rewrite the golden metadata files from tests/fixtures/maps/golden (run after a deliberate generator change).

    python -m tests.golden.refresh

Then read the diff (`git diff tests/golden`) as a reviewer would: every changed line is a change in what
admins will deploy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from control.metadata.generate import render_tree

ROOT = Path(__file__).resolve().parents[2]
MAP = ROOT / "tests" / "fixtures" / "maps" / "golden"
GOLDEN = ROOT / "tests" / "golden" / "metadata"


def main() -> None:
    tree = render_tree(MAP, root=MAP.parent)
    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    for path, content in tree.files.items():
        target = GOLDEN / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    print(f"wrote {len(tree.files)} golden files under {GOLDEN.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
