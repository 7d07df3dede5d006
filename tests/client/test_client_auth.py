"""Basic and signature-v1 auth, checked against the fact sheet's test vector (§2.2)."""

from __future__ import annotations

import base64
import re

import httpx

from chargeover_client.lib import BasicAuth, SignatureAuth, signature_v1
from tests.client.conftest import PRIVATE_KEY, PUBLIC_KEY

VECTOR_URL = (
    "https://Example.chargeover.com/api/v3/customer?_dummy=1&where=company%3ACONTAINS%3Atest"
)


def test_signature_matches_fact_sheet_vector_with_empty_body() -> None:
    signature = signature_v1(
        public_key=PUBLIC_KEY,
        private_key=PRIVATE_KEY,
        url=VECTOR_URL,
        nonce="k3x9q2ma",
        timestamp=1700000000,
    )
    assert signature == "e16b50167adc1fb9c5b758f5d6d2fcee48aa3bd53990086da58aecd4ccb34a6c"


def test_signature_matches_fact_sheet_vector_with_body() -> None:
    signature = signature_v1(
        public_key=PUBLIC_KEY,
        private_key=PRIVATE_KEY,
        url=VECTOR_URL,
        nonce="k3x9q2ma",
        timestamp=1700000000,
        body=b'{"company":"Test"}',
    )
    assert signature == "29e88c1e089b3441e0c01ddc0349a4201423728cf1924eafd13af932327b3afc"


def _send(auth: httpx.Auth, request: httpx.Request) -> httpx.Request:
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200)

    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as client:
        client.send(request)
    return seen[0]


def test_signature_auth_signs_the_request_as_sent() -> None:
    auth = SignatureAuth(
        PUBLIC_KEY, PRIVATE_KEY, clock=lambda: 1700000000.9, nonce=lambda: "k3x9q2ma"
    )
    request = httpx.Request("POST", VECTOR_URL, content=b'{"company":"Test"}')
    header = _send(auth, request).headers["Authorization"]
    fields = dict(re.findall(r'(co_\w+)="([^"]*)"', header))
    assert header.startswith("ChargeOver ")
    assert fields == {
        "co_public_key": PUBLIC_KEY,
        "co_nonce": "k3x9q2ma",
        "co_timestamp": "1700000000",
        "co_signature_method": "HMAC-SHA256",
        "co_version": "1.0",
        "co_signature": "29e88c1e089b3441e0c01ddc0349a4201423728cf1924eafd13af932327b3afc",
    }
    assert PRIVATE_KEY not in header


def test_default_nonce_is_eight_distinct_lowercase_alphanumerics() -> None:
    header = _send(
        SignatureAuth(PUBLIC_KEY, PRIVATE_KEY), httpx.Request("GET", VECTOR_URL)
    ).headers["Authorization"]
    nonce = re.search(r'co_nonce="([^"]*)"', header)
    assert nonce is not None
    assert re.fullmatch(r"[a-z0-9]{8}", nonce.group(1))
    assert len(set(nonce.group(1))) == 8


def test_basic_auth_header() -> None:
    header = _send(BasicAuth(PUBLIC_KEY, PRIVATE_KEY), httpx.Request("GET", VECTOR_URL)).headers[
        "Authorization"
    ]
    assert header == "Basic " + base64.b64encode(f"{PUBLIC_KEY}:{PRIVATE_KEY}".encode()).decode()


def test_auth_objects_hide_keys() -> None:
    for auth in (BasicAuth(PUBLIC_KEY, PRIVATE_KEY), SignatureAuth(PUBLIC_KEY, PRIVATE_KEY)):
        for text in (repr(auth), str(auth), repr(vars(auth))):
            assert PUBLIC_KEY not in text
            assert PRIVATE_KEY not in text
