"""`contract-kit COMMAND --vendor V ...`: one command line over the emulator and the harness.

    contract-kit vendors                          which vendors each tool serves
    contract-kit serve --vendor chargeover ...    = chargeover-emulator serve ...
    contract-kit seed --vendor chargeover ...     = chargeover-emulator seed ...
    contract-kit contracts --vendor chargeover .. = python -m contracts ...
    contract-kit api-changes --vendor chargeover  change report, version bump, changelog
    contract-kit record|drift|parity --vendor V   recorded traffic vs spec and emulator

Everything after the command goes to the tool, so `contract-kit serve --help` shows the
emulator's options with their defaults. `--vendor` defaults to chargeover.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from chargeover_emulator import cli as emulator_cli
from chargeover_emulator.dialects import vendors
from contracts import cli as contracts_cli
from contracts.settings import DEFAULT_VENDOR

__all__ = ["main"]


def _api_changes(rest: list[str]) -> int:
    # imported on use: the report needs griffe (the api-changes dependency group), which the
    # emulator and the harness do not
    from contract_kit.api_changes.command import main as api_changes

    return api_changes(rest)


def _traffic(command: str) -> Callable[[list[str]], int]:
    # imported on use: reading cassettes needs vcrpy and haralyzer (the traffic dependency group)
    def run(rest: list[str]) -> int:
        from contracts.traffic.cli import main as traffic

        return traffic([command, *rest])

    return run


_TOOLS: dict[str, tuple[str, Callable[[list[str]], int]]] = {
    "serve": (
        "serve a vendor's emulator over HTTP",
        lambda rest: emulator_cli.main(["serve", *rest]),
    ),
    "seed": (
        "write a vendor's demo data into a database file",
        lambda rest: emulator_cli.main(["seed", *rest]),
    ),
    "contracts": ("run the contract suite against a target", contracts_cli.main),
    "api-changes": ("report API changes, bump and changelog the packages", _api_changes),
    "record": ("record a real account's traffic through a proxy (redacted)", _traffic("record")),
    "drift": ("check recorded traffic against the vendor's spec", _traffic("drift")),
    "parity": ("replay recorded traffic against the emulator, compare", _traffic("parity")),
}


def _usage() -> str:
    lines = ["usage: contract-kit {vendors," + ",".join(_TOOLS) + "} [--vendor V] [options]", ""]
    lines += [f"  {'vendors':<11} list the vendors each command serves"]
    lines += [f"  {name:<11} {summary}" for name, (summary, _) in _TOOLS.items()]
    lines += [
        "",
        f"--vendor defaults to {DEFAULT_VENDOR}; `contract-kit COMMAND --help` for options.",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `contract-kit` script and `python -m contract_kit`."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(_usage())
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command == "vendors":
        harness = set(contracts_cli.VENDORS)
        for vendor in vendors():
            tools = "serve, seed" + (", contracts" if vendor in harness else "")
            print(f"{vendor}: {tools}")
        return 0
    if command not in _TOOLS:
        print(f"contract-kit: unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    return _TOOLS[command][1](rest)
