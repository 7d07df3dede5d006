"""Builds the resource services from the spec, each given the collaborators it needs.

The order is the dependency order, with no cycle and nothing set after construction:

```
user table, invoice table           storage, read by the customer directory
CustomerDirectory                   customer table, lookups, the computed fields
UserService, InvoiceService         each gets its table and the directory
CustomerService                     the directory, the user service, the invoice service
```
"""

from __future__ import annotations

from chargeover_emulator.resources.base import ResourceService
from chargeover_emulator.resources.customer_directory import CustomerDirectory
from chargeover_emulator.resources.customers import CustomerService
from chargeover_emulator.resources.invoice_records import InvoiceRecords
from chargeover_emulator.resources.invoices import InvoiceService
from chargeover_emulator.resources.users import UserService
from chargeover_emulator.specdoc import SpecDocument

__all__ = ["build_services"]


def build_services(document: SpecDocument) -> dict[str, ResourceService]:
    """Resource name -> service, for `customer`, `user` and (when the spec has it) `invoice`.

    The caller checks first that the spec describes customers and users.
    """
    customer_spec = document.resources["customer"]
    user_spec = document.resources["user"]
    invoice_spec = document.resources.get("invoice")
    user_table = UserService.new_table(user_spec)
    invoice_table = (
        None
        if invoice_spec is None
        else InvoiceRecords(
            invoice_spec.name, invoice_spec.primary_key, InvoiceService.columns(invoice_spec)
        )
    )
    directory = CustomerDirectory(
        CustomerService.new_table(customer_spec), contacts=user_table, invoices=invoice_table
    )
    users = UserService(user_spec, document, table=user_table, customers=directory)
    invoices = (
        None
        if invoice_spec is None or invoice_table is None
        else InvoiceService(invoice_spec, document, table=invoice_table, customers=directory)
    )
    customers = CustomerService(
        customer_spec, document, directory=directory, contacts=users, invoices=invoices
    )
    services: dict[str, ResourceService] = {"customer": customers, "user": users}
    if invoices is not None:
        services["invoice"] = invoices
    return services
