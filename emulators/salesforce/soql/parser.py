"""Recursive-descent SOQL parser: tokens → :class:`~emulators.salesforce.soql.syntax.Query`.

One method per grammar rule (the grammar is in the package docstring). Keywords are matched
case-insensitively and only where the grammar expects them, so object and field names that are
also words of the language (``Order``, ``Group``, ``Type``) still work. Any token the grammar does
not allow raises ``MALFORMED_QUERY`` / ``unexpected token: 'X'`` at that token, as Salesforce does;
mixing AND and OR without parentheses is refused the same way.
"""

from __future__ import annotations

from emulators.salesforce.soql.errors import ErrorCode, Messages, SoqlError, located_message
from emulators.salesforce.soql.lexer import Token, TokenKind, tokenize
from emulators.salesforce.soql.vocabulary import (
    AGGREGATE_FUNCTIONS,
    DATE_LITERALS,
    DATE_LITERALS_N,
    AggregateFunction,
    Operator,
)
from emulators.salesforce.soql.syntax import (
    Aggregate,
    And,
    Comparison,
    Condition,
    FieldPath,
    FieldsMacro,
    Literal,
    LiteralKind,
    Not,
    Or,
    OrderItem,
    Query,
    SelectItem,
    SemiJoin,
    SubQuery,
    TypeOf,
    TypeOfWhen,
    ValueList,
)

__all__ = ["parse"]

_CLAUSE_WORDS = frozenset({"WHERE", "WITH", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "FOR", "USING", "UPDATE"})
_COMPARISON_OPS = {"=": Operator.EQ, "!=": Operator.NE, "<>": Operator.NE, "<": Operator.LT, ">": Operator.GT,
                   "<=": Operator.LE, ">=": Operator.GE}


