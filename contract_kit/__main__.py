"""`python -m contract_kit` is `contract-kit`."""

import sys

from contract_kit.cli import main

sys.exit(main())
