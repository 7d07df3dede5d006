"""What never reaches a cassette: credentials, signatures, card and bank numbers.

`Redactor.interaction` is applied to every interaction BEFORE it is written (the recorder and
the proxy hold nothing else), so a cassette can be committed. It replaces:

- credential headers (`Authorization`, `Cookie`, `Set-Cookie`, API keys, signatures, tokens):
  the value becomes `REDACTED`, keeping an `Authorization` scheme (`Basic REDACTED`) so a
  reader still sees how the call authenticated;
- query parameters whose name says key, token, signature, secret or password;
- JSON (and form) body fields named like card, bank or secret fields, at any depth;
- anywhere in a text body, a 13-19 digit number that passes the Luhn check (a card number,
  whatever its field is called) and an IBAN.

The values are replaced with text of the same JSON type, so a redacted cassette still has the
shape the API sent (drift and parity judge shapes).
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from contracts.traffic.cassette import Headers, Interaction

__all__ = ["REDACTED", "Redactor"]

REDACTED = "REDACTED"

_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"}
)
_SECRET_WORDS = ("signature", "secret", "token", "password", "apikey", "api-key", "api_key")
_SECRET_QUERY_WORDS = (*_SECRET_WORDS, "key", "nonce")
#: body fields that hold card, bank or secret values (compared without `_`, `-` and case)
_SECRET_FIELDS = frozenset(
    {
        "cardnumber", "ccnumber", "number_card", "pan", "cvv", "cvc", "cvv2", "cccvv", "cvc2",
        "accountnumber", "bankaccountnumber", "achaccount", "achaccountnumber", "routingnumber",
        "achrouting", "achroutingnumber", "iban", "bic", "password", "apikey", "secret",
        "clientsecret", "accesstoken", "refreshtoken",
    }
)  # fmt: skip
# a card number as people write it: 13-19 digits in one run, or groups of four (and a last
# group of 1-4) separated by one space or dash; never part of a longer token (a UUID's zeros)
_DIGITS = re.compile(
    r"(?<![\w-])(?:[0-9]{13,19}|[0-9]{4}(?:[ -][0-9]{4}){2}[ -][0-9]{1,4}(?:[ -][0-9]{1,3})?)"
    r"(?![\w-])"
)
_IBAN = re.compile(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _scrub_text(text: str) -> str:
    """Card numbers (Luhn-valid 13-19 digits) and IBANs inside free text."""

    def card(match: re.Match[str]) -> str:
        digits = re.sub(r"[ -]", "", match.group(0))
        return REDACTED if 13 <= len(digits) <= 19 and _luhn(digits) else match.group(0)

    return _IBAN.sub(REDACTED, _DIGITS.sub(card, text))


def _secret_field(name: str) -> bool:
    return re.sub(r"[-_ ]", "", name.lower()) in _SECRET_FIELDS


@dataclasses.dataclass(frozen=True)
class Redactor:
    """Scrubs interactions; `extra_headers` and `extra_fields` add a team's own secret names."""

    extra_headers: frozenset[str] = frozenset()
    extra_fields: frozenset[str] = frozenset()

    def interaction(self, item: Interaction) -> Interaction:
        """The interaction as it may be written."""
        return dataclasses.replace(
            item,
            url=self.url(item.url),
            request_headers=self.headers(item.request_headers),
            request_body=self.body(item.request_body, item.request_header("content-type")),
            response_headers=self.headers(item.response_headers),
            response_body=self.body(item.response_body, item.response_header("content-type")),
        )

    def secret_header(self, name: str) -> bool:
        lowered = name.lower()
        return (
            lowered in _SECRET_HEADERS
            or lowered in {name.lower() for name in self.extra_headers}
            or any(word in lowered for word in _SECRET_WORDS)
        )

    def headers(self, headers: Headers) -> Headers:
        """Secret header values replaced; `Content-Length` dropped (bodies change length)."""
        kept: list[tuple[str, str]] = []
        for name, value in headers:
            if name.lower() == "content-length":
                continue
            if self.secret_header(name):
                scheme, _, rest = value.partition(" ")
                value = (
                    f"{scheme} {REDACTED}"
                    if rest and name.lower().endswith("authorization")
                    else REDACTED
                )
            kept.append((name, value))
        return tuple(kept)

    def url(self, url: str) -> str:
        """Secret query parameters replaced, card numbers in the URL too."""
        split = urlsplit(url)
        if not split.query:
            return _scrub_text(url)
        pairs = parse_qsl(split.query, keep_blank_values=True)
        scrubbed = [
            (name, REDACTED if self._secret_query(name) else _scrub_text(value))
            for name, value in pairs
        ]
        query = urlencode(scrubbed, safe="[]:,*")
        return urlunsplit(split._replace(path=_scrub_text(split.path), query=query))

    def _secret_query(self, name: str) -> bool:
        lowered = name.lower()
        extra = {field.lower() for field in self.extra_fields}
        return lowered in extra or any(word in lowered for word in _SECRET_QUERY_WORDS)

    def body(self, body: bytes, media: str | None) -> bytes:
        """A JSON or form body with secret fields replaced; any text with card numbers scrubbed."""
        if not body:
            return body
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body
        media = (media or "").lower()
        if "x-www-form-urlencoded" in media:
            pairs = parse_qsl(text, keep_blank_values=True)
            return urlencode(
                [(n, REDACTED if self._field(n) else _scrub_text(v)) for n, v in pairs],
                safe="[]:,*",
            ).encode()
        try:
            document = json.loads(text)
        except ValueError:
            return _scrub_text(text).encode("utf-8")
        return json.dumps(self.value(document), ensure_ascii=False).encode("utf-8")

    def _field(self, name: str) -> bool:
        # form names carry their nesting: `card[number]`, `ach[account_number]`
        leaf = name.rstrip("]").rsplit("[", 1)[-1]
        return _secret_field(leaf) or leaf.lower() in {f.lower() for f in self.extra_fields}

    def value(self, value: Any) -> Any:
        """A JSON value with secret fields replaced (same JSON type) and text scrubbed."""
        if isinstance(value, dict):
            return {
                key: _same_type(item) if self._field(key) else self.value(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, str):
            return _scrub_text(value)
        if isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) >= 13:
            return 0 if _luhn(str(abs(value))) else value
        return value


def _same_type(value: Any) -> Any:
    """A redacted stand-in of the same JSON type (the shape survives, the secret does not)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return 0
    if isinstance(value, dict | list):
        return type(value)()
    return REDACTED
