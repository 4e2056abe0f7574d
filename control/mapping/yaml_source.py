"""Reading YAML while remembering where every value came from (file, line, column).

PyYAML's composer gives us the node tree with marks; we build plain Python data from it ourselves so
that every value's position is recorded under its *path* (a tuple of mapping keys and list indexes) and
so that a key repeated in one mapping is an error, not a silent overwrite. Anchors and aliases work;
merge keys (``<<:``) are flattened as YAML 1.1 defines them.

Lines and columns are 1-based, as editors show them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["Position", "YamlDocument", "YamlProblem", "read_yaml", "parse_yaml"]

Path_ = tuple[Any, ...]


class Position(NamedTuple):
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class YamlProblem(NamedTuple):
    position: Position
    message: str


class YamlDocument(NamedTuple):
    """The data of one YAML file and the position of every value in it."""

    file: str
    data: Any
    positions: dict[Path_, Position]
    problems: tuple[YamlProblem, ...]
    key_positions: dict[Path_, Position] = {}

    def position(self, path: Path_) -> Position:
        """The position of the value at ``path``, or of its nearest ancestor that exists."""
        probe = tuple(path)
        while probe:
            found = self.positions.get(probe)
            if found is not None:
                return found
            probe = probe[:-1]
        return self.positions.get((), Position(self.file, 1, 1))

    def key_position(self, path: Path_) -> Position:
        """The position of the mapping key that ends ``path`` (else of the value)."""
        return self.key_positions.get(tuple(path)) or self.position(path)


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[Path_, Position] = {}
        self.key_positions: dict[Path_, Position] = {}
        self.problems: list[YamlProblem] = []
        self._constructor = SafeConstructor()

    def mark(self, node: Node) -> Position:
        return Position(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: Node, path: Path_) -> Any:
        self.positions.setdefault(path, self.mark(node))
        if isinstance(node, ScalarNode):
            return self._constructor.construct_object(node, deep=True)
        if isinstance(node, SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            self._constructor.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self._constructor.construct_object(key_node, deep=True)
                if isinstance(key, (list, dict)):
                    self.problems.append(YamlProblem(self.mark(key_node), "a mapping key must be a plain value"))
                    continue
                if key in out:
                    self.problems.append(YamlProblem(
                        self.mark(key_node), f"key {key!r} appears twice in this mapping; keep one"))
                    continue
                self.key_positions.setdefault((*path, key), self.mark(key_node))
                out[key] = self.build(value_node, (*path, key))
            return out
        return None  # pragma: no cover - the composer yields only the three node kinds


def parse_yaml(text: str, file: str) -> YamlDocument:
    """Parse one YAML document. Syntax errors become problems with their position (data is None)."""
    builder = _Builder(file)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Position(file, mark.line + 1, mark.column + 1) if mark else Position(file, 1, 1)
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "not valid YAML"
        return YamlDocument(file, None, {}, (YamlProblem(where, f"YAML syntax: {problem}"),))
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked YAML errors are rare
        return YamlDocument(file, None, {}, (YamlProblem(Position(file, 1, 1), f"YAML: {exc}"),))
    if node is None:
        return YamlDocument(file, None, {(): Position(file, 1, 1)}, ())
    data = builder.build(node, ())
    return YamlDocument(file, data, builder.positions, tuple(builder.problems), builder.key_positions)


def read_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Read and parse a YAML file; ``display`` is the name used in positions (default: the path)."""
    return parse_yaml(path.read_text(encoding="utf-8"), display or str(path))
