"""Extract the JSON payloads printed in the vendor docs in ../shared/seeds/ (read-only input).

The scraped pages print each example as a bare JSON block. Some blocks are abridged by the
docs ("...other user data...", "... (truncated for brevity) ..."); those placeholder lines are
dropped, together with the comma they leave dangling, so that the rest parses as JSON.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

CHARGEOVER_SEEDS = (
    "000_a8c2a2c2a2029a1b.txt",
    "002_0fd7f4edd664b8bb.txt",
    "003_4a27402103d0c50d.txt",
)

_PLACEHOLDER = re.compile(r"^\s*\.\.\..*$")
_DANGLING_COMMA = re.compile(r",(\s*[}\]])")


@dataclass(frozen=True)
class SeedExample:
    """One JSON payload found in a seed document."""

    seed: str
    line: int  # 1-based line where the block starts
    value: object
    abridged: bool  # the docs elided part of it


def _is_json_line(line: str) -> bool:
    return line.strip()[:1] in ('"', "{", "}", "[", "]") or line.strip() in (
        "true",
        "false",
        "null",
    )


def _blocks(text: str) -> list[tuple[int, str, bool]]:
    """Find bare JSON blocks; close those the docs cut short with a trailing "..." line."""
    lines = text.splitlines()
    found: list[tuple[int, str, bool]] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() not in ("{", "["):
            i += 1
            continue
        stack: list[str] = []
        body: list[str] = []
        abridged = False
        j = i
        while j < len(lines):
            line = lines[j]
            j += 1
            if _PLACEHOLDER.match(line):
                abridged = True
                if j >= len(lines) or not _is_json_line(lines[j]):
                    # The example stops here: close whatever is still open.
                    body.extend("}" if c == "{" else "]" for c in reversed(stack))
                    stack.clear()
                    break
                continue
            body.append(line)
            for ch in re.sub(r'"(?:\\.|[^"\\])*"', "", line):
                if ch in "{[":
                    stack.append(ch)
                elif ch in "}]" and stack:
                    stack.pop()
            if not stack:
                break
        found.append((i + 1, "\n".join(body), abridged))
        i = j
    return found


def seed_examples(folder: Path, seeds: tuple[str, ...] = CHARGEOVER_SEEDS) -> list[SeedExample]:
    """Every JSON payload in the ChargeOver seed documents in `folder`, in document order.

    Tests get `folder` from the `shared_seeds` fixture, which skips when it is absent.
    """
    out: list[SeedExample] = []
    for name in seeds:
        text = (folder / name).read_text(encoding="utf-8")
        for line, body, abridged in _blocks(text):
            cleaned = _DANGLING_COMMA.sub(r"\1", body)
            try:
                value = json.loads(cleaned)
            except json.JSONDecodeError:
                # A block cut off by the scrape (the page ends mid-example) is not a payload.
                abridged = True
                continue
            out.append(SeedExample(name, line, value, abridged))
    return out
