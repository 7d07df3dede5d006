"""The Invoiced spec is valid, complete and self-consistent: what the engine and harness rely on."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from tests.seed_examples import seed_examples
from tests.spec_document import embedded_examples, load_spec, operations, resolve, schema_errors

SPEC_PATH = Path(__file__).resolve().parent.parent / "spec" / "invoiced" / "openapi.yaml"
SEED = "001_31725f4d12b3194c.txt"

SPEC = load_spec(SPEC_PATH)
OPS = list(operations(SPEC))
SCHEMAS = SPEC["components"]["schemas"]
RESOURCES = {
    schema["x-kit-resource"]["name"]: (name, schema)
    for name, schema in SCHEMAS.items()
    if "x-kit-resource" in schema
}
KINDS = {"list", "create", "get", "update", "delete", "action", "custom"}
ERROR_RESPONSES = {
    "400": "BadRequest",
    "401": "Unauthorized",
    "403": "Forbidden",
    "404": "NotFound",
    "429": "TooManyRequests",
    "500": "ServerError",
}


def errors(schema: dict[str, Any], value: Any) -> list[str]:
    return schema_errors(schema, value, path=SPEC_PATH)


def kit(op: Any) -> dict[str, Any]:
    return op.body["x-kit-operation"]  # type: ignore[no-any-return]


def test_the_document_validates() -> None:
    validate(SPEC)


def test_the_spec_has_exactly_the_operations_of_issue_13() -> None:
    ids = [op.body["operationId"] for op in OPS]
    assert sorted(ids) == sorted(
        [
            "listCustomers",
            "createCustomer",
            "retrieveCustomer",
            "updateCustomer",
            "deleteCustomer",
            "retrieveCustomerBalance",
            "sendCustomerStatementEmail",
            "sendCustomerStatementText",
            "sendCustomerStatementLetter",
            "listContacts",
            "createContact",
            "retrieveContact",
            "updateContact",
            "deleteContact",
        ]
    )
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)*", i) for i in ids), "camelCase"


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_every_operation_declares_its_kit_operation(op: Any) -> None:
    meta = kit(op)
    assert meta["kind"] in KINDS
    assert meta["resource"] in RESOURCES
    assert ("name" in meta) is (meta["kind"] in ("custom", "action")), "custom/action ops are named"
    successes = sorted(s for s in op.body["responses"] if s.startswith("2"))
    if len(successes) > 1:
        assert meta["status"] in {int(s) for s in successes}, "which status the emulator sends"
    else:
        assert "status" not in meta
    expected_method = {"list": "get", "get": "get", "create": "post", "update": "patch"}
    if meta["kind"] in expected_method:
        assert op.method == expected_method[meta["kind"]]
    if meta["kind"] == "delete":
        assert op.method == "delete"
        assert successes == ["204"] and "content" not in op.body["responses"]["204"]


def test_kit_operations_cover_crud_of_both_resources_and_the_named_customer_operations() -> None:
    pairs = {(kit(op)["resource"], kit(op)["kind"], kit(op).get("name")) for op in OPS}
    for resource in ("customer", "contact"):
        for kind in ("list", "create", "get", "update", "delete"):
            assert (resource, kind, None) in pairs
    for name in ("balance", "send_statement_email", "send_statement_text", "send_statement_letter"):
        assert ("customer", "custom", name) in pairs


LISTS = [op for op in OPS if kit(op)["kind"] == "list"]


@pytest.mark.parametrize("op", LISTS, ids=lambda op: op.name)
def test_every_list_declares_paging_parameters_and_headers(op: Any) -> None:
    params = {p["name"]: p for p in op.parameters}
    assert params["page"]["schema"]["minimum"] == 1
    per_page = params["per_page"]["schema"]
    assert (per_page["default"], per_page["maximum"]) == (100, 100)
    ok = op.body["responses"]["200"]
    assert ok["headers"] == {
        "Link": {"$ref": "#/components/headers/Link"},
        "X-Total-Count": {"$ref": "#/components/headers/XTotalCount"},
    }
    for header in ok["headers"].values():
        assert resolve(header, SPEC)["required"] is True
    body = resolve(ok["content"]["application/json"]["schema"], SPEC)
    assert body["type"] == "array"
    assert body["maxItems"] == per_page["maximum"]


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_error_responses_are_the_reusable_components_with_the_error_schema(op: Any) -> None:
    responses = op.body["responses"]
    expected = {"400", "401", "403", "429", "500"}
    if any(p["in"] == "path" for p in op.parameters):
        expected.add("404")
    assert {s for s in responses if s[0] in "45"} == expected
    for status in expected:
        assert responses[status] == {"$ref": f"#/components/responses/{ERROR_RESPONSES[status]}"}
        schema = resolve(responses[status], SPEC)["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}


def test_the_error_schema_is_type_message_param_with_an_open_type() -> None:
    error = SCHEMAS["Error"]
    assert set(error["properties"]) == {"type", "message", "param"}
    assert error["required"] == ["type", "message"]
    assert error["properties"]["type"] == {**error["properties"]["type"], "type": "string"}
    assert "enum" not in error["properties"]["type"]
    assert errors(error, {"type": "Internal Server Error", "message": "x"}) == []
    assert errors(error, {"message": "x"}), "type is required"


EXAMPLES = list(embedded_examples(SPEC))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.where)
def test_every_embedded_example_validates_against_its_schema(example: Any) -> None:
    assert errors(example.schema, example.value) == []


def test_every_operation_has_examples_for_its_bodies() -> None:
    for op in OPS:
        if "requestBody" in op.body:
            assert resolve(op.body["requestBody"], SPEC)["content"]["application/json"]["examples"]
        for status, response in op.body["responses"].items():
            if status.startswith("2") and status != "204":
                assert response["content"]["application/json"]["examples"], (op.name, status)


def test_example_validation_rejects_broken_examples() -> None:
    """Negative control: the validator above is not vacuous."""
    by_where = {e.where: e for e in EXAMPLES}
    retrieved = by_where["GET /customers/{id} 200 application/json withPaymentSource"]
    broken = json.loads(json.dumps(retrieved.value))
    broken["type"] = "corporation"
    assert errors(retrieved.schema, broken)
    broken = json.loads(json.dumps(retrieved.value))
    broken["payment_source"]["object"] = "paypal"
    assert errors(retrieved.schema, broken)
    create = by_where["POST /customers request application/json acme"]
    assert errors(create.schema, {**create.value, "unknown_field": 1}), "request bodies are strict"
    assert errors(create.schema, {"email": "billing@acmecorp.com"}), "name is required"


@pytest.mark.parametrize("name", sorted(SPEC["components"]["headers"]))
def test_header_examples_validate(name: str) -> None:
    header = SPEC["components"]["headers"][name]
    assert header["examples"]
    for example in header["examples"].values():
        assert errors(header["schema"], example["value"]) == []


def test_every_seed_response_payload_is_embedded(shared_seeds: Path) -> None:
    seeds = seed_examples(shared_seeds, (SEED,))
    assert len(seeds) == 9, "the seed prints nine JSON payloads"
    embedded = {json.dumps(e.value, sort_keys=True) for e in EXAMPLES}
    missing = [e.line for e in seeds if json.dumps(e.value, sort_keys=True) not in embedded]
    assert missing == []


def _curl_bodies(text: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, body) of each curl example that writes; `-d a[0][b]="v"` becomes nested."""
    found: list[tuple[str, str, dict[str, Any]]] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        start = re.match(r'curl "https://api\.invoiced\.com(/[^"]*)"', line)
        if not start:
            continue
        method = "GET"
        body: dict[str, Any] = {}
        for option in lines[i + 1 :]:
            if not option.startswith("-"):
                break
            if m := re.match(r"-X (\w+)", option):
                method = m.group(1)
            elif m := re.match(r'-d ([^=]+)="(.*)"\s*\\?$', option):
                method = "POST" if method == "GET" else method
                keys = re.findall(r"[^\[\]]+", m.group(1))
                node: Any = body
                for key, following in itertools.pairwise(keys):
                    default: Any = [] if following.isdigit() else {}
                    if isinstance(node, list):
                        if len(node) <= int(key):
                            node.append(default)
                        node = node[int(key)]
                    else:
                        node = node.setdefault(key, default)
                node[keys[-1]] = m.group(2)
        if method in ("POST", "PATCH"):
            found.append((method, start.group(1), body))
    return found


