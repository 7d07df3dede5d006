"""`python -m chargeover_emulator` runs the CLI."""

from chargeover_emulator.cli import main

raise SystemExit(main())
