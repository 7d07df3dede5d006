"""Which spec operation a recorded request is: the engine's own routes, for any vendor.

The vendor is a parameter: its emulator dialect says where its spec lives, where its API is
mounted (`api_prefix`) and which legacy URLs stand for which documented ones (`rewrite`,
ChargeOver's `POST /invoice/7?action=void`); the routes are the dispatcher's
(`operation_routes`), so a recording is matched exactly as the emulator would serve it.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Any

from chargeover_emulator.dialect import Dialect
from chargeover_emulator.dialects import load_dialect
from chargeover_emulator.dispatcher import operation_routes
from chargeover_emulator.errors import ApiError
from chargeover_emulator.protocol.query import decode_segment
from chargeover_emulator.routing import RouteTable, split_path
from chargeover_emulator.specdoc import Operation, SpecDocument
from contracts.traffic.cassette import Interaction

__all__ = ["Match", "VendorSpec"]


@dataclasses.dataclass(frozen=True)
class Match:
    """A recorded request's operation, its path parameters, and the URL form it came in."""

    operation: Operation
    params: dict[str, str]
    #: the operation whose URL the request used, when a legacy form stood for `operation`
    #: (ChargeOver's `customerLegacyAction` for `customerSetActive`); its query is judged by it
    legacy: Operation | None = None

    @property
    def label(self) -> str:
        """`invoiceVoid` or `invoiceVoid (via invoiceLegacyAction)`."""
        via = f" (via {self.legacy.operation_id})" if self.legacy is not None else ""
        return self.operation.operation_id + via


class VendorSpec:
    """A vendor's spec document, dialect and routes, loaded once."""

    def __init__(self, vendor: str, spec_path: Path | None = None) -> None:
        self.vendor = vendor
        self.dialect: Dialect = load_dialect(vendor)
        self.spec_path = self.dialect.spec_path(spec_path)
        self.document = SpecDocument.load(self.spec_path)
        self.routes: RouteTable[Operation] = operation_routes(self.document)

    @functools.cached_property
    def operation_objects(self) -> dict[str, dict[str, Any]]:
        """operationId -> the raw OpenAPI operation object (responses, headers)."""
        found: dict[str, dict[str, Any]] = {}
        for item in self.document.document.get("paths", {}).values():
            for operation in item.values():
                if isinstance(operation, dict) and "operationId" in operation:
                    found[str(operation["operationId"])] = operation
        return found

    def api_path(self, path: str) -> str | None:
        """The path below the API prefix (`/api/v3/customer/1` -> `/customer/1`), or None when
        the URL is not under it (traffic to another service); a base path before the prefix
        (a proxy's) is allowed."""
        prefix = self.dialect.api_prefix.rstrip("/")
        if not prefix:
            return path
        found = path.find(prefix + "/")
        if found < 0:
            return "/" if path.endswith(prefix) else None
        return path[found + len(prefix) :]

    def match(self, interaction: Interaction) -> Match | None:
        """The operation of a recorded request, or None when no documented route fits."""
        path = self.api_path(interaction.path)
        if path is None:
            return None
        method = interaction.method.upper()
        try:
            segments = [decode_segment(part) for part in split_path(path)]
        except ApiError:
            return None
        direct = self.routes.match(method, segments)
        rewritten = self.dialect.rewrite(method, segments, interaction.query)
        if rewritten is not None:
            found = self.routes.match(method, rewritten)
            if found is not None:
                legacy = direct.target if direct is not None else None
                return Match(found.target, found.params, legacy)
        if direct is None:
            return None
        return Match(direct.target, direct.params)

    def response_block(self, operation_id: str, status: int) -> dict[str, Any] | None:
        """The documented response for a status (exact, then `4XX`-style, then `default`)."""
        responses = self.operation_objects[operation_id].get("responses", {})
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in responses:
                return self.document.resolve(responses[key])
        return None

    def response_schema(self, operation_id: str, status: int) -> dict[str, Any] | None:
        """The JSON schema of the documented response body, if it declares one."""
        block = self.response_block(operation_id, status)
        if block is None:
            return None
        content = block.get("content") or {}
        media = content.get("application/json") or next(iter(content.values()), None)
        if not isinstance(media, dict) or "schema" not in media:
            return None
        schema: dict[str, Any] = media["schema"]
        return schema

    def documented_headers(self, operation_id: str, status: int) -> tuple[str, ...]:
        """Response headers the spec declares for this status (`Location`, `Link`, ...)."""
        block = self.response_block(operation_id, status) or {}
        return tuple(str(name) for name in block.get("headers") or {})

    def resource_keys(self) -> dict[str, str]:
        """Every resource's primary-key field, to its resource (`customer_id` -> `customer`)."""
        return {spec.primary_key: name for name, spec in self.document.resources.items()}
