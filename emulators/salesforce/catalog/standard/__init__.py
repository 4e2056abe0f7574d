"""Data files: our authored definitions of the standard objects no recorded describe covers (see standard_data)."""

from __future__ import annotations

__all__: list[str] = []
