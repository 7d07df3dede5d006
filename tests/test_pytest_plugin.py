"""The pytest plugin (contract_kit/pytest_plugin.py), run as users run it: test files that use
only its fixtures, in a pytest of their own (`pytester`)."""

from __future__ import annotations

import importlib
import os
import textwrap
import tomllib

import pytest

from tests.conftest import REPO_ROOT
from tests.plugin_user_tests import USER_TEST_FILES

# Every inner run is a subprocess, as a user's pytest is: an in-process pytester run forgets the
# modules first imported inside it, and the copies imported afterwards (httpcore's exceptions,
# which httpx maps by identity) broke later tests of the same session. The preload stays: it
# fails this module early, with a clear import error, when a package is missing.
PRELOADED = [
    importlib.import_module(name)
    for name in (
        "contract_kit.pytest_plugin",
        "chargeover_client.api.customers",
        "chargeover_client.lib",
        "chargeover_client.models",
    )
]

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def this_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inner runs import the kit from this checkout, whichever checkout the venv installed."""
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))


# A checkout that is not installed has no entry point: name the plugin, as the README says.
PLUGIN = ("-p", "contract_kit.pytest_plugin")

USERS_TEST = """
import httpx
import pytest


def test_create_then_get_over_http(emulator_http):
    created = emulator_http.post("customer", json={"company": "Acme"})
    assert created.status_code == 201
    customer_id = created.json()["response"]["id"]
    assert emulator_http.get(f"customer/{customer_id}").json()["response"]["company"] == "Acme"


def test_every_test_starts_with_no_data(emulator_http):
    assert emulator_http.get("customer/_count").json()["response"] == 0


def test_url_and_credentials_for_the_users_own_client(emulator_url, emulator_credentials):
    assert emulator_url.startswith("http://127.0.0.1:") and emulator_url.endswith("/api/v3")
    answer = httpx.get(f"{emulator_url}/teapot", auth=emulator_credentials)
    assert answer.json()["response"] is True
    assert httpx.get(f"{emulator_url}/teapot", auth=("x", "y")).status_code == 401


def test_the_generated_client(emulator_client):
    from chargeover_client.api.customers import create_customer, get_customer
    from chargeover_client.lib import unwrap
    from chargeover_client.models import CustomerCreate

    body = CustomerCreate(company="Gen")
    made = unwrap(create_customer.sync_detailed(client=emulator_client, body=body))
    assert unwrap(get_customer.sync_detailed(made.id, client=emulator_client)).company == "Gen"


def test_in_process(emulator_asgi):
    assert emulator_asgi.post("customer", json={"company": "ASGI"}).status_code == 201
    assert emulator_asgi.get("customer/_count").json()["response"] == 1


@pytest.mark.emulator(seed=3, seed_count=4)
def test_seeded_data(emulator_http, emulator):
    assert emulator.settings.vendor == "chargeover"
    assert emulator_http.get("customer/_count").json()["response"] == 4


@pytest.mark.emulator(seed=3, seed_count=4)
def test_seeded_data_in_process(emulator_asgi):
    assert emulator_asgi.get("customer/_count").json()["response"] == 4


@pytest.mark.emulator(validation="strict")
def test_strict_policy(emulator_http):
    assert emulator_http.get("customer", params={"limit": 501}).status_code == 400


def test_faithful_policy_by_default(emulator_http):
    answer = emulator_http.get("customer", params={"limit": 501})
    assert answer.status_code == 200 and "X-Emulator-Violations" in answer.headers


@pytest.mark.emulator(reset=False)
def test_keep_data_when_asked_1(emulator_http):
    emulator_http.post("customer", json={"company": "Kept"})


@pytest.mark.emulator(reset=False)
def test_keep_data_when_asked_2(emulator_http):
    assert emulator_http.get("customer/_count").json()["response"] >= 1


@pytest.mark.emulator(faults=True)
def test_faults_when_asked(emulator_http):
    answer = emulator_http.get("teapot", headers={"X-Emulator-Fault": "503"})
    assert answer.status_code == 503


def test_no_faults_by_default(emulator_http):
    assert emulator_http.get("teapot", headers={"X-Emulator-Fault": "503"}).status_code == 200
