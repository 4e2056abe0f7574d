"""YAML is read with the position of every value; repeated keys and syntax errors are located."""

from __future__ import annotations

from control.mapping.yaml_source import Position, parse_yaml

TEXT = """\
version: 1
objects:
  - source: clients
    routes:
      - {name: a, target: Account}
base: &base {x: 1}
merged:
  <<: *base
  y: 2
"""


def test_positions_of_values_and_keys() -> None:
    doc = parse_yaml(TEXT, "m.yml")
    assert doc.problems == ()
    assert doc.position(("objects", 0, "source")) == Position("m.yml", 3, 13)
    assert doc.position(("objects", 0, "routes", 0, "target")) == Position("m.yml", 5, 27)
    assert doc.key_position(("objects", 0, "routes", 0, "target")) == Position("m.yml", 5, 19)
    # a path that does not exist points at its nearest ancestor
    assert doc.position(("objects", 0, "routes", 0, "fields", 3)) == Position("m.yml", 5, 9)


def test_merge_keys_and_aliases_are_resolved() -> None:
    doc = parse_yaml(TEXT, "m.yml")
    assert doc.data["merged"] == {"x": 1, "y": 2}
    assert doc.data["base"] == {"x": 1}


def test_a_repeated_key_is_a_located_problem_and_the_first_value_is_kept() -> None:
    doc = parse_yaml("a: 1\nb:\n  c: 2\n  c: 3\n", "d.yml")
    assert [(str(p.position), p.message) for p in doc.problems] == [
        ("d.yml:4:3", "key 'c' appears twice in this mapping; keep one")]
    assert doc.data == {"a": 1, "b": {"c": 2}}


def test_syntax_error_has_its_position_and_no_data() -> None:
    doc = parse_yaml("a: [1, 2\nb: 3\n", "s.yml")
    assert doc.data is None
    assert len(doc.problems) == 1
    assert doc.problems[0].position.file == "s.yml"
    assert doc.problems[0].position.line == 2
    assert doc.problems[0].message.startswith("YAML syntax:")


def test_empty_document() -> None:
    doc = parse_yaml("# nothing\n", "e.yml")
    assert doc.data is None and doc.problems == ()
