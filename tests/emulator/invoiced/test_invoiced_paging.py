"""Lists: `page`/`per_page`, `Link` (first, previous, next, last, self exactly when due) and
`X-Total-Count` on every list, also past the end, under filters, and for contacts."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.testclient import TestClient

from chargeover_emulator.emulator import Emulator
from tests.emulator.invoiced.conftest import KEY, invoiced_client, invoiced_settings

_LINK = re.compile(r'<([^>]*)>; rel="([a-z]+)"')


def links(response: httpx.Response) -> dict[str, dict[str, list[str]]]:
    """rel -> the query of its URL."""
    found = _LINK.findall(response.headers["Link"])
    assert len(found) == len(response.headers["Link"].split(", "))
    return {rel: parse_qs(urlsplit(url).query) for url, rel in found}


def _create(client: TestClient | httpx.Client, count: int) -> None:
    for index in range(count):
        assert client.post("/customers", json={"name": f"C{index}"}).status_code == 201


@pytest.mark.parametrize("total", [0, 1, 6, 7])
def test_every_page_links_exactly_the_pages_that_exist(inv: TestClient, total: int) -> None:
    _create(inv, total)
    last = max(1, -(-total // 3))
    seen: list[int] = []
    for page in range(1, last + 2):
        answer = inv.get("/customers", params={"per_page": 3, "page": page})
        assert answer.status_code == 200
        assert answer.headers["X-Total-Count"] == str(total)
        rels = links(answer)
        expected = {"first", "last", "self"}
        if page > 1:
            expected.add("previous")
        if page < last:
            expected.add("next")
        assert set(rels) == expected
        assert rels["first"]["page"] == ["1"]
        assert rels["last"]["page"] == [str(last)]
        assert rels["self"]["page"] == [str(page)]
        if "next" in rels:
            assert rels["next"]["page"] == [str(page + 1)]
        if "previous" in rels:
            assert rels["previous"]["page"] == [str(min(page - 1, last))]
        assert all(query["per_page"] == ["3"] for query in rels.values())
        seen += [customer["id"] for customer in answer.json()]
    assert len(seen) == len(set(seen)) == total  # past the end: []


def test_walking_next_over_real_http_visits_every_customer_once(inv_url: str) -> None:
    with httpx.Client(base_url=inv_url, auth=(KEY, "")) as writer:
        _create(writer, 5)
    with httpx.Client(auth=(KEY, "")) as http:
        url: str | None = f"{inv_url}/customers?per_page=2&sort=name+desc"
        names: list[str] = []
        while url is not None:
            answer = http.get(url)
            names += [customer["name"] for customer in answer.json()]
            found = dict((rel, link) for link, rel in _LINK.findall(answer.headers["Link"]))
            url = found.get("next")
        assert names == ["C4", "C3", "C2", "C1", "C0"]


def test_links_keep_the_filters(inv: TestClient) -> None:
    _create(inv, 3)
    inv.post("/customers", json={"name": "Other", "metadata": {"rep": "Jan"}})
    answer = inv.get("/customers", params={"metadata[rep]": "Jan", "per_page": 1})
    assert [c["name"] for c in answer.json()] == ["Other"]
    assert links(answer)["self"]["metadata[rep]"] == ["Jan"]
    flagged = inv.get("/customers", params={"filter[autopay]": "false", "per_page": 2})
    assert flagged.headers["X-Total-Count"] == "4"
    assert links(flagged)["next"]["filter[autopay]"] == ["false"]


def test_default_and_maximum_per_page_are_settings(tmp_path: Path) -> None:
    emulator = Emulator(invoiced_settings(tmp_path, per_page_default=2, per_page_max=3))
    client = invoiced_client(emulator)
    _create(client, 5)
    assert len(client.get("/customers").json()) == 2
    assert len(client.get("/customers", params={"per_page": 50}).json()) == 3
    assert links(client.get("/customers", params={"per_page": 50}))["self"]["per_page"] == ["3"]
    emulator.close()


def test_per_page_above_the_spec_maximum_is_clamped_faithfully_and_refused_strictly(
    tmp_path: Path, inv: TestClient
) -> None:
    _create(inv, 1)
    clamped = inv.get("/customers", params={"per_page": 101})
    assert clamped.status_code == 200
    assert links(clamped)["self"]["per_page"] == ["100"]
    strict = Emulator(invoiced_settings(tmp_path, "strict", validation="strict"))
    refused = invoiced_client(strict).get("/customers", params={"per_page": 101})
    assert refused.status_code == 400
    assert refused.json()["param"] == "per_page"
    strict.close()


def test_contacts_are_paged_with_their_own_url(inv: TestClient) -> None:
    acme = inv.post("/customers", json={"name": "Acme"}).json()
    for name in ("A", "B", "C"):
        inv.post(f"/customers/{acme['id']}/contacts", json={"name": name})
    answer = inv.get(f"/customers/{acme['id']}/contacts", params={"per_page": 2, "page": 2})
    assert [c["name"] for c in answer.json()] == ["C"]
    assert answer.headers["X-Total-Count"] == "3"
    assert f"/customers/{acme['id']}/contacts?" in answer.headers["Link"]
    assert set(links(answer)) == {"first", "previous", "last", "self"}


def test_links_repeat_the_page_and_filters_as_sent_even_beyond_int64(inv: TestClient) -> None:
    """Found by the contract harness: a page whose offset passes int64 had its `self` link name
    a clamped page, and a filter beyond int64 came back as int64's bound plus one."""
    _create(inv, 2)
    page = "9223372036854775806"
    beyond = "-12390662057348132328653529330745344"
    answer = inv.get(
        "/customers", params={"per_page": 3, "page": page, "filter[autopay_delay_days]": beyond}
    )
    assert answer.status_code == 200 and answer.json() == []
    got = links(answer)
    assert got["self"]["page"] == [page]
    assert got["self"]["filter[autopay_delay_days]"] == [beyond]
    assert got["previous"]["page"] == ["1"]  # the last page of an empty result