def parse(text: str) -> Query:
    """Parse one SOQL statement; raises :class:`SoqlError` (``MALFORMED_QUERY``) on bad syntax."""
    parser = _Parser(text)
    query = parser.query()
    parser.expect_eof()
    return query


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    # -- token helpers -------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        if tok.kind is not TokenKind.EOF:
            self.i += 1
        return tok

    def unexpected(self, tok: Token | None = None) -> SoqlError:
        tok = tok or self.tok
        shown = "<EOF>" if tok.kind is TokenKind.EOF else tok.raw
        message = Messages.unexpected_token(shown)
        return SoqlError(ErrorCode.MALFORMED_QUERY, located_message(self.text, tok.pos, message))

    def word(self, *words: str) -> Token:
        if not self.tok.is_word(*words):
            raise self.unexpected()
        return self.advance()

    def accept_word(self, *words: str) -> Token | None:
        return self.advance() if self.tok.is_word(*words) else None

    def op(self, *ops: str) -> Token:
        if not self.tok.is_op(*ops):
            raise self.unexpected()
        return self.advance()

    def accept_op(self, *ops: str) -> Token | None:
        return self.advance() if self.tok.is_op(*ops) else None

    def ident(self) -> Token:
        if self.tok.kind is not TokenKind.IDENT:
            raise self.unexpected()
        return self.advance()

    def expect_eof(self) -> None:
        if self.tok.kind is not TokenKind.EOF:
            raise self.unexpected()

    # -- query ---------------------------------------------------------------------------------
    def query(self) -> Query:
        start = self.word("SELECT")
        select = self.select_list()
        self.word("FROM")
        sobject = self.ident()
        alias = None
        if self.tok.kind is TokenKind.IDENT and self.tok.value.upper() not in _CLAUSE_WORDS:
            alias = self.advance().value
        using_scope = None
        if self.accept_word("USING"):
            self.word("SCOPE")
            using_scope = self.ident().value
        where = self.condition() if self.accept_word("WHERE") else None
        with_clause = None
        if self.accept_word("WITH"):
            with_clause = self.ident().value.upper()
        group_by: tuple[FieldPath, ...] = ()
        group_kind = None
        having = None
        if self.accept_word("GROUP"):
            self.word("BY")
            if self.tok.is_word("ROLLUP", "CUBE") and self.peek().is_op("("):
                group_kind = self.advance().value.upper()
                self.op("(")
                group_by = self.path_list()
                self.op(")")
            else:
                group_by = self.path_list()
            if self.accept_word("HAVING"):
                having = self.condition()
        order_by: tuple[OrderItem, ...] = ()
        if self.accept_word("ORDER"):
            self.word("BY")
            items = [self.order_item()]
            while self.accept_op(","):
                items.append(self.order_item())
            order_by = tuple(items)
        limit = offset = None
        limit_pos = offset_pos = -1
        if self.tok.is_word("LIMIT"):
            limit_pos = self.advance().pos
            limit = self.integer()
        if self.tok.is_word("OFFSET"):
            offset_pos = self.advance().pos
            offset = self.integer()
        for_clauses: list[str] = []
        if self.accept_word("FOR"):
            for_clauses.append(self.word("VIEW", "REFERENCE", "UPDATE").value.upper())
            while self.accept_op(","):
                for_clauses.append(self.word("VIEW", "REFERENCE", "UPDATE").value.upper())
        if self.accept_word("UPDATE"):
            self.word("TRACKING", "VIEWSTAT")
        return Query(
            select=select,
            sobject=sobject.value,
            sobject_pos=sobject.pos,
            alias=alias,
            where=where,
            with_clause=with_clause,
            group_by=group_by,
            group_by_kind=group_kind,
            having=having,
            order_by=order_by,
            limit=limit,
            limit_pos=limit_pos,
            offset=offset,
            offset_pos=offset_pos,
            for_clauses=tuple(for_clauses),
            using_scope=using_scope,
            text=self.text,
            pos=start.pos,
        )

    def integer(self) -> int:
        tok = self.tok
        if tok.kind is not TokenKind.NUMBER or not tok.value.isdigit():
            raise self.unexpected()
        self.advance()
        return int(tok.value)

    # -- SELECT list ---------------------------------------------------------------------------
    def select_list(self) -> tuple[SelectItem, ...]:
        items = [self.select_item()]
        while self.accept_op(","):
            items.append(self.select_item())
        return tuple(items)

    def select_item(self) -> SelectItem:
        tok = self.tok
        if tok.is_op("("):
            self.advance()
            if not self.tok.is_word("SELECT"):
                raise self.unexpected()
            sub = self.query()
            self.op(")")
            return SubQuery(sub, tok.pos)
        if tok.is_word("TYPEOF") and self.peek().kind is TokenKind.IDENT:
            return self.typeof()
        if tok.is_word("FIELDS") and self.peek().is_op("("):
            self.advance()
            self.advance()
            kind = self.word("ALL", "STANDARD", "CUSTOM").value.upper()
            self.op(")")
            return FieldsMacro(kind, tok.pos)
        if tok.kind is TokenKind.IDENT and self.peek().is_op("("):
            agg = self.aggregate()
            if self.tok.kind is TokenKind.IDENT and not self.tok.is_word("FROM"):
                alias = self.advance().value
                agg = Aggregate(agg.function, agg.arg, alias, agg.pos, agg.text)
            return agg
        return self.path()

    def aggregate(self) -> Aggregate:
        name = self.ident()
        if name.value.upper() not in AGGREGATE_FUNCTIONS:
            raise self.unexpected(self.tok)
        function = AggregateFunction(name.value.upper())
        self.op("(")
        arg = None
        if function is AggregateFunction.COUNT and self.tok.is_op(")"):
            pass
        else:
            arg = self.path()
        close = self.op(")")
        return Aggregate(function, arg, None, name.pos, self.text[name.pos : close.pos + 1])

    def typeof(self) -> TypeOf:
        start = self.word("TYPEOF")
        relationship = self.path()
        whens: list[TypeOfWhen] = []
        while self.accept_word("WHEN"):
            type_tok = self.ident()
            self.word("THEN")
            whens.append(TypeOfWhen(type_tok.value, type_tok.pos, self.path_list()))
        if not whens:
            raise self.unexpected()
        else_fields: tuple[FieldPath, ...] = ()
        if self.accept_word("ELSE"):
            else_fields = self.path_list()
        self.word("END")
        return TypeOf(relationship, tuple(whens), else_fields, start.pos)

    def path(self) -> FieldPath:
        first = self.ident()
        parts, positions = [first.value], [first.pos]
        while self.tok.is_op("."):
            self.advance()
            nxt = self.ident()
            parts.append(nxt.value)
            positions.append(nxt.pos)
        return FieldPath(tuple(parts), tuple(positions))

    def path_list(self) -> tuple[FieldPath, ...]:
        items = [self.path()]
        while self.accept_op(","):
            items.append(self.path())
        return tuple(items)

    def order_item(self) -> OrderItem:
        tok = self.tok
        expr: FieldPath | Aggregate
        if tok.kind is TokenKind.IDENT and self.peek().is_op("("):
            expr = self.aggregate()
        else:
            expr = self.path()
        descending = False
        if self.accept_word("DESC"):
            descending = True
        else:
            self.accept_word("ASC")
        nulls_first = None
        if self.accept_word("NULLS"):
            nulls_first = self.word("FIRST", "LAST").value.upper() == "FIRST"
        return OrderItem(expr, descending, nulls_first, tok.pos)

    # -- conditions ----------------------------------------------------------------------------
    def condition(self) -> Condition:
        first = self.unary()
        if self.tok.is_word("AND", "OR"):
            joiner = self.tok.value.upper()
            operands = [first]
            while self.tok.is_word("AND", "OR"):
                if self.tok.value.upper() != joiner:
                    raise self.unexpected()
                self.advance()
                operands.append(self.unary())
            node = And if joiner == "AND" else Or
            return node(tuple(operands), _cond_pos(first))
        return first

    def unary(self) -> Condition:
        tok = self.tok
        if tok.is_word("NOT"):
            self.advance()
            return Not(self.unary(), tok.pos)
        if tok.is_op("("):
            self.advance()
            inner = self.condition()
            self.op(")")
            return inner
        return self.comparison()

    def comparison(self) -> Condition:
        start = self.tok
        left: FieldPath | Aggregate
        if start.kind is TokenKind.IDENT and self.peek().is_op("("):
            left = self.aggregate()
        else:
            left = self.path()
        op_tok = self.tok
        if op_tok.kind is TokenKind.OP and op_tok.value in _COMPARISON_OPS:
            self.advance()
            return Comparison(left, _COMPARISON_OPS[op_tok.value], self.value(), start.pos, op_tok.pos)
        if op_tok.is_word("LIKE"):
            self.advance()
            return Comparison(left, Operator.LIKE, self.value(), start.pos, op_tok.pos)
        negated = False
        if op_tok.is_word("NOT") and self.peek().is_word("IN"):
            self.advance()
            negated = True
        if self.tok.is_word("IN"):
            self.advance()
            if self.tok.is_op("(") and self.peek().is_word("SELECT"):
                if not isinstance(left, FieldPath):
                    raise self.unexpected(self.peek())
                self.advance()
                sub = self.query()
                self.op(")")
                return SemiJoin(left, negated, sub, start.pos)
            op = Operator.NOT_IN if negated else Operator.IN
            return Comparison(left, op, self.value_list(), start.pos, op_tok.pos)
        if op_tok.is_word("INCLUDES", "EXCLUDES"):
            self.advance()
            return Comparison(left, Operator(op_tok.value.upper()), self.value_list(), start.pos, op_tok.pos)
        raise self.unexpected()

    def value_list(self) -> ValueList:
        open_tok = self.op("(")
        items = [self.value()]
        while self.accept_op(","):
            items.append(self.value())
        self.op(")")
        return ValueList(tuple(items), open_tok.pos)

    def value(self) -> Literal:
        tok = self.tok
        kind = tok.kind
        if kind is TokenKind.STRING:
            self.advance()
            return Literal(LiteralKind.STRING, tok.value, tok.raw, tok.pos)
        if kind is TokenKind.NUMBER or (tok.is_op("+", "-") and self.peek().kind is TokenKind.NUMBER):
            sign = ""
            if kind is TokenKind.OP:
                sign = self.advance().value
            num = self.advance()
            text = (sign if sign == "-" else "") + num.value
            number: int | float = float(text) if "." in num.value else int(text)
            return Literal(LiteralKind.NUMBER, number, self.text[tok.pos : num.pos + len(num.raw)], tok.pos)
        if kind is TokenKind.DATE:
            self.advance()
            return Literal(LiteralKind.DATE, tok.value, tok.raw, tok.pos)
        if kind is TokenKind.DATETIME:
            self.advance()
            return Literal(LiteralKind.DATETIME, tok.value, tok.raw, tok.pos)
        if kind is TokenKind.IDENT:
            upper = tok.value.upper()
            if upper in ("TRUE", "FALSE"):
                self.advance()
                return Literal(LiteralKind.BOOLEAN, upper == "TRUE", tok.raw, tok.pos)
            if upper == "NULL":
                self.advance()
                return Literal(LiteralKind.NULL, None, tok.raw, tok.pos)
            if upper in DATE_LITERALS:
                self.advance()
                return Literal(LiteralKind.DATE_LITERAL, upper, tok.raw, tok.pos)
            if upper in DATE_LITERALS_N:
                self.advance()
                self.op(":")
                n = self.integer()
                last = self.tokens[self.i - 1]
                raw = self.text[tok.pos : last.pos + len(last.raw)]
                return Literal(LiteralKind.DATE_LITERAL, upper, raw, tok.pos, n)
        raise self.unexpected()


def _cond_pos(cond: Condition) -> int:
    return cond.pos
