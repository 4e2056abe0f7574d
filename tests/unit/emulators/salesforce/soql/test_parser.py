"""The lexer and parser: every construct of the grammar, and Salesforce's syntax errors."""

from __future__ import annotations

import pytest

from emulators.salesforce.soql import SoqlError, parse
from emulators.salesforce.soql.lexer import TokenKind, tokenize
from emulators.salesforce.soql.syntax import (
    Aggregate,
    And,
    Comparison,
    FieldPath,
    Literal,
    LiteralKind,
    Not,
    Or,
    SemiJoin,
    SubQuery,
    TypeOf,
    ValueList,
)


def where(text: str):  # type: ignore[no-untyped-def]
    return parse(f"SELECT Id FROM Account WHERE {text}").where


def literal(text: str) -> Literal:
    cond = where(f"Name = {text}")
    assert isinstance(cond, Comparison) and isinstance(cond.value, Literal)
    return cond.value


def test_tokens_carry_kind_value_and_position() -> None:
    toks = tokenize("SELECT Name FROM Account WHERE X >= -1.5 AND D = 2024-01-31T10:00:00+01:00")
    assert [(t.kind, t.value, t.pos) for t in toks[6:]] == [
        (TokenKind.OP, ">=", 33),
        (TokenKind.OP, "-", 36),
        (TokenKind.NUMBER, "1.5", 37),
        (TokenKind.IDENT, "AND", 41),
        (TokenKind.IDENT, "D", 45),
        (TokenKind.OP, "=", 47),
        (TokenKind.DATETIME, "2024-01-31T10:00:00+01:00", 49),
        (TokenKind.EOF, "<EOF>", 74),
    ]


def test_keywords_are_case_insensitive_and_names_keep_their_spelling() -> None:
    q = parse("select NAME, account.OWNER.name from CONTACT c where NAME != null order by NAME desc nulls first limit 3 offset 2")
    assert q.sobject == "CONTACT" and q.alias == "c"
    assert q.select == (
        FieldPath(("NAME",), (7,)),
        FieldPath(("account", "OWNER", "name"), (13, 21, 27)),
    )
    assert (q.limit, q.offset) == (3, 2)
    (item,) = q.order_by
    assert (item.descending, item.nulls_first, item.expr) == (True, True, FieldPath(("NAME",), (75,)))


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("'it\\'s'", LiteralKind.STRING, "it's"),
        ("'a\\\\b'", LiteralKind.STRING, "a\\b"),
        ("'line\\nbreak\\t'", LiteralKind.STRING, "line\nbreak\t"),
        ("'\\u00e9t\\u00e9'", LiteralKind.STRING, "été"),
        ("'100\\%'", LiteralKind.STRING, "100\\%"),
        ("42", LiteralKind.NUMBER, 42),
        ("-42", LiteralKind.NUMBER, -42),
        ("+4.25", LiteralKind.NUMBER, 4.25),
        (".5", LiteralKind.NUMBER, 0.5),
        ("TRUE", LiteralKind.BOOLEAN, True),
        ("false", LiteralKind.BOOLEAN, False),
        ("null", LiteralKind.NULL, None),
        ("2024-01-31", LiteralKind.DATE, "2024-01-31"),
        ("2024-01-31T10:00:00Z", LiteralKind.DATETIME, "2024-01-31T10:00:00Z"),
        ("2024-01-31T10:00:00.123-08:00", LiteralKind.DATETIME, "2024-01-31T10:00:00.123-08:00"),
        ("2024-01-31T10:00:00+0100", LiteralKind.DATETIME, "2024-01-31T10:00:00+0100"),
        ("today", LiteralKind.DATE_LITERAL, "TODAY"),
        ("LAST_90_DAYS", LiteralKind.DATE_LITERAL, "LAST_90_DAYS"),
    ],
)
def test_literals(text: str, kind: LiteralKind, value: object) -> None:
    lit = literal(text)
    assert (lit.kind, lit.value) == (kind, value)


