"""Entry point: ``python -m emulators.salesforce`` (see :mod:`emulators.salesforce.cli`)."""

from __future__ import annotations

from emulators.salesforce.cli import main

raise SystemExit(main())
