"""Per-address limits on the API: Redis when REDIS_URL is set (shared by every worker and
node), else a SQLite file shared by every worker on the machine (showcase/limit_sqlite.py), and
this process's memory while either cannot be used.

Why the `limits` library directly and not Flask-Limiter's decorators: the module-level
`Limiter` keeps one storage and one "storage is dead" flag for every app a process builds
(login_limits.py says more); each app here has its own counts, and the limit is read from
the app's settings on each request (`API_RATE_LIMITS`), so a test can lower it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from flask import Flask
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage
from limits.strategies import FixedWindowRateLimiter

from showcase.limit_storage import limit_storage

log = logging.getLogger(__name__)
RETRY_AFTER_DEAD = 30.0  # seconds between attempts to reach a storage that failed
EXTENSION = "api_limits"


@lru_cache(maxsize=16)
def parse(raw: str) -> tuple[RateLimitItem, ...]:
    """The limits a setting names ("60 per minute; 1000 per hour"); a bad one stops start-up."""
    try:
        items = tuple(parse_many(raw))
    except ValueError:
        items = ()
    if not items:
        raise SystemExit(
            f"Lỗi: API_RATE_LIMITS phải có dạng «60 per minute; 1000 per hour» (đang là «{raw}»)."
        )
    return items


@dataclass
class Verdict:
    """What one request used: the tightest limit, what is left of it, when it resets."""

    allowed: bool
    limit: int
    remaining: int
    reset: int  # epoch seconds
    retry_after: int


class ApiLimits:
    """Counts requests per address in fixed windows."""

    def __init__(self, storage_uri: str, prefix: str) -> None:
        self.storage_uri = storage_uri
        self.primary = limit_storage(storage_uri, prefix, "api")
        self.memory = MemoryStorage()
        self.dead_since: float | None = None
        self.lock = threading.Lock()

    def _storage_now(self) -> Storage:
        with self.lock:
            if self.dead_since is None:
                return self.primary
            if time.monotonic() - self.dead_since > RETRY_AFTER_DEAD:
                if self.primary.check():
                    log.warning("API limits: the storage answers again; counting there")
                    self.dead_since = None
                    return self.primary
                self.dead_since = time.monotonic()
            return self.memory

    def _count(self, storage: Storage, items: tuple[RateLimitItem, ...], address: str) -> Verdict:
        limiter = FixedWindowRateLimiter(storage)
        verdicts = []
        for item in items:
            allowed = limiter.hit(item, "address", address)
            reset, remaining = limiter.get_window_stats(item, "address", address)
            wait = max(1, int(reset - time.time()) + 1)
            verdicts.append(Verdict(allowed, item.amount, remaining, int(reset), wait))
        refused = [v for v in verdicts if not v.allowed]
        if refused:
            return max(refused, key=lambda v: v.retry_after)
        return min(verdicts, key=lambda v: v.remaining)

    def hit(self, raw_limits: str, address: str) -> Verdict:
        """Count one request from this address; say whether it may go on."""
        items = parse(raw_limits)
        storage = self._storage_now()
        try:
            return self._count(storage, items, address)
        except StorageError as exc:
            with self.lock:
                if self.dead_since is None:
                    self.dead_since = time.monotonic()
                    log.warning(
                        "API limits: storage unreachable (%s); counting in this process's memory",
                        type(exc.storage_error).__name__,
                    )
            return self._count(self.memory, items, address)

    def reset(self) -> None:
        """Forget every count (tests)."""
        self.memory.reset()
        with contextlib.suppress(StorageError):
            self.primary.reset()


def init_limits(app: Flask) -> ApiLimits:
    parse(app.config["API_RATE_LIMITS"])  # a bad setting stops start-up, not the first request
    limits = app.extensions[EXTENSION] = ApiLimits(
        app.config.get("RATELIMIT_STORAGE_URI", "memory://"),
        app.config.get("RATELIMIT_KEY_PREFIX", "showcase"),
    )
    return limits
