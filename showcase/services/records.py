"""Apply field values to a record: NFC text, rendered Markdown, `updated_at` only on change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from showcase.extensions import db
from showcase.markup import nfc, render_markdown
from showcase.models import Commendation, utcnow

# Markdown source column -> rendered HTML column.
RENDERED = {"body_md": "body_html", "bio_md": "bio_html"}


def _normalise(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value.replace("\r\n", "\n"))
    return value


def apply(record: Any, values: dict[str, Any]) -> bool:
    """Set the given attributes where they differ; return whether anything changed."""
    changed = False
    for name, value in values.items():
        value = _normalise(value)
        current = getattr(record, name)
        same = set(current) == set(value) if isinstance(value, list) else current == value
        if not same:
            setattr(record, name, value)
            changed = True
            if name in RENDERED:
                setattr(record, RENDERED[name], render_markdown(value))
    if changed and hasattr(record, "updated_at"):
        record.updated_at = utcnow()
    return changed


def save(record: Any, values: dict[str, Any], by: Any, created: bool) -> bool:
    """Apply values to a record, log it, and keep a revision of stories, exemplars and
    commendations; the caller commits. Return whether anything changed."""
    from showcase.services import audit, revisions  # they build on this module

    changed = apply(record, values)
    if created:
        db.session.add(record)
        audit.record("create", record, by=by)
    elif changed:
        audit.record("edit", record, by=by, fields=sorted(values))
    if (created or changed) and type(record) in revisions.TRACKED:
        revisions.store(record, by)
    return changed


def _touch_exemplars(session: Session, _context, _instances) -> None:
    """An exemplar's record includes its commendations: changing one updates the exemplar."""
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Commendation) and obj.exemplar is not None and session.is_modified(obj):
            obj.exemplar.updated_at = utcnow()


def init_hooks(session) -> None:
    """Attach the record rules to the session (once per process)."""
    if not event.contains(session, "before_flush", _touch_exemplars):
        event.listen(session, "before_flush", _touch_exemplars)
