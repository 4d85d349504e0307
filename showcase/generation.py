"""The data generation: a token that changes in the same transaction as anything public.

Work the site repeats on every request (the home page's figures, filter choices, page
boundaries of long lists, the sample-data flag) is remembered per process under this token
(showcase/site/memo.py). Every process reads the token from the database, so a change
committed by one gunicorn worker, the CLI or the importer is seen by all of them at once.

The token is written at the engine level, just before the COMMIT of any transaction that
wrote to a table the public may see: ORM flushes, bulk statements, the backup restore and
raw SQL alike, and a rolled-back transaction never changes it. A transaction that only
deleted rows (emptying the database before a restore) updates the token but never creates
it, so an emptied database stays empty.

Writes no public page can show do not count: tables the public never sees (PRIVATE_TABLES),
and an ORM flush that only wrote drafts (a story that was a draft and still is, with its links,
revisions and audit rows: an autosave every few seconds must not empty every worker's caches).
Anything else flushed with them makes the flush count as a whole.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask import Flask, g, has_app_context
from sqlalchemy import Engine, event, inspect, select

from showcase.extensions import db
from showcase.models import Setting, StoryStatus

KEY = "data_generation"
WRITES = "public_writes"  # Connection.info: (verb, table) pairs written in this transaction
CACHED = "_data_generation"  # flask.g: the token read by this request
# tables no public page, feed or count shows: writing them (a login, an audit row) changes nothing
PRIVATE_TABLES = frozenset(
    {
        "alembic_version",
        "user",
        "audit_log",
        "revision",
        "nomination",
        "nomination_photo",
        "trash_item",
        "info_request",
        "consultation_comment",
    }
)

UNSEEN_FLUSH = "unseen_flush"  # Connection.info: the flush running writes only what the public never sees

WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


def _mentions_key(parameters: Any) -> bool:
    """Tell whether a statement's parameters (one row or many) name the token's row."""
    rows = parameters if isinstance(parameters, list) else [parameters]
    for row in rows:
        values = row.values() if isinstance(row, dict) else row if isinstance(row, tuple | list) else ()
        if KEY in values:
            return True
    return False


def unseen(record: Any) -> bool:
    """Whether no public page, feed or count shows this record, before or after its change: a
    row of a private table, or a story that is a draft both before and after (a draft is never
    public; a story leaving or entering the draft state is a change the public may see)."""
    table = getattr(type(record), "__tablename__", None)
    if table in PRIVATE_TABLES:
        return True
    if table != "story":
        return False
    history = inspect(record).attrs.status.history
    statuses = [*history.added, *history.unchanged, *history.deleted]
    return bool(statuses) and all(status == StoryStatus.DRAFT for status in statuses)


def _flushed(session: Any) -> list[Any]:
    return [*session.new, *session.deleted, *(r for r in session.dirty if session.is_modified(r))]


def _before_flush(session: Any, _context: Any, _instances: Any) -> None:
    """A flush of drafts only: its statements are not public writes (checked again after it)."""
    records = _flushed(session)
    info = session.connection().info
    if records and all(unseen(record) for record in records):
        info[UNSEEN_FLUSH] = True
    else:
        info.pop(UNSEEN_FLUSH, None)


def _after_flush(session: Any, _context: Any) -> None:
    """What was flushed, as flushed (another hook may have added records after ours): anything
    the public may see among it makes the transaction's writes public after all."""
    info = session.connection().info
    if info.pop(UNSEEN_FLUSH, None) and not all(unseen(record) for record in _flushed(session)):
        info.setdefault(WRITES, set()).add(("UPDATE", "flush"))


def init_session_hooks(session: Any) -> None:
    """Attach the drafts-only check to the shared session (once per process)."""
    if not event.contains(session, "before_flush", _before_flush):
        event.listen(session, "before_flush", _before_flush)
        event.listen(session, "after_flush", _after_flush)


def _note_write(conn, cursor, statement: str, parameters, _context, _executemany) -> None:
    if conn.info.get(UNSEEN_FLUSH):  # a flush of drafts only
        return
    match = WRITE.match(statement)
    # a statement that changed no row changes nothing (rowcount -1: the driver cannot tell; with
    # RETURNING, SQLite counts rows only as they are fetched, after this hook: 0 says nothing)
    if not match or match.group(2).lower() in PRIVATE_TABLES:
        return
    if cursor.rowcount == 0 and not RETURNING.search(statement):
        return
    table = match.group(2).lower()
    conn.info.setdefault(WRITES, set()).add((match.group(1)[:6].upper(), table))
    if table == "setting" and _mentions_key(parameters):
        conn.info[WRITES].add(("OWN", table))  # a restore brings its own token: keep it as it was


def _bump(conn) -> None:
    """Before COMMIT: write a new token if this transaction changed public data."""
    writes = conn.info.pop(WRITES, None)
    if not writes or ("OWN", "setting") in writes:
        return
    token = secrets.token_hex(8)  # hex only: safe to write as a literal on every driver
    if any(verb != "DELETE" for verb, _ in writes):
        sql = (
            f"INSERT INTO setting (\"key\", value) VALUES ('{KEY}', '{token}') "
            'ON CONFLICT ("key") DO UPDATE SET value = excluded.value'
        )
    else:
        sql = f"UPDATE setting SET value = '{token}' WHERE \"key\" = '{KEY}'"
    # the DBAPI cursor: still inside the transaction being committed, and outside SQLAlchemy's events
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()
    if has_app_context():
        g.pop(CACHED, None)  # this request reads the new token next time


def _forget(conn, *_args) -> None:
    conn.info.pop(WRITES, None)
    conn.info.pop(UNSEEN_FLUSH, None)


def _forget_on_reset(dbapi_connection, connection_record, reset_state) -> None:
    connection_record.info.pop(WRITES, None)
    connection_record.info.pop(UNSEEN_FLUSH, None)


def init_generation(app: Flask) -> None:
    """Attach the token's hooks to this app's engine (once per engine)."""
    with app.app_context():
        engine: Engine = db.engine
        if event.contains(engine, "after_cursor_execute", _note_write):
            return
        event.listen(engine, "after_cursor_execute", _note_write)
        event.listen(engine, "commit", _bump)
        event.listen(engine, "rollback", _forget)
        event.listen(engine.pool, "reset", _forget_on_reset)


READ = f"SELECT value FROM setting WHERE \"key\" = '{KEY}'"


def read(engine: Engine) -> str | None:
    """The committed token, read on a pooled connection with the driver's own cursor: a few
    microseconds where an ORM query costs half a millisecond (it is read on every request)."""
    conn = engine.raw_connection()
    try:
        cursor = conn.cursor()
        try:
            cursor.execute(READ)
            row = cursor.fetchone()
        finally:
            cursor.close()
    finally:
        conn.close()  # back to the pool, which rolls back whatever the read began
    return None if row is None else str(row[0])


def current() -> str | None:
    """This request's data generation (read once per request; None for a database never written).

    A session already in a transaction reads it there (what it sees of the data and the token
    then agree); otherwise the committed value is read directly."""
    if CACHED not in g:
        session: Any = db.session()
        if session.in_transaction():
            value = session.scalar(select(Setting.value).where(Setting.key == KEY))
        else:
            value = read(db.engine)
        g.setdefault(CACHED, value)
    return g.get(CACHED)


def pending_writes() -> bool:
    """Tell whether this session holds writes not yet committed (what it reads is not yet true)."""
    session: Any = db.session()  # the request's Session behind the scoped proxy
    if session.new or session.dirty or session.deleted:
        return True
    return bool(session.in_transaction() and session.connection().info.get(WRITES))
