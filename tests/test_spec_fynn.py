"""The Fynn spec is valid and self-consistent: the rules the engine and the harness will rely on."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.seed_examples import seed_examples
from tests.spec_document import embedded_examples, load_spec, operations, resolve, schema_errors

FYNN_SPEC_PATH = Path(__file__).resolve().parent.parent / "spec" / "fynn" / "openapi.yaml"
SEED_004 = "004_6ab2077ca9a8d740.txt"

SPEC = load_spec(FYNN_SPEC_PATH)
OPS = list(operations(SPEC))
SCHEMAS = SPEC["components"]["schemas"]
EXAMPLES = list(embedded_examples(SPEC))
RESOURCES = {
    schema["x-kit-resource"]["name"]: (name, schema)
    for name, schema in SCHEMAS.items()
    if "x-kit-resource" in schema
}
KINDS = {"list", "create", "get", "update", "delete", "action", "custom"}


def _ref_name(node: dict[str, Any]) -> str:
    return str(node["$ref"]).rsplit("/", 1)[-1]


def _json_schema(response: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = resolve(response, SPEC)["content"]["application/json"]["schema"]
    return schema


def _op(operation_id: str) -> Any:
    return next(op for op in OPS if op.body["operationId"] == operation_id)


def test_the_document_validates() -> None:
    from openapi_spec_validator import validate

    validate(SPEC)
    assert SPEC["openapi"] == "3.1.0"


def test_the_spec_has_the_operations_of_issue_14() -> None:
    ids = [op.body["operationId"] for op in OPS]
    assert sorted(ids) == sorted(
        [
            "listCustomers",
            "createCustomer",
            "getCustomer",
            "updateCustomer",
            "deleteCustomer",
            "archiveCustomer",
            "setCustomerDefaultPaymentMethod",
            "addCustomerAddress",
            "setCustomerAddressDefault",
            "createCustomerEmailAddress",
            "getCustomerEmailAddress",
            "listCustomerChildren",
            "getCustomerHierarchy",
            "setCustomerParent",
            "removeCustomerParent",
        ]
    )
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z]*)*", i) for i in ids), "camelCase"
    assert _op("updateCustomer").method == "put", "Fynn updates customers with PUT"


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_every_operation_has_kit_metadata_and_a_scope(op: Any) -> None:
    assert op.body.get("summary")
    kit = op.body["x-kit-operation"]
    assert kit["kind"] in KINDS
    assert kit["resource"] in RESOURCES
    # the engine keys actions by `action` (as for ChargeOver) and custom reads by `name`
    if kit["kind"] == "action":
        assert kit["action"]
        assert "name" not in kit
    if kit["kind"] == "custom":
        assert kit["name"]
    security = op.body["security"]
    assert security, "an explicit requirement on every operation"
    for requirement in security:
        assert list(requirement) == ["JWT"]
        assert requirement["JWT"], "the requirement names a permission"
        assert all(re.fullmatch(r"[a-z-]+(?::[a-z-]+)+", s) for s in requirement["JWT"])
    scopes = {s for r in security for s in r["JWT"]}
    if op.body["operationId"] == "setCustomerDefaultPaymentMethod":
        assert scopes == {"payment-method:write", "customer:payment-method:change"}
    elif op.method == "get":
        assert scopes == {"customer:read"}
    else:
        assert scopes == {"customer:write"}


def test_archive_and_hierarchy_reads_use_the_documented_kinds() -> None:
    assert _op("archiveCustomer").body["x-kit-operation"] == {
        "kind": "action",
        "resource": "customer",
        "action": "archive",
    }
    for operation_id, name in (
        ("listCustomerChildren", "children"),
        ("getCustomerHierarchy", "hierarchy"),
    ):
        kit = _op(operation_id).body["x-kit-operation"]
        assert (kit["kind"], kit["name"]) == ("custom", name)


def test_the_security_scheme_is_jwt_bearer_and_the_tenant_is_a_server_variable() -> None:
    scheme = SPEC["components"]["securitySchemes"]["JWT"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    first = SPEC["servers"][0]
    assert first["url"] == "https://{tenant}.coreapi.io"
    assert "tenant" in first["variables"]


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_errors_are_reusable_components(op: Any) -> None:
    responses = op.body["responses"]
    assert _ref_name(responses["401"]) == "Unauthorized"
    assert _ref_name(responses["403"]) == "Forbidden"
    if any(p["in"] == "path" for p in op.parameters):
        assert _ref_name(responses["404"]) == "NotFound"
    for status, response in responses.items():
        if int(status) >= 400:
            assert "$ref" in response, status
            assert _ref_name(_json_schema(response)) in ("Error", "ValidationError"), status


def test_422_responses_use_the_violations_schema() -> None:
    with_422 = [op for op in OPS if "422" in op.body["responses"]]
    assert len(with_422) >= 6
    for op in with_422:
        assert _ref_name(_json_schema(op.body["responses"]["422"])) == "ValidationError", op.name
    body = SCHEMAS["ValidationError"]
    assert set(body["required"]) == {"detail", "violations"}
    assert body["properties"]["violations"]["minItems"] == 1
    violation = resolve(body["properties"]["violations"]["items"], SPEC)
    assert set(violation["required"]) == {"propertyPath", "message"}
    assert set(violation["properties"]) == {"propertyPath", "message", "code"}
    assert "title" in SCHEMAS["Error"]["properties"]
    assert _op("createCustomer").body["responses"]["400"], "400 and 422 are distinct"


def test_every_list_response_has_the_data_and_pagination_shape() -> None:
    lists = [op for op in OPS if op.body["x-kit-operation"]["kind"] == "list"]
    assert [op.body["operationId"] for op in lists] == ["listCustomers"]
    for op in lists:
        read_schema, _ = RESOURCES[op.body["x-kit-operation"]["resource"]]
        body = resolve(_json_schema(op.body["responses"]["200"]), SPEC)
        assert set(body["required"]) == {"data", "meta"}
        assert _ref_name(body["properties"]["data"]["items"]) == read_schema
        assert body["properties"]["data"]["maxItems"] == 100
        meta = resolve(body["properties"]["meta"], SPEC)
        pagination = resolve(meta["properties"]["pagination"], SPEC)
        fields = ["totalItems", "itemsPerPage", "currentPage", "lastPage", "pageTotalItems"]
        assert meta["required"] == ["pagination"]
        assert sorted(pagination["required"]) == sorted(fields)
        assert all(pagination["properties"][f]["type"] == "integer" for f in fields)
        params = {p["name"]: p for p in op.parameters}
        limit = params["limit"]["schema"]
        assert (limit["default"], limit["minimum"], limit["maximum"]) == (30, 0, 100)
        assert params["page"]["schema"]["default"] == 1


def test_single_objects_are_bare() -> None:
    for op in OPS:
        kit = op.body["x-kit-operation"]
        if kit["kind"] not in ("get", "create", "update") and kit.get("action") != "archive":
            continue
        read_schema, _ = RESOURCES[kit["resource"]]
        success = next(r for s, r in op.body["responses"].items() if s.startswith("2"))
        assert _ref_name(_json_schema(success)) == read_schema, op.name
    children = _json_schema(_op("listCustomerChildren").body["responses"]["200"])
    assert children["type"] == "array", "children is a bare array"


def test_the_hierarchy_feature_flag_behaviour() -> None:
    flagged = {op.body["operationId"]: op for op in OPS if "feature" in op.body["x-kit-operation"]}
    assert set(flagged) == {
        "listCustomerChildren",
        "getCustomerHierarchy",
        "setCustomerParent",
        "removeCustomerParent",
    }
    for operation_id, op in flagged.items():
        feature = op.body["x-kit-operation"]["feature"]
        assert feature["flag"] == "customer.hierarchy"
        if operation_id == "listCustomerChildren":
            assert feature["when-disabled"] == "empty-array"
            assert "501" not in op.body["responses"]
        else:
            assert feature["when-disabled"] == "not-implemented"
            assert _ref_name(op.body["responses"]["501"]) == "HierarchyDisabled"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.where)
def test_every_embedded_example_validates_against_its_schema(example: Any) -> None:
    assert schema_errors(example.schema, example.value, FYNN_SPEC_PATH) == []


def test_example_validation_rejects_a_broken_example() -> None:
    """Negative control: the validator above is not vacuous."""
    by_where = {e.where: e for e in EXAMPLES}
    page = by_where["GET /customers 200 application/json seed004"]
    for breakage in (
        lambda v: v["data"][0].update(status="ACTIVE"),
        lambda v: v["data"][0].update(id="not-a-uuid"),
        lambda v: v["data"][0]["defaultAddress"].update(default="yes"),
        lambda v: v["meta"]["pagination"].pop("lastPage"),
        lambda v: v.pop("meta"),
    ):
        broken = copy.deepcopy(page.value)
        breakage(broken)
        assert schema_errors(page.schema, broken, FYNN_SPEC_PATH)
    refused = by_where["DELETE /customers/{id} 422 application/json hasInvoices"]
    broken = copy.deepcopy(refused.value)
    del broken["violations"][0]["propertyPath"]
    assert schema_errors(refused.schema, broken, FYNN_SPEC_PATH)


def test_the_seed_004_payloads_are_embedded(shared_seeds: Path) -> None:
    seeds = seed_examples(shared_seeds, (SEED_004,))
    assert len(seeds) == 2, "seed 004 prints its one example twice"
    embedded = [e.value for e in EXAMPLES]
    for seed in seeds:
        page = seed.value
        assert isinstance(page, dict)
        assert page in embedded
        assert page["data"][0] in embedded, "the item doubles as the single-read example"


ENUMS = {
    "CustomerStatus": ["STATUS_ACTIVE", "STATUS_ARCHIVED", "STATUS_SUSPENDED"],
    "Gender": ["male", "female", "diverse"],
    "Language": ["de", "en"],
    "TaxExempt": ["auto", "exempt"],
    "AddressType": ["TYPE_DEFAULT", "TYPE_INVOICE"],
    "AddressStatus": ["active", "archived"],
    "Salutation": ["Firma", "Herr", "Frau"],
    "EmailAddressType": ["TYPE_COMPANY", "TYPE_INVOICE"],
}


@pytest.mark.parametrize(("name", "values"), ENUMS.items())
def test_enum_values_are_exactly_as_documented(name: str, values: list[str]) -> None:
    assert SCHEMAS[name]["enum"] == values


def _refs(node: Any) -> set[str]:
    """Names of the schemas `node` refers to directly (through anyOf too)."""
    if "$ref" in node:
        return {_ref_name(node)}
    return {_ref_name(n) for n in node.get("anyOf", []) if "$ref" in n}


@pytest.mark.parametrize(
    ("schema", "field", "enum"),
    [
        ("Customer", "status", "CustomerStatus"),
        ("Customer", "gender", "Gender"),
        ("Customer", "language", "Language"),
        ("Customer", "taxExempt", "TaxExempt"),
        ("CustomerCreate", "language", "Language"),
        ("CustomerUpdate", "taxExempt", "TaxExempt"),
        ("CustomerAddress", "type", "AddressType"),
        ("CustomerAddress", "status", "AddressStatus"),
        ("CustomerAddress", "salutation", "Salutation"),
        ("CustomerAddressCreate", "type", "AddressType"),
        ("CustomerEmailAddress", "type", "EmailAddressType"),
        ("CustomerChild", "status", "CustomerStatus"),
    ],
)
def test_enum_fields_use_the_enum(schema: str, field: str, enum: str) -> None:
    assert enum in _refs(SCHEMAS[schema]["properties"][field])


def test_ids_are_uuids_and_timestamps_iso_8601() -> None:
    for name in ("CustomerId", "ParentCustomerId", "CustomerAddressId", "CustomerEmailAddressId"):
        assert SPEC["components"]["parameters"][name]["schema"]["format"] == "uuid"
    for name, field in (
        ("Customer", "id"),
        ("CustomerEmailAddress", "id"),
        ("CustomerChild", "id"),
        ("CustomerHierarchyNode", "id"),
        ("CustomerReference", "id"),
        ("DefaultPaymentMethodRequest", "paymentMethodId"),
        ("SetParentCustomerRequest", "parentCustomerId"),
        ("CustomerCreate", "customerGroup"),
    ):
        assert SCHEMAS[name]["properties"][field]["format"] == "uuid", (name, field)
    # the vendor's examples print "<string>" for address ids (spec/fynn/NOTES.md)
    assert "format" not in SCHEMAS["CustomerAddress"]["properties"]["id"]
    assert SCHEMAS["Customer"]["properties"]["createdAt"]["format"] == "date-time"


def _walk(node: Any, seen: set[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (schema name or '', subschema) reachable from `node`, each named schema once."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = _ref_name(node)
            if name not in seen:
                seen.add(name)
                yield name, SCHEMAS[name]
                yield from _walk(SCHEMAS[name], seen)
            return
        yield "", node
        for value in node.values():
            yield from _walk(value, seen)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value, seen)


def test_request_schemas_are_strict_and_response_schemas_tolerant() -> None:
    requests: set[str] = set()
    for op in OPS:
        if "requestBody" in op.body:
            schema = op.body["requestBody"]["content"]["application/json"]["schema"]
            requests.add(_ref_name(schema))
            assert SCHEMAS[_ref_name(schema)]["additionalProperties"] is False
    assert requests == {
        "CustomerCreate",
        "CustomerUpdate",
        "CustomerAddressCreate",
        "CustomerEmailAddressCreate",
        "DefaultPaymentMethodRequest",
        "SetParentCustomerRequest",
    }
    seen: set[str] = set()
    for op in OPS:
        for response in op.body["responses"].values():
            for media in resolve(response, SPEC).get("content", {}).values():
                for name, node in _walk(media["schema"], seen):
                    assert node.get("additionalProperties") is not False, name or op.name
    assert {"Customer", "CustomerAddress", "CustomerEmailAddress", "PaymentMethod"} <= seen
    assert SCHEMAS["CustomerUpdate"]["required"] == ["countryCode", "timeZone", "language"]
    assert SCHEMAS["CustomerCreate"]["required"] == ["email"]


def _property(schema: dict[str, Any], dotted: str) -> dict[str, Any]:
    """The property at a dotted path (through arrays and nullable anyOf)."""
    node = schema
    for part in dotted.split("."):
        node = resolve(node, SPEC)
        if node.get("type") == "array":
            node = resolve(node["items"], SPEC)
        if "anyOf" in node:
            node = next(resolve(n, SPEC) for n in node["anyOf"] if n.get("type") != "null")
        node = node["properties"][part]
    return node


@pytest.mark.parametrize("resource", RESOURCES)
def test_resource_extensions_agree_with_the_schemas(resource: str) -> None:
    _, schema = RESOURCES[resource]
    kit = schema["x-kit-resource"]
    props = schema["properties"]
    assert kit["primary-key"] in props
    assert kit["primary-key"] in schema["required"]
    assert kit["not-found-message"]
    for field in kit["filterable"] + kit["sortable"] + kit.get("list-omits", []):
        assert _property(schema, field), field
    ops = [op for op in OPS if op.body["x-kit-operation"]["resource"] == resource]
    lists = [op for op in ops if op.body["x-kit-operation"]["kind"] == "list"]
    if kit["filterable"]:
        (listing,) = lists
        query = {p["name"] for p in listing.parameters if p["in"] == "query"}
        assert set(kit["filterable"]) <= query, "every filterable field is a query key"
        match = kit["filter-match"]
        matched = [field for fields in match.values() for field in fields]
        assert sorted(matched) == sorted(kit["filterable"]), "one match style per field"
        assert set(kit["search"]) <= set(kit["filterable"])
        assert "search" in query
    if "parent" in kit:
        assert kit["parent"]["resource"] in RESOURCES
        nested = [op for op in ops if f"{{{kit['parent']['path-param']}}}" in op.path]
        assert nested, "the parent path parameter appears on the resource's nested paths"


def test_schemathesis_loads_every_operation_without_a_warning() -> None:
    """pytest turns warnings into errors, so a warning while loading fails this test."""
    import schemathesis
    from schemathesis.core.result import Err

    schema = schemathesis.openapi.from_path(str(FYNN_SPEC_PATH))
    loaded = list(schema.get_all_operations())
    assert len(loaded) == len(OPS)
    assert [result.err() for result in loaded if isinstance(result, Err)] == []
