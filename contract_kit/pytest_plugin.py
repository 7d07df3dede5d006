"""pytest fixtures for the kit's emulators: a live one over real HTTP, an in-process one, a client.

Installed with the project (entry point `pytest11`), so a test only names the fixtures:

    def test_create_then_get(emulator_http):
        created = emulator_http.post("customer", json={"company": "Acme"}).json()
        ...

Fixtures (function-scoped unless said otherwise):
- `emulator`: a `LiveEmulator` under uvicorn on a loopback port (one server per vendor, policy
  and faults setting for the whole session), its data reset through the emulator's own
  `POST /_emulator/reset` before each test and seeded again when a seed is asked for;
  `.base_url`, `.credentials`, `.origin`, `.vendor`, `.settings`, `.state`.
- `emulator_url`, `emulator_credentials`: the two things a user's own client needs.
- `emulator_http`: an httpx.Client rooted at the API (`.get("customer")`), with the vendor's auth.
- `emulator_client`: the generated client of the vendor (`chargeover_client.lib.connect`,
  `invoiced_client.lib.connect`, `fynn_client.lib.connect`).
- `emulator_app`: the ASGI app, in process, over a fresh in-memory database (no server).
- `emulator_asgi`: an httpx.Client over `emulator_app` (no socket: the fast path).

What they emulate comes from, first to last: the `emulator` marker
(`@pytest.mark.emulator(vendor="chargeover", validation="strict", seed=7, seed_count=20,
faults=True, reset=False, credentials="read-only")`), the command line (`--emulator-vendor`,
`--emulator-validation`, `--emulator-seed`, `--emulator-seed-count`), then the defaults
(ChargeOver, `faithful`, no data).
Nothing here names a vendor's rules: the emulator comes from `Settings(vendor=...)` and
`load_dialect`, the credentials and client of the kit's vendors from
`contract_kit.emulator_access`, and every vendor's auth from its harness dialect, so a vendor's
dialect serves here as soon as it exists. `credentials` picks one of the emulator's named
credentials for the fixtures (`emulator.named_credentials`: Fynn's `read-only` key gets 403s).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import secrets
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest

from chargeover_emulator.app import create_app
from chargeover_emulator.config import DEFAULT_VENDOR, Settings
from chargeover_emulator.emulator import Emulator
from contract_kit.emulator_access import DEFAULT, access_for, vendors
from contract_kit.threaded_server import serve_in_thread

__all__ = ["EmulatorOptions", "LiveEmulator"]

_VALIDATIONS = ("faithful", "strict")
_MARKER = (
    "emulator(vendor=None, validation=None, seed=None, seed_count=None, faults=False, "
    "reset=True, credentials='default'): what the contract kit's emulator fixtures emulate "
    "for this test, and which of its credentials they use"
)


@dataclasses.dataclass(frozen=True)
class EmulatorOptions:
    """One test's choice of emulator: marker, then command line, then defaults."""

    vendor: str = DEFAULT_VENDOR
    validation: str = "faithful"
    seed: int | None = None
    seed_count: int = 10
    faults: bool = False
    reset: bool = True
    #: which of the emulator's named credentials the fixtures use (Fynn: also `read-only`)
    credentials: str = DEFAULT

    @property
    def server_key(self) -> tuple[str, str, bool]:
        """What a running server is fixed to (data is per test; these are per server)."""
        return (self.vendor, self.validation, self.faults)

    def settings(self, db: str) -> Settings:
        """Emulator settings for these options over `db`: no rate limit, no demo data at start."""
        return Settings.from_env(
            {},  # the caller's {VENDOR}_EMULATOR_* variables must not change a test's emulator
            vendor=self.vendor,
            db=db,
            rate_limit="off",
            validation=self.validation,
            faults=self.faults,
        )


