"""Property checks with a seeded generator: the parser round-trips, and nothing but SoqlError escapes.

Queries are generated from the grammar over the sample org's names (valid and invalid ones mixed),
printed back from the parsed tree, and reparsed: the trees must match. Mutated queries (tokens
dropped, swapped or duplicated) must either run or raise :class:`SoqlError` — never another
exception — through the whole engine.
"""

from __future__ import annotations

import dataclasses
import random
from enum import Enum

import pytest

from emulators.salesforce.soql import SoqlError, parse
from emulators.salesforce.soql.lexer import tokenize
from emulators.salesforce.soql.syntax import (
    Aggregate,
    And,
    Comparison,
    FieldPath,
    FieldsMacro,
    Literal,
    LiteralKind,
    Not,
    Or,
    Query,
    SemiJoin,
    SubQuery,
    TypeOf,
    ValueList,
)

FIELDS = ["Id", "Name", "Industry", "AnnualRevenue", "NumberOfEmployees", "CreatedDate", "Owner.Name",
          "Owner.Manager.Name", "Tags__c", "Founded__c", "Active__c", "Nope", "Parent.Owner.IsActive"]  # fmt: skip
VALUES = ["'x'", "'it\\'s'", "42", "-1.5", "true", "null", "2024-01-31", "2024-01-31T10:00:00Z", "TODAY",
          "LAST_N_DAYS:3", "'001000000000001AAA'", "'Gold;Silver'"]  # fmt: skip
OPS = ["=", "!=", "<", ">", "<=", ">=", "LIKE"]


