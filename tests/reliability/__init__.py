"""Reliability and security: bad input, faults, concurrency and auth, with nothing lost."""
