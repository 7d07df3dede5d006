"""Invoiced as a dialect: bare JSON bodies, errors as `{type, message, param}`, the API key by
HTTP Basic (key as username) or Bearer, `page`/`per_page` paging with `Link` and
`X-Total-Count` (the engine's `link_paging`), and the customer, contact, balance and statement
rules in `chargeover_emulator/invoiced/`. Choices where Invoiced is unconfirmed:
spec/invoiced/NOTES.md."""

from __future__ import annotations

import base64
import binascii
import hmac
import importlib.resources
import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from chargeover_emulator.config import Settings
from chargeover_emulator.context import RequestContext
from chargeover_emulator.dialect import KindHandler, KindHost, Service, Workbench
from chargeover_emulator.errors import ApiError, ConfigError, NotFound, Unauthorized
from chargeover_emulator.exchange import ApiResult
from chargeover_emulator.invoiced.customers import CustomerService
from chargeover_emulator.invoiced.objects import ObjectService, Paging, Shape, invalid
from chargeover_emulator.invoiced.seeding import seed
from chargeover_emulator.invoiced.statements import StatementSends
from chargeover_emulator.protocol.numbers import decimal_integer, decimal_number
from chargeover_emulator.specdoc import Operation, SpecDocument
from chargeover_emulator.storage.database import Database
from chargeover_emulator.validation import Leniency, LeniencyProbe, keep_value

__all__ = ["DEFAULT_API_KEY", "InvoicedDialect", "KeyAuthenticator"]

#: the key a default emulator accepts (`INVOICED_EMULATOR_API_KEY` or `--api-key` change it)
DEFAULT_API_KEY = "invoiced-emulator-key"
_REPO_SPEC = Path(__file__).resolve().parents[2] / "spec" / "invoiced" / "openapi.yaml"
#: the error `type` per status (fact sheet §3: the docs' `invalid_request`, the stubs' others)
_TYPES = {
    401: "authentication_error",
    403: "invalid_request",
    429: "rate_limit_error",
    500: "server_error",
}
#: server-set values of a new object where the read schema cannot be null (fact sheet §6)
_DEFAULTS: dict[str, dict[str, Any]] = {
    "customer": {
        "autopay": False,
        "chase": True,
        "credit_hold": False,
        "taxable": True,
        "type": "company",
        "taxes": [],
        "metadata": {},
    },
    "contact": {"primary": False},
}

_FLAG_SPELLINGS = {"1": "true", "0": "false"}

_BOOLEAN_TEXT = {"true": True, "1": True, "false": False, "0": False}


def _typed_text(raw: Any, detail: Any) -> Any:
    """Text read as the type the schema declares (a form body carries nothing but text):
    `true`/`1`/`false`/`0` for booleans, decimals for integers and numbers; None: unreadable."""
    if not isinstance(raw, str):
        return None
    types = set(getattr(detail, "types", ()) or ())
    text = raw.strip()
    if "boolean" in types and text.lower() in _BOOLEAN_TEXT:
        return _BOOLEAN_TEXT[text.lower()]
    whole = decimal_integer(text)
    if "integer" in types and isinstance(whole, int):
        return whole
    if "number" in types:
        return decimal_number(text)
    return None


