"""Fynn's wire rules, each a pure function over one `Observation` (or a few), and its check.

What Fynn adds on top of plain OpenAPI (spec/fynn/NOTES.md): collections carry
`meta.pagination`, which must agree with `data` and with the request's `page` and `limit`;
every error body says what went wrong in `detail`; a 422 (and any error listing violations)
names the property of each violation. Each rule raises `ContractViolation`; the schemathesis
checks at the bottom are thin wrappers, registered only for a Fynn run (its harness dialect,
`contracts.dialects.fynn`). Limits and defaults are read from the spec, never written twice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

from schemathesis import CheckContext, Response
from schemathesis.generation.case import Case

from contracts.checks import ContractViolation, Observation, observe, oracle_for
from contracts.fynn import SPEC_PATH
from contracts.oracle import Oracle

__all__ = [
    "ARCHIVED",
    "CHECKS",
    "MAX_LEVELS",
    "PAGINATION_FIELDS",
    "PageSummary",
    "check_archived",
    "check_error_body",
    "check_hierarchy_tree",
    "check_pages_cover_totals",
    "check_pagination",
    "check_violations",
    "fynn_archive",
    "fynn_error_body",
    "fynn_hierarchy",
    "fynn_pagination",
    "fynn_violations",
    "page_summary",
]

#: the status `archiveCustomer` sets (the spec's `CustomerStatus`)
ARCHIVED = "STATUS_ARCHIVED"
#: "more than 3 levels" is refused (setCustomerParent's description, fact sheet §5.3)
MAX_LEVELS = 3
#: the keys of `meta.pagination`, each a non-negative integer (the spec's `Pagination`)
PAGINATION_FIELDS = ("totalItems", "itemsPerPage", "currentPage", "lastPage", "pageTotalItems")


def _requested(obs: Observation, name: str, default: int, maximum: int | None) -> int | None:
    """The page or limit the request asked for, as the API reads it; None when unpredictable."""
    raw = obs.query.get(name)
    if raw is None:
        return default
    text = raw.strip()
    if not text.isascii() or not text.isdigit():
        return None  # a value only a lenient target answers 200 to: its reading is its own
    value = int(text)
    return min(value, maximum) if maximum is not None else value


def _pagination(obs: Observation) -> Mapping[str, int] | None:
    """`meta.pagination` of a collection answer, checked to hold five integers; None otherwise."""
    body = obs.body if obs.has_json else None
    if obs.method != "GET" or obs.status != 200 or not isinstance(body, Mapping):
        return None
    if not isinstance(body.get("data"), list):
        return None  # not a collection (bare objects and bare arrays carry no meta)
    meta = body.get("meta")
    pagination = meta.get("pagination") if isinstance(meta, Mapping) else None
    if not isinstance(pagination, Mapping):
        raise ContractViolation("a collection without meta.pagination")
    missing = [
        field
        for field in PAGINATION_FIELDS
        if not isinstance(pagination.get(field), int) or isinstance(pagination.get(field), bool)
    ]
    if missing:
        raise ContractViolation(f"meta.pagination lacks integer {', '.join(missing)}")
    return {field: int(pagination[field]) for field in PAGINATION_FIELDS}


def check_pagination(obs: Observation, oracle: Oracle) -> None:
    """`meta.pagination` agrees with `data`, with the request's page and limit, and with itself.

    pageTotalItems is the length of `data`; itemsPerPage the limit in effect (the default
    without one, the spec's maximum above it); currentPage the page asked for; lastPage
    ceil(totalItems / itemsPerPage), at least 1 (and 1 with a limit of 0); and the page holds
    exactly the items its position leaves: full pages before the last, the rest on the last,
    none after it.
    """
    pagination = _pagination(obs)
    if pagination is None:
        return
    data = obs.body["data"]
    limit = oracle.parameter("Limit")["schema"]
    page = oracle.parameter("Page")["schema"]
    expected_limit = _requested(obs, "limit", int(limit["default"]), int(limit["maximum"]))
    expected_page = _requested(obs, "page", int(page.get("default", 1)), None)
    total, per_page = pagination["totalItems"], pagination["itemsPerPage"]
    current, last = pagination["currentPage"], pagination["lastPage"]
    problems = []
    if pagination["pageTotalItems"] != len(data):
        problems.append(f"pageTotalItems {pagination['pageTotalItems']} but {len(data)} items")
    if expected_limit is not None and per_page != expected_limit:
        problems.append(f"itemsPerPage {per_page} but the limit in effect is {expected_limit}")
    if expected_page is not None and current != expected_page:
        problems.append(f"currentPage {current} but page {expected_page} was asked for")
    expected_last = max(1, math.ceil(total / per_page)) if per_page > 0 else 1
    if last != expected_last:
        problems.append(
            f"lastPage {last} but {total} items at {per_page} a page make {expected_last}"
        )
    before = (current - 1) * per_page
    expected_items = max(0, min(per_page, total - before)) if per_page > 0 else 0
    if len(data) != expected_items:
        problems.append(
            f"page {current} of {total} items at {per_page} a page holds {expected_items}, "
            f"not {len(data)}"
        )
    if problems:
        raise ContractViolation("meta.pagination: " + "; ".join(problems))


def page_summary(obs: Observation, key: str = "id") -> PageSummary:
    """The pagination and the item ids of one collection page (for the cross-page rule)."""
    pagination = _pagination(obs)
    if pagination is None:
        raise ContractViolation(f"{obs.method} {obs.url}: HTTP {obs.status}, not a collection page")
    ids = tuple(str(item.get(key)) for item in obs.body["data"] if isinstance(item, Mapping))
    return PageSummary(pagination, ids)


class PageSummary:
    """One page of a walk through a collection: its `meta.pagination` and its item ids."""

    __slots__ = ("ids", "pagination")

    def __init__(self, pagination: Mapping[str, int], ids: Sequence[str]) -> None:
        self.pagination = dict(pagination)
        self.ids = tuple(ids)

    def __repr__(self) -> str:
        return f"PageSummary({self.pagination}, {len(self.ids)} ids)"


def check_pages_cover_totals(pages: Sequence[PageSummary]) -> None:
    """A walk from page 1 to lastPage sees totalItems distinct items, the same totals throughout.

    Holds on a collection nobody writes to during the walk (the reference model's own filter).
    """
    if not pages:
        raise ContractViolation("no page to check")
    first = pages[0].pagination
    problems = []
    for number, page in enumerate(pages, start=1):
        for field in ("totalItems", "lastPage", "itemsPerPage"):
            if page.pagination[field] != first[field]:
                problems.append(
                    f"page {number}: {field} {page.pagination[field]}, page 1: {first[field]}"
                )
    seen = [item for page in pages for item in page.ids]
    if len(pages) != first["lastPage"]:
        problems.append(f"walked {len(pages)} pages but lastPage is {first['lastPage']}")
    if len(seen) != len(set(seen)):
        problems.append("an item appears on two pages")
    if len(set(seen)) != first["totalItems"]:
        problems.append(
            f"the pages hold {len(set(seen))} items but totalItems is {first['totalItems']}"
        )
    summed = sum(page.pagination["pageTotalItems"] for page in pages)
    if summed != first["totalItems"]:
        problems.append(f"pageTotalItems add up to {summed}, totalItems is {first['totalItems']}")
    if problems:
        raise ContractViolation("pages vs totals: " + "; ".join(problems))


def check_error_body(obs: Observation) -> None:
    """Every 4xx and 5xx answer is a JSON object whose `detail` says what went wrong."""
    if obs.status < 400:
        return
    if not (obs.has_json and isinstance(obs.body, Mapping)):
        raise ContractViolation(
            f"HTTP {obs.status} without a JSON error object: {obs.text[:200]!r}"
        )
    detail = obs.body.get("detail")
    if not (isinstance(detail, str) and detail.strip()):
        raise ContractViolation(
            f"HTTP {obs.status} error body without a detail: {obs.text[:200]!r}"
        )


def check_violations(obs: Observation) -> None:
    """A 422 lists its violations; every violation (on any error) names its property.

    Each violation is `{propertyPath: string (empty for the whole object), message: non-empty
    string, code: string or null}` (API Platform's constraint-violation list, the spec's
    `Violation`).
    """
    if obs.status < 400 or not (obs.has_json and isinstance(obs.body, Mapping)):
        return
    violations = obs.body.get("violations")
    if obs.status == 422 and not (isinstance(violations, list) and violations):
        raise ContractViolation(f"HTTP 422 without violations: {obs.text[:200]!r}")
    if violations is None:
        return
    if not isinstance(violations, list):
        raise ContractViolation(f"violations is not a list: {violations!r}"[:300])
    problems = []
    for index, violation in enumerate(violations):
        if not isinstance(violation, Mapping):
            problems.append(f"violation {index} is not an object")
            continue
        if not isinstance(violation.get("propertyPath"), str):
            problems.append(f"violation {index} has no propertyPath")
        message = violation.get("message")
        if not (isinstance(message, str) and message):
            problems.append(f"violation {index} has no message")
        code = violation.get("code")
        if code is not None and not isinstance(code, str):
            problems.append(f"violation {index} has a code that is not a string: {code!r}")
    if problems:
        raise ContractViolation("; ".join(problems))


def check_archived(archived: Observation, read_back: Observation) -> None:
    """An archive answers the customer archived, and the customer is still readable, archived.

    `archived` is the answer to `PUT /customers/{id}/archive`, `read_back` a later
    `GET /customers/{id}` (archiving is a soft delete: spec/fynn/NOTES.md, "Archive semantics").
    """
    if archived.status != 200:
        raise ContractViolation(f"archive answered HTTP {archived.status}: {archived.text[:200]!r}")
    if not (isinstance(archived.body, Mapping) and archived.body.get("status") == ARCHIVED):
        raise ContractViolation(f"the archive's answer is not {ARCHIVED}: {archived.text[:200]!r}")
    if read_back.status != 200:
        raise ContractViolation(
            f"an archived customer must stay readable; GET answered HTTP {read_back.status}"
        )
    body = read_back.body if isinstance(read_back.body, Mapping) else {}
    if body.get("id") != archived.body.get("id") or body.get("status") != ARCHIVED:
        raise ContractViolation(
            f"read back after the archive: id {body.get('id')!r}, status {body.get('status')!r}"
        )


def check_hierarchy_tree(body: Any, requested: str | None = None) -> None:
    """A hierarchy is a tree from its root: no customer twice (a cycle), at most MAX_LEVELS
    levels, and exactly one node, the one asked for, marked `isCurrentCustomer`."""
    root = body.get("root") if isinstance(body, Mapping) else None
    if not isinstance(root, Mapping):
        raise ContractViolation(f"a hierarchy without a root: {body!r}"[:300])
    seen: list[str] = []
    current: list[str] = []
    deepest = 0
    pending: list[tuple[Mapping[str, Any], int]] = [(root, 1)]
    while pending:
        node, level = pending.pop()
        deepest = max(deepest, level)
        node_id = str(node.get("id"))
        if node_id in seen:
            raise ContractViolation(f"customer {node_id} appears twice in its hierarchy (a cycle)")
        seen.append(node_id)
        if node.get("isCurrentCustomer") is True:
            current.append(node_id)
        children = node.get("children") or []
        if not isinstance(children, list):
            raise ContractViolation(f"children of {node_id} is not a list")
        pending.extend((child, level + 1) for child in children if isinstance(child, Mapping))
    problems = []
    if deepest > MAX_LEVELS:
        problems.append(f"{deepest} levels (at most {MAX_LEVELS})")
    if len(current) != 1:
        problems.append(f"{len(current)} nodes marked isCurrentCustomer")
    elif requested is not None and current[0] != requested:
        problems.append(f"isCurrentCustomer marks {current[0]}, not the requested {requested}")
    if problems:
        raise ContractViolation("hierarchy: " + "; ".join(problems))


def _hierarchy_request(obs: Observation) -> str | None:
    """The customer id of a successful `GET /customers/{id}/hierarchy`, else None."""
    segments = urlsplit(obs.url).path.strip("/").split("/")
    if obs.method != "GET" or obs.status != 200 or len(segments) < 3:
        return None
    if segments[-1] != "hierarchy" or segments[-3] != "customers":
        return None
    return unquote(segments[-2])


def fynn_pagination(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """meta.pagination agrees with data, the request's page and limit, and the totals."""
    check_pagination(observe(response, case), oracle_for(case, SPEC_PATH))
    return None


def fynn_hierarchy(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """A hierarchy answer is a tree of at most 3 levels marking the customer asked for."""
    obs = observe(response, case)
    requested = _hierarchy_request(obs)
    if requested is not None:
        check_hierarchy_tree(obs.body, requested)
    return None


def fynn_archive(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """A successful archive answers the customer with status STATUS_ARCHIVED."""
    obs = observe(response, case)
    segments = urlsplit(obs.url).path.strip("/").split("/")
    if obs.method == "PUT" and obs.status == 200 and segments[-1:] == ["archive"]:
        body = obs.body if isinstance(obs.body, Mapping) else {}
        if body.get("status") != ARCHIVED:
            raise ContractViolation(f"archive answered status {body.get('status')!r}")
    return None


def fynn_error_body(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Error answers are JSON objects with a detail."""
    check_error_body(observe(response, case))
    return None


def fynn_violations(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """422 lists violations; every violation names its propertyPath and has a message."""
    check_violations(observe(response, case))
    return None


#: Fynn's schemathesis checks, registered by nobody until a Fynn run scopes them
CHECKS = (fynn_pagination, fynn_error_body, fynn_violations, fynn_hierarchy, fynn_archive)
