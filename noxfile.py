"""Sessions people and CI run: `nox -l` lists them, `nox` runs the whole test suite."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = True
nox.options.reuse_venv = "yes"
# The whole test suite (the README's test command and .ci/run).
nox.options.sessions = ["lint", "typecheck", "spec", "check_generated", "tests"]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
SPEC = "spec/chargeover.openapi.yaml"
# Every vendor's hand-curated document (Invoiced and Fynn have a spec; their pipelines follow).
SPECS = (SPEC, "spec/invoiced/openapi.yaml", "spec/fynn/openapi.yaml")
# Vendors with a generated client and models (codegen/generate.py's VENDORS).
GENERATED_VENDORS = ("chargeover", "invoiced", "fynn")
GENERATED_DISTRIBUTIONS = tuple(
    f"generated/{vendor}_{kind}" for vendor in GENERATED_VENDORS for kind in ("client", "models")
)
GENERATED_PACKAGES = tuple(
    f"{distribution}/{distribution.rsplit('/', 1)[1]}" for distribution in GENERATED_DISTRIBUTIONS
)
# Redocly CLI comes from npm, pinned; the spec session installs it under .nox/.
REDOCLY_CLI = "@redocly/cli@2.77.0"
NPM_PREFIX = ROOT / ".nox" / "_npm"


def dependency_groups(*groups: str) -> tuple[str, ...]:
    """Requirements of the named [dependency-groups] in pyproject.toml."""
    return nox.project.dependency_groups(PYPROJECT, *groups)


def generated_distributions() -> list[str]:
    """`-e` install arguments for the generated packages that exist (after `nox -s generate`)."""
    return [
        arg
        for distribution in GENERATED_DISTRIBUTIONS
        if (ROOT / distribution / "pyproject.toml").exists()
        for arg in ("-e", distribution)
    ]


def install_project(session: nox.Session, *groups: str) -> None:
    """Install the project editable, the generated packages and the given dependency groups."""
    session.install("-e", ".", *generated_distributions(), *dependency_groups(*groups))


@nox.session
def lint(session: nox.Session) -> None:
    """Check formatting and lint with ruff (`nox -s format` fixes what it can)."""
    session.install(*dependency_groups("lint"))
    session.run("ruff", "format", "--check", "--diff", ".")
    session.run("ruff", "check", ".")


@nox.session(name="format")
def format_(session: nox.Session) -> None:
    """Apply ruff's formatting and safe lint fixes."""
    session.install(*dependency_groups("lint"))
    session.run("ruff", "check", "--fix", ".")
    session.run("ruff", "format", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the hand-written code with mypy --strict (generated/ is check_generated's)."""
    # bench: benchmarks/ imports msgspec, and mypy checks benchmarks/ too; codegen:
    # codegen/openapi_client_types.py extends the pinned openapi-python-client
    install_project(session, "lint", "test", "bench", "codegen")
    configured: list[str] = PYPROJECT["tool"]["mypy"]["files"]
    # mypy refuses a directory without Python files; packages may still be empty skeletons
    paths = [
        path for path in configured if path.endswith(".py") or any((ROOT / path).rglob("*.py"))
    ]
    session.run("mypy", *paths, *session.posargs)


@nox.session
def spec(session: nox.Session) -> None:
    """Validate every vendor's OpenAPI document with openapi-spec-validator and Redocly CLI."""
    session.install(*dependency_groups("test"))
    session.run("openapi-spec-validator", *SPECS)
    # the `order` patterns are derived from the read schemas, never edited by hand
    session.run("python", "spec/derive_order_patterns.py", "--check", SPEC)

    redocly = NPM_PREFIX / "node_modules" / ".bin" / "redocly"
    package, _, version = REDOCLY_CLI.rpartition("@")
    installed = NPM_PREFIX / "node_modules" / package / "package.json"
    if not (installed.exists() and f'"version": "{version}"' in installed.read_text()):
        session.run_install(
            "npm", "install", "--prefix", str(NPM_PREFIX), "--no-audit", "--no-fund",
            REDOCLY_CLI, external=True,
        )  # fmt: skip
    # errors fail the session; warnings are printed and justified in spec/NOTES.md
    session.run(
        str(redocly), "lint", "--config", "redocly.yaml", *session.posargs,
        external=True,
        env={"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"},
    )  # fmt: skip


@nox.session
def generate(session: nox.Session) -> None:
    """Regenerate generated/ (clients, models, manifests) from the specs with the pinned tools."""
    # `nox -s generate -- --vendor invoiced` regenerates one vendor
    session.install(*dependency_groups("codegen"))
    session.run("python", "codegen/generate.py", *session.posargs)


@nox.session
def api_changes(session: nox.Session) -> None:
    """Report spec and package API changes, bumps and changelogs (args go to the command)."""
    # e.g. `-- --vendor invoiced`, `-- --base v3.0.0`, `-- --apply`, `-- --uses uses.txt`;
    # exits 1 on a breaking change without a major version bump
    install_project(session, "api-changes")
    session.run("contract-kit", "api-changes", *session.posargs)


@nox.session
def check_generated(session: nox.Session) -> None:
    """Fail if generated/ differs from a fresh generation; mypy --strict and import it."""
    session.install(*dependency_groups("codegen"))
    session.run("python", "codegen/generate.py", "--check")
    # bench: msgspec, which the generated chargeover_client.structs imports
    install_project(session, "lint", "bench")
    session.run("mypy", "--config-file", "codegen/mypy-generated.ini", *GENERATED_PACKAGES)
    imports = ", ".join(f"{vendor}_client.lib, {vendor}_models" for vendor in GENERATED_VENDORS)
    session.run("python", "-c", f"import {imports}; print('imports ok')")


@nox.session
def tests(session: nox.Session) -> None:
    """Run the pytest suite in tests/ (args after -- go to pytest, e.g. -m live)."""
    # codegen: a test proves the drift check fails on a spec edit, which needs the generators
    install_project(session, "test", "codegen")
    session.run("pytest", *session.posargs)


# Vendors the contract harness checks (`contract-kit vendors` lists what each command serves).
HARNESS_VENDORS = ("chargeover", "fynn", "invoiced")


@nox.session
def emulator(session: nox.Session) -> None:
    """Serve an emulator over HTTP (args after -- go to `contract-kit serve`, e.g. --vendor)."""
    install_project(session)
    session.run("contract-kit", "serve", *session.posargs)


@nox.session
@nox.parametrize("vendor", HARNESS_VENDORS)
def contracts(session: nox.Session, vendor: str) -> None:
    """Run the contract suite against the vendor's emulator over HTTP (args after -- go to it)."""
    # starts the vendor's emulator on a free port with a temporary database; `-- --target url`
    # uses CHARGEOVER_URL, `-- --profile deep` searches harder
    install_project(session)
    session.run("contract-kit", "contracts", "--vendor", vendor, *session.posargs)


@nox.session
def reliability(session: nox.Session) -> None:
    """Run the reliability scenarios in full and write their summary to docs/reliability.md."""
    install_project(session, "test")
    results = Path(session.create_tmp()) / "reliability-results.json"
    results.unlink(missing_ok=True)
    # full profile: the `slow` scenarios (8x500 writers, repeated kill -9, deep fuzzing) run too
    env = {"RELIABILITY_PROFILE": "full", "RELIABILITY_RESULTS": str(results)}
    session.run("pytest", "tests/reliability", *session.posargs, env=env)
    session.run("python", "-m", "tests.reliability.report", str(results), "docs/reliability.md")


# The bench session's tools: Prism (the mock server users would pick instead of the emulator),
# pinned, in its own npm prefix so that it never races the spec session's installs; wrk from
# Debian (benchmarks/ falls back to its Python load generator when wrk cannot be installed).
PRISM_CLI = "@stoplight/prism-cli@5.16.0"
# Steady: a newer mock server (native binary shipped as an npm optional dependency), pinned.
STEADY_CLI = "@stdy/cli@0.22.2"
BENCH_NPM_PREFIX = ROOT / ".nox" / "_npm_bench"


def _ensure_wrk(session: nox.Session) -> None:
    """Install wrk with apt-get when it is missing and we are root; otherwise say so."""
    if shutil.which("wrk") is not None:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        session.warn("wrk is missing and cannot be installed here: using the Python generator")
        return
    # A fresh machine may have no package lists yet; a failure leaves the Python generator in use.
    for command in (("install", "wrk"), ("update",), ("install", "wrk")):
        if command[0] == "install" and shutil.which("wrk") is not None:
            return
        session.run_install("apt-get", "-q", "-y", *command, external=True, success_codes=[0, 100])
    if shutil.which("wrk") is None:
        session.warn("apt-get could not install wrk: using the Python generator")


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks and write benchmarks/results/ (`-- --quick` for a smoke run)."""
    install_project(session, "bench")
    _ensure_wrk(session)
    for cli in (PRISM_CLI, STEADY_CLI):
        package, _, version = cli.rpartition("@")
        installed = BENCH_NPM_PREFIX / "node_modules" / package / "package.json"
        if not (installed.exists() and f'"version": "{version}"' in installed.read_text()):
            session.run_install(
                "npm", "install", "--prefix", str(BENCH_NPM_PREFIX), "--no-audit", "--no-fund",
                cli, external=True, env={"SCARF_ANALYTICS": "false"},
            )  # fmt: skip
    session.run(
        "python", "-m", "benchmarks", "--npm-prefix", str(BENCH_NPM_PREFIX), *session.posargs
    )