LENIENCIES = (
    Leniency(
        name="a-missing-body-is-an-empty-one",
        component="body",
        rules=frozenset({"required"}),
        evidence=(
            "UNCONFIRMED: no source shows Invoiced refusing a write without a body; the docs"
            " declare no minimum for a PATCH, and the SDKs' save() sends only changed fields"
            " (spec/invoiced/NOTES.md, 'Missing required body')"
        ),
        # no probe: the harness's Invoiced examples name no existing object, a PATCH needs one
    ),
    Leniency(
        name="form-encoded-bodies",
        component="body",
        rules=frozenset({"mediaType"}),
        evidence=(
            "fact sheet §2: request bodies may be form-encoded or JSON [DOC API:intro]; the "
            "docs' curl examples are form-encoded with bracket nesting (`-d to[0][phone]=...`)"
        ),
        # no probe: a LeniencyProbe's body is JSON text (the harness sends it as JSON)
    ),
    Leniency(
        name="text-values-are-read-as-their-type",
        component="body",
        rules=frozenset({"type"}),
        accepts=lambda raw, detail: _typed_text(raw, detail) is not None,
        fix=_typed_text,
        evidence=(
            "fact sheet §2: form-encoded bodies (the docs' curl examples) carry only text, "
            "e.g. `-d autopay=true`, `-d start=1570000000`; the API reads them as typed values"
        ),
        probe=LeniencyProbe(
            "POST", "/customers", 201, writes=True, body='{"name": "Probe", "autopay": "true"}'
        ),
    ),
    Leniency(
        name="unknown-fields-are-ignored",
        component="body",
        rules=frozenset({"additionalProperties"}),
        fix=lambda obj, detail: {
            key: value for key, value in obj.items() if key not in set(detail.unexpected)
        },
        evidence=(
            "fact sheet §6.2: the Go 2019 mock's requests send `collection_mode`, the Java and "
            "Go SDKs `bill_to_parent`, neither in the documented request tables (400 or "
            "ignored is UNCONFIRMED; the emulator ignores them)"
        ),
        probe=LeniencyProbe(
            "POST",
            "/customers",
            201,
            writes=True,
            body='{"name": "Probe", "bill_to_parent": false}',
        ),
    ),
    Leniency(
        name="boolean-flags-as-1-and-0",
        component="query",
        rules=frozenset({"type"}),
        parameters=frozenset({"payment_source", "open_balance"}),
        accepts=lambda raw, _detail: isinstance(raw, str) and raw.strip() in _FLAG_SPELLINGS,
        repair=lambda query, name: query.update({name: _FLAG_SPELLINGS[query[name].strip()]}),
        evidence=(
            "fact sheet §7: the Go SDK sends `payment_source=1`, the docs' own filter example "
            "`filter[paid]=0` (which spellings the server reads is UNCONFIRMED)"
        ),
        probe=LeniencyProbe("GET", "/customers", 200, query="payment_source=1"),
    ),
    Leniency(
        name="per-page-above-maximum-is-clamped",
        component="query",
        rules=frozenset({"maximum"}),
        parameters=frozenset({"per_page"}),
        repair=keep_value,  # page_window clamps it to the served maximum
        evidence="fact sheet §7: the maximum per_page is UNCONFIRMED; clamping serves a page",
        probe=LeniencyProbe("GET", "/customers", 200, query="per_page=101"),
    ),
)


class MethodNotAllowed(ApiError):
    """A documented path asked with a method it does not document."""

    status_code = 405

    def __init__(self, message: str, allowed: Sequence[str]) -> None:
        super().__init__(message, headers={"Allow": ", ".join(allowed)})


class KeyAuthenticator:
    """One API key, as the Basic username (the password is not read) or as a Bearer token."""

    def __init__(self, key: str) -> None:
        self._key = key.encode()

    def authenticate(self, header: str | None, url: str, body: bytes) -> str:
        scheme, _, value = (header or "").strip().partition(" ")
        presented = b""
        if scheme.lower() == "basic":
            try:
                presented = base64.b64decode(value.strip(), validate=True).partition(b":")[0]
            except (binascii.Error, ValueError):
                presented = b""
        elif scheme.lower() == "bearer":
            presented = value.strip().encode()
        if not presented or not hmac.compare_digest(presented, self._key):
            raise Unauthorized("Incorrect or missing API key", challenge='Basic realm="Invoiced"')
        return presented.decode(errors="replace")


