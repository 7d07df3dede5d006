"""What a resource operation needs to know about the request it serves."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import random
import sqlite3
import string
from collections.abc import Mapping
from typing import Any

from chargeover_emulator.config import Settings

__all__ = ["TOKEN_ALPHABET", "RequestContext"]

TOKEN_ALPHABET = string.digits + string.ascii_lowercase


@dataclasses.dataclass
class RequestContext:
    """Connection (inside the request's transaction), clock reading, client address and base URL."""

    conn: sqlite3.Connection
    now: dt.datetime
    ipaddr: str
    base_url: str
    settings: Settings
    rng: random.Random
    #: a nested resource's parents, resolved by the dispatcher: {resource name: primary key}
    parents: dict[str, Any] = dataclasses.field(default_factory=dict)
    #: the query string as the client sent it, decoded but neither coerced nor repaired: what a
    #: `Link` header repeats (a filter beyond int64 is judged as a bound, but echoed as sent)
    sent_query: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @functools.cached_property
    def timestamp(self) -> str:
        """`YYYY-MM-DD HH:MM:SS`, the form every example and recording shows (formatted once:
        a create stamps three fields with it)."""
        return self.now.strftime("%Y-%m-%d %H:%M:%S")

    @property
    def today(self) -> dt.date:
        """The current date."""
        return self.now.date()

    def token(self, length: int = 12) -> str:
        """A random object token of [0-9a-z], 12 characters like `fozdqj169569`."""
        # One draw for the whole token, spelled in base 36: `choice` per character read the OS
        # random source once per character, a tenth of a customer create.
        number = self.rng.randrange(len(TOKEN_ALPHABET) ** length)
        digits = []
        for _ in range(length):
            number, digit = divmod(number, len(TOKEN_ALPHABET))
            digits.append(TOKEN_ALPHABET[digit])
        return "".join(digits)
