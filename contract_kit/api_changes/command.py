"""`contract-kit api-changes`: what changed in a vendor's API between two git refs.

    contract-kit api-changes                      chargeover, last tag/main vs the working tree
    contract-kit api-changes --vendor invoiced    another vendor's spec and generated/invoiced_*
    contract-kit api-changes --apply              record the bumps and changelog entries
    contract-kit api-changes --uses uses.txt      also: only what touches these operations/fields

Prints the report, writes reports/api-changes-<vendor>.md and .json, and exits 1 when a
package has a breaking change but its version has not had a major bump (0 otherwise).
`--apply` writes each package's next version and changelog entry to codegen/releases/<dist>/;
the next `nox -s generate` puts them into generated/<dist>/.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from contract_kit.api_changes import gitrefs, releases
from contract_kit.api_changes.change import Bump
from contract_kit.api_changes.python_api import diff_package
from contract_kit.api_changes.report import PackageReport, Report
from contract_kit.api_changes.spec_rules import diff_specs

__all__ = ["main"]

WORKING_TREE = "working tree"


def _spec_of(vendor: str) -> str:
    # ChargeOver's document predates the per-vendor folders
    return (
        "spec/chargeover.openapi.yaml" if vendor == "chargeover" else f"spec/{vendor}/openapi.yaml"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="contract-kit api-changes",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="The default base: the last tag, else the merge base with origin/main or main, "
        "else HEAD.",
    )
    parser.add_argument("--vendor", default="chargeover", help="default: %(default)s")
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="default: the current folder")
    parser.add_argument("--spec", help="the vendor's OpenAPI document, relative to the repository")
    parser.add_argument(
        "--package",
        action="append",
        dest="packages",
        metavar="DIST[:PACKAGE]",
        help="a generated distribution folder (repeatable; default: <generated>/<vendor>_*); "
        "PACKAGE is its import name when it differs",
    )
    parser.add_argument("--generated", default="generated", help="default: %(default)s")
    parser.add_argument("--releases", default="codegen/releases", help="default: %(default)s")
    parser.add_argument("--base", help="git ref to compare from (default: see below)")
    parser.add_argument("--head", help="git ref to compare to (default: the working tree)")
    parser.add_argument("--reports", default="reports", help="output folder (default: %(default)s)")
    parser.add_argument(
        "--uses",
        type=Path,
        help="file listing the operationIds, schemas and Schema.field names a team uses "
        "(one a line, # comments): the report adds the changes that touch them",
    )
    parser.add_argument(
        "--apply",
        action="store_true",
        help="record each package's next version and changelog entry under --releases",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    repo = Path(args.repo).resolve()
    try:
        base = args.base or gitrefs.default_base(repo)
        for ref in filter(None, (base, args.head)):
            gitrefs.verify(repo, ref)
        uses = _read_uses(args.uses) if args.uses else ()
        with tempfile.TemporaryDirectory(prefix="api-changes-") as tmp:
            report = build_report(
                repo,
                vendor=args.vendor,
                spec=args.spec or _spec_of(args.vendor),
                packages=args.packages,
                generated=args.generated,
                releases_dir=args.releases,
                base=base,
                head=args.head,
                scratch=Path(tmp),
                uses=uses,
            )
    except (ValueError, RuntimeError, yaml.YAMLError) as exc:
        print(f"api-changes: {exc}", file=sys.stderr)
        return 2
    if args.apply:
        report = apply(report, repo / args.releases)
    print(report.to_terminal())
    reports = repo / args.reports
    reports.mkdir(parents=True, exist_ok=True)
    markdown = reports / f"api-changes-{args.vendor}.md"
    markdown.write_text(report.to_markdown(), encoding="utf-8")
    markdown.with_suffix(".json").write_text(report.to_json_text(), encoding="utf-8")
    print(f"api-changes: wrote {markdown} and {markdown.with_suffix('.json').name}")
    if report.exit_code:
        print(
            "api-changes: a breaking change without a major version bump: run "
            "`contract-kit api-changes --apply`, then `nox -s generate`",
            file=sys.stderr,
        )
    return report.exit_code


def build_report(
    repo: Path,
    *,
    vendor: str,
    spec: str,
    packages: Sequence[str] | None,
    generated: str,
    releases_dir: str,
    base: str,
    head: str | None,
    scratch: Path,
    uses: tuple[str, ...] = (),
) -> Report:
    """Compare `spec` and the generated packages at `base` with `head` (None: the working tree)."""
    paths = (spec, generated, releases_dir)
    old_root = _checkout(repo, base, paths, scratch / "base")
    new_root = repo if head is None else _checkout(repo, head, paths, scratch / "head")
    spec_changes = tuple(diff_specs(_load_spec(old_root / spec), _load_spec(new_root / spec)))
    spec_bump = max((c.bump for c in spec_changes), default=Bump.NONE)
    chosen = [
        (dist, package or dist)
        for dist, _, package in (
            item.partition(":")
            for item in packages
            or _vendor_dists(vendor, old_root / generated, new_root / generated)
        )
    ]
    package_reports = []
    for dist, package in chosen:
        old_dist, new_dist = old_root / generated / dist, new_root / generated / dist
        old_exists, new_exists = old_dist.is_dir(), new_dist.is_dir()
        package_reports.append(
            PackageReport(
                dist=dist,
                package=package,
                old_version=_version(old_dist) if old_exists else None,
                version=(
                    releases.read_version(new_root / releases_dir, dist) or _version(new_dist)
                    if new_exists
                    else None
                ),
                changes=tuple(
                    diff_package(
                        old_dist if old_exists else None, new_dist if new_exists else None, package
                    )
                ),
                spec_bump=spec_bump,
                files_changed=_contents(old_dist) != _contents(new_dist),
            )
        )
    return Report(
        vendor=vendor,
        spec=spec,
        base=base,
        head=head or WORKING_TREE,
        spec_changes=spec_changes,
        packages=tuple(package_reports),
        uses=uses,
    )


def apply(report: Report, releases_dir: Path) -> Report:
    """Record the required bump and changelog entry of every changed package; the new report."""
    applied = []
    for package in report.packages:
        version = package.proposed_version
        if package.required is Bump.NONE or version is None:
            applied.append(package)
            continue
        releases.record(
            releases_dir, package.dist, version, report.changelog_entry(package, version)
        )
        print(f"api-changes: {package.dist} {package.old_version} -> {version} recorded")
        applied.append(replace(package, version=version))
    if any(p.required is not Bump.NONE for p in report.packages):
        print("api-changes: run `nox -s generate` to put the versions and changelogs in generated/")
    return replace(report, packages=tuple(applied))


def _checkout(repo: Path, ref: str, paths: Sequence[str], dest: Path) -> Path:
    dest.mkdir(parents=True)
    for path in paths:
        gitrefs.export_at(repo, ref, path, dest)
    return dest


def _load_spec(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}  # a vendor's first spec: every operation is new
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise ValueError(f"{path} is not an OpenAPI document")
    return loaded


def _vendor_dists(vendor: str, *generated: Path) -> list[str]:
    names = {
        dist.name
        for folder in generated
        if folder.is_dir()
        for dist in folder.iterdir()
        if dist.name.startswith(f"{vendor}_") and (dist / "pyproject.toml").is_file()
    }
    return sorted(names)


def _version(dist: Path) -> str | None:
    pyproject = dist / "pyproject.toml"
    if not pyproject.is_file():
        return None
    found = re.search(r'(?m)^version = "([^"]*)"$', pyproject.read_text(encoding="utf-8"))
    return found.group(1) if found else None


def _contents(dist: Path) -> dict[str, bytes]:
    """The distribution's files, less what a release itself changes (version, changelog)."""
    if not dist.is_dir():
        return {}
    files = {}
    for path in sorted(dist.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.name == "CHANGELOG.md":
            continue
        data = path.read_bytes()
        if path.name == "pyproject.toml":
            data = re.sub(rb'(?m)^version = "[^"]*"$', b"", data)
        files[path.relative_to(dist).as_posix()] = data
    return files


def _read_uses(path: Path) -> tuple[str, ...]:
    lines = (
        line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
    )
    return tuple(line for line in lines if line)
