"""Derive each resource's `order` pattern from its read schema; `--check` reports stale ones.

The `{Schema}Order` query parameter of a resource (`CustomerOrder`, ...) accepts
`field:ASC|DESC[,field:ASC|DESC...]` for any scalar field of the read schema that carries
`x-kit-resource`. Written by hand, that pattern was a 2,000-character alternation to edit with
every field added or removed (issue 19 item 8). This script writes it from the schema, in place
(only the pattern line changes, so the rest of the hand-curated file keeps its layout), and
`nox -s spec` runs it with `--check`, which fails while any pattern differs from its schema.

    python spec/derive_order_patterns.py [--check] [SPEC]   (default: spec/chargeover.openapi.yaml)
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

DEFAULT_SPEC = Path(__file__).with_name("chargeover.openapi.yaml")


def _resolve(document: Mapping[str, Any], node: Any) -> Any:
    """Follow local `$ref`s."""
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = document
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def order_pattern(fields: Sequence[str]) -> str:
    """The grammar over `fields`, longest names first (so no name shadows a longer one)."""
    names = "|".join(sorted(fields, key=lambda field: (-len(field), field)))
    return f"^(?:(?:{names}):(?:ASC|DESC)(?:,(?:{names}):(?:ASC|DESC))*)?$"


def derived_patterns(document: Mapping[str, Any]) -> dict[str, str]:
    """`{Schema}Order` parameter name -> the pattern its read schema implies."""
    components = document.get("components", {})
    parameters = components.get("parameters", {})
    patterns = {}
    for name, schema in components.get("schemas", {}).items():
        parameter = f"{name}Order"
        if "x-kit-resource" not in schema or parameter not in parameters:
            continue
        scalar = [
            field
            for field, prop in schema.get("properties", {}).items()
            if _resolve(document, prop).get("type") not in ("array", "object")
        ]
        patterns[parameter] = order_pattern(scalar)
    return patterns


def rewrite(text: str, patterns: Mapping[str, str]) -> tuple[str, list[str]]:
    """The spec text with each named parameter's pattern line replaced; and what changed."""
    lines = text.splitlines(keepends=True)
    changed = []
    for parameter, pattern in patterns.items():
        start = next(index for index, line in enumerate(lines) if line.strip() == f"{parameter}:")
        indent = len(lines[start]) - len(lines[start].lstrip())
        for index in range(start + 1, len(lines)):
            line = lines[index]
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                raise ValueError(f"{parameter} has no single-line `pattern:`")
            match = re.match(r"(\s+pattern: )(.*?)(\r?\n)?$", line)
            if match:
                if match.group(2) != pattern:
                    lines[index] = f"{match.group(1)}{pattern}{match.group(3) or ''}"
                    changed.append(parameter)
                break
    return "".join(lines), changed


def main(argv: Sequence[str] | None = None) -> int:
    """Write the derived patterns, or with --check report the stale ones (exit 1)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    text = args.spec.read_text(encoding="utf-8")
    updated, changed = rewrite(text, derived_patterns(yaml.safe_load(text)))
    if args.check:
        for parameter in changed:
            print(
                f"{args.spec}: {parameter} does not match its read schema "
                "(run python spec/derive_order_patterns.py)",
                file=sys.stderr,
            )
        return 1 if changed else 0
    if changed:
        args.spec.write_text(updated, encoding="utf-8")
        print(f"{args.spec}: rewrote {', '.join(changed)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
