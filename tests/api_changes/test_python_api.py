"""The public API diff of a package (griffe), on small packages written for each test."""

from __future__ import annotations

from pathlib import Path

from contract_kit.api_changes.change import Bump
from contract_kit.api_changes.python_api import diff_package

OLD = """
from pydantic import BaseModel


class Widget(BaseModel):
    id: str
    size: int | None = None
    weight: int | None = None


def get_widget(id: str, *, expand: bool = False) -> Widget:
    ...


def _private() -> None:
    ...
"""


def _package(root: Path, source: str) -> Path:
    (root / "widgets").mkdir(parents=True)
    (root / "widgets" / "__init__.py").write_text(source, encoding="utf-8")
    return root


def _diff(tmp_path: Path, new_source: str) -> dict[str, tuple[str, Bump]]:
    old = _package(tmp_path / "old", OLD)
    new = _package(tmp_path / "new", new_source)
    return {c.subject: (c.rule, c.bump) for c in diff_package(old, new, "widgets")}


def test_an_unchanged_package_has_no_change(tmp_path: Path) -> None:
    assert _diff(tmp_path, OLD) == {}


def test_a_removed_attribute_is_breaking_and_an_added_one_minor(tmp_path: Path) -> None:
    new = OLD.replace("    weight: int | None = None\n", "    color: str | None = None\n")
    assert _diff(tmp_path, new) == {
        "widgets.Widget.weight": ("object-removed", Bump.MAJOR),
        "widgets.Widget.color": ("object-added", Bump.MINOR),
    }


def test_a_new_required_parameter_is_breaking_a_new_function_minor(tmp_path: Path) -> None:
    new = OLD.replace("(id: str, *,", "(id: str, *, tenant: str,") + (
        "\n\ndef list_widgets() -> list[Widget]:\n    ...\n"
    )
    assert _diff(tmp_path, new) == {
        "widgets.get_widget(tenant)": ("parameter-added-required", Bump.MAJOR),
        "widgets.list_widgets": ("object-added", Bump.MINOR),
    }


def test_changed_defaults_and_annotations_are_minor(tmp_path: Path) -> None:
    # griffe does not judge annotations; the spec rules decide whether a type change breaks
    new = OLD.replace("expand: bool = False", "expand: bool = True").replace(
        "size: int | None", "size: str | None"
    )
    assert _diff(tmp_path, new) == {
        "widgets.get_widget(expand)": ("parameter-changed-default", Bump.MINOR),
        "widgets.Widget.size": ("annotation-changed", Bump.MINOR),
    }


def test_a_changed_return_annotation_is_reported(tmp_path: Path) -> None:
    new = OLD.replace(") -> Widget:", ") -> Widget | None:")
    changes = diff_package(_package(tmp_path / "a", OLD), _package(tmp_path / "b", new), "widgets")
    assert [(c.subject, c.rule) for c in changes] == [
        ("widgets.get_widget(return)", "annotation-changed")
    ]
    assert changes[0].detail == "annotation Widget is now Widget | None"


def test_private_names_are_not_the_public_api(tmp_path: Path) -> None:
    new = OLD.replace("def _private() -> None:", "def _other() -> None:")
    assert _diff(tmp_path, new) == {}


def test_a_new_package_is_minor_a_removed_one_breaking(tmp_path: Path) -> None:
    root = _package(tmp_path / "pkg", OLD)
    (added,) = diff_package(None, root, "widgets")
    (removed,) = diff_package(root, None, "widgets")
    assert (added.rule, added.bump) == ("object-added", Bump.MINOR)
    assert (removed.rule, removed.bump) == ("object-removed", Bump.MAJOR)
