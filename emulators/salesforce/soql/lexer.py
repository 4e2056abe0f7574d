"""The SOQL lexer: query text → a tuple of :class:`Token`.

A hand-written scanner (one pass, no regular expressions). Token kinds:

* ``IDENT``    a word: names, keywords (the parser decides which, case-insensitively), date literals
* ``STRING``   ``'…'`` with Salesforce's escapes ``\\' \\" \\\\ \\n \\r \\t \\b \\f \\u…`` (``\\%`` and ``\\_`` are kept
               as written, since only LIKE gives them meaning; :attr:`Token.raw` has the source text)
* ``NUMBER``   ``12``, ``1.5``, ``.5`` (signs are operators; the parser folds them into the literal)
* ``DATE``     ``2024-01-31``; ``DATETIME`` ``2024-01-31T10:00:00Z`` / ``…+01:00`` / ``…-0800`` / ``….123Z``
* ``OP``       ``= != <> < > <= >= ( ) , . : + -``
* ``EOF``      the end of the text (its ``pos`` is the text length)

Positions are character offsets into the text; errors turn them into Salesforce's Row/Column form.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from emulators.salesforce.soql.errors import ErrorCode, Messages, SoqlError, located_message

__all__ = ["TokenKind", "Token", "tokenize"]


class TokenKind(StrEnum):
    IDENT = "IDENT"
    STRING = "STRING"
    NUMBER = "NUMBER"
    DATE = "DATE"
    DATETIME = "DATETIME"
    OP = "OP"
    EOF = "EOF"


class Token(NamedTuple):
    kind: TokenKind
    value: str  # decoded text (strings unescaped, except \% and \_)
    pos: int
    raw: str  # the source text of the token

    def is_word(self, *words: str) -> bool:
        return self.kind is TokenKind.IDENT and self.value.upper() in words

    def is_op(self, *ops: str) -> bool:
        return self.kind is TokenKind.OP and self.value in ops


_TWO_CHAR_OPS = frozenset({"!=", "<>", "<=", ">="})
_ONE_CHAR_OPS = frozenset("=<>(),.:+-")
_ESCAPES = {"'": "'", '"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


def _error(text: str, pos: int, message: str) -> SoqlError:
    return SoqlError(ErrorCode.MALFORMED_QUERY, located_message(text, pos, message))


def _digits(text: str, i: int, count: int) -> bool:
    return i + count <= len(text) and text[i : i + count].isdigit() and text[i : i + count].isascii()


def _scan_string(text: str, start: int) -> tuple[str, int]:
    out: list[str] = []
    i, n = start + 1, len(text)
    while i < n:
        c = text[i]
        if c == "'":
            return "".join(out), i + 1
        if c == "\\":
            if i + 1 >= n:
                break
            e = text[i + 1]
            if e in _ESCAPES:
                out.append(_ESCAPES[e])
                i += 2
            elif e in "%_":
                out.append("\\" + e)
                i += 2
            elif e == "u" and i + 6 <= n and all(h in "0123456789abcdefABCDEF" for h in text[i + 2 : i + 6]):
                out.append(chr(int(text[i + 2 : i + 6], 16)))
                i += 6
            else:
                literal = text[start : text.find("'", i + 1) + 1] if text.find("'", i + 1) > 0 else text[start:]
                raise _error(
                    text,
                    start,
                    f"Invalid string literal '{literal[1:-1]}'. Illegal character sequence '\\{e}' in string literal.",
                )
            continue
        out.append(c)
        i += 1
    raise _error(text, start, Messages.unexpected_token(text[start:].split()[0] if text[start:].strip() else "'"))


def _scan_datetime_tail(text: str, i: int) -> int | None:
    """After ``YYYY-MM-DD`` at ``i``: the end of ``THH:MM:SS[.fff](Z|±HH:MM|±HHMM)``, or None if absent."""
    n = len(text)
    if not (i < n and text[i] in "Tt" and _digits(text, i + 1, 2) and text[i + 3 : i + 4] == ":"):
        return None
    if not (_digits(text, i + 4, 2) and text[i + 6 : i + 7] == ":" and _digits(text, i + 7, 2)):
        return None
    j = i + 9
    if j < n and text[j] == ".":
        k = j + 1
        while k < n and text[k].isdigit():
            k += 1
        if k == j + 1:
            return None
        j = k
    if j < n and text[j] in "Zz":
        return j + 1
    if j < n and text[j] in "+-" and _digits(text, j + 1, 2):
        if text[j + 3 : j + 4] == ":" and _digits(text, j + 4, 2):
            return j + 6
        if _digits(text, j + 3, 2):
            return j + 5
    return None


def tokenize(text: str) -> tuple[Token, ...]:
    tokens: list[Token] = []
    append = tokens.append
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        start = i
        if c == "'":
            value, i = _scan_string(text, start)
            append(Token(TokenKind.STRING, value, start, text[start:i]))
        elif c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
            if _digits(text, i, 4) and text[i + 4 : i + 5] == "-" and _digits(text, i + 5, 2) and (
                text[i + 7 : i + 8] == "-" and _digits(text, i + 8, 2)
            ):
                end = _scan_datetime_tail(text, i + 10)
                if end is None:
                    if i + 10 < n and (text[i + 10].isalnum() or text[i + 10] == "_"):
                        raise _error(text, start, Messages.unexpected_token(_word_at(text, start)))
                    append(Token(TokenKind.DATE, text[i : i + 10], start, text[i : i + 10]))
                    i += 10
                else:
                    append(Token(TokenKind.DATETIME, text[i:end], start, text[i:end]))
                    i = end
                continue
            while i < n and text[i].isdigit():
                i += 1
            if i < n and text[i] == "." and i + 1 < n and text[i + 1].isdigit():
                i += 1
                while i < n and text[i].isdigit():
                    i += 1
            elif i < n and text[i] == "." and c != ".":
                i += 1
            if i < n and (text[i].isalpha() or text[i] == "_"):
                raise _error(text, start, Messages.unexpected_token(_word_at(text, start)))
            append(Token(TokenKind.NUMBER, text[start:i], start, text[start:i]))
        elif c.isalpha() or c == "_":
            while i < n and (text[i].isalnum() or text[i] == "_"):
                i += 1
            append(Token(TokenKind.IDENT, text[start:i], start, text[start:i]))
        elif text[i : i + 2] in _TWO_CHAR_OPS:
            append(Token(TokenKind.OP, text[i : i + 2], start, text[i : i + 2]))
            i += 2
        elif c in _ONE_CHAR_OPS:
            append(Token(TokenKind.OP, c, start, c))
            i += 1
        else:
            raise _error(text, start, Messages.unexpected_token(c))
    tokens.append(Token(TokenKind.EOF, "<EOF>", n, ""))
    return tuple(tokens)


def _word_at(text: str, start: int) -> str:
    i = start
    while i < len(text) and not text[i].isspace() and text[i] not in "(),=<>!'":
        i += 1
    return text[start:i]
