"""Harness settings from the environment: the target account's names, the harness's own prefix."""

from __future__ import annotations

from pathlib import Path

import pytest

from chargeover_emulator.config import Settings as EmulatorSettings
from chargeover_emulator.errors import ConfigError
from contracts.settings import Settings, SettingsError
from contracts.targets import _emulator_environment, open_target


def test_harness_options_come_from_the_contracts_prefix(tmp_path: Path) -> None:
    settings = Settings.from_env({
        "CHARGEOVER_CONTRACTS_TARGET": "emulator-inprocess",
        "CHARGEOVER_CONTRACTS_PROFILE": "deep",
        "CHARGEOVER_CONTRACTS_REPORT_DIR": str(tmp_path),
        "CHARGEOVER_CONTRACTS_RATE_LIMIT": "120",
        "CHARGEOVER_CONTRACTS_SEED": "42",
        "CHARGEOVER_CONTRACTS_ALLOW_WRITES": "yes",
    })  # fmt: skip
    assert settings.target == "emulator-inprocess" and settings.profile.name == "deep"
    assert settings.report_dir == tmp_path
    assert (settings.rate_limit_per_minute, settings.seed) == (120, 42)
    assert settings.allow_writes


def test_unprefixed_and_emulator_names_are_not_harness_options() -> None:
    settings = Settings.from_env({
        "CHARGEOVER_PROFILE": "deep",
        "CHARGEOVER_SEED": "42",
        "CHARGEOVER_RATE_LIMIT": "off",
        "CHARGEOVER_EMULATOR_RATE_LIMIT": "off",
        "CHARGEOVER_EMULATOR_SEED": "3",
    })  # fmt: skip
    assert settings.profile.name == "fast" and settings.seed is None
    assert settings.rate_limit_per_minute == 200


def test_emulator_credentials_are_not_the_target_account() -> None:
    environ = {"CHARGEOVER_EMULATOR_USERNAME": "emu", "CHARGEOVER_EMULATOR_PASSWORD": "emu"}
    with pytest.raises(SettingsError, match="CHARGEOVER_URL"):
        Settings.from_env(environ, target="url")
    settings = Settings.from_env(environ)
    assert settings.username is None and settings.password is None


def test_another_vendor_reads_its_own_names() -> None:
    environ = {
        "FYNN_URL": "https://acme.coreapi.io",  # the tenant host: no path prefix
        "FYNN_TOKEN": "fynn-key",
        "FYNN_READ_TOKEN": "fynn-read-only-key",
        "FYNN_CONTRACTS_PROFILE": "deep",
        "CHARGEOVER_CONTRACTS_SEED": "42",
        "CHARGEOVER_USERNAME": "chargeover-user",
    }
    settings = Settings.from_env(environ, vendor="fynn", target="url")
    assert (settings.base_url, settings.username) == (environ["FYNN_URL"], "fynn-key")
    assert settings.read_only_key == "fynn-read-only-key"
    assert settings.profile.name == "deep" and settings.seed is None
    with pytest.raises(SettingsError, match="FYNN_TOKEN"):
        Settings.from_env({"FYNN_URL": environ["FYNN_URL"]}, vendor="fynn", target="url")


@pytest.mark.parametrize("vendor", ["chargeover", "invoiced"])
def test_the_emulator_subprocess_gets_its_credentials_and_nothing_else_of_ours(
    vendor: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    stem = vendor.upper()
    monkeypatch.setenv(f"{stem}_EMULATOR_RATE_LIMIT", "1/min")
    monkeypatch.setenv(f"{stem}_EMULATOR_USERNAME", "from-the-shell")
    monkeypatch.setenv(f"{stem}_USERNAME", "sandbox-user")
    monkeypatch.setenv(f"{stem}_PASSWORD", "sandbox-secret")
    monkeypatch.setenv(f"{stem}_CONTRACTS_SEED", "42")
    env = _emulator_environment(vendor, "harness-user", "harness-secret")
    assert f"{stem}_USERNAME" not in env and f"{stem}_PASSWORD" not in env
    assert env[f"{stem}_CONTRACTS_SEED"] == "42" and "PATH" in env
    emulator = EmulatorSettings.from_env(env, vendor=vendor)
    assert (emulator.username, emulator.password) == ("harness-user", "harness-secret")
    assert emulator.rate_limit == EmulatorSettings().rate_limit


@pytest.mark.slow
def test_the_emulator_the_harness_serves_ignores_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """A shell configured for a sandbox (and an emulator) still gets the harness's own emulator."""
    monkeypatch.setenv("CHARGEOVER_USERNAME", "sandbox-user")
    monkeypatch.setenv("CHARGEOVER_PASSWORD", "sandbox-secret")
    monkeypatch.setenv("CHARGEOVER_EMULATOR_USERNAME", "shell-user")
    monkeypatch.setenv("CHARGEOVER_EMULATOR_UNKNOWN_ITEM_IDS", "accept")
    with open_target(Settings.from_env({}, target="emulator-http")) as target:
        client = target.client()
        assert client.post("customer", json={"company": "Shell Co."}).status_code == 201
        unknown_item = {"customer_id": 1, "line_items": [{"item_id": 999999, "line_rate": 1}]}
        # the emulator's default (reject), not the shell's `accept`
        assert client.post("invoice", json=unknown_item).status_code == 400
        client.auth = ("sandbox-user", "sandbox-secret")
        assert client.get("customer").status_code == 401


@pytest.mark.parametrize(
    "vendor", ["chargeover", "Invoiced", "fynn2", "", "2co", "charge-over", "charge_over", "é"]
)
def test_harness_and_emulator_accept_the_same_vendor_names(vendor: str) -> None:
    try:
        EmulatorSettings.from_env({}, vendor=vendor)
        emulator_accepts = True
    except ConfigError:
        emulator_accepts = False
    try:
        Settings.from_env({}, vendor=vendor)
        harness_accepts = True
    except SettingsError:
        harness_accepts = False
    assert emulator_accepts == harness_accepts
