"""The bench's ceiling server answers each captured request line with its bytes, nothing else.

If it answered anything else (a 200 for an uncaptured path, the wrong body), emulator / ceiling
in the bench table would compare the emulator with a server sending different bytes.
"""

from __future__ import annotations

import httpx

from benchmarks.ceiling import CeilingApp
from tests.threaded_server import serve_in_thread


def test_ceiling_sends_the_captured_bytes_per_request_line_and_404_otherwise() -> None:
    app = CeilingApp(
        {
            "GET /customer/1": (200, b'{"response":{"customer_id":1}}'),
            "GET /customer?limit=500": (200, b'{"response":[]}'),
            "POST /customer": (201, b'{"response":{"id":9}}'),
        }
    )
    with serve_in_thread(app) as base, httpx.Client(base_url=base) as client:
        got = client.get("/customer/1")
        assert (got.status_code, got.content) == (200, b'{"response":{"customer_id":1}}')
        assert got.headers["content-type"] == "application/json"
        assert client.get("/customer", params={"limit": "500"}).content == b'{"response":[]}'
        created = client.post("/customer", json={"company": "x" * 10_000})
        assert (created.status_code, created.content) == (201, b'{"response":{"id":9}}')
        assert client.get("/customer/2").status_code == 404
        assert client.get("/customer", params={"limit": "10"}).status_code == 404
