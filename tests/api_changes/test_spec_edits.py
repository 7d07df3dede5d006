"""Each class of spec edit, through to the report's bump, the gate and the changelog entry."""

from __future__ import annotations

import copy

import pytest

from contract_kit.api_changes.change import Bump
from contract_kit.api_changes.report import PackageReport, Report
from contract_kit.api_changes.spec_rules import diff_specs
from tests.api_changes.widgets_spec import BASE, Doc, Edit, create_schema, widget


def _add_field(doc: Doc) -> None:
    widget(doc)["properties"]["code"] = {"type": "string"}


def _require_request_field(doc: Doc) -> None:
    create_schema(doc)["required"].append("size")


def _remove_response_field(doc: Doc) -> None:
    del widget(doc)["properties"]["weight"]


def _add_response_enum_value(doc: Doc) -> None:
    widget(doc)["properties"]["shade"]["enum"].append("clear")


def _remove_operation(doc: Doc) -> None:
    del doc["paths"]["/widgets/{id}"]["delete"]


@pytest.mark.parametrize(
    ("edit", "bump", "version", "exit_code", "named"),
    [
        (_add_field, Bump.MINOR, "1.1.0", 0, "`Widget.code`: a new optional response field"),
        (_require_request_field, Bump.MAJOR, "2.0.0", 1, "`WidgetCreate.size`: now required"),
        (_remove_response_field, Bump.MAJOR, "2.0.0", 1, "`Widget.weight`: the response field"),
        (_add_response_enum_value, Bump.MAJOR, "2.0.0", 1, '`Widget.shade`: added "clear"'),
        (_remove_operation, Bump.MAJOR, "2.0.0", 1, "`DELETE /widgets/{id}`: the operation was"),
    ],
    ids=["additive", "breaking-request", "breaking-response", "enum", "removed-operation"],
)
def test_a_spec_edit_gives_its_bump_gate_and_changelog(
    edit: Edit, bump: Bump, version: str, exit_code: int, named: str
) -> None:
    new = copy.deepcopy(BASE)
    edit(new)
    changes = tuple(diff_specs(BASE, new))
    package = PackageReport(
        dist="widgets_client",
        package="widgets_client",
        old_version="1.0.0",
        version="1.0.0",  # not bumped yet
        changes=(),
        spec_bump=max(c.bump for c in changes),
        files_changed=True,
    )
    report = Report("widgets", "spec/widgets.yaml", "v1.0.0", "working tree", changes, (package,))
    assert package.required is bump
    assert package.proposed_version == version
    assert report.exit_code == exit_code
    entry = report.changelog_entry(package, version)
    assert named in entry
    assert ("### Breaking: what a vendoring team must do" in entry) is (bump is Bump.MAJOR)
