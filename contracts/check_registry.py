"""A run's custom checks in schemathesis' registry: there for that run, and for nothing else.

schemathesis 4.32.5 takes custom checks from one process-wide registry only
(`schemathesis.checks.CHECKS`: `CheckContext.__init__` and `RunChecks.from_registry` read
`CHECKS.get_all()`; neither the configuration nor `engine.from_schema` accepts a list of
check functions). So a run registers its dialect's checks while its engine runs and removes
them in a `finally`, and each registered check is bound to the run's schema: on a case of any
other schema it answers True, which schemathesis reads as "skipped" and does not record. Another
schemathesis run in the same process, before, after or meanwhile, is never judged by them.
Runs that scope checks take turns (one lock): two runs of the same vendor register the same
names, and the registry keys checks by name.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from schemathesis.checks import CHECKS
from schemathesis.schemas import BaseSchema

__all__ = ["CheckFunction", "CheckNameTaken", "registered"]

#: a schemathesis response check: `(ctx, response, case) -> True (skipped) | None`
CheckFunction = Callable[[Any, Any, Any], "bool | None"]

# Guards schemathesis' registry (process-wide by its design), not any vendor's state.
_TURN = threading.Lock()


class CheckNameTaken(RuntimeError):
    """Someone else registered a check under a name this run needs."""


def _bound(check: CheckFunction, schema: BaseSchema) -> CheckFunction:
    """`check` on the cases of `schema`; a silent skip on any other schema's."""

    @functools.wraps(check)
    def bound(ctx: Any, response: Any, case: Any) -> bool | None:
        if case.operation.schema is not schema:
            return True
        return check(ctx, response, case)

    return bound


@contextlib.contextmanager
def registered(checks: Sequence[CheckFunction], schema: BaseSchema) -> Iterator[None]:
    """Register `checks` (bound to `schema`) for the body of the `with`, then remove them."""
    with _TURN:
        taken = sorted({check.__name__ for check in checks} & set(CHECKS.get_all_names()))
        if taken:
            raise CheckNameTaken(f"checks already registered elsewhere: {', '.join(taken)}")
        added: list[str] = []
        try:
            for check in checks:
                CHECKS.register(_bound(check, schema))
                added.append(check.__name__)
            yield
        finally:
            for name in added:
                CHECKS.unregister(name)
