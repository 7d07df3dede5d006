"""Resource rules: computed fields, statuses and actions of each ChargeOver resource."""
