"""The client: credentials never in logs, repr or exceptions; network faults are typed errors."""

from __future__ import annotations

import base64
import logging
import socket
import threading
from collections.abc import Callable, Iterator

import httpx
import pytest

from chargeover_client.api.customers import create_customer, get_customer, list_customers
from chargeover_client.client import Client
from chargeover_client.lib import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ChargeOverError,
    NotFoundError,
    connect,
    unwrap,
)
from chargeover_client.models import CustomerCreate
from tests.emulator_process import EmulatorProcess, free_port
from tests.reliability.ledger import Ledger, Row

# Distinctive credentials: any of these strings in captured output is a leak.
PUBLIC_KEY = "pubRELIABILITYk3y0000000000000000"
PRIVATE_KEY = "privRELIABILITYs3cr3t00000000000"
SECRETS = (
    PUBLIC_KEY,
    PRIVATE_KEY,
    base64.b64encode(f"{PUBLIC_KEY}:{PRIVATE_KEY}".encode()).decode(),
    "WrongPassw0rdRELIABILITY",
)
QUERY_SECRET = "jane.private@example.com"


def _texts_of(error: BaseException) -> list[str]:
    """Everything an error shows when printed, logged or dumped (causes included)."""
    texts: list[str] = []
    current: BaseException | None = error
    while current is not None:
        texts += [str(current), repr(current), repr(current.args), repr(vars(current))]
        current = current.__cause__ or current.__context__
    return texts


def exercise(
    base_url: str, transport: Callable[[], httpx.BaseTransport | None] = lambda: None
) -> list[str]:
    """Drive the client through successes, API errors and both auth schemes; collect its texts."""
    texts: list[str] = []
    for signature in (False, True):
        client = connect(
            base_url,
            username=PUBLIC_KEY,
            password=PRIVATE_KEY,
            signature=signature,
            transport=transport(),
        )
        with client:
            texts += [repr(client), str(client), repr(client.get_httpx_client())]
            texts.append(repr(client.get_httpx_client()._transport))
            texts.append(repr(vars(client.get_httpx_client()._transport)))
            unwrap(
                list_customers.sync_detailed(client=client, where=f"company:EQUALS:{QUERY_SECRET}")
            )
            created = unwrap(
                create_customer.sync_detailed(client=client, body=CustomerCreate(company="x"))
            )
            assert created.id
            with pytest.raises(NotFoundError) as missing:
                unwrap(get_customer.sync_detailed(999_999, client=client))
            texts += _texts_of(missing.value)
    with connect(base_url, username=PUBLIC_KEY, password=SECRETS[3]) as wrong:
        with pytest.raises(AuthenticationError) as refused:
            unwrap(list_customers.sync_detailed(client=wrong))
        texts += [*_texts_of(refused.value), repr(wrong)]
    return texts


def leaks(texts: list[str]) -> list[str]:
    """The secrets that appear in any text."""
    return sorted({secret for secret in SECRETS for text in texts if secret in text})


@pytest.fixture
def server(spawn: Callable[..., EmulatorProcess]) -> EmulatorProcess:
    """A real emulator with the distinctive credentials."""
    return spawn(username=PUBLIC_KEY, password=PRIVATE_KEY)


def test_credentials_never_reach_logs_repr_or_errors(
    server: EmulatorProcess, caplog: pytest.LogCaptureFixture, ledger: Ledger
) -> None:
    caplog.set_level(logging.DEBUG)  # httpx, httpcore, chargeover_client: everything
    texts = exercise(server.base_url)
    logged = [caplog.text] + [record.getMessage() for record in caplog.records]
    assert any("httpcore" in record.name for record in caplog.records), "DEBUG logs not captured"
    assert leaks(texts + logged) == []
    ledger.record(
        Row(
            family="client safety",
            scenario="credential redaction (Basic + signature; DEBUG logs, repr, errors)",
            bad_inputs_tried=len(SECRETS),
            notes=f"{len(caplog.records)} log records and {len(texts)} reprs/messages scanned, "
            "no credential found",
        )
    )


def test_redaction_check_detects_a_client_that_logs_headers(
    server: EmulatorProcess, caplog: pytest.LogCaptureFixture, ledger: Ledger
) -> None:
    """Can fail: a transport that logs the request headers it sends is caught leaking them."""
    caplog.set_level(logging.DEBUG)
    exercise(server.base_url, transport=_HeaderLoggingTransport)
    assert leaks([caplog.text]), "the scan missed credentials written to the log"
    ledger.record(
        Row(
            family="can fail",
            scenario="redaction vs. client logging request headers",
            notes=f"detected: {len(leaks([caplog.text]))} secrets in logs",
        )
    )


class _HeaderLoggingTransport(httpx.HTTPTransport):
    """A weakened client: the network layer logs every header it sends, at DEBUG."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        logging.getLogger("tests.reliability.chatty").debug("sending %s", dict(request.headers))
        return super().handle_request(request)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (a hung server)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def fault_problems(call: Callable[[], object], expected: type[ChargeOverError]) -> list[str]:
    """Why a faulting call did not raise `expected` cleanly (typed, no secrets, no query)."""
    try:
        call()
    except ChargeOverError as error:
        problems = (
            []
            if type(error) is expected
            else [f"{type(error).__name__}, expected {expected.__name__}"]
        )
        if leaks(_texts_of(error)) or any(QUERY_SECRET in text for text in _texts_of(error)[:3]):
            problems.append("error text leaks a credential or the query string")
        return problems
    except Exception as error:
        return [f"untyped {type(error).__module__}.{type(error).__name__}: {error}"]
    return ["no error raised"]


def test_timeouts_and_refused_connections_are_typed(silent_port: int, ledger: Ledger) -> None:
    hung = connect(
        f"http://127.0.0.1:{silent_port}/api/v3",
        username=PUBLIC_KEY,
        password=PRIVATE_KEY,
        timeout=0.3,
        retry=None,
    )
    nobody = connect(
        f"http://127.0.0.1:{free_port()}/api/v3",
        username=PUBLIC_KEY,
        password=PRIVATE_KEY,
        timeout=2.0,
        retry=None,
    )
    with hung, nobody:
        timeout = fault_problems(
            lambda: list_customers.sync_detailed(client=hung, where=f"email:EQUALS:{QUERY_SECRET}"),
            APITimeoutError,
        )
        refused = fault_problems(
            lambda: list_customers.sync_detailed(
                client=nobody, where=f"email:EQUALS:{QUERY_SECRET}"
            ),
            APIConnectionError,
        )
    assert timeout == [] and refused == [], (timeout, refused)
    ledger.record(
        Row(
            family="client safety",
            scenario="hung server (read timeout) and refused connection",
            faults_survived=2,
            notes="APITimeoutError / APIConnectionError, no credential or query in the message",
        )
    )


def test_fault_check_detects_a_client_without_error_mapping(ledger: Ledger) -> None:
    """Can fail: a bare httpx client lets httpx.ConnectError escape untyped."""
    bare = Client(base_url=f"http://127.0.0.1:{free_port()}/api/v3")
    with bare:
        problems = fault_problems(
            lambda: list_customers.sync_detailed(client=bare), APIConnectionError
        )
    assert problems and problems[0].startswith("untyped httpx.ConnectError"), problems
    ledger.record(
        Row(
            family="can fail",
            scenario="typed errors vs. client without the ChargeOver transport",
            notes=f"detected: {problems[0][:60]}",
        )
    )
