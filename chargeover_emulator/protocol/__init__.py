"""ChargeOver wire rules shared by every endpoint: envelope, where/order grammar, paging."""
