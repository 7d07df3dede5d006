"""The curated public surface of chargeover_emulator (httpx's test_exported_members style)."""

from __future__ import annotations

from types import ModuleType

import chargeover_emulator
from tests.emulator.conftest import make_client


def _isort_key(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions.
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_complete() -> None:
    assert chargeover_emulator.__all__ == sorted(chargeover_emulator.__all__, key=_isort_key)
    public = {
        name
        for name, value in vars(chargeover_emulator).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert set(chargeover_emulator.__all__) == public


def test_every_export_is_documented_and_owned_by_the_package() -> None:
    for name in chargeover_emulator.__all__:
        member = getattr(chargeover_emulator, name)
        if callable(member):
            assert member.__doc__, name
            assert member.__module__.startswith("chargeover_emulator."), name


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from chargeover_emulator import *", namespace)
    namespace.pop("__builtins__")
    assert sorted(namespace) == sorted(chargeover_emulator.__all__)


def test_the_exported_names_are_enough_to_run_an_emulator(tmp_path) -> None:
    import chargeover_emulator as co

    emulator = co.Emulator(co.Settings(db=str(tmp_path / "e.sqlite3")))
    co.seed(emulator, 7, 2)
    auth = (co.DEFAULT_USERNAME, co.DEFAULT_PASSWORD)
    with make_client(co.create_app(emulator=emulator), auth=auth) as client:
        response = client.get("/api/v3/customer/_count")
    assert response.json()["response"] == 2