@dataclasses.dataclass
class LiveEmulator:
    """A running emulator over real HTTP, and the state behind it (same process)."""

    origin: str
    state: Emulator

    @property
    def vendor(self) -> str:
        return self.state.settings.vendor

    @property
    def settings(self) -> Settings:
        return self.state.settings

    @property
    def base_url(self) -> str:
        """The API root a client is given (`http://127.0.0.1:PORT/api/v3` for ChargeOver)."""
        return self.origin + self.state.dialect.api_prefix

    @property
    def credentials(self) -> tuple[str, str]:
        """The (username or key, password or secret) pair the emulator accepts."""
        return self.named_credentials[DEFAULT]

    @property
    def named_credentials(self) -> Mapping[str, tuple[str, str]]:
        """Every pair the emulator accepts, by name (`default`; Fynn: also `read-only`)."""
        return _named_credentials(self.state.settings)

    def reset(self) -> None:
        """Empty every table through the emulator's own reset endpoint."""
        httpx.post(f"{self.origin}/_emulator/reset", timeout=30.0).raise_for_status()

    def seed(self, number: int, count: int) -> None:
        """Deterministic demo data: `count` top-level objects from seed `number`."""
        self.state.dialect.seed(self.state, number, count, progress=False)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract-kit", "contract kit emulator fixtures")
    group.addoption("--emulator-vendor", help=f"vendor to emulate (default {DEFAULT_VENDOR})")
    group.addoption(
        "--emulator-validation", choices=_VALIDATIONS, help="request policy (default faithful)"
    )
    group.addoption("--emulator-seed", type=int, help="seed demo data into every test's emulator")
    group.addoption("--emulator-seed-count", type=int, help="objects to seed (default 10)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER)


def _options(request: pytest.FixtureRequest) -> EmulatorOptions:
    """The test's `emulator` marker over the command line over the defaults."""
    chosen: dict[str, Any] = {}
    for name in ("vendor", "validation", "seed", "seed_count"):
        value = request.config.getoption(f"emulator_{name}")
        if value is not None:
            chosen[name] = value
    # a module's or class's marker, then the test's own: the closest says last
    for marker in reversed(list(request.node.iter_markers("emulator"))):
        if marker.args:
            pytest.fail("@pytest.mark.emulator takes keywords only", pytrace=False)
        unknown = set(marker.kwargs) - {f.name for f in dataclasses.fields(EmulatorOptions)}
        if unknown:
            pytest.fail(f"@pytest.mark.emulator: unknown keywords {sorted(unknown)}", pytrace=False)
        chosen.update({key: value for key, value in marker.kwargs.items() if value is not None})
    return EmulatorOptions(**chosen)


@pytest.fixture
def emulator_options(request: pytest.FixtureRequest) -> EmulatorOptions:
    """What this test's emulator emulates (marker, command line, defaults)."""
    return _options(request)


class _Servers:
    """The session's live emulators, one per server key, started on first use."""

    def __init__(self, folder: Any) -> None:
        self._folder = folder
        self._stack = contextlib.ExitStack()
        self._running: dict[tuple[str, str, bool], LiveEmulator] = {}

    def get(self, options: EmulatorOptions) -> LiveEmulator:
        key = options.server_key
        if key not in self._running:
            db = self._folder / f"{options.vendor}-{options.validation}-{secrets.token_hex(4)}"
            state = Emulator(options.settings(f"{db}.sqlite3"))
            self._stack.callback(state.close)
            origin = self._stack.enter_context(serve_in_thread(create_app(emulator=state)))
            self._running[key] = LiveEmulator(origin=origin, state=state)
        return self._running[key]

    def close(self) -> None:
        self._stack.close()


@pytest.fixture(scope="session")
def emulator_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Servers]:
    """The session's live emulators (one SQLite file each), stopped at the end of the session."""
    servers = _Servers(tmp_path_factory.mktemp("contract-kit-emulators"))
    yield servers
    servers.close()


@pytest.fixture
def emulator(emulator_servers: _Servers, emulator_options: EmulatorOptions) -> LiveEmulator:
    """A live emulator over real HTTP with this test's data: reset, then seeded if asked."""
    live = emulator_servers.get(emulator_options)
    if emulator_options.reset:
        live.reset()
        if emulator_options.seed is not None:
            live.seed(emulator_options.seed, emulator_options.seed_count)
    return live


@pytest.fixture
def emulator_url(emulator: LiveEmulator) -> str:
    """The live emulator's API root (`http://127.0.0.1:PORT/api/v3`)."""
    return emulator.base_url


