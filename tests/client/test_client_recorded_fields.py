"""The generated client and models read the fields recorded in real traffic (issue 12 item 7)."""

from __future__ import annotations

import chargeover_models
from chargeover_client.models import Customer, CustomerCreate, Invoice

# As the 2015 recordings show them (fact sheet §13.3): unset, so null.
RECORDED_CUSTOMER = {"customer_id": 44, "bill_notes": None, "ship_notes": None, "custtype_id": None}
RECORDED_INVOICE = {"invoice_id": 10016, "delay_datetime": None}


def test_the_client_models_declare_the_recorded_fields() -> None:
    customer = Customer.from_dict({**RECORDED_CUSTOMER, "bill_notes": "n", "custtype_id": 2})
    assert (customer.bill_notes, customer.ship_notes, customer.custtype_id) == ("n", None, 2)
    assert customer.additional_properties == {}, "declared, no longer extra"
    assert Invoice.from_dict(RECORDED_INVOICE).delay_datetime is None
    assert CustomerCreate(company="C", custtype_id=3).to_dict()["custtype_id"] == 3


def test_the_pydantic_models_declare_the_recorded_fields() -> None:
    customer = chargeover_models.Customer.model_validate(RECORDED_CUSTOMER)
    assert customer.custtype_id is None and "bill_notes" in customer.model_fields_set
    invoice = chargeover_models.Invoice.model_validate({**RECORDED_INVOICE, "delay_datetime": None})
    assert invoice.delay_datetime is None
