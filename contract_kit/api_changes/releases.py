"""The release inputs of the generated packages: codegen/releases/<dist>/{VERSION,CHANGELOG.md}.

`contract-kit api-changes --apply` writes them; `codegen/generate.py` (codegen/releases.py)
puts them into generated/<dist>/ on the next regeneration, so that generation stays a function
of the repository's files.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["read_version", "record"]


def read_version(releases: Path, dist: str) -> str | None:
    path = releases / dist / "VERSION"
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None


def record(releases: Path, dist: str, version: str, entry: str) -> None:
    """Set the package's version and put `entry` (a `## version` section) atop its changelog.

    Running it again for the same version replaces that version's section (a report rerun after
    a further spec edit), so the changelog never holds a version twice.
    """
    folder = releases / dist
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "VERSION").write_text(version + "\n", encoding="utf-8")
    changelog = folder / "CHANGELOG.md"
    title = f"# Changelog of {dist}\n"
    text = changelog.read_text(encoding="utf-8") if changelog.is_file() else title
    head, sections = _split(text)
    sections = [s for s in sections if not s.startswith(f"## {version}\n")]
    changelog.write_text(
        "\n".join([head.rstrip("\n") + "\n", entry, *sections]).rstrip("\n") + "\n",
        encoding="utf-8",
    )


def _split(text: str) -> tuple[str, list[str]]:
    """The text before the first `## ` heading, and each `## ` section."""
    parts = re.split(r"(?m)^(?=## )", text)
    return parts[0], [part.rstrip("\n") + "\n" for part in parts[1:]]
