"""Storage's own errors: what SQLite cannot hold, said without any HTTP meaning.

```
StorageError
 +-- ValueOutOfRange   a value no column (or no JSON response) could carry back
```

The resources layer answers them with the vendor's error (`resources.records`).
"""

from __future__ import annotations

__all__ = ["StorageError", "ValueOutOfRange"]


class StorageError(Exception):
    """Root of every error the storage layer raises on purpose."""


class ValueOutOfRange(StorageError, ValueError):
    """A value outside what a column stores: a non-finite amount, an integer beyond int64."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message
