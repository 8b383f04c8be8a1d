"""Benchmarks (`naervaer bench`): print a table and write JSON. Never timed tests."""
