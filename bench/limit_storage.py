"""Cost of one rate-limit hit: the SQLite file (the default without Redis) against memory://.

    .venv/bin/python bench/limit_storage.py

One process, in a temporary folder: a fixed-window hit (what Flask-Limiter and the API do per
limit per request), a moving-window hit (a failed login makes three) on 200 keys of "50 per
hour" (most refused, as in an attack), and a read (`get_window_stats`). Then the same
fixed-window hits from two processes at once on one key of one file. Prints microseconds per
operation. Asserts nothing.
"""

from __future__ import annotations

import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from limits import parse  # noqa: E402
from limits.storage import storage_from_string  # noqa: E402
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter  # noqa: E402

import showcase.limit_sqlite  # noqa: E402,F401  (registers sqlite://)

N = 5000
ITEM = parse("1000000 per hour")
LOGIN = parse("50 per hour")


def per_op(fn, n: int = N) -> float:
    fn()  # the first call opens the file
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - started) / n * 1e6


def hits_in_child(uri: str, key: str, queue) -> None:
    limiter = FixedWindowRateLimiter(storage_from_string(uri))
    queue.put(per_op(lambda: limiter.hit(ITEM, key)))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        sqlite_uri = f"sqlite:///{Path(folder) / 'limits.sqlite'}"
        for uri in ("memory://", sqlite_uri):
            storage = storage_from_string(uri)
            fixed, moving = FixedWindowRateLimiter(storage), MovingWindowRateLimiter(storage)
            keys = iter(range(10**9))
            hit = per_op(lambda f=fixed: f.hit(ITEM, "a"))
            # as the login limits count: 200 keys of 50 per hour each, so most hits are refused
            moved = per_op(lambda m=moving, n=keys: m.hit(LOGIN, f"k{next(n) % 200}"), 20000)
            stats = per_op(lambda f=fixed: f.get_window_stats(ITEM, "a"))
            print(
                f"{uri.split(':')[0]:7} fixed-window hit {hit:7.1f} µs   "
                f"moving-window hit {moved:7.1f} µs   window stats {stats:7.1f} µs"
            )
        queue: multiprocessing.Queue = multiprocessing.Queue()
        children = [
            multiprocessing.Process(target=hits_in_child, args=(sqlite_uri, "same", queue)) for _ in range(2)
        ]
        for child in children:
            child.start()
        for child in children:
            child.join()
        costs = [queue.get() for _ in children]
        print(f"sqlite  fixed-window hit, two processes on one key at once: {max(costs):7.1f} µs each")


if __name__ == "__main__":
    main()
