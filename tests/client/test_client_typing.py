"""Issue 19 item 3: the README's client examples and a typed example per vendor pass
`mypy --strict` against this checkout's generated packages, and the examples run against the
emulator they document.

ChargeOver ids are `x-kit-decode: integer` in the spec (`LegacyInteger`): the generated client
types them `int` and decodes a legacy numeric string, so `get_customer.sync_detailed(new_id, ...)`
type-checks (it was `int | str`, a type error).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from chargeover_emulator.app import create_app
from chargeover_emulator.config import Settings
from chargeover_emulator.emulator import Emulator
from tests.threaded_server import serve_in_thread

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
VENDORS = ("chargeover", "invoiced", "fynn")
# this checkout's generated distributions first, as a user's installed ones would be
GENERATED_PATH = os.pathsep.join(
    str(ROOT / "generated" / f"{vendor}_{kind}")
    for vendor in VENDORS
    for kind in ("client", "models")
)


def _mypy_strict(files: list[Path], cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            # --strict plus the generated packages' one documented waiver (an Invoiced cast)
            "--config-file",
            str(ROOT / "codegen" / "mypy-generated.ini"),
            "--strict",
            "--cache-dir",
            str(cache),
            *map(str, files),
        ],
        env={**os.environ, "MYPYPATH": GENERATED_PATH},
        capture_output=True,
        text=True,
        check=False,
    )


def readme_client_examples() -> list[str]:
    """The ```python blocks of the README's "Using the client" section (all three vendors)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Using the client", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_the_readme_has_a_client_example_per_vendor() -> None:
    blocks = readme_client_examples()
    for vendor in VENDORS:
        assert any(f"from {vendor}_client" in block for block in blocks), vendor


@pytest.mark.slow
def test_readme_and_vendor_examples_pass_mypy_strict(tmp_path: Path) -> None:
    files = [EXAMPLES / f"{vendor}_example.py" for vendor in VENDORS]
    for index, block in enumerate(readme_client_examples()):
        files.append(tmp_path / f"readme_example_{index}.py")
        files[-1].write_text(block, encoding="utf-8")
    result = _mypy_strict(files, tmp_path / ".mypy_cache")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_fails_on_the_id_union_it_used_to_be(tmp_path: Path) -> None:
    """The check above can fail: the README line with the id typed as the old union does."""
    broken = tmp_path / "old_union.py"
    broken.write_text(
        "from chargeover_client.api.customers import get_customer\n"
        "from chargeover_client.lib import connect\n"
        "def read(new_id: int | str) -> None:\n"
        "    get_customer.sync_detailed(new_id, client=connect('http://x', username='u', "
        "password='p'))\n",
        encoding="utf-8",
    )
    result = _mypy_strict([broken], tmp_path / ".mypy_cache")
    assert result.returncode == 1 and 'incompatible type "int | str"' in result.stdout


def _load(vendor: str) -> ModuleType:
    path = EXAMPLES / f"{vendor}_example.py"
    spec = importlib.util.spec_from_file_location(f"{vendor}_example", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _created_customer_is_listed(result: tuple[Any, list[Any]]) -> bool:
    created, listed = result
    return created in listed


@pytest.mark.parametrize(
    ("vendor", "prefix", "expected"),
    [
        ("chargeover", "/api/v3", lambda lines: lines == ["Setup", "Support hours"]),
        ("invoiced", "", lambda result: result == ("CUST-0001", [1])),
        ("fynn", "", _created_customer_is_listed),
    ],
)
def test_vendor_example_runs_against_the_emulator(
    tmp_path: Path, vendor: str, prefix: str, expected: Callable[[Any], bool]
) -> None:
    emulator = Emulator(Settings.from_env({}, vendor=vendor, db=str(tmp_path / "e.sqlite3")))
    try:
        with serve_in_thread(create_app(emulator=emulator)) as url:
            result = _load(vendor).main(url + prefix)
    finally:
        emulator.close()
    assert expected(result), result
