"""Login limits: only failures count, per (account, address) and per address, plus a slowdown
for an account guessed at from everywhere.

Why not Flask-Limiter's decorators: its storage, its "storage is dead" flag and its key prefix
live on the one module-level `Limiter`, so every app a process builds shares them (a test cannot
point one app at Redis and another at an unreachable server); its `deduct_when` hit after the
response is not covered by its in-memory fallback (only by swallowing the error); and a slowdown
needs to read a count, which a decorator cannot. The `limits` library underneath is used directly.

The rules:
- `LOGIN_LIMITS` (default 10 a minute, 50 an hour) counts the failed logins for one account
  from one address. Beyond it that address, and only that address, gets 429 for that account:
  a guesser cannot lock the owner out from their own machine.
- `LOGIN_ADDRESS_LIMITS` (default 30 a minute, 200 an hour) counts failed logins from one
  address whatever the account (one machine trying a password on many accounts).
- `LOGIN_SLOWDOWN` (default 10 per 15 minutes) counts failed logins for one account from every
  address. Beyond it every attempt for that account, from anywhere, right password or not,
  waits before the password is checked: 0.25 s, 0.5 s, 1 s, then `LOGIN_SLOWDOWN_MAX_SECONDS`
  (2 s) at most. Nobody is locked out (the owner waits two seconds), while guesses spread over
  many addresses slow to a trickle. The wait comes before the check, so an impatient guesser
  cannot tell a right password by its quicker answer. The wait holds a worker: the
  per-address limits bound how many one address can hold.

The counts live where `RATELIMIT_STORAGE_URI` says (showcase/limit_storage.py): Redis, or by
default a SQLite file shared by every worker on the machine. With Redis unreachable or the file
unusable, the counts go on in this process's memory, a warning is logged, and the storage is
asked again every 30 s: a login never fails because of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from showcase.limit_storage import limit_storage

logger = logging.getLogger(__name__)
T = TypeVar("T")
RETRY_AFTER_DEAD = 30.0  # seconds between attempts to reach a storage that failed
FIRST_DELAY = 0.25


def _limits(raw: str, name: str) -> list[RateLimitItem]:
    try:
        items = parse_many(raw)
    except ValueError:
        items = []
    if not items:
        raise SystemExit(f"Lỗi: {name} phải có dạng «10 per minute; 50 per hour» (đang là «{raw}»).")
    return items


class LoginLimits:
    """Counts failed logins and says whether the next attempt is refused or must wait."""

    def __init__(
        self,
        storage_uri: str = "memory://",
        prefix: str = "showcase",
        account_limits: str = "10 per minute; 50 per hour",
        address_limits: str = "30 per minute; 200 per hour",
        slowdown: str = "10 per 15 minutes",
        max_delay: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.storage_uri = storage_uri
        self.prefix = prefix
        self.account_limits = _limits(account_limits, "LOGIN_LIMITS")
        self.address_limits = _limits(address_limits, "LOGIN_ADDRESS_LIMITS")
        slow = _limits(slowdown, "LOGIN_SLOWDOWN")[0]
        self.slowdown_after = slow.amount
        # the window of the slowdown, with room to count past the point where the wait is capped
        self.slowdown_item = type(slow)(slow.amount + 16, slow.multiples)
        self.max_delay = max_delay
        self.sleep = sleep
        self._primary = limit_storage(storage_uri, prefix, "login")
        self._memory = MemoryStorage()
        self._dead_since: float | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: Any) -> LoginLimits:
        return cls(
            storage_uri=config.get("RATELIMIT_STORAGE_URI", "memory://"),
            prefix=config.get("RATELIMIT_KEY_PREFIX", "showcase"),
            account_limits=config["LOGIN_LIMITS"],
            address_limits=config["LOGIN_ADDRESS_LIMITS"],
            slowdown=config["LOGIN_SLOWDOWN"],
            max_delay=float(config["LOGIN_SLOWDOWN_MAX_SECONDS"]),
        )

    # --- the storage, with its fallback ---------------------------------------------------------

    def _run(self, op: Callable[[MovingWindowRateLimiter], T]) -> T:
        with self._lock:
            dead_since = self._dead_since
            if dead_since is not None and time.monotonic() - dead_since > RETRY_AFTER_DEAD:
                if self._primary.check():
                    logger.warning("Login limits: %s answers again; counting there", self._safe_uri())
                    self._dead_since = dead_since = None
                else:
                    self._dead_since = time.monotonic()
        if dead_since is None:
            try:
                return op(MovingWindowRateLimiter(self._primary))
            except StorageError as exc:
                with self._lock:
                    if self._dead_since is None:
                        self._dead_since = time.monotonic()
                        logger.warning(
                            "Login limits: %s is unreachable (%s); counting in this process's memory "
                            "until it answers",
                            self._safe_uri(),
                            type(exc.storage_error).__name__,
                        )
        return op(MovingWindowRateLimiter(self._memory))

    def _safe_uri(self) -> str:
        """The storage address without a password."""
        scheme, _, rest = self.storage_uri.partition("://")
        return f"{scheme}://{rest.rpartition('@')[2]}"

    @property
    def using_fallback(self) -> bool:
        return self._dead_since is not None

    # --- keys -----------------------------------------------------------------------------------

    def _ids(self, kind: str, *parts: str) -> tuple[str, ...]:
        return (kind, *parts)

    @staticmethod
    def account_key(email: str) -> str:
        """The account as a key: a digest, so Redis keeps no email address."""
        return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:24]

    def _checks(self, account: str, address: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
        return [(item, self._ids("account-address", account, address)) for item in self.account_limits] + [
            (item, self._ids("address", address)) for item in self.address_limits
        ]

    # --- what the login view asks -------------------------------------------------------------

    def refused(self, account: str, address: str) -> int | None:
        """Seconds to wait when this address may not try this account now, else None."""

        def check(limiter: MovingWindowRateLimiter) -> int | None:
            waits = []
            for item, ids in self._checks(account, address):
                if not limiter.test(item, *ids):
                    reset, _ = limiter.get_window_stats(item, *ids)
                    waits.append(max(1, int(reset - time.time()) + 1))
            return max(waits) if waits else None

        return self._run(check)

    def delay(self, account: str) -> float:
        """How long an attempt for this account waits before its password is checked."""

        def failures(limiter: MovingWindowRateLimiter) -> int:
            _, remaining = limiter.get_window_stats(self.slowdown_item, *self._ids("account", account))
            return self.slowdown_item.amount - remaining

        beyond = self._run(failures) - self.slowdown_after
        if beyond < 0:
            return 0.0
        return min(self.max_delay, FIRST_DELAY * 2 ** min(beyond, 16))

    def wait(self, account: str) -> float:
        """Sleep for `delay(account)`; return how long."""
        seconds = self.delay(account)
        if seconds > 0:
            self.sleep(seconds)
        return seconds

    def failed(self, account: str, address: str) -> None:
        """Count one failed attempt for this account from this address."""

        def hit(limiter: MovingWindowRateLimiter) -> None:
            for item, ids in self._checks(account, address):
                limiter.hit(item, *ids)
            limiter.hit(self.slowdown_item, *self._ids("account", account))

        self._run(hit)

    def succeeded(self, account: str, address: str) -> None:
        """Forget this address's failures for this account (the account-wide count stays)."""

        def clear(limiter: MovingWindowRateLimiter) -> None:
            for item in self.account_limits:
                limiter.clear(item, *self._ids("account-address", account, address))

        self._run(clear)

    def reset(self) -> None:
        """Forget every count (tests; `flask` shell after an incident)."""
        self._memory.reset()
        with contextlib.suppress(StorageError):
            self._primary.reset()


def init_login_limits(app: Flask) -> LoginLimits:
    """Build this app's login limits from its settings."""
    limits = app.extensions["login_limits"] = LoginLimits.from_config(app.config)
    return limits
