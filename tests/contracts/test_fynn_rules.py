"""Fynn's rules as pure functions: each passes what the spec describes and fails what breaks it.

The broken-variant tests (test_fynn_broken_variants.py) prove the same rules fail a run against
a broken emulator; these pin each rule's reading on hand-made responses.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from contracts.checks import ContractViolation, Observation
from contracts.fynn import SPEC_PATH
from contracts.fynn.model import CustomerModel
from contracts.fynn.rules import (
    PageSummary,
    check_archived,
    check_error_body,
    check_hierarchy_tree,
    check_pages_cover_totals,
    check_pagination,
    check_violations,
)
from contracts.oracle import load_oracle

ORACLE = load_oracle(SPEC_PATH)
BASE = "http://fynn.test"


def observe(method: str, path: str, status: int, body: Any) -> Observation:
    """A response as the rules see it."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Observation.build(method, BASE + path, status, {}, content)


def page(query: str, total: int, per_page: int, current: int, items: int, **meta: int) -> Any:
    """A collection answer with `items` customers and the given pagination."""
    last = max(1, -(-total // per_page)) if per_page else 1
    pagination = {
        "totalItems": total,
        "itemsPerPage": per_page,
        "currentPage": current,
        "lastPage": last,
        "pageTotalItems": items,
        **meta,
    }
    data = [{"id": f"c{n}", "countryCode": "DE"} for n in range(items)]
    return observe(
        "GET", f"/customers{query}", 200, {"data": data, "meta": {"pagination": pagination}}
    )


@pytest.mark.parametrize(
    ("query", "total", "per_page", "current", "items"),
    [
        ("", 45, 30, 1, 30),  # the default limit
        ("?page=2", 45, 30, 2, 15),  # the rest on the last page
        ("?limit=10&page=5", 45, 10, 5, 5),
        ("?limit=500", 45, 100, 1, 45),  # clamped to the spec's maximum
        ("?limit=0", 45, 0, 1, 0),  # the totals only
        ("?page=9", 45, 30, 9, 0),  # past the end: empty
        ("", 0, 30, 1, 0),  # nothing at all: lastPage 1
    ],
)
def test_consistent_pagination_passes(
    query: str, total: int, per_page: int, current: int, items: int
):
    check_pagination(page(query, total, per_page, current, items), ORACLE)


@pytest.mark.parametrize(
    ("obs", "complaint"),
    [
        (page("", 45, 30, 1, 30, pageTotalItems=29), "pageTotalItems 29 but 30 items"),
        (page("?limit=10", 45, 30, 1, 30), "itemsPerPage 30 but the limit in effect is 10"),
        (page("?page=2", 45, 30, 1, 30), "currentPage 1 but page 2"),
        (page("", 45, 30, 1, 30, lastPage=1), "lastPage 1 but 45 items"),
        (page("?page=2", 45, 30, 2, 30), "holds 15, not 30"),
        (page("?page=3", 45, 30, 3, 1), "holds 0, not 1"),
    ],
)
def test_inconsistent_pagination_fails(obs: Observation, complaint: str):
    with pytest.raises(ContractViolation, match=complaint):
        check_pagination(obs, ORACLE)


def test_a_collection_without_pagination_fails():
    obs = observe("GET", "/customers", 200, {"data": [], "meta": {}})
    with pytest.raises(ContractViolation, match=r"without meta\.pagination"):
        check_pagination(obs, ORACLE)
    obs = observe("GET", "/customers", 200, {"data": [], "meta": {"pagination": {"totalItems": 0}}})
    with pytest.raises(ContractViolation, match="lacks integer itemsPerPage"):
        check_pagination(obs, ORACLE)


def test_non_collections_are_not_judged_by_the_pagination_rule():
    check_pagination(observe("GET", "/customers/1/children", 200, []), ORACLE)
    check_pagination(
        observe("GET", "/customers", 400, {"detail": "Page should not be less than 1"}), ORACLE
    )


def walk(*pages: tuple[list[str], dict[str, int]]) -> list[PageSummary]:
    return [PageSummary(meta, ids) for ids, meta in pages]


def meta(total: int, items: int, last: int = 2, per_page: int = 2) -> dict[str, int]:
    return {"totalItems": total, "itemsPerPage": per_page, "currentPage": 1, "lastPage": last,
            "pageTotalItems": items}  # fmt: skip


def test_pages_that_cover_the_totals_pass():
    check_pages_cover_totals(walk((["a", "b"], meta(3, 2)), (["c"], meta(3, 1))))


@pytest.mark.parametrize(
    ("pages", "complaint"),
    [
        (walk((["a", "b"], meta(4, 2)), (["c"], meta(4, 1))), "hold 3 items but totalItems is 4"),
        (walk((["a", "b"], meta(3, 2)), (["b"], meta(3, 1))), "an item appears on two pages"),
        (walk((["a", "b"], meta(3, 2)), (["c"], meta(5, 1))), "totalItems 5, page 1: 3"),
        (walk((["a", "b"], meta(3, 2, last=3)), (["c"], meta(3, 1, last=3))), "walked 2 pages"),
    ],
)
def test_pages_that_miss_the_totals_fail(pages: list[PageSummary], complaint: str):
    with pytest.raises(ContractViolation, match=complaint):
        check_pages_cover_totals(pages)


VIOLATION = {
    "propertyPath": "email",
    "message": "Dieser Wert sollte nicht leer sein.",
    "code": None,
}


def test_a_422_with_named_violations_passes():
    body = {"detail": "email: Dieser Wert sollte nicht leer sein.", "violations": [VIOLATION]}
    check_violations(observe("POST", "/customers", 422, body))
    whole = {"propertyPath": "", "message": "Has invoices.", "code": "customer_has_invoices"}
    check_violations(observe("DELETE", "/customers/1", 422, {"detail": "x", "violations": [whole]}))


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ({"detail": "x"}, "422 without violations"),
        ({"detail": "x", "violations": []}, "422 without violations"),
        ({"detail": "x", "violations": [{"message": "m", "code": None}]}, "has no propertyPath"),
        (
            {"detail": "x", "violations": [{"propertyPath": None, "message": "m"}]},
            "no propertyPath",
        ),
        ({"detail": "x", "violations": [{"propertyPath": "a", "message": ""}]}, "has no message"),
        ({"detail": "x", "violations": [{"propertyPath": "a", "message": "m", "code": 7}]}, "code"),
    ],
)
def test_a_422_with_unnamed_violations_fails(body: Any, complaint: str):
    with pytest.raises(ContractViolation, match=complaint):
        check_violations(observe("POST", "/customers", 422, body))


