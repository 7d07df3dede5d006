"""Reading the repository at a git ref: the default base, a file, a folder."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

__all__ = ["default_base", "export_at", "read_at", "verify"]


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)


def default_base(repo: Path) -> str:
    """The ref a change report compares against when none is given.

    The last release tag if there is one; else where the branch left `origin/main`, or `main`
    (the merge base, so that a feature branch is compared with what it started from); else
    `HEAD`: the working tree against the last commit.
    """
    tag = _git(repo, "describe", "--tags", "--abbrev=0")
    if tag.returncode == 0 and tag.stdout.strip():
        return tag.stdout.decode().strip()
    for branch in ("origin/main", "main"):
        if _git(repo, "rev-parse", "--verify", "--quiet", branch).returncode == 0:
            base = _git(repo, "merge-base", "HEAD", branch)
            if base.returncode == 0:
                return base.stdout.decode().strip()
    return "HEAD"


def read_at(repo: Path, ref: str, path: str) -> bytes | None:
    """The file at `path` (relative to the repository root) in `ref`; None if it is not there."""
    shown = _git(repo, "show", f"{ref}:{path}")
    return shown.stdout if shown.returncode == 0 else None


def export_at(repo: Path, ref: str, path: str, dest: Path) -> bool:
    """Write the tree at `path` in `ref` under `dest` (keeping `path`); False if it is not there."""
    if _git(repo, "cat-file", "-e", f"{ref}:{path}").returncode != 0:
        return False
    archive = _git(repo, "archive", "--format=tar", ref, "--", path)
    if archive.returncode != 0:
        raise RuntimeError(f"git archive {ref} {path} failed: {archive.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return True


def verify(repo: Path, ref: str) -> None:
    """Fail with git's own words when `ref` names no commit."""
    checked = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if checked.returncode != 0:
        raise ValueError(f"{ref!r} is not a commit in {repo}")
