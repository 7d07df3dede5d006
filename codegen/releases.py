"""Put a generated package's release inputs into its generated distribution.

`contract-kit api-changes --apply` records each package's next version and changelog under
codegen/releases/<dist>/ (VERSION, CHANGELOG.md); generation copies them in here, so that the
version and changelog of a regenerated package follow from the repository's files alone.
A distribution without a VERSION keeps the spec's info.version.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

RELEASES = Path(__file__).resolve().parent / "releases"


def apply(dist: Path, releases: Path = RELEASES) -> None:
    """Set `dist`'s pyproject version and copy its CHANGELOG.md from `releases/<dist name>/`."""
    recorded = releases / dist.name
    version_file = recorded / "VERSION"
    if version_file.is_file():
        version = version_file.read_text(encoding="utf-8").strip()
        pyproject = dist / "pyproject.toml"
        text, count = re.subn(
            r'(?m)^version = "[^"]*"$',
            f'version = "{version}"',
            pyproject.read_text("utf-8"),
            count=1,
        )
        if count != 1:
            raise ValueError(f"{pyproject} has no version line to set")
        pyproject.write_text(text, encoding="utf-8")
    changelog = recorded / "CHANGELOG.md"
    if changelog.is_file():
        shutil.copyfile(changelog, dist / "CHANGELOG.md")
