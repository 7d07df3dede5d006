"""Routes compiled from the spec's `paths`: a request's method and path segments to an operation.

Nothing here knows a vendor. A path template is split into segments, each a literal
(`_count`), a whole parameter (`{customer_id}`) or a literal prefix with a parameter
(`external_key:{external_key}`). When several templates match, the most specific wins,
segment by segment: literal, then prefixed parameter, then bare parameter, so
`/customer/_count` beats `/customer/{customer_id}` whatever order the spec lists them in.
Action aliases (`x-kit-operation.aliases`) are routed like the action's own last segment.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

__all__ = ["Route", "RouteMatch", "RouteTable", "Segment"]

_PARAM = re.compile(r"\{([^{}]+)\}")
T = TypeVar("T")

# specificity ranks: lower is more specific
_LITERAL, _PREFIXED, _PARAMETER = 0, 1, 2


@dataclasses.dataclass(frozen=True)
class Segment:
    """One template segment: `prefix` then, when `name` is set, a parameter to the end."""

    prefix: str
    name: str | None

    @classmethod
    def parse(cls, text: str) -> Segment:
        """`_count`, `{id}` or `external_key:{external_key}`; a parameter must end the segment."""
        found = _PARAM.search(text)
        if found is None:
            return cls(text, None)
        if found.end() != len(text):
            raise ValueError(f"a path parameter must end its segment: {text!r}")
        return cls(text[: found.start()], found.group(1))

    @property
    def rank(self) -> int:
        """How specific the segment is (0 literal, 1 prefixed parameter, 2 bare parameter)."""
        if self.name is None:
            return _LITERAL
        return _PREFIXED if self.prefix else _PARAMETER

    def match(self, value: str) -> str | None:
        """The parameter value ('' for a literal) when `value` fits, else None."""
        if self.name is None:
            return "" if value == self.prefix else None
        if not value.startswith(self.prefix) or len(value) == len(self.prefix):
            return None
        return value[len(self.prefix) :]


@dataclasses.dataclass(frozen=True)
class Route(Generic[T]):
    """A method and a path template, routed to `target`."""

    method: str
    template: str
    segments: tuple[Segment, ...]
    target: T

    @property
    def specificity(self) -> tuple[int, ...]:
        """Ranks per segment, compared left to right."""
        return tuple(segment.rank for segment in self.segments)


@dataclasses.dataclass(frozen=True)
class RouteMatch(Generic[T]):
    """The route a request took and its path parameters (decoded values)."""

    route: Route[T]
    params: dict[str, str]

    @property
    def target(self) -> T:
        """What the route leads to (an operation)."""
        return self.route.target


def split_path(path: str) -> list[str]:
    """Path segments without empty ones at the ends (`/customer/` is `/customer`)."""
    stripped = path.strip("/")
    return stripped.split("/") if stripped else []


class RouteTable(Generic[T]):
    """Every documented (method, template) pair, looked up by segment count first."""

    def __init__(self) -> None:
        self._by_length: dict[int, list[Route[T]]] = {}

    def add(self, method: str, template: str, target: T) -> None:
        """Register one operation's route."""
        segments = tuple(Segment.parse(part) for part in split_path(template))
        routes = self._by_length.setdefault(len(segments), [])
        shape = _shape(segments)
        for existing in routes:
            if existing.method == method.upper() and _shape(existing.segments) == shape:
                raise ValueError(f"two operations on {method.upper()} {template}")
        routes.append(Route(method.upper(), template, segments, target))
        routes.sort(key=lambda route: route.specificity)

    def match(self, method: str, segments: Sequence[str]) -> RouteMatch[T] | None:
        """The most specific route for this method and these decoded segments, or None."""
        for route in self._candidates(segments):
            if route.method == method.upper():
                params = _bind(route.segments, segments)
                if params is not None:
                    return RouteMatch(route, params)
        return None

    def methods(self, segments: Sequence[str]) -> set[str]:
        """Methods some route accepts on this path (empty: the path is not documented)."""
        return {
            route.method
            for route in self._candidates(segments)
            if _bind(route.segments, segments) is not None
        }

    def routes(self) -> Iterable[Route[T]]:
        """Every route, for introspection and tests."""
        for routes in self._by_length.values():
            yield from routes

    def _candidates(self, segments: Sequence[str]) -> list[Route[T]]:
        return self._by_length.get(len(segments), [])


def _shape(segments: Sequence[Segment]) -> tuple[tuple[str, bool], ...]:
    """What a template matches, whatever its parameters are called."""
    return tuple((segment.prefix, segment.name is not None) for segment in segments)


def _bind(template: Sequence[Segment], segments: Sequence[str]) -> dict[str, str] | None:
    """Path parameters when every segment fits its template segment."""
    params: dict[str, str] = {}
    for part, value in zip(template, segments, strict=True):
        bound = part.match(value)
        if bound is None:
            return None
        if part.name is not None:
            params[part.name] = bound
    return params
