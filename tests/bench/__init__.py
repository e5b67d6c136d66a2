"""Benchmarks: `make bench` (`python -m tests.bench`), never part of `make test`.

They build synthetic dossiers with `dossier generate`, then measure import,
first screen, memory, key latency and the store's first queries against
floors measured in the same run. See `tests/bench/__main__.py`.
"""
