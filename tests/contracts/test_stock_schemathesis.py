"""A stock `schemathesis run`, typed as a schemathesis user types it from the repository root,
knows the spec's documented decisions (schemathesis.toml) and still fails a broken emulator,
for every vendor:

    schemathesis run spec/chargeover.openapi.yaml --url http://127.0.0.1:PORT/api/v3 \
        --checks all --auth USER:PASS
    schemathesis run spec/invoiced/openapi.yaml --url http://127.0.0.1:PORT \
        --checks all --auth API_KEY:
    schemathesis run spec/fynn/openapi.yaml --url http://127.0.0.1:PORT \
        --checks all -H 'Authorization: Bearer API_KEY'

Only `--max-examples` and `--seed` are added (a short, repeatable run), and for a broken
variant `--include-operation-id` of the operations it breaks. Each run works in a copy of the
repository's two files it reads (`schemathesis.toml`, the spec), because schemathesis keeps a
cache of failing cases (`.schemathesis/`) in its working directory and replays them next time:
runs of the tests must neither write into the checkout nor see each other's failures.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from chargeover_emulator.app import create_app
from chargeover_emulator.config import Settings
from contract_kit.emulator_access import DEFAULT, access_for
from tests.conftest import REPO_ROOT
from tests.contracts.conftest import (
    _json_rewrite,
    code_differs_from_status,
    enum_outside_spec,
    fresh_emulator,
    lost_write,
    no_location_header,
    rewriting,
    uncapped_limit,
    wrong_404_body,
)
from tests.emulator_process import EmulatorProcess
from tests.threaded_server import serve_in_thread

pytestmark = pytest.mark.slow

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
CHARGEOVER_TITLE = "ChargeOver REST API v3"


CHARGEOVER_SPEC = "spec/chargeover.openapi.yaml"
INVOICED_SPEC = "spec/invoiced/openapi.yaml"
FYNN_SPEC = "spec/fynn/openapi.yaml"


def checkout(folder: Path, spec: str) -> Path:
    """`folder` with the repository's schemathesis.toml and `spec`, as the root has them."""
    (folder / spec).parent.mkdir(parents=True)
    shutil.copy(REPO_ROOT / "schemathesis.toml", folder / "schemathesis.toml")
    shutil.copy(REPO_ROOT / spec, folder / spec)
    return folder


def auth_arguments(vendor: str, credentials: tuple[str, str]) -> tuple[str, ...]:
    """The credentials on the command line as a schemathesis user passes them."""
    if vendor == "fynn":  # Bearer API keys
        return ("-H", f"Authorization: Bearer {credentials[1]}")
    return ("--auth", ":".join(credentials))  # HTTP Basic (Invoiced: key and no password)


def stock_run(
    folder: Path, base_url: str, auth: tuple[str, str], *extra: str, spec: str = CHARGEOVER_SPEC
) -> tuple[int, int, str]:
    """`schemathesis run ... --checks all` from the repository root: (exit code, failures,
    output). A run of one operation may also count an error (no links for its stateful phase)."""
    vendor = "chargeover" if spec == CHARGEOVER_SPEC else Path(spec).parent.name
    command = [
        SCHEMATHESIS, "run", spec, "--url", base_url,
        "--checks", "all", *auth_arguments(vendor, auth),
        "--max-examples", "2", "--seed", "16", "--no-color", *extra,
    ]  # fmt: skip
    # the hooks module (`contracts.stock_hooks`) comes from this checkout, as it does for a
    # user at the repository root, whichever checkout the venv installed
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        command, cwd=checkout(folder, spec), capture_output=True, text=True, timeout=540,
        check=False, env=env,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert f"Configuration:    {folder / 'schemathesis.toml'}" in output, output[-3000:]
    found = re.search(r"([0-9]+) failures?", output.splitlines()[-1])
    return done.returncode, int(found[1]) if found else 0, output


