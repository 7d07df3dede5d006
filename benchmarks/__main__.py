"""`python -m benchmarks [--quick] [--out DIR] [--only SECTION ...]`."""

from benchmarks.runner import main

raise SystemExit(main())