@pytest.mark.parametrize(("text", "name", "n"), [("LAST_N_DAYS:7", "LAST_N_DAYS", 7), ("n_days_ago : 3", "N_DAYS_AGO", 3),
                                                  ("NEXT_N_FISCAL_YEARS:2", "NEXT_N_FISCAL_YEARS", 2)])
def test_parameterised_date_literals(text: str, name: str, n: int) -> None:
    lit = literal(text)
    assert (lit.kind, lit.value, lit.n) == (LiteralKind.DATE_LITERAL, name, n)


def test_every_operator() -> None:
    ops = ["=", "!=", "<>", "<", ">", "<=", ">=", "LIKE"]
    got = [where(f"Name {op} 'x'").op for op in ops]  # type: ignore[union-attr]
    assert got == ["=", "!=", "!=", "<", ">", "<=", ">=", "LIKE"]
    cond = where("Name NOT IN ('a', 'b')")
    assert isinstance(cond, Comparison) and cond.op == "NOT IN" and isinstance(cond.value, ValueList)
    assert [v.value for v in cond.value.items] == ["a", "b"]
    assert where("Tags__c includes ('a;b', 'c')").op == "INCLUDES"  # type: ignore[union-attr]
    assert where("Tags__c EXCLUDES ('a')").op == "EXCLUDES"  # type: ignore[union-attr]


def test_boolean_structure_and_parentheses() -> None:
    cond = where("(A = 1 OR B = 2) AND NOT C = 3 AND D IN (SELECT AccountId FROM Contact)")
    assert isinstance(cond, And) and len(cond.operands) == 3
    first, second, third = cond.operands
    assert isinstance(first, Or) and len(first.operands) == 2
    assert isinstance(second, Not) and isinstance(second.operand, Comparison)
    assert isinstance(third, SemiJoin) and not third.negated and third.query.sobject == "Contact"
    anti = where("Id NOT IN (SELECT AccountId FROM Contact WHERE LastName = 'x')")
    assert isinstance(anti, SemiJoin) and anti.negated


def test_select_items_of_every_kind() -> None:
    q = parse(
        "SELECT Id, (SELECT LastName FROM Contacts WHERE LastName != null ORDER BY LastName LIMIT 2), "
        "TYPEOF What WHEN Account THEN Name, Industry WHEN Opportunity THEN Amount ELSE Name END, "
        "COUNT(Id) cnt, COUNT(), count_distinct(Name), MIN(Amount), MAX(Amount), SUM(Amount), AVG(Amount) "
        "FROM Task"
    )
    sub, typeof = q.select[1], q.select[2]
    assert isinstance(sub, SubQuery) and sub.query.sobject == "Contacts" and sub.query.limit == 2
    assert isinstance(typeof, TypeOf) and typeof.relationship.parts == ("What",)
    assert [(w.type_name, [f.text for f in w.fields]) for w in typeof.whens] == [
        ("Account", ["Name", "Industry"]),
        ("Opportunity", ["Amount"]),
    ]
    assert [f.text for f in typeof.else_fields] == ["Name"]
    aggs = q.select[3:]
    assert [(a.function, a.arg.text if a.arg else None, a.alias, a.text) for a in aggs] == [  # type: ignore[union-attr]
        ("COUNT", "Id", "cnt", "COUNT(Id)"),
        ("COUNT", None, None, "COUNT()"),
        ("COUNT_DISTINCT", "Name", None, "count_distinct(Name)"),
        ("MIN", "Amount", None, "MIN(Amount)"),
        ("MAX", "Amount", None, "MAX(Amount)"),
        ("SUM", "Amount", None, "SUM(Amount)"),
        ("AVG", "Amount", None, "AVG(Amount)"),
    ]
    assert all(isinstance(a, Aggregate) for a in aggs)


