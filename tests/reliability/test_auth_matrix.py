"""Every operation x every bad credential: the 401 envelope and no side effect."""

from __future__ import annotations

import time

from chargeover_emulator.auth import Authenticator
from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME
from tests.reliability.authmatrix import BAD_CREDENTIALS, run_matrix
from tests.reliability.inprocess import InProcessEmulator
from tests.reliability.ledger import Ledger, Row


def test_every_operation_refuses_every_bad_credential(
    emulator: InProcessEmulator, ledger: Ledger
) -> None:
    started = time.monotonic()
    outcome = run_matrix(emulator, emulator.seed())
    assert outcome.failures == [], "\n".join(outcome.failures[:30])
    assert outcome.operations >= 39
    assert outcome.bad_requests >= outcome.operations * len(BAD_CREDENTIALS)
    ledger.record(
        Row(
            family="auth matrix",
            scenario=f"{outcome.operations} operations x {len(BAD_CREDENTIALS)} bad credentials",
            bad_inputs_tried=outcome.bad_requests,
            seconds=round(time.monotonic() - started, 1),
            notes="all 401 envelopes; dump unchanged after each; rejected nonces not burnt",
        )
    )


class _SkippingAuthenticator(Authenticator):
    """A weakened emulator: any header, or none, is accepted."""

    def authenticate(self, header: str | None, url: str, body: bytes) -> str:
        return DEFAULT_USERNAME


class _ForgetfulAuthenticator(Authenticator):
    """A weakened emulator: signatures are checked but nonces are never remembered."""

    def _forget_expired(self, now: float) -> None:
        self._seen_nonces.clear()


def test_matrix_detects_an_emulator_that_skips_auth(
    emulator: InProcessEmulator, ledger: Ledger
) -> None:
    """Can fail: the matrix reports every cell of an app whose auth is skipped."""
    emulator.emulator.authenticator = _SkippingAuthenticator(DEFAULT_USERNAME, DEFAULT_PASSWORD)
    outcome = run_matrix(emulator, emulator.seed(), include=lambda call: "/customer" in call.url)
    assert len(outcome.failures) >= outcome.bad_requests * 0.9
    assert any("wrote rows" in failure for failure in outcome.failures)
    assert any("stored data changed (full dump)" in failure for failure in outcome.failures)
    ledger.record(
        Row(
            family="can fail",
            scenario="auth matrix vs. emulator with auth skipped",
            notes=f"detected: {len(outcome.failures)} problems over {outcome.bad_requests} cells "
            f"of {outcome.operations} customer operations",
        )
    )


def test_matrix_detects_an_emulator_without_replay_protection(
    emulator: InProcessEmulator, ledger: Ledger
) -> None:
    """Can fail: only the replayed-nonce column fails when nonces are not remembered."""
    emulator.emulator.authenticator = _ForgetfulAuthenticator(DEFAULT_USERNAME, DEFAULT_PASSWORD)
    outcome = run_matrix(emulator, emulator.seed(), include=lambda call: "/user" in call.url)
    assert outcome.failures
    assert all("[replayed nonce]" in failure for failure in outcome.failures)
    ledger.record(
        Row(
            family="can fail",
            scenario="auth matrix vs. emulator without nonce memory",
            notes=f"detected: {len(outcome.failures)} replayed requests accepted",
        )
    )