@pytest.fixture(scope="module")
def strict_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """`chargeover-emulator serve --validation strict --rate-limit off`, a real subprocess."""
    folder = tmp_path_factory.mktemp("stock-schemathesis")
    process = EmulatorProcess(
        folder / "emulator.sqlite3",
        log=folder / "emulator.log",
        extra_args=("--validation", "strict", "--seed", "3", "--seed-count", "5"),
    )
    with process:
        yield process


def test_the_stock_run_passes_against_the_emulator(
    strict_emulator: EmulatorProcess, tmp_path: Path
) -> None:
    exit_code, failures, output = stock_run(
        tmp_path, strict_emulator.base_url, strict_emulator.auth
    )
    assert (exit_code, failures) == (0, 0), output[-5000:]
    assert "Selected: 48/48" in output  # every operation, nothing left out by the config


def test_the_emulator_in_its_faithful_default_fails_the_stock_run(tmp_path: Path) -> None:
    """Why the stock run wants `--validation strict`: faithful accepts documented leniencies,
    which schemathesis reports; `limit=501` (clamped, by design) is one."""
    with EmulatorProcess(tmp_path / "faithful.sqlite3", log=tmp_path / "log") as faithful:
        _, failures, output = stock_run(
            tmp_path / "run",
            faithful.base_url,
            faithful.auth,
            "--include-operation-id",
            "listCustomers",
        )
    assert failures >= 1
    assert "Schema-violating request accepted" in output


Variant = Callable[[Any], Any]


