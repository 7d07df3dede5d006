"""Performance benchmarks (`nox -s bench`): the emulator, the client and the contract suite.

Benchmarks, not tests: nothing here asserts a timing. `python -m benchmarks` runs every section
and writes `results/latest.md` and `results/latest.json`; see `runner.py` for the sections.
"""
