"""Remember fixed work between requests, per process, until the data changes.

An entry lives while the data generation (showcase/generation.py) is the one it was computed
under, and never past the moment a story scheduled for later becomes public (what the public
sees changes then without a write). Each request reads the generation once, so no process
ever answers from data older than the database's.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar

from flask import Flask, current_app
from sqlalchemy import func, select

from showcase import generation
from showcase.extensions import db
from showcase.models import Story, StoryStatus, utcnow

T = TypeVar("T")
EXTENSION = "site_memo"
SIZE = 512  # entries (lists × filters × pages): a few megabytes at most


class Memo:
    """Values computed under one data generation, least recently used dropped first."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.generation: str | None | object = object()  # matches no real token
        self.until: datetime | None = None
        self.values: OrderedDict[Hashable, Any] = OrderedDict()

    def valid(self, token: str | None, now: datetime) -> bool:
        """Tell whether what is kept was computed under this token and has not expired."""
        return self.generation == token and (self.until is None or now < self.until)

    def reset(self, token: str | None, until: datetime | None) -> None:
        """Forget everything; keep values for this token from now on, until `until`."""
        self.generation, self.until = token, until
        self.values.clear()

    def get(self, key: Hashable) -> tuple[bool, Any]:
        """Return (found, value)."""
        if key not in self.values:
            return False, None
        self.values.move_to_end(key)
        return True, self.values[key]

    def put(self, key: Hashable, value: Any) -> None:
        """Keep a value, dropping the least recently used beyond the size."""
        self.values[key] = value
        self.values.move_to_end(key)
        while len(self.values) > self.size:
            self.values.popitem(last=False)


def init_memo(app: Flask) -> None:
    """Give the app its memo (one per app: tests build several on different databases)."""
    app.extensions[EXTENSION] = Memo(app.config.get("SITE_MEMO_SIZE", SIZE))


def next_publication(now: datetime) -> datetime | None:
    """When the next story already marked published becomes public (its time is still to come)."""
    return db.session.scalar(
        select(func.min(Story.published_at)).where(
            Story.status == StoryStatus.PUBLISHED, Story.published_at > now
        )
    )


def remember(key: Hashable, compute: Callable[[], T]) -> T:
    """Return the value remembered under `key` for the current data, computing it when there is none.

    `compute` must return plain values (numbers, strings, tuples), never database rows: they
    outlive the request's session."""
    if generation.pending_writes():  # this session sees changes that may still roll back
        return compute()
    memo: Memo = current_app.extensions[EXTENSION]
    token, now = generation.current(), utcnow()
    kept: Any = None
    with memo.lock:
        fresh = memo.valid(token, now)
        if fresh:
            found, kept = memo.get(key)
        else:
            found = False
    if found:
        return kept
    until = None if fresh else next_publication(now)
    value = compute()
    with memo.lock:
        if not memo.valid(token, now):
            if fresh:  # another thread moved the memo on meanwhile: keep nothing
                return value
            memo.reset(token, until)
        memo.put(key, value)
    return value