@pytest.mark.parametrize(
    ("variant", "customers", "operations"),
    [
        (uncapped_limit, 520, ("listCustomers",)),
        (enum_outside_spec, 3, ("listCustomers", "getCustomer")),
        # caught by the harness's chargeover_envelope, which schemathesis.toml loads as a hook
        (code_differs_from_status, 0, ("createCustomer",)),
        (no_location_header, 0, ("createCustomer",)),
        (wrong_404_body, 0, ("getCustomer",)),
        (lost_write, 0, ("createCustomer", "getCustomer", "updateCustomer")),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_each_broken_variant_fails_the_stock_run(
    variant: Variant, customers: int, operations: tuple[str, ...], tmp_path: Path
) -> None:
    """The harness's broken variants, served over HTTP: each makes the stock run fail."""
    app, credentials = fresh_emulator(customers=customers)
    only = [argument for name in operations for argument in ("--include-operation-id", name)]
    with serve_in_thread(variant(app)) as origin:
        _, failures, output = stock_run(tmp_path, f"{origin}/api/v3", credentials, *only)
    assert failures >= 1, output[-5000:]


def test_the_decisions_are_the_harnesss_own() -> None:
    """schemathesis.toml (stock runs) and contracts/schemathesis.toml (the harness) agree on
    ChargeOver's decisions: the same checks configuration and the same per-operation rules."""
    stock = tomllib.loads((REPO_ROOT / "schemathesis.toml").read_text())
    harness = tomllib.loads((REPO_ROOT / "contracts" / "schemathesis.toml").read_text())
    (chargeover,) = [p for p in stock["project"] if p["title"] == CHARGEOVER_TITLE]
    assert chargeover["checks"] == harness["checks"]
    assert chargeover["operations"] == harness["operations"]
    # and the title is the spec's, or the project would silently apply to nothing
    spec = (REPO_ROOT / "spec" / "chargeover.openapi.yaml").read_text()
    assert f"\n  title: {CHARGEOVER_TITLE}\n" in spec


# Invoiced and Fynn: their emulators served strict over HTTP (uvicorn in a thread), and broken
# variants of the kinds their harness tests use that a stock run can see (the harness's own
# variants of Link paging or permissions need its custom checks, which a stock run lacks).


def vendor_emulator(vendor: str, db: str) -> tuple[Any, tuple[str, str]]:
    """The vendor's emulator app (strict, no rate limit, seeded) and the credentials it takes."""
    settings = Settings.from_env(
        {}, vendor=vendor, db=db, rate_limit="off", validation="strict", seed=3, seed_count=5
    )
    access = access_for(vendor)
    assert access is not None
    return create_app(settings), access.credentials(settings)[DEFAULT]


@pytest.mark.parametrize(
    ("vendor", "spec", "operations"), [("invoiced", INVOICED_SPEC, 14), ("fynn", FYNN_SPEC, 15)]
)
def test_the_stock_run_passes_against_each_vendors_emulator(
    vendor: str, spec: str, operations: int, tmp_path: Path
) -> None:
    app, credentials = vendor_emulator(vendor, str(tmp_path / f"{vendor}.sqlite3"))
    with serve_in_thread(app) as origin:
        exit_code, failures, output = stock_run(tmp_path / "run", origin, credentials, spec=spec)
    assert (exit_code, failures) == (0, 0), output[-5000:]
    assert f"Selected: {operations}/{operations}" in output


def errors_in_chargeovers_envelope(app: Any) -> Any:
    """Invoiced's errors come in ChargeOver's envelope instead of `{type, message, param}`."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        if status < 400 or not isinstance(data, dict):
            return data
        return {"code": status, "status": "Error", "message": data.get("message", ""),
                "details": {}, "response": None if status == 404 else False}  # fmt: skip

    return rewriting(app, _json_rewrite(change))


def lists_wrapped_in_data(app: Any) -> Any:
    """Invoiced's lists come as `{data: [...]}` (Fynn's shape) instead of a bare array."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        return {"data": data} if isinstance(data, list) else data

    return rewriting(app, _json_rewrite(change))


def lists_without_pagination(app: Any) -> Any:
    """Fynn's lists lose `meta` (and with it meta.pagination)."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("data"), list):
            return {"data": data["data"]}
        return data

    return rewriting(app, _json_rewrite(change))


def errors_without_detail(app: Any) -> Any:
    """Fynn's error bodies lose their `detail` (a bare `{title}` object)."""

    def change(scope: dict[str, Any], status: int, data: Any) -> Any:
        if status >= 400 and isinstance(data, dict):
            return {"title": data.get("title", "An error occurred")}
        return data

    return rewriting(app, _json_rewrite(change))


@pytest.mark.parametrize(
    ("vendor", "spec", "variant", "operations"),
    [
        ("invoiced", INVOICED_SPEC, errors_in_chargeovers_envelope, ("retrieveCustomer",)),
        ("invoiced", INVOICED_SPEC, lists_wrapped_in_data, ("listCustomers",)),
        ("fynn", FYNN_SPEC, lists_without_pagination, ("listCustomers",)),
        ("fynn", FYNN_SPEC, errors_without_detail, ("getCustomer",)),
    ],
    ids=lambda value: getattr(value, "__name__", None) if callable(value) else None,
)
def test_each_vendors_broken_variants_fail_the_stock_run(
    vendor: str, spec: str, variant: Variant, operations: tuple[str, ...], tmp_path: Path
) -> None:
    app, credentials = vendor_emulator(vendor, ":memory:")
    only = [argument for name in operations for argument in ("--include-operation-id", name)]
    with serve_in_thread(variant(app)) as origin:
        _, failures, output = stock_run(tmp_path, origin, credentials, *only, spec=spec)
    assert failures >= 1, output[-5000:]


def test_loading_a_schema_at_the_root_registers_no_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """schemathesis reads the root schemathesis.toml, hooks included, when a schema is loaded
    without a configuration at the repository root; the hook registers its check in the
    schemathesis command only, so a test session or a harness run here is judged by no check
    it did not ask for (and the harness's own `chargeover_envelope` never collides)."""
    import schemathesis.openapi
    from schemathesis.checks import CHECKS

    monkeypatch.chdir(REPO_ROOT)
    schemathesis.openapi.from_path(str(REPO_ROOT / CHARGEOVER_SPEC))
    assert "chargeover_envelope" not in CHECKS.get_all_names()
