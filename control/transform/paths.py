"""Reading a source path from a staged record, and what counts as blank.

Paths are the map's (docs/mapping.md §5): a core field (``status``), a part of an address or object
(``billing_address.city``), a custom field (``custom_fields.<key>``, the key verbatim — dots and spaces
included), the whole ``custom_fields`` object, and inside a route with ``each`` the element (``$item``)
or one of its keys (``$item.amount``).
"""

from __future__ import annotations

from typing import Any, Mapping

from control.mapping.inventory import CUSTOM_PREFIX, ITEM

__all__ = ["read_path", "is_blank"]


def is_blank(value: Any) -> bool:
    """None, empty or whitespace-only text, an empty list or object."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict)):
        return not value
    return False


def read_path(record: Mapping[str, Any], path: str, item: Any = None) -> Any:
    """The value at ``path`` (None when any part is absent)."""
    if path in record:  # the common case first: a core field
        return record[path]
    if path == ITEM:
        return item
    if path.startswith(ITEM + "."):
        return item.get(path[len(ITEM) + 1:]) if isinstance(item, Mapping) else None
    if path.startswith(CUSTOM_PREFIX):
        custom = record.get("custom_fields")
        return custom.get(path[len(CUSTOM_PREFIX):]) if isinstance(custom, Mapping) else None
    head, _, rest = path.partition(".")
    node = record.get(head)
    while rest and isinstance(node, Mapping):
        if rest in node:
            return node[rest]
        head, _, rest = rest.partition(".")
        node = node.get(head)
    return None if rest else node
