"""Builds the resource services from the spec, each given the collaborators it needs.

The order is the dependency order, with no cycle and nothing set after construction:

```
ItemService                         item table (the catalogue), read by invoice lines
user table, invoice table           storage, read by the customer directory
CustomerDirectory                   customer table, lookups, the computed fields
UserService, InvoiceService         each gets its table and the directory (invoices: the items)
CustomerService                     the directory, the user service, the invoice service
```
"""

from __future__ import annotations

from chargeover_emulator.resources.base import ResourceService
from chargeover_emulator.resources.customer_directory import CustomerDirectory
from chargeover_emulator.resources.customers import CustomerService
from chargeover_emulator.resources.invoice_records import InvoiceRecords
from chargeover_emulator.resources.invoices import InvoiceService
from chargeover_emulator.resources.items import ItemService
from chargeover_emulator.resources.users import UserService
from chargeover_emulator.specdoc import SpecDocument

__all__ = ["build_services"]


def build_services(document: SpecDocument) -> dict[str, ResourceService]:
    """Resource name -> service, for `customer`, `user` and (when the spec has them) `item`
    and `invoice`.

    The caller checks first that the spec describes customers and users, and items when it
    describes invoices (their lines name items).
    """
    customer_spec = document.resources["customer"]
    user_spec = document.resources["user"]
    invoice_spec = document.resources.get("invoice")
    item_spec = document.resources.get("item")
    items = None if item_spec is None else ItemService(item_spec, document)
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
        if invoice_spec is None or invoice_table is None or items is None
        else InvoiceService(
            invoice_spec, document, table=invoice_table, customers=directory, items=items
        )
    )
    customers = CustomerService(
        customer_spec, document, directory=directory, contacts=users, invoices=invoices
    )
    services: dict[str, ResourceService] = {"customer": customers, "user": users}
    if items is not None:
        services["item"] = items
    if invoices is not None:
        services["invoice"] = invoices
    return services
