"""SQLite storage: tables derived from the spec's read schemas, one transaction per request."""

from chargeover_emulator.storage.database import Database
from chargeover_emulator.storage.errors import StorageError, ValueOutOfRange
from chargeover_emulator.storage.tables import Table

__all__ = ["Database", "StorageError", "Table", "ValueOutOfRange"]
