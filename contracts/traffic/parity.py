"""Parity: does the emulator answer like the real API did?

The recorded requests are replayed, in order, against an emulator of the same vendor (one
started here on a fresh SQLite file, or `emulator_url`), and each answer is compared with the
recorded one:

- `parity_status`: the same status (bodies of different statuses are not compared);
- `parity_headers`: the headers that matter: `Content-Type`'s media type and every header the
  spec documents for that answer (`Location`, Invoiced's `Link` and `X-Total-Count`, ...), by
  presence, `Location` by its path with ids replaced, `Link` by its set of `rel`s;
- `parity_shape`: the body's shape: keys, JSON types and enum values (`shapes.compare`).

Ids differ between the account and the emulator: every id the emulator hands out (a
`Location`, a primary-key field in a body, walked in step with the recorded body) is mapped
from the recorded one, and later requests carry the emulator's (path segments, query values
and id fields of JSON bodies). A request naming a recorded id the replay has not seen (an
object that existed in the account before the recording) first gets a prerequisite: the
object, as the recording shows it, created through the resource's documented create
operation (`parity_prerequisite` reports one that cannot be made).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import secrets
import socket
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from contracts.traffic.cassette import NOT_JSON, Interaction, read_cassette
from contracts.traffic.findings import Finding, TrafficReport, TrafficWaiver, build_report
from contracts.traffic.matching import Match, VendorSpec
from contracts.traffic.shapes import compare

__all__ = ["CHECKS", "hosted_emulator", "parity", "parity_findings"]

CHECKS = ("parity_status", "parity_headers", "parity_shape")
UNMATCHED = "(undocumented route)"
_LINK_REL = re.compile(r'rel="?([^";,]+)"?')


@dataclasses.dataclass
class Emulator:
    """Where the replay goes: the emulator's base URL (ending in its API prefix) and the
    `Authorization` header it accepts."""

    base_url: str
    authorization: str | None


def _authorization(dialect: Any, settings: Any) -> str | None:
    """A header the emulator's own authenticator accepts, found by asking it (so no vendor's
    scheme is written here): Basic with the user and password, Basic with the API key, Bearer."""
    import base64

    def basic(user: str, password: str) -> str:
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    key = getattr(settings, "api_key", None) or ""
    candidates = [
        basic(settings.username, settings.password),
        basic(key, ""),
        f"Bearer {key}",
        f"Bearer {settings.password}",
    ]
    authenticator = dialect.authenticator(settings)
    for header in candidates:
        try:
            authenticator.authenticate(header, "http://emulator/", b"")
        except Exception:  # a refused candidate: try the next
            continue
        return header
    return None


@contextlib.contextmanager
def hosted_emulator(vendor: str, app: Any = None, settings: Any = None) -> Iterator[Emulator]:
    """The vendor's emulator under uvicorn on a free loopback port (real HTTP), on a fresh
    SQLite file, `faithful` like the real API; `app` (built from `settings`) replaces it."""
    import uvicorn

    from chargeover_emulator.app import create_app
    from chargeover_emulator.config import Settings as EmulatorSettings
    from chargeover_emulator.dialects import load_dialect

    dialect = load_dialect(vendor)
    with tempfile.TemporaryDirectory(prefix="contract-kit-parity-") as tmp:
        if settings is None:
            wanted: dict[str, Any] = {
                "db": str(Path(tmp) / "emulator.sqlite3"),
                "rate_limit": "off",
                "username": f"parity{secrets.token_hex(4)}",
                "password": secrets.token_hex(12),
                "api_key": secrets.token_hex(12),
            }
            known = {field.name for field in dataclasses.fields(EmulatorSettings)}
            settings = EmulatorSettings.from_env(
                {}, vendor=vendor, **{k: v for k, v in wanted.items() if k in known}
            )
        app = app or create_app(settings)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        if not server.started:
            raise RuntimeError("the emulator did not start")
        try:
            yield Emulator(
                f"http://127.0.0.1:{port}{dialect.api_prefix}", _authorization(dialect, settings)
            )
        finally:
            server.should_exit = True
            thread.join(timeout=10)


class _Ids:
    """Recorded ids -> the emulator's, per resource (customer 1 and user 1 are two ids),
    learnt from answers and applied to later requests."""

    def __init__(self, resources: dict[str, str]) -> None:
        #: primary-key field -> its resource (`customer_id` -> `customer`)
        self.resources = resources
        self.mapped: dict[tuple[str | None, str], str] = {}

    def carries_id(self, field: str) -> bool:
        """`id`, a resource's primary key, or any other `*_id` field."""
        return field == "id" or field in self.resources or field.endswith("_id")

    def resource_of(self, field: str, current: str | None) -> str | None:
        """Whose id a field carries: `id` is the current resource's, a primary key its
        resource's; any other `*_id` field an id of unknown kind (None)."""
        return current if field == "id" else self.resources.get(field)

    def known(self, resource: str | None, value: str) -> bool:
        return (resource, value) in self.mapped

    def get(self, resource: str | None, value: str) -> str:
        return self.mapped.get((resource, value), value)

    def remember(self, resource: str | None, real: str, emulated: str) -> None:
        # equal ids are mapped too: the object is known, not a prerequisite
        self.mapped.setdefault((resource, real), emulated)

    def learn(self, real: Any, emulated: Any, current: str | None) -> None:
        """Walk both bodies in step; an id field with two values maps the recorded one."""
        if isinstance(real, dict) and isinstance(emulated, dict):
            for key, value in real.items():
                other = emulated.get(key)
                if self.carries_id(key) and _scalar(value) and _scalar(other):
                    self.remember(self.resource_of(key, current), str(value), str(other))
                else:
                    self.learn(value, other, current)
        elif isinstance(real, list) and isinstance(emulated, list):
            for left, right in zip(real, emulated, strict=False):
                self.learn(left, right, current)

    def learn_location(self, real: str | None, emulated: str | None, current: str | None) -> None:
        if real and emulated:
            left = urlsplit(real).path.rstrip("/").rsplit("/", 1)[-1]
            right = urlsplit(emulated).path.rstrip("/").rsplit("/", 1)[-1]
            self.remember(current, left, right)

    def query(self, query: str, current: str | None) -> str:
        pairs = parse_qsl(query, keep_blank_values=True)
        return urlencode([(k, self._text(k, v, current)) for k, v in pairs], safe="[]:,*")

    def _text(self, field: str, value: str, current: str | None) -> str:
        if not self.carries_id(field):
            return value
        return self.get(self.resource_of(field, current), value)

    def body(self, value: Any, current: str | None) -> Any:
        if isinstance(value, dict):
            return {key: self._member(key, item, current) for key, item in value.items()}
        if isinstance(value, list):
            return [self.body(item, current) for item in value]
        return value

    def _member(self, key: str, value: Any, current: str | None) -> Any:
        if not self.carries_id(key) or not _scalar(value):
            return self.body(value, current)
        mapped = self.mapped.get((self.resource_of(key, current), str(value)))
        if mapped is None:
            return value
        if isinstance(value, int) and mapped.isdigit():
            return int(mapped)
        return mapped


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _media(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()


def _rels(link: str) -> str:
    return ", ".join(sorted(set(_LINK_REL.findall(link)))) or "(no rel)"


class _Replay:
    """One replay of a recording against one emulator."""

    def __init__(self, spec: VendorSpec, emulator: Emulator, recording: Sequence[Interaction]):
        self.spec = spec
        self.emulator = emulator
        self.recording = recording
        self.ids = _Ids(spec.resource_keys())
        self.client = httpx.Client(timeout=30.0)
        self.findings: list[Finding] = []
        self.checked: list[tuple[str, str]] = []
        self.examples: Counter[str] = Counter()
        self.seen_ids: set[tuple[str, str]] = set()

    def _send(
        self, method: str, path: str, query: str, body: bytes, headers: Any
    ) -> httpx.Response:
        url = self.emulator.base_url.rstrip("/") + path + (f"?{query}" if query else "")
        sent = {k: v for k, v in headers if k.lower() in {"content-type", "accept"}}
        if self.emulator.authorization:
            sent["Authorization"] = self.emulator.authorization
        return self.client.request(method, url, content=body or None, headers=sent)

    def run(self) -> None:
        for item in self.recording:
            self.step(item)
        self.client.close()

    def step(self, item: Interaction) -> None:
        match = self.spec.match(item)
        label = match.label if match is not None else UNMATCHED
        where = f"{item.source}: {item.method} {item.url}"
        self.examples[label] += 1
        current = match.operation.resource if match is not None else None
        path = self.spec.api_path(item.path) or item.path
        if match is not None:
            self._prerequisites(match, item, label, where)
            path = self._mapped_path(path, match)
        body = item.request_json()
        content = item.request_body
        if body is not None and body is not NOT_JSON:
            content = json.dumps(self.ids.body(body, current)).encode()
        query = self.ids.query(urlsplit(item.url).query, current)
        answer = self._send(item.method, path, query, content, item.request_headers)
        self.checked += [(label, check) for check in CHECKS]
        real_body, emulated_body = item.response_json(), _json(answer)
        self.ids.learn_location(
            item.response_header("location"), answer.headers.get("location"), current
        )
        if item.status == answer.status_code:
            self.ids.learn(real_body, emulated_body, current)
        if item.status != answer.status_code:
            self._find(
                label,
                "parity_status",
                "status",
                f"real sent {item.status}, emulator sent {answer.status_code}",
                where,
            )
            return
        self._headers(match, item, answer, label, where)
        schema = (
            self.spec.response_schema(match.operation.operation_id, item.status) if match else None
        )
        if real_body is NOT_JSON or emulated_body is NOT_JSON:
            if (real_body is NOT_JSON) != (emulated_body is NOT_JSON):
                real = "text" if real_body is NOT_JSON else "JSON"
                emulated = "text" if emulated_body is NOT_JSON else "JSON"
                self._find(
                    label,
                    "parity_shape",
                    "body",
                    f"real sent {real}, emulator sent {emulated}",
                    where,
                )
            return
        for difference in compare(self.spec.document, schema, real_body, emulated_body):
            self._find(
                label, "parity_shape", difference.path or "(body)", difference.describe(), where
            )

    def _find(self, label: str, check: str, subject: str, message: str, where: str) -> None:
        self.findings.append(Finding(label, check, subject, message, where))

    def _headers(
        self, match: Match | None, item: Interaction, answer: httpx.Response, label: str, where: str
    ) -> None:
        names = ["Content-Type"]
        if match is not None:
            names += self.spec.documented_headers(match.operation.operation_id, item.status)
        for name in dict.fromkeys(names):
            real, emulated = item.response_header(name), answer.headers.get(name)
            if real is None and emulated is None:
                continue
            if real is None or emulated is None:
                self._find(
                    label,
                    "parity_headers",
                    name,
                    f"header {name}: real sent {real!r}, emulator sent {emulated!r}",
                    where,
                )
                continue
            left, right = self._header_form(name, real), self._header_form(name, emulated)
            if left != right:
                self._find(
                    label,
                    "parity_headers",
                    name,
                    f"header {name}: real sent {left}, emulator sent {right}",
                    where,
                )

    def _header_form(self, name: str, value: str) -> str:
        """What of a header is compared: not its volatile parts (ids, hosts, counts)."""
        lowered = name.lower()
        if lowered == "content-type":
            return _media(value)
        if lowered == "location":
            path = self.spec.api_path(urlsplit(value).path) or urlsplit(value).path
            known = {value for _, value in self.ids.mapped} | set(self.ids.mapped.values())
            return "/".join(
                "{id}" if part in known or part.isdigit() else part for part in path.split("/")
            )
        if lowered == "link":
            return f"rels {_rels(value)}"
        if lowered.startswith("x-total") or lowered.endswith("-count"):
            return "a count" if value.strip().isdigit() else f"{value!r}"
        return "present"

    def _prerequisites(self, match: Match, item: Interaction, label: str, where: str) -> None:
        """Create the objects a request names that the replay has not seen (they existed in the
        account before the recording), from the recording's own view of them."""
        operation = match.operation
        if operation.kind == "create" and operation.resource is not None:
            keys = self._path_keys(operation.resource)[1:]  # a child's parent only
        else:
            keys = self._path_keys(operation.resource) if operation.resource else []
        for resource_name, param in reversed(keys):  # a parent before its child
            value = match.params.get(param)
            if value is None or self.ids.known(resource_name, value):
                continue
            if (resource_name, value) in self.seen_ids:
                continue
            self.seen_ids.add((resource_name, value))
            problem = self._create(resource_name, value, match.params)
            if problem:
                self.checked.append((label, "parity_prerequisite"))
                self._find(label, "parity_prerequisite", f"{resource_name} {value}", problem, where)

    def _mapped_path(self, path: str, match: Match) -> str:
        """The recorded path with every id of a known object replaced by the emulator's."""
        keys = {param: resource for resource, param in self._path_keys(match.operation.resource)}
        segments = path.split("/")
        for param, resource in keys.items():
            value = match.params.get(param)
            if value is None or not self.ids.known(resource, value):
                continue
            segments = [
                self.ids.get(resource, value) if part == value else part for part in segments
            ]
        return "/".join(segments)

    def _path_keys(self, resource: str | None) -> list[tuple[str, str]]:
        """(resource, path parameter) for a resource's own key and its parents', nearest first."""
        found: list[tuple[str, str]] = []
        while resource is not None and resource in self.spec.document.resources:
            spec = self.spec.document.resources[resource]
            found.append((resource, spec.path_param or spec.primary_key))
            if spec.parent is None:
                break
            found.append((spec.parent, spec.parent_param or ""))
            resource = None
        return found

    def _create(self, resource: str, value: str, params: dict[str, str]) -> str | None:
        spec = self.spec.document.resources[resource]
        create = spec.operations.get("create")
        if create is None:
            return f"the recording names {resource} {value}, and the spec documents no create"
        seen = self._recorded_object(spec.primary_key, value)
        if seen is None:
            return None  # never shown: it did not exist (the recorded 404 is the answer to match)
        body_schema = self._create_schema(create.operation_id)
        allowed = set(self.spec.document.flat_properties(body_schema)) if body_schema else set()
        body = {
            key: item
            for key, item in seen.items()
            if key in allowed and item is not None and key != spec.primary_key
        }
        path = create.path
        keys = {param: owner for owner, param in self._path_keys(resource)}
        for name, bound in params.items():
            path = path.replace("{" + name + "}", self.ids.get(keys.get(name), bound))
        answer = self._send(
            create.method,
            path,
            "",
            json.dumps(self.ids.body(body, resource)).encode(),
            [("Content-Type", "application/json")],
        )
        if answer.status_code >= 300:
            return (
                f"creating {resource} {value} as the recording shows it failed: the emulator "
                f"answered {answer.status_code} {answer.text[:200]}"
            )
        location = answer.headers.get("location")
        if location:
            self.ids.remember(
                resource, value, urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1]
            )
        else:
            created = _find_key(_json(answer), {spec.primary_key, "id"})
            if created is None:
                return f"created {resource} {value}, but the emulator's answer names no id"
            self.ids.remember(resource, value, created)
        return None

    def _create_schema(self, operation_id: str) -> Any:
        operation = self.spec.operation_objects[operation_id]
        body = self.spec.document.resolve(operation.get("requestBody") or {})
        media = (body.get("content") or {}).get("application/json") or {}
        return media.get("schema")

    def _recorded_object(self, key: str, value: str) -> dict[str, Any] | None:
        """The fullest object the recording's answers show with `key == value`."""
        best: dict[str, Any] | None = None
        for item in self.recording:
            for found in _objects_with(item.response_json(), key, value):
                if best is None or len(found) > len(best):
                    best = found
        return best


