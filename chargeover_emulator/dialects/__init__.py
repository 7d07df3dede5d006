"""Vendor dialects: each vendor's choices among the wire families and its business rules."""