def gen_condition(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth < 2 and roll < 0.2:
        joiner = rng.choice([" AND ", " OR "])
        return "(" + joiner.join(gen_condition(rng, depth + 1) for _ in range(rng.randint(2, 3))) + ")"
    if depth < 2 and roll < 0.3:
        return "NOT " + gen_condition(rng, depth + 1)
    field = rng.choice(FIELDS)
    if roll < 0.4:
        values = ", ".join(rng.choice(VALUES) for _ in range(rng.randint(1, 3)))
        return f"{field} {rng.choice(['IN', 'NOT IN', 'INCLUDES', 'EXCLUDES'])} ({values})"
    if roll < 0.45:
        return f"Id {rng.choice(['IN', 'NOT IN'])} (SELECT AccountId FROM Contact WHERE {gen_condition(rng, 2)})"
    return f"{field} {rng.choice(OPS)} {rng.choice(VALUES)}"


def gen_query(rng: random.Random) -> str:
    items = rng.sample(FIELDS, rng.randint(1, 4))
    if rng.random() < 0.2:
        items.append("(SELECT LastName, Account.Name FROM Contacts ORDER BY LastName DESC LIMIT 2)")
    if rng.random() < 0.15:
        items = ["Industry", f"COUNT(Id) c{rng.randint(0, 9)}", "MAX(AnnualRevenue)"]
    text = f"SELECT {', '.join(items)} FROM Account"
    if rng.random() < 0.7:
        text += f" WHERE {gen_condition(rng)}"
    if "COUNT(" in text:
        text += " GROUP BY Industry"
        if rng.random() < 0.5:
            text += " HAVING COUNT(Id) > 0"
    elif rng.random() < 0.5:
        text += f" ORDER BY {rng.choice(FIELDS)} {rng.choice(['', 'ASC', 'DESC'])} {rng.choice(['', 'NULLS FIRST', 'NULLS LAST'])}"
    if rng.random() < 0.4:
        text += f" LIMIT {rng.randint(0, 5)}"
    if rng.random() < 0.2:
        text += f" OFFSET {rng.randint(0, 3)}"
    return text


def shape(node: object) -> object:
    """The tree without positions and source text, for comparing two parses."""
    if isinstance(node, Enum):
        return node.value
    if dataclasses.is_dataclass(node):
        skip = {"pos", "positions", "sobject_pos", "limit_pos", "offset_pos", "text", "raw", "op_pos", "type_pos"}
        return (type(node).__name__,) + tuple(
            (f.name, shape(getattr(node, f.name))) for f in dataclasses.fields(node) if f.name not in skip
        )
    if isinstance(node, tuple):
        return tuple(shape(x) for x in node)
    return node


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def print_literal(lit: Literal) -> str:
    if lit.kind is LiteralKind.STRING:
        return _quote(str(lit.value)).replace("\\\\%", "\\%").replace("\\\\_", "\\_")
    if lit.kind is LiteralKind.BOOLEAN:
        return "TRUE" if lit.value else "FALSE"
    if lit.kind is LiteralKind.NULL:
        return "NULL"
    if lit.kind is LiteralKind.DATE_LITERAL:
        return str(lit.value) + (f":{lit.n}" if lit.n is not None else "")
    return str(lit.value)


def print_operand(node: FieldPath | Aggregate) -> str:
    if isinstance(node, Aggregate):
        return f"{node.function}({node.arg.text if node.arg else ''})"
    return node.text


def print_condition(cond: object) -> str:
    if isinstance(cond, (And, Or)):
        joiner = " AND " if isinstance(cond, And) else " OR "
        return "(" + joiner.join(print_condition(c) for c in cond.operands) + ")"
    if isinstance(cond, Not):
        return "(NOT " + print_condition(cond.operand) + ")"
    if isinstance(cond, SemiJoin):
        return f"{cond.left.text} {'NOT IN' if cond.negated else 'IN'} ({print_query(cond.query)})"
    assert isinstance(cond, Comparison)
    if isinstance(cond.value, ValueList):
        value = "(" + ", ".join(print_literal(v) for v in cond.value.items) + ")"
    else:
        value = print_literal(cond.value)
    return f"{print_operand(cond.left)} {cond.op} {value}"


def print_query(q: Query) -> str:
    items = []
    for item in q.select:
        if isinstance(item, FieldPath):
            items.append(item.text)
        elif isinstance(item, Aggregate):
            items.append(print_operand(item) + (f" {item.alias}" if item.alias else ""))
        elif isinstance(item, SubQuery):
            items.append(f"({print_query(item.query)})")
        elif isinstance(item, FieldsMacro):
            items.append(f"FIELDS({item.kind})")
        elif isinstance(item, TypeOf):
            whens = " ".join(f"WHEN {w.type_name} THEN {', '.join(f.text for f in w.fields)}" for w in item.whens)
            tail = f" ELSE {', '.join(f.text for f in item.else_fields)}" if item.else_fields else ""
            items.append(f"TYPEOF {item.relationship.text} {whens}{tail} END")
    text = f"SELECT {', '.join(items)} FROM {q.sobject}" + (f" {q.alias}" if q.alias else "")
    if q.where is not None:
        text += " WHERE " + print_condition(q.where)
    if q.group_by:
        text += " GROUP BY " + ", ".join(g.text for g in q.group_by)
    if q.having is not None:
        text += " HAVING " + print_condition(q.having)
    if q.order_by:
        text += " ORDER BY " + ", ".join(
            print_operand(o.expr) + (" DESC" if o.descending else " ASC")
            + ("" if o.nulls_first is None else (" NULLS FIRST" if o.nulls_first else " NULLS LAST"))
            for o in q.order_by
        )
    if q.limit is not None:
        text += f" LIMIT {q.limit}"
    if q.offset is not None:
        text += f" OFFSET {q.offset}"
    return text


@pytest.mark.parametrize("seed", range(8))
def test_printed_queries_parse_back_to_the_same_tree(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(60):
        first = parse(gen_query(rng))
        again = parse(print_query(first))
        assert shape(again) == shape(first)


def mutate(rng: random.Random, text: str) -> str:
    toks = [t.raw for t in tokenize(text)[:-1]]
    for _ in range(rng.randint(1, 3)):
        k = rng.randrange(len(toks))
        action = rng.random()
        if action < 0.4:
            del toks[k]
        elif action < 0.7:
            j = rng.randrange(len(toks))
            toks[k], toks[j] = toks[j], toks[k]
        else:
            toks.insert(k, toks[k])
        if not toks:
            break
    return " ".join(toks)


@pytest.mark.parametrize("seed", range(8))
def test_generated_and_mutated_queries_run_or_raise_soql_errors_only(org, seed: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(1000 + seed)
    engine = org.engine()
    outcomes = {"ran": 0, "refused": 0}
    for _ in range(60):
        text = gen_query(rng)
        for candidate in (text, mutate(rng, text)):
            try:
                engine.open(candidate)
                outcomes["ran"] += 1
            except SoqlError as exc:
                assert exc.error_code and exc.message
                outcomes["refused"] += 1
    assert outcomes["ran"] > 0 and outcomes["refused"] > 0