class InvoicedDialect:
    """Invoiced's choices; it keeps the services it built for its own operation kinds."""

    name = "invoiced"
    api_prefix = ""
    leniencies: tuple[Leniency, ...] = LENIENCIES
    grammar_parameters: frozenset[str] = frozenset()

    def __init__(self) -> None:
        self._customers: CustomerService | None = None
        self._statements: StatementSends | None = None
        #: each documented path as a pattern, with its methods (the 405's `Allow`)
        self._paths: list[tuple[re.Pattern[str], set[str]]] = []

    def spec_path(self, explicit: Path | None) -> Path:
        if explicit is not None:
            return explicit
        packaged = (
            importlib.resources.files("chargeover_emulator") / "_spec" / "invoiced.openapi.yaml"
        )
        return Path(str(packaged)) if packaged.is_file() else _REPO_SPEC

    def services(self, spec: SpecDocument, settings: Settings) -> Mapping[str, Service]:
        missing = {"customer", "contact"} - set(spec.resources)
        if missing:
            raise ConfigError(f"the spec has no x-kit-resource for {', '.join(sorted(missing))}")
        customers = CustomerService(
            spec.resources["customer"], _shape(spec, "customer"), _paging(spec, settings)
        )
        contacts = ObjectService(
            spec.resources["contact"], _shape(spec, "contact"), _paging(spec, settings)
        )
        customers.children = contacts
        self._customers = customers
        self._paths = _documented_paths(spec)
        self._statements = StatementSends(customers, contacts)
        return {"customer": customers, "contact": contacts}

    def install(self, conn: sqlite3.Connection) -> None:
        for statement in self.statements.ddl():
            conn.execute(statement)

    def authenticator(self, settings: Settings) -> KeyAuthenticator:
        return KeyAuthenticator(settings.api_key or DEFAULT_API_KEY)

    def before_request(self, ctx: RequestContext, services: Mapping[str, Service]) -> None:
        """Nothing is due."""

    def reset(self) -> None:
        """No per-run state beyond the database."""

    def rewrite(
        self, method: str, segments: Sequence[str], query: Mapping[str, Any]
    ) -> list[str] | None:
        return None

    def no_route(
        self, method: str, path: str, segments: Sequence[str], resources: set[str]
    ) -> ApiError:
        """405 with `Allow` on a documented path, else 404 (NOTES.md)."""
        shown = "/" + "/".join(segments)
        allowed = sorted(
            {verb for pattern, verbs in self._paths for verb in verbs if pattern.fullmatch(shown)}
        )
        if allowed:
            return MethodNotAllowed(f"Method not allowed: {method} {path}", allowed)
        return NotFound(f"Unknown endpoint: {method} {path or '/'}")

    def handlers(self, host: KindHost, database: Database) -> Mapping[str, KindHandler]:
        def custom(ctx: RequestContext, operation: Operation, call: Any) -> ApiResult:
            """The balance and the three statement sends of one customer."""
            customers, sends = self._customers, self.statements
            assert customers is not None
            key = customers.resolve(ctx, call.params[customers.spec.path_param or "id"])
            if operation.name == "balance":
                answer = customers.balance(ctx, key, call.query.get("currency"))
                return ApiResult(operation.status, answer)
            body = host.validate_body(operation, call, host.json_body(operation, call, dict))
            send = {
                "send_statement_email": sends.email,
                "send_statement_text": sends.text,
                "send_statement_letter": sends.letter,
            }.get(operation.name or "")
            if send is None:
                raise ConfigError(f"{operation.operation_id}: no custom operation {operation.name}")
            return ApiResult(operation.status, send(ctx, key, body))

        return {"custom": custom}

    def no_data(self) -> ApiError | None:
        """An empty body is no error of its own: a create lacks `name`, a PATCH changes nothing."""
        return None

    def body_type_error(self, expected: str) -> ApiError:
        return invalid(f"The request body must be {expected}")

    def seed(self, emulator: Workbench, number: int, count: int, *, progress: bool) -> None:
        seed(emulator, number, count, progress=progress)

    def written(self, kind: str, key: Any, read: Callable[[], Any]) -> Any:
        """Creates and updates answer with the whole object."""
        return read()

    def success(self, result: ApiResult) -> Any:
        return result.response

    def failure(self, error: ApiError) -> Any:
        """`{type, message, param}`; `param` only when one parameter is responsible."""
        message, param = error.message, error.details.get("param")
        if param is None and "component" in error.details:
            param, message = _violated(error.details, message)
        body = {"type": _TYPES.get(error.status_code, "invalid_request"), "message": message}
        if param:
            body["param"] = param
        return body

    @property
    def statements(self) -> StatementSends:
        """The statement send log (built with the services)."""
        if self._statements is None:
            raise ConfigError("the Invoiced services are not built yet")
        return self._statements


