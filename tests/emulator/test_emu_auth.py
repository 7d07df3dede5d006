"""Basic and signature-v1 authentication, and the per-credential rate limit."""

from __future__ import annotations

import base64

import pytest

from chargeover_emulator.auth import Authenticator, signature_for, string_to_sign
from chargeover_emulator.config import RateLimit
from chargeover_emulator.errors import TooManyRequests, Unauthorized
from chargeover_emulator.ratelimit import RateLimiter

PUB, PRIV = "PjID8u5VOCfJk3iYKzTMo7emstRLnEp9", "xgEWspuItV7A2D6miwZFk94dTrBLSKQO"
URL = "https://Example.chargeover.com/api/v3/customer?_dummy=1&where=company%3ACONTAINS%3Atest"


def _header(nonce: str, ts: str, sig: str) -> str:
    return (
        f'ChargeOver co_public_key="{PUB}" co_nonce="{nonce}" co_timestamp="{ts}" '
        f'co_signature_method="HMAC-SHA256" co_version="1.0" co_signature="{sig}" '
    )


def test_fact_sheet_vector() -> None:
    empty = signature_for(PRIV, string_to_sign(PUB, URL, "k3x9q2ma", "1700000000", b""))
    body = signature_for(
        PRIV, string_to_sign(PUB, URL, "k3x9q2ma", "1700000000", b'{"company":"Test"}')
    )
    assert empty == "e16b50167adc1fb9c5b758f5d6d2fcee48aa3bd53990086da58aecd4ccb34a6c"
    assert body == "29e88c1e089b3441e0c01ddc0349a4201423728cf1924eafd13af932327b3afc"


def test_signature_accepted_then_replay_rejected() -> None:
    auth = Authenticator(PUB, PRIV, clock=lambda: 1700000100)
    sig = signature_for(PRIV, string_to_sign(PUB, URL, "k3x9q2ma", "1700000000", b""))
    assert auth.authenticate(_header("k3x9q2ma", "1700000000", sig), URL, b"") == PUB
    with pytest.raises(Unauthorized, match="Nonce"):
        auth.authenticate(_header("k3x9q2ma", "1700000000", sig), URL, b"")


def test_signature_rejections() -> None:
    auth = Authenticator(PUB, PRIV, window_seconds=300, clock=lambda: 1700000000 + 301)
    sig = signature_for(PRIV, string_to_sign(PUB, URL, "n1", "1700000000", b""))
    with pytest.raises(Unauthorized, match="window"):
        auth.authenticate(_header("n1", "1700000000", sig), URL, b"")
    auth = Authenticator(PUB, PRIV, clock=lambda: 1700000000)
    with pytest.raises(Unauthorized, match="Invalid request signature"):
        auth.authenticate(_header("n2", "1700000000", sig), URL, b"tampered")
    with pytest.raises(Unauthorized, match="Malformed"):
        auth.authenticate('ChargeOver co_public_key="x"', URL, b"")


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "Missing (basic) authorization header."),
        ("", "Missing (basic) authorization header."),
        ("Basic !!!notbase64", "Malformed (basic) authorization header."),
        (
            "Basic " + base64.b64encode(b"nocolon").decode(),
            "Malformed (basic) authorization header.",
        ),
        (
            "Basic " + base64.b64encode(f"{PUB}:wrong".encode()).decode(),
            "Invalid API username or password.",
        ),
        ("Bearer abc", "Unsupported authorization scheme (Bearer)."),
    ],
)
def test_basic_rejections(header: str | None, reason: str) -> None:
    with pytest.raises(Unauthorized) as info:
        Authenticator(PUB, PRIV).authenticate(header, URL, b"")
    assert info.value.message == f"Invalid or incorrect authorization [{reason}]"


def test_rate_limiter_sliding_window() -> None:
    now = [0.0]
    limiter = RateLimiter(RateLimit(2, 60.0), clock=lambda: now[0])
    limiter.hit("a")
    limiter.hit("a")
    limiter.hit("b")
    now[0] = 20.3
    with pytest.raises(TooManyRequests) as refused:
        limiter.hit("a")
    # the first hit (at 0) leaves the window at 60: 39.7 s from now, announced as 40
    assert refused.value.headers["Retry-After"] == "40"
    now[0] = 60.5
    limiter.hit("a")


def test_rate_limit_parse() -> None:
    assert RateLimit.parse("250/min") == RateLimit(250, 60.0)
    assert not RateLimit.parse("off").enabled


SUPERSCRIPT_TWO = "\u00b2"  # '²': str.isdigit() says yes, int() says no
ARABIC_INDIC = "".join(chr(0x0660 + int(d)) for d in "1700000000")  # int() reads these


@pytest.mark.parametrize(
    "timestamp", ["17" + SUPERSCRIPT_TWO, ARABIC_INDIC, "9" * 5000, "-1", "1e9"]
)
def test_signature_timestamp_must_be_ascii_decimal(timestamp: str) -> None:
    """'²'.isdigit() is True but int('²') raises, as does int() of 5000 digits: a 401, not a 500."""
    auth = Authenticator(PUB, PRIV, clock=lambda: 1700000000)
    sig = signature_for(PRIV, string_to_sign(PUB, URL, "n3", timestamp, b""))
    with pytest.raises(Unauthorized, match=r"Malformed|outside the allowed window"):
        auth.authenticate(_header("n3", timestamp, sig), URL, b"")
