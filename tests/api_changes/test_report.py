"""Bumps, the CI gate, the changelog entry, the release record and the "what breaks for us"
filter, computed from hand-made changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract_kit.api_changes import releases
from contract_kit.api_changes.change import Bump, Change, applied_bump, bump_version
from contract_kit.api_changes.report import PackageReport, Report, touches

REMOVED = Change(
    "spec",
    "response-optional-property-removed",
    Bump.MAJOR,
    "Customer.admin_id",
    "the response field was removed",
    "stop reading the field",
    ("getCustomer", "listCustomers"),
)
ADDED = Change(
    "spec",
    "response-optional-property-added",
    Bump.MINOR,
    "Customer.loyalty_tier",
    "a new optional response field",
    "",
    ("getCustomer",),
)
MODEL_REMOVED = Change(
    "acme_models", "object-removed", Bump.MAJOR, "acme_models.Customer.admin_id", "removed", "x"
)


def _package(
    changes: tuple[Change, ...] = (),
    *,
    spec_bump: Bump = Bump.NONE,
    version: str = "3.0.0",
    files_changed: bool = True,
) -> PackageReport:
    return PackageReport(
        dist="acme_models",
        package="acme_models",
        old_version="3.0.0",
        version=version,
        changes=changes,
        spec_bump=spec_bump,
        files_changed=files_changed,
    )


def _report(spec_changes: tuple[Change, ...], package: PackageReport) -> Report:
    return Report("acme", "spec/acme.yaml", "v3.0.0", "working tree", spec_changes, (package,))


@pytest.mark.parametrize(
    ("bump", "version"),
    [
        (Bump.MAJOR, "4.0.0"),
        (Bump.MINOR, "3.2.0"),
        (Bump.PATCH, "3.1.5"),
        (Bump.NONE, "3.1.4"),
    ],
)
def test_bump_version(bump: Bump, version: str) -> None:
    assert bump_version("3.1.4", bump) == version
    assert applied_bump("3.1.4", version) is bump


def test_a_version_that_is_not_semver_is_refused() -> None:
    with pytest.raises(ValueError, match=r"MAJOR\.MINOR\.PATCH"):
        bump_version("2024-01", Bump.MINOR)


def test_the_required_bump_is_the_largest_of_spec_and_package() -> None:
    assert _package((), spec_bump=Bump.MAJOR).required is Bump.MAJOR
    assert _package((MODEL_REMOVED,), spec_bump=Bump.MINOR).required is Bump.MAJOR
    assert _package((), spec_bump=Bump.MINOR).required is Bump.MINOR
    # output changed, but no API change: a patch; nothing changed: no release
    assert _package(()).required is Bump.PATCH
    assert _package((), files_changed=False).required is Bump.NONE


def test_a_breaking_change_fails_the_gate_until_the_version_has_its_major_bump() -> None:
    assert _report((REMOVED,), _package(spec_bump=Bump.MAJOR)).exit_code == 1
    assert _report((REMOVED,), _package(spec_bump=Bump.MAJOR, version="3.1.0")).exit_code == 1
    assert _report((REMOVED,), _package(spec_bump=Bump.MAJOR, version="4.0.0")).exit_code == 0
    # additions alone never fail the gate, bumped or not
    assert _report((ADDED,), _package(spec_bump=Bump.MINOR)).exit_code == 0


def test_the_changelog_entry_names_each_change_and_what_to_do() -> None:
    report = _report((REMOVED, ADDED), _package((MODEL_REMOVED,), spec_bump=Bump.MAJOR))
    entry = report.changelog_entry(report.packages[0], "4.0.0")
    breaking, _, others = entry.partition("### Other changes")
    assert entry.startswith("## 4.0.0\n\nMajor release (from 3.0.0)")
    assert "### Breaking: what a vendoring team must do" in breaking
    assert "`Customer.admin_id`: the response field was removed" in breaking
    assert "stop reading the field" in breaking
    assert "acme_models.Customer.admin_id" in breaking
    assert "`Customer.loyalty_tier`: a new optional response field" in others


def test_markdown_and_json_carry_the_verdict() -> None:
    report = _report((REMOVED, ADDED), _package(spec_bump=Bump.MAJOR))
    markdown = report.to_markdown()
    assert "| acme_models | 3.0.0 | 3.0.0 | major | none | needs a major bump (to 4.0.0) |" in (
        markdown
    )
    assert "- **breaking** `response-optional-property-removed`: `Customer.admin_id`" in markdown
    data = json.loads(report.to_json_text())
    assert data["exit_code"] == 1
    assert data["packages"][0]["proposed_version"] == "4.0.0"
    assert [c["breaking"] for c in data["spec_changes"]] == [True, False]


def test_record_sets_the_version_and_replaces_a_rerun_entry(tmp_path: Path) -> None:
    releases.record(tmp_path, "acme_models", "4.0.0", "## 4.0.0\n\nfirst try\n")
    releases.record(tmp_path, "acme_models", "4.0.0", "## 4.0.0\n\nsecond try\n")
    assert releases.read_version(tmp_path, "acme_models") == "4.0.0"
    releases.record(tmp_path, "acme_models", "4.1.0", "## 4.1.0\n\nlater\n")
    text = (tmp_path / "acme_models" / "CHANGELOG.md").read_text()
    assert text == ("# Changelog of acme_models\n\n## 4.1.0\n\nlater\n\n## 4.0.0\n\nsecond try\n")


def test_what_breaks_for_us_keeps_the_changes_touching_the_listed_uses() -> None:
    assert touches(REMOVED, ("listCustomers",))
    assert touches(REMOVED, ("Customer",))
    assert touches(REMOVED, ("Customer.admin_id",))
    assert touches(MODEL_REMOVED, ("Customer.admin_id",))
    assert not touches(REMOVED, ("Customer.company", "listInvoices", "Cust"))
    report = Report(
        "acme", "s", "b", "h", (REMOVED, ADDED), (_package((MODEL_REMOVED,)),), ("listCustomers",)
    )
    assert report.touching_uses() == [REMOVED]
    assert "## What breaks for us" in report.to_markdown()
