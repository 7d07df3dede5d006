"""The spec is complete and self-consistent: every rule the other layers rely on is checked here."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.seed_examples import seed_examples
from tests.spec_document import (
    SPEC_PATH,
    embedded_examples,
    load_spec,
    operations,
    resolve,
    schema_errors,
)

SPEC = load_spec()
OPS = list(operations(SPEC))
SCHEMAS = SPEC["components"]["schemas"]
RESOURCES = {name: SCHEMAS[name] for name in ("Customer", "User", "Invoice", "Item")}


def test_the_spec_has_every_documented_operation() -> None:
    ids = {op.body["operationId"] for op in OPS}
    for res, plural in (("Customer", "Customers"), ("User", "Users"), ("Invoice", "Invoices")):
        for opid in (
            f"list{plural}",
            f"count{plural}",
            f"create{res}",
            f"get{res}",
            f"get{res}ByExternalKey",
            f"get{res}ByToken",
            f"update{res}",
            f"delete{res}",
            f"list{res}Revisions",
        ):
            assert opid in ids
    actions = {
        "customerSetActive",
        "customerSetInactive",
        "customerSetPayMethod",
        "customerDisconnectParent",
        "userPassword",
        "userGetLoginURL",
        "invoiceVoid",
        "invoiceEmail",
        "invoicePrint",
        "invoicePay",
        "invoiceSchedule",
    }
    assert actions <= ids
    assert {"bulk", "teapot"} <= ids
    # items: the catalogue (list/count/create/get/update; no delete, lookups or revisions)
    assert {"listItems", "countItems", "createItem", "getItem", "updateItem"} <= ids
    assert len(ids) == len(OPS), "operationIds must be unique"


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_every_operation_is_documented_and_enveloped(op: Any) -> None:
    assert op.body.get("operationId")
    assert op.body.get("summary")
    responses = op.body["responses"]
    assert {"400", "401"} <= set(responses), "every operation documents 400 and 401"
    if any(p["in"] == "path" for p in op.parameters):
        assert "404" in responses, "an operation on one object documents 404"
    for status, response in responses.items():
        schema = resolve(resolve(response)["content"]["application/json"]["schema"])
        assert {"code", "status", "message", "response"} <= set(schema["properties"]), status
        assert {"code", "status", "message", "response"} <= set(schema["required"]), status
        expected = ["OK"] if status.startswith("2") else ["Error"]
        assert resolve(schema["properties"]["status"])["enum"] == expected, status


def test_error_statuses_are_reusable_components_used_by_every_operation() -> None:
    for op in OPS:
        for status in ("400", "401", "429", "500", "404"):
            if status in op.body["responses"]:
                assert "$ref" in op.body["responses"][status], f"{op.name} {status}"
    errors = SCHEMAS["ErrorEnvelope"]["properties"]["response"]
    assert errors["enum"] == [False]
    assert SCHEMAS["NotFoundEnvelope"]["properties"]["response"]["type"] == "null"
    for name in ("ErrorEnvelope", "NotFoundEnvelope", "CustomerEnvelope", "IdEnvelope"):
        details = SCHEMAS[name]["properties"]["details"]
        assert "details" not in SCHEMAS[name]["required"], "details is optional (legacy)"
        assert "null" in details["type"], "details is nullable"


EXAMPLES = list(embedded_examples(SPEC))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.where)
def test_every_embedded_example_validates_against_its_schema(example: Any) -> None:
    assert schema_errors(example.schema, example.value) == []


def test_example_validation_rejects_a_broken_example() -> None:
    """Negative control: the validator above is not vacuous."""
    by_where = {e.where: e for e in EXAMPLES}
    customer = by_where["GET /customer/{customer_id} 200 application/json customer16"]
    broken = json.loads(json.dumps(customer.value))
    broken["response"]["customer_status_state"] = "x"
    assert schema_errors(customer.schema, broken)
    not_found = by_where["GET /customer/{customer_id} 404 application/json customer"]
    assert schema_errors(not_found.schema, {**not_found.value, "response": False})


# Seed payloads that are deliberately not embedded, with the reason (spec/NOTES.md repeats it).
NOT_EMBEDDED = {
    # "Example (from schema)" placeholders rendered by the docs tool: code 0, status "string".
    ("000", 155): "docs-tool placeholder",
    ("000", 305): "docs-tool placeholder",
    ("000", 325): "docs-tool placeholder",
    ("003", 84): "docs-tool placeholder",
    ("003", 108): "docs-tool placeholder",
    ("003", 128): "docs-tool placeholder",
    # Fragments ending in "... other invoice data here ...": not payloads on their own.
    ("002", 285): "fragment",
    ("002", 311): "fragment",
}


def test_every_seed_payload_is_embedded_as_an_example(shared_seeds: Path) -> None:
    embedded = {json.dumps(e.value, sort_keys=True) for e in EXAMPLES}
    missing = []
    seeds = seed_examples(shared_seeds)
    assert len(seeds) >= 25, "the seed extractor found the documents' payloads"
    for example in seeds:
        key = (example.seed[:3], example.line)
        if key in NOT_EMBEDDED:
            continue
        if json.dumps(example.value, sort_keys=True) not in embedded:
            missing.append(key)
    assert missing == []


def test_the_inline_rate_limit_example_is_embedded() -> None:
    inline = {"code": 429, "status": "Error", "message": "Rate limit exceeded", "response": False}
    assert inline in [e.value for e in EXAMPLES]


ENUMS = {
    "DeliveryMethod": ["print", "email"],
    "CustomerStatusState": ["a", "i"],
    "CustomerStatusStr": [
        "active-current",
        "active-overdue",
        "inactive-manual",
        "inactive-activity",
    ],
    "InvoiceStatusStr": [
        "open-unpaid",
        "open-overdue",
        "open-collections",
        "closed-void",
        "closed-paid",
    ],
    "InvoiceStatusState": ["o", "c"],
    "PayMethodCode": ["crd", "ach", "inv", "tok"],
    "AchType": ["chec", "busi", "savi"],
    "LoginDestination": [
        "subscriptions",
        "invoices",
        "payments",
        "info",
        "paymethods",
        "paymethods-creditcard",
        "paymethods-ach",
        "password",
    ],
}


@pytest.mark.parametrize(("name", "values"), ENUMS.items())
def test_enum_values_are_exactly_as_documented(name: str, values: list[str]) -> None:
    assert SCHEMAS[name]["enum"] == values


@pytest.mark.parametrize(
    ("schema", "field", "enum"),
    [
        ("Customer", "invoice_delivery", "DeliveryMethod"),
        ("Customer", "dunning_delivery", "DeliveryMethod"),
        ("CustomerCreate", "invoice_delivery", "DeliveryMethod"),
        ("CustomerUpdate", "dunning_delivery", "DeliveryMethod"),
        ("Customer", "customer_status_state", "CustomerStatusState"),
        ("Customer", "customer_status_str", "CustomerStatusStr"),
        ("Invoice", "invoice_status_str", "InvoiceStatusStr"),
        ("Invoice", "invoice_status_state", "InvoiceStatusState"),
    ],
)
def test_enum_fields_use_the_enum(schema: str, field: str, enum: str) -> None:
    assert SCHEMAS[schema]["properties"][field]["$ref"] == f"#/components/schemas/{enum}"


def test_every_list_operation_pages_with_default_10_and_maximum_500() -> None:
    lists = [
        op
        for op in OPS
        if op.body["operationId"].startswith("list") and "Revisions" not in op.body["operationId"]
    ]
    assert len(lists) == 4
    for op in lists:
        params = {p["name"]: p for p in op.parameters}
        assert {"where", "order", "offset", "limit"} <= set(params)
        limit = params["limit"]
        assert limit["schema"]["maximum"] == 500
        assert limit["schema"]["default"] == 10
        assert "500" in limit["description"] and "10" in limit["description"]
        assert params["offset"]["schema"]["minimum"] == 0
        body = resolve(op.body["responses"]["200"])["content"]["application/json"]["schema"]
        assert resolve(body)["properties"]["response"]["maxItems"] == 500


def _pattern_fields(pattern: str) -> set[str]:
    first = re.match(r"\^\(\?:\(\?:([^)]*)\):", pattern)
    assert first, pattern
    return {f.replace("\\", "") for f in first.group(1).split("|")}


@pytest.mark.parametrize("name", RESOURCES)
def test_resource_extensions_agree_with_the_schemas(name: str) -> None:
    schema = RESOURCES[name]
    resource = schema["x-kit-resource"]
    props = schema["properties"]
    assert resource["primary-key"] in props
    assert set(resource["lookup-keys"]) <= set(props)
    assert set(resource["list-omits"]) <= set(props)
    for field in resource["filterable"]:
        assert field in props or "." in field, field
    where = SPEC["components"]["parameters"][f"{name}Where"]["schema"]["pattern"]
    assert _pattern_fields(where) == set(resource["filterable"]), "one list of filterable fields"
    scalar = {k for k, v in props.items() if resolve(v).get("type") not in ("array", "object")}
    order = SPEC["components"]["parameters"][f"{name}Order"]["schema"]["pattern"]
    assert _pattern_fields(order) == scalar


@pytest.mark.parametrize(
    ("name", "value", "valid"),
    [
        ("CustomerWhere", "bill_country:EQUALS:Canada", True),
        ("CustomerWhere", "", True),  # the C# SDK always sends `where=`: no filter
        ("CustomerWhere", "external_key:EQUALS:Example\\:ID", True),
        ("CustomerWhere", "company:CONTAINS:a\\,b,custom_1:IS:NULL", True),
        ("CustomerWhere", "external_key:EQUALS:Example:ID", False),  # unescaped colon
        ("CustomerWhere", "email:EQUALS:x", False),  # not a filterable field
        ("CustomerWhere", "company:LIKE:x", False),  # not an operator
        ("UserWhere", "customers.customer_id:EQUALS:44", True),
        ("ItemWhere", "external_key:EQUALS:Example\\:ID", True),  # seed 002 escape example
        ("ItemWhere", "enabled:EQUALS:1", False),  # not a filterable field
        ("ItemOrder", "tiersets:ASC", False),  # arrays cannot be sorted
        ("InvoiceWhere", "date:GTE:2015-02-01,date:LTE:2015-02-05", True),
        ("InvoiceOrder", "total:ASC", True),
        ("InvoiceOrder", "total:ASC,invoice_id:DESC", True),
        ("InvoiceOrder", "total:UP", False),
        ("InvoiceOrder", "", True),
        ("CustomerOrder", "tags:ASC", False),  # arrays cannot be sorted
    ],
)
def test_where_and_order_grammars(name: str, value: str, valid: bool) -> None:
    schema = SPEC["components"]["parameters"][name]["schema"]
    assert (schema_errors(schema, value) == []) is valid


def test_request_schemas_are_strict_and_response_schemas_tolerant() -> None:
    for name, schema in SCHEMAS.items():
        is_request = name.endswith(("Create", "Update", "Request"))
        if is_request and schema["type"] == "object":
            assert schema.get("additionalProperties") is False, name
    for name in ("Customer", "User", "Invoice", "LineItem", "Item", "ItemTierset"):
        assert "additionalProperties" not in SCHEMAS[name], name
    assert SCHEMAS["CustomerCreate"]["required"] == ["company"]
    assert SCHEMAS["InvoiceCreate"]["properties"]["line_items"]["minItems"] == 1
    assert SCHEMAS["LineItemCreate"]["required"] == ["item_id"]
    assert "line_item_id" in SCHEMAS["LineItemUpdate"]["properties"]
    assert SCHEMAS["ItemCreate"]["required"] == ["name"]
    for name in ("CustomerUpdate", "UserCreate", "UserUpdate", "InvoiceUpdate", "ItemUpdate"):
        assert SCHEMAS[name]["minProperties"] == 1, "an empty write body is a 400 (No data)"


def test_customer_read_schema_has_every_documented_field() -> None:
    props = SCHEMAS["Customer"]["properties"]
    # seed 000 schema example: 92 fields, tags included; plus the recorded bill_notes, ship_notes
    # and custtype_id (issue 12 item 7, fact sheet §13.3)
    assert len(props) == 95
    assert {f"custom_{i}" for i in range(1, 21)} <= set(props)
    assert SCHEMAS["Invoice"]["properties"]["line_items"]["items"]["$ref"].endswith("LineItem")


def test_create_links_chain_to_the_object_operations() -> None:
    ids = {op.body["operationId"] for op in OPS}
    for op in OPS:
        for link in op.body["responses"].get("201", {}).get("links", {}).values():
            assert link["operationId"] in ids
    create = SPEC["paths"]["/customer"]["post"]["responses"]["201"]["links"]
    assert {"GetCustomer", "UpdateCustomer", "DeleteCustomer", "CustomerSetInactive"} <= set(create)


def test_servers_and_security() -> None:
    urls = [s["url"] for s in SPEC["servers"]]
    assert urls[0] == "https://{instance}.chargeover.com/api/v3"
    assert any(u.startswith("http://127.0.0.1") for u in urls)
    schemes = SPEC["components"]["securitySchemes"]
    assert schemes["basic"] == {**schemes["basic"], "type": "http", "scheme": "basic"}
    assert schemes["signatureV1"]["name"] == "Authorization"
    assert SPEC["security"] == [{"basic": []}, {"signatureV1": []}]


def test_schemathesis_loads_every_operation_without_a_warning() -> None:
    """pytest turns warnings into errors, so a warning while loading fails this test."""
    import schemathesis
    from schemathesis.core.result import Err

    from tests.spec_document import SPEC_PATH

    schema = schemathesis.openapi.from_path(str(SPEC_PATH))
    loaded = list(schema.get_all_operations())
    assert len(loaded) == len(OPS)
    assert [result.err() for result in loaded if isinstance(result, Err)] == []


@pytest.mark.parametrize("resource", ["customer", "user", "invoice"])
def test_the_legacy_action_operation_lists_every_action_and_body(resource: str) -> None:
    """`POST /{res}/{id}?action=NAME` (issue 12 item 6): its `action` enum is every action's name
    and aliases, and its body the union of their bodies, so the two styles cannot drift."""
    names: set[str] = set()
    bodies: set[str] = set()
    for op in OPS:
        block = op.body["x-kit-operation"]
        if block["kind"] == "action" and block["resource"] == resource:
            names |= {block["action"], *block["aliases"]}
            bodies.add(op.body["requestBody"]["content"]["application/json"]["schema"]["$ref"])
    [legacy] = [
        op
        for op in OPS
        if op.body["x-kit-operation"] == {"kind": "legacy-action", "resource": resource}
    ]
    assert (legacy.method, legacy.path) == ("post", f"/{resource}/{{{resource}_id}}")
    [action] = [p for p in legacy.parameters if p["name"] == "action"]
    assert action["in"] == "query" and action["required"] is True
    assert set(action["schema"]["enum"]) == names
    body = legacy.body["requestBody"]
    assert body["required"] is False, "an action may be sent without a body"
    union = resolve(body["content"]["application/json"]["schema"])["anyOf"]
    assert {member["$ref"] for member in union} == bodies


def test_order_patterns_are_derived_from_the_read_schemas(tmp_path: Path) -> None:
    """Issue 19 item 8: removing a field meant hand-editing a 2,000-character `order` regex,
    which `nox -s spec` did not check; now a script writes it and `--check` catches drift."""
    script = SPEC_PATH.with_name("derive_order_patterns.py")

    def derive(args: list[str]) -> int:
        return subprocess.run([sys.executable, str(script), *args], check=False).returncode

    assert derive(["--check", str(SPEC_PATH)]) == 0
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    del document["components"]["schemas"]["Customer"]["properties"]["custom_5"]
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(document, sort_keys=False, width=10**6), encoding="utf-8")
    assert derive(["--check", str(edited)]) == 1  # the pattern still names custom_5
    assert derive([str(edited)]) == 0
    assert derive(["--check", str(edited)]) == 0
    rewritten = yaml.safe_load(edited.read_text(encoding="utf-8"))
    pattern = rewritten["components"]["parameters"]["CustomerOrder"]["schema"]["pattern"]
    assert "custom_5" not in pattern and "|custom_4|" in pattern
    assert (
        rewritten["components"]["parameters"]["UserOrder"]
        == (document["components"]["parameters"]["UserOrder"])
    )