"""


def test_a_users_test_file_runs_green_with_only_the_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_users=USERS_TEST)
    result = pytester.runpytest_subprocess(*PLUGIN)
    result.assert_outcomes(passed=13)


@pytest.mark.parametrize("name", sorted(USER_TEST_FILES))
def test_each_vendors_user_test_file_runs_green(pytester: pytest.Pytester, name: str) -> None:
    """Per vendor: create, get, list, one of its errors, its generated client (Fynn: the
    read-only key's 403), through the fixtures alone."""
    source, passing = USER_TEST_FILES[name]
    pytester.makepyfile(**{name: source})
    pytester.runpytest_subprocess(*PLUGIN).assert_outcomes(passed=passing)


def test_credentials_the_emulator_lacks_are_a_clear_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_wrong="""
        import pytest

        @pytest.mark.emulator(vendor="invoiced", credentials="read-only")
        def test_no_read_only_key(emulator_http):
            pass
        """
    )
    result = pytester.runpytest_subprocess(*PLUGIN)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*invoiced emulator has no credentials named 'read-only'*"])


def test_the_command_line_picks_policy_and_seed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_options="""
        def test_strict_and_seeded(emulator_http, emulator_asgi):
            assert emulator_http.get("customer", params={"limit": 501}).status_code == 400
            assert emulator_http.get("customer/_count").json()["response"] == 2
            assert emulator_asgi.get("customer/_count").json()["response"] == 2
        """
    )
    arguments = ("--emulator-validation", "strict", "--emulator-seed", "5")
    result = pytester.runpytest_subprocess(*PLUGIN, *arguments, "--emulator-seed-count", "2")
    result.assert_outcomes(passed=1)
    # and the same test fails without them: the options, not the defaults, made it pass
    pytester.runpytest_subprocess(*PLUGIN).assert_outcomes(failed=1)


def test_an_unknown_vendor_or_keyword_is_a_clear_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_wrong="""
        import pytest

        @pytest.mark.emulator(vendor="nosuchvendor")
        def test_vendor(emulator):
            pass

        @pytest.mark.emulator(colour="red")
        def test_keyword(emulator):
            pass
        """
    )
    result = pytester.runpytest_subprocess(*PLUGIN)
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        ["*no dialect for vendor 'nosuchvendor' (known: *chargeover*", "*unknown keywords*colour*"]
    )


def test_any_vendor_with_a_dialect_is_served(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The toy vendor, installed as a third party would (a `contract_kit.dialects` entry point):
    live server, reset per test, and clear errors where the kit has no client or auth for it."""
    site = pytester.mkdir("site")
    info = site / "toy_vendor-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-vendor\nVersion: 0\n")
    (info / "entry_points.txt").write_text(
        "[contract_kit.dialects]\ntoy = tests.toy.dialect:ToyDialect\n"
    )
    pytester.makepyfile(
        test_toy="""
        import httpx
        import pytest

        from tests.toy.dialect import TOKEN

        BEARER = {"Authorization": f"Bearer {TOKEN}"}
        pytestmark = pytest.mark.emulator(vendor="toy", validation="strict")

        def test_create(emulator_url):
            assert emulator_url.endswith("/v1")
            answer = httpx.post(f"{emulator_url}/widgets", json={"name": "w"}, headers=BEARER)
            assert answer.status_code == 201

        def test_reset_between_tests(emulator_url):
            answer = httpx.get(f"{emulator_url}/widgets", headers=BEARER)
            assert answer.headers["X-Total-Count"] == "0"

        def test_no_generated_client(emulator_client):
            pass

        def test_no_auth_scheme_known(emulator_http):
            pass
        """
    )
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), str(REPO_ROOT)]))
    result = pytester.runpytest_subprocess(*PLUGIN)
    result.assert_outcomes(passed=2, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*emulator_client serves chargeover, fynn, invoiced; for 'toy'*",
            "*no harness dialect for vendor 'toy'*",
        ]
    )


def test_the_entry_point_is_declared() -> None:
    """An installed project's pytest finds the plugin (`pytest11`), named as `-p` names it."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["pytest11"] == {
        "contract_kit.pytest_plugin": "contract_kit.pytest_plugin"
    }
    assert "pytest" in " ".join(project["dependencies"])  # the plugin needs no extra install


def test_the_readme_example_runs(pytester: pytest.Pytester) -> None:
    """The README's example test, as printed there."""
    readme = (REPO_ROOT / "README.md").read_text()
    start = readme.index("# test_billing.py")
    example = readme[start : readme.index("```", start)]
    pytester.makepyfile(test_billing=textwrap.dedent(example))
    pytester.runpytest_subprocess(*PLUGIN).assert_outcomes(passed=1)
