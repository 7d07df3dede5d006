"""Tests of the contract harness (contracts/): its checks, safety rules and proof it can fail."""
