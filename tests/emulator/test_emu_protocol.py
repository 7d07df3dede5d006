"""The ChargeOver wire grammar: where, order and paging, compiled to bound SQL."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chargeover_emulator.errors import BadRequest
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
    ],
)
def test_paging(limit: str | None, offset: str | None, expected: tuple[int, int]) -> None:
    page = parse_page(limit, offset)
    assert (page.limit, page.offset) == expected


@pytest.mark.parametrize(
    ("limit", "offset"), [("-1", None), ("abc", None), ("1.5", None), (None, "-2")]
)
def test_paging_rejects(limit: str | None, offset: str | None) -> None:
    with pytest.raises(BadRequest):
        parse_page(limit, offset)


def test_limit_overflow_reject_setting() -> None:
    with pytest.raises(BadRequest, match="at most 500"):
        parse_page("501", None, overflow="reject")
