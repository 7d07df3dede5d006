"""Every spec change rule, shown on a small document: each class has a breaking and a
non-breaking example, and the table covers the whole catalogue."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from contract_kit.api_changes.change import Bump
from contract_kit.api_changes.spec_rules import RULES, diff_specs

Doc = dict[str, Any]


def _json(schema: Doc) -> Doc:
    return {"application/json": {"schema": schema}}


BASE: Doc = {
    "openapi": "3.1.0",
    "info": {"title": "Widgets", "version": "1.0.0"},
    "security": [{"key": []}],
    "paths": {
        "/widgets": {
            "get": {
                "operationId": "listWidgets",
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                    {
                        "name": "color",
                        "in": "query",
                        "schema": {"$ref": "#/components/schemas/Color"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "a page",
                        "content": _json(
                            {"type": "array", "items": {"$ref": "#/components/schemas/Widget"}}
                        ),
                    },
                    "400": {"description": "bad", "content": _json({"type": "object"})},
                },
            },
            "post": {
                "operationId": "createWidget",
                "requestBody": {
                    "required": True,
                    "content": _json({"$ref": "#/components/schemas/WidgetCreate"}),
                },
                "responses": {
                    "201": {
                        "description": "created",
                        "content": _json({"$ref": "#/components/schemas/Widget"}),
                    }
                },
            },
        },
        "/widgets/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "delete": {"operationId": "deleteWidget", "responses": {"204": {"description": "ok"}}},
        },
    },
    "components": {
        "schemas": {
            "Color": {"type": "string", "enum": ["red", "blue"]},
            "Widget": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "size": {"type": ["integer", "null"]},
                    "weight": {"type": "integer"},
                    "shade": {"type": "string", "enum": ["light", "dark"]},
                },
            },
            "WidgetCreate": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "size": {"type": "integer"},
                    "note": {"type": "string"},
                    "color": {"$ref": "#/components/schemas/Color"},
                },
            },
        },
        "securitySchemes": {
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
            "oauth": {"type": "http", "scheme": "bearer"},
        },
    },
}

Edit = Callable[[Doc], object]


def _widget(doc: Doc) -> Doc:
    schema: Doc = doc["components"]["schemas"]["Widget"]
    return schema


def _create(doc: Doc) -> Doc:
    schema: Doc = doc["components"]["schemas"]["WidgetCreate"]
    return schema


def _list(doc: Doc) -> Doc:
    operation: Doc = doc["paths"]["/widgets"]["get"]
    return operation


def _page(doc: Doc) -> Doc:
    parameter: Doc = _list(doc)["parameters"][0]
    return parameter


def _deprecate_create(doc: Doc) -> None:
    doc["paths"]["/widgets"]["post"]["deprecated"] = True


def _remove_create(doc: Doc) -> None:
    del doc["paths"]["/widgets"]["post"]


# (rule, subject, bump, edit making the new document, edit of both documents first or None)
CASES: list[tuple[str, str, Bump, Edit, Edit | None]] = [
    # operations
    ("endpoint-added", "GET /gadgets", Bump.MINOR,
     lambda d: d["paths"].update({"/gadgets": {"get": {"operationId": "listGadgets"}}}), None),
    ("api-removed-without-deprecation", "POST /widgets", Bump.MAJOR, _remove_create, None),
    ("api-removed-with-deprecation", "POST /widgets", Bump.MAJOR,
     _remove_create, _deprecate_create),
    ("api-operation-id-updated", "GET /widgets", Bump.MAJOR,
     lambda d: _list(d).update(operationId="listAllWidgets"), None),
    ("endpoint-deprecated", "POST /widgets", Bump.MINOR, _deprecate_create, None),
    # parameters
    ("new-required-request-parameter", "GET /widgets query parameter q", Bump.MAJOR,
     lambda d: _list(d)["parameters"].append({"name": "q", "in": "query", "required": True}),
     None),
    ("new-optional-request-parameter", "GET /widgets query parameter q", Bump.MINOR,
     lambda d: _list(d)["parameters"].append({"name": "q", "in": "query"}), None),
    ("request-parameter-removed", "GET /widgets query parameter page", Bump.MAJOR,
     lambda d: _list(d)["parameters"].pop(0), None),
    ("request-parameter-became-required", "GET /widgets query parameter page", Bump.MAJOR,
     lambda d: _page(d).update(required=True), None),
    ("request-parameter-became-optional", "GET /widgets query parameter page", Bump.MINOR,
     lambda d: _page(d).pop("required"), lambda d: _page(d).update(required=True)),
    ("request-parameter-type-changed", "GET /widgets query parameter page", Bump.MAJOR,
     lambda d: _page(d)["schema"].update(type="string"), None),
    ("request-parameter-type-generalized", "GET /widgets query parameter page", Bump.MINOR,
     lambda d: _page(d)["schema"].update(type=["integer", "string"]), None),
    ("request-parameter-enum-value-removed", "GET /widgets query parameter color", Bump.MAJOR,
     lambda d: d["components"]["schemas"]["Color"].update(enum=["red"]), None),
    ("request-parameter-enum-value-added", "GET /widgets query parameter color", Bump.MINOR,
     lambda d: d["components"]["schemas"]["Color"].update(enum=["red", "blue", "green"]), None),
    # request bodies
    ("request-body-became-required", "POST /widgets", Bump.MAJOR,
     lambda d: d["paths"]["/widgets"]["post"]["requestBody"].update(required=True),
     lambda d: d["paths"]["/widgets"]["post"]["requestBody"].update(required=False)),
    ("request-body-became-optional", "POST /widgets", Bump.MINOR,
     lambda d: d["paths"]["/widgets"]["post"]["requestBody"].update(required=False), None),
    ("new-required-request-property", "WidgetCreate.code", Bump.MAJOR,
     lambda d: (_create(d)["properties"].update(code={"type": "string"}),
                _create(d)["required"].append("code")), None),
    ("new-optional-request-property", "WidgetCreate.code", Bump.MINOR,
     lambda d: _create(d)["properties"].update(code={"type": "string"}), None),
    ("request-property-removed", "WidgetCreate.note", Bump.MAJOR,
     lambda d: _create(d)["properties"].pop("note"), None),
    ("request-property-became-required", "WidgetCreate.size", Bump.MAJOR,
     lambda d: _create(d)["required"].append("size"), None),
    ("request-property-became-optional", "WidgetCreate.name", Bump.MINOR,
     lambda d: _create(d).update(required=[]), None),
    ("request-property-type-changed", "WidgetCreate.size", Bump.MAJOR,
     lambda d: _create(d)["properties"]["size"].update(type="string"), None),
    ("request-property-type-generalized", "WidgetCreate.size", Bump.MINOR,
     lambda d: _create(d)["properties"]["size"].update(type=["integer", "null"]), None),
    ("request-property-enum-value-removed", "WidgetCreate.color", Bump.MAJOR,
     lambda d: d["components"]["schemas"]["Color"].update(enum=["red"]), None),
    ("request-property-enum-value-added", "WidgetCreate.color", Bump.MINOR,
     lambda d: d["components"]["schemas"]["Color"].update(enum=["red", "blue", "green"]), None),
    # responses
    ("response-success-status-removed", "POST /widgets 201", Bump.MAJOR,
     lambda d: d["paths"]["/widgets"]["post"]["responses"].update(
         {"200": d["paths"]["/widgets"]["post"]["responses"].pop("201")}), None),
    ("response-success-status-added", "DELETE /widgets/{id} 200", Bump.MINOR,
     lambda d: d["paths"]["/widgets/{id}"]["delete"]["responses"].update(
         {"200": {"description": "ok"}}), None),
    ("response-non-success-status-removed", "GET /widgets 400", Bump.MINOR,
     lambda d: _list(d)["responses"].pop("400"), None),
    ("response-non-success-status-added", "GET /widgets 429", Bump.MINOR,
     lambda d: _list(d)["responses"].update({"429": {"description": "slow down"}}), None),
    ("response-required-property-removed", "Widget.name", Bump.MAJOR,
     lambda d: (_widget(d)["properties"].pop("name"), _widget(d).update(required=["id"])), None),
    ("response-optional-property-removed", "Widget.weight", Bump.MAJOR,
     lambda d: _widget(d)["properties"].pop("weight"), None),
    ("response-required-property-added", "Widget.code", Bump.MINOR,
     lambda d: (_widget(d)["properties"].update(code={"type": "string"}),
                _widget(d)["required"].append("code")), None),
    ("response-optional-property-added", "Widget.code", Bump.MINOR,
     lambda d: _widget(d)["properties"].update(code={"type": "string"}), None),
    ("response-property-became-optional", "Widget.name", Bump.MAJOR,
     lambda d: _widget(d).update(required=["id"]), None),
    ("response-property-became-required", "Widget.weight", Bump.MINOR,
     lambda d: _widget(d)["required"].append("weight"), None),
    ("response-property-became-nullable", "Widget.weight", Bump.MAJOR,
     lambda d: _widget(d)["properties"]["weight"].update(type=["integer", "null"]), None),
    ("response-property-type-changed", "Widget.weight", Bump.MAJOR,
     lambda d: _widget(d)["properties"]["weight"].update(type="string"), None),
    ("response-property-type-specialized", "Widget.size", Bump.MINOR,
     lambda d: _widget(d)["properties"]["size"].update(type="integer"), None),
    ("response-property-enum-value-added", "Widget.shade", Bump.MAJOR,
     lambda d: _widget(d)["properties"]["shade"].update(enum=["light", "dark", "clear"]), None),
    ("response-property-enum-value-removed", "Widget.shade", Bump.MINOR,
     lambda d: _widget(d)["properties"]["shade"].update(enum=["light"]), None),
    # security
    ("api-security-added", "GET /widgets security oauth", Bump.MINOR,
     lambda d: _list(d).update(security=[{"key": []}, {"oauth": []}]), None),
    ("api-security-removed", "GET /widgets security key", Bump.MAJOR,
     lambda d: _list(d).update(security=[{"oauth": []}]), None),
    ("api-security-required", "GET /widgets security key", Bump.MAJOR,
     lambda d: _list(d).pop("security"), lambda d: _list(d).update(security=[])),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "subject", "bump", "edit_new", "edit_old"), CASES, ids=[case[0] for case in CASES]
)
def test_each_rule_classes_its_change(
    rule: str, subject: str, bump: Bump, edit_new: Edit, edit_old: Edit | None
) -> None:
    old, new = copy.deepcopy(BASE), copy.deepcopy(BASE)
    if edit_old is not None:
        edit_old(old)
        edit_old(new)
    edit_new(new)
    found = {(c.rule, c.subject): c for c in diff_specs(old, new)}
    assert (rule, subject) in found, sorted(found)
    assert found[(rule, subject)].bump is bump
    assert found[(rule, subject)].breaking is (bump is Bump.MAJOR)


def test_the_cases_cover_the_whole_catalogue_with_both_kinds_per_class() -> None:
    assert {case[0] for case in CASES} == set(RULES)
    classes = {
        "operation": ("endpoint", "api-removed", "api-operation"),
        "parameter": ("request-parameter", "new-required-request-param",
                      "new-optional-request-param"),
        "request body": ("request-body", "request-property", "new-required-request-prop",
                         "new-optional-request-prop"),
        "response field": ("response-required", "response-optional", "response-property"),
        "enum": ("enum-value",),
        "status": ("status",),
        "security": ("api-security",),
    }  # fmt: skip
    for name, prefixes in classes.items():
        bumps = {bump for rule, _, bump, _, _ in CASES if any(p in rule for p in prefixes)}
        assert bumps == {Bump.MAJOR, Bump.MINOR}, name


def test_an_unchanged_document_has_no_change() -> None:
    assert diff_specs(BASE, copy.deepcopy(BASE)) == []


def test_a_schema_reached_by_several_operations_is_one_change_listing_them() -> None:
    new = copy.deepcopy(BASE)
    _widget(new)["properties"].pop("weight")
    (change,) = diff_specs(BASE, new)
    assert change.subject == "Widget.weight"
    assert change.operations == ("createWidget", "listWidgets")
    assert change.action == "stop reading the field"


def test_a_recursive_schema_is_walked_once() -> None:
    old = copy.deepcopy(BASE)
    _widget(old)["properties"]["parent"] = {"$ref": "#/components/schemas/Widget"}
    new = copy.deepcopy(old)
    _widget(new)["properties"].pop("weight")
    assert [c.subject for c in diff_specs(old, new)] == ["Widget.weight"]


def test_a_new_vendor_spec_is_all_additions() -> None:
    changes = diff_specs({}, BASE)
    assert {c.rule for c in changes} == {"endpoint-added"}
    assert len(changes) == 3
