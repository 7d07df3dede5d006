"""Emulator defects these scenarios found and cannot fix (chargeover_emulator/ has its own owner).

Each defect is pinned by a strict-xfail test in `test_known_defects.py`, so the fix turns that
test into an XPASS failure and prompts removing the entry here. The fuzzing and corpus scenarios
use `classify` to count a server error that matches a defect as *known* rather than new: any
other server error still fails them.
"""

from __future__ import annotations

import dataclasses
import re

__all__ = ["DEFECTS", "KnownDefect", "classify"]


@dataclasses.dataclass(frozen=True)
class KnownDefect:
    """A missing protection: what escapes the emulator, where, and the suggested fix."""

    key: str
    exception: str
    message: str  # regex on str(exception)
    location: str
    symptom: str
    fix: str

    def matches(self, error: BaseException) -> bool:
        """Whether an exception that escaped the emulator is this defect."""
        return type(error).__name__ == self.exception and bool(re.search(self.message, str(error)))


DEFECTS: tuple[KnownDefect, ...] = (
    KnownDefect(
        key="int64-overflow",
        exception="OverflowError",
        message="too large to convert to SQLite INTEGER",
        location=(
            "chargeover_emulator/resources/base.py ResourceService.resolve; "
            "protocol/paging.py _non_negative; protocol/where.py _coerce; "
            "bodies' integer fields (customer parent_customer_id, language_id, ...)"
        ),
        symptom=(
            "an integer beyond SQLite's int64 (path id 99999999999999999999999, offset, "
            "where customer_id:EQUALS:<huge>, body integer) is bound as-is: OverflowError, HTTP 500"
        ),
        fix=(
            "range-check integers before binding: resolve() answers 404 for ids > 2**63-1, "
            "paging/where answer 400; for bodies, add `maximum: 9223372036854775807` to integer "
            "schemas in the spec or check in validate_body"
        ),
    ),
    KnownDefect(
        key="deep-json-parse",
        exception="RecursionError",
        message="maximum recursion depth",
        location="chargeover_emulator/app.py _parse_json",
        symptom=(
            "a body nested ~1000+ levels deep (`[[[[...`) makes json.loads raise "
            "RecursionError: HTTP 500"
        ),
        fix="catch RecursionError next to ValueError in _parse_json and raise BadRequest",
    ),
    KnownDefect(
        key="deep-json-validate",
        exception="ValueError",
        message="Recursion limit reached",
        location="chargeover_emulator/specdoc.py validate_body",
        symptom=(
            "a body nested ~400 levels deep parses, then jsonschema's iter_errors raises: HTTP 500"
        ),
        fix=(
            "bound nesting depth in app._parse_json (e.g. reject depth > 64 with BadRequest) "
            "before validation, or catch ValueError/RecursionError in validate_body"
        ),
    ),
    KnownDefect(
        key="lone-surrogate",
        exception="UnicodeEncodeError",
        message="surrogates not allowed",
        location="chargeover_emulator/app.py _parse_json",
        symptom=(
            'a JSON string escape of a lone surrogate ("\\ud800") passes validation and fails '
            "at the SQLite bind: HTTP 500"
        ),
        fix=(
            "after json.loads, reject strings that do not encode to UTF-8 (e.g. "
            "json.dumps(body, ensure_ascii=False).encode('utf-8') in a try) with BadRequest"
        ),
    ),
    KnownDefect(
        key="non-finite-number",
        exception="ValueError",
        message="Out of range float values are not JSON compliant",
        location="chargeover_emulator/resources/invoices.py (line and invoice totals)",
        symptom=(
            "an invoice line with line_rate 1e308 and line_quantity 12 is accepted with 201 and "
            "its total overflows to inf; every later GET/list of invoices then fails rendering "
            "inf: HTTP 500 for all readers (a literal 1e400 is refused already)"
        ),
        fix=(
            "check math.isfinite on every computed amount (line total, subtotal, total) and raise "
            "BadRequest before anything is stored; or bound line_rate/line_quantity in the spec"
        ),
    ),
)


def classify(error: BaseException) -> KnownDefect | None:
    """The known defect an escaped exception is, or None when it is new."""
    return next((defect for defect in DEFECTS if defect.matches(error)), None)