def test_violations_on_other_errors_must_name_their_property_too():
    check_violations(observe("PUT", "/customers/1/set-parent", 400, {"detail": "cycle"}))
    body = {"detail": "cycle", "violations": [{"message": "cycle"}]}
    with pytest.raises(ContractViolation, match="no propertyPath"):
        check_violations(observe("PUT", "/customers/1/set-parent", 400, body))


def test_error_bodies_say_what_went_wrong():
    check_error_body(
        observe("GET", "/customers/1", 404, {"title": "An error occurred", "detail": "Not Found"})
    )
    check_error_body(observe("GET", "/customers/1", 200, {"id": "1"}))
    for bad in ({"title": "An error occurred"}, {"detail": ""}, b"Not Found", ["x"]):
        with pytest.raises(ContractViolation, match="HTTP 404"):
            check_error_body(observe("GET", "/customers/1", 404, bad))


def test_an_archive_keeps_the_customer_readable():
    archived = observe(
        "PUT", "/customers/c1/archive", 200, {"id": "c1", "status": "STATUS_ARCHIVED"}
    )
    check_archived(
        archived, observe("GET", "/customers/c1", 200, {"id": "c1", "status": "STATUS_ARCHIVED"})
    )
    with pytest.raises(ContractViolation, match="must stay readable; GET answered HTTP 404"):
        check_archived(archived, observe("GET", "/customers/c1", 404, {"detail": "Not Found"}))
    with pytest.raises(ContractViolation, match="status 'STATUS_ACTIVE'"):
        check_archived(
            archived, observe("GET", "/customers/c1", 200, {"id": "c1", "status": "STATUS_ACTIVE"})
        )
    still_active = observe(
        "PUT", "/customers/c1/archive", 200, {"id": "c1", "status": "STATUS_ACTIVE"}
    )
    with pytest.raises(ContractViolation, match="not STATUS_ARCHIVED"):
        check_archived(still_active, archived)


def node(node_id: str, *children: Any, current: bool = False) -> dict[str, Any]:
    return {"id": node_id, "isCurrentCustomer": current, "children": list(children)}


def test_a_hierarchy_of_three_levels_passes():
    check_hierarchy_tree({"root": node("a", node("b", node("c", current=True)), node("d"))}, "c")


@pytest.mark.parametrize(
    ("tree", "complaint"),
    [
        (node("a", node("b", node("c", node("d", current=True)))), "4 levels"),
        (node("a", node("b", node("a")), current=True), "appears twice"),
        (node("a", node("b")), "0 nodes marked"),
        (node("a", node("b", current=True), current=True), "2 nodes marked"),
        (node("a", node("b", current=True)), "marks b, not the requested a"),
    ],
)
def test_a_broken_hierarchy_fails(tree: dict[str, Any], complaint: str):
    with pytest.raises(ContractViolation, match=complaint):
        check_hierarchy_tree({"root": tree}, "a")


def test_the_model_refuses_what_the_spec_refuses():
    model = CustomerModel()
    for name in "abcde":
        model.create(name, {})
    assert model.set_parent("b", "a") is None
    assert model.set_parent("c", "b") is None  # a > b > c: three levels
    assert model.set_parent("d", "c") is not None  # a fourth level
    assert "cycle" in model.set_parent("a", "c").reason  # type: ignore[union-attr]
    assert "own parent" in model.set_parent("d", "d").reason  # type: ignore[union-attr]
    model.archive("e")
    assert "archived" in model.set_parent("d", "e").reason  # type: ignore[union-attr]
    assert model.set_parent("e", "d") is None  # an archived child may still get a parent
    assert model.edges("a") == {("a", "b"), ("b", "c")}
    assert "4 levels" in model.parent_refusal("d", "b").reason  # type: ignore[union-attr]
    model.remove_parent("e")
    model.remove_parent("b")
    assert model.set_parent("d", "c") is None  # b > c > d now
    assert model.root("d") == "b" and model.height("b") == 3
    assert model.set_parent("b", "a") is not None  # a > b > c > d would be four levels
