"""The import rules of ARCHITECTURE.md hold, and the check that enforces them can fail.

The rules are the import-linter contracts in pyproject.toml: between the top-level packages,
and inside the emulator (its layers, storage without HTTP, no import cycle). The generated
packages exist only after `nox -s generate`, so the check drops root packages that are not
importable yet, together with the contracts whose sources they are. Importing a not-yet-generated
package is still reported: import-linter records it as an external import.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT

GENERATED_DISTRIBUTIONS = {
    f"{vendor}_{kind}": REPO_ROOT / "generated" / f"{vendor}_{kind}"
    for vendor in ("chargeover", "invoiced", "fynn")
    for kind in ("client", "models")
}
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def pyproject_config() -> dict[str, Any]:
    """The `[tool.importlinter]` table of pyproject.toml."""
    with (REPO_ROOT / "pyproject.toml").open("rb") as file:
        config: dict[str, Any] = tomllib.load(file)["tool"]["importlinter"]
    return config


def restricted_to(config: Mapping[str, Any], present: Iterable[str]) -> dict[str, Any]:
    """The config without absent root packages; contracts keep only their present subjects."""
    present = set(present)

    def is_present(module: str) -> bool:
        return module.split(".")[0] in present

    contracts = []
    for contract in config["contracts"]:
        contract = dict(contract)
        if "source_modules" in contract:  # forbidden: absent sources import nothing
            contract["source_modules"] = [m for m in contract["source_modules"] if is_present(m)]
            if not contract["source_modules"]:
                continue
        for key in ("layers", "ancestors"):  # layers, acyclic_siblings: inside one package
            if key in contract and not all(is_present(m) for m in contract[key]):
                contract = {}
        if not contract:
            continue
        if "modules" in contract:  # independence: needs two present modules
            contract["modules"] = [m for m in contract["modules"] if is_present(m)]
            if len(contract["modules"]) < 2:
                continue
        contracts.append(contract)
    return {
        **config,
        "root_packages": [name for name in config["root_packages"] if name in present],
        "contracts": contracts,
    }


def write_config(config: Mapping[str, Any], path: Path) -> Path:
    """Write an import-linter config as a `[tool.importlinter]` TOML file."""

    def value(item: object) -> str:
        # JSON scalars and arrays of strings are valid TOML
        return json.dumps(item)

    lines = ["[tool.importlinter]"]
    lines += [f"{key} = {value(item)}" for key, item in config.items() if key != "contracts"]
    for contract in config["contracts"]:
        lines += ["", "[[tool.importlinter.contracts]]"]
        lines += [f"{key} = {value(item)}" for key, item in contract.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def lint_imports(
    config: Path, cwd: Path, pythonpath: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the `lint-imports` CLI; a fresh process so that `pythonpath` shadows installed code."""
    env = {**os.environ, "COLUMNS": "200"}  # keep contract names on one line
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def contract_named(contract_id: str) -> str:
    (contract,) = (c for c in pyproject_config()["contracts"] if c["id"] == contract_id)
    name: str = contract["name"]
    return name


def test_generated_packages_are_installed_once_generated() -> None:
    for package, distribution in GENERATED_DISTRIBUTIONS.items():
        if (distribution / "pyproject.toml").exists():
            assert importlib.util.find_spec(package) is not None, (
                f"{distribution} exists but {package} is not installed: "
                "run the tests with `nox -s tests`, which installs it"
            )


