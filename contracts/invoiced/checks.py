"""Invoiced's wire rules, and the schemathesis checks that apply them.

What Invoiced adds on top of plain OpenAPI (spec/invoiced/openapi.yaml, NOTES.md): paging in the
`Link` and `X-Total-Count` headers, the error body `{type, message, param}`, `204` with no body
on delete, and partial `PATCH`. Each rule is a pure function over a `checks.Observation` (or,
for the rules that need more than one response, over several), so the schemathesis checks and
the reference model (`contracts.invoiced.model`) apply the same code; each raises
`ContractViolation` saying what is wrong. Importing this module registers nothing: the checks
belong to Invoiced's harness dialect, and a run registers them for its own duration only.
Page sizes are read from the spec, never hard-coded a second time.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from schemathesis import CheckContext, Response
from schemathesis.generation.case import Case

from contracts.checks import ContractViolation, Observation, broken_rules, observe, oracle_for
from contracts.oracle import Oracle
from contracts.settings import REPO_ROOT

__all__ = [
    "CHECKS",
    "SPEC_PATH",
    "LinkPage",
    "PageSize",
    "check_delete_no_content",
    "check_error_body",
    "check_link_header",
    "check_page_total",
    "check_patch_partial",
    "check_walk",
    "invoiced_delete_no_content",
    "invoiced_error_body",
    "invoiced_link_header",
    "invoiced_page_total",
    "parse_links",
    "run_all",
]

SPEC_PATH = REPO_ROOT / "spec" / "invoiced" / "openapi.yaml"
# one `<url>; rel="name"` entry; entries may be split by line breaks and spaces (SDK stubs)
_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="([^"]*)"')
# fields a PATCH changes by itself: the server's clock
_SERVER_CHANGES = frozenset({"updated_at"})


def parse_links(header: str) -> dict[str, str]:
    """`rel` -> URL of a `Link` header (a rel given twice is a violation)."""
    links: dict[str, str] = {}
    for url, rel in _LINK.findall(header):
        if rel in links:
            raise ContractViolation(f'Link names rel="{rel}" twice: {header!r}')
        links[rel] = url
    return links


@dataclasses.dataclass(frozen=True)
class PageSize:
    """The spec's `per_page`: the size of a page when none is asked for, and the largest one
    served (a larger request is refused, or, where a leniency allows it, served at the maximum)."""

    default: int
    maximum: int

    @classmethod
    def of(cls, oracle: Oracle) -> PageSize:
        """Read from the spec's `PerPage` parameter."""
        schema = oracle.parameter("PerPage")["schema"]
        return cls(int(schema["default"]), int(schema["maximum"]))

    def served(self, raw: str | None) -> int:
        """The page size a 200 answers for the request's `per_page` text."""
        return min(_positive(raw, self.default), self.maximum)


@dataclasses.dataclass(frozen=True)
class LinkPage:
    """What one list response says about the listing: its page, size, total and links."""

    page: int
    per_page: int
    total: int
    links: Mapping[str, str]
    items: Sequence[Any]

    @property
    def last(self) -> int:
        """The last page's number (1 for an empty listing)."""
        return max(1, math.ceil(self.total / self.per_page))

    @classmethod
    def read(cls, obs: Observation, sizes: PageSize) -> LinkPage:
        """The page a (200, list) response answers, or a violation when its headers are unusable."""
        if not isinstance(obs.body, list):
            raise ContractViolation(f"A listing's body is not a JSON array: {obs.text[:200]!r}")
        header = obs.headers.get("link")
        raw_total = obs.headers.get("x-total-count")
        if not header or raw_total is None:
            missing = [name for name, value in (("Link", header), ("X-Total-Count", raw_total))
                       if not value]  # fmt: skip
            raise ContractViolation(f"A listing without {' and '.join(missing)}")
        if not raw_total.strip().isdigit():
            raise ContractViolation(f"X-Total-Count is not a count: {raw_total!r}")
        query = obs.query
        page = _positive(query.get("page"), 1)
        per_page = sizes.served(query.get("per_page"))
        return cls(page, per_page, int(raw_total), parse_links(header), obs.body)


def _positive(raw: str | None, default: int) -> int:
    """A positive integer query value, or the default (absent or not a number)."""
    return int(raw) if raw is not None and raw.isdigit() and int(raw) > 0 else default


