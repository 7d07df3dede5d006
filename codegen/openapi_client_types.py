"""openapi-python-client (pinned 0.29.1) with the kit's spec-driven property types.

    python codegen/openapi_client_types.py generate ...   # same arguments as openapi-python-client

codegen/generate.py runs the generator through this module. openapi-python-client has no type
mapping option, so these schema shapes of the specs would otherwise reach users with the wrong type:

- `x-kit-decode: integer` on a schema (ChargeOver's `LegacyInteger`: `anyOf: [integer, numeric
  string]`, the tolerant reader's wire shape) becomes `int`, not `int | str`. The generated
  `from_dict` turns a legacy numeric string into its integer (`types.decode_integer`, from
  `templates/types.py.jinja`), so the tolerance stays and the union never reaches the user.
- `type: number, format: decimal` (money and the quantities multiplied by it) becomes
  `decimal.Decimal`, not `float`: decoded with `types.decode_decimal` from the JSON text's own
  digits (the endpoints parse bodies with `types.decode_json`, floats as Decimal) and encoded as
  the same digits (`types.encode_json`).

Each is a small property class registered in front of the generator's own `property_from_data`;
every other schema is left to the generator. Templates: `templates/property_templates/
integer_decode_property.py.jinja` and `decimal_property.py.jinja`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from attr import define
from openapi_python_client import schema as oai
from openapi_python_client.parser import bodies, openapi, properties, responses
from openapi_python_client.parser.properties.float import FloatProperty
from openapi_python_client.parser.properties.int import IntProperty
from openapi_python_client.parser.properties.protocol import Value
from openapi_python_client.parser.properties.schemas import Schemas
from openapi_python_client.strings import PythonCode, PythonIdentifier

DECODE_EXTENSION = "x-kit-decode"
DECIMAL_FORMAT = "decimal"


@define
class IntegerDecodeProperty(IntProperty):
    """An integer id whose wire form may also be a numeric string: typed `int`, decoded by int()."""

    template: ClassVar[str] = "integer_decode_property.py.jinja"

    def get_imports(self, *, prefix: str) -> set[str]:
        return super().get_imports(prefix=prefix) | {f"from {prefix}types import decode_integer"}


@define
class DecimalProperty(FloatProperty):
    """An exact decimal number (`format: decimal`): Decimal in Python, a JSON number on the wire."""

    _type_string: ClassVar[str] = "Decimal"
    _json_type_string: ClassVar[str] = "Decimal"
    template: ClassVar[str] = "decimal_property.py.jinja"

    @classmethod
    def convert_value(cls, value: Any) -> Value | None:
        # a default is written as Decimal("...") from the spec's text, never through float
        if value is None or isinstance(value, Value):
            return value
        return Value(python_code=PythonCode(f'Decimal("{value}")'), raw_value=value)

    def get_imports(self, *, prefix: str) -> set[str]:
        return super().get_imports(prefix=prefix) | {
            "from decimal import Decimal",
            f"from {prefix}types import decode_decimal",
        }


_generator_property_from_data = properties.property_from_data


def property_from_data(
    name: oai.UntrustedString,
    required: bool,
    data: oai.Reference | oai.Schema,
    schemas: Schemas,
    parent_name: str,
    config: Any,
    process_properties: bool = True,
    roots: Any = None,
) -> tuple[Any, Schemas]:
    """The generator's own, except for the kit's shapes above."""
    if isinstance(data, oai.Schema):
        kind: type[IntProperty] | type[FloatProperty] | None = None
        if (data.model_extra or {}).get(DECODE_EXTENSION) == "integer":
            kind = IntegerDecodeProperty
        elif data.type == oai.DataType.NUMBER and data.schema_format == DECIMAL_FORMAT:
            kind = DecimalProperty
        if kind is not None:
            built = kind.build(
                name=name,
                required=required,
                default=data.default,
                python_name=PythonIdentifier(value=name, prefix=config.field_prefix),
                description=data.description,
                example=data.example,
            )
            return built, schemas
    return _generator_property_from_data(
        name=name,
        required=required,
        data=data,
        schemas=schemas,
        parent_name=parent_name,
        config=config,
        process_properties=process_properties,
        roots=roots,
    )


# the generator's modules that bound the name at import; the rest look it up in `properties`
for _module in (properties, bodies, openapi, responses):
    _module.property_from_data = property_from_data  # type: ignore[attr-defined]

if __name__ == "__main__":
    from openapi_python_client.cli import app

    app()