def test_every_seed_request_is_embedded(shared_seeds: Path) -> None:
    requests = _curl_bodies((shared_seeds / SEED).read_text(encoding="utf-8"))
    assert len(requests) == 5, "create, update, email, text message and letter"
    by_route: dict[tuple[str, str], list[Any]] = {}
    for op in OPS:
        route = re.sub(r"\{[^}]+\}", ":id", op.path)
        by_route[(op.method.upper(), route)] = [
            e.value for e in EXAMPLES if e.where.startswith(f"{op.name} request ")
        ]
    for method, path, body in requests:
        assert body in by_route[(method, path)], (method, path)


ENUMS = {
    "CustomerType": ["company", "person"],
    "StatementType": ["balance_forward", "open_item"],
    "StatementItems": ["past_due"],
    "CardFunding": ["credit", "debit", "prepaid", "unknown"],
}


@pytest.mark.parametrize(("name", "values"), ENUMS.items())
def test_enums_are_exactly_as_documented(name: str, values: list[str]) -> None:
    assert SCHEMAS[name]["enum"] == values


def test_object_discriminators_are_exact() -> None:
    objects = {
        name: SCHEMAS[name]["properties"]["object"]["enum"]
        for name in ("Customer", "Contact", "Card", "BankAccount", "Email", "TaxRate")
    }
    assert objects == {
        "Customer": ["customer"],
        "Contact": ["contact"],
        "Card": ["card"],
        "BankAccount": ["bank_account"],
        "Email": ["email"],
        "TaxRate": ["tax_rate"],
    }
    source = SCHEMAS["Customer"]["properties"]["payment_source"]["anyOf"]
    assert source == [
        {"$ref": "#/components/schemas/Card"},
        {"$ref": "#/components/schemas/BankAccount"},
        {"type": "null"},
    ]


