"""The root of the exception tree; the vendor-neutral base_errors module subclasses it as `Root`."""

from __future__ import annotations


class FynnError(Exception):
    """Root of every error raised by fynn_client.lib."""


Root = FynnError
