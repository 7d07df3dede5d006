"""Tolerant reader: every response example embedded in the spec parses with the generated models.

The spec embeds the seed docs' examples (legacy payloads with string ids, extra fields, no
`details`, `response: null` on 404) on its operations and reusable responses.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml

import chargeover_models
from chargeover_client import Client
from chargeover_client.types import Unset
from tests.client.conftest import SPEC_PATH, iter_operations

_SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_bytes())


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = _SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _examples() -> list[Any]:
    cases = []
    for _path, _method, op in iter_operations(_SPEC):
        for status, response in op.get("responses", {}).items():
            media = _resolve(response).get("content", {}).get("application/json", {})
            schema_ref = media.get("schema", {}).get("$ref", "")
            named = {name: _resolve(ex)["value"] for name, ex in media.get("examples", {}).items()}
            if "example" in media:
                named["example"] = media["example"]
            for name, value in named.items():
                case_id = f"{op['operationId']}-{status}-{name}"
                cases.append(
                    pytest.param(op["operationId"], int(status), schema_ref, value, id=case_id)
                )
    return cases


EXAMPLES = _examples()


def test_the_spec_embeds_legacy_examples() -> None:
    # Guards the parametrised test below against passing vacuously on an example-free spec.
    values = [json.dumps(case.values[3]) for case in EXAMPLES]
    assert len(values) >= 50
    assert any('"customer_id": "' in value for value in values), "no string-id example"
    assert any('"details"' not in value for value in values), "no example without details"
    assert any('"response": null' in value for value in values), "no 404 with response null"


@pytest.mark.parametrize(("operation_id", "status", "schema_ref", "example"), EXAMPLES)
def test_client_parses_example(
    operation: Callable[[str], ModuleType],
    operation_id: str,
    status: int,
    schema_ref: str,
    example: Any,
) -> None:
    module = operation(operation_id)
    client = Client(
        base_url="https://example.chargeover.com/api/v3", raise_on_unexpected_status=True
    )
    raw = httpx.Response(status, content=json.dumps(example).encode())
    parsed = module._parse_response(client=client, response=raw)
    assert parsed is not None
    payload = parsed.response
    if isinstance(example.get("response"), list):
        assert not isinstance(payload, Unset)
        assert len(payload) == len(example["response"])
    # Unknown fields survive the round trip: a tolerant reader keeps what it does not know.
    dumped = parsed.to_dict()
    assert set(example) <= set(dumped)
    sent, kept = example.get("response"), dumped.get("response")
    if isinstance(sent, dict):
        assert set(sent) <= set(kept)
    elif isinstance(sent, list):
        for sent_item, kept_item in zip(sent, kept, strict=True):
            assert set(sent_item) <= set(kept_item)


@pytest.mark.parametrize(("operation_id", "status", "schema_ref", "example"), EXAMPLES)
def test_models_parse_example(
    operation_id: str, status: int, schema_ref: str, example: Any
) -> None:
    model = getattr(chargeover_models, schema_ref.rsplit("/", 1)[-1])
    model.model_validate(example)