def test_the_code_base_keeps_the_import_rules(tmp_path: Path) -> None:
    config = pyproject_config()
    present = [name for name in config["root_packages"] if importlib.util.find_spec(name)]
    assert {"chargeover_emulator", "contracts"} <= set(present)
    result = lint_imports(
        write_config(restricted_to(config, present), tmp_path / "il.toml"), REPO_ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- proof that the check can fail ---------------------------------------------------------


def make_package_tree(root: Path, imports: Mapping[str, Iterable[str]]) -> Path:
    """Create packages under `root` (dotted names nest), each `__init__` importing the given
    modules; a parent package that is not listed is created empty."""
    for package, imported in imports.items():
        directory = root.joinpath(*package.split("."))
        directory.mkdir(parents=True, exist_ok=True)
        for parent in directory.relative_to(root).parents:
            init = root / parent / "__init__.py"
            if parent != Path(".") and not init.exists():
                init.write_text("", encoding="utf-8")
        body = "".join(f"import {module}\n" for module in imported)
        (directory / "__init__.py").write_text(body, encoding="utf-8")
    return root


#: the emulator's layer modules, each importing the one below (what the layers contract allows)
EMULATOR_LAYERS: dict[str, list[str]] = {
    "chargeover_emulator.app": ["chargeover_emulator.emulator"],
    "chargeover_emulator.emulator": ["chargeover_emulator.dialects"],
    "chargeover_emulator.dialects": ["chargeover_emulator.dispatcher"],
    # the engine's dispatcher reaches storage, never ChargeOver's resources (engine-knows-no-vendor)
    "chargeover_emulator.dispatcher": ["chargeover_emulator.storage"],
    "chargeover_emulator.resources": [
        "chargeover_emulator.storage",
        "chargeover_emulator.errors",
        "chargeover_emulator.resources.invoices",
    ],
    "chargeover_emulator.resources.invoices": ["chargeover_emulator.resources.invoice_actions"],
    "chargeover_emulator.resources.invoice_actions": [],
    "chargeover_emulator.storage": ["chargeover_emulator.protocol"],
    "chargeover_emulator.protocol": [],
    "chargeover_emulator.errors": [],
}


def engine_and_vendor_modules() -> dict[str, list[str]]:
    """Every module the engine-knows-no-vendor contract names, importing nothing."""
    (contract,) = (
        c for c in pyproject_config()["contracts"] if c["id"] == "engine-knows-no-vendor"
    )
    return {name: [] for name in (*contract["source_modules"], *contract["forbidden_modules"])}


def lint_package_tree(
    root: Path, imports: Mapping[str, Iterable[str]]
) -> subprocess.CompletedProcess[str]:
    """Lint a throwaway tree; a `chargeover_emulator` in it gets the layer modules too."""
    if "chargeover_emulator" in imports:
        imports = {**engine_and_vendor_modules(), **EMULATOR_LAYERS, **imports}
    tree = make_package_tree(root / "src", imports)
    roots = {name.split(".")[0] for name in imports}
    config = write_config(restricted_to(pyproject_config(), roots), root / "il.toml")
    return lint_imports(config, cwd=tree, pythonpath=tree)


ALLOWED_IMPORTS: dict[str, list[str]] = {
    "chargeover_client": ["json"],
    "chargeover_models": ["json"],
    "chargeover_emulator": ["json"],
    "contracts": ["chargeover_emulator", "chargeover_client"],
}


def test_a_tree_with_only_allowed_imports_passes(tmp_path: Path) -> None:
    result = lint_package_tree(tmp_path, ALLOWED_IMPORTS)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("importer", "imported", "contract_id"),
    [
        ("chargeover_emulator", "contracts", "emulator-below-contracts"),
        ("chargeover_emulator", "chargeover_client", "emulator-below-contracts"),
        ("chargeover_emulator", "chargeover_models", "emulator-below-contracts"),
        ("contracts", "chargeover_models", "contracts-oracle-is-spec"),
        ("chargeover_client", "chargeover_emulator", "generated-is-bottom"),
        ("chargeover_models", "contracts", "generated-is-bottom"),
        ("chargeover_client", "chargeover_models", "generated-independent"),
    ],
)
def test_an_upward_import_is_reported(
    tmp_path: Path, importer: str, imported: str, contract_id: str
) -> None:
    imports = {**ALLOWED_IMPORTS, importer: [*ALLOWED_IMPORTS[importer], imported]}
    result = lint_package_tree(tmp_path, imports)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{contract_named(contract_id)} BROKEN" in result.stdout
    assert f"{importer} -> {imported}" in result.stdout


def test_importing_a_not_yet_generated_package_is_reported(tmp_path: Path) -> None:
    result = lint_package_tree(
        tmp_path, {"chargeover_emulator": ["chargeover_client"], "contracts": ["json"]}
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{contract_named('emulator-below-contracts')} BROKEN" in result.stdout


def test_a_generated_package_is_checked_while_the_other_is_not_generated(tmp_path: Path) -> None:
    result = lint_package_tree(
        tmp_path,
        {"chargeover_client": ["chargeover_emulator"], "chargeover_emulator": [], "contracts": []},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{contract_named('generated-is-bottom')} BROKEN" in result.stdout


@pytest.mark.parametrize(
    ("importer", "imported", "contract_id", "report"),
    [
        # a lower layer importing a higher one, the next layer up or further
        *(
            (
                importer,
                imported,
                "emulator-layers",
                f"{importer} is not allowed to import {imported}",
            )
            for importer, imported in [
                ("chargeover_emulator.storage", "chargeover_emulator.resources"),
                ("chargeover_emulator.protocol", "chargeover_emulator.storage"),
                ("chargeover_emulator.resources", "chargeover_emulator.dispatcher"),
                ("chargeover_emulator.resources", "chargeover_emulator.app"),
                ("chargeover_emulator.dispatcher", "chargeover_emulator.emulator"),
                # the engine never imports a vendor's dialect
                ("chargeover_emulator.dispatcher", "chargeover_emulator.dialects"),
                ("chargeover_emulator.resources", "chargeover_emulator.dialects"),
            ]
        ),
        *(
            (
                "chargeover_emulator.storage",
                imported,
                "storage-knows-no-http",
                f"chargeover_emulator.storage is not allowed to import {imported}",
            )
            for imported in ("chargeover_emulator.errors", "starlette")
        ),
        # the engine never imports ChargeOver's dialect code, whatever the layers allow
        *(
            (
                importer,
                imported,
                "engine-knows-no-vendor",
                f"{importer} is not allowed to import {imported}",
            )
            for importer, imported in [
                ("chargeover_emulator.dispatcher", "chargeover_emulator.quirks"),
                ("chargeover_emulator.dispatcher", "chargeover_emulator.resources"),
                ("chargeover_emulator.app", "chargeover_emulator.protocol.envelope"),
                ("chargeover_emulator.validation", "chargeover_emulator.protocol.where"),
                ("chargeover_emulator.emulator", "chargeover_emulator.dialects.chargeover"),
            ]
        ),
        # the cycle this contract was written for: invoices <-> invoice_actions
        (
            "chargeover_emulator.resources.invoice_actions",
            "chargeover_emulator.resources.invoices",
            "emulator-acyclic",
            "No cycles are allowed in chargeover_emulator.resources.",
        ),
    ],
)
def test_an_import_against_the_emulator_layers_is_reported(
    tmp_path: Path, importer: str, imported: str, contract_id: str, report: str
) -> None:
    imports = {**EMULATOR_LAYERS, importer: [*EMULATOR_LAYERS.get(importer, []), imported]}
    result = lint_package_tree(tmp_path, {**ALLOWED_IMPORTS, **imports})
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{contract_named(contract_id)} BROKEN" in result.stdout
    assert report in result.stdout
