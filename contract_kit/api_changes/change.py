"""One change between two versions of an API, and the semver bump it calls for."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Bump(enum.IntEnum):
    """The semver part a change moves; ordered, so the largest of several is `max()`."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3


@dataclass(frozen=True)
class Change:
    """A change a vendoring team may care about.

    `rule` names the check that found it: an oasdiff rule id for spec changes
    (contract_kit/api_changes/spec_rules.py), a griffe breakage kind or `object-added` for changes
    to a generated package's Python API. `subject` is what changed (`Customer.admin_id`,
    `GET /customer`, `chargeover_models.Customer.admin_id`), `operations` the operationIds it
    reaches (empty for Python API changes).
    """

    source: str  # "spec" or the generated package's import name
    rule: str
    bump: Bump
    subject: str
    detail: str
    action: str  # what a vendoring team must do ("" when nothing)
    operations: tuple[str, ...] = field(default=())

    @property
    def breaking(self) -> bool:
        return self.bump is Bump.MAJOR

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "rule": self.rule,
            "breaking": self.breaking,
            "bump": self.bump.name.lower(),
            "subject": self.subject,
            "detail": self.detail,
            "action": self.action,
            "operations": list(self.operations),
        }


def bump_version(version: str, bump: Bump) -> str:
    """`3.0.0` bumped MAJOR is `4.0.0`; NONE leaves it as it is."""
    major, minor, patch = parse_version(version)
    if bump is Bump.MAJOR:
        return f"{major + 1}.0.0"
    if bump is Bump.MINOR:
        return f"{major}.{minor + 1}.0"
    if bump is Bump.PATCH:
        return f"{major}.{minor}.{patch + 1}"
    return version


def parse_version(version: str) -> tuple[int, int, int]:
    """`MAJOR.MINOR.PATCH` as three integers (the generated packages use nothing else)."""
    parts = version.strip().split(".")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        raise ValueError(f"not a MAJOR.MINOR.PATCH version: {version!r}")
    return int(parts[0]), int(parts[1]), int(parts[2])


def applied_bump(old: str, new: str) -> Bump:
    """Which part a version change moved (NONE when it did not go up)."""
    before, after = parse_version(old), parse_version(new)
    if after <= before:
        return Bump.NONE
    if after[0] > before[0]:
        return Bump.MAJOR
    if after[1] > before[1]:
        return Bump.MINOR
    return Bump.PATCH
