"""`contract-kit drift|parity|record`: recorded traffic against the spec and the emulator.

    contract-kit record --vendor chargeover --upstream https://SANDBOX/ --cassette sandbox.yaml
    contract-kit drift  --vendor chargeover cassettes/*.yaml        # spec vs what the API sent
    contract-kit parity --vendor chargeover cassettes/*.yaml        # emulator vs what it sent

drift and parity print the Markdown summary, write `summary.md` and `junit.xml` into
`--report-dir` (default `reports/drift`, `reports/parity`) and exit 1 on any difference no
waiver (`--waivers FILE`, each with its reason) excuses; 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from chargeover_emulator.dialects import vendors
from contracts.settings import DEFAULT_VENDOR
from contracts.traffic.cassette import CassetteError
from contracts.traffic.findings import TrafficReport, WaiverError, load_waivers

__all__ = ["COMMANDS", "main"]

COMMANDS = {
    "drift": "check recorded traffic against the vendor's spec",
    "parity": "replay recorded traffic against the emulator and compare the answers",
    "record": "a recording proxy in front of a real account (clients in any language)",
}


def _common(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument(
        "--vendor", default=DEFAULT_VENDOR, help=f"whose spec and emulator ({', '.join(vendors())})"
    )
    parser.add_argument("paths", nargs="+", type=Path, help="VCR cassettes (YAML/JSON) or HAR")
    parser.add_argument("--report-dir", type=Path, default=Path("reports") / command)
    parser.add_argument(
        "--waivers", type=Path, help="YAML list of {operation, check, subject, reason}"
    )
    parser.add_argument("--spec", type=Path, help="the spec (default: the vendor's own)")


def _parser(command: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"contract-kit {command}", description=COMMANDS[command])
    if command == "record":
        parser.add_argument("--vendor", default=DEFAULT_VENDOR, help="(for the cassette's name)")
        parser.add_argument("--upstream", required=True, help="the real API's base URL")
        parser.add_argument("--cassette", type=Path, required=True, help=".yaml, .json or .har")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        return parser
    _common(parser, command)
    if command == "parity":
        parser.add_argument(
            "--emulator-url", help="a running emulator (default: start one on a fresh database)"
        )
        parser.add_argument(
            "--emulator-authorization",
            help="the Authorization header the emulator accepts (default: the one its own "
            "authenticator accepts among Basic user:password, Basic key:, Bearer key)",
        )
    return parser


def _finish(report: TrafficReport, directory: Path) -> int:
    summary, junit = report.write(directory)
    print(report.markdown())
    print(f"wrote {summary} and {junit}")
    return 0 if report.ok else 1


def main(argv: Sequence[str]) -> int:
    """`drift`, `parity` or `record`, then that command's options."""
    if not argv or argv[0] not in COMMANDS:
        print("usage: contract-kit {" + ",".join(COMMANDS) + "} ...", file=sys.stderr)
        return 2
    command, rest = argv[0], list(argv[1:])
    args = _parser(command).parse_args(rest)
    if args.vendor not in vendors():
        print(f"{command}: unknown vendor {args.vendor!r}", file=sys.stderr)
        return 2
    if command == "record":
        return _record(args)
    try:
        waivers = load_waivers(args.waivers)
        if command == "drift":
            from contracts.traffic.drift import drift

            report = drift(args.vendor, args.paths, waivers=waivers, spec_path=args.spec)
        else:
            from contracts.traffic.parity import parity

            report = parity(
                args.vendor,
                args.paths,
                waivers=waivers,
                emulator_url=args.emulator_url,
                emulator_authorization=args.emulator_authorization,
                spec_path=args.spec,
            )
    except (CassetteError, WaiverError) as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return 2
    return _finish(report, args.report_dir)


def _record(args: argparse.Namespace) -> int:
    import uvicorn

    from contracts.traffic.proxy import recording_proxy
    from contracts.traffic.recorder import Recorder

    recorder = Recorder(args.cassette)
    app = recording_proxy(args.upstream, recorder)
    print(
        f"record: http://{args.host}:{args.port} -> {args.upstream}; Ctrl-C writes {args.cassette}"
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    print(f"record: {len(recorder.interactions)} interaction(s) in {args.cassette}")
    return 0
