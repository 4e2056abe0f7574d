"""Loading the map: YAML files → :class:`MigrationMap`, with every problem located.

``load_map(folder)`` reads ``*.yml``/``*.yaml`` in name order. Nothing stops at the first problem: YAML
syntax errors, repeated keys, shape errors from the models (unknown keys, wrong types, missing parts)
and names defined twice across files are all collected as :class:`MapIssue` with ``file:line:column``.
The map is returned only when its structure is sound; semantic checks against the source inventory and
the target org are :func:`control.mapping.validate.check_map`'s job.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple, Sequence

from pydantic import ValidationError

from control.errors import InputFileError
from control.mapping.document import CustomTablePolicy, MapDocument, MapSettings, MigrationMap, Origins
from control.mapping.issues import IssueCode, MapIssue, Severity, dotted
from control.mapping.targets import ObjectSpec
from control.mapping.yaml_source import YamlDocument, read_yaml

__all__ = ["LoadedMap", "load_map", "map_files", "MAP_SUFFIXES"]

MAP_SUFFIXES = (".yml", ".yaml")


class LoadedMap(NamedTuple):
    map: MigrationMap | None
    origins: Origins
    issues: tuple[MapIssue, ...]
    files: tuple[Path, ...]

    @property
    def ok(self) -> bool:
        return self.map is not None and not any(i.severity is Severity.ERROR for i in self.issues)


def map_files(folder: Path) -> tuple[Path, ...]:
    """The map's YAML files in ``folder``, in name order."""
    if not folder.is_dir():
        raise InputFileError(f"{folder} is not a folder of map files.", path=str(folder),
                             hint="Pass the mapping folder (default: mapping/ in the project).")
    files = tuple(sorted(p for p in folder.iterdir() if p.suffix in MAP_SUFFIXES and p.is_file()))
    if not files:
        raise InputFileError(f"{folder} holds no *.yml map files.", path=str(folder),
                             hint="Write the map there (see docs/mapping.md) or copy the default map.")
    return files


