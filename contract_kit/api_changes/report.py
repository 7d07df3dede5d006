"""The change report of one vendor: spec changes, each package's API changes, bumps, renderings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from contract_kit.api_changes.change import Bump, Change, applied_bump, bump_version

__all__ = ["PackageReport", "Report", "touches"]


@dataclass(frozen=True)
class PackageReport:
    """One generated package: its API changes and the bump they call for.

    `old_version` is the package's version at the base ref, `version` the one regeneration
    writes now (codegen/releases/<dist>/VERSION, else the working tree's pyproject.toml); None
    where the package does not exist.
    """

    dist: str
    package: str
    old_version: str | None
    version: str | None
    changes: tuple[Change, ...]
    spec_bump: Bump
    files_changed: bool

    @property
    def required(self) -> Bump:
        """Major for a breaking change, minor for additions, patch for any other output change."""
        own = max((c.bump for c in self.changes), default=Bump.NONE)
        bump = max(own, self.spec_bump)
        return Bump.PATCH if bump is Bump.NONE and self.files_changed else bump

    @property
    def applied(self) -> Bump:
        if self.old_version is None or self.version is None:
            return Bump.NONE
        return applied_bump(self.old_version, self.version)

    @property
    def proposed_version(self) -> str | None:
        """The version the required bump gives (the base version when nothing changed)."""
        return None if self.old_version is None else bump_version(self.old_version, self.required)

    @property
    def gate_ok(self) -> bool:
        """False for a breaking change whose version has not had its major bump."""
        return self.required is not Bump.MAJOR or self.old_version is None or (
            self.applied is Bump.MAJOR
        )  # fmt: skip


@dataclass(frozen=True)
class Report:
    vendor: str
    spec: str
    base: str
    head: str
    spec_changes: tuple[Change, ...]
    packages: tuple[PackageReport, ...]
    uses: tuple[str, ...] = field(default=())

    @property
    def exit_code(self) -> int:
        """0 unless a package has a breaking change without a major version bump (CI gates)."""
        return 0 if all(p.gate_ok for p in self.packages) else 1

    def touching_uses(self) -> list[Change]:
        """The changes that touch the operations and fields listed in `uses`."""
        changes = [*self.spec_changes, *(c for p in self.packages for c in p.changes)]
        return [c for c in changes if touches(c, self.uses)]

    def to_json(self) -> dict[str, object]:
        return {
            "vendor": self.vendor,
            "spec": self.spec,
            "base": self.base,
            "head": self.head,
            "exit_code": self.exit_code,
            "spec_changes": [c.to_json() for c in self.spec_changes],
            "packages": [
                {
                    "dist": p.dist,
                    "package": p.package,
                    "old_version": p.old_version,
                    "version": p.version,
                    "required_bump": p.required.name.lower(),
                    "applied_bump": p.applied.name.lower(),
                    "proposed_version": p.proposed_version,
                    "gate_ok": p.gate_ok,
                    "changes": [c.to_json() for c in p.changes],
                }
                for p in self.packages
            ],
            **(
                {
                    "uses": list(self.uses),
                    "touching_uses": [c.to_json() for c in self.touching_uses()],
                }
                if self.uses
                else {}
            ),
        }

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2) + "\n"

    def to_markdown(self) -> str:
        lines = [
            f"# API changes: {self.vendor}",
            "",
            f"`{self.spec}` and its generated packages: {_short(self.base)} -> "
            f"{_short(self.head)}.",
            "",
            "## Packages",
            "",
            "| package | base version | version now | needs | has | verdict |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for p in self.packages:
            verdict = "ok" if p.gate_ok else f"needs a major bump (to {p.proposed_version})"
            lines.append(
                f"| {p.dist} | {p.old_version or 'new'} | {p.version or 'removed'} "
                f"| {p.required.name.lower()} | {p.applied.name.lower()} | {verdict} |"
            )
        lines += ["", "## Spec changes", ""]
        lines += _markdown_changes(self.spec_changes) or ["No change the rules know about."]
        for p in self.packages:
            lines += ["", f"## Python API of {p.package}", ""]
            lines += _markdown_changes(p.changes) or ["No public API change."]
        if self.uses:
            lines += ["", "## What breaks for us", "", f"Uses: {', '.join(self.uses)}.", ""]
            lines += _markdown_changes(self.touching_uses()) or ["None of the changes touch them."]
        return "\n".join(lines) + "\n"

    def to_terminal(self) -> str:
        lines = [
            f"api-changes: {self.vendor} ({self.spec}), {_short(self.base)} -> {_short(self.head)}"
        ]
        for change in self.spec_changes:
            lines.append(f"  {_terminal_line(change)}")
        for p in self.packages:
            verdict = "ok" if p.gate_ok else f"BREAKING: needs a major bump to {p.proposed_version}"
            lines.append(
                f"{p.dist}: {p.old_version or 'new'} -> {p.version or 'removed'}; "
                f"needs {p.required.name.lower()}, has {p.applied.name.lower()}: {verdict}"
            )
            lines += [f"  {_terminal_line(change)}" for change in p.changes]
        if self.uses:
            touching = self.touching_uses()
            lines.append(f"what breaks for us ({len(touching)} changes touch the listed uses):")
            lines += [f"  {_terminal_line(change)}" for change in touching]
        return "\n".join(lines)

    def changelog_entry(self, package: PackageReport, version: str) -> str:
        """The package's CHANGELOG.md section for `version`: what changed, what to do."""
        changes = [*self.spec_changes, *package.changes]
        breaking = [c for c in changes if c.breaking]
        lines = [
            f"## {version}",
            "",
            f"{package.required.name.capitalize()} release (from {package.old_version}): "
            f"regenerated from `{self.spec}` (changes since {_short(self.base)}).",
        ]
        if breaking:
            lines += ["", "### Breaking: what a vendoring team must do", ""]
            lines += [f"- {_changelog_line(c)}" for c in breaking]
        others = [c for c in changes if not c.breaking]
        if others:
            lines += ["", "### Other changes", ""]
            lines += [f"- {_changelog_line(c)}" for c in others]
        if not changes:
            lines += ["", "No API change: generated code or documentation only."]
        return "\n".join(lines) + "\n"


def touches(change: Change, uses: tuple[str, ...]) -> bool:
    """True if `change` reaches an operationId, a schema or a `Schema.field` listed in `uses`.

    A Python API change matches by its path's tail (`chargeover_models.Customer.admin_id`
    touches `Customer.admin_id` and `Customer`).
    """
    for use in uses:
        if use in change.operations or change.subject == use:
            return True
        if change.subject.startswith(f"{use}.") or f".{use}." in f".{change.subject}.":
            return True
        if use.startswith(f"{change.subject}."):  # the whole schema or package changed
            return True
    return False


def _terminal_line(change: Change) -> str:
    kind = "BREAKING" if change.breaking else change.bump.name.lower()
    where = f" [{', '.join(change.operations)}]" if change.operations else ""
    return f"{kind:<8} {change.rule}: {change.subject}: {change.detail}{where}"


def _markdown_changes(changes: tuple[Change, ...] | list[Change]) -> list[str]:
    lines = []
    for change in changes:
        kind = "**breaking**" if change.breaking else change.bump.name.lower()
        where = f" (operations: {', '.join(change.operations)})" if change.operations else ""
        action = f" What to do: {change.action}." if change.action else ""
        lines.append(
            f"- {kind} `{change.rule}`: `{change.subject}`: {change.detail}{where}.{action}"
        )
    return lines


def _changelog_line(change: Change) -> str:
    where = f" (in {', '.join(change.operations)})" if change.operations else ""
    action = f": {change.action}" if change.action else ""
    return f"`{change.subject}`: {change.detail}{where}{action} [{change.rule}]"


def _short(ref: str) -> str:
    """A commit id as git prints it short; any other ref as it is."""
    return ref[:12] if len(ref) == 40 and all(c in "0123456789abcdef" for c in ref) else ref
