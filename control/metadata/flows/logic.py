"""A workflow's ``condition_logic``, parsed and rendered as a Salesforce formula.

``condition_logic`` is ``all``, ``any``, or an expression over condition indexes with ``AND``, ``OR``,
``NOT`` and parentheses (``1 AND (2 OR 3)``). Grammar (usual precedence NOT > AND > OR)::

    expr   := term ("OR" term)*
    term   := factor ("AND" factor)*
    factor := "NOT" factor | "(" expr ")" | INDEX

:func:`render` turns the tree into ``AND(…)``/``OR(…)``/``NOT(…)`` given each condition's formula.
A malformed expression raises :class:`LogicError` with the position, which the translator reports.
"""

from __future__ import annotations

import re
from typing import Mapping, NamedTuple, Sequence, Union

__all__ = ["LogicError", "Index", "Op", "Node", "parse_logic", "render", "indexes"]

_TOKEN = re.compile(r"\s*(?:(\d+)|(AND|OR|NOT)\b|(\()|(\)))", re.IGNORECASE)


class LogicError(ValueError):
    pass


class Index(NamedTuple):
    value: int


class Op(NamedTuple):
    name: str  # AND, OR, NOT
    args: tuple["Node", ...]


Node = Union[Index, Op]


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            raise LogicError(f"unexpected {text[pos:].strip()[:10]!r} at position {pos + 1}")
        out.append(next(g for g in match.groups() if g).upper())
        pos = match.end()
    return out


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise LogicError("the expression ends too early")
        self.pos += 1
        return token

    def expr(self) -> Node:
        args = [self.term()]
        while self.peek() == "OR":
            self.take()
            args.append(self.term())
        return args[0] if len(args) == 1 else Op("OR", tuple(args))

    def term(self) -> Node:
        args = [self.factor()]
        while self.peek() == "AND":
            self.take()
            args.append(self.factor())
        return args[0] if len(args) == 1 else Op("AND", tuple(args))

    def factor(self) -> Node:
        token = self.take()
        if token == "NOT":
            return Op("NOT", (self.factor(),))
        if token == "(":
            node = self.expr()
            if self.peek() != ")":
                raise LogicError("a parenthesis is not closed")
            self.take()
            return node
        if token.isdigit():
            return Index(int(token))
        raise LogicError(f"unexpected {token!r}")


def parse_logic(logic: str | None, available: Sequence[int]) -> Node | None:
    """The tree for ``logic`` over conditions ``available`` (``None`` when there are no conditions)."""
    if not available:
        return None
    text = (logic or "all").strip()
    if text.lower() in ("all", "any"):
        nodes = tuple(Index(i) for i in available)
        return nodes[0] if len(nodes) == 1 else Op("AND" if text.lower() == "all" else "OR", nodes)
    parser = _Parser(_tokens(text))
    node = parser.expr()
    if parser.peek() is not None:
        raise LogicError(f"unexpected {parser.peek()!r} after a complete expression")
    unknown = sorted(set(indexes(node)) - set(available))
    if unknown:
        raise LogicError(f"it names condition(s) {', '.join(map(str, unknown))} that do not exist")
    return node


def indexes(node: Node) -> list[int]:
    if isinstance(node, Index):
        return [node.value]
    return [i for arg in node.args for i in indexes(arg)]


def render(node: Node, formulas: Mapping[int, str]) -> str:
    """The formula for ``node`` with each index replaced by its condition's formula."""
    if isinstance(node, Index):
        return formulas[node.value]
    inner = ", ".join(render(arg, formulas) for arg in node.args)
    return f"{node.name}({inner})"
