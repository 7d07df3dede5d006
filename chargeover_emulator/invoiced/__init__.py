"""Invoiced's resources: customers and their contacts as bare objects in SQLite, the balance and
the statement sends (what `chargeover_emulator.dialects.invoiced` serves)."""
