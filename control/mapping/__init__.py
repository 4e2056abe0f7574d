"""The migration map: what moves from ServiceTracker to Salesforce, and how (see docs/mapping.md).

Public API::

    report = validate_map(Path("mapping"), inventory=read_inventory(path), target=read_describes([path]))
    loaded = load_map(Path("mapping"))               # YAML → MigrationMap, every problem located
    expanded = expand_map(loaded.map, inventory)     # auto custom fields and custom tables filled in
    digest = map_digest(Path("mapping"))             # the content hash approvals bind to

Modules: ``yaml_source`` (positions), ``base``/``conditions``/``transforms``/``values``/``rules``/
``targets``/``document`` (the models), ``loader``, ``inventory`` + ``inventory_adapters`` (source
protocol), ``target_schema`` (target protocol), ``expand``, ``check_*`` + ``validate`` (checks),
``digest``.
"""

from control.mapping.digest import map_digest
from control.mapping.document import MapSettings, MigrationMap
from control.mapping.expand import ExpandedMap, expand_map
from control.mapping.inventory import SourceInventory
from control.mapping.inventory_adapters import read_inventory
from control.mapping.issues import IssueCode, MapInvalidError, MapIssue, Severity
from control.mapping.loader import LoadedMap, load_map
from control.mapping.target_schema import TargetSchema, read_describes
from control.mapping.validate import MapReport, check_map, validate_map

__all__ = [
    "ExpandedMap", "IssueCode", "LoadedMap", "MapInvalidError", "MapIssue", "MapReport", "MapSettings",
    "MigrationMap", "Severity", "SourceInventory", "TargetSchema", "check_map", "expand_map", "load_map",
    "map_digest", "read_describes", "read_inventory", "validate_map",
]
