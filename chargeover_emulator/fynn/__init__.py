"""Fynn's resources and wire rules, as its dialect (`dialects/fynn.py`) serves them.

`errors` (the API Platform error body, German Symfony violations), `options` (the dialect's
settings), `auth` (Bearer API keys with permissions), `paging` (`page`/`limit` and
`meta.pagination`), `records` (the resources' base), `customers`, `contacts` (addresses and
email addresses), `hierarchy` (parent/child rules), `seeding`.
"""
