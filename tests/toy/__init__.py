"""A toy vendor served by the engine: the proof that a vendor is a plug-in (issue 11)."""
