"""End to end on a temporary git repository: a released toy spec and its generated packages, a
real spec edit, real regeneration (codegen/generate.py), the report, --apply, regeneration again.

The toy spec (tests/toy/openapi.yaml) generates in about two seconds, where a vendor's takes
tens: the pipeline is the same.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from contract_kit.api_changes.command import main

REPO = Path(__file__).resolve().parents[2]
SPEC = "spec/toy.openapi.yaml"
DISTS = ("chargeover_client", "chargeover_models")  # the names generate.py gives any spec's output
# the released toy has one more optional widget field, for the worked example to remove
NOTE = "        note: {type: string, description: A free-form note.}\n"
LABEL = "        label: {type: string, description: A short label.}\n"
ANCHOR = "        created_at: {type: string, format: date-time, readOnly: true}\n"

pytestmark = pytest.mark.slow


def _git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def _generate(repo: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(REPO / "codegen" / "generate.py"),
            # the toy spec stands in for ChargeOver's document (generated/chargeover_*)
            "--vendor",
            "chargeover",
            "--spec",
            str(repo / SPEC),
            "--generated",
            str(repo / "generated"),
            "--releases",
            str(repo / "codegen" / "releases"),
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _edit_spec(repo: Path, *, remove: str = "", add: str = "") -> None:
    spec = repo / SPEC
    text = spec.read_text(encoding="utf-8")
    assert remove in text and ANCHOR in text
    spec.write_text(text.replace(remove, "").replace(ANCHOR, ANCHOR + add), encoding="utf-8")


def _report(repo: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code = main(["--repo", str(repo), "--spec", SPEC, *extra])
    report = json.loads((repo / "reports" / "api-changes-chargeover.json").read_text())
    return code, report


@pytest.fixture(scope="module")
def _released_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("released") / "repo"
    (repo / "spec").mkdir(parents=True)
    toy = (REPO / "tests" / "toy" / "openapi.yaml").read_text(encoding="utf-8")
    (repo / SPEC).write_text(toy.replace(ANCHOR, ANCHOR + NOTE), encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    assert _generate(repo).returncode == 0
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "release 1.0.0")
    _git(repo, "tag", "v1.0.0")
    return repo


@pytest.fixture
def released(_released_once: Path, tmp_path: Path) -> Path:
    """A repository whose last tag, v1.0.0, holds the toy spec and its generated packages."""
    # generated once per module; each test edits its own copy
    return Path(shutil.copytree(_released_once, tmp_path / "repo", symlinks=True))


def _spec_rules(report: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    return {c["subject"]: (c["rule"], c["breaking"]) for c in report["spec_changes"]}


def _packages(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["dist"]: p for p in report["packages"]}


def test_the_worked_example_breaks_bumps_major_and_writes_the_changelog(
    released: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # add an optional field, remove another; regenerate
    _edit_spec(released, remove=NOTE, add=LABEL)
    assert _generate(released).returncode == 0

    code, report = _report(released)
    assert code == 1  # breaking, and the version has not had its major bump
    assert report["base"] == "v1.0.0"  # the default base: the last tag
    assert _spec_rules(report) == {
        "Widget.note": ("response-optional-property-removed", True),
        "Widget.label": ("response-optional-property-added", False),
    }
    for dist in DISTS:
        package = _packages(report)[dist]
        assert (package["required_bump"], package["proposed_version"]) == ("major", "2.0.0")
        assert any(c["rule"] == "object-removed" for c in package["changes"])
    markdown = (released / "reports" / "api-changes-chargeover.md").read_text()
    assert "`Widget.note`" in markdown and "`Widget.label`" in markdown
    assert "Widget.note" in capsys.readouterr().out

    code, report = _report(released, "--apply")
    assert code == 0
    for dist in DISTS:
        assert (released / "codegen" / "releases" / dist / "VERSION").read_text() == "2.0.0\n"

    # regeneration applies the version and the changelog; the gate then passes
    assert _generate(released).returncode == 0
    for dist in DISTS:
        assert 'version = "2.0.0"' in (released / "generated" / dist / "pyproject.toml").read_text()
        changelog = (released / "generated" / dist / "CHANGELOG.md").read_text()
        assert "## 2.0.0" in changelog
        breaking, _, others = changelog.partition("### Other changes")
        assert "`Widget.note`: the response field was removed" in breaking
        assert "`Widget.label`: a new optional response field" in others
    code, report = _report(released)
    assert code == 0
    assert {p["applied_bump"] for p in _packages(report).values()} == {"major"}
    assert _generate(released, "--check").returncode == 0  # still deterministic


def test_an_additive_change_is_a_minor_bump_and_exit_0(released: Path) -> None:
    _edit_spec(released, add=LABEL)
    assert _generate(released).returncode == 0
    code, report = _report(released)
    assert code == 0
    assert _spec_rules(report) == {"Widget.label": ("response-optional-property-added", False)}
    for dist in DISTS:
        package = _packages(report)[dist]
        assert (package["required_bump"], package["proposed_version"]) == ("minor", "1.1.0")


def test_a_forgotten_regeneration_fails_the_drift_check_and_still_shows_in_the_report(
    released: Path,
) -> None:
    _edit_spec(released, remove=NOTE)
    drift = _generate(released, "--check")
    assert drift.returncode == 1
    assert "Run `nox -s generate`" in drift.stderr
    # the packages did not change, but the spec did: the bump still says major
    code, report = _report(released)
    assert code == 1
    for package in _packages(report).values():
        assert package["changes"] == []
        assert package["required_bump"] == "major"


def test_a_team_sees_only_what_touches_what_it_uses(released: Path) -> None:
    _edit_spec(released, remove=NOTE, add=LABEL)
    uses = released / "uses.txt"
    uses.write_text("# what our billing service uses\nWidgetCreate\nWidget.label\n")
    _, report = _report(released, "--uses", str(uses))
    touching = report["touching_uses"]
    # not the removed note (no regeneration here: tests/api_changes/test_report.py shows the
    # generated packages' changes matched by the same names)
    assert [c["subject"] for c in touching] == ["Widget.label"]


def test_a_ref_that_is_not_a_commit_is_a_usage_error(
    released: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--repo", str(released), "--spec", SPEC, "--base", "v9"]) == 2
    assert "'v9' is not a commit" in capsys.readouterr().err
