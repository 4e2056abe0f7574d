"""``st2sf map validate``: check a map against the source inventory and the target org, listing every problem.

Order of work::

    load (YAML → models; syntax and shape problems)      ─┐ stop here if the shape is wrong
    expand (auto custom fields, custom tables)             │
    structure checks (names, references, target specs)     │ all collected, none stops the others
    source checks   (needs the inventory)                  │
    target checks   (needs the describe; the map's own objects and fields always count as present)
                                                          ─┘
Errors make :func:`validate_map` raise :class:`MapInvalidError` (a usage error, exit 2) carrying every
issue with ``file:line:column``; warnings are returned in the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple, Sequence

from control.mapping.check_context import CheckContext
from control.mapping.check_source import check_source
from control.mapping.check_structure import check_structure
from control.mapping.check_target import check_target
from control.mapping.document import MigrationMap, Origins
from control.mapping.expand import Expansion, expand_map
from control.mapping.inventory import SourceInventory
from control.mapping.issues import IssueCode, MapInvalidError, MapIssue, Severity
from control.mapping.loader import LoadedMap, load_map
from control.mapping.target_schema import ACTIVITY_OBJECTS, TargetSchema

__all__ = ["MapReport", "check_map", "validate_map", "target_schema_for"]


class MapReport(NamedTuple):
    files: tuple[str, ...]
    issues: tuple[MapIssue, ...]
    map: MigrationMap | None  # the expanded map (None when its shape is wrong)
    origins: Origins
    expansions: tuple[Expansion, ...]
    source_checked: bool
    target_checked: bool

    @property
    def errors(self) -> tuple[MapIssue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[MapIssue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.errors,
            "files": list(self.files),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "source_checked": self.source_checked,
            "target_checked": self.target_checked,
            "objects": len(self.map.objects) if self.map else 0,
            "routes": len(self.map.routes()) if self.map else 0,
            "expanded": [e._asdict() for e in self.expansions],
            "issues": [i.as_dict() for i in self.issues],
        }


def target_schema_for(map_: MigrationMap, target: TargetSchema | None) -> TargetSchema:
    """The org's schema with everything the map creates laid over it."""
    value_targets = {name: vm.target_values() for name, vm in map_.value_maps.items()}
    base = target if target is not None else TargetSchema(described=False)
    return base.with_map_targets(map_.targets, value_targets)


def _check_activity_fields(ctx: CheckContext) -> None:
    specs = [(name, ctx.map.targets[name]) for name in sorted(ACTIVITY_OBJECTS) if name in ctx.map.targets]
    if len(specs) < 2:
        return
    (first, a), (second, b) = specs
    for field in sorted(set(a.fields) & set(b.fields)):
        if a.fields[field].model_dump(exclude={"rationale"}) != b.fields[field].model_dump(exclude={"rationale"}):
            ctx.error(IssueCode.DUPLICATE, ("targets", second, "fields", field),
                      f"{field} is an Activity field shared by Task and Event; define it identically on both")


def _sort_key(issue: MapIssue) -> tuple[str, int, int, str]:
    return (issue.position.file, issue.position.line, issue.position.column, issue.message)


def check_map(loaded: LoadedMap, *, inventory: SourceInventory | None = None,
              target: TargetSchema | None = None) -> MapReport:
    """Run every check on a loaded map; never raises for problems in the map."""
    files = tuple(d.file for d in loaded.origins.documents)
    if loaded.map is None:
        return MapReport(files, tuple(sorted(loaded.issues, key=_sort_key)), None, loaded.origins, (),
                         inventory is not None, target is not None)
    expanded = expand_map(loaded.map, inventory, loaded.origins)
    ctx = CheckContext(expanded.map, loaded.origins, inventory, target_schema_for(expanded.map, target))
    check_structure(ctx)
    _check_activity_fields(ctx)
    check_source(ctx)
    check_target(ctx)
    issues = sorted([*loaded.issues, *ctx.issues], key=_sort_key)
    return MapReport(files, tuple(issues), expanded.map, loaded.origins, expanded.added,
                     inventory is not None, target is not None)


def validate_map(source: Path | Sequence[Path], *, inventory: SourceInventory | None = None,
                 target: TargetSchema | None = None, root: Path | None = None) -> MapReport:
    """Validate the map folder (or files); raise :class:`MapInvalidError` listing every error."""
    report = check_map(load_map(source, root=root), inventory=inventory, target=target)
    if report.errors:
        raise MapInvalidError(report.issues)
    return report