def test_trailing_clauses() -> None:
    q = parse(
        "SELECT Industry, COUNT(Id) FROM Account USING SCOPE Everything WHERE Name != null WITH SECURITY_ENFORCED "
        "GROUP BY ROLLUP(Industry) HAVING COUNT(Id) > 1 ORDER BY COUNT(Id) DESC LIMIT 10 OFFSET 1 FOR VIEW, REFERENCE"
    )
    assert q.using_scope == "Everything" and q.with_clause == "SECURITY_ENFORCED"
    assert q.group_by_kind == "ROLLUP" and [g.text for g in q.group_by] == ["Industry"]
    assert isinstance(q.having, Comparison) and isinstance(q.having.left, Aggregate)
    assert isinstance(q.order_by[0].expr, Aggregate) and q.order_by[0].descending
    assert q.for_clauses == ("VIEW", "REFERENCE")
    assert parse("SELECT Id FROM Account FOR UPDATE").for_clauses == ("UPDATE",)
    assert parse("SELECT Id FROM Account UPDATE TRACKING").sobject == "Account"


def test_object_names_that_are_words_of_the_language() -> None:
    assert parse("SELECT Id FROM Order ORDER BY Id").sobject == "Order"
    assert parse("SELECT Id, Type FROM Group").sobject == "Group"


def malformed(text: str) -> str:
    with pytest.raises(SoqlError) as info:
        parse(text)
    assert info.value.error_code == "MALFORMED_QUERY"
    return info.value.message


def test_unexpected_token_message_shape() -> None:
    assert malformed("SELECT Id FROM Account WHERE") == (
        "\nSELECT Id FROM Account WHERE\n                            ^\nERROR at Row:1:Column:29\nunexpected token: '<EOF>'"
    )
    # 'FROM' right after a comma reads as a field name, so the object name is the unexpected token
    assert malformed("SELECT Id, FROM Account") == (
        "\nSELECT Id, FROM Account\n                ^\nERROR at Row:1:Column:17\nunexpected token: 'Account'"
    )
    assert malformed("SELECT Id FROM Account LIMIT 'x'") == (
        "\nSELECT Id FROM Account LIMIT 'x'\n                             ^\nERROR at Row:1:Column:30\nunexpected token: ''x''"
    )


def test_mixing_and_or_without_parentheses_is_refused() -> None:
    assert malformed("SELECT Id FROM Account WHERE A = 1 AND B = 2 OR C = 3") == (
        "\nAccount WHERE A = 1 AND B = 2 OR C = 3\n                              ^\nERROR at Row:1:Column:46\nunexpected token: 'OR'"
    )


def test_errors_on_later_lines_count_rows_and_columns_per_line() -> None:
    assert malformed("SELECT Id\nFROM Account\nWHERE Name = ") == (
        "\nWHERE Name = \n             ^\nERROR at Row:3:Column:14\nunexpected token: '<EOF>'"
    )


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("SELECT FROM Account", "Account"),
        ("SELECT Id FROM Account WHERE Name = 'x' garbage", "garbage"),
        ("SELECT Id FROM Account WHERE Name == 'x'", "="),
        ("SELECT Id FROM Account WHERE Name = :bind", ":"),
        ("SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS", "<EOF>"),
        ("SELECT Id FROM Account WHERE CreatedDate = SOMEDAY", "SOMEDAY"),
        ("SELECT Id FROM Account ORDER BY", "<EOF>"),
        ("SELECT Id FROM Account LIMIT 1.5", "1.5"),
        ("SELECT CALENDAR_YEAR(CreatedDate) FROM Account", "("),
        ("SELECT Id FROM Account WHERE Name = 'x' AND", "<EOF>"),
        ("SELECT Id FROM Account WHERE Name LIKE", "<EOF>"),
        ("SELECT Id FROM Account WHERE Name = \"x\"", '"'),
        ("SELECT Id FROM Account WHERE Name = 12abc", "12abc"),
    ],
)
def test_unexpected_tokens(text: str, token: str) -> None:
    assert malformed(text).endswith(f"\nunexpected token: '{token}'")


def test_unterminated_string_and_bad_escape() -> None:
    assert malformed("SELECT Id FROM Account WHERE Name = 'abc").endswith("unexpected token: ''abc'")
    assert malformed("SELECT Id FROM Account WHERE Name = 'a\\qb'").endswith(
        "Invalid string literal 'a\\qb'. Illegal character sequence '\\q' in string literal."
    )
