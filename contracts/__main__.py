"""`python -m contracts` (the contract suite), `python -m contracts drift|parity|record ...`."""

import sys

from contracts.cli import main

if sys.argv[1:2] and sys.argv[1] in {"drift", "parity", "record"}:
    from contracts.traffic.cli import main as traffic

    raise SystemExit(traffic(sys.argv[1:]))
raise SystemExit(main())
