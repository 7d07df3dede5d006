"""Reliability and security scenarios: bad input, faults, concurrency and auth, with nothing lost."""
