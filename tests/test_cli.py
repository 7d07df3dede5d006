"""One command line: `contract-kit COMMAND --vendor V`, with the old commands as aliases."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from chargeover_emulator import dialects
from chargeover_emulator.cli import _parser, serve_settings
from chargeover_emulator.config import SERVE_RATE_LIMIT, RateLimit, Settings
from chargeover_emulator.errors import ConfigError
from contract_kit.cli import main


def test_vendors_lists_what_each_command_serves(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vendors"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "chargeover: serve, seed, contracts",
        "fynn: serve, seed, contracts",
        "invoiced: serve, seed, contracts",
    ]


def test_an_unknown_command_or_none_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    assert "unknown command 'frobnicate'" in capsys.readouterr().err
    assert main([]) == 2


def test_every_command_help_shows_its_tools_options(capsys: pytest.CaptureFixture[str]) -> None:
    for command, option in (
        ("serve", "--validation"),
        ("seed", "--seed-count"),
        ("contracts", "--target"),
        ("api-changes", "--apply"),
    ):
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0
        out = capsys.readouterr().out
        assert "--vendor" in out and option in out, out


def test_seed_fills_a_database_file_for_the_vendor(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    assert (
        main(
            ["seed", "--vendor", "chargeover", "--db", str(db), "--seed", "7", "--seed-count", "5"]
        )
        == 0
    )
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM customer").fetchone()[0] == 5


def test_the_harness_refuses_a_vendor_it_cannot_check_yet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["contracts", "--vendor", "acme"]) == 2
    assert "does not check 'acme' yet" in capsys.readouterr().err


def test_an_unknown_vendor_is_refused_by_the_emulator(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["serve", "--vendor", "nope"])
    assert done.value.code == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err


def test_a_third_party_dialect_plugs_in_by_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    toy = EntryPoint(
        name="toy", value="tests.toy.dialect:ToyDialect", group=dialects.ENTRY_POINT_GROUP
    )
    monkeypatch.setattr(dialects, "entry_points", lambda group: [toy] if group == toy.group else [])
    assert dialects.vendors() == ["chargeover", "fynn", "invoiced", "toy"]
    assert dialects.load_dialect("toy").api_prefix == "/v1"
    with pytest.raises(ConfigError, match="no dialect for vendor 'acme'"):
        dialects.load_dialect("acme")


def test_the_script_is_installed() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "contract_kit", "vendors"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout.strip().splitlines()) == (
        0,
        [
            "chargeover: serve, seed, contracts",
            "fynn: serve, seed, contracts",
            "invoiced: serve, seed, contracts",
        ],
    )


def test_serve_help_shows_every_default(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 19 item 8: `serve --help` said nothing of the defaults of most options."""
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    # argparse wraps lines, also after a hyphen
    out = " ".join(capsys.readouterr().out.split()).replace("- ", "-")
    for shown in (
        "(default: 127.0.0.1)", "(default: 8080)", "(default: chargeover-emulator.sqlite3)",
        "(default: 250/min, as the real API; off in process and in tests)",
        "(default: clamp)", "(default: reject)", "(default: faithful)", "(default: 0)",
        "(default: warning)",
    ):  # fmt: skip
        assert shown in out, (shown, out)


def test_usage_lines_name_the_one_documented_command(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 19 item 8: the usage lines said `python -m contracts` and `chargeover-emulator`
    while the README teaches `contract-kit COMMAND`."""
    for command in ("serve", "seed", "contracts"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert capsys.readouterr().out.startswith(f"usage: contract-kit {command} "), command
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "| `contract-kit contracts --vendor chargeover" in readme


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        # serve limits like the real API when nothing says otherwise, for every vendor
        (["serve"], {}, SERVE_RATE_LIMIT),
        (["serve", "--vendor", "invoiced"], {}, SERVE_RATE_LIMIT),
        # the environment wins over serve's default, the flag over the environment
        (["serve"], {"CHARGEOVER_EMULATOR_RATE_LIMIT": "off"}, RateLimit(0, 60.0)),
        (
            ["serve", "--rate-limit", "10/s"],
            {"CHARGEOVER_EMULATOR_RATE_LIMIT": "off"},
            RateLimit(10, 1.0),
        ),
    ],
)
def test_serve_rate_limit_defaults_to_the_real_apis(
    argv: list[str], environ: dict[str, str], expected: RateLimit
) -> None:
    """Issue 19: on by default for `serve`, off for `Settings()` (in process and in tests)."""
    assert serve_settings(_parser().parse_args(argv), environ).rate_limit == expected
    assert not Settings().rate_limit.enabled
    assert not Settings.from_env({}).rate_limit.enabled
