"""The public Python API diff of a generated package, with griffe.

griffe's breakage check (`find_breaking_changes`) finds what breaks: removed objects, removed,
moved or newly required parameters, changed kinds. Two things it does not report are taken from
the same two griffe trees (not from a hand-written AST walker; griffe loads both versions
statically, without importing them, so an old version needs none of its dependencies):
- additions, which decide a minor bump;
- changed annotations (griffe 2.4 leaves annotation checks as a TODO). Whether a new type
  breaks a caller depends on who writes the value, which only the spec knows, so they are
  reported as minor here and the spec's rules (a narrowed request type, a widened response
  type) decide whether the change is breaking.
"""

from __future__ import annotations

from pathlib import Path

import griffe

from contract_kit.api_changes.change import Bump, Change

__all__ = ["diff_package"]

# What a vendoring team does about each breakage griffe reports.
_ACTIONS = {
    griffe.BreakageKind.OBJECT_REMOVED: "stop using it",
    griffe.BreakageKind.PARAMETER_REMOVED: "stop passing the argument",
    griffe.BreakageKind.PARAMETER_ADDED_REQUIRED: "pass the new argument",
    griffe.BreakageKind.PARAMETER_CHANGED_REQUIRED: "pass the argument",
    griffe.BreakageKind.PARAMETER_MOVED: "pass the argument by keyword",
    griffe.BreakageKind.PARAMETER_CHANGED_KIND: "pass the argument as its new kind allows",
    griffe.BreakageKind.RETURN_CHANGED_TYPE: "handle the new return type",
    griffe.BreakageKind.ATTRIBUTE_CHANGED_TYPE: "use values of the new type",
    griffe.BreakageKind.OBJECT_CHANGED_KIND: "use it as its new kind",
    griffe.BreakageKind.CLASS_REMOVED_BASE: "stop relying on the removed base class",
}
# A changed default (PARAMETER_CHANGED_DEFAULT, ATTRIBUTE_CHANGED_VALUE) is reported as a minor
# change: the generators write `= None`/`= UNSET` defaults and `Field(...)` metadata there, and a
# caller's code still runs (griffe counts them as breakages for hand-written libraries).
_MINOR_KINDS = {
    griffe.BreakageKind.PARAMETER_CHANGED_DEFAULT,
    griffe.BreakageKind.ATTRIBUTE_CHANGED_VALUE,
}


def diff_package(old_root: Path | None, new_root: Path | None, package: str) -> list[Change]:
    """Changes to `package`'s public API from the copy under `old_root` to the one under `new_root`.

    A root is the folder holding the package (a distribution folder under generated/); None
    means the package does not exist on that side (a new or a dropped package).
    """
    old = _load(old_root, package)
    new = _load(new_root, package)
    if old is None and new is None:
        return []
    if old is None:
        return [_change(package, "object-added", Bump.MINOR, package, "a new package", "")]
    if new is None:
        detail = "the package was removed"
        return [_change(package, "object-removed", Bump.MAJOR, package, detail, "stop using it")]
    changes = []
    for breakage in griffe.find_breaking_changes(old, new):
        kind = breakage.kind
        bump = Bump.MINOR if kind in _MINOR_KINDS else Bump.MAJOR
        subject = breakage.obj.path
        parameter = breakage.old_value or breakage.new_value
        if isinstance(parameter, griffe.Parameter):
            subject = f"{subject}({parameter.name})"
        detail = kind.value.lower()
        if kind is not griffe.BreakageKind.OBJECT_REMOVED:
            detail += f": {_describe(breakage.old_value)} -> {_describe(breakage.new_value)}"
        rule = kind.name.lower().replace("_", "-")
        changes.append(_change(package, rule, bump, subject, detail, _ACTIONS.get(kind, "")))
    old_paths, new_paths = _public_paths(old), _public_paths(new)
    for path in sorted(old_paths & new_paths):
        before, after = _annotations(old, path), _annotations(new, path)
        for name in sorted(before.keys() & after.keys()):
            if before[name] != after[name]:
                subject = path if name == "" else f"{path}({name})"
                detail = f"annotation {before[name]} is now {after[name]}"
                changes.append(
                    _change(package, "annotation-changed", Bump.MINOR, subject, detail, "")
                )
    for path in sorted(new_paths - old_paths):
        # a member of an added object is not news of its own
        if path.rpartition(".")[0] in new_paths - old_paths:
            continue
        changes.append(_change(package, "object-added", Bump.MINOR, path, "added", ""))
    return sorted(changes, key=lambda c: (-c.bump, c.subject, c.rule))


def _load(root: Path | None, package: str) -> griffe.Module | None:
    if root is None or not (root / package).is_dir():
        return None
    # a fresh loader per side: griffe would otherwise reuse the first side's modules
    loaded = griffe.GriffeLoader(search_paths=[root], allow_inspection=False).load(package)
    assert isinstance(loaded, griffe.Module)
    return loaded


def _public_paths(obj: griffe.Object) -> set[str]:
    """Dotted paths of the public modules, classes, functions and attributes under `obj`."""
    paths: set[str] = set()
    for member in obj.members.values():
        if member.is_alias or not member.is_public:
            continue
        assert isinstance(member, griffe.Object)
        paths.add(member.path)
        if member.is_module or member.is_class:
            paths |= _public_paths(member)
    return paths


def _annotations(package: griffe.Module, path: str) -> dict[str, str]:
    """Annotations as source text: an attribute's under "", a function's per parameter name and
    its return under "return" (parameters added or removed are griffe's breakage check's)."""
    obj = package[path.partition(".")[2]]
    if isinstance(obj, griffe.Attribute):
        return {"": str(obj.annotation)}
    if isinstance(obj, griffe.Function):
        found = {p.name: str(p.annotation) for p in obj.parameters}
        return {**found, "return": str(obj.returns)}
    return {}


def _describe(value: object) -> str:
    if isinstance(value, griffe.Parameter):
        annotation = f": {value.annotation}" if value.annotation else ""
        default = f" = {value.default}" if value.default is not None else ""
        return f"{value.name}{annotation}{default}"
    return "nothing" if value is None else str(value)


def _change(package: str, rule: str, bump: Bump, subject: str, detail: str, action: str) -> Change:
    return Change(
        source=package, rule=rule, bump=bump, subject=subject, detail=detail, action=action
    )