def _named_credentials(settings: Settings) -> Mapping[str, tuple[str, str]]:
    """The credentials an emulator with `settings` accepts, by name."""
    access = access_for(settings.vendor)
    if access is None:  # a third party's dialect: the engine's settings carry them
        return {DEFAULT: (settings.username, settings.password)}
    return access.credentials(settings)


def _chosen(settings: Settings, options: EmulatorOptions) -> tuple[str, str]:
    """The credentials the test asked for (`@pytest.mark.emulator(credentials=...)`)."""
    named = _named_credentials(settings)
    if options.credentials not in named:
        pytest.fail(
            f"@pytest.mark.emulator: the {settings.vendor} emulator has no credentials named "
            f"{options.credentials!r} (known: {', '.join(sorted(named))})",
            pytrace=False,
        )
    return named[options.credentials]


@pytest.fixture
def emulator_credentials(
    emulator: LiveEmulator, emulator_options: EmulatorOptions
) -> tuple[str, str]:
    """The credentials the live emulator accepts (the marker's `credentials`, else default)."""
    return _chosen(emulator.settings, emulator_options)


def _vendor_auth(vendor: str, credentials: tuple[str, str]) -> httpx.Auth:
    """How the vendor wants its credentials sent (Basic, Bearer): its harness dialect's auth."""
    from contracts.dialects import UnknownVendor, by_name

    try:
        return by_name(vendor).auth.httpx_auth(credentials)
    except UnknownVendor as exc:
        pytest.fail(
            f"{exc}: the kit cannot tell how {vendor} sends credentials; use emulator_url "
            "and emulator_credentials with your own client",
            pytrace=False,
        )


@pytest.fixture
def emulator_http(
    emulator: LiveEmulator, emulator_credentials: tuple[str, str]
) -> Iterator[httpx.Client]:
    """An httpx.Client for the live emulator: paths relative to the API root, vendor's auth."""
    with httpx.Client(
        base_url=emulator.base_url + "/",
        auth=_vendor_auth(emulator.vendor, emulator_credentials),
        timeout=30.0,
    ) as client:
        yield client


@pytest.fixture
def emulator_client(emulator: LiveEmulator, emulator_credentials: tuple[str, str]) -> Iterator[Any]:
    """The vendor's generated client, connected to the live emulator (retries and all)."""
    access = access_for(emulator.vendor)
    if access is None:
        pytest.fail(
            f"emulator_client serves {', '.join(vendors())}; for {emulator.vendor!r} use "
            "emulator_url and emulator_credentials with its client",
            pytrace=False,
        )
    module_name, keywords = access.client_module, access.client_keywords
    try:
        library = importlib.import_module(module_name)
    except ImportError:
        package = module_name.partition(".")[0]
        pytest.fail(
            f"emulator_client needs the generated {package} package: install it "
            f"(pip install generated/{package})",
            pytrace=False,
        )
    client = library.connect(emulator.base_url, **keywords(emulator_credentials))
    with client:
        yield client


@pytest.fixture
def emulator_app(emulator_options: EmulatorOptions) -> Iterator[Any]:
    """The emulator's ASGI app in process, over a fresh in-memory database (seeded if asked)."""
    state = Emulator(emulator_options.settings(":memory:"))
    try:
        if emulator_options.seed is not None:
            state.dialect.seed(
                state, emulator_options.seed, emulator_options.seed_count, progress=False
            )
        yield create_app(emulator=state)
    finally:
        state.close()


@pytest.fixture
def emulator_asgi(emulator_app: Any, emulator_options: EmulatorOptions) -> Iterator[httpx.Client]:
    """An httpx.Client over `emulator_app` without a socket (`http://testserver` + API root)."""
    from contracts.targets import SyncASGITransport

    state: Emulator = emulator_app.state.emulator
    credentials = _chosen(state.settings, emulator_options)
    with httpx.Client(
        base_url=f"http://testserver{state.dialect.api_prefix}/",
        auth=_vendor_auth(state.settings.vendor, credentials),
        transport=SyncASGITransport(emulator_app),
    ) as client:
        yield client
