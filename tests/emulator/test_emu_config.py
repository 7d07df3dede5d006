"""Emulator settings from the environment: its own prefix per vendor, never the sandbox's names."""

from __future__ import annotations

import pytest

from chargeover_emulator.cli import main
from chargeover_emulator.config import (
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    RateLimit,
    Settings,
    environment_prefix,
)
from chargeover_emulator.errors import ConfigError

# What a ChargeOver user's shell may hold for the contract harness: a sandbox account's
# credentials and the harness's own options. None of it is the emulator's.
SANDBOX_SHELL = {
    "CHARGEOVER_URL": "https://sandbox.chargeover.test/api/v3",
    "CHARGEOVER_USERNAME": "sandbox-user",
    "CHARGEOVER_PASSWORD": "sandbox-secret",
    "CHARGEOVER_CONTRACTS_RATE_LIMIT": "100",
    "CHARGEOVER_CONTRACTS_SEED": "7",
}


def test_sandbox_credentials_leave_the_emulator_credentials_alone() -> None:
    settings = Settings.from_env(SANDBOX_SHELL)
    assert (settings.username, settings.password) == (DEFAULT_USERNAME, DEFAULT_PASSWORD)
    assert settings == Settings()


def test_the_old_unprefixed_names_are_no_longer_read() -> None:
    old_names = {
        "CHARGEOVER_RATE_LIMIT": "off",
        "CHARGEOVER_DB": "old.sqlite3",
        "CHARGEOVER_SEED": "3",
    }
    assert Settings.from_env(old_names) == Settings()


def test_emulator_variables_set_the_emulator_settings() -> None:
    settings = Settings.from_env({
        **SANDBOX_SHELL,
        "CHARGEOVER_EMULATOR_USERNAME": "emulator-user",
        "CHARGEOVER_EMULATOR_PASSWORD": "emulator-secret",
        "CHARGEOVER_EMULATOR_RATE_LIMIT": "off",
        "CHARGEOVER_EMULATOR_WHERE_CASE_SENSITIVE": "yes",
    })  # fmt: skip
    assert (settings.username, settings.password) == ("emulator-user", "emulator-secret")
    assert settings.rate_limit == RateLimit(0, 60.0)
    assert settings.where_case_sensitive


def test_explicit_values_win_over_emulator_variables() -> None:
    environ = {"CHARGEOVER_EMULATOR_USERNAME": "from-env", "CHARGEOVER_EMULATOR_SEED_COUNT": "5"}
    settings = Settings.from_env(environ, username="explicit", seed_count=None)
    assert (settings.username, settings.seed_count) == ("explicit", 5)


def test_another_vendor_reads_its_own_prefix_only() -> None:
    environ = {
        "INVOICED_EMULATOR_USERNAME": "invoiced-user",
        "INVOICED_EMULATOR_MAX_BODY_BYTES": "2048",
        "CHARGEOVER_EMULATOR_PASSWORD": "chargeover-secret",
        "INVOICED_USERNAME": "invoiced-sandbox-user",
    }
    settings = Settings.from_env(environ, vendor="invoiced")
    assert settings.username == "invoiced-user" and settings.max_body_bytes == 2048
    assert settings.password == DEFAULT_PASSWORD
    assert Settings.from_env(environ).username == DEFAULT_USERNAME


@pytest.mark.parametrize(
    ("vendor", "prefix"),
    [
        ("chargeover", "CHARGEOVER_EMULATOR_"),
        ("invoiced", "INVOICED_EMULATOR_"),
        ("Fynn", "FYNN_EMULATOR_"),
    ],
)
def test_environment_prefix(vendor: str, prefix: str) -> None:
    assert environment_prefix(vendor) == prefix


@pytest.mark.parametrize("vendor", ["", "charge-over", "charge_over", "2co", "fynn "])
def test_a_vendor_name_that_cannot_prefix_a_variable_is_refused(vendor: str) -> None:
    with pytest.raises(ConfigError, match="vendor"):
        Settings.from_env({}, vendor=vendor)


def test_serve_help_names_the_emulator_variables(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert "CHARGEOVER_EMULATOR_RATE_LIMIT=off" in capsys.readouterr().out
