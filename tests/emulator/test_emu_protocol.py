"""The ChargeOver wire grammar: where, order and paging, compiled to bound SQL."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chargeover_emulator.errors import BadRequest
from chargeover_emulator.protocol.body import MAX_DEPTH, decode_json_body, is_json_media_type
from chargeover_emulator.protocol.numbers import (
    INT64_MAX,
    decimal_integer,
    decimal_number,
    non_negative_integer,
)
from chargeover_emulator.protocol.order import compile_order, parse_order
from chargeover_emulator.protocol.paging import parse_page
from chargeover_emulator.protocol.where import Condition, FieldTarget, compile_where, parse_where

FIELDS = {
    "company": FieldTarget("company", "string"),
    "customer_id": FieldTarget("customer_id", "integer"),
}


def test_parse_where_all_operators() -> None:
    text = (
        "a:EQUALS:1,b:NOTEQUALS:2,c:GT:3,d:LT:4,e:GTE:5,f:LTE:6,g:CONTAINS:x,h:IS:NULL,i:ISNOT:NULL"
    )
    ops = [(c.field, c.operator, c.value) for c in parse_where(text)]
    assert ops == [
        ("a", "EQUALS", "1"),
        ("b", "NOTEQUALS", "2"),
        ("c", "GT", "3"),
        ("d", "LT", "4"),
        ("e", "GTE", "5"),
        ("f", "LTE", "6"),
        ("g", "CONTAINS", "x"),
        ("h", "IS", None),
        ("i", "ISNOT", None),
    ]


def test_parse_where_escapes_colon_and_comma() -> None:
    [cond] = parse_where(r"external_key:EQUALS:Example\:ID\,2")
    assert cond.value == "Example:ID,2"


def test_unescaped_colon_stays_in_value() -> None:
    [cond] = parse_where("write_datetime:GTE:2015-02-01 10:00:00")
    assert cond.value == "2015-02-01 10:00:00"


@pytest.mark.parametrize(
    "bad", ["company", "company:EQUALS", ":EQUALS:x", "company:LIKE:x", "a:IS:x", "a:equals:x"]
)
def test_parse_where_rejects_bad_grammar(bad: str) -> None:
    with pytest.raises(BadRequest):
        parse_where(bad)


def test_compile_where_binds_values_and_whitelists_fields() -> None:
    sql, params = compile_where(parse_where("company:CONTAINS:x'; DROP TABLE t;--"), FIELDS.get)
    assert "DROP" not in sql and params == ["%x'; DROP TABLE t;--%"]
    with pytest.raises(BadRequest, match="not a filterable field"):
        compile_where(parse_where("password:EQUALS:x"), FIELDS.get)
    with pytest.raises(BadRequest, match="not a valid integer"):
        compile_where(parse_where("customer_id:EQUALS:abc"), FIELDS.get)


@given(st.text(min_size=0, max_size=30))
def test_any_value_round_trips_through_sqlite(value: str) -> None:
    """Whatever the value, EQUALS finds exactly the row holding it (escaping + binding)."""
    escaped = value.replace("\\", "\\\\").replace(":", "\\:").replace(",", "\\,")
    conditions = parse_where(f"company:EQUALS:{escaped}")
    assert conditions == [Condition("company", "EQUALS", value, conditions[0].source)]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (customer_id INTEGER, company TEXT)")
    db.executemany("INSERT INTO t VALUES (?, ?)", [(1, value), (2, value + "x")])
    sql, params = compile_where(conditions, FIELDS.get, case_sensitive=True)
    assert [r[0] for r in db.execute(f"SELECT customer_id FROM t WHERE {sql}", params)] == [1]


def test_order_parse_and_compile() -> None:
    keys = parse_order("company:DESC,customer_id:asc")
    kinds = {"company": "string", "customer_id": "integer"}
    assert (
        compile_order(keys, kinds.get, "customer_id")
        == '"company" COLLATE NOCASE DESC, "customer_id" ASC'
    )
    assert compile_order(parse_order(""), kinds.get, "customer_id") == '"customer_id" ASC'
    with pytest.raises(BadRequest):
        parse_order("company:UP")
    with pytest.raises(BadRequest):
        compile_order(parse_order("tags:ASC"), kinds.get, "customer_id")


@pytest.mark.parametrize(
    ("limit", "offset", "expected"),
    [
        (None, None, (10, 0)),
        ("0", "3", (10, 3)),
        ("2", "8", (2, 8)),
        ("501", None, (500, 0)),
        ("", "", (10, 0)),
        ("9" * 30, "9" * 5000, (500, INT64_MAX)),
    ],
)
def test_paging(limit: str | None, offset: str | None, expected: tuple[int, int]) -> None:
    page = parse_page(limit, offset)
    assert (page.limit, page.offset) == expected


@pytest.mark.parametrize(
    ("limit", "offset"),
    [("-1", None), ("abc", None), ("1.5", None), (None, "-2"), (None, "\u00b2"), ("1_0", None)],
)
def test_paging_rejects(limit: str | None, offset: str | None) -> None:
    with pytest.raises(BadRequest):
        parse_page(limit, offset)


def test_limit_overflow_reject_setting() -> None:
    with pytest.raises(BadRequest, match="at most 500"):
        parse_page("501", None, overflow="reject")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (" -7 ", -7),
        ("+3", 3),
        ("9223372036854775807", INT64_MAX),
        ("-9223372036854775808", -(2**63)),
        ("9223372036854775808", float(2**63)),
        ("-" + "9" * 5000, float("-inf")),
        ("1_0", None),
        ("\u0661\u0662", None),  # Arabic-Indic digits: int() accepts them, the wire does not
        ("1.0", None),
        ("", None),
    ],
)
def test_decimal_integer(text: str, expected: float | None) -> None:
    assert decimal_integer(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.5", 1.5), ("-2e3", -2000.0), (".5", 0.5), ("7", 7.0), ("1e400", float("inf"))]
    + [(bad, None) for bad in ("nan", "inf", "Infinity", "1_0.5", "0x1p3", "", "1e")],
)
def test_decimal_number(text: str, expected: float | None) -> None:
    assert decimal_number(text) == expected


def test_non_negative_integer_caps_at_int64() -> None:
    assert non_negative_integer("0012") == 12
    assert non_negative_integer("9" * 19) == INT64_MAX
    assert non_negative_integer("9" * 5000) == INT64_MAX
    assert non_negative_integer("-1") is None and non_negative_integer("\u00b2") is None


def _nested(levels: int) -> bytes:
    return b'{"a":' * (levels - 1) + b"[]" + b"}" * (levels - 1)


def test_json_body_depth_bound_is_exact() -> None:
    assert decode_json_body(_nested(MAX_DEPTH), None) is not None
    with pytest.raises(BadRequest, match=f"nested more than {MAX_DEPTH} levels"):
        decode_json_body(_nested(MAX_DEPTH + 1), None)
    # many brackets side by side are not depth
    assert len(decode_json_body(b"[" + b",".join([b"[]"] * 1000) + b"]", None)) == 1000


def test_json_body_integers_beyond_int64_become_floats() -> None:
    body = decode_json_body(b"[9223372036854775807, 9223372036854775808, -1e3, 12]", None)
    assert body == [INT64_MAX, float(2**63), -1000.0, 12]
    assert [type(v) for v in body] == [int, float, float, int]


@pytest.mark.parametrize(
    ("content_type", "json"),
    [
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        (" APPLICATION/JSON ", True),
        ("application/problem+json", True),
        ("text/json", False),
        ("text/plain", False),
        ("application/jsonp", False),
        ("application/x-www-form-urlencoded", False),
        ("multipart/form-data; boundary=x", False),
    ],
)
def test_json_media_types(content_type: str, json: bool) -> None:
    assert is_json_media_type(content_type) is json
