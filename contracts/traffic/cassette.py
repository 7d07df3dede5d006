"""Recorded HTTP traffic: one `Interaction` per request and answer, read from and written to the
formats teams already have, through the libraries that own them.

- VCR cassettes, vcrpy's layout (`interactions`, `version: 1`): read and written by vcrpy's own
  serializer (`vcr.serialize`), YAML or JSON.
- VCR cassettes, Ruby VCR's layout (`http_interactions`, `request.uri`, `response.status.code`,
  `response.body.string` or `base64_string`, headers as lists): lifted into vcrpy's layout and
  read by the same vcrpy deserializer, so one reader judges both.
- HAR 1.2 files (browsers, proxies, schemathesis): read entry by entry with haralyzer's
  `HarEntry`, written with harfile (schemathesis' own HAR writer).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import harfile
import yaml
from haralyzer import HarEntry  # type: ignore[import-untyped]
from vcr import serialize as vcr_serialize  # type: ignore[import-untyped]
from vcr.request import Request as VcrRequest  # type: ignore[import-untyped]
from vcr.serializers import jsonserializer, yamlserializer  # type: ignore[import-untyped]

__all__ = ["CassetteError", "Interaction", "read_cassette", "write_har", "write_vcr"]

Headers = tuple[tuple[str, str], ...]


class CassetteError(ValueError):
    """A file is no cassette this module reads."""


@dataclasses.dataclass(frozen=True)
class Interaction:
    """One recorded request and the answer it got; headers keep their order and repeats."""

    method: str
    url: str
    request_headers: Headers
    request_body: bytes
    status: int
    response_headers: Headers
    response_body: bytes
    #: where it was read from (`cassette.yaml#3`), for reports
    source: str = ""
    reason: str = ""

    @property
    def path(self) -> str:
        """The URL's path, still percent-encoded."""
        return urlsplit(self.url).path

    @property
    def query(self) -> dict[str, Any]:
        """Query parameters: one value as text, a repeated one as a list."""
        found: dict[str, Any] = {}
        for name, value in parse_qsl(urlsplit(self.url).query, keep_blank_values=True):
            if name in found:
                previous = found[name]
                found[name] = (
                    [*previous, value] if isinstance(previous, list) else [previous, value]
                )
            else:
                found[name] = value
        return found

    def request_header(self, name: str) -> str | None:
        """The first request header of this name (case-insensitive)."""
        return _header(self.request_headers, name)

    def response_header(self, name: str) -> str | None:
        """The first response header of this name (case-insensitive)."""
        return _header(self.response_headers, name)

    def request_json(self) -> Any:
        """The request body as JSON; None when there is none, `NOT_JSON` when it is not JSON."""
        return _json(self.request_body)

    def response_json(self) -> Any:
        """The response body as JSON; None when there is none, `NOT_JSON` when it is not JSON."""
        return _json(self.response_body)


class _NotJson:
    def __repr__(self) -> str:
        return "NOT_JSON"


NOT_JSON: Any = _NotJson()


