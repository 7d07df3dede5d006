"""Every filterable column is indexed: `where` + `limit` reads a page and `_count` an index.

The SQL the emulator runs for each documented filter is captured with a trace callback and
handed to `EXPLAIN QUERY PLAN`; a full scan of the resource table, or a sort of the whole
result for the default order, would make paging O(table) and fails the test.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from chargeover_emulator.app import create_app
from chargeover_emulator.config import Settings
from chargeover_emulator.emulator import Emulator
from tests.emulator.conftest import FIXED_NOW, chargeover_service, make_client

_VALUES = {"integer": "1", "number": "1", "boolean": "1", "string": "x"}


def _filters() -> list[tuple[str, str]]:
    """(resource, field) for every filterable field whose rows the emulator keeps."""
    emulator = Emulator(Settings(db=":memory:"))
    try:
        return [
            (name, field)
            for name, service in ((n, chargeover_service(emulator, n)) for n in emulator.services)
            for field in service.spec.filterable
            if (target := service.filter_target(field)) is not None
            if target.relation is None or target.relation.table is not None
        ]
    finally:
        emulator.close()


@pytest.fixture(params=[False, True], ids=["nocase", "case-sensitive"])
def emulator(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Emulator]:
    state = Emulator(
        dataclasses.replace(settings, where_case_sensitive=request.param), clock=lambda: FIXED_NOW
    )
    yield state
    state.close()


def _plans(
    emulator: Emulator, path: str, where: str, table: str, order: str | None = None
) -> list[list[str]]:
    """EXPLAIN QUERY PLAN of each statement on `table` that the request ran."""
    statements: list[str] = []
    client = make_client(create_app(emulator=emulator))
    connection = emulator.database.connection
    connection.set_trace_callback(statements.append)
    try:
        params = {"where": where, "limit": "10", **({"order": order} if order else {})}
        response = client.get(path, params=params)
    finally:
        connection.set_trace_callback(None)
    assert response.status_code == 200, response.json()
    reads = [s for s in statements if s.startswith("SELECT") and f'FROM "{table}"' in s]
    assert reads, statements
    return [[row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}")] for sql in reads]


@pytest.mark.parametrize(("resource", "field"), _filters())
def test_where_on_a_filterable_field_uses_an_index(
    emulator: Emulator, resource: str, field: str
) -> None:
    target = chargeover_service(emulator, resource).filter_target(field)
    assert target is not None
    where = f"{field}:EQUALS:{_VALUES[target.kind]}"
    for path in (f"/api/v3/{resource}", f"/api/v3/{resource}/_count"):
        for plan in _plans(emulator, path, where, resource):
            assert not any(step.startswith(f"SCAN {resource}") for step in plan), (where, plan)
            assert not any("TEMP B-TREE" in step for step in plan), (where, plan)
            assert any(
                "USING INDEX" in step
                or "USING COVERING INDEX" in step
                or "INTEGER PRIMARY KEY" in step
                for step in plan
            ), (where, plan)


@pytest.mark.parametrize(("resource", "field"), _filters())
def test_a_keyset_page_reads_the_page_not_the_table(
    emulator: Emulator, resource: str, field: str
) -> None:
    """The client's keyset walk (issue 18): the caller's `where` AND `<key>:GT:<last>`, ordered by
    the key. Neither a scan of the table nor a sort of every match: each page costs a page."""
    service = chargeover_service(emulator, resource)
    target = service.filter_target(field)
    assert target is not None
    key = service.spec.primary_key
    where = f"{field}:EQUALS:{_VALUES[target.kind]},{key}:GT:1"
    for plan in _plans(emulator, f"/api/v3/{resource}", where, resource, order=f"{key}:ASC"):
        assert not any(step.startswith(f"SCAN {resource}") for step in plan), (where, plan)
        assert not any("TEMP B-TREE" in step for step in plan), (where, plan)


def test_username_uniqueness_check_uses_an_index(emulator: Emulator) -> None:
    sql = 'EXPLAIN QUERY PLAN SELECT "user_id" FROM "user" WHERE "username" = ? LIMIT 1'
    plan = [row[-1] for row in emulator.database.connection.execute(sql, ["x"])]
    assert any("USING COVERING INDEX" in step or "USING INDEX" in step for step in plan), plan


def test_partial_indexes_serve_every_comparison(emulator: Emulator) -> None:
    """Filter indexes hold set values only; each comparison operator must still be able to use
    them (SQLite refuses `INDEXED BY` with "no query solution" when it cannot)."""
    conn = emulator.database.connection
    indexes = conn.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE '%WHERE%'"
    ).fetchall()
    assert len(indexes) > 20, "the filter indexes should be partial"
    for name, table, sql in indexes:
        column = sql.split("(", 1)[1].split(")", 1)[0]
        for operator in ("=", ">", "<", ">=", "<="):
            conn.execute(
                f'EXPLAIN QUERY PLAN SELECT rowid FROM "{table}" INDEXED BY "{name}"'
                f" WHERE {column} {operator} ?",
                ["x"],
            ).fetchall()


@pytest.mark.parametrize("resource", ["customer", "user", "invoice"])
def test_whole_table_count_reads_an_index_not_the_rows(emulator: Emulator, resource: str) -> None:
    """Partial indexes cannot count every row, so one complete index must remain for `_count`."""
    [plan] = _plans(emulator, f"/api/v3/{resource}/_count", "", resource)
    assert any("COVERING INDEX" in step for step in plan), plan