def _real_path(data: Any, loc: Sequence[Any]) -> tuple[Any, ...]:
    """Pydantic's error location, reduced to the keys and indexes that exist in the YAML data
    (discriminator tags and internal names are dropped)."""
    path: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
    return tuple(path)


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    name = error["loc"][-1] if error.get("loc") else ""
    if kind == "missing":
        return f"'{name}' is missing"
    if kind == "extra_forbidden":
        return f"unknown key '{name}' (check the spelling; see docs/mapping.md)"
    if kind == "literal_error" and name == "version":
        return "version must be 1"
    msg = str(error.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ")


def _structure_issues(document: YamlDocument, exc: ValidationError) -> list[MapIssue]:
    issues = []
    for error in exc.errors(include_url=False):
        loc = tuple(error.get("loc", ()))
        path = _real_path(document.data, loc)
        where = document.key_position(path) if error.get("type") == "extra_forbidden" else document.position(path)
        issues.append(MapIssue(Severity.ERROR, IssueCode.STRUCTURE, _message(error), where, dotted(path)))
    return issues


def _parse_documents(files: Sequence[Path], root: Path | None) -> tuple[list[YamlDocument], list[MapDocument | None],
                                                                        list[MapIssue]]:
    docs: list[YamlDocument] = []
    parsed: list[MapDocument | None] = []
    issues: list[MapIssue] = []
    for file in files:
        display = str(file.relative_to(root)) if root and file.is_relative_to(root) else str(file)
        document = read_yaml(file, display)
        docs.append(document)
        for problem in document.problems:
            code = IssueCode.YAML_SYNTAX if problem.message.startswith("YAML") else IssueCode.DUPLICATE
            issues.append(MapIssue(Severity.ERROR, code, problem.message, problem.position, ""))
        if document.data is None:
            parsed.append(None if document.problems else MapDocument())
            continue
        if not isinstance(document.data, dict):
            issues.append(MapIssue(Severity.ERROR, IssueCode.STRUCTURE,
                                   "a map file is a mapping with version, settings, value_maps, targets, objects",
                                   document.position(()), ""))
            parsed.append(None)
            continue
        try:
            parsed.append(MapDocument.model_validate(document.data))
        except ValidationError as exc:
            issues.extend(_structure_issues(document, exc))
            parsed.append(None)
    return docs, parsed, issues


def _merge_target(name: str, into: ObjectSpec | None, extra: ObjectSpec, where: tuple[int, tuple[Any, ...]],
                  origins: Origins, issues: list[MapIssue]) -> ObjectSpec:
    doc_index, base = where
    for section in ("fields", "record_types", "business_processes"):
        for key in getattr(extra, section):
            origins.add(("targets", name, section, key), doc_index, (*base, section, key))
    if into is None:
        origins.add(("targets", name), doc_index, base)
        return extra
    merged: dict[str, Any] = {}
    for section in ("fields", "record_types", "business_processes"):
        combined = dict(getattr(into, section))
        for key, value in getattr(extra, section).items():
            if key in combined:
                issues.append(MapIssue(Severity.ERROR, IssueCode.DUPLICATE,
                                       f"{name}.{key} is defined in two map files; keep one definition",
                                       origins.documents[doc_index].position((*base, section, key)),
                                       dotted(("targets", name, section, key))))
                continue
            combined[key] = value
        merged[section] = combined
    settings_given = extra.model_dump(exclude={"fields", "record_types", "business_processes"}, exclude_defaults=True)
    if settings_given and into.model_dump(exclude={"fields", "record_types", "business_processes"},
                                          exclude_defaults=True):
        issues.append(MapIssue(Severity.ERROR, IssueCode.DUPLICATE,
                               f"{name}'s object settings (label, sharing, …) are given in two map files; "
                               "give them in one", origins.documents[doc_index].position(base),
                               dotted(("targets", name))))
    elif settings_given:
        return extra.model_copy(update=merged)
    return into.model_copy(update=merged)


def _merge(docs: list[YamlDocument], parsed: list[MapDocument], issues: list[MapIssue]) -> tuple[MigrationMap, Origins]:
    origins = Origins(tuple(docs))
    settings: MapSettings | None = None
    custom_tables: Any = None
    records: dict[str, Any] = {}
    value_maps: dict[str, Any] = {}
    targets: dict[str, ObjectSpec] = {}
    objects: list[Any] = []
    for index, document in enumerate(parsed):
        if document.settings is not None:
            if settings is not None:
                issues.append(MapIssue(Severity.ERROR, IssueCode.DUPLICATE,
                                       "settings are given in more than one map file; keep one",
                                       docs[index].position(("settings",)), "settings"))
            else:
                settings = document.settings
                origins.add(("settings",), index, ("settings",))
        if document.custom_tables is not None:
            if custom_tables is not None:
                issues.append(MapIssue(Severity.ERROR, IssueCode.DUPLICATE,
                                       "custom_tables is given in more than one map file; keep one",
                                       docs[index].position(("custom_tables",)), "custom_tables"))
            else:
                custom_tables = document.custom_tables
                origins.add(("custom_tables",), index, ("custom_tables",))
        for name, record in document.records.items():
            if name in records:
                issues.append(MapIssue(Severity.ERROR, IssueCode.DUPLICATE,
                                       f"fixed record '{name}' is defined twice; rename or remove one",
                                       docs[index].position(("records", name)), dotted(("records", name))))
                continue
            records[name] = record
            origins.add(("records", name), index, ("records", name))
        for name, value_map in document.value_maps.items():
            if name in value_maps:
                issues.append(MapIssue(Severity.ERROR, IssueCode.DUPLICATE,
                                       f"value map '{name}' is defined twice; rename or remove one",
                                       docs[index].position(("value_maps", name)), dotted(("value_maps", name))))
                continue
            value_maps[name] = value_map
            origins.add(("value_maps", name), index, ("value_maps", name))
        for name, spec in document.targets.items():
            targets[name] = _merge_target(name, targets.get(name), spec, (index, ("targets", name)), origins, issues)
        for position, rule in enumerate(document.objects):
            origins.add(("objects", len(objects)), index, ("objects", position))
            objects.append(rule)
    merged = MigrationMap(settings=settings or MapSettings(), custom_tables=custom_tables or CustomTablePolicy(),
                          records=records, value_maps=value_maps, targets=targets, objects=tuple(objects))
    return merged, origins


def load_map(source: Path | Sequence[Path], *, root: Path | None = None) -> LoadedMap:
    """Load a map folder (or an explicit list of files). ``root`` shortens file names in positions."""
    files = map_files(source) if isinstance(source, Path) else tuple(source)
    docs, parsed, issues = _parse_documents(files, root)
    if any(p is None for p in parsed):
        return LoadedMap(None, Origins(tuple(docs)), tuple(issues), files)
    merged, origins = _merge(docs, [p for p in parsed if p is not None], issues)
    return LoadedMap(merged, origins, tuple(issues), files)
