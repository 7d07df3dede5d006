"""A small OpenAPI 3.1 document, and helpers to edit it, for the spec rule tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Doc = dict[str, Any]


def json_content(schema: Doc) -> Doc:
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
                        "content": json_content(
                            {"type": "array", "items": {"$ref": "#/components/schemas/Widget"}}
                        ),
                    },
                    "400": {"description": "bad", "content": json_content({"type": "object"})},
                },
            },
            "post": {
                "operationId": "createWidget",
                "requestBody": {
                    "required": True,
                    "content": json_content({"$ref": "#/components/schemas/WidgetCreate"}),
                },
                "responses": {
                    "201": {
                        "description": "created",
                        "content": json_content({"$ref": "#/components/schemas/Widget"}),
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


def widget(doc: Doc) -> Doc:
    schema: Doc = doc["components"]["schemas"]["Widget"]
    return schema


def create_schema(doc: Doc) -> Doc:
    schema: Doc = doc["components"]["schemas"]["WidgetCreate"]
    return schema


def list_operation(doc: Doc) -> Doc:
    operation: Doc = doc["paths"]["/widgets"]["get"]
    return operation


def page(doc: Doc) -> Doc:
    parameter: Doc = list_operation(doc)["parameters"][0]
    return parameter
