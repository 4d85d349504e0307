"""Announce what changed: after every commit that changed records, one signal listing them.

Derived data listens (the page cache, and later search, feeds, statistics) and a rolled-back
change reaches none of them: records are collected on each flush (and each bulk statement
run through the session) and announced only once the transaction has committed, in the
process that committed it. Other processes learn of a change from the data generation
(showcase/generation.py), which the same commit wrote.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from blinker import Namespace
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from showcase.generation import PRIVATE_TABLES, unseen

content_changed = Namespace().signal("content-changed")
"""Sent after a commit with `records`: a frozenset of `Changed`."""

PENDING = "content_pending"


@dataclass(frozen=True)
class Changed:
    """One changed record: its table, its primary key (None: rows of one bulk statement), and
    whether a public page may show it."""

    table: str
    id: Any
    public: bool


def is_public(records: frozenset[Changed]) -> bool:
    """Whether any of these records is one a public page may show."""
    return any(r.public for r in records)


def _pending(session: Session) -> set[Changed]:
    return session.info.setdefault(PENDING, set())


def _collect_flush(session: Session, _context) -> None:
    pending = _pending(session)
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        table = getattr(type(obj), "__tablename__", None)
        if table is None or (obj in session.dirty and not session.is_modified(obj)):
            continue
        key = getattr(obj, "id", None) if hasattr(obj, "id") else getattr(obj, "key", None)
        pending.add(Changed(table, key, not unseen(obj)))


def _collect_statement(state: ORMExecuteState) -> None:
    """A bulk UPDATE, DELETE or INSERT through the session changes rows no flush sees."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    name = getattr(getattr(state.statement, "table", None), "name", None) or "?"
    _pending(state.session).add(Changed(name, None, name not in PRIVATE_TABLES))


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the outer commit announces
        return
    records = session.info.pop(PENDING, None)
    if records:
        content_changed.send(session, records=frozenset(records))


def _after_rollback(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(PENDING, None)


_listening = threading.Lock()


def init_hooks(session) -> None:
    """Attach the collecting and announcing hooks to the shared session (once per process)."""
    with _listening:
        if event.contains(session, "after_flush", _collect_flush):
            return
        event.listen(session, "after_flush", _collect_flush)
        event.listen(session, "do_orm_execute", _collect_statement)
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _after_rollback)
