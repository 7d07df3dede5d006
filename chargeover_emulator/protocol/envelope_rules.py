"""What a ChargeOver envelope must look like: the one checker that the harness and the tests share.

The rule comes from the spec's envelope components and spec/NOTES.md:
- `code` is the HTTP status, as an integer;
- `status` is "OK" on a 2xx and "Error" on anything else;
- `message` is a string, and not blank on an error;
- `details` may be left out (legacy responses do), and when present is an object or null;
- `response` is present, and on an error it is null for a 404 and false for any other status.

The emulator's writer (`protocol/envelope.py`) and the client's reader (`chargeover_client.lib`)
have their own copies of the rule. This checker does not ask the writer what to expect, because
a check built from the writer would pass whatever the writer gets wrong.
`tests/client/test_client_envelope_roundtrip.py` checks that the three copies agree.
"""

from __future__ import annotations

import json

__all__ = ["REQUIRED_KEYS", "envelope_problems"]

#: keys every envelope carries; `details` is optional (absent in legacy responses)
REQUIRED_KEYS = ("code", "status", "message", "response")


def envelope_problems(status: int, body: object) -> list[str]:
    """What is wrong with `body` as the envelope of an HTTP `status` response (empty: nothing)."""
    if not isinstance(body, dict):
        return [f"Body is not a JSON envelope object: {body!r:.200}"]
    problems = []
    missing = [key for key in REQUIRED_KEYS if key not in body]
    if missing:
        problems.append(f"Envelope lacks {', '.join(missing)}")
    if "code" in body:
        code = body["code"]
        if not isinstance(code, int) or isinstance(code, bool) or code != status:
            problems.append(f"Envelope code {code!r} differs from HTTP status {status}")
    success = 200 <= status < 300
    expected_status = "OK" if success else "Error"
    if "status" in body and body["status"] != expected_status:
        problems.append(
            f"Envelope status {body['status']!r} on HTTP {status} (expected {expected_status!r})"
        )
    if "message" in body:
        message = body["message"]
        if not isinstance(message, str):
            problems.append(f"Envelope message is not a string: {message!r}")
        elif not success and not message.strip():
            problems.append(f"Error envelope (HTTP {status}) has an empty message")
    if body.get("details") is not None and not isinstance(body["details"], dict):
        problems.append(f"Envelope details is not an object: {body['details']!r}")
    if not success and "response" in body:
        # real 404s answer `response: null`, every other error `response: false`
        expected_response = None if status == 404 else False
        if body["response"] is not expected_response:
            problems.append(
                f"Error envelope (HTTP {status}) has response {body['response']!r}, "
                f"expected {json.dumps(expected_response)}"
            )
    return problems
