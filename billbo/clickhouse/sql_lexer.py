"""A small ClickHouse SQL lexer: enough to split statements and find INSERT data and FORMAT clauses.

It understands quoted strings (with backslash escapes and doubled quotes), quoted identifiers,
``--`` / ``#`` line comments and nested ``/* */`` block comments, so semicolons or keywords inside
them are never mistaken for structure. Offsets are character offsets into the scanned text; scan
bytes decoded as latin-1 to get byte offsets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

TokenKind = Literal["word", "string", "ident", "punct", "semicolon"]


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    start: int
    end: int
    text: str

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


class IncompleteInput(Exception):
    """The text ends inside a string, quoted identifier or comment."""


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$.")


def tokens(text: str) -> Iterator[Token]:
    """Yield the tokens of ``text``, skipping whitespace and comments."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif (ch == "-" and text.startswith("--", i)) or ch == "#":
            newline = text.find("\n", i)
            i = n if newline < 0 else newline + 1
        elif ch == "/" and text.startswith("/*", i):
            i = _skip_block_comment(text, i)
        elif ch in "'\"`":
            end = _skip_quoted(text, i, ch)
            yield Token("string" if ch == "'" else "ident", i, end, text[i:end])
            i = end
        elif ch == ";":
            yield Token("semicolon", i, i + 1, ";")
            i += 1
        elif ch in _WORD_CHARS:
            j = i + 1
            while j < n and text[j] in _WORD_CHARS:
                j += 1
            yield Token("word", i, j, text[i:j])
            i = j
        else:
            yield Token("punct", i, i + 1, ch)
            i += 1


def _skip_block_comment(text: str, i: int) -> int:
    depth, n = 0, len(text)
    while i < n:
        if text.startswith("/*", i):
            depth += 1
            i += 2
        elif text.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    raise IncompleteInput("unterminated comment")


def _skip_quoted(text: str, i: int, quote: str) -> int:
    j, n = i + 1, len(text)
    while j < n:
        ch = text[j]
        if ch == "\\":
            j += 2
        elif ch == quote:
            if j + 1 < n and text[j + 1] == quote:  # doubled quote
                j += 2
            else:
                return j + 1
        else:
            j += 1
    raise IncompleteInput("unterminated quoted text")


def split_statements(text: str) -> list[str]:
    """Split a script into its statements, dropping empty ones and the separating semicolons."""
    statements, start = [], 0
    for token in tokens(text):
        if token.kind == "semicolon":
            statements.append(text[start : token.start])
            start = token.end
    statements.append(text[start:])
    return [s.strip() for s in statements if any(True for _ in tokens(s))]


@dataclass(frozen=True, slots=True)
class InsertHead:
    """An ``INSERT ... FORMAT <fmt>`` statement whose data follows at ``data_start``."""

    statement: str  # the INSERT without its FORMAT clause, as chDB's send_insert wants it
    format: str
    data_start: int


def find_insert_data(text: str, *, complete: bool = False) -> InsertHead | None:
    """If ``text`` starts with ``INSERT ... FORMAT <fmt>``, where the data begins.

    Returns None when the text is not such an INSERT (a SELECT, ``INSERT ... VALUES``,
    ``INSERT ... SELECT``): then the whole text is one SQL statement. Raises IncompleteInput
    when the text ends before that can be told, unless ``complete`` says no more text follows.
    """
    stream = tokens(text)
    first = next(stream, None)
    if first is None:
        raise IncompleteInput("empty")
    if not first.is_word("INSERT"):
        return None
    depth = 0
    for token in stream:
        if token.kind == "punct" and token.text == "(":
            depth += 1
        elif token.kind == "punct" and token.text == ")":
            depth -= 1
        elif depth == 0 and token.is_word("VALUES", "SELECT", "WITH", "FROM", "INFILE"):
            return None
        elif depth == 0 and token.is_word("FORMAT"):
            fmt = next(stream, None)
            if fmt is None or (fmt.end == len(text) and not complete):
                raise IncompleteInput("format name may continue")
            if fmt.kind != "word":
                return None
            return InsertHead(text[: token.start].strip(), fmt.text, _data_start(text, fmt.end))
        elif token.kind == "semicolon":
            return None
    if complete:
        return None
    raise IncompleteInput("no FORMAT clause yet")


def _data_start(text: str, i: int) -> int:
    """ClickHouse's rule: after the format name skip blanks, then at most one line break."""
    n = len(text)
    while i < n and text[i] in " \t\f":
        i += 1
    if i < n and text[i] == "\r":
        i += 1
    if i < n and text[i] == "\n":
        i += 1
    return i


def output_format(text: str) -> str | None:
    """The format named by a statement's own ``FORMAT <fmt>`` clause, if it has one."""
    toks = [t for t in tokens(text) if t.kind != "semicolon"]
    depth = 0
    found = None
    for index, token in enumerate(toks):
        if token.kind == "punct" and token.text == "(":
            depth += 1
        elif token.kind == "punct" and token.text == ")":
            depth -= 1
        elif depth == 0 and token.is_word("FORMAT") and index + 1 < len(toks):
            name = toks[index + 1]
            after = toks[index + 2] if index + 2 < len(toks) else None
            if name.kind == "word" and (after is None or after.is_word("SETTINGS")):
                found = name.text
    return found
