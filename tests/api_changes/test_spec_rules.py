"""Every spec change rule, shown on a small document: each class has a breaking and a
non-breaking example, and the table covers the whole catalogue."""

from __future__ import annotations

import copy

import pytest

from contract_kit.api_changes.change import Bump
from contract_kit.api_changes.spec_rules import RULES, diff_specs
from tests.api_changes.widgets_spec import (
    BASE,
    Doc,
    Edit,
    create_schema,
    list_operation,
    page,
    widget,
)


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
     lambda d: list_operation(d).update(operationId="listAllWidgets"), None),
    ("endpoint-deprecated", "POST /widgets", Bump.MINOR, _deprecate_create, None),
    # parameters
    ("new-required-request-parameter", "GET /widgets query parameter q", Bump.MAJOR,
     lambda d: list_operation(d)["parameters"].append(
         {"name": "q", "in": "query", "required": True}), None),
    ("new-optional-request-parameter", "GET /widgets query parameter q", Bump.MINOR,
     lambda d: list_operation(d)["parameters"].append({"name": "q", "in": "query"}), None),
    ("request-parameter-removed", "GET /widgets query parameter page", Bump.MAJOR,
     lambda d: list_operation(d)["parameters"].pop(0), None),
    ("request-parameter-became-required", "GET /widgets query parameter page", Bump.MAJOR,
     lambda d: page(d).update(required=True), None),
    ("request-parameter-became-optional", "GET /widgets query parameter page", Bump.MINOR,
     lambda d: page(d).pop("required"), lambda d: page(d).update(required=True)),
    ("request-parameter-type-changed", "GET /widgets query parameter page", Bump.MAJOR,
     lambda d: page(d)["schema"].update(type="string"), None),
    ("request-parameter-type-generalized", "GET /widgets query parameter page", Bump.MINOR,
     lambda d: page(d)["schema"].update(type=["integer", "string"]), None),
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
     lambda d: (create_schema(d)["properties"].update(code={"type": "string"}),
                create_schema(d)["required"].append("code")), None),
    ("new-optional-request-property", "WidgetCreate.code", Bump.MINOR,
     lambda d: create_schema(d)["properties"].update(code={"type": "string"}), None),
    ("request-property-removed", "WidgetCreate.note", Bump.MAJOR,
     lambda d: create_schema(d)["properties"].pop("note"), None),
    ("request-property-became-required", "WidgetCreate.size", Bump.MAJOR,
     lambda d: create_schema(d)["required"].append("size"), None),
    ("request-property-became-optional", "WidgetCreate.name", Bump.MINOR,
     lambda d: create_schema(d).update(required=[]), None),
    ("request-property-type-changed", "WidgetCreate.size", Bump.MAJOR,
     lambda d: create_schema(d)["properties"]["size"].update(type="string"), None),
    ("request-property-type-generalized", "WidgetCreate.size", Bump.MINOR,
     lambda d: create_schema(d)["properties"]["size"].update(type=["integer", "null"]), None),
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
     lambda d: list_operation(d)["responses"].pop("400"), None),
    ("response-non-success-status-added", "GET /widgets 429", Bump.MINOR,
     lambda d: list_operation(d)["responses"].update({"429": {"description": "slow down"}}), None),
    ("response-required-property-removed", "Widget.name", Bump.MAJOR,
     lambda d: (widget(d)["properties"].pop("name"), widget(d).update(required=["id"])), None),
    ("response-optional-property-removed", "Widget.weight", Bump.MAJOR,
     lambda d: widget(d)["properties"].pop("weight"), None),
    ("response-required-property-added", "Widget.code", Bump.MINOR,
     lambda d: (widget(d)["properties"].update(code={"type": "string"}),
                widget(d)["required"].append("code")), None),
    ("response-optional-property-added", "Widget.code", Bump.MINOR,
     lambda d: widget(d)["properties"].update(code={"type": "string"}), None),
    ("response-property-became-optional", "Widget.name", Bump.MAJOR,
     lambda d: widget(d).update(required=["id"]), None),
    ("response-property-became-required", "Widget.weight", Bump.MINOR,
     lambda d: widget(d)["required"].append("weight"), None),
    ("response-property-became-nullable", "Widget.weight", Bump.MAJOR,
     lambda d: widget(d)["properties"]["weight"].update(type=["integer", "null"]), None),
    ("response-property-type-changed", "Widget.weight", Bump.MAJOR,
     lambda d: widget(d)["properties"]["weight"].update(type="string"), None),
    ("response-property-type-specialized", "Widget.size", Bump.MINOR,
     lambda d: widget(d)["properties"]["size"].update(type="integer"), None),
    ("response-property-enum-value-added", "Widget.shade", Bump.MAJOR,
     lambda d: widget(d)["properties"]["shade"].update(enum=["light", "dark", "clear"]), None),
    ("response-property-enum-value-removed", "Widget.shade", Bump.MINOR,
     lambda d: widget(d)["properties"]["shade"].update(enum=["light"]), None),
    # security
    ("api-security-added", "GET /widgets security oauth", Bump.MINOR,
     lambda d: list_operation(d).update(security=[{"key": []}, {"oauth": []}]), None),
    ("api-security-removed", "GET /widgets security key", Bump.MAJOR,
     lambda d: list_operation(d).update(security=[{"oauth": []}]), None),
    ("api-security-required", "GET /widgets security key", Bump.MAJOR,
     lambda d: list_operation(d).pop("security"), lambda d: list_operation(d).update(security=[])),
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
    widget(new)["properties"].pop("weight")
    (change,) = diff_specs(BASE, new)
    assert change.subject == "Widget.weight"
    assert change.operations == ("createWidget", "listWidgets")
    assert change.action == "stop reading the field"


def test_a_recursive_schema_is_walked_once() -> None:
    old = copy.deepcopy(BASE)
    widget(old)["properties"]["parent"] = {"$ref": "#/components/schemas/Widget"}
    new = copy.deepcopy(old)
    widget(new)["properties"].pop("weight")
    assert [c.subject for c in diff_specs(old, new)] == ["Widget.weight"]


def test_a_new_vendor_spec_is_all_additions() -> None:
    changes = diff_specs({}, BASE)
    assert {c.rule for c in changes} == {"endpoint-added"}
    assert len(changes) == 3
