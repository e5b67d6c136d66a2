"""Benchmarks for hostile input: cleaning, refusing bundles, checking database files.

Run: `python -m tests.bench.hostile`. Prints one figure per line; asserts nothing
(timings belong here, not in `make test`).
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import string
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dossier.bundle import BundleError, read_bundle_bytes
from dossier.importer import init_database
from dossier.store import Store
from dossier.store.connection import quick_check
from dossier.text import clean_text


def _best(fn: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _refuse(raw: bytes, fmt: str) -> None:
    try:
        read_bundle_bytes(raw, "bench", fmt)
    except BundleError:
        return
    raise AssertionError("accepted")


def bench_clean_text() -> None:
    plain = "He said [sic] that the diplomats must leave. " * 2_300  # ~100k characters, nothing to remove
    cases = {
        "plain 100k": plain,
        "OSC introducers 100k": "\x1b]" * 50_000,
        "8-bit OSC 100k": "\x9d" * 100_000,
        "CSI params 100k": "\x1b[" + "1;" * 50_000,
        "escapes mixed 100k": ("a\x1b[31mb\x1b]0;t\x07c\u202ed\x9b1me" * 5_000)[:100_000],
    }
    for name, text in cases.items():
        print(f"clean_text {name}: {_best(lambda t=text: clean_text(t)) * 1e3:.2f} ms")


def bench_refusals() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 40)]
    bomb = ("\n".join(lines) + "\n").encode()
    print(f"alias bomb (9**40 if expanded) refused in {_best(lambda: _refuse(bomb, 'yaml')) * 1e3:.2f} ms")
    deep = b"actors: " + b"[" * 1_000_000 + b"]" * 1_000_000 + b"\n"
    print(f"1,000,000 nested YAML lists refused in {_best(lambda: _refuse(deep, 'yaml')) * 1e3:.2f} ms")
    deep_json = b'{"actors": ' + b"[" * 1_000_000 + b"]" * 1_000_000 + b"}"
    print(f"1,000,000 nested JSON lists refused in {_best(lambda: _refuse(deep_json, 'json')) * 1e3:.2f} ms")


def bench_quick_check(statements: int = 400_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.db"
        init_database(path)
        rnd = random.Random(1)
        words = ["".join(rnd.choices(string.ascii_lowercase, k=rnd.randint(3, 9))) for _ in range(5_000)]
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO statements (slug, speaker_id, text, kind, said) VALUES (?, 1, ?, 'quote', '2021-12-01')",
            ((f"gen-{i}", " ".join(rnd.choices(words, k=25))) for i in range(statements)),
        )
        conn.execute("COMMIT")
        conn.close()
        size = path.stat().st_size / 1e6
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        start = time.perf_counter()
        complete = quick_check(conn, path, 60.0)
        print(
            f"quick_check, {statements:,} statements ({size:.0f} MB): {time.perf_counter() - start:.2f} s, {complete=}"
        )
        for bound in (0.05, 0.25):
            start = time.perf_counter()
            complete = quick_check(conn, path, bound)
            print(f"quick_check bounded to {bound} s: stopped after {time.perf_counter() - start:.3f} s, {complete=}")
        conn.close()
        start = time.perf_counter()
        with Store.open(path) as opened:
            opened.summary()
        print(f"Store.open + summary on it: {time.perf_counter() - start:.3f} s, warnings: {len(opened.warnings)}")
    with tempfile.TemporaryDirectory() as tmp:
        seed = Path(tmp) / "seed.db"
        init_database(seed)
        shutil.copyfile(seed, Path(tmp) / "copy.db")
        print(f"Store.open on the seed (checks included): {_best(lambda: Store.open(seed).close(), 20) * 1e3:.2f} ms")
        print(
            f"Store.open without the check: {_best(lambda: Store.open(seed, check_seconds=0).close(), 20) * 1e3:.2f} ms"
        )


if __name__ == "__main__":
    bench_clean_text()
    bench_refusals()
    bench_quick_check()