def _objects_with(value: Any, key: str, wanted: str) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if _scalar(value.get(key)) and str(value[key]) == wanted:
            yield value
        for item in value.values():
            yield from _objects_with(item, key, wanted)
    elif isinstance(value, list):
        for item in value:
            yield from _objects_with(item, key, wanted)


def _find_key(value: Any, keys: set[str]) -> str | None:
    if isinstance(value, dict):
        for key in keys:
            if _scalar(value.get(key)):
                return str(value[key])
        for item in value.values():
            found = _find_key(item, keys)
            if found is not None:
                return found
    return None


def _json(response: httpx.Response) -> Any:
    if not response.content.strip():
        return None
    try:
        return response.json()
    except ValueError:
        return NOT_JSON


def parity_findings(
    spec: VendorSpec, emulator: Emulator, recording: Sequence[Interaction]
) -> tuple[list[Finding], list[tuple[str, str]], Counter[str]]:
    """Replay the recording against the emulator; findings, checks that ran, examples."""
    replay = _Replay(spec, emulator, recording)
    replay.run()
    return replay.findings, replay.checked, replay.examples


def parity(
    vendor: str,
    paths: Sequence[Path],
    *,
    waivers: Sequence[TrafficWaiver] = (),
    emulator_url: str | None = None,
    emulator_authorization: str | None = None,
    spec_path: Path | None = None,
) -> TrafficReport:
    """Replay each cassette (in the order given) against a fresh emulator, or `emulator_url`."""
    started = time.monotonic()
    spec = VendorSpec(vendor, spec_path)
    recording = [item for path in paths for item in read_cassette(path)]
    errors: list[str] = []
    with contextlib.ExitStack() as stack:
        if emulator_url is not None:
            emulator = Emulator(emulator_url, emulator_authorization)
        else:
            emulator = stack.enter_context(hosted_emulator(vendor))
            emulator.authorization = emulator_authorization or emulator.authorization
        if emulator.authorization is None:
            errors.append(
                "no Authorization header the emulator accepts was found: requests go without "
                "one (pass --emulator-authorization)"
            )
        findings, checked, examples = parity_findings(spec, emulator, recording)
    return build_report(
        suite="parity",
        title=f"Parity: the {vendor} emulator against recorded traffic",
        target=", ".join(str(path) for path in paths),
        base_url=emulator.base_url,
        operations=list(examples),
        checked=checked,
        findings=findings,
        waivers=waivers,
        examples=examples,
        wall_time=time.monotonic() - started,
        errors=errors,
    )
