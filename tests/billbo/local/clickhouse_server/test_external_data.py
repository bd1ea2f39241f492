"""External data: files of a multipart form, each a temporary table for its query only, as
ClickHouse's HTTP interface takes them and clickhouse-connect sends them (``ExternalData``)."""

from __future__ import annotations

import uuid

import clickhouse_connect
import httpx
import pytest
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DatabaseError
from clickhouse_connect.driver.external import ExternalData


@pytest.fixture(params=["pooled", "session"])
def client(request: pytest.FixtureRequest, clickhouse_port: int, db: str) -> Client:
    if request.param == "pooled":
        return clickhouse_connect.get_client(
            host="127.0.0.1", port=clickhouse_port, database=db, autogenerate_session_id=False
        )
    return clickhouse_connect.get_client(
        host="127.0.0.1", port=clickhouse_port, database=db, session_id=f"x-{uuid.uuid4()}"
    )


def test_a_file_with_its_structure(client: Client) -> None:
    data = ExternalData(file_name="ids.tsv", data=b"1\tone\n2\ttwo\n3\tthree\n", structure=["id UInt32", "name String"])
    result = client.query("SELECT id, name FROM ids WHERE id >= 2 ORDER BY id", external_data=data)
    assert result.result_rows == [(2, "two"), (3, "three")]
    with pytest.raises(DatabaseError) as caught:  # it was for that query only
        client.query("SELECT * FROM ids")
    assert getattr(caught.value, "code", None) == 60


def test_files_with_types_formats_and_a_join(client: Client) -> None:
    client.command("CREATE TABLE prices (sku String, price Decimal(10, 2)) ENGINE = MergeTree ORDER BY sku")
    client.command("INSERT INTO prices VALUES ('a', 1.50), ('b', 2.25)")
    data = ExternalData(file_name="usage.csv", data=b'"a",10\n"b",4\n"a",2\n', fmt="CSV", types=["String", "UInt32"])
    data.add_file(file_name="wanted", data=b'{"sku": "a"}\n{"sku": "b"}\n', fmt="JSONEachRow", structure="sku String")
    result = client.query(
        "SELECT u._1 AS sku, sum(u._2 * p.price) AS cost FROM usage AS u JOIN prices AS p ON p.sku = u._1 "
        "WHERE u._1 IN (SELECT sku FROM wanted) GROUP BY sku ORDER BY sku",
        external_data=data,
    )
    assert [(sku, str(cost)) for sku, cost in result.result_rows] == [("a", "18.00"), ("b", "9.00")]


def test_binary_external_data_in_native_format(client: Client, ch: Client) -> None:
    native = ch.raw_query("SELECT number AS n, toString(number) AS s FROM numbers(1000)", fmt="Native")
    data = ExternalData(file_name="blocks", data=native, fmt="Native", structure="n UInt64, s String")
    assert client.command("SELECT sum(n), max(length(s)) FROM blocks", external_data=data) == ["499500", "3"]


def test_external_data_with_an_insert(client: Client) -> None:
    client.command("CREATE TABLE copied (x UInt8) ENGINE = MergeTree ORDER BY x")
    data = ExternalData(file_name="src", data=b"7\n8\n", structure="x UInt8")
    client.command("INSERT INTO copied SELECT x FROM src", external_data=data)
    assert client.query("SELECT groupArray(x) FROM (SELECT x FROM copied ORDER BY x)").result_rows == [([7, 8],)]


def test_bad_external_data_is_the_engines_error_and_leaves_nothing_behind(client: Client) -> None:
    bad = ExternalData(file_name="t", data=b"not a number\n", structure="x UInt32")
    with pytest.raises(DatabaseError) as caught:
        client.query("SELECT * FROM t", external_data=bad)
    assert getattr(caught.value, "code", None) in (27, 6, 72)
    good = ExternalData(file_name="t", data=b"5\n", structure="x UInt32")
    assert client.command("SELECT sum(x) FROM t", external_data=good) == 5


def test_external_data_on_the_wire(raw: httpx.Client) -> None:
    """Structure as a form field, a name that needs quoting, and the file's own content type."""
    files = {"my-ext": ("my-ext.csv", b"1,a\n2,b\n", "text/csv")}
    form = {"query": "SELECT sum(id), groupArray(s) FROM `my-ext`", "my-ext_structure": "id UInt8, s String"}
    response = raw.post("/", data=form, files=files, params={"my-ext_format": "CSV"})
    assert response.status_code == 200, response.content
    assert response.content == b"3\t['a','b']\n"
    missing = raw.post("/", data={"query": "SELECT 1"}, files={"t": ("t", b"1\n")})
    assert (missing.status_code, missing.headers["X-ClickHouse-Exception-Code"]) == (400, "36")
    assert b"Neither structure nor types" in missing.content


def test_settings_named_like_external_table_parameters(raw: httpx.Client) -> None:
    """Outside a multipart request a parameter ending in _format is a setting, as in ClickHouse."""
    sql = "SELECT toDateTime('2026-01-02 03:04:05', 'UTC') FORMAT JSONEachRow"
    response = raw.get("/", params={"query": sql, "date_time_output_format": "iso"})
    assert response.content == b"{\"toDateTime('2026-01-02 03:04:05', 'UTC')\":\"2026-01-02T03:04:05Z\"}\n"
