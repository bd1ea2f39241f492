from __future__ import annotations

import pytest

from billbo.clickhouse.sql_lexer import IncompleteInput, find_insert_data, output_format, split_statements


def test_split_statements_ignores_semicolons_in_strings_and_comments() -> None:
    script = """
        -- a comment; with a semicolon
        CREATE TABLE a (s String DEFAULT ';') ENGINE = Memory;
        /* block; /* nested; */ still comment; */
        INSERT INTO a VALUES ('it''s; fine'), ('back\\'; slash');
        SELECT `odd;name` FROM a;;
    """
    assert split_statements(script) == [
        "-- a comment; with a semicolon\n        CREATE TABLE a (s String DEFAULT ';') ENGINE = Memory",
        "/* block; /* nested; */ still comment; */\n        INSERT INTO a VALUES ('it''s; fine'), ('back\\'; slash')",
        "SELECT `odd;name` FROM a",
    ]


def test_split_statements_drops_comment_only_pieces() -> None:
    assert split_statements("SELECT 1; -- trailing note\n") == ["SELECT 1"]


def test_insert_with_format_finds_where_the_data_starts() -> None:
    text = "INSERT INTO db.t (a, `b c`) FORMAT Native\n\x01\x02binary"
    head = find_insert_data(text)
    assert head is not None
    assert (head.statement, head.format) == ("INSERT INTO db.t (a, `b c`)", "Native")
    assert text[head.data_start :] == "\x01\x02binary"


def test_data_start_skips_blanks_and_one_line_break_only() -> None:
    text = "INSERT INTO t FORMAT TSV \t\r\n\n1\n"
    head = find_insert_data(text)
    assert head is not None and text[head.data_start :] == "\n1\n"


def test_binary_data_that_looks_like_whitespace_is_kept() -> None:
    text = "INSERT INTO t FORMAT Native\n\t\x00"  # a Native block of 9 columns starts with a tab
    head = find_insert_data(text)
    assert head is not None and text[head.data_start :] == "\t\x00"


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1 FORMAT Native",
        "INSERT INTO t VALUES (1)",
        "INSERT INTO t SELECT * FROM u FORMAT Native",
        "INSERT INTO t (s) VALUES ('FORMAT Native')",
        "insert into t with 1 as x select x",
    ],
)
def test_inserts_without_separate_data_are_plain_sql(sql: str) -> None:
    assert find_insert_data(sql, complete=True) is None


def test_incomplete_insert_heads_ask_for_more() -> None:
    with pytest.raises(IncompleteInput):
        find_insert_data("INSERT INTO t (a, b")
    with pytest.raises(IncompleteInput):
        find_insert_data("INSERT INTO t FORMAT Nat")  # the name may go on
    head = find_insert_data("INSERT INTO t FORMAT Native", complete=True)
    assert head is not None and head.format == "Native"


def test_output_format() -> None:
    assert output_format("SELECT 1 FORMAT JSONEachRow") == "JSONEachRow"
    assert output_format("SELECT 1 FORMAT JSON SETTINGS max_threads = 1") == "JSON"
    assert output_format("SELECT format FROM t") is None
    assert output_format("SELECT (SELECT 1 FORMAT CSV)") is None
    assert output_format("SELECT 'FORMAT CSV'") is None
    assert output_format("SELECT 1 FORMAT Native;") == "Native"
