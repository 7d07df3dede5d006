# copied from codegen/vendors/invoiced/client_lib by nox -s generate - edit there
"""The root of the exception tree; the vendor-neutral base_errors module subclasses it as `Root`."""

from __future__ import annotations


class InvoicedError(Exception):
    """Root of every error raised by invoiced_client.lib."""


Root = InvoicedError
