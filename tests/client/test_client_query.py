"""where/order builders: every operator, and escaping of `\\`, `:` and `,` (fact sheet §6.1)."""

from __future__ import annotations

import pytest

from chargeover_client.lib import Operator, Order, Where, escape


def test_escape_reserved_characters() -> None:
    assert escape("Example:ID") == "Example\\:ID"
    assert escape("a,b:c") == "a\\,b\\:c"
    assert escape("plain value") == "plain value"
    # the backslash itself first, or a trailing one would escape the next separator
    assert escape("a\\") == "a\\\\"
    assert escape("\\,") == "\\\\\\,"


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (Where().equals("external_key", "Example:ID"), "external_key:EQUALS:Example\\:ID"),
        (Where().not_equals("company", "A,B"), "company:NOTEQUALS:A\\,B"),
        (Where().gt("customer_id", 5), "customer_id:GT:5"),
        (Where().lt("customer_id", 5), "customer_id:LT:5"),
        (Where().gte("date", "2015-02-01"), "date:GTE:2015-02-01"),
        (Where().lte("date", "2015-02-05"), "date:LTE:2015-02-05"),
        (Where().contains("company", "test"), "company:CONTAINS:test"),
        (Where().is_null("external_key"), "external_key:IS:NULL"),
        (Where().is_not_null("external_key"), "external_key:ISNOT:NULL"),
        (Where().equals("customers.customer_id", 44), "customers.customer_id:EQUALS:44"),
        (Where().equals("no_taxes", True), "no_taxes:EQUALS:1"),
    ],
)
def test_each_operator_renders(build: Where, expected: str) -> None:
    assert str(build) == expected


def test_every_documented_operator_is_supported() -> None:
    documented = {
        "EQUALS",
        "NOTEQUALS",
        "GT",
        "LT",
        "GTE",
        "LTE",
        "CONTAINS",
        "IS:NULL",
        "ISNOT:NULL",
    }
    assert {op.value for op in Operator} == documented


def test_conditions_join_with_comma_and_builders_are_immutable() -> None:
    base = Where().gte("date", "2015-02-01")
    both = base.lte("date", "2015-02-05")
    assert str(both) == "date:GTE:2015-02-01,date:LTE:2015-02-05"
    assert str(base) == "date:GTE:2015-02-01"
    assert both == Where("date:GTE:2015-02-01", "date:LTE:2015-02-05")
    assert not Where()


def test_add_accepts_operator_strings_and_checks_values() -> None:
    assert str(Where().add("token", "IS:NULL")) == "token:IS:NULL"
    with pytest.raises(ValueError, match="needs a value"):
        Where().add("company", Operator.EQUALS)
    with pytest.raises(ValueError, match="takes no value"):
        Where().add("company", Operator.IS_NULL, "x")
    with pytest.raises(ValueError):
        Where().add("company", "LIKE", "x")


@pytest.mark.parametrize("field", ["", "company:EQUALS", "a,b", "1abc", "name ", "a..b"])
def test_field_names_cannot_inject_separators(field: str) -> None:
    with pytest.raises(ValueError, match="not a field name"):
        Where().equals(field, "x")
    with pytest.raises(ValueError, match="not a field name"):
        Order().asc(field)


def test_order_keys() -> None:
    assert (
        str(Order().desc("write_datetime").asc("customer_id"))
        == "write_datetime:DESC,customer_id:ASC"
    )
    assert repr(Order().asc("total")) == "Order('total:ASC')"
