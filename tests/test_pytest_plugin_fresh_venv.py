"""The pytest plugin as a user gets it: a fresh venv with the project and the three generated
clients installed (not editable, copied out of the checkout), and each vendor's user test file
(tests/plugin_user_tests.py) run green there by plain `python -m pytest` from a folder outside
the checkout: the `pytest11` entry point loads the plugin, nothing names it. One venv for all
vendors; pip installs online (or from the machine's configured indexes), as the client
vendoring proofs do (tests/client/vendoring.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.client.vendoring import clean_env
from tests.conftest import REPO_ROOT
from tests.plugin_user_tests import USER_TEST_FILES

pytestmark = pytest.mark.slow

# What the project's wheel is built from (pyproject.toml's packages and force-included specs).
PROJECT_FILES = ("pyproject.toml", "README.md", "chargeover_emulator", "contracts", "contract_kit",
                 "spec")  # fmt: skip
CLIENTS = ("chargeover_client", "invoiced_client", "fynn_client")
IGNORED = shutil.ignore_patterns("__pycache__", "*.egg-info", ".schemathesis")


def copy_out(tmp_path: Path) -> list[Path]:
    """The project and the generated clients, copied out of the checkout: what pip installs."""
    project = tmp_path / "src" / "project"
    project.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=IGNORED)
        else:
            shutil.copy(source, project / name)
    clients = [tmp_path / "src" / client for client in CLIENTS]
    for client in clients:
        shutil.copytree(REPO_ROOT / "generated" / client.name, client, ignore=IGNORED)
    return [project, *clients]


def test_each_vendors_user_test_file_runs_green_in_a_fresh_venv(tmp_path: Path) -> None:
    env = clean_env()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         *map(str, copy_out(tmp_path))],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr

    user = tmp_path / "user"
    user.mkdir()
    for name, (source, _) in USER_TEST_FILES.items():
        (user / f"{name}.py").write_text(source)
    run = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"],
        cwd=user, env=env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    output = run.stdout + run.stderr
    passing = sum(count for _, count in USER_TEST_FILES.values())
    assert run.returncode == 0, output
    assert f"{passing} passed" in output, output
    # the kit ran from the venv, not from the checkout
    where = subprocess.run(
        [str(python), "-c", "import contract_kit, chargeover_emulator; "
         "print(contract_kit.__file__, chargeover_emulator.__file__)"],
        cwd=user, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert str(REPO_ROOT) not in where.stdout and str(venv) in where.stdout, where.stdout
