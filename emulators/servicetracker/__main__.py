"""``python -m emulators.servicetracker``: see :mod:`emulators.servicetracker.cli`."""

from __future__ import annotations

from emulators.servicetracker.cli import main

raise SystemExit(main())
