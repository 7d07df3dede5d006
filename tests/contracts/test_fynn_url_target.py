"""A Fynn account the harness does not own (here: the Fynn emulator behind a URL, as a sandbox
would be): read-only by default, and with --allow-writes every customer the run made is gone
afterwards. The settings are the ones a user sets (FYNN_URL, FYNN_TOKEN, FYNN_READ_TOKEN)."""

from __future__ import annotations

import io

import httpx
import pytest

from contracts.reporting import Progress
from contracts.runner import run
from contracts.settings import Settings
from tests.contracts.conftest import SMALL
from tests.contracts.fynn_variants import fresh_fynn
from tests.threaded_server import serve_in_thread

pytestmark = pytest.mark.slow


def customers(url: str, token: str) -> list[str]:
    """Every customer id on the account."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
        body = http.get("/customers", params={"limit": 100}).json()
    return [str(item["id"]) for item in body["data"]]


@pytest.mark.parametrize("allow_writes", [False, True])
def test_a_url_target_keeps_its_data(allow_writes: bool) -> None:
    app, full, read_only = fresh_fynn()
    with serve_in_thread(app) as url:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {full[0]}"}) as http:
            mine = http.post("/customers", json={"email": "owner@example.com"}).json()["id"]
        environ = {"FYNN_URL": url, "FYNN_TOKEN": full[0], "FYNN_READ_TOKEN": read_only[0]}
        settings = Settings.from_env(
            environ, vendor="fynn", target="url", allow_writes=allow_writes or None,
            suites=("schemathesis", "model", "client"), phases=("examples", "coverage"),
            profile_override=SMALL, seed=1, rate_limit_per_minute=60_000,  # a local server
        )  # fmt: skip
        report = run(settings, progress=Progress(io.StringIO()))
        assert report.ok, report.markdown()
        # what was there is untouched, and nothing the run made is left
        assert customers(url, full[0]) == [mine]
    swept = {op for op, row in report.matrix.items() if "fynn_forbidden_write" in row}
    assert len(swept) == (10 if allow_writes else 0)
    writes = [op for op, row in report.matrix.items() if op.startswith(("POST", "PUT", "DELETE"))]
    if not allow_writes:
        assert not writes, writes  # schemathesis sent reads only
