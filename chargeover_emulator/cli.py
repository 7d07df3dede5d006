"""`chargeover-emulator serve|seed` (also `contract-kit serve|seed --vendor V`): the emulator
under uvicorn (real HTTP, SQLite file), or demo data written into its database file."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Mapping, Sequence

from chargeover_emulator.config import (
    DEFAULT_VENDOR,
    SERVE_RATE_LIMIT,
    Settings,
    environment_prefix,
)
from chargeover_emulator.dialects import vendors
from chargeover_emulator.errors import ConfigError

__all__ = ["main", "serve_settings"]


def _parser() -> argparse.ArgumentParser:
    """Command-line options; unset options fall back to CHARGEOVER_EMULATOR_*, then defaults."""
    prefix = environment_prefix()
    parser = argparse.ArgumentParser(
        prog="contract-kit", description="A stateful ChargeOver REST API v3 emulator."
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
    defaults = Settings()
    serve = commands.add_parser(
        "serve",
        help="serve the API over HTTP",
        epilog=f"Options not given are read from {prefix}<OPTION> environment variables "
        f"(e.g. {prefix}RATE_LIMIT=off), then take the defaults shown.",
    )
    serve.add_argument(
        "--vendor",
        default=DEFAULT_VENDOR,
        choices=vendors(),
        help="whose API (default: %(default)s)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8080, help="TCP port (default: %(default)s)")
    serve.add_argument("--db", help=f"SQLite file, or :memory: (default: {defaults.db})")
    serve.add_argument(
        "--spec", dest="spec_path", help="OpenAPI document to serve (default: packaged/repo spec)"
    )
    serve.add_argument(
        "--api-key", help="API key, for vendors that authenticate by key (default: the dialect's)"
    )
    serve.add_argument(
        "--username",
        help=f"API username (public key) (default: the docs' example key, {defaults.username})",
    )
    serve.add_argument(
        "--password", help=f"API password (private key) (default: {defaults.password})"
    )
    serve.add_argument(
        "--seed",
        type=int,
        help="seed number for deterministic demo data; re-running it on the same database "
        "adds only what is missing (default: no demo data)",
    )
    serve.add_argument(
        "--seed-count",
        type=int,
        help=f"customers to create with --seed (default: {defaults.seed_count})",
    )
    serve.add_argument(
        "--rate-limit",
        help=f"N/min, N/s or off (default: {SERVE_RATE_LIMIT.requests}/min, as the real API; "
        "off in process and in tests)",
    )
    serve.add_argument(
        "--limit-overflow",
        choices=["clamp", "reject"],
        help=f"limit > 500 (default: {defaults.limit_overflow})",
    )
    serve.add_argument(
        "--unknown-item-ids",
        choices=["reject", "accept"],
        help=f"unknown line item_id (default: {defaults.unknown_item_ids})",
    )
    serve.add_argument(
        "--validation",
        choices=["faithful", "strict"],
        help="faithful: accept and report what the real API accepts; strict: reject every "
        f"spec violation (default: {defaults.validation})",
    )
    serve.add_argument(
        "--log-level", default="warning", help="uvicorn's log level (default: %(default)s)"
    )
    serve.add_argument(
        "--faults",
        action="store_true",
        default=None,
        help="allow fault injection: the X-Emulator-Fault header and /_emulator/faults "
        "(default off; never on in a shared or production-like setup)",
    )
    serve.add_argument(
        "--fault-rules",
        help="per-run faults: operation:fraction:fault, space-separated (`*:0.1:503`)",
    )
    serve.add_argument("--fault-seed", type=int, help="seed of the per-run fault draw")
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
    print(
        f"seeded {args.seed_count} from seed {args.seed} into {args.db} "
        "(demo objects already there are kept, not duplicated)",
        file=sys.stderr,
    )
    return 0


def serve_settings(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Settings:
    """`serve`'s settings: its options over {VENDOR}_EMULATOR_* over serve's own defaults (the
    real API's rate limit) over `Settings`' (whose rate limit is off, for in-process use)."""
    return Settings.from_env(
        environ,
        vendor=args.vendor,
        defaults={"rate_limit": SERVE_RATE_LIMIT},
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
        faults=args.faults,
        fault_rules=args.fault_rules,
        fault_seed=args.fault_seed,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `chargeover-emulator` script and `python -m chargeover_emulator`."""
    args = _parser().parse_args(argv)
    if args.command == "seed":
        return _seed_only(args)
    try:
        settings = serve_settings(args)
        import uvicorn

        from chargeover_emulator.app import create_app
        from chargeover_emulator.emulator import Emulator

        emulator = Emulator(settings)
        emulator.origin = f"http://{args.host}:{args.port}"
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
    # SIGINT (Ctrl-C) and SIGTERM are how a server is stopped: both end in exit status 0.
    # uvicorn re-raises the signal it caught once it has shut down; SIGTERM's default action
    # would then kill the process (status -15, which `nox -s emulator` reported as "Session
    # emulator failed"), so it raises _Stopped here instead.
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        uvicorn.run(
            app, host=args.host, port=args.port, log_level=args.log_level, access_log=access_log
        )
    except (KeyboardInterrupt, _Stopped):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    print("chargeover-emulator: stopped", file=sys.stderr, flush=True)
    return 0


class _Stopped(Exception):
    """SIGTERM arrived: stop serving."""


def _stop(signum: int, frame: object) -> None:
    """The SIGTERM handler around uvicorn (see main)."""
    raise _Stopped()
