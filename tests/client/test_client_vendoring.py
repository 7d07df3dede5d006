"""Vendoring proof: generated/chargeover_client installs and works alone in a fresh virtualenv."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CLIENT_DIST = Path(__file__).resolve().parents[2] / "generated" / "chargeover_client"

# Runs inside the fresh venv, from a folder outside the repository.
SCRIPT = textwrap.dedent(
    """
    import importlib.util, re
    import httpx
    from chargeover_client.api.customers import get_customer, list_customers
    from chargeover_client.lib import NotFoundError, Where, connect, paginate, unwrap

    for name in ("chargeover_models", "chargeover_emulator", "contracts", "tests"):
        assert importlib.util.find_spec(name) is None, name + " leaked into the vendored venv"

    seen = []

    def handler(request):
        seen.append(request.headers["Authorization"])
        if request.url.path.endswith("/customer/9"):
            body = {"code": 404, "status": "Error", "message": "This customer does not exist.",
                    "response": None}
            return httpx.Response(404, json=body)
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        rows = [{"customer_id": str(i), "company": "c%d" % i, "legacy": True}
                for i in range(offset + 1, min(offset + limit, 3) + 1)]
        body = {"code": 200, "status": "OK", "message": "", "response": rows}
        return httpx.Response(200, json=body)

    client = connect("https://example.chargeover.com/api/v3", username="pub", password="priv",
                     signature=True, transport=httpx.MockTransport(handler))
    where = Where().contains("company", "c")
    companies = [c.company for c in paginate(list_customers.sync_detailed, client=client,
                                             where=where, page_size=2)]
    assert companies == ["c1", "c2", "c3"], companies
    assert all(re.match(r'ChargeOver co_public_key="pub" co_nonce="[a-z0-9]{8}"', h) for h in seen)
    try:
        unwrap(get_customer.sync_detailed(9, client=client))
    except NotFoundError as exc:
        assert exc.message == "This customer does not exist."
    else:
        raise AssertionError("no NotFoundError")
    print("vendored client ok")
    """
)


@pytest.mark.slow
def test_vendored_client_installs_and_runs_alone(tmp_path: Path) -> None:
    vendored = tmp_path / "vendor" / "chargeover_client"
    shutil.copytree(
        CLIENT_DIST, vendored, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # Nothing from this repository leaks in: no PYTHONPATH, cwd outside the checkout.
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            str(vendored),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    script = tmp_path / "use_client.py"
    script.write_text(SCRIPT)
    run = subprocess.run(
        [str(python), str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "vendored client ok" in run.stdout