def _violated(details: Mapping[str, Any], message: str) -> tuple[str | None, str]:
    """The parameter a spec violation names, in Invoiced's bracket form (`to[0][phone]`), and
    the message; a missing required field reads like the docs' "Name missing". The validator
    reports a missing or unexpected key on the object holding it, so its name is taken from
    the message (`"name" is a required property`, `('x' was unexpected)`)."""
    parts = [part for part in str(details.get("pointer", "")).split("/") if part]
    rule = details.get("rule")
    named = _NAMED.get(str(rule))
    found = named.search(message) if named is not None else None
    if found is not None:
        parts.append(found.group(1))
        if rule == "required":
            message = f"{found.group(1).capitalize()} missing"
    if not parts:
        return None, message
    return parts[0] + "".join(f"[{part}]" for part in parts[1:]), message


_NAMED = {
    "required": re.compile(r'"([^"]*)" is a required property'),
    "additionalProperties": re.compile(r"\('([^']*)' (?:was|were) unexpected"),
}


def _documented_paths(spec: SpecDocument) -> list[tuple[re.Pattern[str], set[str]]]:
    """Each documented path as a pattern (a `{parameter}` is one segment), with its methods."""
    paths: dict[str, set[str]] = {}
    for operation in spec.operations.values():
        paths.setdefault(operation.path, set()).add(operation.method)
    return [
        (
            re.compile(
                "/".join(
                    "[^/]+" if part.startswith("{") else re.escape(part) for part in path.split("/")
                )
            ),
            verbs,
        )
        for path, verbs in paths.items()
    ]


def _shape(spec: SpecDocument, resource: str) -> Shape:
    """Sortable, unique and required fields, the list path and the defaults from the spec."""
    res = spec.resources[resource]
    block = spec.schemas[res.schema_name]["x-kit-resource"]
    create = res.operations.get("create")
    required: tuple[str, ...] = ()
    if create is not None:
        body = spec.resolve(spec.document["paths"][create.path][create.method.lower()])
        media = spec.resolve(body.get("requestBody", {})).get("content", {})
        schema = spec.resolve(media.get("application/json", {}).get("schema", {}))
        required = tuple(schema.get("required", ()))
    listing = res.operations.get("list")
    return Shape(
        list_path=listing.path if listing is not None else "",
        list_parameters=frozenset(
            str(parameter.get("name"))
            for parameter in (listing.parameters if listing is not None else ())
            if parameter.get("in") == "query"
        ),
        sortable=frozenset(block.get("sortable", ())),
        unique=tuple(block.get("unique", ())),
        required=required,
        defaults=_DEFAULTS.get(resource, {}),
    )


def _paging(spec: SpecDocument, settings: Settings) -> Paging:
    """The `per_page` default and maximum: the settings, else the spec's `PerPage` schema."""
    declared: dict[str, Any] = {}
    for operation in spec.operations.values():
        for parameter in operation.parameters:
            if parameter.get("name") == "per_page" and parameter.get("in") == "query":
                declared = spec.resolve(parameter.get("schema", {}))
    maximum = settings.per_page_max or int(declared.get("maximum", 100))
    default = settings.per_page_default or int(declared.get("default", maximum))
    return Paging(default=min(default, maximum), maximum=maximum)