def _page_of(url: str) -> tuple[int | None, dict[str, str]]:
    """The `page` a link URL names, and its other query parameters."""
    query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    raw = query.pop("page", None)
    return (int(raw) if raw is not None and raw.isdigit() else None), query


def _listing(obs: Observation) -> bool:
    """A successful GET answered with an array: a page of a listing."""
    return obs.method == "GET" and obs.status == 200 and isinstance(obs.body, list)


def check_link_header(
    obs: Observation, sizes: PageSize, declared: Collection[str] | None = None
) -> None:
    """`Link` names self, first and last always, `previous` exactly when page > 1 and `next`
    exactly when a later page exists; each URL repeats the request's query with its own page.

    `declared` are the operation's query parameters: only those must be repeated (OpenAPI
    does not forbid others, and a server may drop what it does not know). A deepObject
    parameter's keys (`filter[name]`) count as the parameter (`filter`).
    """
    if not _listing(obs):
        return
    page = LinkPage.read(obs, sizes)
    expected_rels = {"self", "first", "last"}
    if page.page > 1:
        expected_rels.add("previous")
    if page.page < page.last:
        expected_rels.add("next")
    where = f"page {page.page} of {page.last} ({page.total} records, per_page {page.per_page})"
    if set(page.links) != expected_rels:
        extra = sorted(set(page.links) - expected_rels)
        missing = sorted(expected_rels - set(page.links))
        raise ContractViolation(
            f"Link relations wrong on {where}: missing {missing}, unexpected {extra}"
        )
    # `previous` of a page past the end: the page before it, or the last one (both readable)
    targets: dict[str, set[int]] = {
        "self": {page.page},
        "first": {1},
        "last": {page.last},
        "next": {page.page + 1},
        "previous": {page.page - 1, min(page.page - 1, page.last)},
    }
    request_query = {
        key: value
        for key, value in obs.query.items()
        if key != "page" and (declared is None or key.split("[", 1)[0] in declared)
    }
    problems = []
    for rel, url in sorted(page.links.items()):
        number, others = _page_of(url)
        if number not in targets[rel]:
            problems.append(f'rel="{rel}" names page {number}, expected {sorted(targets[rel])}')
        if others.get("per_page", str(page.per_page)) != str(page.per_page):
            problems.append(f'rel="{rel}" has per_page {others["per_page"]}, not {page.per_page}')
        others.pop("per_page", None)
        asked = {key: value for key, value in request_query.items() if key != "per_page"}
        if not _same_query(others, asked):
            problems.append(f'rel="{rel}" does not repeat the query: {others} != {asked}')
    if problems:
        raise ContractViolation(f"Link URLs wrong on {where}: " + "; ".join(problems))


def _same_query(linked: Mapping[str, str], asked: Mapping[str, str]) -> bool:
    """The same parameters with the same values; a value may come back in another spelling of
    the same number or boolean (`0` as `0.0`, `True` as `true`): a reader gets the same page."""
    if set(linked) != set(asked):
        return False
    return all(_same_value(linked[key], asked[key]) for key in asked)


def _same_value(linked: str, asked: str) -> bool:
    if (
        linked == asked
        or {linked.lower(), asked.lower()} <= {"true"}
        or ({linked.lower(), asked.lower()} <= {"false"})
    ):
        return True
    try:
        return float(linked) == float(asked)
    except ValueError:
        return False


def check_page_total(obs: Observation, sizes: PageSize) -> None:
    """The page holds exactly the records `X-Total-Count` leaves for it: per_page on every page
    before the last, the remainder on the last, none past it."""
    if not _listing(obs):
        return
    page = LinkPage.read(obs, sizes)
    before = (page.page - 1) * page.per_page
    expected = max(0, min(page.per_page, page.total - before))
    if len(page.items) != expected:
        raise ContractViolation(
            f"Page {page.page} (per_page {page.per_page}) holds {len(page.items)} records; "
            f"X-Total-Count {page.total} leaves {expected} for it"
        )


def check_walk(pages: Sequence[LinkPage], primary_key: str = "id") -> list[Any]:
    """Pages reached by following `next` from the first one cover the listing exactly once:
    every page states the same total, and the records over all pages number X-Total-Count.
    Returns the primary keys in listing order."""
    if not pages:
        raise ContractViolation("No page to walk")
    totals = {page.total for page in pages}
    if len(totals) != 1:
        raise ContractViolation(f"X-Total-Count changed while walking: {sorted(totals)}")
    keys = [item.get(primary_key) if isinstance(item, dict) else item
            for page in pages for item in page.items]  # fmt: skip
    if len(set(map(repr, keys))) != len(keys):
        raise ContractViolation(f"A record appears on two pages: {keys}")
    total = pages[0].total
    if len(keys) != total:
        raise ContractViolation(
            f"Walking {len(pages)} page(s) gave {len(keys)} records; X-Total-Count says {total}"
        )
    return keys


