"""Rate-limit counters in a small SQLite file, shared by every process on the machine.

Without Redis, counters kept in each gunicorn worker's memory let a limit of "5 per 10 minutes"
pass about five times that with five workers, and multiply the login limits the same way. This
`limits` storage keeps them in one file (by default `limits.sqlite` beside the SQLite database,
in instance/): every worker and every process on the machine counts in it. Several machines
still need Redis.

    storage_from_string("sqlite:////srv/guong-sang/instance/limits.sqlite")

The address reads as SQLAlchemy's: `sqlite:///relative/path`, `sqlite:////absolute/path`.
Importing this module registers the scheme, for `limits` and so for Flask-Limiter
(`RATELIMIT_STORAGE_URI`).

How it stays correct and cheap:
- every change is one short `BEGIN IMMEDIATE` transaction (it takes the write lock at once, so
  two processes never both read a count and both add to it); the file is in WAL mode, so
  readers never wait for a writer, and `synchronous=NORMAL` (no fsync per hit: a count lost
  with the machine's power is no loss);
- a process waits `timeout` seconds (1 by default) for the lock, then the operation fails:
  with `wrap_exceptions` the error is a `limits.errors.StorageError`, so the callers' fallbacks
  (Flask-Limiter's in-memory fallback, login_limits.py, api/ratelimit.py) count in memory
  instead, and a file that cannot be opened or written never fails a request;
- two tables: `counters` (fixed windows and the sliding-window counters: value and expiry) and
  `entries` (one row per hit of a moving window, with its expiry). A moving-window hit drops
  its own key's old entries; every minute one write per process also deletes up to 500
  expired rows of each table (indexed on expiry), and the next write 500 more while there are
  that many, so the file stays small without a sweeper.
- `key_prefix` scopes the keys (as Redis's storage does): `reset()` forgets only its own.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from math import floor
from pathlib import Path
from typing import Any, TypeVar

from limits.errors import ConfigurationError
from limits.storage import MovingWindowSupport, SlidingWindowCounterSupport, Storage
from limits.storage.base import TimestampedSlidingWindow

logger = logging.getLogger(__name__)
T = TypeVar("T")

SCHEME = "sqlite"
PRUNE_EVERY = 60.0  # seconds between a process's sweeps of expired rows
PRUNE_BATCH = 500  # rows per table per sweep: a sweep never makes one request slow

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS counters ("
    " key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS ix_counters_expires ON counters (expires)",
    "CREATE TABLE IF NOT EXISTS entries (key TEXT NOT NULL, at REAL NOT NULL, expires REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_entries_key_at ON entries (key, at)",
    "CREATE INDEX IF NOT EXISTS ix_entries_expires ON entries (expires)",
)


def path_of(uri: str) -> str:
    """The file a `sqlite:///…` address names (relative to the working folder unless absolute)."""
    scheme, sep, rest = uri.partition(":///")
    path = rest.split("?", 1)[0]
    if scheme != SCHEME or not sep or not path:
        raise ConfigurationError(f"a SQLite limits address looks like sqlite:////path/limits.sqlite: {uri}")
    return path


class SQLiteStorage(Storage, MovingWindowSupport, SlidingWindowCounterSupport, TimestampedSlidingWindow):
    """Fixed-window, moving-window and sliding-window-counter limits in one SQLite file."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = False,
        key_prefix: str = "LIMITS",
        timeout: float | str = 1.0,
        **options: Any,
    ) -> None:
        self.path = path_of(uri or "")
        self.key_prefix = key_prefix
        self.timeout = float(timeout)
        self._local = threading.local()
        self._failing = False  # the last attempt to use the file failed (logged once)
        self._next_prune = 0.0
        self._inherited: list[sqlite3.Connection] = []
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return (sqlite3.Error, OSError)

    # --- the connection (one per thread and process: never shared across a fork) ------------------

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        conn: sqlite3.Connection | None = getattr(local, "conn", None)
        if conn is not None:
            if local.pid == os.getpid():
                return conn
            # opened before a fork: never used nor closed here (its locks are the parent's)
            self._inherited.append(conn)
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None, check_same_thread=True)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            self._prepare(conn)
        except BaseException:
            conn.close()
            raise
        local.conn, local.pid = conn, os.getpid()
        return conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """WAL mode and the tables. Workers starting together on a new file race for it: SQLite
        answers "locked" at once (without waiting) to a switch of journal mode while another
        connection makes one, so that is tried again until `timeout`."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                listed = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                tables = {row[0] for row in listed}
                if not {"counters", "entries"} <= tables:
                    conn.execute("BEGIN IMMEDIATE")
                    for statement in SCHEMA:
                        conn.execute(statement)
                    conn.execute("COMMIT")
                return
            except sqlite3.OperationalError as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    def _run(self, work: Callable[[sqlite3.Connection, float], T], write: bool = True) -> T:
        """Run `work(conn, now)` and return its result: a write in one BEGIN IMMEDIATE transaction,
        a read as it comes (each statement sees one state). A failure drops the connection (the
        next call opens the file again) and is raised."""
        try:
            conn = self._connection()
            if write:
                conn.execute("BEGIN IMMEDIATE")
            now = time.time()  # once the lock is ours: entries are written in the order of their times
            try:
                result = work(conn, now)
                if write and now >= self._next_prune:
                    self._prune(conn, now)
                if write:
                    conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except (sqlite3.Error, OSError) as exc:
            self._drop_connection()
            if not self._failing:
                self._failing = True
                logger.warning(
                    "Rate-limit counters: cannot use %s (%s: %s); limits count in this process's "
                    "memory until it can",
                    self.path,
                    type(exc).__name__,
                    exc,
                )
            raise
        if self._failing:
            self._failing = False
            logger.warning("Rate-limit counters: %s answers again", self.path)
        return result

    def _prune(self, conn: sqlite3.Connection, now: float) -> None:
        """Delete up to PRUNE_BATCH expired rows of each table; sweep again at the next write
        while a batch comes back full (a flood of new keys), else in a minute."""
        counters = conn.execute(
            "DELETE FROM counters WHERE key IN (SELECT key FROM counters WHERE expires <= ? LIMIT ?)",
            (now, PRUNE_BATCH),
        ).rowcount
        entries = conn.execute(
            "DELETE FROM entries WHERE rowid IN (SELECT rowid FROM entries WHERE expires <= ? LIMIT ?)",
            (now, PRUNE_BATCH),
        ).rowcount
        self._next_prune = now if max(counters, entries) >= PRUNE_BATCH else now + PRUNE_EVERY

    def _key(self, key: str) -> str:
        return f"{self.key_prefix}:{key}"

    # --- fixed window ---------------------------------------------------------------------------

    @staticmethod
    def _add(conn: sqlite3.Connection, key: str, expiry: float, amount: int, now: float) -> int:
        """Add to a counter (a new window when it had expired); its value after."""
        row = conn.execute(
            "INSERT INTO counters (key, value, expires) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET"
            " value = CASE WHEN expires <= ? THEN excluded.value ELSE value + excluded.value END,"
            " expires = CASE WHEN expires <= ? THEN excluded.expires ELSE expires END "
            "RETURNING value",
            (key, amount, now + expiry, now, now),
        ).fetchone()
        return int(row[0])

    @staticmethod
    def _value(conn: sqlite3.Connection, key: str, now: float) -> int:
        row = conn.execute("SELECT value FROM counters WHERE key = ? AND expires > ?", (key, now)).fetchone()
        return int(row[0]) if row else 0

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the counter; it expires `expiry` seconds after its first hit."""
        return self._run(lambda conn, now: self._add(conn, self._key(key), expiry, amount, now))

    def decr(self, key: str, amount: int = 1) -> int:
        """Take `amount` off the counter (not below 0); its value after."""

        def work(conn: sqlite3.Connection, now: float) -> int:
            conn.execute(
                "UPDATE counters SET value = max(value - ?, 0) WHERE key = ? AND expires > ?",
                (amount, self._key(key), now),
            )
            return self._value(conn, self._key(key), now)

        return self._run(work)

    def get(self, key: str) -> int:
        """The counter's value (0 once expired)."""
        return self._run(lambda conn, now: self._value(conn, self._key(key), now), write=False)

    def get_expiry(self, key: str) -> float:
        """When the counter's window ends (now when there is none)."""

        def work(conn: sqlite3.Connection, now: float) -> float:
            row = conn.execute(
                "SELECT expires FROM counters WHERE key = ? AND expires > ?", (self._key(key), now)
            ).fetchone()
            return float(row[0]) if row else now

        return self._run(work, write=False)

    def clear(self, key: str) -> None:
        """Forget one limit's counter and entries."""

        def work(conn: sqlite3.Connection, now: float) -> None:
            conn.execute("DELETE FROM counters WHERE key = ?", (self._key(key),))
            conn.execute("DELETE FROM entries WHERE key = ?", (self._key(key),))

        self._run(work)

    def check(self) -> bool:
        """Whether the file can be opened and written."""
        try:
            self._run(lambda conn, now: conn.execute("SELECT count(*) FROM counters WHERE 0").fetchone())
        except (sqlite3.Error, OSError):
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter and entry under this storage's prefix; how many rows went."""
        low, high = f"{self.key_prefix}:", f"{self.key_prefix};"  # every key "<prefix>:…"

        def work(conn: sqlite3.Connection, now: float) -> int:
            gone = conn.execute("DELETE FROM counters WHERE key >= ? AND key < ?", (low, high)).rowcount
            return gone + conn.execute("DELETE FROM entries WHERE key >= ? AND key < ?", (low, high)).rowcount

        return self._run(work)

    # --- moving window --------------------------------------------------------------------------

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Take `amount` entries when fewer than `limit` would then be in the last `expiry` seconds."""
        if amount > limit:
            return False

        def work(conn: sqlite3.Connection, now: float) -> bool:
            k = self._key(key)
            conn.execute("DELETE FROM entries WHERE key = ? AND at <= ?", (k, now - expiry))
            (taken,) = conn.execute("SELECT count(*) FROM entries WHERE key = ?", (k,)).fetchone()
            if taken + amount > limit:
                return False
            conn.executemany(
                "INSERT INTO entries (key, at, expires) VALUES (?, ?, ?)", [(k, now, now + expiry)] * amount
            )
            return True

        return self._run(work)

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """(when the oldest entry in the window was taken, how many are in it); (now, 0) if none."""

        def work(conn: sqlite3.Connection, now: float) -> tuple[float, int]:
            oldest, taken = conn.execute(
                "SELECT min(at), count(*) FROM entries WHERE key = ? AND at > ?",
                (self._key(key), now - expiry),
            ).fetchone()
            return (float(oldest), int(taken)) if taken else (now, 0)

        return self._run(work, write=False)

    # --- sliding window counter (two fixed counters, weighted) ---------------------------------

    def _sliding(
        self, conn: sqlite3.Connection, key: str, expiry: int, now: float
    ) -> tuple[int, float, int, float]:
        previous_key, current_key = self.sliding_window_keys(key, expiry, now)
        previous = self._value(conn, self._key(previous_key), now)
        current = self._value(conn, self._key(current_key), now)
        previous_ttl = 0.0 if previous == 0 else (1 - (((now - expiry) / expiry) % 1)) * expiry
        current_ttl = (1 - ((now / expiry) % 1)) * expiry + expiry
        return previous, previous_ttl, current, current_ttl

    def acquire_sliding_window_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Count `amount` hits when the weighted count of both windows stays within `limit`."""
        if amount > limit:
            return False

        def work(conn: sqlite3.Connection, now: float) -> bool:
            previous, previous_ttl, current, _ = self._sliding(conn, key, expiry, now)
            if floor(previous * previous_ttl / expiry + current) + amount > limit:
                return False
            current_key = self.sliding_window_keys(key, expiry, now)[1]
            self._add(conn, self._key(current_key), 2 * expiry, amount, now)  # in the same transaction
            return True

        return self._run(work)

    def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        """(previous count, its time to live, current count, its time to live)."""
        return self._run(lambda conn, now: self._sliding(conn, key, expiry, now), write=False)

    def clear_sliding_window(self, key: str, expiry: int) -> None:
        """Forget both windows' counters."""
        previous_key, current_key = self.sliding_window_keys(key, expiry, time.time())
        self.clear(previous_key)
        self.clear(current_key)


def default_path(database_uri: str, instance_path: Path) -> Path:
    """Where the counters live by default: beside a SQLite database file, else in instance/."""
    prefix = "sqlite:///"
    if database_uri.startswith(prefix):
        database = database_uri[len(prefix) :].split("?", 1)[0]
        if database and database != ":memory:":
            return Path(database).parent / "limits.sqlite"
    return instance_path / "limits.sqlite"
