"""The injection and garbage corpus: hostile strings, and where each is placed in a request."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import quote

from tests.reliability.sqlwatch import CANARY_TABLE, MARKER

__all__ = ["BODY_GARBAGE", "HOSTILE", "Probe", "read_probes", "write_probes"]

# SQL injection: quote breakouts for string literals and identifiers, stacked statements,
# UNION reads, comment tricks, LIKE wildcards. MARKER/CANARY_TABLE spelt as identifiers make
# any of them visible in the traced SQL if it was ever pasted into the statement text.
INJECTION = (
    f"x' OR {MARKER} IS NULL --",
    f"'; DROP TABLE {CANARY_TABLE}; --",
    f'"; DROP TABLE {CANARY_TABLE}; --',
    f"1; DELETE FROM {CANARY_TABLE}",
    "1 OR 1=1",
    f"' UNION SELECT name, note FROM {CANARY_TABLE} --",
    f'company" = "company" OR {MARKER} --',
    f"x%' OR {MARKER} LIKE '%",
    f"\\' OR {MARKER} --",
    f"') OR ({MARKER}",
    f"{MARKER}/**/OR/**/1=1",
    f"x' OR EXISTS (SELECT 1 FROM {CANARY_TABLE}) OR 'a' = 'b",
    "%",
    "_",
    "\\",
    "\\:\\,\\\\",
)
# Unicode edge cases: case folding, combining marks, bidi override, zero-width, BOM, astral
# plane, full-width quote, line/paragraph separators, a non-character.
UNICODE = (
    "İstanbul ǅ ß ﬃ",
    "e\u0301\u0301\u0301",
    "\u202eevil\u202c",
    "a\u200db\u200cc\ufeff",
    "🙂🙃👩‍👩‍👧",
    "\uff07 OR 1=1 --",
    "\u2028\u2029",
    "\ufffe\uffff",
)
NUL = ("a\x00b", "\x00", f"x\x00'; DROP TABLE {CANARY_TABLE}; --")
LONG = ("A" * 20_000, "'" * 5_000, "\\" * 4_001, "🙂" * 3_000)
HOSTILE: tuple[str, ...] = INJECTION + UNICODE + NUL + LONG


@dataclasses.dataclass(frozen=True)
class Probe:
    """One request built from one hostile input."""

    place: str
    method: str
    url: str
    params: dict[str, str] | None = None
    json_body: Any = None
    content: bytes | None = None
    headers: dict[str, str] | None = None


def read_probes(ids: dict[str, int]) -> list[Probe]:
    """Hostile inputs in `where`, `order`, path ids, lookups and query parameters.

    None of these requests may change data: they are reads, or writes addressed to an object
    that cannot exist, or writes refused for their query.
    """
    customer = f"/api/v3/customer/{ids['customer']}"
    probes: list[Probe] = []
    for text in HOSTILE:
        path_text = quote(text, safe="")
        probes += [
            Probe(
                "where value (string)",
                "GET",
                "/api/v3/customer",
                {"where": f"company:EQUALS:{text}"},
            ),
            Probe(
                "where value (CONTAINS)", "GET", "/api/v3/user", {"where": f"email:CONTAINS:{text}"}
            ),
            Probe(
                "where value (integer)",
                "GET",
                "/api/v3/invoice",
                {"where": f"customer_id:EQUALS:{text}"},
            ),
            Probe("where field", "GET", "/api/v3/customer/_count", {"where": f"{text}:EQUALS:x"}),
            Probe("where operator", "GET", "/api/v3/customer", {"where": f"company:{text}:x"}),
            Probe(
                "where dotted field",
                "GET",
                "/api/v3/invoice",
                {"where": f"line_items.{text}:EQUALS:1"},
            ),
            Probe("order field", "GET", "/api/v3/customer", {"order": f"{text}:ASC"}),
            Probe("order direction", "GET", "/api/v3/invoice", {"order": f"total:{text}"}),
            Probe("path id (GET)", "GET", f"/api/v3/customer/{path_text}"),
            Probe("path id (DELETE)", "DELETE", f"/api/v3/invoice/{path_text}"),
            Probe(
                "path id (PUT)", "PUT", f"/api/v3/user/{path_text}", json_body={"first_name": "x"}
            ),
            Probe("path id (action)", "POST", f"/api/v3/invoice/{path_text}/_action/void"),
            Probe("path id (revisions)", "GET", f"/api/v3/customer/{path_text}/_revision"),
            Probe("lookup external_key", "GET", f"/api/v3/customer/external_key:{path_text}"),
            Probe("lookup token", "DELETE", f"/api/v3/user/token:{path_text}"),
            Probe("query limit", "GET", "/api/v3/customer", {"limit": text}),
            Probe("query offset", "GET", "/api/v3/user", {"offset": text}),
            Probe("query action name", "POST", customer, {"action": text}),
            Probe("unknown query parameter", "GET", "/api/v3/customer", {text[:200] or "k": text}),
            Probe("path segment (resource)", "GET", f"/api/v3/{path_text}"),
        ]
    return probes


def _nested(depth: int) -> bytes:
    return b'{"company":' + b"[" * depth + b"]" * depth + b"}"


# Bodies that must be refused (4xx) and change nothing, deep nesting and lone surrogates included.
BODY_GARBAGE: tuple[tuple[str, bytes, str], ...] = (
    ("invalid JSON", b'{"company": ', "application/json"),
    ("NaN literal", b'{"company": "x", "custom_1": NaN}', "application/json"),
    ("invalid UTF-8", b'{"company": "\xff\xfe"}', "application/json"),
    ("UTF-16 BOM body", '{"company": "x"}'.encode("utf-16"), "application/json"),
    ("NUL bytes only", b"\x00\x00\x00", "application/json"),
    ("NUL in a key", b'{"comp\\u0000any": "x"}', "application/json"),
    ("JSON array instead of object", b'[{"company": "x"}]', "application/json"),
    ("JSON string instead of object", b'"company"', "application/json"),
    ("wrong type (number)", b'{"company": 12345}', "application/json"),
    ("wrong type (object)", b'{"company": {"$gt": ""}}', "application/json"),
    (
        "unknown field with injection name",
        f'{{"company": "x", "{MARKER}; DROP TABLE {CANARY_TABLE}": 1}}'.encode(),
        "application/json",
    ),
    ("form-encoded", b"company=x&external_key=y", "application/x-www-form-urlencoded"),
    ("XML", b"<customer><company>x</company></customer>", "application/xml"),
    (
        "multipart",
        b"--b\r\nContent-Disposition: form-data; name=company\r\n\r\nx\r\n--b--",
        "multipart/form-data; boundary=b",
    ),
    ("deep JSON (64)", _nested(64), "application/json"),
    ("deep JSON (500)", _nested(500), "application/json"),
    ("deep JSON (100000)", b"[" * 100_000, "application/json"),
    ("lone surrogate", b'{"company": "\\ud800"}', "application/json"),
    ("too large (2 MiB)", b'{"company": "' + b"x" * (2 * 1024 * 1024) + b'"}', "application/json"),
)


def write_probes(ids: dict[str, int]) -> list[Probe]:
    """Garbage bodies sent to create, update, action and bulk endpoints."""
    targets = [
        ("POST", "/api/v3/customer"),
        ("PUT", f"/api/v3/customer/{ids['customer']}"),
        ("POST", f"/api/v3/invoice/{ids['invoice']}/_action/pay"),
        ("POST", "/api/v3/_bulk"),
    ]
    return [
        Probe(f"body: {name}", method, url, content=content, headers={"content-type": kind})
        for name, content, kind in BODY_GARBAGE
        for method, url in targets
    ]
