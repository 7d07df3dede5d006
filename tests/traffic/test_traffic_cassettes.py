"""Cassettes are read in both VCR layouts and HAR, and written by the libraries that own them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts.traffic.cassette import (
    CassetteError,
    Interaction,
    read_cassette,
    write_har,
    write_vcr,
)


def test_ruby_vcr_layout_is_read(cassettes: Path) -> None:
    create, get, action = read_cassette(cassettes / "chargeover_docs_ruby.yml")
    assert (create.method, create.url, create.status) == (
        "POST",
        "https://example.chargeover.com/api/v3/customer",
        201,
    )
    # headers as lists, names kept as recorded
    assert create.response_header("location") == (
        "https://example.chargeover.com/api/v3/customer/1234"
    )
    assert create.request_json()["company"] == "Test Company Name"
    assert create.response_json()["response"] == {"id": 1234}
    assert get.response_json()["response"]["customer_id"] == 16
    # `base64_string` bodies are decoded
    assert action.response_json() == {
        "code": 200, "status": "OK", "message": "", "details": {}, "response": True
    }  # fmt: skip
    assert action.query == {"action": "setInactive"}
    assert create.source == "chargeover_docs_ruby.yml#1"


def test_vcrpy_layout_is_read(cassettes: Path) -> None:
    (get,) = read_cassette(cassettes / "chargeover_docs_vcrpy.yaml")
    assert (get.method, get.path, get.status) == ("GET", "/api/v3/customer/16", 200)
    assert get.request_header("AUTHORIZATION") == "Basic REDACTED"
    assert get.response_json()["response"]["company"] == "Karli Marie"


def test_har_is_read(cassettes: Path) -> None:
    create, get, listing = read_cassette(cassettes / "invoiced_docs.har")
    assert (create.method, create.status) == ("POST", 201)
    assert create.request_json()["name"] == "Acme"
    assert get.response_json()["number"] == "CUST-0001"
    assert listing.response_header("x-total-count") == "1"


_SAMPLE = Interaction(
    method="POST",
    url="https://api.example.com/v1/things?expand=a&expand=b",
    request_headers=(("Content-Type", "application/json"), ("X-Trace", "1")),
    request_body=b'{"a": 1}',
    status=201,
    reason="Created",
    response_headers=(("Content-Type", "application/json"), ("Set-Thing", "x"), ("Set-Thing", "y")),
    response_body='{"id": "th_1", "name": "caf\u00e9"}'.encode(),
)


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".har"])
def test_written_cassettes_read_back_the_same(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"written{suffix}"
    (write_har if suffix == ".har" else write_vcr)(path, [_SAMPLE])
    (read,) = read_cassette(path)
    assert (read.method, read.url, read.status) == (_SAMPLE.method, _SAMPLE.url, 201)
    assert read.request_body == _SAMPLE.request_body
    assert json.loads(read.response_body) == json.loads(_SAMPLE.response_body)
    assert [v for k, v in read.response_headers if k == "Set-Thing"] == ["x", "y"]
    assert read.query == {"expand": ["a", "b"]}


def test_written_vcr_cassette_is_vcrpys_own_layout(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    write_vcr(path, [_SAMPLE])
    text = path.read_text()
    assert text.startswith("interactions:") and "version: 1" in text


@pytest.mark.parametrize(
    "text", ["[1, 2]", "just: a mapping", "{not json nor yaml", '{"log": {"entries": [{}]}}']
)
def test_what_is_no_cassette_says_so(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CassetteError):
        read_cassette(path)
