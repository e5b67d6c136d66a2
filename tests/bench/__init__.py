"""Benchmarks: run by `make bench` (python -m tests.bench), never by `make test`."""
