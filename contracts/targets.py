"""Targets a contract run talks to: the emulator in-process, the emulator over HTTP, or a URL."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import anyio.from_thread
import httpx

from contracts.dialect import HarnessDialect
from contracts.dialects import by_name
from contracts.safety import Cleanup, GuardedTransport, RateLimiter
from contracts.settings import Settings, SettingsError, target_variable

__all__ = [
    "ASGIApp",
    "EmulatorNotReady",
    "FaultsEnabled",
    "SyncASGITransport",
    "Target",
    "open_target",
]

ASGIApp = Callable[..., Any]
# the origin in-process requests carry (schemathesis's ASGI client uses the same one); the
# dialect's API prefix follows it
INPROCESS_ORIGIN = "http://testserver"


class EmulatorNotReady(RuntimeError):
    """The emulator subprocess did not start answering in time."""


class FaultsEnabled(SettingsError):
    """The target is an emulator with fault injection on: its answers would judge nothing."""


def _faults_on(base_url: str, api_prefix: str) -> bool:
    """Whether `base_url` is an emulator whose fault injection is on: only then does its
    `/_emulator/faults` answer 200 with `"enabled": true` (any other host: a 404 or nothing)."""
    root = base_url.rstrip("/")
    origin = root[: -len(api_prefix)] if root.endswith(api_prefix) else root
    try:
        answer = httpx.get(f"{origin}/_emulator/faults", timeout=10.0)
        return answer.status_code == 200 and answer.json().get("enabled") is True
    except (httpx.HTTPError, ValueError, AttributeError):
        return False


class SyncASGITransport(httpx.BaseTransport):
    """Drive an ASGI app from synchronous httpx code through one blocking portal thread."""

    def __init__(self, app: ASGIApp) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._portal_context = anyio.from_thread.start_blocking_portal()
        self._portal = self._portal_context.__enter__()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Run the request through the app and buffer the answer."""
        content = request.read()

        async def call() -> httpx.Response:
            inner = httpx.Request(
                request.method, request.url, headers=request.headers, content=content
            )
            response = await self._asgi.handle_async_request(inner)
            body = b"".join([chunk async for chunk in response.aiter_bytes()])
            return httpx.Response(response.status_code, headers=response.headers, content=body)

        return self._portal.call(call)

    def close(self) -> None:
        """Stop the portal thread."""
        self._portal_context.__exit__(None, None, None)


@dataclasses.dataclass
class Target:
    """Where requests go, with which credentials, and under which safety rules."""

    kind: str
    base_url: str
    credentials: tuple[str, str]
    is_emulator: bool
    settings: Settings
    app: ASGIApp | None = None
    # the vendor as the harness sees it: how the credentials go on a request, its API prefix
    dialect: HarnessDialect = dataclasses.field(kw_only=True)
    cleanup: Cleanup = dataclasses.field(default_factory=Cleanup)
    limiter: RateLimiter | None = None
    # a key that may only read (the dialect's `read_only_field`), for the permission suites;
    # None when the vendor has none or a url target was given none
    read_only_credentials: tuple[str, str] | None = None
    _clients: list[httpx.Client] = dataclasses.field(default_factory=list)
    # every safety transport of the target's clients (they count the requests sent)
    _transports: list[GuardedTransport] = dataclasses.field(default_factory=list)

    @property
    def requests_sent(self) -> int:
        """Requests the harness's own clients sent to the target (schemathesis counts its own)."""
        return sum(transport.sent for transport in self._transports)

    @property
    def writes_allowed(self) -> bool:
        """Emulators always; real accounts only with --allow-writes."""
        return self.is_emulator or self.settings.allow_writes

    def client(self, credentials: tuple[str, str] | None = None) -> httpx.Client:
        """An httpx client rooted at the API prefix, with the dialect's auth (the target's
        credentials unless others are given), behind the safety transport (closed by the
        target)."""
        inner: httpx.BaseTransport
        inner = SyncASGITransport(self.app) if self.app is not None else httpx.HTTPTransport()
        transport = GuardedTransport(
            inner,
            limiter=self.limiter,
            guard_writes=not self.is_emulator,
            allow_writes=self.settings.allow_writes,
            key_prefix=self.settings.key_prefix,
            cleanup=self.cleanup,
            policy=self.dialect.writes,
        )
        client = httpx.Client(
            base_url=self.base_url + "/",
            auth=self.dialect.auth.httpx_auth(credentials or self.credentials),
            transport=transport,
            timeout=30.0,
            headers={"Accept": "application/json"},
        )
        self._clients.append(client)
        self._transports.append(transport)
        return client

    def close(self) -> list[str]:
        """Delete what this run created on a real account, close clients; returns leftovers."""
        leftovers: list[str] = []
        if not self.is_emulator and any(self.cleanup.created.values()):
            with self.client() as client:
                leftovers = self.cleanup.run(client, self.dialect.writes)
        for client in self._clients:
            client.close()
        self._clients.clear()
        return leftovers


