"""`chargeover-emulator serve|seed` (also `contract-kit serve|seed --vendor V`): the emulator
under uvicorn (real HTTP, SQLite file), or demo data written into its database file."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from chargeover_emulator.config import DEFAULT_VENDOR, Settings, environment_prefix
from chargeover_emulator.dialects import vendors
from chargeover_emulator.errors import ConfigError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    """Command-line options; unset options fall back to CHARGEOVER_EMULATOR_*, then defaults."""
    prefix = environment_prefix()
    parser = argparse.ArgumentParser(
        prog="chargeover-emulator", description="A stateful ChargeOver REST API v3 emulator."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    seed = commands.add_parser(
        "seed",
        help="write deterministic demo data into a database file and exit",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    seed.add_argument("--vendor", default=DEFAULT_VENDOR, choices=vendors(), help="whose API")
    seed.add_argument("--db", required=True, help="SQLite file to fill")
    seed.add_argument("--seed", type=int, required=True, help="seed number (same seed, same data)")
    seed.add_argument("--seed-count", type=int, default=50, help="top-level objects to create")
    serve = commands.add_parser(
        "serve",
        help="serve the API over HTTP",
        epilog=f"Options not given are read from {prefix}<OPTION> environment variables "
        f"(e.g. {prefix}RATE_LIMIT=off), then take their defaults.",
    )
    serve.add_argument(
        "--vendor", default=DEFAULT_VENDOR, choices=vendors(), help="whose API (default chargeover)"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument(
        "--db", help="SQLite file, or :memory: (default chargeover-emulator.sqlite3)"
    )
    serve.add_argument(
        "--spec", dest="spec_path", help="OpenAPI document to serve (default: packaged/repo spec)"
    )
    serve.add_argument("--username", help="API username (public key)")
    serve.add_argument("--password", help="API password (private key)")
    serve.add_argument("--api-key", help="API key, for vendors that authenticate by key")
    serve.add_argument("--seed", type=int, help="seed number for deterministic demo data")
    serve.add_argument("--seed-count", type=int, help="customers to create with --seed (default 0)")
    serve.add_argument("--rate-limit", help="N/min, N/s or off (default 250/min)")
    serve.add_argument(
        "--limit-overflow", choices=["clamp", "reject"], help="limit > 500 (default clamp)"
    )
    serve.add_argument(
        "--unknown-item-ids",
        choices=["reject", "accept"],
        help="unknown line item_id (default reject)",
    )
    serve.add_argument(
        "--validation",
        choices=["faithful", "strict"],
        help="faithful: accept and report what the real API accepts; strict: reject every "
        "spec violation (default faithful)",
    )
    serve.add_argument("--log-level", default="warning")
    return parser


def _seed_only(args: argparse.Namespace) -> int:
    """`seed`: fill the database file, print what was written, exit."""
    from chargeover_emulator.emulator import Emulator

    try:
        settings = Settings.from_env(vendor=args.vendor, db=args.db, rate_limit="off")
        emulator = Emulator(settings)
        try:
            emulator.dialect.seed(
                emulator, args.seed, args.seed_count, progress=sys.stderr.isatty()
            )
        finally:
            emulator.close()
    except ConfigError as exc:
        print(f"chargeover-emulator: {exc}", file=sys.stderr)
        return 2
    print(f"seeded {args.seed_count} from seed {args.seed} into {args.db}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `chargeover-emulator` script and `python -m chargeover_emulator`."""
    args = _parser().parse_args(argv)
    if args.command == "seed":
        return _seed_only(args)
    try:
        settings = Settings.from_env(
            vendor=args.vendor,
            db=args.db,
            spec_path=args.spec_path,
            username=args.username,
            password=args.password,
            api_key=args.api_key,
            seed=args.seed,
            seed_count=args.seed_count,
            rate_limit=args.rate_limit,
            limit_overflow=args.limit_overflow,
            unknown_item_ids=args.unknown_item_ids,
            validation=args.validation,
        )
        import uvicorn

        from chargeover_emulator.app import create_app
        from chargeover_emulator.emulator import Emulator

        emulator = Emulator(settings)
        if settings.seed is not None and settings.seed_count > 0:
            emulator.dialect.seed(
                emulator,
                settings.seed,
                settings.seed_count,
                progress=sys.stderr.isatty() or settings.seed_count >= 1000,
            )
        app = create_app(emulator=emulator)
    except ConfigError as exc:
        print(f"chargeover-emulator: {exc}", file=sys.stderr)
        return 2
    print(
        f"chargeover-emulator: serving {args.vendor} at "
        f"http://{args.host}:{args.port}{emulator.dialect.api_prefix} (db {settings.db})",
        file=sys.stderr,
        flush=True,
    )
    # uvicorn formats an access-log line for every request and drops it below `info`; at the
    # default `warning` that was pure cost, so the access log is on only where it is shown.
    access_log = args.log_level.lower() in {"info", "debug", "trace"}
    uvicorn.run(
        app, host=args.host, port=args.port, log_level=args.log_level, access_log=access_log
    )
    return 0