def check_error_body(obs: Observation) -> None:
    """Every error is `{type, message, param}`: `type` and `message` non-empty strings, `param`
    a string or null when present; no envelope around it."""
    if obs.status < 400:
        return
    body = obs.body
    if not isinstance(body, dict):
        raise ContractViolation(f"HTTP {obs.status} body is not a JSON object: {obs.text[:200]!r}")
    problems = []
    for field in ("type", "message"):
        if not (isinstance(body.get(field), str) and body[field].strip()):
            problems.append(f"`{field}` must be a non-empty string, got {body.get(field)!r}")
    if "param" in body and not (body["param"] is None or isinstance(body["param"], str)):
        problems.append(f"`param` must be a string or null, got {body['param']!r}")
    envelope = sorted({"code", "status", "response", "details"} & set(body))
    if envelope:
        problems.append(f"an envelope's keys {envelope} around the error")
    if problems:
        raise ContractViolation(f"HTTP {obs.status} error body: " + "; ".join(problems))


def check_delete_no_content(obs: Observation) -> None:
    """A successful DELETE answers 204 with an empty body."""
    if obs.method != "DELETE" or not 200 <= obs.status < 300:
        return
    if obs.status != 204:
        raise ContractViolation(f"DELETE answered HTTP {obs.status}, not 204 No Content")
    if obs.text:
        raise ContractViolation(f"DELETE answered 204 with a body: {obs.text[:200]!r}")


def check_patch_partial(
    before: Mapping[str, Any], sent: Mapping[str, Any], after: Mapping[str, Any]
) -> None:
    """A PATCH changes the fields it sends, to the values sent, and nothing else (the server's
    `updated_at` aside). `before` and `after` are the object as read before and after."""
    problems = []
    for field, value in sent.items():
        if field in after and not _same(after[field], value):
            problems.append(f"sent {field}={value!r}, reads {after[field]!r}")
    for field, value in before.items():
        if field in sent or field in _SERVER_CHANGES:
            continue
        if field not in after:
            problems.append(f"unsent {field} disappeared (was {value!r})")
        elif not _same(after[field], value):
            problems.append(f"unsent {field} changed: {value!r} -> {after[field]!r}")
    if problems:
        raise ContractViolation("PATCH is not partial: " + "; ".join(problems))


def _same(read: Any, written: Any) -> bool:
    """A value read back equals the value written (an empty metadata map reads as `[]`)."""
    if written == {} and read == []:
        return True
    return bool(read == written)


def run_all(obs: Observation, oracle: Oracle) -> list[tuple[str, str]]:
    """Every single-response rule against one observation: (check name, violation) each."""
    sizes = PageSize.of(oracle)
    rules: dict[str, Callable[[], None]] = {
        "invoiced_link_header": lambda: check_link_header(obs, sizes),
        "invoiced_page_total": lambda: check_page_total(obs, sizes),
        "invoiced_error_body": lambda: check_error_body(obs),
        "invoiced_delete_no_content": lambda: check_delete_no_content(obs),
    }
    return broken_rules(rules)


def invoiced_link_header(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Link names self/first/last, previous iff page > 1, next iff a later page exists."""
    declared = {parameter.name for parameter in case.operation.query}
    check_link_header(observe(response, case), PageSize.of(oracle_for(case, SPEC_PATH)), declared)
    return None


def invoiced_page_total(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """A page holds exactly the records X-Total-Count leaves for it."""
    check_page_total(observe(response, case), PageSize.of(oracle_for(case, SPEC_PATH)))
    return None


def invoiced_error_body(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Errors are `{type, message, param}`."""
    check_error_body(observe(response, case))
    return None


def invoiced_delete_no_content(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    """A successful DELETE is 204 with an empty body."""
    check_delete_no_content(observe(response, case))
    return None


#: Invoiced's schemathesis checks, registered by nobody until a run scopes them
CHECKS = (
    invoiced_link_header,
    invoiced_page_total,
    invoiced_error_body,
    invoiced_delete_no_content,
)