def test_customer_read_schema_has_every_documented_field() -> None:
    assert len(SCHEMAS["Customer"]["properties"]) == 41  # seed 001 "Customer Object"
    create = set(SCHEMAS["CustomerCreate"]["properties"])
    update = set(SCHEMAS["CustomerUpdate"]["properties"])
    assert len(create) == 35  # seed 001 "Create a customer" table
    assert create - update == {"autopay_delay_days"}, "absent from the documented update table"


def test_request_schemas_are_strict_and_response_schemas_tolerant() -> None:
    def objects(node: Any) -> list[dict[str, Any]]:
        node = resolve(node, SPEC)
        found = [node] if node.get("type") == "object" else []
        for child in node.get("properties", {}).values():
            found += objects(child)
        if "items" in node:
            found += objects(node["items"])
        return found

    requests = [op.body["requestBody"] for op in OPS if "requestBody" in op.body]
    assert len(requests) == 7
    for body in requests:
        for schema in objects(body["content"]["application/json"]["schema"]):
            if schema is not SCHEMAS["MetadataWrite"]:  # open keys by design
                assert schema.get("additionalProperties") is False, schema.get("title")
    for name, schema in SCHEMAS.items():
        if not name.endswith(("Create", "Update", "Request", "Recipient", "Write")):
            assert schema.get("additionalProperties") is not False, name
    assert SCHEMAS["CustomerCreate"]["required"] == ["name"]
    assert "required" not in SCHEMAS["Customer"], "stubs omit keys: nothing required on read"


def test_tolerant_reader_quirks_are_accepted() -> None:
    customer = {"$ref": "#/components/schemas/Customer"}
    assert errors(customer, {"metadata": []}) == []
    assert errors(customer, {"metadata": {"a": "b"}}) == []
    assert errors(customer, {"metadata": ["x"]}), "only the empty array stands for an empty map"
    assert errors(customer, {"taxes": ["vat", 7, {"id": "vat", "object": "tax_rate"}]}) == []
    assert errors(customer, {"bill_to_parent": False, "collection_mode": "manual"}) == []
    contact = {"$ref": "#/components/schemas/Contact"}
    assert errors(contact, {"sms_enabled": None}) == []
    letter = {"$ref": "#/components/schemas/LetterResult"}
    assert errors(letter, [{"id": "2678c1e7e6dd1011ce13fb6b76db42df"}]) == []
    assert errors({"$ref": "#/components/schemas/Email"}, {"id": 5}), "email ids are strings"
    assert errors({"$ref": "#/components/schemas/Card"}, {"object": "card", "exp_year": 20}) == []


