"""Announce what changed: after a commit, one signal listing the records; and the content
generation, a site-wide version that every commit changing public content moves on.

The generation is written by the same transaction as the change (a rolled-back change never
moves it) and read from the database, so every worker and every node sees the same one: page
caches key on it. The signal goes out only after the commit, in the process that made it.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from blinker import Namespace
from sqlalchemy import Connection, Table, event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session

from showcase.extensions import db
from showcase.models import Setting, Story, StoryStatus, utcnow

content_changed = Namespace().signal("content-changed")
"""Sent after every commit that changed records: `records` (a frozenset of `Changed`) and
`generation` (the new `Generation`, or None when no public page shows any of them). Derived
data (page cache, search, feeds, statistics) listens."""

GENERATION_KEY = "content_generation"
DUE_KEY = "content_due"  # the next time a story already published becomes visible by the clock
PENDING = "content_pending"
WRITTEN = "content_generation_written"
# What no public page shows: a change to these alone leaves every page as it was.
PRIVATE_TABLES = frozenset({"audit_log", "revision", "trash_item", "user"})


@dataclass(frozen=True)
class Changed:
    """One changed record: its table, primary key (None: rows changed by one bulk statement) and
    whether a public page may show it."""

    table: str
    id: Any
    public: bool


@dataclass(frozen=True)
class Generation:
    """The content generation: when public content last changed (`millis`, never going back,
    even on a node whose clock is behind) and a `token` unique even across a database emptied
    and refilled, so a cache never mistakes one state for another."""

    millis: int
    token: str
    due: datetime | None  # a published story appears then, with no commit: caches stop there

    @property
    def changed_at(self) -> datetime:
        """When public content last changed (aware UTC)."""
        return datetime.fromtimestamp(self.millis / 1000, UTC)

    def is_current(self) -> bool:
        """False once a scheduled appearance is due: until the next commit, nothing is cached."""
        return self.due is None or utcnow() < self.due


def current_generation() -> Generation | None:
    """The content generation as committed; None before the first change (nothing to key on)."""
    query = select(Setting.key, Setting.value).where(Setting.key.in_((GENERATION_KEY, DUE_KEY)))
    rows: dict[str, str] = {key: value for key, value in db.session.execute(query)}
    return _parse(rows.get(GENERATION_KEY), rows.get(DUE_KEY))


def _parse(raw: str | None, due: str | None) -> Generation | None:
    if not raw or ":" not in raw:
        return None
    millis, _, token = raw.partition(":")
    try:
        return Generation(int(millis), token, datetime.fromisoformat(due) if due else None)
    except ValueError:
        return None


# --- collecting and announcing -----------------------------------------------------------


def _pending(session: Session) -> set[Changed]:
    return session.info.setdefault(PENDING, set())


UNSEEN = frozenset({StoryStatus.DRAFT, StoryStatus.IN_REVIEW})  # no public page shows such a story


def _seen(session: Session, obj: Any) -> bool:
    """Whether a public page may show this record. A draft or a story in review that stays one
    is not shown anywhere public: its edits (autosave too) leave every page as it was."""
    if type(obj).__tablename__ in PRIVATE_TABLES:
        return False
    if not isinstance(obj, Story) or obj.status not in UNSEEN:
        return True
    if obj in session.new:
        return False
    history = inspect(obj).attrs.status.history
    unknown_before = bool(history.added) and not history.deleted  # changed without loading it first
    return unknown_before or any(old not in UNSEEN for old in history.deleted)


def _collect_flush(session: Session, _context) -> None:
    pending = _pending(session)
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        table = getattr(type(obj), "__tablename__", None)
        if table is None or (obj in session.dirty and not session.is_modified(obj)):
            continue
        key = obj.key if isinstance(obj, Setting) else getattr(obj, "id", None)
        pending.add(Changed(table, key, _seen(session, obj)))


def _collect_statement(state: ORMExecuteState) -> None:
    """A bulk UPDATE, DELETE or INSERT through the session changes rows no flush sees."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None) or "?"
    _pending(state.session).add(Changed(name, None, name not in PRIVATE_TABLES))


def _public(records: set[Changed]) -> bool:
    return any(r.public for r in records)


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the outer commit decides
        return
    session.flush()  # what is still pending is part of this commit
    if _public(session.info.get(PENDING, set())):
        session.info[WRITTEN] = advance(session.connection())


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    records = session.info.pop(PENDING, set())
    generation = session.info.pop(WRITTEN, None)
    if records:
        content_changed.send(session, records=frozenset(records), generation=generation)


def _after_rollback(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(PENDING, None)
        session.info.pop(WRITTEN, None)


def advance(conn: Connection) -> Generation:
    """Move the content generation on inside this connection's transaction (its commit keeps it)."""
    table = cast(Table, Setting.__table__)
    insert = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert
    # the row, once: two first commits at once must not both insert it
    conn.execute(
        insert(table).values(key=GENERATION_KEY, value="0:").on_conflict_do_nothing(index_elements=["key"])
    )
    # locked until commit (PostgreSQL; SQLite has one writer): two commits never read the same
    raw = conn.execute(
        select(table.c.value).where(table.c.key == GENERATION_KEY).with_for_update()
    ).scalar_one()
    last = _parse(raw, None)
    millis = max(int(time.time() * 1000), (last.millis + 1) if last else 0)
    value = f"{millis}:{secrets.token_hex(6)}"
    conn.execute(table.update().where(table.c.key == GENERATION_KEY).values(value=value))
    due = conn.execute(
        select(Story.published_at)
        .where(Story.status == StoryStatus.PUBLISHED, Story.published_at > utcnow())
        .order_by(Story.published_at)
        .limit(1)
    ).scalar()
    conn.execute(
        insert(table)
        .values(key=DUE_KEY, value=due.isoformat() if due else "")
        .on_conflict_do_update(index_elements=["key"], set_={"value": due.isoformat() if due else ""})
    )
    return Generation(millis, value.partition(":")[2], due)


_listening = threading.Lock()


def init_hooks(session) -> None:
    """Attach the collecting and announcing hooks to the shared session (once per process)."""
    with _listening:
        if event.contains(session, "after_flush", _collect_flush):
            return
        event.listen(session, "after_flush", _collect_flush)
        event.listen(session, "do_orm_execute", _collect_statement)
        event.listen(session, "before_commit", _before_commit)
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _after_rollback)
