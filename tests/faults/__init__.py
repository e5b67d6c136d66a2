"""Faults: kill -9 during a write, two writers at once, a full disk.

The full kill run is `python -m tests.bench.crash`.
"""
