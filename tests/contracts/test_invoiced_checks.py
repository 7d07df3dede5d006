"""Each Invoiced rule against hand-built responses: one that passes, ones that fail.

The rules must also fail on the wire: tests/contracts/test_invoiced_broken_variants.py runs
them against deliberately broken emulators.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest

from contracts.checks import ContractViolation, Observation
from contracts.invoiced.checks import (
    SPEC_PATH,
    LinkPage,
    PageSize,
    check_delete_no_content,
    check_error_body,
    check_link_header,
    check_page_total,
    check_patch_partial,
    check_walk,
    parse_links,
    run_all,
)
from contracts.oracle import load_oracle

BASE = "http://testserver"
SIZES = PageSize(default=100, maximum=100)


def listing(
    page: int, per_page: int, total: int, *, rels: dict[str, int] | None = None,
    items: int | None = None, query: str = "",
) -> Observation:  # fmt: skip
    """Page `page` of a customer listing of `total`, with the links a correct server sends
    (or `rels`: rel -> page) and as many items as the page should hold (or `items`)."""
    last = max(1, -(-total // per_page))
    if rels is None:
        rels = {"self": page, "first": 1, "last": last}
        if page > 1:
            rels["previous"] = min(page - 1, last)
        if page < last:
            rels["next"] = page + 1
    extra = f"&{query}" if query else ""
    link = ",\n ".join(
        f'<{BASE}/customers?per_page={per_page}&page={number}{extra}>; rel="{rel}"'
        for rel, number in rels.items()
    )
    count = max(0, min(per_page, total - (page - 1) * per_page)) if items is None else items
    body = [{"id": (page - 1) * per_page + n + 1} for n in range(count)]
    url = f"{BASE}/customers?page={page}&per_page={per_page}{extra}"
    headers = {"Link": link, "X-Total-Count": str(total)}
    return Observation.build("GET", url, 200, headers, json.dumps(body).encode())


def error(status: int, body: Any, method: str = "GET") -> Observation:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Observation.build(method, f"{BASE}/customers/9", status, {}, content)


class TestLinkHeader:
    @pytest.mark.parametrize(
        ("page", "per_page", "total"),
        [(1, 3, 14), (2, 3, 14), (5, 3, 14), (1, 100, 0), (1, 3, 3), (7, 3, 14)],
    )
    def test_a_correct_page_passes(self, page: int, per_page: int, total: int) -> None:
        check_link_header(listing(page, per_page, total), SIZES)
        check_link_header(listing(page, per_page, total, query="sort=name+asc"), SIZES)

    def test_next_on_the_last_page_fails(self) -> None:
        rels = {"self": 5, "first": 1, "last": 5, "previous": 4, "next": 6}
        with pytest.raises(ContractViolation, match=r"unexpected \['next'\]"):
            check_link_header(listing(5, 3, 14, rels=rels), SIZES)

    def test_no_previous_after_the_first_page_fails(self) -> None:
        with pytest.raises(ContractViolation, match=r"missing \['previous'\]"):
            check_link_header(listing(2, 3, 14, rels={"self": 2, "first": 1, "last": 5,
                                                      "next": 3}), SIZES)  # fmt: skip

    def test_prev_instead_of_previous_fails(self) -> None:
        rels = {"self": 2, "first": 1, "last": 5, "prev": 1, "next": 3}
        with pytest.raises(ContractViolation, match="previous"):
            check_link_header(listing(2, 3, 14, rels=rels), SIZES)

    def test_a_wrong_last_page_fails(self) -> None:
        rels = {"self": 1, "first": 1, "last": 4, "next": 2}
        with pytest.raises(ContractViolation, match='rel="last" names page 4'):
            check_link_header(listing(1, 3, 14, rels=rels), SIZES)

    def test_a_link_that_drops_the_query_fails(self) -> None:
        observation = listing(1, 3, 14)
        broken = Observation.build(
            "GET", observation.url + "&sort=name+asc", 200, observation.headers,
            observation.text.encode(),
        )  # fmt: skip
        with pytest.raises(ContractViolation, match="does not repeat the query"):
            check_link_header(broken, SIZES)

    def test_only_declared_parameters_must_be_repeated(self) -> None:
        observation = listing(1, 3, 14, query="filter%5Bname%5D=Acme")
        unknown = Observation.build(
            "GET", observation.url + "&x-unknown=1", 200, observation.headers,
            observation.text.encode(),
        )  # fmt: skip
        check_link_header(unknown, SIZES, declared={"page", "per_page", "filter"})
        with pytest.raises(ContractViolation, match="x-unknown"):
            check_link_header(unknown, SIZES)  # undeclared: every parameter must be repeated

    def test_a_value_may_come_back_in_another_spelling(self) -> None:
        observation = listing(1, 3, 14, query="filter%5Bcredit_limit%5D=0.0&payment_source=true")
        asked = observation.url.replace("=0.0", "=0").replace("=true", "=True")
        check_link_header(
            Observation.build("GET", asked, 200, observation.headers, observation.text.encode()),
            SIZES,
        )
        other = observation.url.replace("=0.0", "=1")
        with pytest.raises(ContractViolation, match="does not repeat the query"):
            check_link_header(
                Observation.build(
                    "GET", other, 200, observation.headers, observation.text.encode()
                ),
                SIZES,
            )

    def test_missing_headers_fail(self) -> None:
        bare = Observation.build("GET", f"{BASE}/customers", 200, {}, b"[]")
        with pytest.raises(ContractViolation, match="without Link and X-Total-Count"):
            check_link_header(bare, SIZES)

    def test_a_rel_given_twice_fails(self) -> None:
        with pytest.raises(ContractViolation, match="twice"):
            parse_links('<a>; rel="self", <b>; rel="self"')

    def test_the_tolerant_reader_accepts_line_breaks(self) -> None:
        assert parse_links('<u1>; rel="self",\n  <u2>;rel="first"') == {"self": "u1", "first": "u2"}

    def test_errors_and_single_objects_are_not_listings(self) -> None:
        check_link_header(error(404, {"type": "invalid_request", "message": "x"}), SIZES)
        single = Observation.build("GET", f"{BASE}/customers/1", 200, {}, b'{"id": 1}')
        check_link_header(single, SIZES)


class TestPageTotal:
    def test_every_page_of_a_listing_passes(self) -> None:
        for page in range(1, 7):
            check_page_total(listing(page, 3, 14), SIZES)

    @pytest.mark.parametrize(("page", "items"), [(1, 2), (5, 3), (6, 1), (1, 4)])
    def test_a_page_that_disagrees_with_the_total_fails(self, page: int, items: int) -> None:
        with pytest.raises(ContractViolation, match="X-Total-Count 14 leaves"):
            check_page_total(listing(page, 3, 14, items=items), SIZES)

    def test_a_page_above_the_maximum_is_judged_at_the_maximum(self) -> None:
        # a `faithful` target serves per_page=101 as 100 (a documented leniency)
        observation = listing(1, 100, 150)
        asked = observation.url.replace("per_page=100", "per_page=101")
        served = Observation.build(
            "GET", asked, 200, observation.headers, observation.text.encode()
        )
        check_link_header(served, SIZES)
        check_page_total(served, SIZES)
        with pytest.raises(ContractViolation, match="leaves 101"):
            check_page_total(served, PageSize(default=100, maximum=150))

    def test_the_default_page_size_comes_from_the_spec(self) -> None:
        body = json.dumps([{"id": n} for n in range(101)]).encode()
        headers = {"Link": '<x>; rel="self"', "X-Total-Count": "101"}
        observation = Observation.build("GET", f"{BASE}/customers", 200, headers, body)
        problems = dict(run_all(observation, load_oracle(SPEC_PATH)))
        assert "per_page 100" in problems["invoiced_page_total"]


class TestWalk:
    def page(self, number: int, per_page: int, total: int, ids: list[int]) -> LinkPage:
        return LinkPage(number, per_page, total, {}, [{"id": i} for i in ids])

    def test_pages_that_cover_the_total_once_pass(self) -> None:
        pages = [self.page(1, 2, 3, [1, 2]), self.page(2, 2, 3, [3])]
        assert check_walk(pages) == [1, 2, 3]

    def test_a_total_one_too_high_fails(self) -> None:
        with pytest.raises(ContractViolation, match="gave 3 records; X-Total-Count says 4"):
            check_walk([self.page(1, 2, 4, [1, 2]), self.page(2, 2, 4, [3])])

    def test_a_record_on_two_pages_fails(self) -> None:
        with pytest.raises(ContractViolation, match="two pages"):
            check_walk([self.page(1, 2, 4, [1, 2]), self.page(2, 2, 4, [2, 3])])

    def test_a_total_that_changes_fails(self) -> None:
        with pytest.raises(ContractViolation, match="changed"):
            check_walk([self.page(1, 2, 3, [1, 2]), self.page(2, 2, 4, [3])])


class TestErrorBody:
    @pytest.mark.parametrize(
        "body",
        [
            {"type": "invalid_request", "message": "Name missing", "param": "name"},
            {"type": "invalid_request", "message": "Customer was not found: 9"},
            {"type": "authentication_error", "message": "Invalid API key", "param": None},
        ],
    )
    def test_invoiced_errors_pass(self, body: dict[str, Any]) -> None:
        check_error_body(error(400, body))

    def test_a_chargeover_error_fails(self) -> None:
        body = {"code": 404, "status": "Error", "message": "This customer does not exist.",
                "details": {}, "response": None}  # fmt: skip
        with pytest.raises(ContractViolation, match="`type` must be a non-empty string"):
            check_error_body(error(404, body))

    @pytest.mark.parametrize(
        ("body", "match"),
        [
            (b"", "not a JSON object"),
            ({"type": "", "message": "x"}, "`type`"),
            ({"type": "api"}, "`message`"),
            ({"type": "api", "message": "x", "param": 3}, "`param`"),
            ({"type": "api", "message": "x", "code": 400}, "envelope"),
        ],
    )
    def test_malformed_errors_fail(self, body: Any, match: str) -> None:
        with pytest.raises(ContractViolation, match=match):
            check_error_body(error(400, body))

    def test_successes_are_not_judged(self) -> None:
        check_error_body(error(200, {"code": 200}))


class TestDeleteNoContent:
    def test_204_without_a_body_passes(self) -> None:
        check_delete_no_content(error(204, b"", method="DELETE"))

    def test_200_with_a_body_fails(self) -> None:
        with pytest.raises(ContractViolation, match="HTTP 200, not 204"):
            check_delete_no_content(error(200, {"deleted": True}, method="DELETE"))

    def test_204_with_a_body_fails(self) -> None:
        with pytest.raises(ContractViolation, match="with a body"):
            check_delete_no_content(error(204, b"{}", method="DELETE"))

    def test_a_failed_delete_is_not_judged_here(self) -> None:
        check_delete_no_content(error(404, {"type": "invalid_request", "message": "x"}, "DELETE"))


class TestPatchPartial:
    before: ClassVar[dict[str, Any]] = {
        "id": 1, "name": "Acme", "email": "a@example.com", "city": "Austin", "metadata": [],
        "updated_at": 10,
    }  # fmt: skip

    def test_only_the_sent_fields_change(self) -> None:
        after = {**self.before, "city": None, "updated_at": 11}
        check_patch_partial(self.before, {"city": None}, after)
        check_patch_partial(self.before, {}, self.before)

    def test_an_empty_map_reads_as_an_empty_array(self) -> None:
        check_patch_partial(self.before, {"metadata": {}}, self.before)

    def test_clearing_unsent_fields_fails(self) -> None:
        after = {**self.before, "name": "Acme 2", "email": None, "city": None}
        with pytest.raises(ContractViolation, match=r"unsent email changed.*unsent city changed"):
            check_patch_partial(self.before, {"name": "Acme 2"}, after)

    def test_a_lost_field_fails(self) -> None:
        after = {key: value for key, value in self.before.items() if key != "email"}
        with pytest.raises(ContractViolation, match="unsent email disappeared"):
            check_patch_partial(self.before, {}, after)

    def test_a_sent_value_not_kept_fails(self) -> None:
        with pytest.raises(ContractViolation, match="sent name='B', reads 'Acme'"):
            check_patch_partial(self.before, {"name": "B"}, self.before)
