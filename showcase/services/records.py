"""Save a record the one way: apply the values, write its audit row and keep its revision."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from showcase.extensions import db
from showcase.models import AuditLog, Commendation, User, utcnow
from showcase.services import audit, revisions, snapshots
from showcase.services.errors import StaleError


def check_version(record: Any, seen: int | None) -> None:
    """Refuse a save made from an older version of the record than the one stored now."""
    if seen is not None and record.id is not None and record.version != seen:
        raise StaleError(record, changed_since(record, seen))


def changed_since(record: Any, version: int) -> list[str]:
    """The labels of the fields others changed since `version` (from the audit log)."""
    rows = db.session.scalars(
        select(AuditLog)
        .where(
            AuditLog.object_type == type(record).__name__,
            AuditLog.object_id == record.id,
            AuditLog.action == "edit",
        )
        .order_by(AuditLog.id.desc())
        .limit(50)
    )
    names: list[str] = []
    for row in rows:
        if int(row.detail.get("version") or 0) < version:
            break
        names += [n for n in row.detail.get("fields", []) if n not in names]
    return [revisions.LABELS.get(n, n) for n in names]


def save(
    record: Any,
    values: dict[str, Any],
    by: User | None,
    created: bool,
    seen: int | None = None,
    **detail: Any,
) -> list[str]:
    """Apply values to a record, log it, and keep a revision of stories, exemplars, commendations
    and photos; the caller commits. `seen` is the version the person edited (None: no check).
    Return the names of the values that changed (every one given, for a new record): empty
    when nothing did."""
    check_version(record, seen)
    tracked = type(record) in snapshots.TRACKED
    # a record made before revisions were kept: its first edit also keeps what it was
    before = (
        snapshots.snapshot(record) if tracked and not created and not revisions.has_history(record) else None
    )
    changed = snapshots.apply_changes(record, values)
    if changed and before is not None:
        revisions.store(record, None, data=before)
    if created:
        db.session.add(record)
        audit.record("create", record, by=by, **detail)
    elif changed:
        # settings have no version column: their audit row names the fields only
        if hasattr(type(record), "version"):
            detail["version"] = record.version
        audit.record("edit", record, by=by, fields=changed, **detail)
    if (created or changed) and tracked:
        revisions.store(record, by)
    return list(values) if created else changed


def _touch_exemplars(session: Session, _context, _instances) -> None:
    """An exemplar's record includes its commendations: changing one updates the exemplar."""
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Commendation) and obj.exemplar is not None and session.is_modified(obj):
            obj.exemplar.updated_at = utcnow()


def init_hooks(session) -> None:
    """Attach the record rules to the session (once per process)."""
    if not event.contains(session, "before_flush", _touch_exemplars):
        event.listen(session, "before_flush", _touch_exemplars)
