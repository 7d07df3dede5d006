"""How a failure is reproduced: the request as one curl command, and the last request a client
sent (for suites that drive a generated client and must say what it sent).

Every suite of every vendor writes its reproductions here, in one style; the report then puts
`$BASE_URL` in place of the target's address (`reporting.replayable`).
"""

from __future__ import annotations

import shlex

import httpx

__all__ = ["LastRequest", "curl"]


def curl(request: httpx.Request) -> str:
    """A curl command reproducing one request, credentials as the `$AUTHORIZATION` placeholder
    (the report puts `$BASE_URL` in place of the target's address: `reporting.replayable`)."""
    parts = ["curl", "-X", request.method]
    content = request.read()
    if content:
        parts += ["-H", "Content-Type: application/json", "-d", content.decode("utf-8", "replace")]
    quoted = [shlex.quote(part) for part in parts]
    # double quotes: the shell expands the placeholder when the line is pasted
    quoted.insert(3, '-H "Authorization: $AUTHORIZATION"')
    return " ".join([*quoted, shlex.quote(str(request.url))])


class LastRequest:
    """An httpx request hook remembering the last request (for curl reproductions)."""

    def __init__(self, http: httpx.Client) -> None:
        self.request: httpx.Request | None = None
        http.event_hooks["request"] = [*http.event_hooks.get("request", []), self.remember]

    def remember(self, request: httpx.Request) -> None:
        """Called by httpx before each request."""
        self.request = request
