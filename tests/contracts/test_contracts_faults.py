"""The harness never judges an emulator with fault injection on, unless asked (--allow-faults)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from chargeover_emulator.app import create_app
from chargeover_emulator.config import DEFAULT_PASSWORD, DEFAULT_USERNAME, RateLimit
from chargeover_emulator.config import Settings as EmulatorSettings
from chargeover_emulator.emulator import Emulator
from contracts import cli
from contracts.settings import Settings
from contracts.targets import FaultsEnabled, open_target
from tests.threaded_server import serve_in_thread


@contextlib.contextmanager
def emulator_url(tmp_path: Path, *, faults: bool) -> Iterator[str]:
    settings = EmulatorSettings(
        db=str(tmp_path / "target.sqlite3"), rate_limit=RateLimit(0, 60.0), faults=faults
    )
    emulator = Emulator(settings)
    try:
        with serve_in_thread(create_app(emulator=emulator)) as origin:
            yield f"{origin}/api/v3"
    finally:
        emulator.close()


def url_settings(base_url: str, *, allow_faults: bool = False) -> Settings:
    return Settings.from_env(
        {},
        target="url",
        base_url=base_url,
        username=DEFAULT_USERNAME,
        password=DEFAULT_PASSWORD,
        allow_faults=allow_faults,
    )


def test_a_target_with_faults_on_is_refused(tmp_path: Path) -> None:
    with emulator_url(tmp_path, faults=True) as url:
        with (
            pytest.raises(FaultsEnabled, match="fault injection on"),
            open_target(url_settings(url)),
        ):
            pass
        with open_target(url_settings(url, allow_faults=True)) as target:
            assert target.base_url == url


def test_a_target_with_faults_off_is_not(tmp_path: Path) -> None:
    with emulator_url(tmp_path, faults=False) as url, open_target(url_settings(url)) as target:
        assert target.kind == "url"


def test_the_command_line_says_why_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHARGEOVER_USERNAME", DEFAULT_USERNAME)
    monkeypatch.setenv("CHARGEOVER_PASSWORD", DEFAULT_PASSWORD)
    with emulator_url(tmp_path, faults=True) as url:
        assert cli.main(["--url", url, "--report-dir", str(tmp_path / "reports")]) == 2
    assert "--allow-faults" in capsys.readouterr().err
