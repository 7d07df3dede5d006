"""`contract-kit contracts` (aliases `chargeover-contracts`, `python -m contracts`): run the
contract suite against a target and report (exit 1 on failure)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from contracts.dialects import vendors
from contracts.reporting import Progress
from contracts.runner import run
from contracts.settings import (
    DEFAULT_VENDOR,
    PROFILES,
    SUITES,
    Settings,
    SettingsError,
    option_variable,
)
from contracts.targets import FaultsEnabled

__all__ = ["VENDORS", "main"]

#: vendors the harness can check so far (the engine serves more: `contract-kit vendors`)
VENDORS = vendors()


def _parser() -> argparse.ArgumentParser:
    """Command-line options; unset options fall back to environment variables, then defaults."""
    options = option_variable(DEFAULT_VENDOR, "{OPTION}")
    parser = argparse.ArgumentParser(
        prog="contract-kit contracts",
        description=(
            "Check a vendor's spec against a target: schemathesis over every operation, "
            "and the vendor's reference-model state machine, generated client and documented "
            "leniencies, and where spec and target disagree (drift)."
        ),
        epilog=f"Options not given are read from {options} environment variables "
        "(INVOICED_CONTRACTS_* for --vendor invoiced, and so on) "
        "(TARGET, PROFILE, ALLOW_WRITES, REPORT_DIR, SEED, RATE_LIMIT: requests per minute "
        "on a url target), then take their defaults.",
    )
    parser.add_argument(
        "--vendor",
        default=DEFAULT_VENDOR,
        help=f"whose API to check (the harness supports: {', '.join(VENDORS)})",
    )
    parser.add_argument(
        "--target",
        choices=["emulator-http", "emulator-inprocess", "url"],
        help="emulator-http (default): start `contract-kit serve --vendor V` on a free port; "
        "url: CHARGEOVER_URL with CHARGEOVER_USERNAME/CHARGEOVER_PASSWORD (the vendor's "
        "variables: README.md)",
    )
    parser.add_argument(
        "--url", help="base URL, ending in /api/v3 for ChargeOver (default: {VENDOR}_URL)"
    )
    parser.add_argument("--profile", choices=sorted(PROFILES), help="fast (default) or deep")
    parser.add_argument(
        "--allow-writes",
        action="store_true",
        default=None,
        help="on a url target, create (prefixed) objects and delete them afterwards",
    )
    parser.add_argument(
        "--allow-faults",
        action="store_true",
        default=None,
        help="run against a url target whose emulator has fault injection on (refused otherwise)",
    )
    parser.add_argument("--report-dir", type=Path, help="default reports/contracts")
    parser.add_argument(
        "--seed",
        type=int,
        help="seed of every suite's generation (default: random; each run prints its seed, "
        "and --seed N replays that run)",
    )
    parser.add_argument(
        "--suite",
        action="append",
        choices=list(SUITES),
        help="run only this suite (repeatable; default: all)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m contracts` and `chargeover-contracts`."""
    args = _parser().parse_args(argv)
    if args.vendor not in VENDORS:
        print(
            f"contracts: the harness does not check {args.vendor!r} yet "
            f"(supported: {', '.join(VENDORS)})",
            file=sys.stderr,
        )
        return 2
    target = args.target or ("url" if args.url else None)
    try:
        settings = Settings.from_env(
            vendor=args.vendor,
            target=target,
            base_url=args.url,
            profile_name=args.profile,
            allow_writes=args.allow_writes,
            allow_faults=args.allow_faults,
            report_dir=args.report_dir,
            seed=args.seed,
            suites=tuple(args.suite) if args.suite else None,
        )
    except SettingsError as exc:
        print(f"contracts: {exc}", file=sys.stderr)
        return 2
    try:
        report = run(settings, progress=Progress())
    except FaultsEnabled as exc:
        print(f"contracts: {exc}", file=sys.stderr)
        return 2
    summary, junit = report.write(settings.report_dir)
    print()
    print(report.markdown())
    print(f"contracts: wrote {summary} and {junit}")
    return 0 if report.ok else 1