def _json(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except ValueError:
        return NOT_JSON


def _header(headers: Headers, name: str) -> str | None:
    lowered = name.lower()
    return next((value for key, value in headers if key.lower() == lowered), None)


# ---------------------------------------------------------------------------------------------
# reading


def read_cassette(path: Path) -> list[Interaction]:
    """Every interaction of a VCR cassette (either layout, YAML or JSON) or HAR file, in order."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CassetteError(f"{path}: cannot read: {exc}") from exc
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise CassetteError(f"{path}: neither JSON nor YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise CassetteError(f"{path}: not a cassette (a mapping at the top is expected)")
    if isinstance(data.get("log"), dict) and "entries" in data["log"]:
        return _from_har(path, data)
    if "http_interactions" in data:
        return _from_vcrpy(path, text, _RubyLayout)
    if "interactions" in data:
        serializer = jsonserializer if text.lstrip().startswith("{") else yamlserializer
        return _from_vcrpy(path, text, serializer)
    raise CassetteError(
        f"{path}: no `interactions` (vcrpy), `http_interactions` (Ruby VCR) or `log.entries` (HAR)"
    )


class _RubyLayout:
    """A vcrpy serializer for Ruby VCR's layout: the same data, a few names apart."""

    @staticmethod
    def deserialize(text: str) -> dict[str, Any]:
        data = yaml.safe_load(text)
        return {
            "version": 1,
            "interactions": [_ruby_interaction(item) for item in data["http_interactions"] or []],
        }


def _ruby_interaction(item: Mapping[str, Any]) -> dict[str, Any]:
    request, response = item["request"], item["response"]
    return {
        "request": {
            "method": str(request["method"]).upper(),
            "uri": request["uri"],
            "body": _ruby_body(request.get("body")).decode("utf-8", "replace"),
            "headers": _ruby_headers(request.get("headers")),
        },
        "response": {
            "status": {
                "code": int(response["status"]["code"]),
                "message": response["status"].get("message") or "",
            },
            "headers": _ruby_headers(response.get("headers")),
            "body": {"string": _ruby_body(response.get("body"))},
        },
    }


def _ruby_body(body: Any) -> bytes:
    """`{encoding, string}` or `{encoding, base64_string}` (binary or non-UTF-8 bodies)."""
    if not isinstance(body, Mapping):
        return b""
    if body.get("base64_string") is not None:
        return base64.b64decode(body["base64_string"])
    text = body.get("string")
    return str(text).encode("utf-8") if text is not None else b""


def _ruby_headers(headers: Any) -> dict[str, list[str]]:
    if not isinstance(headers, Mapping):
        return {}
    return {
        str(name): [str(v) for v in (value if isinstance(value, list) else [value])]
        for name, value in headers.items()
    }


def _from_vcrpy(path: Path, text: str, serializer: Any) -> list[Interaction]:
    try:
        loaded = vcr_serialize.deserialize(text, serializer)
    except (KeyError, TypeError, ValueError) as exc:
        raise CassetteError(f"{path}: not a VCR cassette: {exc}") from exc
    requests, responses = loaded[0], loaded[1]
    found = []
    for number, (request, response) in enumerate(zip(requests, responses, strict=True), 1):
        body = request.body
        found.append(
            Interaction(
                method=str(request.method).upper(),
                url=str(request.uri),
                request_headers=_flat(request.headers),
                request_body=body if isinstance(body, bytes) else str(body or "").encode(),
                status=int(response["status"]["code"]),
                reason=str(response["status"].get("message") or ""),
                response_headers=_flat(response.get("headers") or {}),
                response_body=_bytes(response.get("body", {}).get("string")),
                source=f"{path.name}#{number}",
            )
        )
    return found


def _flat(headers: Mapping[str, Any]) -> Headers:
    pairs: list[tuple[str, str]] = []
    for name, value in headers.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((str(name), str(item)))
    return tuple(pairs)


def _bytes(value: Any) -> bytes:
    if value is None:
        return b""
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _from_har(path: Path, data: Mapping[str, Any]) -> list[Interaction]:
    found = []
    for number, raw in enumerate(data["log"]["entries"], 1):
        try:
            entry = HarEntry(raw)
            request, response = entry.request, entry.response
            content = response.raw_entry.get("content") or {}
            text = content.get("text") or ""
            body = base64.b64decode(text) if content.get("encoding") == "base64" else text.encode()
            found.append(
                Interaction(
                    method=str(request.method).upper(),
                    url=str(request.url),
                    request_headers=_records(request.headers),
                    request_body=(request.text or "").encode("utf-8"),
                    status=int(response.status),
                    reason=str(response.raw_entry.get("statusText") or ""),
                    response_headers=_records(response.headers),
                    response_body=body,
                    source=f"{path.name}#{number}",
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CassetteError(f"{path}: HAR entry {number} is incomplete: {exc}") from exc
    return found


def _records(headers: Iterable[Mapping[str, Any]]) -> Headers:
    return tuple((str(item["name"]), str(item["value"])) for item in headers)


# ---------------------------------------------------------------------------------------------
# writing


def write_vcr(path: Path, interactions: Sequence[Interaction]) -> None:
    """A vcrpy cassette (YAML, or JSON for a `.json` path), written by vcrpy's serializer."""
    requests = [
        VcrRequest(item.method, item.url, item.request_body or None, _grouped(item.request_headers))
        for item in interactions
    ]
    responses = [
        {
            "status": {"code": item.status, "message": item.reason},
            "headers": _grouped(item.response_headers),
            "body": {"string": item.response_body},
        }
        for item in interactions
    ]
    serializer = jsonserializer if path.suffix == ".json" else yamlserializer
    text = vcr_serialize.serialize({"requests": requests, "responses": responses}, serializer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _grouped(headers: Headers) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in headers:
        grouped.setdefault(name, []).append(value)
    return grouped


def write_har(path: Path, interactions: Sequence[Interaction]) -> None:
    """A HAR 1.2 file, written by harfile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now(datetime.UTC)
    with harfile.open(path, creator=harfile.Creator(name="contract-kit", version="1")) as har:
        for item in interactions:
            split = urlsplit(item.url)
            media = item.request_header("content-type") or "application/octet-stream"
            har.add_entry(
                startedDateTime=started,
                time=0,
                request=harfile.Request(
                    method=item.method,
                    url=item.url,
                    httpVersion="HTTP/1.1",
                    headers=[harfile.Record(n, v) for n, v in item.request_headers],
                    queryString=[
                        harfile.Record(n, v)
                        for n, v in parse_qsl(split.query, keep_blank_values=True)
                    ],
                    postData=harfile.PostData(mimeType=media, text=item.request_body.decode())
                    if item.request_body
                    else None,
                ),
                response=harfile.Response(
                    status=item.status,
                    statusText=item.reason,
                    httpVersion="HTTP/1.1",
                    headers=[harfile.Record(n, v) for n, v in item.response_headers],
                    content=_har_content(item),
                ),
                timings=harfile.Timings(send=0, wait=0, receive=0),
            )


def _har_content(item: Interaction) -> harfile.Content:
    media = item.response_header("content-type") or ""
    try:
        text = item.response_body.decode("utf-8")
    except UnicodeDecodeError:
        return harfile.Content(
            size=len(item.response_body),
            mimeType=media,
            text=base64.b64encode(item.response_body).decode(),
            encoding="base64",
        )
    return harfile.Content(size=len(item.response_body), mimeType=media, text=text)