def _is_scalar(node: Any) -> bool:
    """A property that holds one value: no array, object or union of them."""
    node = resolve(node, SPEC)
    types = node.get("type")
    if types is None:
        return False
    return not {"array", "object"} & set(types if isinstance(types, list) else [types])


def _sort_columns(parameter: str) -> set[str]:
    pattern = SPEC["components"]["parameters"][parameter]["schema"]["pattern"]
    match = re.fullmatch(r"\^\(\?:([a-z0-9_|]+)\) \(\?:asc\|desc\)\$", pattern)
    assert match, pattern
    return set(match.group(1).split("|"))


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_resource_extensions_agree_with_the_schemas(resource: str) -> None:
    name, schema = RESOURCES[resource]
    meta = schema["x-kit-resource"]
    props = schema["properties"]
    assert meta["primary-key"] in props
    assert set(meta["filterable"]) <= set(props)
    assert set(meta["sortable"]) <= set(props)
    assert meta["not-found-message"].count("{id}") == 1
    assert all(_is_scalar(props[field]) for field in meta["sortable"] + meta["filterable"])
    assert _sort_columns(f"{name}Sort") == set(meta["sortable"]), "one list of sortable fields"
    if meta["filterable"]:
        parameter = SPEC["components"]["parameters"][f"{name}Filter"]
        assert (parameter["style"], parameter["explode"]) == ("deepObject", True)
        assert list(parameter["schema"]["properties"]) == meta["filterable"]
    paths = [op.path for op in OPS if kit(op)["resource"] == resource]
    assert any("{" + meta["path-param"] + "}" in path for path in paths)
    if "parent" in meta:
        assert meta["parent"]["resource"] in RESOURCES
        assert all("{" + meta["parent"]["path-param"] + "}" in path for path in paths)


@pytest.mark.parametrize(
    ("parameter", "value", "valid"),
    [
        ("CustomerSort", "name asc", True),
        ("CustomerSort", "updated_at desc", True),
        ("CustomerSort", "name", False),
        ("CustomerSort", "metadata asc", False),
        ("ContactSort", "primary desc", True),
        ("PerPage", 100, True),
        ("PerPage", 101, False),
        ("Page", 0, False),
        ("MetadataFilter", {"account_rep": "Jan"}, True),
        ("MetadataFilter", {"a]b": "x"}, False),
        ("CustomerFilter", {"number": "CUST-0001"}, True),
        ("CustomerFilter", {"metadata": "x"}, False),
    ],
)
def test_query_parameter_grammars(parameter: str, value: Any, valid: bool) -> None:
    schema = SPEC["components"]["parameters"][parameter]["schema"]
    assert (errors(schema, value) == []) is valid


def test_servers_and_security() -> None:
    assert [s["url"] for s in SPEC["servers"]] == [
        "https://api.invoiced.com",
        "https://api.sandbox.invoiced.com",
    ]
    schemes = SPEC["components"]["securitySchemes"]
    assert {k: (v["type"], v["scheme"]) for k, v in schemes.items()} == {
        "basic": ("http", "basic"),
        "bearer": ("http", "bearer"),
    }
    assert SPEC["security"] == [{"basic": []}, {"bearer": []}]


def test_request_bodies_are_json_only() -> None:
    for op in OPS:
        if "requestBody" in op.body:
            assert list(resolve(op.body["requestBody"], SPEC)["content"]) == ["application/json"]


def test_schemathesis_loads_every_operation_without_a_warning() -> None:
    """pytest turns warnings into errors, so a warning while loading fails this test."""
    import schemathesis
    from schemathesis.core.result import Err

    loaded = list(schemathesis.openapi.from_path(str(SPEC_PATH)).get_all_operations())
    assert len(loaded) == len(OPS)
    assert [result.err() for result in loaded if isinstance(result, Err)] == []
