"""Errors the schema catalog raises.

Every problem the catalog finds is a :class:`CatalogError`; the subclasses say *where* it came from, so a
Metadata deploy can turn a bad custom field into a component failure and a broken data file can fail loudly
at start-up::

    CatalogError                      (ValueError)
    ├── CustomSpecError               a custom object / field spec is wrong (field name + what to change)
    ├── CatalogDataError              a packaged catalog data file or recorded describe is unusable
    └── UnknownObjectError            a name that is not in the schemas handed over

Messages name the object and field, say what is wrong and what would be accepted.
"""

from __future__ import annotations

__all__ = ["CatalogError", "CustomSpecError", "CatalogDataError", "UnknownObjectError"]


class CatalogError(ValueError):
    """Base of every catalog error."""


class CustomSpecError(CatalogError):
    """A custom object or custom field specification cannot be turned into a schema."""


class CatalogDataError(CatalogError):
    """A catalog data file (ours, or a recorded describe shipped with a dependency) is missing or malformed."""


class UnknownObjectError(CatalogError):
    """An sObject name that the catalog does not know."""