def _free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _emulator_command() -> tuple[str, ...]:
    """`chargeover-emulator` next to this interpreter (venvs need no activation), else -m."""
    script = Path(sys.executable).with_name("chargeover-emulator")
    if script.exists():
        return (str(script),)
    found = shutil.which("chargeover-emulator")
    return (found,) if found else (sys.executable, "-m", "chargeover_emulator")


def _emulator_environment(
    vendor: str,
    username: str,
    password: str,
    fields: tuple[str, ...] = ("USERNAME", "PASSWORD"),
    account: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The parent environment for the emulator subprocess, minus two kinds of variable.

    The emulator's own variables go: the command line and the credentials set here are its
    whole configuration, so a `CHARGEOVER_EMULATOR_*` left in the caller's shell cannot change
    the target under test. The target account's secrets go: the emulator never reads them, and
    a secret goes only where it is used. The rest (PATH, harness options, ...) passes through.
    The credentials go in the emulator's settings of the same names as the dialect's account
    fields (`USERNAME`/`PASSWORD`, or `API_KEY` alone), or in the settings `account` names (the
    dialect's `emulator_account`: Fynn's keys with their permissions).
    """
    # imported here: contracts may import the emulator only to host it
    from chargeover_emulator.config import environment_prefix

    prefix = environment_prefix(vendor)
    account_secrets = {target_variable(vendor, field) for field in fields}
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(prefix) and key not in account_secrets
    }
    if account is None:
        # an API key alone: the (empty) password has no setting of its own
        account = {
            field.lower(): value for field, value in zip(fields, (username, password), strict=False)
        }
    env.update({f"{prefix}{name.upper()}": value for name, value in account.items()})
    return env


def _wait_until_ready(process: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    """Poll the spec route until the emulator answers, or fail with its output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise EmulatorNotReady(f"emulator exited with {process.returncode}: {output[-2000:]}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise EmulatorNotReady(f"emulator did not answer {url} within {timeout:.0f} s")


def hosted_credentials(dialect: HarnessDialect) -> tuple[str, str]:
    """Fresh credentials for an emulator the harness hosts, in the vendor's form (an API key
    alone has an empty password)."""
    username = f"contracts{secrets.token_hex(8)}"
    return (username, secrets.token_hex(16) if len(dialect.account_fields) > 1 else "")


def hosted_read_only_credentials(dialect: HarnessDialect) -> tuple[str, str] | None:
    """A fresh read-only key for a hosted emulator, when the vendor has such keys."""
    return hosted_credentials(dialect) if dialect.read_only_field else None


@contextlib.contextmanager
def _serve_subprocess(
    settings: Settings,
    credentials: tuple[str, str],
    dialect: HarnessDialect,
    read_only: tuple[str, str] | None = None,
) -> Iterator[str]:
    """Start `chargeover-emulator serve --vendor V` on a free port with a temporary database."""
    with tempfile.TemporaryDirectory(prefix="contracts-emulator-") as tmp:
        port = _free_port()
        db = Path(tmp) / "emulator.sqlite3"
        command = [
            *(settings.emulator_command or _emulator_command()),
            "serve",
            "--vendor",
            settings.vendor,
            "--port",
            str(port),
            "--db",
            str(db),
            # schemathesis alone sends far more than 250 requests a minute
            "--rate-limit",
            "off",
            # the harness checks the spec itself: every violation must be rejected
            "--validation",
            "strict",
        ]
        process = subprocess.Popen(
            command,
            env=_emulator_environment(
                settings.vendor,
                *credentials,
                dialect.account_fields,
                dialect.emulator_account(credentials, read_only),
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_until_ready(
                process, f"http://127.0.0.1:{port}/openapi.yaml", settings.emulator_start_timeout
            )
            yield f"http://127.0.0.1:{port}{dialect.api_prefix}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stderr:
                process.stderr.close()


def server_like(app: ASGIApp) -> ASGIApp:
    """Swallow exceptions after the app answered, as uvicorn does, so in-process equals HTTP.

    Starlette re-raises an unhandled error after sending its 500; over HTTP the server logs it
    and the client only sees the 500, which is what the checks must judge.
    """

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        started = False

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message.get("type") == "http.response.start":
                started = True
            await send(message)

        try:
            await app(scope, receive, tracking_send)
        except Exception:
            if scope.get("type") != "http":
                raise
            if not started:
                await send({"type": "http.response.start", "status": 500, "headers": []})
                await send({"type": "http.response.body", "body": b"Internal Server Error"})

    return wrapped


def _inprocess_app(
    dialect: HarnessDialect,
    db: str,
    credentials: tuple[str, str],
    read_only: tuple[str, str] | None = None,
) -> ASGIApp:
    """The vendor's real emulator app with a fresh database and no rate limit; the credentials
    go in its settings as the dialect names them (`emulator_account`), read like the
    subprocess's `{VENDOR}_EMULATOR_*` variables so that a dialect's own options work alike."""
    # imported here: contracts may import the emulator only to host it
    from chargeover_emulator.app import create_app
    from chargeover_emulator.config import Settings as EmulatorSettings
    from chargeover_emulator.config import environment_prefix

    prefix = environment_prefix(dialect.name)
    account = dialect.emulator_account(credentials, read_only)
    environ = {f"{prefix}{name.upper()}": value for name, value in account.items()}
    emulator_settings = EmulatorSettings.from_env(
        environ, vendor=dialect.name, db=db, rate_limit="off", validation="strict"
    )
    return create_app(emulator_settings)


@contextlib.contextmanager
def open_target(
    settings: Settings,
    *,
    dialect: HarnessDialect | None = None,
    app: ASGIApp | None = None,
    credentials: tuple[str, str] | None = None,
    read_only_credentials: tuple[str, str] | None = None,
) -> Iterator[Target]:
    """The configured target, started if the harness owns it, cleaned up on exit.

    `dialect` defaults to the one of `settings.vendor`. `app` (with its `credentials`, and its
    `read_only_credentials` when the vendor has read-only keys) replaces the in-process
    emulator, e.g. a broken variant.
    """
    dialect = dialect or by_name(settings.vendor)
    with contextlib.ExitStack() as stack:
        if settings.target == "url":
            assert settings.base_url and settings.username
            if not settings.allow_faults and _faults_on(settings.base_url, dialect.api_prefix):
                raise FaultsEnabled(
                    f"{settings.base_url} is an emulator with fault injection on (--faults): "
                    "its injected 429/5xx, delays and drops would fail checks for nothing; "
                    "restart it without --faults, or pass --allow-faults"
                )
            target = Target(
                kind="url",
                base_url=settings.base_url,
                credentials=(settings.username, settings.password or ""),
                is_emulator=False,
                settings=settings,
                dialect=dialect,
                limiter=RateLimiter(settings.rate_limit_per_minute),
                read_only_credentials=(
                    (settings.read_only_key, "") if settings.read_only_key else None
                ),
            )
        elif settings.target == "emulator-inprocess":
            if app is None:
                credentials = hosted_credentials(dialect)
                read_only_credentials = hosted_read_only_credentials(dialect)
                # in memory: the fast path for tests; the HTTP target keeps a real file
                app = _inprocess_app(dialect, ":memory:", credentials, read_only_credentials)
            elif credentials is None:
                raise ValueError("an explicit app needs its credentials")
            target = Target(
                kind="emulator-inprocess",
                base_url=INPROCESS_ORIGIN + dialect.api_prefix,
                credentials=credentials,
                is_emulator=True,
                settings=settings,
                app=server_like(app),
                dialect=dialect,
                read_only_credentials=read_only_credentials,
            )
        else:
            credentials = hosted_credentials(dialect)
            read_only_credentials = hosted_read_only_credentials(dialect)
            base_url = stack.enter_context(
                _serve_subprocess(settings, credentials, dialect, read_only_credentials)
            )
            target = Target(
                kind="emulator-http",
                base_url=base_url,
                credentials=credentials,
                is_emulator=True,
                settings=settings,
                dialect=dialect,
                read_only_credentials=read_only_credentials,
            )
        try:
            yield target
        finally:
            leftovers = target.close()
            if leftovers:
                print("contracts: could not delete " + "; ".join(leftovers), file=sys.stderr)
